-- Market data: quotes range-partitioned by month, FX rates, and the fetcher's quarantine.
-- Prices are numeric (exact); statistics convert to float8 where they start.

-- One row per symbol and bar. Daily bars carry the trading date at 00:00 UTC in ts.
CREATE TABLE portfolio.quotes (
    symbol     text          NOT NULL,
    ts         timestamptz   NOT NULL,
    open       numeric,
    high       numeric,
    low        numeric,
    close      numeric       NOT NULL,
    adj_close  numeric,                 -- split- and dividend-adjusted close, when the source has one
    volume     numeric,
    source     text          NOT NULL,
    fetched_at timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, ts),
    CHECK (close > 0),
    CHECK (volume IS NULL OR volume >= 0)
) PARTITION BY RANGE (ts);
COMMENT ON TABLE portfolio.quotes IS
    'price bars, monthly range partitions created by portfolio.ensure_quote_partitions(); no default partition';

-- 1 unit of base costs rate units of quote (EUR/USD 1.08: base EUR, quote USD).
CREATE TABLE portfolio.fx_rates (
    day        date        NOT NULL,
    base       text        NOT NULL CHECK (base ~ '^[A-Z]{3}$'),
    quote      text        NOT NULL CHECK (quote ~ '^[A-Z]{3}$'),
    rate       numeric     NOT NULL CHECK (rate > 0),
    source     text        NOT NULL DEFAULT 'manual',
    fetched_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, base, quote)
);
CREATE INDEX fx_rates_pair_day ON portfolio.fx_rates (base, quote, day DESC);

-- Rows the fetcher refused, kept with their raw text and the reason: nothing is silently dropped.
CREATE TABLE portfolio.quotes_rejected (
    id      bigserial   PRIMARY KEY,
    symbol  text,
    raw     text        NOT NULL,
    reason  text        NOT NULL,
    source  text        NOT NULL,
    seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quotes_rejected_seen_at ON portfolio.quotes_rejected (seen_at);

-- Every monthly partition ensure_quote_partitions() made, appended as it makes it. Published with
-- the quotes (70_scale_out.sql), it reaches a subscriber ahead of the first quote of its month, in
-- the same transaction, and a trigger there makes the partition: replication never stops at a
-- quote for a month the subscriber has no partition for. No key on purpose: a month logged on
-- both sides (a subscriber's own upkeep job) must not make the replicated insert conflict.
CREATE TABLE portfolio.quote_partition_log (
    month      date        NOT NULL CHECK (extract(day FROM month) = 1),
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE portfolio.quote_partition_log IS
    'the monthly quote partitions made here, in order; published with the quotes so subscribers make them too';

-- The name of the monthly partition holding a timestamp: quotes_YYYY_MM (months in UTC).
CREATE FUNCTION portfolio.quote_partition_name(ts timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN 'quotes_' || to_char(ts AT TIME ZONE 'UTC', 'YYYY_MM');

-- The longest range of days a quote history can plausibly span (200 years). Longer ranges are
-- typing mistakes ('4713-01-01 BC'): functions that make a row or a partition per day or month
-- refuse them at once instead of running until statement_timeout.
CREATE FUNCTION portfolio.max_history_days() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 366 * 200;

-- Creates the missing monthly partitions covering [from_day, to_day]; returns how many it made.
-- Bounds are written in UTC so they do not depend on the session's TimeZone.
-- DDL that never queues readers: each partition is made as a table of its own, then attached.
-- ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on portfolio.quotes, which neither readers
-- (ACCESS SHARE) nor writers (ROW EXCLUSIVE) conflict with, so it neither waits for a long
-- dashboard query nor makes the queries after it wait; CREATE TABLE ... PARTITION OF would take
-- ACCESS EXCLUSIVE, wait behind the long query, and queue every new reader behind itself. (Only
-- VACUUM, ANALYZE and other DDL on quotes can still make it wait: callers set a lock_timeout.)
-- SECURITY DEFINER: creating and attaching a partition needs the owner of portfolio.quotes; it is
-- granted to portfolio_loader (the fetcher's role), not to PUBLIC (58_security.sql).
CREATE FUNCTION portfolio.ensure_quote_partitions(from_day date, to_day date) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    month_start date := date_trunc('month', from_day::timestamp)::date;
    created integer := 0;
    part text;
BEGIN
    IF to_day < from_day THEN
        RAISE EXCEPTION 'ensure_quote_partitions: to_day % is before from_day %', to_day, from_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF to_day - from_day > portfolio.max_history_days() THEN
        RAISE EXCEPTION 'ensure_quote_partitions: a span of % days is not a plausible quote history', to_day - from_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- concurrent loaders must not race to create the same partition
    PERFORM pg_advisory_xact_lock(hashtext('portfolio.ensure_quote_partitions'));
    WHILE month_start <= to_day LOOP
        part := portfolio.quote_partition_name(month_start::timestamp AT TIME ZONE 'UTC');
        IF to_regclass(format('portfolio.%I', part)) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE portfolio.%I (LIKE portfolio.quotes INCLUDING DEFAULTS INCLUDING CONSTRAINTS'
                ' INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING STATISTICS)', part);
            EXECUTE format(
                'ALTER TABLE portfolio.quotes ATTACH PARTITION portfolio.%I FOR VALUES FROM (%L) TO (%L)',
                part,
                month_start::text || ' 00:00:00+00',
                (month_start + interval '1 month')::date::text || ' 00:00:00+00');
            INSERT INTO portfolio.quote_partition_log (month) VALUES (month_start);
            created := created + 1;
        END IF;
        month_start := (month_start + interval '1 month')::date;
    END LOOP;
    RETURN created;
END
$$;
COMMENT ON FUNCTION portfolio.ensure_quote_partitions(date, date) IS
    'creates the missing monthly partitions of portfolio.quotes covering the given days';

-- The months whose partitions must exist at any time: today's (UTC) and the next three. The one
-- definition behind both the upkeep (maintain_quote_partitions, the pg_cron job) and the check
-- (portfolio.health), so the two agree on every day and in every session time zone.
CREATE FUNCTION portfolio.quote_partition_months() RETURNS SETOF date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT (date_trunc('month', portfolio.today()::timestamp) + make_interval(months => k))::date
    FROM generate_series(0, 3) k
$$;
COMMENT ON FUNCTION portfolio.quote_partition_months() IS
    'first days of the months whose quote partitions must exist: this month (UTC) and the next 3';

CREATE FUNCTION portfolio.maintain_quote_partitions() RETURNS integer
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT portfolio.ensure_quote_partitions(min(m), max(m)) FROM portfolio.quote_partition_months() m
$$;
COMMENT ON FUNCTION portfolio.maintain_quote_partitions() IS
    'creates the quote partitions of quote_partition_months() that are missing; returns how many it made';

-- pg_dump keeps the user data of extension tables (partitions created later are ordinary tables).
SELECT pg_catalog.pg_extension_config_dump('portfolio.fx_rates', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.quotes_rejected', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.quotes_rejected_id_seq', '');
