-- pg_portfolio upgrade from 0.1 to 0.2, written by hand.
--
-- Rules for this file (docs/operations.md "Upgrading", test/suites/upgrade.sh):
--   * Every change to src/sql/*.sql since 0.1 (commit 83d85d6) has its statement here, so that
--     0.1 + this script ends with exactly the objects of a fresh 0.2 install; the upgrade test
--     diffs the two catalogs and fails on any difference.
--   * One section per change, headed by a comment saying which change (issue) it belongs to and
--     why; append new sections at the end, in the order the changes landed.
--   * Never change users' rows silently: data that 0.2 would refuse stops the upgrade with an
--     error naming the rows (section "Data checks"), so the user fixes them and runs it again.
--   * The script runs in one transaction: an error anywhere leaves 0.1 exactly as it was.
\echo Use "ALTER EXTENSION pg_portfolio UPDATE TO '0.2'" to load this file. \quit

-- === Data checks (run first, before anything changes) ========================================
-- When a change makes 0.2 refuse rows that 0.1 accepted, put its check here as a DO block that
-- collects the offending rows and raises, like:
--
--   DO $check$
--   DECLARE bad text;
--   BEGIN
--       SELECT string_agg(format('transaction %s (portfolio %s)', id, portfolio_id), ', ')
--         INTO bad FROM portfolio.transactions WHERE <the new rule is broken>;
--       IF bad IS NOT NULL THEN
--           RAISE EXCEPTION 'pg_portfolio 0.2 refuses these rows: %', bad
--               USING ERRCODE = 'check_violation',
--                     HINT = 'Correct or delete them, then run ALTER EXTENSION pg_portfolio UPDATE again.';
--       END IF;
--   END
--   $check$;
--
-- and a case in test/suites/upgrade.sh that proves the upgrade stops and names the rows.

-- 0.2 validates holdings when they are written (issue 18): a ledger that sells more than it holds
-- at some point is refused, naming the positions.
DO $check$
DECLARE
    bad text := NULL;
    pos record;
BEGIN
    FOR pos IN SELECT DISTINCT t.portfolio_id, t.instrument FROM portfolio.transactions t
               WHERE t.instrument IS NOT NULL ORDER BY 1, 2 LOOP
        BEGIN
            PERFORM portfolio.position_agg(t.executed_at, t.kind,
                        CASE WHEN t.kind IN ('dividend', 'interest') THEN NULL ELSE t.quantity END,
                        CASE WHEN t.kind IN ('dividend', 'interest') THEN t.amount ELSE t.price END,
                        t.fees, p.cost_method
                        ORDER BY t.executed_at,
                                 CASE t.kind WHEN 'split' THEN 0 WHEN 'buy' THEN 1 WHEN 'transfer_in' THEN 1
                                             WHEN 'sell' THEN 3 WHEN 'transfer_out' THEN 3 ELSE 2 END, t.id)
            FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
            WHERE t.portfolio_id = pos.portfolio_id AND t.instrument = pos.instrument;
        EXCEPTION WHEN SQLSTATE 'PF001' THEN
            bad := concat_ws('; ', bad, format('portfolio %s, instrument %s: %s', pos.portfolio_id, pos.instrument, SQLERRM));
        END;
    END LOOP;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'pg_portfolio 0.2 refuses these rows: %', bad
            USING ERRCODE = 'check_violation',
                  HINT = 'Correct or delete them, then run ALTER EXTENSION pg_portfolio UPDATE again.';
    END IF;
END
$check$;

-- === Releases (issue 13) ======================================================================
-- Versioning itself changes no SQL object: portfolio.version() reports the library's version,
-- which the 0.2 build compiles in from pg_portfolio.control. Nothing to do.

-- === One "today" and as-of dates (issue 12) ===================================================
-- Every date-dependent object takes its day from portfolio.today() (the UTC date) or, for what
-- users read, portfolio.as_of() (the setting portfolio.as_of, else today); partition upkeep and
-- health share quote_partition_months(). src/sql/29_today.sql and the pieces named below.

-- 29_today.sql: new (the reasons are written there)
CREATE FUNCTION portfolio.today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (pg_catalog.now() AT TIME ZONE 'UTC')::date;
COMMENT ON FUNCTION portfolio.today() IS
    'the business date: the UTC date of the transaction''s start, whatever the session''s TimeZone';

-- PL/pgSQL for the message: an unset or RESET setting reads as '' (or NULL before any SET).
-- No exception block (a subtransaction is not allowed in a parallel worker): the format is
-- checked by pattern, and an impossible day such as 2025-02-30 fails in the cast itself (22008).
CREATE FUNCTION portfolio.as_of() RETURNS date
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    wanted text := current_setting('portfolio.as_of', true);
    today date := portfolio.today();
    day date;
BEGIN
    IF wanted IS NULL OR btrim(wanted) = '' THEN
        RETURN today;
    END IF;
    IF btrim(wanted) !~ '^\d{4}-\d{2}-\d{2}$' THEN
        RAISE EXCEPTION 'portfolio.as_of must be a date written YYYY-MM-DD, not "%"', wanted
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SET portfolio.as_of = ''2025-12-31''; RESET portfolio.as_of reports for today.';
    END IF;
    day := btrim(wanted)::date;
    IF day > today THEN
        RAISE EXCEPTION 'portfolio.as_of % is after today, % (UTC)', day, today
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Reports can be asked for today or a past day; portfolio_daily ends today.';
    END IF;
    RETURN day;
END
$$;
COMMENT ON FUNCTION portfolio.as_of() IS
    'the date reports are computed for: the setting portfolio.as_of (YYYY-MM-DD) when set, else today()';

-- The first instant after the as-of day: views see transactions and quotes strictly before it.
CREATE FUNCTION portfolio.as_of_cutoff() RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (portfolio.as_of() + 1)::timestamp AT TIME ZONE 'UTC';
COMMENT ON FUNCTION portfolio.as_of_cutoff() IS
    'the end of the as-of day (00:00 UTC of the next day): rows at or after it are not reported';

-- The instant ages are measured from: now, or the end of the as-of day when that is earlier
-- (a quote's age and the fetcher's rejections "in the last day" as of a past date).
CREATE FUNCTION portfolio.as_of_instant() RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN least(pg_catalog.now(), portfolio.as_of_cutoff());
COMMENT ON FUNCTION portfolio.as_of_instant() IS
    'now(), or the end of the as-of day when portfolio.as_of names a past day';

-- 30_quotes.sql: one bound for a plausible history (also benchmark_daily_returns', below); month
-- arithmetic without the session's time zone; the months to keep, and their upkeep
-- The longest range of days a quote history can plausibly span (200 years). Longer ranges are
-- typing mistakes ('4713-01-01 BC'): functions that make a row or a partition per day or month
-- refuse them at once instead of running until statement_timeout.
CREATE FUNCTION portfolio.max_history_days() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 366 * 200;

CREATE OR REPLACE FUNCTION portfolio.ensure_quote_partitions(from_day date, to_day date) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
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
                'CREATE TABLE portfolio.%I PARTITION OF portfolio.quotes FOR VALUES FROM (%L) TO (%L)',
                part,
                month_start::text || ' 00:00:00+00',
                (month_start + interval '1 month')::date::text || ' 00:00:00+00');
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

-- 50_positions.sql: cash and positions up to the as-of day (same columns)
CREATE OR REPLACE VIEW portfolio.cash WITH (security_invoker = true) AS
SELECT b.portfolio_id, b.currency, b.balance, b.base_currency,
       trim_scale(fx.rate) AS fx_rate,
       trim_scale(b.balance * fx.rate) AS balance_base
FROM (SELECT t.portfolio_id, t.currency, p.base_currency,
             sum(portfolio.cash_effect(t.kind, t.quantity, t.price, t.fees, t.amount)) AS balance
      FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
      WHERE t.executed_at < (SELECT portfolio.as_of_cutoff())
      GROUP BY t.portfolio_id, t.currency, p.base_currency) b
-- one rate lookup per balance (OFFSET 0 keeps the planner from copying the call into both columns)
CROSS JOIN LATERAL (SELECT portfolio.fx_rate(b.currency, b.base_currency, (SELECT portfolio.as_of())) AS rate
                    OFFSET 0) fx;
COMMENT ON VIEW portfolio.cash IS
    'cash per portfolio and currency from the ledger (deposits, trades, income, fees) up to the as-of day; '
    'base amount at that day''s rate';

CREATE OR REPLACE VIEW portfolio.positions WITH (security_invoker = true) AS
WITH held AS (
    SELECT t.portfolio_id, t.instrument,
           portfolio.position_agg(t.executed_at, t.kind,
                                  portfolio.position_quantity_arg(t.kind, t.quantity),
                                  portfolio.position_price_arg(t.kind, t.price, t.amount), t.fees,
                                  p.cost_method,
                                  format('portfolio %s (%s), instrument %s', p.id, p.name, t.instrument)
                                  ORDER BY t.executed_at, t.id) AS position
    FROM portfolio.transactions t
    JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.instrument IS NOT NULL AND t.executed_at < (SELECT portfolio.as_of_cutoff())
    GROUP BY t.portfolio_id, t.instrument
), valued AS (
    SELECT h.portfolio_id, p.name AS portfolio_name, h.instrument, i.name AS instrument_name,
           i.asset_class, i.sector, i.currency, p.base_currency, h.position,
           portfolio.quantity(h.position) AS quantity,
           portfolio.average_cost(h.position) AS average_cost,
           portfolio.cost_basis(h.position) AS invested,
           q.close AS market_price,
           q.ts AS price_at,
           portfolio.market_value(h.position, q.close) AS market_value,
           portfolio.unrealized_pl(h.position, q.close) AS unrealized_pl,
           portfolio.realized_pl(h.position) AS realized_pl,
           portfolio.income(h.position) AS income,
           portfolio.fees(h.position) AS fees,
           fx.rate AS fx_rate,
           q.ts IS NULL OR q.ts < (SELECT portfolio.as_of_instant())
                                  - make_interval(days => portfolio.setting('stale_quote_days')) AS price_stale
    FROM held h
    JOIN portfolio.portfolios p ON p.id = h.portfolio_id
    JOIN portfolio.instruments i ON i.symbol = h.instrument
    LEFT JOIN LATERAL (
        SELECT qq.ts, qq.close FROM portfolio.quotes qq
        WHERE qq.symbol = h.instrument AND qq.ts < (SELECT portfolio.as_of_cutoff())
        ORDER BY qq.ts DESC LIMIT 1) q ON true
    -- OFFSET 0 keeps the planner from copying the call into every column that uses the rate
    LEFT JOIN LATERAL (
        SELECT trim_scale(portfolio.fx_rate(i.currency, p.base_currency,
                                            coalesce((q.ts AT TIME ZONE 'UTC')::date,
                                                     (SELECT portfolio.as_of())))) AS rate
        OFFSET 0) fx ON true
), cash AS (   -- one row per portfolio, so the planner knows it (GROUP BY on a view's column was
               -- estimated at 200 groups: a 200-fold row estimate that made PostgreSQL JIT-compile
               -- the query, 250 ms of a 15 ms query)
    SELECT pc.id AS portfolio_id, k.cash_base, k.cash_fx_missing
    FROM portfolio.portfolios pc
    CROSS JOIN LATERAL (SELECT sum(c.balance_base) AS cash_base, bool_or(c.fx_rate IS NULL) AS cash_fx_missing
                        FROM portfolio.cash c WHERE c.portfolio_id = pc.id) k
)
SELECT v.portfolio_id, v.portfolio_name, v.instrument, v.instrument_name, v.asset_class, v.sector,
       v.currency, v.quantity, v.average_cost, v.invested, v.market_price, v.price_at, v.price_stale,
       v.market_value, v.unrealized_pl,
       CASE WHEN v.invested > 0 THEN round(v.unrealized_pl / v.invested * 100, 4) END AS gain_pct,
       v.realized_pl, v.income, v.fees,
       v.base_currency, v.fx_rate, v.fx_rate IS NULL AS fx_missing,
       trim_scale(v.invested * v.fx_rate) AS invested_base,
       trim_scale(v.market_value * v.fx_rate) AS market_value_base,
       trim_scale(v.unrealized_pl * v.fx_rate) AS unrealized_pl_base,
       -- share of the portfolio's value (securities and cash); NULL while any part is unconverted
       CASE WHEN bool_or(v.fx_rate IS NULL OR v.market_price IS NULL) OVER w OR c.cash_fx_missing THEN NULL
            WHEN sum(v.market_value * v.fx_rate) OVER w + coalesce(c.cash_base, 0) <> 0
            THEN round(v.market_value * v.fx_rate / (sum(v.market_value * v.fx_rate) OVER w + coalesce(c.cash_base, 0)), 6)
       END AS weight,
       v.position
FROM valued v LEFT JOIN cash c ON c.portfolio_id = v.portfolio_id
WINDOW w AS (PARTITION BY v.portfolio_id);
COMMENT ON VIEW portfolio.positions IS
    'per portfolio and instrument: quantity, average cost, invested, last close and its time, market value, '
    'P/L, income, weight, and the money in the base currency at the FX rate of the quote''s day; as of as_of()';

-- 52_daily_values.sql: the stored days run to today() instead of current_date. A materialized view's
-- query cannot be replaced in place: point portfolio_daily at an empty row source of the same
-- columns for a moment (so views built on it, the extension's and users' own, stay), recreate the
-- materialized view (this computes it, as long as a refresh takes), then put portfolio_daily back.
CREATE OR REPLACE VIEW portfolio.portfolio_daily WITH (security_barrier = true) AS
SELECT NULL::bigint AS portfolio_id, NULL::date AS day, NULL::numeric AS market_value,
       NULL::numeric AS securities_value, NULL::numeric AS cash_value, NULL::numeric AS cost_basis,
       NULL::numeric AS deposits, NULL::numeric AS withdrawals, NULL::numeric AS net_flow,
       NULL::numeric AS realized_pl, NULL::numeric AS income, NULL::numeric AS fees,
       NULL::integer AS unconverted, NULL::double precision AS daily_return
WHERE false;
DROP MATERIALIZED VIEW portfolio.portfolio_daily_mv;
CREATE MATERIALIZED VIEW portfolio.portfolio_daily_mv AS
WITH params AS (
    -- today(), not the as-of date: the view below cuts the rows at as_of(), so one refresh serves
    -- every report date (a day's row depends only on what happened up to that day)
    SELECT portfolio.today() AS end_day, portfolio.setting('fx_max_staleness_days') AS fx_days
), txn AS (
    SELECT t.id, t.portfolio_id, t.instrument, t.executed_at, t.kind, t.quantity, t.price, t.fees,
           t.amount, t.currency, p.base_currency, p.cost_method, p.name AS portfolio_name,
           (t.executed_at AT TIME ZONE 'UTC')::date AS day
    FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
), running AS (      -- the position after each transaction of an instrument
    SELECT x.*, portfolio.quantity(x.pos) AS q_after, portfolio.cost_basis(x.pos) AS cost_after,
           portfolio.realized_pl(x.pos) AS realized_after
    FROM (SELECT txn.*,
                 portfolio.position_agg(txn.executed_at, txn.kind,
                                        portfolio.position_quantity_arg(txn.kind, txn.quantity),
                                        portfolio.position_price_arg(txn.kind, txn.price, txn.amount),
                                        txn.fees, txn.cost_method,
                                        format('portfolio %s (%s), instrument %s', txn.portfolio_id,
                                               txn.portfolio_name, txn.instrument))
                     OVER (PARTITION BY txn.portfolio_id, txn.instrument ORDER BY txn.executed_at, txn.id
                           ROWS UNBOUNDED PRECEDING) AS pos
          FROM txn WHERE txn.instrument IS NOT NULL) x
), deltas AS (
    SELECT r.*,
           r.realized_after - coalesce(lag(r.realized_after) OVER pw, 0) AS realized_delta,
           r.cost_after - coalesce(lag(r.cost_after) OVER pw, 0) AS cost_delta,
           row_number() OVER (PARTITION BY r.portfolio_id, r.instrument, r.day
                              ORDER BY r.executed_at DESC, r.id DESC) AS nth_from_end_of_day
    FROM running r
    WINDOW pw AS (PARTITION BY r.portfolio_id, r.instrument ORDER BY r.executed_at, r.id)
), holding_spans AS (  -- quantity and cost held at the end of from_day .. to_day
    SELECT d.portfolio_id, d.instrument, d.currency, d.base_currency, d.day AS from_day,
           coalesce(lead(d.day) OVER (PARTITION BY d.portfolio_id, d.instrument ORDER BY d.day) - 1,
                    (SELECT end_day FROM params)) AS to_day,
           d.q_after AS quantity, d.cost_after AS cost
    FROM deltas d WHERE d.nth_from_end_of_day = 1
), closes AS (         -- the last close of each UTC day (daily bars sit at 00:00 UTC)
    SELECT DISTINCT ON (q.symbol, (q.ts AT TIME ZONE 'UTC')::date)
           q.symbol, (q.ts AT TIME ZONE 'UTC')::date AS day, q.close
    FROM portfolio.quotes q
    WHERE q.symbol IN (SELECT s.instrument FROM holding_spans s)
    ORDER BY q.symbol, (q.ts AT TIME ZONE 'UTC')::date, q.ts DESC
), price_days AS (     -- carried forward to the next quote (a holding keeps its last price)
    SELECT c.symbol, g::date AS day, c.close
    FROM (SELECT c.*, lead(c.day) OVER (PARTITION BY c.symbol ORDER BY c.day) AS next_day FROM closes c) c,
         generate_series(c.day, coalesce(c.next_day - 1, (SELECT end_day FROM params)), interval '1 day') g
), fx_pairs AS (
    SELECT DISTINCT t.currency, t.base_currency FROM txn t WHERE t.currency <> t.base_currency
), fx_obs AS (         -- a stored pair, else its inverse
    SELECT DISTINCT ON (p.currency, p.base_currency, f.day) p.currency, p.base_currency, f.day, f.rate
    FROM fx_pairs p
    JOIN LATERAL (SELECT r.day, r.rate, 0 AS inverse FROM portfolio.fx_rates r
                  WHERE r.base = p.currency AND r.quote = p.base_currency
                  UNION ALL
                  SELECT r.day, 1 / r.rate, 1 FROM portfolio.fx_rates r
                  WHERE r.base = p.base_currency AND r.quote = p.currency) f ON true
    ORDER BY p.currency, p.base_currency, f.day, f.inverse
), fx_days AS (        -- carried forward at most fx_days days
    SELECT o.currency, o.base_currency, g::date AS day, o.rate
    FROM (SELECT o.*, lead(o.day) OVER (PARTITION BY o.currency, o.base_currency ORDER BY o.day) AS next_day
          FROM fx_obs o) o,
         generate_series(o.day,
                         least(coalesce(o.next_day - 1, (SELECT end_day FROM params)),
                               o.day + (SELECT fx_days FROM params),
                               (SELECT end_day FROM params)),
                         interval '1 day') g
), prices_base AS (   -- per symbol, base currency and day: the carried close and the FX rate, once
    SELECT pd.symbol, b.base_currency, pd.day, pd.close,
           CASE WHEN i.currency = b.base_currency THEN 1 ELSE f.rate END AS rate
    FROM price_days pd
    JOIN portfolio.instruments i ON i.symbol = pd.symbol
    CROSS JOIN (SELECT DISTINCT t.base_currency FROM txn t) b
    LEFT JOIN fx_days f ON f.currency = i.currency AND f.base_currency = b.base_currency AND f.day = pd.day
), price_arrays AS (   -- one row per symbol and base currency: dense daily arrays
    SELECT pb.symbol, pb.base_currency, min(pb.day) AS first_day,
           array_agg(pb.close ORDER BY pb.day) AS closes, array_agg(pb.rate ORDER BY pb.day) AS rates
    FROM prices_base pb GROUP BY pb.symbol, pb.base_currency
), holding_values AS (   -- one row per holding and day, sliced from the arrays (no join per day)
    SELECT s.portfolio_id, greatest(s.from_day, pa.first_day) + (u.n - 1)::integer AS day,
           s.quantity * u.close * u.rate AS value,
           s.cost * CASE WHEN s.currency = s.base_currency THEN 1 ELSE u.rate END AS cost,
           u.close IS NULL OR u.rate IS NULL AS missing
    FROM holding_spans s
    JOIN price_arrays pa ON pa.symbol = s.instrument AND pa.base_currency = s.base_currency
    CROSS JOIN LATERAL unnest(
        pa.closes[greatest(s.from_day, pa.first_day) - pa.first_day + 1 : s.to_day - pa.first_day + 1],
        pa.rates[greatest(s.from_day, pa.first_day) - pa.first_day + 1 : s.to_day - pa.first_day + 1])
        WITH ORDINALITY u(close, rate, n)
    WHERE s.quantity <> 0
    UNION ALL            -- days held before the instrument's first quote, or with none: unpriced
    SELECT s.portfolio_id, g::date, NULL, NULL, true
    FROM holding_spans s
    LEFT JOIN price_arrays pa ON pa.symbol = s.instrument AND pa.base_currency = s.base_currency
    CROSS JOIN generate_series(s.from_day, least(s.to_day, coalesce(pa.first_day - 1, s.to_day)), interval '1 day') g
    WHERE s.quantity <> 0
), securities AS (
    SELECT h.portfolio_id, h.day, sum(h.value) AS value, sum(h.cost) AS cost,
           count(*) FILTER (WHERE h.missing) AS missing
    FROM holding_values h
    GROUP BY h.portfolio_id, h.day
), cash_spans AS (
    SELECT c.portfolio_id, c.currency, c.base_currency, c.day AS from_day,
           coalesce(lead(c.day) OVER pw - 1, (SELECT end_day FROM params)) AS to_day,
           sum(c.delta) OVER pw AS balance
    FROM (SELECT t.portfolio_id, t.currency, t.base_currency, t.day,
                 sum(portfolio.cash_effect(t.kind, t.quantity, t.price, t.fees, t.amount)) AS delta
          FROM txn t GROUP BY t.portfolio_id, t.currency, t.base_currency, t.day) c
    WINDOW pw AS (PARTITION BY c.portfolio_id, c.currency ORDER BY c.day)
), cash AS (
    SELECT s.portfolio_id, g::date AS day,
           sum(s.balance * CASE WHEN s.currency = s.base_currency THEN 1 ELSE f.rate END) AS value,
           count(*) FILTER (WHERE s.currency <> s.base_currency AND f.rate IS NULL) AS missing
    FROM cash_spans s
    CROSS JOIN generate_series(s.from_day, s.to_day, interval '1 day') g
    LEFT JOIN fx_days f ON f.currency = s.currency AND f.base_currency = s.base_currency AND f.day = g::date
    WHERE s.balance <> 0
    GROUP BY s.portfolio_id, g::date
), events AS (         -- flows and P/L parts of each transaction, in its currency
    SELECT d.portfolio_id, d.day, d.currency, d.base_currency,
           CASE WHEN d.kind = 'transfer_in' THEN d.quantity * d.price ELSE 0 END AS inflow,
           CASE WHEN d.kind = 'transfer_out' THEN coalesce(d.quantity * d.price, -d.cost_delta) ELSE 0 END AS outflow,
           d.realized_delta AS realized,
           CASE WHEN d.kind IN ('dividend', 'interest') THEN d.amount ELSE 0 END AS income,
           CASE WHEN d.kind IN ('buy', 'sell', 'transfer_in', 'transfer_out') THEN 0 ELSE d.fees END AS fees
    FROM deltas d
    UNION ALL
    SELECT t.portfolio_id, t.day, t.currency, t.base_currency,
           CASE WHEN t.kind = 'deposit' THEN t.amount ELSE 0 END,
           CASE WHEN t.kind = 'withdrawal' THEN t.amount ELSE 0 END,
           0,
           CASE WHEN t.kind = 'interest' THEN t.amount ELSE 0 END,
           t.fees
    FROM txn t WHERE t.instrument IS NULL
), event_days AS (
    SELECT e.portfolio_id, e.day,
           sum(e.inflow * fx.rate) AS deposits, sum(e.outflow * fx.rate) AS withdrawals,
           sum(e.realized * fx.rate) AS realized, sum(e.income * fx.rate) AS income,
           sum(e.fees * fx.rate) AS fees,
           count(*) FILTER (WHERE fx.rate IS NULL) AS missing
    FROM events e
    LEFT JOIN fx_days f ON f.currency = e.currency AND f.base_currency = e.base_currency AND f.day = e.day
    CROSS JOIN LATERAL (SELECT CASE WHEN e.currency = e.base_currency THEN 1::numeric ELSE f.rate END AS rate) fx
    GROUP BY e.portfolio_id, e.day
), calendar AS (
    SELECT f.portfolio_id, g::date AS day
    FROM (SELECT t.portfolio_id, min(t.day) AS first_day FROM txn t GROUP BY t.portfolio_id) f,
         generate_series(f.first_day, (SELECT end_day FROM params), interval '1 day') g
), daily AS (
    SELECT c.portfolio_id, c.day,
           CASE WHEN coalesce(s.missing, 0) + coalesce(k.missing, 0) = 0
                THEN coalesce(s.value, 0) + coalesce(k.value, 0) END AS market_value,
           CASE WHEN coalesce(s.missing, 0) = 0 THEN coalesce(s.value, 0) END AS securities_value,
           CASE WHEN coalesce(k.missing, 0) = 0 THEN coalesce(k.value, 0) END AS cash_value,
           CASE WHEN coalesce(s.missing, 0) = 0 THEN coalesce(s.cost, 0) END AS cost_basis,
           coalesce(e.deposits, 0) AS deposits,
           coalesce(e.withdrawals, 0) AS withdrawals,
           coalesce(e.realized, 0) AS realized_pl,
           coalesce(e.income, 0) AS income,
           coalesce(e.fees, 0) AS fees,
           (coalesce(s.missing, 0) + coalesce(k.missing, 0) + coalesce(e.missing, 0))::integer AS unconverted
    FROM calendar c
    LEFT JOIN securities s ON s.portfolio_id = c.portfolio_id AND s.day = c.day
    LEFT JOIN cash k ON k.portfolio_id = c.portfolio_id AND k.day = c.day
    LEFT JOIN event_days e ON e.portfolio_id = c.portfolio_id AND e.day = c.day
)
SELECT d.portfolio_id, d.day, trim_scale(d.market_value) AS market_value,
       trim_scale(d.securities_value) AS securities_value, trim_scale(d.cash_value) AS cash_value,
       trim_scale(d.cost_basis) AS cost_basis, trim_scale(d.deposits) AS deposits,
       trim_scale(d.withdrawals) AS withdrawals, trim_scale(d.deposits - d.withdrawals) AS net_flow,
       trim_scale(d.realized_pl) AS realized_pl, trim_scale(d.income) AS income,
       trim_scale(d.fees) AS fees, d.unconverted,
       -- r_t = (V_t + max(-F_t, 0)) / (V_{t-1} + max(F_t, 0)) - 1: inflows count at the start of
       -- the day, outflows at its end (the rule of twr(market_value, net_flow))
       ((d.market_value + greatest(d.withdrawals - d.deposits, 0))
        / nullif(lag(d.market_value, 1, 0::numeric) OVER pw + greatest(d.deposits - d.withdrawals, 0), 0)
        - 1)::float8 AS daily_return
FROM daily d
WINDOW pw AS (PARTITION BY d.portfolio_id ORDER BY d.day);
CREATE UNIQUE INDEX portfolio_daily_mv_key ON portfolio.portfolio_daily_mv (portfolio_id, day);
COMMENT ON MATERIALIZED VIEW portfolio.portfolio_daily_mv IS
    'private: read portfolio.portfolio_daily; refreshed by portfolio.refresh()';
REVOKE ALL ON portfolio.portfolio_daily_mv FROM PUBLIC;
CREATE OR REPLACE VIEW portfolio.portfolio_daily WITH (security_barrier = true) AS
SELECT d.*
FROM portfolio.portfolio_daily_mv d
JOIN portfolio.portfolios p ON p.id = d.portfolio_id
WHERE d.day <= (SELECT portfolio.as_of())
  AND ((SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]));
COMMENT ON VIEW portfolio.portfolio_daily IS
    'per portfolio and day up to portfolio.as_of(): value in base currency (last quote and FX carried '
    'forward), flows, P/L parts, daily return; only the portfolios the caller may read; as of the last '
    'portfolio.refresh()';

-- 56_refresh.sql: the partition job is maintain_quote_partitions(), hourly
CREATE OR REPLACE FUNCTION portfolio.schedule_refresh(schedule text DEFAULT '*/5 * * * *',
                                           keep_history interval DEFAULT '7 days')
    RETURNS TABLE (jobname text, jobid bigint, job_schedule text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF to_regnamespace('cron') IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not installed in database %', current_database()
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add shared_preload_libraries = ''pg_cron'' and cron.database_name = '''
                         || current_database() || ''' to postgresql.conf, restart, then run '
                         || 'CREATE EXTENSION pg_cron; or call portfolio.refresh() from any other scheduler.';
    END IF;
    PERFORM cron.schedule('pg_portfolio_refresh', schedule, 'CALL portfolio.refresh()');
    -- hourly, so a new UTC month has its fourth month ahead within the hour (health warns until
    -- then); a run that finds every partition in place takes no lock but an advisory one
    PERFORM cron.schedule('pg_portfolio_partitions', '17 * * * *', 'SELECT portfolio.maintain_quote_partitions()');
    PERFORM cron.schedule('pg_portfolio_purge', '47 3 * * *',
        format('DELETE FROM cron.job_run_details WHERE end_time < now() - %L::interval', keep_history));
    RETURN QUERY
        SELECT j.jobname::text, j.jobid, j.schedule::text FROM cron.job j
        WHERE j.jobname IN ('pg_portfolio_refresh', 'pg_portfolio_partitions', 'pg_portfolio_purge')
        ORDER BY j.jobname;
END
$$;
COMMENT ON FUNCTION portfolio.schedule_refresh(text, interval) IS
    'schedules portfolio.refresh(), partition upkeep and a purge of cron history with pg_cron (idempotent)';
-- a database that has the jobs already gets the new partition job now (same name: updated in place)
-- (dynamic SQL: without pg_cron there is no cron.job to plan a query against)
DO $upgrade$
BEGIN
    IF to_regclass('cron.job') IS NOT NULL THEN
        EXECUTE $q$SELECT cron.schedule('pg_portfolio_partitions', '17 * * * *',
                                        'SELECT portfolio.maintain_quote_partitions()')
                   FROM cron.job WHERE jobname = 'pg_portfolio_partitions'$q$;
    END IF;
END
$upgrade$;

-- 62_quality.sql: staleness and the quality view as of the as-of day; quarantine_summary gets an
-- upper bound (the one-argument form stays, meaning "until now")
CREATE OR REPLACE FUNCTION portfolio.quote_is_stale(ts timestamptz) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN ts IS NULL OR portfolio.business_days_between((ts AT TIME ZONE 'UTC')::date, portfolio.as_of())
                         > portfolio.setting('stale_business_days');

CREATE FUNCTION portfolio.quarantine_summary(since timestamptz, until timestamptz)
    RETURNS TABLE (symbol text, rejected bigint, reasons text[])
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT r.symbol, count(*),
           (array_agg(DISTINCT r.reason))[1:5]
    FROM portfolio.quotes_rejected r
    WHERE r.seen_at >= since AND r.seen_at < until
    GROUP BY r.symbol
$$;
CREATE OR REPLACE FUNCTION portfolio.quarantine_summary(since timestamptz)
    RETURNS TABLE (symbol text, rejected bigint, reasons text[])
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM portfolio.quarantine_summary(since, 'infinity')
$$;

CREATE OR REPLACE VIEW portfolio.data_quality WITH (security_invoker = true) AS
WITH held AS (
    SELECT ps.instrument AS symbol, count(*) AS portfolios
    FROM portfolio.positions ps WHERE ps.quantity <> 0 GROUP BY ps.instrument
), watched AS (
    SELECT w.symbol FROM portfolio.watchlist w
    UNION
    SELECT p.benchmark_symbol FROM portfolio.portfolios p WHERE p.benchmark_symbol IS NOT NULL
), subject AS (
    SELECT coalesce(h.symbol, w.symbol) AS symbol, coalesce(h.portfolios, 0) AS held_in,
           w.symbol IS NOT NULL AS watched
    FROM held h FULL JOIN watched w ON w.symbol = h.symbol
), params AS (
    -- "today" of this view is the as-of day; ages count from its end (or from now, for today)
    SELECT portfolio.as_of() AS today, portfolio.as_of_cutoff() AS cutoff, portfolio.as_of_instant() AS instant,
           portfolio.setting('gap_window_days') AS window_days,
           portfolio.setting('suspicious_move_pct')::numeric / 100 AS move_limit
)
SELECT s.symbol, i.name AS instrument_name, s.held_in, s.watched,
       last.ts AS last_quote_at,
       pr.instant - last.ts AS quote_age,
       portfolio.business_days_between((last.ts AT TIME ZONE 'UTC')::date, pr.today) AS business_days_old,
       portfolio.quote_is_stale(last.ts) AS stale,
       pr.window_days AS window_days,
       gaps.missing_days AS missing_business_days,
       gaps.first_missing[1:10] AS missing_days,
       moves.n AS suspicious_moves,
       moves.days AS suspicious_days,
       coalesce(rj.rejected, 0) AS rejected_last_day,
       rj.reasons AS reject_reasons
FROM subject s
CROSS JOIN params pr
LEFT JOIN portfolio.instruments i ON i.symbol = s.symbol
LEFT JOIN LATERAL (
    SELECT q.ts FROM portfolio.quotes q WHERE q.symbol = s.symbol AND q.ts < pr.cutoff
    ORDER BY q.ts DESC LIMIT 1) last ON true
-- business days of the window (today excluded: its bar may not be in yet) without any bar
LEFT JOIN LATERAL (
    SELECT count(*)::integer AS missing_days, array_agg(d::date ORDER BY d) AS first_missing
    FROM generate_series(pr.today - pr.window_days, pr.today - 1, interval '1 day') d
    WHERE extract(isodow FROM d) < 6
      AND NOT EXISTS (SELECT 1 FROM portfolio.quotes q
                      WHERE q.symbol = s.symbol
                        AND q.ts >= d::timestamp AT TIME ZONE 'UTC'
                        AND q.ts < (d + interval '1 day')::timestamp AT TIME ZONE 'UTC')) gaps ON true
-- one-day changes beyond the limit with no split of the instrument recorded between the two bars
LEFT JOIN LATERAL (
    SELECT count(*)::integer AS n, array_agg(m.day ORDER BY m.day) AS days
    FROM (SELECT (q.ts AT TIME ZONE 'UTC')::date AS day, q.close,
                 lag(q.close) OVER (ORDER BY q.ts) AS prev_close,
                 lag(q.ts) OVER (ORDER BY q.ts) AS prev_ts, q.ts
          FROM portfolio.quotes q
          WHERE q.symbol = s.symbol
            AND q.ts >= ((pr.today - pr.window_days - 10)::timestamp AT TIME ZONE 'UTC')
            AND q.ts < pr.cutoff) m
    WHERE m.prev_close IS NOT NULL
      AND m.day >= pr.today - pr.window_days
      AND abs(m.close / m.prev_close - 1) > pr.move_limit
      AND NOT EXISTS (SELECT 1 FROM portfolio.transactions t
                      WHERE t.instrument = s.symbol AND t.kind = 'split'
                        AND t.executed_at > m.prev_ts
                        AND (t.executed_at AT TIME ZONE 'UTC')::date <= m.day)) moves ON true
LEFT JOIN portfolio.quarantine_summary(pr.instant - interval '1 day', pr.cutoff) rj ON rj.symbol = s.symbol;
COMMENT ON VIEW portfolio.data_quality IS
    'per instrument held or watched: last quote and its age, stale flag, missing business days and '
    'suspicious one-day moves in the last gap_window_days, rows quarantined by the fetcher in the last day';

-- 64_health.sql: the partition months by the upkeep's own definition
CREATE OR REPLACE VIEW portfolio.health AS
WITH refresh AS (
    SELECT DISTINCT ON (l.view_name) l.view_name, l.started_at, l.finished_at, l.error, l.rows
    FROM portfolio.refresh_log l ORDER BY l.view_name, l.id DESC
), fetches AS (
    SELECT s.source, max(s.fetched_at) AS last_fetch, sum(s.n) AS rows_last_day
    FROM (SELECT q.source, max(q.fetched_at) AS fetched_at,
                 count(*) FILTER (WHERE q.fetched_at > now() - interval '1 day') AS n
          FROM portfolio.quotes q GROUP BY q.source
          UNION ALL
          SELECT f.source, max(f.fetched_at),
                 count(*) FILTER (WHERE f.fetched_at > now() - interval '1 day')
          FROM portfolio.fx_rates f GROUP BY f.source) s
    GROUP BY s.source
), months AS (   -- the months maintain_quote_partitions() keeps, by the same definition
    SELECT m AS month_start, portfolio.quote_partition_name(m::timestamp AT TIME ZONE 'UTC') AS part,
           m = max(m) OVER () AS last_month
    FROM portfolio.quote_partition_months() m
)
SELECT 'refresh'::text AS area, r.view_name AS item,
       CASE WHEN r.error IS NOT NULL THEN 'error' WHEN r.finished_at IS NULL THEN 'warn' ELSE 'ok' END AS status,
       r.finished_at AS at,
       format('started %s, %s s, %s rows%s', r.started_at,
              round(extract(epoch FROM r.finished_at - r.started_at)::numeric, 3),
              coalesce(r.rows::text, '?'), coalesce(', error: ' || r.error, '')) AS detail
FROM refresh r
UNION ALL
SELECT 'refresh', 'portfolio.portfolio_daily_mv', 'warn', NULL, 'never refreshed: CALL portfolio.refresh()'
WHERE NOT EXISTS (SELECT 1 FROM refresh)
UNION ALL
SELECT 'fetch', f.source,
       CASE WHEN f.last_fetch > now() - interval '2 days' THEN 'ok' ELSE 'warn' END,
       f.last_fetch, format('%s rows fetched in the last day', f.rows_last_day)
FROM fetches f
UNION ALL
SELECT 'cron', c.jobname,
       CASE WHEN NOT c.active THEN 'warn' WHEN c.last_status = 'failed' THEN 'error'
            WHEN c.last_status IS NULL THEN 'unknown' ELSE 'ok' END,
       coalesce(c.last_end, c.last_start),
       format('schedule %s, last run %s%s', c.schedule, coalesce(c.last_status, 'none'),
              coalesce(': ' || nullif(c.last_message, ''), ''))
FROM portfolio.cron_job_state() c
UNION ALL
SELECT 'cron', 'pg_cron', 'unknown', NULL, 'pg_cron is not installed: schedule portfolio.refresh() elsewhere'
WHERE to_regclass('cron.job_run_details') IS NULL
UNION ALL
SELECT 'cron', 'pg_cron', 'warn', NULL, 'pg_cron is installed but no pg_portfolio job: SELECT portfolio.schedule_refresh()'
WHERE to_regclass('cron.job_run_details') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM portfolio.cron_job_state())
UNION ALL
-- The furthest month is only a warning when missing: in the first hour of a UTC month it waits
-- for the hourly pg_portfolio_partitions job; a missing month that quotes can arrive for now is an
-- error (the loader would fail).
SELECT 'partitions', m.part,
       CASE WHEN to_regclass(format('portfolio.%I', m.part)) IS NOT NULL THEN 'ok'
            WHEN m.last_month THEN 'warn' ELSE 'error' END,
       m.month_start::timestamp AT TIME ZONE 'UTC',
       CASE WHEN to_regclass(format('portfolio.%I', m.part)) IS NOT NULL THEN 'exists'
            ELSE 'missing: SELECT portfolio.maintain_quote_partitions()' END
FROM months m;

-- 68_rebalance.sql: prices up to the as-of day
CREATE OR REPLACE FUNCTION portfolio.rebalance(portfolio_id bigint, targets jsonb)
    RETURNS TABLE (symbol text, side text, quantity numeric, price numeric, estimated_value numeric,
                   estimated_cost numeric, weight_before numeric, weight_after numeric)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    base text;
    total_weight numeric;
    bad text;
    cash_base numeric;
    cash_missing boolean;
    cost_rate numeric := portfolio.setting('rebalance_cost_bps')::numeric / 10000;
    syms text[];
    helds numeric[];
    prices numeric[];
    prices_base numeric[];
    lots numeric[];
    weights numeric[];
    plan numeric[];
    n integer;
    total numeric;
    total_after numeric;
BEGIN
    IF targets IS NULL OR jsonb_typeof(targets) <> 'object' THEN
        RAISE EXCEPTION 'rebalance: targets must be a JSON object of symbol -> weight, not %', targets
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT string_agg(format('%s: %s', t.key, t.value), ', ') INTO bad
    FROM jsonb_each(targets) t
    WHERE jsonb_typeof(t.value) <> 'number' OR (t.value::text)::numeric < 0;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'rebalance: target weights must be numbers >= 0 (%)', bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT string_agg(t.key, ', ' ORDER BY t.key) INTO bad
    FROM jsonb_each(targets) t
    WHERE t.key <> '_cash' AND NOT EXISTS (SELECT 1 FROM portfolio.instruments i WHERE i.symbol = t.key);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'rebalance: unknown instruments in the targets: %', bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT coalesce(sum((t.value::text)::numeric), 0) INTO total_weight FROM jsonb_each(targets) t;
    IF abs(total_weight - 1) > 0.000001 THEN
        RAISE EXCEPTION 'rebalance: the target weights sum to %, not 1', total_weight
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Add "_cash": <share> to keep part of the value in cash.';
    END IF;
    SELECT p.base_currency INTO base FROM portfolio.portfolios p WHERE p.id = rebalance.portfolio_id;
    IF base IS NULL THEN
        RAISE EXCEPTION 'rebalance: portfolio % not found', rebalance.portfolio_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT coalesce(sum(c.balance_base), 0), coalesce(bool_or(c.fx_rate IS NULL), false)
      INTO cash_base, cash_missing
      FROM portfolio.cash c WHERE c.portfolio_id = rebalance.portfolio_id;
    IF cash_missing THEN
        RAISE EXCEPTION 'rebalance: portfolio % holds cash in a currency without an FX rate to %', rebalance.portfolio_id, base
            USING ERRCODE = 'data_exception';
    END IF;

    -- every instrument held or targeted, with its quantity, last close and base-currency price
    WITH held AS (
        SELECT ps.instrument, ps.quantity FROM portfolio.positions ps
        WHERE ps.portfolio_id = rebalance.portfolio_id AND ps.quantity <> 0
    ), wanted AS (
        SELECT t.key AS instrument, (t.value::text)::numeric AS weight
        FROM jsonb_each(targets) t WHERE t.key <> '_cash'
    ), assets AS (
        SELECT coalesce(h.instrument, w.instrument) AS instrument, coalesce(h.quantity, 0) AS held,
               coalesce(w.weight, 0) AS weight
        FROM held h FULL JOIN wanted w ON w.instrument = h.instrument
    ), priced AS (
        SELECT a.instrument, a.held, a.weight, i.lot_size, q.close,
               q.close * portfolio.fx_rate(i.currency, base, (q.ts AT TIME ZONE 'UTC')::date) AS price_base
        FROM assets a
        JOIN portfolio.instruments i ON i.symbol = a.instrument
        LEFT JOIN LATERAL (SELECT qq.close, qq.ts FROM portfolio.quotes qq
                           WHERE qq.symbol = a.instrument AND qq.ts < portfolio.as_of_cutoff()
                           ORDER BY qq.ts DESC LIMIT 1) q ON true
    )
    SELECT array_agg(instrument ORDER BY instrument), array_agg(held ORDER BY instrument),
           array_agg(close ORDER BY instrument), array_agg(price_base ORDER BY instrument),
           array_agg(lot_size ORDER BY instrument), array_agg(weight ORDER BY instrument),
           string_agg(instrument, ', ' ORDER BY instrument) FILTER (WHERE price_base IS NULL)
      INTO syms, helds, prices, prices_base, lots, weights, bad
      FROM priced;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'rebalance: no price or no FX rate to % for %', base, bad
            USING ERRCODE = 'data_exception';
    END IF;
    n := coalesce(array_length(syms, 1), 0);
    IF n = 0 THEN
        RETURN;
    END IF;
    plan := portfolio.rebalance_plan(helds, prices_base, lots, weights, cash_base, cost_rate);
    total := cash_base;
    FOR k IN 1..n LOOP
        total := total + helds[k] * prices_base[k];
    END LOOP;
    total_after := total - plan[n + 2];
    RETURN QUERY
        SELECT syms[k],
               CASE WHEN plan[k] > helds[k] THEN 'buy' ELSE 'sell' END,
               abs(plan[k] - helds[k]),
               prices[k],
               trim_scale(abs(plan[k] - helds[k]) * prices_base[k]),
               trim_scale(round(abs(plan[k] - helds[k]) * prices_base[k] * cost_rate, 12)),
               CASE WHEN total <> 0 THEN round(helds[k] * prices_base[k] / total, 6) END,
               CASE WHEN total_after <> 0 THEN round(plan[k] * prices_base[k] / total_after, 6) END
        FROM generate_series(1, n) k
        WHERE plan[k] <> helds[k]
        ORDER BY CASE WHEN plan[k] > helds[k] THEN 1 ELSE 0 END, syms[k];
END
$$;

-- === Hardening, first part (issue 14) =========================================================
-- 60_live.sql: a refresh notification says whether each view failed, never the error text (any
-- role may LISTEN, and the text names a portfolio, an instrument and a trade)
CREATE OR REPLACE FUNCTION portfolio.notify_refresh() RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    payload text;
BEGIN
    SELECT jsonb_build_object(
        'event', 'refresh',
        'at', clock_timestamp(),
        'ok', coalesce(bool_and(l.error IS NULL), true),
        'views', coalesce(jsonb_agg(jsonb_build_object(
                     'view', l.view_name, 'rows', l.rows, 'concurrent', l.concurrent,
                     'seconds', round(extract(epoch FROM l.finished_at - l.started_at)::numeric, 3),
                     'failed', l.error IS NOT NULL) ORDER BY l.id), '[]'::jsonb))::text
      INTO payload
      FROM (SELECT * FROM portfolio.refresh_log r WHERE r.started_at >= now() ORDER BY r.id LIMIT 10) l;
    PERFORM pg_notify('portfolio_refresh', payload);
END
$$;

-- 64_health.sql: health calls cron_job_state() with the reader's own EXECUTE right
GRANT EXECUTE ON FUNCTION portfolio.cron_job_state() TO portfolio_reader;

-- 62_quality.sql: business days by arithmetic (any span at once); an infinite bound is an error
CREATE OR REPLACE FUNCTION portfolio.business_days_between(from_day date, to_day date) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
-- Expressions only (no query, no SET clause: it names nothing outside pg_catalog): it runs per
-- quote in data_quality and per position in data_quality_positions, 1.4 us a call here, where
-- counting the leftover days with a generate_series subquery took 32 us.
DECLARE
    span integer;
    dow integer;    -- ISO day of week of from_day (1 = Monday)
    rest integer;   -- days after the whole weeks: ISO weekdays dow + 1 .. dow + rest, past 7 wrapping
BEGIN
    IF NOT isfinite(from_day) OR NOT isfinite(to_day) THEN
        RAISE EXCEPTION 'business_days_between: the range % .. % must have finite dates', from_day, to_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    span := to_day - from_day;
    IF span <= 0 THEN
        RETURN 0;
    END IF;
    dow := extract(isodow FROM from_day)::integer;
    rest := span % 7;
    -- the weekdays among dow + 1 .. dow + rest: those up to 5 (Friday), and 8 .. 12 (Monday to
    -- Friday of the next week)
    RETURN span / 7 * 5 + greatest(0, least(5, dow + rest) - dow)
                        + greatest(0, least(12, dow + rest) - greatest(8, dow + 1) + 1);
END
$$;

-- 55_performance.sql: no benchmark series over millennia
CREATE OR REPLACE FUNCTION portfolio.benchmark_daily_returns(symbol text, from_day date, to_day date)
    RETURNS TABLE (day date, price numeric, r float8)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF NOT isfinite(from_day) OR NOT isfinite(to_day) THEN
        RAISE EXCEPTION 'benchmark_daily_returns: the range % .. % must have finite dates', from_day, to_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- one row a day: a range of millennia (4713 BC ..) would run until statement_timeout
    IF to_day - from_day > portfolio.max_history_days() THEN
        RAISE EXCEPTION 'benchmark_daily_returns: a range of % days is not a plausible quote history', to_day - from_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH closes AS (
        SELECT DISTINCT ON ((q.ts AT TIME ZONE 'UTC')::date)
               (q.ts AT TIME ZONE 'UTC')::date AS day, coalesce(q.adj_close, q.close) AS price
        FROM portfolio.quotes q
        WHERE q.symbol = benchmark_daily_returns.symbol
          AND q.ts >= from_day::timestamp AT TIME ZONE 'UTC'
          AND q.ts < (to_day + 1)::timestamp AT TIME ZONE 'UTC'
        ORDER BY (q.ts AT TIME ZONE 'UTC')::date, q.ts DESC
    ), calendar AS (   -- runs: a day with a close starts a new one (count of closes so far)
        SELECT g.day::date AS day, c.price, count(c.price) OVER (ORDER BY g.day) AS run
        FROM generate_series(from_day, to_day, interval '1 day') g(day)
        LEFT JOIN closes c ON c.day = g.day::date
    ), carried AS (
        SELECT k.day,
               CASE WHEN k.run > 0 THEN max(k.price) OVER (PARTITION BY k.run)
                    ELSE (SELECT coalesce(q.adj_close, q.close) FROM portfolio.quotes q
                          WHERE q.symbol = benchmark_daily_returns.symbol
                            AND q.ts < from_day::timestamp AT TIME ZONE 'UTC'
                          ORDER BY q.ts DESC LIMIT 1)
               END AS price
        FROM calendar k
    )
    SELECT c.day, c.price, (c.price / lag(c.price) OVER (ORDER BY c.day) - 1)::float8
    FROM carried c
    ORDER BY c.day;
END
$$;

-- 54_pnl.sql: a portfolio the caller cannot see is "not found", not a row of zeros
CREATE OR REPLACE FUNCTION portfolio.pnl_breakdown(portfolio bigint, from_day date, to_day date)
    RETURNS TABLE (start_value numeric, deposits numeric, withdrawals numeric,
                   unrealized_gains numeric, realized_gains numeric, income numeric, fees numeric,
                   currency_gains numeric, end_value numeric, complete boolean)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF NOT EXISTS (SELECT 1 FROM portfolio.portfolios p WHERE p.id = $1) THEN
        RAISE EXCEPTION 'pnl_breakdown: portfolio % not found', $1
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH first AS (
        SELECT min(d.day) AS first_day FROM portfolio.portfolio_daily d WHERE d.portfolio_id = $1
    ), s AS (
        SELECT CASE WHEN $2 - 1 < f.first_day THEN 0 ELSE d.market_value END AS value,
               CASE WHEN $2 - 1 < f.first_day THEN 0 ELSE d.securities_value - d.cost_basis END AS unrealized
        FROM first f
        LEFT JOIN portfolio.portfolio_daily d ON d.portfolio_id = $1 AND d.day = $2 - 1
    ), e AS (
        SELECT d.market_value AS value, d.securities_value - d.cost_basis AS unrealized
        FROM (SELECT 1) one
        LEFT JOIN portfolio.portfolio_daily d ON d.portfolio_id = $1 AND d.day = $3
    ), f AS (
        SELECT coalesce(sum(d.deposits), 0) AS deposits, coalesce(sum(d.withdrawals), 0) AS withdrawals,
               coalesce(sum(d.realized_pl), 0) AS realized, coalesce(sum(d.income), 0) AS income,
               coalesce(sum(d.fees), 0) AS fees, coalesce(sum(d.unconverted), 0) AS unconverted
        FROM portfolio.portfolio_daily d
        WHERE d.portfolio_id = $1 AND d.day BETWEEN $2 AND $3
    )
    SELECT trim_scale(s.value), trim_scale(f.deposits), trim_scale(f.withdrawals),
           trim_scale(e.unrealized - s.unrealized), trim_scale(f.realized), trim_scale(f.income),
           trim_scale(f.fees),
           trim_scale(e.value - s.value - f.deposits + f.withdrawals - (e.unrealized - s.unrealized)
                      - f.realized - f.income + f.fees),
           trim_scale(e.value),
           s.value IS NOT NULL AND e.value IS NOT NULL AND f.unconverted = 0
    FROM s, e, f
    WHERE $2 <= $3;
END
$$;

-- 64_health.sql: health tells whether pg_cron is there from the catalogs (to_regclass of a cron
-- table raised for a reader without USAGE on schema cron)
-- Whether pg_cron's tables are in this database, read from the catalogs: to_regclass('cron.x')
-- raises for a role without USAGE on schema cron (a BI role reading health); a catalog read does not.
CREATE FUNCTION portfolio.pg_cron_installed() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'cron' AND c.relname = 'job_run_details');
CREATE OR REPLACE VIEW portfolio.health AS
WITH refresh AS (
    SELECT DISTINCT ON (l.view_name) l.view_name, l.started_at, l.finished_at, l.error, l.rows
    FROM portfolio.refresh_log l ORDER BY l.view_name, l.id DESC
), fetches AS (
    SELECT s.source, max(s.fetched_at) AS last_fetch, sum(s.n) AS rows_last_day
    FROM (SELECT q.source, max(q.fetched_at) AS fetched_at,
                 count(*) FILTER (WHERE q.fetched_at > now() - interval '1 day') AS n
          FROM portfolio.quotes q GROUP BY q.source
          UNION ALL
          SELECT f.source, max(f.fetched_at),
                 count(*) FILTER (WHERE f.fetched_at > now() - interval '1 day')
          FROM portfolio.fx_rates f GROUP BY f.source) s
    GROUP BY s.source
), months AS (   -- the months maintain_quote_partitions() keeps, by the same definition
    SELECT m AS month_start, portfolio.quote_partition_name(m::timestamp AT TIME ZONE 'UTC') AS part,
           m = max(m) OVER () AS last_month
    FROM portfolio.quote_partition_months() m
)
SELECT 'refresh'::text AS area, r.view_name AS item,
       CASE WHEN r.error IS NOT NULL THEN 'error' WHEN r.finished_at IS NULL THEN 'warn' ELSE 'ok' END AS status,
       r.finished_at AS at,
       format('started %s, %s s, %s rows%s', r.started_at,
              round(extract(epoch FROM r.finished_at - r.started_at)::numeric, 3),
              coalesce(r.rows::text, '?'), coalesce(', error: ' || r.error, '')) AS detail
FROM refresh r
UNION ALL
SELECT 'refresh', 'portfolio.portfolio_daily_mv', 'warn', NULL, 'never refreshed: CALL portfolio.refresh()'
WHERE NOT EXISTS (SELECT 1 FROM refresh)
UNION ALL
SELECT 'fetch', f.source,
       CASE WHEN f.last_fetch > now() - interval '2 days' THEN 'ok' ELSE 'warn' END,
       f.last_fetch, format('%s rows fetched in the last day', f.rows_last_day)
FROM fetches f
UNION ALL
SELECT 'cron', c.jobname,
       CASE WHEN NOT c.active THEN 'warn' WHEN c.last_status = 'failed' THEN 'error'
            WHEN c.last_status IS NULL THEN 'unknown' ELSE 'ok' END,
       coalesce(c.last_end, c.last_start),
       format('schedule %s, last run %s%s', c.schedule, coalesce(c.last_status, 'none'),
              coalesce(': ' || nullif(c.last_message, ''), ''))
FROM portfolio.cron_job_state() c
UNION ALL
SELECT 'cron', 'pg_cron', 'unknown', NULL, 'pg_cron is not installed: schedule portfolio.refresh() elsewhere'
WHERE NOT portfolio.pg_cron_installed()
UNION ALL
SELECT 'cron', 'pg_cron', 'warn', NULL, 'pg_cron is installed but no pg_portfolio job: SELECT portfolio.schedule_refresh()'
WHERE portfolio.pg_cron_installed() AND NOT EXISTS (SELECT 1 FROM portfolio.cron_job_state())
UNION ALL
-- The furthest month is only a warning when missing: in the first hour of a UTC month it waits
-- for the hourly pg_portfolio_partitions job; a missing month that quotes can arrive for now is an
-- error (the loader would fail).
SELECT 'partitions', m.part,
       CASE WHEN to_regclass(format('portfolio.%I', m.part)) IS NOT NULL THEN 'ok'
            WHEN m.last_month THEN 'warn' ELSE 'error' END,
       m.month_start::timestamp AT TIME ZONE 'UTC',
       CASE WHEN to_regclass(format('portfolio.%I', m.part)) IS NOT NULL THEN 'exists'
            ELSE 'missing: SELECT portfolio.maintain_quote_partitions()' END
FROM months m;

-- === Hardening part 2 (issue 14: reference data owners, partitions ahead, type equality) ======
-- 30_quotes.sql: a new partition is made as a table and attached (SHARE UPDATE EXCLUSIVE on
-- quotes, which readers do not wait for or queue behind); SECURITY DEFINER for portfolio_loader
-- DDL that never queues readers: each partition is made as a table of its own, then attached.
-- ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on portfolio.quotes, which neither readers
-- (ACCESS SHARE) nor writers (ROW EXCLUSIVE) conflict with, so it neither waits for a long
-- dashboard query nor makes the queries after it wait; CREATE TABLE ... PARTITION OF would take
-- ACCESS EXCLUSIVE, wait behind the long query, and queue every new reader behind itself. (Only
-- VACUUM, ANALYZE and other DDL on quotes can still make it wait: callers set a lock_timeout.)
-- SECURITY DEFINER: creating and attaching a partition needs the owner of portfolio.quotes; it is
-- granted to portfolio_loader (the fetcher's role), not to PUBLIC (58_security.sql).
CREATE OR REPLACE FUNCTION portfolio.ensure_quote_partitions(from_day date, to_day date) RETURNS integer
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
            created := created + 1;
        END IF;
        month_start := (month_start + interval '1 month')::date;
    END LOOP;
    RETURN created;
END
$$;

-- 42_type_equality.sql: new (= and <> with hash operator classes for the four stored types)
-- Equality of the stored types: = and <> with a hash operator class each, so DISTINCT, UNION,
-- GROUP BY, IN and hash joins work on return_summary, pair_summary, quantile_sketch and position.
-- Two values are equal when their canonical encodings are the same bytes (src/core/canonical.hpp):
-- -0 = 0 and NaN = NaN as for float8, the compensated growth sum compared by its exact value, a
-- sketch's confidence field (the aggregate's parameter, not part of the value) ignored; positions
-- are exact fixed point and compared as stored. No btree class: a summary has no meaningful order
-- (no <, ORDER BY or btree index on one). The functions raise nothing that depends on their
-- arguments (a value that does not decode is compared by its raw bytes): LEAKPROOF.
-- The operators live in schema portfolio: write OPERATOR(portfolio.=) when portfolio is not on the
-- search_path; DISTINCT, UNION and GROUP BY find the operator class whatever the search_path.

CREATE FUNCTION portfolio.return_summary_eq(portfolio.return_summary, portfolio.return_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_return_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.return_summary_ne(portfolio.return_summary, portfolio.return_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_return_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.return_summary_hash(portfolio.return_summary) RETURNS integer
    AS 'MODULE_PATHNAME', 'pgp_return_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OPERATOR portfolio.= (
    LEFTARG = portfolio.return_summary, RIGHTARG = portfolio.return_summary, FUNCTION = portfolio.return_summary_eq,
    COMMUTATOR = OPERATOR(portfolio.=), NEGATOR = OPERATOR(portfolio.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR portfolio.<> (
    LEFTARG = portfolio.return_summary, RIGHTARG = portfolio.return_summary, FUNCTION = portfolio.return_summary_ne,
    COMMUTATOR = OPERATOR(portfolio.<>), NEGATOR = OPERATOR(portfolio.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR CLASS portfolio.return_summary_hash_ops DEFAULT FOR TYPE portfolio.return_summary USING hash AS
    OPERATOR 1 portfolio.= (portfolio.return_summary, portfolio.return_summary),
    FUNCTION 1 portfolio.return_summary_hash(portfolio.return_summary);
CREATE FUNCTION portfolio.pair_summary_eq(portfolio.pair_summary, portfolio.pair_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.pair_summary_ne(portfolio.pair_summary, portfolio.pair_summary) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.pair_summary_hash(portfolio.pair_summary) RETURNS integer
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OPERATOR portfolio.= (
    LEFTARG = portfolio.pair_summary, RIGHTARG = portfolio.pair_summary, FUNCTION = portfolio.pair_summary_eq,
    COMMUTATOR = OPERATOR(portfolio.=), NEGATOR = OPERATOR(portfolio.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR portfolio.<> (
    LEFTARG = portfolio.pair_summary, RIGHTARG = portfolio.pair_summary, FUNCTION = portfolio.pair_summary_ne,
    COMMUTATOR = OPERATOR(portfolio.<>), NEGATOR = OPERATOR(portfolio.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR CLASS portfolio.pair_summary_hash_ops DEFAULT FOR TYPE portfolio.pair_summary USING hash AS
    OPERATOR 1 portfolio.= (portfolio.pair_summary, portfolio.pair_summary),
    FUNCTION 1 portfolio.pair_summary_hash(portfolio.pair_summary);
CREATE FUNCTION portfolio.quantile_sketch_eq(portfolio.quantile_sketch, portfolio.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_quantile_sketch_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.quantile_sketch_ne(portfolio.quantile_sketch, portfolio.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_quantile_sketch_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.quantile_sketch_hash(portfolio.quantile_sketch) RETURNS integer
    AS 'MODULE_PATHNAME', 'pgp_quantile_sketch_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OPERATOR portfolio.= (
    LEFTARG = portfolio.quantile_sketch, RIGHTARG = portfolio.quantile_sketch, FUNCTION = portfolio.quantile_sketch_eq,
    COMMUTATOR = OPERATOR(portfolio.=), NEGATOR = OPERATOR(portfolio.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR portfolio.<> (
    LEFTARG = portfolio.quantile_sketch, RIGHTARG = portfolio.quantile_sketch, FUNCTION = portfolio.quantile_sketch_ne,
    COMMUTATOR = OPERATOR(portfolio.<>), NEGATOR = OPERATOR(portfolio.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR CLASS portfolio.quantile_sketch_hash_ops DEFAULT FOR TYPE portfolio.quantile_sketch USING hash AS
    OPERATOR 1 portfolio.= (portfolio.quantile_sketch, portfolio.quantile_sketch),
    FUNCTION 1 portfolio.quantile_sketch_hash(portfolio.quantile_sketch);
CREATE FUNCTION portfolio.position_eq(portfolio.position, portfolio.position) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_position_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.position_ne(portfolio.position, portfolio.position) RETURNS boolean
    AS 'MODULE_PATHNAME', 'pgp_position_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION portfolio.position_hash(portfolio.position) RETURNS integer
    AS 'MODULE_PATHNAME', 'pgp_position_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OPERATOR portfolio.= (
    LEFTARG = portfolio.position, RIGHTARG = portfolio.position, FUNCTION = portfolio.position_eq,
    COMMUTATOR = OPERATOR(portfolio.=), NEGATOR = OPERATOR(portfolio.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR portfolio.<> (
    LEFTARG = portfolio.position, RIGHTARG = portfolio.position, FUNCTION = portfolio.position_ne,
    COMMUTATOR = OPERATOR(portfolio.<>), NEGATOR = OPERATOR(portfolio.=),
    RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR CLASS portfolio.position_hash_ops DEFAULT FOR TYPE portfolio.position USING hash AS
    OPERATOR 1 portfolio.= (portfolio.position, portfolio.position),
    FUNCTION 1 portfolio.position_hash(portfolio.position);
COMMENT ON OPERATOR portfolio.= (portfolio.return_summary, portfolio.return_summary) IS
    'same summary: equal canonical encodings (-0 = 0, NaN = NaN)';
COMMENT ON OPERATOR portfolio.= (portfolio.pair_summary, portfolio.pair_summary) IS
    'same summary: equal canonical encodings (-0 = 0, NaN = NaN)';
COMMENT ON OPERATOR portfolio.= (portfolio.quantile_sketch, portfolio.quantile_sketch) IS
    'same sketch: the same counts in the same buckets';
COMMENT ON OPERATOR portfolio.= (portfolio.position, portfolio.position) IS
    'same position: method, totals, transaction count, last time and open lots all equal (exact)';

-- 59_reference_data.sql: new (portfolio_loader, instrument requests, currency corrections)
-- Reference data with an owner (issue 14): instruments, quotes and FX rates are written only by
-- the extension owner (an admin) or members of portfolio_loader, the role portfolio-fetch runs
-- as, and read by everyone with access. An owner who needs a new instrument asks for it in
-- portfolio.instrument_requests; a loader approves the request (approve_instrument_request) or
-- rejects it. A wrong instrument is corrected by an UPDATE of portfolio.instruments as a loader;
-- a corrected currency flows into the transactions of every portfolio that holds it.
--   portfolio_loader  NOLOGIN; grant it to the login the fetcher uses (docs/operations.md).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portfolio_loader') THEN
        CREATE ROLE portfolio_loader NOLOGIN;
    END IF;
END
$$;

-- Owners no longer add instruments themselves (one owner's wrong currency was every owner's).
REVOKE INSERT ON portfolio.instruments FROM portfolio_user;

GRANT USAGE ON SCHEMA portfolio TO portfolio_loader;
GRANT SELECT, INSERT, UPDATE, DELETE ON portfolio.instruments, portfolio.quotes, portfolio.fx_rates
    TO portfolio_loader;
-- portfolio-fetch records refused rows and looks up those it recorded before
GRANT SELECT, INSERT ON portfolio.quotes_rejected TO portfolio_loader;
GRANT USAGE ON SEQUENCE portfolio.quotes_rejected_id_seq TO portfolio_loader;
-- partitions (SECURITY DEFINER, 30_quotes.sql): the loader and the owner, nobody else
REVOKE ALL ON FUNCTION portfolio.ensure_quote_partitions(date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.maintain_quote_partitions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portfolio.ensure_quote_partitions(date, date),
                          portfolio.maintain_quote_partitions() TO portfolio_loader;
REVOKE ALL ON FUNCTION portfolio.derive_cross_rates(text, text, text, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portfolio.derive_cross_rates(text, text, text, date, date) TO portfolio_loader;

-- Requests for new instruments. An owner inserts symbol, currency and the descriptive columns
-- and sees only the requests of the roles they belong to; a loader sees and decides all of them.
CREATE TABLE portfolio.instrument_requests (
    id           bigserial   PRIMARY KEY,
    symbol       text        NOT NULL CHECK (symbol ~ '^\S{1,64}$'),
    name         text,
    currency     text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    asset_class  text        NOT NULL DEFAULT 'equity',
    sector       text,
    exchange     text,
    note         text,       -- the requester's: where the data comes from, why
    requested_by name        NOT NULL DEFAULT current_user,
    requested_at timestamptz NOT NULL DEFAULT now(),
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by   name,
    decided_at   timestamptz,
    decision     text,       -- the loader's note
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- one open request per symbol and requester
CREATE UNIQUE INDEX instrument_requests_pending ON portfolio.instrument_requests (symbol, requested_by)
    WHERE status = 'pending';
COMMENT ON TABLE portfolio.instrument_requests IS
    'owners ask for a new instrument here; a portfolio_loader approves (approve_instrument_request) or rejects it';

ALTER TABLE portfolio.instrument_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY instrument_requests_own_read ON portfolio.instrument_requests FOR SELECT
    USING (requested_by = ANY ((SELECT portfolio.member_roles())::name[]));
CREATE POLICY instrument_requests_own_insert ON portfolio.instrument_requests FOR INSERT
    WITH CHECK (requested_by = current_user AND status = 'pending' AND decided_by IS NULL);
CREATE POLICY instrument_requests_own_withdraw ON portfolio.instrument_requests FOR DELETE
    USING (requested_by = ANY ((SELECT portfolio.member_roles())::name[]) AND status = 'pending');
CREATE POLICY instrument_requests_loader ON portfolio.instrument_requests FOR ALL TO portfolio_loader
    USING (true) WITH CHECK (true);
GRANT SELECT, DELETE ON portfolio.instrument_requests TO portfolio_user;
GRANT INSERT (symbol, name, currency, asset_class, sector, exchange, note)
    ON portfolio.instrument_requests TO portfolio_user;
GRANT USAGE ON SEQUENCE portfolio.instrument_requests_id_seq TO portfolio_user;
GRANT SELECT, UPDATE ON portfolio.instrument_requests TO portfolio_loader;
-- pg_dump keeps its rows: registered in 90_config_dump_0_2.sql (the order of registration
-- is part of the catalog, and an upgrade from 0.1 registers it after every 0.1 table)

-- A loader's decision. Runs with the caller's rights: a loader (or the owner) inserts the
-- instrument and marks the request. Errors: no id (22004), no such request (22023), already
-- decided (55000), the symbol exists with another currency (23505: correct it or reject).
CREATE FUNCTION portfolio.approve_instrument_request(request_id bigint, decision text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r portfolio.instrument_requests;
    existing text;
BEGIN
    IF request_id IS NULL THEN
        RAISE EXCEPTION 'approve_instrument_request: request_id must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO r FROM portfolio.instrument_requests q WHERE q.id = request_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'instrument request % not found', request_id USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF r.status <> 'pending' THEN
        RAISE EXCEPTION 'instrument request % is % already', request_id, r.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT i.currency INTO existing FROM portfolio.instruments i WHERE i.symbol = r.symbol;
    IF existing IS NULL THEN
        INSERT INTO portfolio.instruments (symbol, name, currency, asset_class, sector, exchange)
        VALUES (r.symbol, r.name, r.currency, r.asset_class, r.sector, r.exchange);
    ELSIF existing <> r.currency THEN
        RAISE EXCEPTION 'instrument % exists already, in %, not %', r.symbol, existing, r.currency
            USING ERRCODE = 'unique_violation',
                  HINT = 'Reject the request (portfolio.reject_instrument_request), or correct the instrument with UPDATE portfolio.instruments.';
    END IF;   -- the same symbol and currency exist: the request is met as it is
    UPDATE portfolio.instrument_requests q
       SET status = 'approved', decided_by = current_user, decided_at = now(),
           decision = approve_instrument_request.decision
     WHERE q.id = request_id;
    RETURN r.symbol;
END
$$;
COMMENT ON FUNCTION portfolio.approve_instrument_request(bigint, text) IS
    'a loader''s approval: creates the requested instrument (or finds it as requested) and marks the request approved; returns the symbol';

CREATE FUNCTION portfolio.reject_instrument_request(request_id bigint, decision text)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    current_status text;
BEGIN
    IF request_id IS NULL THEN
        RAISE EXCEPTION 'reject_instrument_request: request_id must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT q.status INTO current_status FROM portfolio.instrument_requests q WHERE q.id = request_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'instrument request % not found', request_id USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF current_status <> 'pending' THEN
        RAISE EXCEPTION 'instrument request % is % already', request_id, current_status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE portfolio.instrument_requests q
       SET status = 'rejected', decided_by = current_user, decided_at = now(),
           decision = reject_instrument_request.decision
     WHERE q.id = request_id;
END
$$;
COMMENT ON FUNCTION portfolio.reject_instrument_request(bigint, text) IS
    'a loader''s refusal of an instrument request, with the reason';
REVOKE ALL ON FUNCTION portfolio.approve_instrument_request(bigint, text),
                       portfolio.reject_instrument_request(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portfolio.approve_instrument_request(bigint, text),
                          portfolio.reject_instrument_request(bigint, text) TO portfolio_loader;

-- A corrected currency flows into the ledger: transactions take their currency from the
-- instrument when written (transactions_currency, 40_model.sql), so every transaction of the
-- instrument, in every portfolio, is restamped. Positions read the instrument's currency and show
-- the correction at once, cash after this restamp (same transaction); portfolio_daily after the
-- next refresh(). SECURITY DEFINER: the loader may not see (row-level security) or write other
-- owners' transactions itself. A symbol correction needs nothing here: the foreign keys of
-- transactions and watchlist cascade it.
CREATE FUNCTION portfolio.instruments_currency_corrected() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE portfolio.transactions t SET currency = NEW.currency
     WHERE t.instrument = NEW.symbol AND t.currency IS DISTINCT FROM NEW.currency;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION portfolio.instruments_currency_corrected() FROM PUBLIC;
CREATE TRIGGER instruments_currency_corrected AFTER UPDATE OF currency ON portfolio.instruments
    FOR EACH ROW WHEN (OLD.currency IS DISTINCT FROM NEW.currency)
    EXECUTE FUNCTION portfolio.instruments_currency_corrected();

-- 64_health.sql: a week's warning before the made-ahead quote partitions run out
-- How far ahead quote partitions exist, seen from on_day: the made-ahead window runs from on_day's
-- month to the first month after it without a partition. ok while that is more than 7 days away;
-- warn within the last week (the pg_portfolio_partitions job, which keeps 3 months ahead, has not
-- run for months: a loader would soon have to create a partition itself); error when on_day's own
-- month has none. health reads it for today(); tests ask for any day.
CREATE FUNCTION portfolio.quote_partition_window(on_day date)
    RETURNS TABLE (window_end date, days_left integer, status text, detail text)
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    first_month timestamp;
BEGIN
    IF NOT isfinite(on_day) THEN
        RAISE EXCEPTION 'quote_partition_window: % is not a day', on_day USING ERRCODE = 'invalid_parameter_value';
    END IF;
    first_month := date_trunc('month', on_day::timestamp);
    SELECT min(m)::date INTO window_end
    FROM generate_series(first_month, first_month + interval '1200 months', interval '1 month') m
    WHERE portfolio.quote_partition_name(m AT TIME ZONE 'UTC') NOT IN (
        SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'portfolio.quotes'::regclass);
    days_left := window_end - on_day;
    status := CASE WHEN window_end IS NULL THEN 'ok' WHEN days_left <= 0 THEN 'error'
                   WHEN days_left <= 7 THEN 'warn' ELSE 'ok' END;
    detail := CASE WHEN window_end IS NULL THEN 'partitions exist for the next 100 years'
                   WHEN days_left <= 0 THEN format('no partition for %s: SELECT portfolio.maintain_quote_partitions()', on_day)
                   ELSE format('partitions made ahead up to %s, %s days from %s%s', window_end - 1, days_left, on_day,
                               CASE WHEN days_left <= 7 THEN ': SELECT portfolio.maintain_quote_partitions()' ELSE '' END) END;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION portfolio.quote_partition_window(date) IS
    'where the made-ahead quote partitions end, seen from a day: ok, warn within 7 days of the end, error past it';

CREATE OR REPLACE VIEW portfolio.health AS
WITH refresh AS (
    SELECT DISTINCT ON (l.view_name) l.view_name, l.started_at, l.finished_at, l.error, l.rows
    FROM portfolio.refresh_log l ORDER BY l.view_name, l.id DESC
), fetches AS (
    SELECT s.source, max(s.fetched_at) AS last_fetch, sum(s.n) AS rows_last_day
    FROM (SELECT q.source, max(q.fetched_at) AS fetched_at,
                 count(*) FILTER (WHERE q.fetched_at > now() - interval '1 day') AS n
          FROM portfolio.quotes q GROUP BY q.source
          UNION ALL
          SELECT f.source, max(f.fetched_at),
                 count(*) FILTER (WHERE f.fetched_at > now() - interval '1 day')
          FROM portfolio.fx_rates f GROUP BY f.source) s
    GROUP BY s.source
), months AS (   -- the months maintain_quote_partitions() keeps, by the same definition
    SELECT m AS month_start, portfolio.quote_partition_name(m::timestamp AT TIME ZONE 'UTC') AS part,
           m = max(m) OVER () AS last_month
    FROM portfolio.quote_partition_months() m
)
SELECT 'refresh'::text AS area, r.view_name AS item,
       CASE WHEN r.error IS NOT NULL THEN 'error' WHEN r.finished_at IS NULL THEN 'warn' ELSE 'ok' END AS status,
       r.finished_at AS at,
       format('started %s, %s s, %s rows%s', r.started_at,
              round(extract(epoch FROM r.finished_at - r.started_at)::numeric, 3),
              coalesce(r.rows::text, '?'), coalesce(', error: ' || r.error, '')) AS detail
FROM refresh r
UNION ALL
SELECT 'refresh', 'portfolio.portfolio_daily_mv', 'warn', NULL, 'never refreshed: CALL portfolio.refresh()'
WHERE NOT EXISTS (SELECT 1 FROM refresh)
UNION ALL
SELECT 'fetch', f.source,
       CASE WHEN f.last_fetch > now() - interval '2 days' THEN 'ok' ELSE 'warn' END,
       f.last_fetch, format('%s rows fetched in the last day', f.rows_last_day)
FROM fetches f
UNION ALL
SELECT 'cron', c.jobname,
       CASE WHEN NOT c.active THEN 'warn' WHEN c.last_status = 'failed' THEN 'error'
            WHEN c.last_status IS NULL THEN 'unknown' ELSE 'ok' END,
       coalesce(c.last_end, c.last_start),
       format('schedule %s, last run %s%s', c.schedule, coalesce(c.last_status, 'none'),
              coalesce(': ' || nullif(c.last_message, ''), ''))
FROM portfolio.cron_job_state() c
UNION ALL
SELECT 'cron', 'pg_cron', 'unknown', NULL, 'pg_cron is not installed: schedule portfolio.refresh() elsewhere'
WHERE NOT portfolio.pg_cron_installed()
UNION ALL
SELECT 'cron', 'pg_cron', 'warn', NULL, 'pg_cron is installed but no pg_portfolio job: SELECT portfolio.schedule_refresh()'
WHERE portfolio.pg_cron_installed() AND NOT EXISTS (SELECT 1 FROM portfolio.cron_job_state())
UNION ALL
-- The furthest month is only a warning when missing: in the first hour of a UTC month it waits
-- for the hourly pg_portfolio_partitions job; a missing month that quotes can arrive for now is an
-- error (the loader would fail).
SELECT 'partitions', m.part,
       CASE WHEN to_regclass(format('portfolio.%I', m.part)) IS NOT NULL THEN 'ok'
            WHEN m.last_month THEN 'warn' ELSE 'error' END,
       m.month_start::timestamp AT TIME ZONE 'UTC',
       CASE WHEN to_regclass(format('portfolio.%I', m.part)) IS NOT NULL THEN 'exists'
            ELSE 'missing: SELECT portfolio.maintain_quote_partitions()' END
FROM months m
UNION ALL
-- a week's warning before quotes would need a partition that is not there
SELECT 'partition_window', 'portfolio.quotes', w.status, w.window_end::timestamp AT TIME ZONE 'UTC', w.detail
FROM portfolio.quote_partition_window(portfolio.today()) w;
COMMENT ON VIEW portfolio.health IS
    'operators: last refresh per view, last fetch per provider, pg_cron jobs, quote partitions for this month and the next 3, and how far ahead they are made';

-- === The daily valuation engine (issue 18) ====================================================
-- Holdings are validated at commit; the materialized view portfolio_daily_mv becomes the table
-- daily_series, kept incrementally (valuation_queue) and recomputed per portfolio by refresh();
-- performance's statistics run over trading days. The data check at the top refuses an upgrade
-- of a ledger that oversells. The series is computed at the end of this section (as long as a
-- full refresh takes), so portfolio_daily is never empty after the upgrade.

-- 41_position.sql: the same-instant order and the label of an oversell
-- The order of a position's transactions: by executed_at, then, at the same instant, splits first
-- (a split takes effect at the start of its day: a trade on the ex-date is at the new ratio), then
-- what adds shares (buy, transfer_in), then income and fees, then what removes them (sell,
-- transfer_out); then by id. A date-only import thus books a day's buys before its sells, in
-- whatever order it inserted them. Every ORDER BY of position_agg over the ledger uses it.
CREATE FUNCTION portfolio.same_time_order(kind portfolio.txn_kind) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE kind WHEN 'split' THEN 0
                     WHEN 'buy' THEN 1 WHEN 'transfer_in' THEN 1
                     WHEN 'sell' THEN 3 WHEN 'transfer_out' THEN 3
                     ELSE 2 END;
COMMENT ON FUNCTION portfolio.same_time_order(portfolio.txn_kind) IS
    'rank of a transaction among those of one instant: split 0, buy/transfer_in 1, income and fees 2, sell/transfer_out 3';

-- How an oversell error names the position: 'portfolio 3 (Main), instrument AAPL'.
CREATE FUNCTION portfolio.position_label(portfolio_id bigint, portfolio_name text, instrument text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE   -- format() is stable
    RETURN format('portfolio %s (%s), instrument %s', portfolio_id, portfolio_name, instrument);

-- 50_positions.sql: positions in that order
CREATE OR REPLACE VIEW portfolio.positions WITH (security_invoker = true) AS
WITH held AS (
    SELECT t.portfolio_id, t.instrument,
           portfolio.position_agg(t.executed_at, t.kind,
                                  portfolio.position_quantity_arg(t.kind, t.quantity),
                                  portfolio.position_price_arg(t.kind, t.price, t.amount), t.fees,
                                  p.cost_method,
                                  portfolio.position_label(p.id, p.name, t.instrument)
                                  ORDER BY t.executed_at, portfolio.same_time_order(t.kind), t.id) AS position
    FROM portfolio.transactions t
    JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.instrument IS NOT NULL AND t.executed_at < (SELECT portfolio.as_of_cutoff())
    GROUP BY t.portfolio_id, t.instrument
), valued AS (
    SELECT h.portfolio_id, p.name AS portfolio_name, h.instrument, i.name AS instrument_name,
           i.asset_class, i.sector, i.currency, p.base_currency, h.position,
           portfolio.quantity(h.position) AS quantity,
           portfolio.average_cost(h.position) AS average_cost,
           portfolio.cost_basis(h.position) AS invested,
           q.close AS market_price,
           q.ts AS price_at,
           portfolio.market_value(h.position, q.close) AS market_value,
           portfolio.unrealized_pl(h.position, q.close) AS unrealized_pl,
           portfolio.realized_pl(h.position) AS realized_pl,
           portfolio.income(h.position) AS income,
           portfolio.fees(h.position) AS fees,
           fx.rate AS fx_rate,
           portfolio.quote_is_stale(q.ts) AS price_stale   -- the one staleness rule (49_staleness.sql)
    FROM held h
    JOIN portfolio.portfolios p ON p.id = h.portfolio_id
    JOIN portfolio.instruments i ON i.symbol = h.instrument
    LEFT JOIN LATERAL (
        SELECT qq.ts, qq.close FROM portfolio.quotes qq
        WHERE qq.symbol = h.instrument AND qq.ts < (SELECT portfolio.as_of_cutoff())
        ORDER BY qq.ts DESC LIMIT 1) q ON true
    -- OFFSET 0 keeps the planner from copying the call into every column that uses the rate
    LEFT JOIN LATERAL (
        SELECT trim_scale(portfolio.fx_rate(i.currency, p.base_currency,
                                            coalesce((q.ts AT TIME ZONE 'UTC')::date,
                                                     (SELECT portfolio.as_of())))) AS rate
        OFFSET 0) fx ON true
), cash AS (   -- one row per portfolio, so the planner knows it (GROUP BY on a view's column was
               -- estimated at 200 groups: a 200-fold row estimate that made PostgreSQL JIT-compile
               -- the query, 250 ms of a 15 ms query)
    SELECT pc.id AS portfolio_id, k.cash_base, k.cash_fx_missing
    FROM portfolio.portfolios pc
    CROSS JOIN LATERAL (SELECT sum(c.balance_base) AS cash_base, bool_or(c.fx_rate IS NULL) AS cash_fx_missing
                        FROM portfolio.cash c WHERE c.portfolio_id = pc.id) k
)
SELECT v.portfolio_id, v.portfolio_name, v.instrument, v.instrument_name, v.asset_class, v.sector,
       v.currency, v.quantity, v.average_cost, v.invested, v.market_price, v.price_at, v.price_stale,
       v.market_value, v.unrealized_pl,
       CASE WHEN v.invested > 0 THEN round(v.unrealized_pl / v.invested * 100, 4) END AS gain_pct,
       v.realized_pl, v.income, v.fees,
       v.base_currency, v.fx_rate, v.fx_rate IS NULL AS fx_missing,
       trim_scale(v.invested * v.fx_rate) AS invested_base,
       trim_scale(v.market_value * v.fx_rate) AS market_value_base,
       trim_scale(v.unrealized_pl * v.fx_rate) AS unrealized_pl_base,
       -- share of the portfolio's value (securities and cash); NULL while any part is unconverted
       CASE WHEN bool_or(v.fx_rate IS NULL OR v.market_price IS NULL) OVER w OR c.cash_fx_missing THEN NULL
            WHEN sum(v.market_value * v.fx_rate) OVER w + coalesce(c.cash_base, 0) <> 0
            THEN round(v.market_value * v.fx_rate / (sum(v.market_value * v.fx_rate) OVER w + coalesce(c.cash_base, 0)), 6)
       END AS weight,
       v.position
FROM valued v LEFT JOIN cash c ON c.portfolio_id = v.portfolio_id
WINDOW w AS (PARTITION BY v.portfolio_id);
COMMENT ON VIEW portfolio.positions IS
    'per portfolio and instrument: quantity, average cost, invested, last close and its time, market value, '
    'P/L, income, weight, and the money in the base currency at the FX rate of the quote''s day; as of as_of()';

-- 51_holdings_check.sql
-- Replays one position's whole ledger through position_agg, which raises PF001 at the first
-- transaction that sells more than is held. Concurrent writers of one portfolio are serialized
-- here (a transaction-scoped advisory lock, taken before the ledger is read), so two sells that
-- are each fine alone cannot both commit.
CREATE FUNCTION portfolio.check_holdings(portfolio_id bigint, instrument text) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1886154849, hashint8(check_holdings.portfolio_id));
    PERFORM portfolio.position_agg(t.executed_at, t.kind,
                                   portfolio.position_quantity_arg(t.kind, t.quantity),
                                   portfolio.position_price_arg(t.kind, t.price, t.amount), t.fees,
                                   p.cost_method, portfolio.position_label(p.id, p.name, t.instrument)
                                   ORDER BY t.executed_at, portfolio.same_time_order(t.kind), t.id)
    FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.portfolio_id = check_holdings.portfolio_id AND t.instrument = check_holdings.instrument;
END
$$;
COMMENT ON FUNCTION portfolio.check_holdings(bigint, text) IS
    'raises PF001 when the ledger of (portfolio, instrument) sells more than it holds at some point';

-- The positions a writing transaction touched, one row per statement and position, checked (and
-- deleted) by a deferred trigger at commit. Rows live only inside their writing transaction: the
-- table never holds a committed row.
CREATE TABLE portfolio.holdings_to_check (
    portfolio_id bigint NOT NULL,
    instrument   text   NOT NULL
);
CREATE INDEX holdings_to_check_position ON portfolio.holdings_to_check (portfolio_id, instrument);
COMMENT ON TABLE portfolio.holdings_to_check IS
    'private: positions to check at commit (never holds a committed row)';

-- At commit, once per position: the first event of a position deletes all of its pending rows and
-- checks it; the later events of the same position find nothing left. A statement after
-- SET CONSTRAINTS ... IMMEDIATE adds rows again, so it is checked again.
CREATE FUNCTION portfolio.holdings_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM portfolio.holdings_to_check c
     WHERE c.portfolio_id = NEW.portfolio_id AND c.instrument = NEW.instrument;
    IF FOUND THEN
        PERFORM portfolio.check_holdings(NEW.portfolio_id, NEW.instrument);
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER holdings_check AFTER INSERT ON portfolio.holdings_to_check
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION portfolio.holdings_check();

-- Which writes can leave a position short: an inserted sell or transfer_out; a deleted buy,
-- transfer_in or split; any update (old and new position). Buys inserted in bulk cost no check.
CREATE FUNCTION portfolio.transactions_queue_checks() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO portfolio.holdings_to_check (portfolio_id, instrument)
        SELECT DISTINCT n.portfolio_id, n.instrument FROM new_rows n
        WHERE n.instrument IS NOT NULL AND n.kind IN ('sell', 'transfer_out');
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO portfolio.holdings_to_check (portfolio_id, instrument)
        SELECT DISTINCT o.portfolio_id, o.instrument FROM old_rows o
        WHERE o.instrument IS NOT NULL AND o.kind IN ('buy', 'transfer_in', 'split');
    ELSE
        INSERT INTO portfolio.holdings_to_check (portfolio_id, instrument)
        SELECT o.portfolio_id, o.instrument FROM old_rows o WHERE o.instrument IS NOT NULL
        UNION
        SELECT n.portfolio_id, n.instrument FROM new_rows n WHERE n.instrument IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER transactions_check_insert AFTER INSERT ON portfolio.transactions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_queue_checks();
CREATE TRIGGER transactions_check_update AFTER UPDATE ON portfolio.transactions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_queue_checks();
CREATE TRIGGER transactions_check_delete AFTER DELETE ON portfolio.transactions
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_queue_checks();
REVOKE ALL ON FUNCTION portfolio.holdings_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.transactions_queue_checks() FROM PUBLIC;

-- 48_prices.sql: each symbol's last quote, kept by the quotes' triggers; the price before an instant
-- Each symbol's last quote. Kept by quotes_changed() (53_valuation_queue.sql), which every write
-- to quotes calls, from the statement triggers and, on a subscriber, from the replicated rows'
-- triggers (70_scale_out.sql). Readable like quotes; written only by that function.
CREATE TABLE portfolio.last_quotes (
    symbol text        PRIMARY KEY,
    ts     timestamptz NOT NULL,
    close  numeric     NOT NULL
);
COMMENT ON TABLE portfolio.last_quotes IS
    'each symbol''s last quote (ts, close); kept by the triggers on portfolio.quotes';

-- Sets the last quote of the given symbols from portfolio.quotes (no row: a symbol without quotes).
CREATE FUNCTION portfolio.last_quotes_changed(symbols text[]) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    DELETE FROM portfolio.last_quotes l
     WHERE l.symbol = ANY (last_quotes_changed.symbols)
       AND NOT EXISTS (SELECT 1 FROM portfolio.quotes q WHERE q.symbol = l.symbol);
    INSERT INTO portfolio.last_quotes AS l (symbol, ts, close)
    SELECT s.symbol, q.ts, q.close
    FROM (SELECT DISTINCT u.symbol FROM unnest(last_quotes_changed.symbols) u(symbol) ORDER BY 1) s
    CROSS JOIN LATERAL (SELECT qq.ts, qq.close FROM portfolio.quotes qq
                        WHERE qq.symbol = s.symbol ORDER BY qq.ts DESC LIMIT 1) q
    ON CONFLICT (symbol) DO UPDATE SET ts = excluded.ts, close = excluded.close
        WHERE (l.ts, l.close) IS DISTINCT FROM (excluded.ts, excluded.close);
END;
REVOKE ALL ON FUNCTION portfolio.last_quotes_changed(text[]) FROM PUBLIC;

-- The symbol's last quote before an instant, from portfolio.quotes. PL/pgSQL, so the planner of
-- a view that calls it per holding sees one call of known cost (a SQL lookup across the monthly
-- partitions is estimated at the cost of scanning every partition).
CREATE FUNCTION portfolio.quote_before(symbol text, before timestamptz)
    RETURNS TABLE (ts timestamptz, close numeric)
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE ROWS 1
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY SELECT q.ts, q.close FROM portfolio.quotes q
                 WHERE q.symbol = quote_before.symbol AND q.ts < quote_before.before
                 ORDER BY q.ts DESC LIMIT 1;
END
$$;
COMMENT ON FUNCTION portfolio.quote_before(text, timestamptz) IS
    'the time and close of a symbol''s last quote before an instant';
SELECT portfolio.last_quotes_changed(ARRAY(SELECT DISTINCT q.symbol FROM portfolio.quotes q));
GRANT SELECT ON portfolio.last_quotes TO portfolio_user, portfolio_reader;

-- 50_positions.sql: FX on a day, one rule for fx_rate() and the daily series
-- FX on a day, the one rule: the rate converting 1 unit of from_ccy into to_ccy on each day of a
-- range is the latest rate on or before the day, at most setting('fx_max_staleness_days') old,
-- from the stored pair or else its inverse (1 / rate; on a day with both, the stored pair).
-- Days with no such rate have no row: never 1, never an unconverted amount. fx_rate() (one day)
-- and the daily series (value_days(), a range per currency pair) both read it.
-- PL/pgSQL, with the staleness limit read once: as a SQL function the planner evaluated setting()
-- in generate_series' arguments once per observation, and fx_rate() re-planned the body at every
-- call (0.5 ms a call; the positions of one portfolio make one call per currency).
CREATE FUNCTION portfolio.fx_days(from_ccy text, to_ccy text, from_day date, to_day date)
    RETURNS TABLE (day date, rate numeric)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    stale constant integer := portfolio.setting('fx_max_staleness_days');
BEGIN
    IF from_ccy = to_ccy THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH obs AS (       -- the observations that can govern a day of the range
        SELECT DISTINCT ON (f.day) f.day, f.rate
        FROM (SELECT r.day, r.rate, 0 AS inverse FROM portfolio.fx_rates r
              WHERE r.base = from_ccy AND r.quote = to_ccy AND r.day >= from_day - stale AND r.day <= to_day
              UNION ALL
              SELECT r.day, 1 / r.rate, 1 FROM portfolio.fx_rates r
              WHERE r.base = to_ccy AND r.quote = from_ccy AND r.day >= from_day - stale AND r.day <= to_day) f
        ORDER BY f.day, f.inverse
    )
    SELECT g::date, o.rate
    FROM (SELECT o.*, lead(o.day) OVER (ORDER BY o.day) AS next_day FROM obs o) o,
         generate_series(greatest(o.day, from_day), least(coalesce(o.next_day - 1, to_day), o.day + stale, to_day),
                         interval '1 day') g;
END
$$;
COMMENT ON FUNCTION portfolio.fx_days(text, text, date, date) IS
    'units of to_ccy per unit of from_ccy on each day of a range, carried forward at most fx_max_staleness_days';

-- One day of fx_days(), and 1 between a currency and itself. PL/pgSQL: it keeps its plan for the
-- session (it is called per holding and per cash currency).
CREATE OR REPLACE FUNCTION portfolio.fx_rate(from_ccy text, to_ccy text, on_day date) RETURNS numeric
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF from_ccy = to_ccy THEN
        RETURN 1;
    END IF;
    RETURN (SELECT f.rate FROM portfolio.fx_days(from_ccy, to_ccy, on_day, on_day) f);
END
$$;
COMMENT ON FUNCTION portfolio.fx_rate(text, text, date) IS
    'units of to_ccy per unit of from_ccy on a day, carried forward at most fx_max_staleness_days; NULL when unknown';

-- 52_daily_values.sql: the table replaces the materialized view. portfolio_daily is pointed at the
-- table first (the same columns and trading_day at the end), so views built on it stay.
-- No foreign key to portfolios: checked per row it cost 14 of the 45 s a rebuild of 1,000
-- portfolios takes to write 1.8 million rows. Instead refresh locks the portfolios it writes
-- (FOR KEY SHARE, once per portfolio: a concurrent DELETE waits for it, as it would for the
-- key's check) and deleting a portfolio deletes its rows (portfolios_delete_daily below).
CREATE TABLE portfolio.daily_series (
    portfolio_id     bigint  NOT NULL,
    day              date    NOT NULL,
    market_value     numeric,
    securities_value numeric,
    cash_value       numeric,
    cost_basis       numeric,
    deposits         numeric NOT NULL,
    withdrawals      numeric NOT NULL,
    net_flow         numeric NOT NULL,
    realized_pl      numeric NOT NULL,
    income           numeric NOT NULL,
    fees             numeric NOT NULL,
    unconverted      integer NOT NULL,
    daily_return     float8,
    trading_day      boolean NOT NULL,
    PRIMARY KEY (portfolio_id, day)
);
COMMENT ON TABLE portfolio.daily_series IS
    'private: read portfolio.portfolio_daily; kept current by portfolio.refresh()';

CREATE FUNCTION portfolio.portfolios_delete_daily() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM portfolio.daily_series d USING old_rows o WHERE d.portfolio_id = o.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER portfolios_delete_daily AFTER DELETE ON portfolio.portfolios
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.portfolios_delete_daily();
REVOKE ALL ON FUNCTION portfolio.portfolios_delete_daily() FROM PUBLIC;
-- The end of each portfolio's ledger, stored by refresh: per instrument it ever traded the
-- quantity and cost held after its last transaction, per currency the cash balance (instrument
-- NULL), and the ledger's first and last transaction day. A refresh that only has days after the
-- last transaction to compute (new quotes, FX rates) starts from it instead of replaying the
-- ledger. Rows are deleted by every mark that changes the ledger (mark_dirty, 53_valuation_queue
-- .sql) and written again by the next refresh (write_days, 56_refresh.sql); a portfolio without
-- rows is replayed. The positions and cash views read it too, instead of replaying the ledger at
-- every read, while no ledger change is queued (portfolio.ledger_ends_current, 57_positions.sql).
-- Private, like daily_series.
CREATE TABLE portfolio.ledger_ends (
    portfolio_id bigint  NOT NULL REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    instrument   text,              -- NULL: a cash balance in currency
    currency     text    NOT NULL,
    quantity     numeric NOT NULL,  -- shares held, or the cash balance
    cost         numeric,           -- the holding's cost basis in currency (NULL for cash)
    first_day    date    NOT NULL,  -- the ledger's first and last transaction day (UTC)
    last_day     date    NOT NULL,
    position     portfolio.position -- the holding's whole state (lots, P/L), what positions shows
);
CREATE INDEX ledger_ends_portfolio ON portfolio.ledger_ends (portfolio_id);
COMMENT ON TABLE portfolio.ledger_ends IS
    'private: each portfolio''s holdings and cash after its last transaction; written by portfolio.refresh()';

-- The ledger end of some portfolios, computed from their transactions (what refresh stores).
CREATE FUNCTION portfolio.ledger_end_rows(portfolio_ids bigint[]) RETURNS SETOF portfolio.ledger_ends
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH txn AS (
    SELECT t.*, p.cost_method, p.name AS portfolio_name, (t.executed_at AT TIME ZONE 'UTC')::date AS day
    FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.portfolio_id = ANY (portfolio_ids)
), extent AS (
    SELECT x.portfolio_id, min(x.day) AS first_day, max(x.day) AS last_day FROM txn x GROUP BY x.portfolio_id
)
SELECT h.portfolio_id, h.instrument, h.currency, portfolio.quantity(h.pos), portfolio.cost_basis(h.pos),
       e.first_day, e.last_day, h.pos
FROM (SELECT t.portfolio_id, t.instrument, t.currency,
             portfolio.position_agg(t.executed_at, t.kind,
                                    portfolio.position_quantity_arg(t.kind, t.quantity),
                                    portfolio.position_price_arg(t.kind, t.price, t.amount),
                                    t.fees, t.cost_method,
                                    portfolio.position_label(t.portfolio_id, t.portfolio_name, t.instrument)
                                    ORDER BY t.executed_at, portfolio.same_time_order(t.kind), t.id) AS pos
      FROM txn t WHERE t.instrument IS NOT NULL
      GROUP BY t.portfolio_id, t.instrument, t.currency) h
JOIN extent e ON e.portfolio_id = h.portfolio_id
UNION ALL
SELECT c.portfolio_id, NULL, c.currency,
       sum(portfolio.cash_effect(c.kind, c.quantity, c.price, c.fees, c.amount)), NULL, e.first_day, e.last_day, NULL
FROM txn c JOIN extent e ON e.portfolio_id = c.portfolio_id
GROUP BY c.portfolio_id, c.currency, e.first_day, e.last_day;
END;
REVOKE ALL ON FUNCTION portfolio.ledger_end_rows(bigint[]) FROM PUBLIC;

-- Per portfolio: the ledger's first and last transaction day and the instruments it ever traded,
-- from the stored ledger end where there is one (stored), else from the transactions.
CREATE FUNCTION portfolio.ledger_extents(portfolio_ids bigint[])
    RETURNS TABLE (portfolio_id bigint, first_day date, last_day date, instruments text[], stored boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT e.portfolio_id, min(e.first_day), max(e.last_day),
           coalesce(array_agg(e.instrument) FILTER (WHERE e.instrument IS NOT NULL), '{}'), true
    FROM portfolio.ledger_ends e
    WHERE e.portfolio_id = ANY (portfolio_ids)
    GROUP BY e.portfolio_id
    UNION ALL
    SELECT t.portfolio_id, min((t.executed_at AT TIME ZONE 'UTC')::date), max((t.executed_at AT TIME ZONE 'UTC')::date),
           coalesce(array_agg(DISTINCT t.instrument) FILTER (WHERE t.instrument IS NOT NULL), '{}'), false
    FROM portfolio.transactions t
    -- (a scalar subquery per id, not NOT EXISTS: as an anti join the planner hashed every stored
    -- end, 33,000 rows at 1,000 portfolios, to refresh one portfolio)
    WHERE t.portfolio_id = ANY (ARRAY(SELECT u.id FROM unnest(portfolio_ids) u(id)
                                      WHERE (SELECT count(*) FROM portfolio.ledger_ends e WHERE e.portfolio_id = u.id) = 0))
    GROUP BY t.portfolio_id;
END;
REVOKE ALL ON FUNCTION portfolio.ledger_extents(bigint[]) FROM PUBLIC;

-- The last day of each portfolio's series: its last priced day (the last quote of any instrument
-- it has traded) or its last transaction when that is later, never after today(). No row for a
-- portfolio without transactions. The one definition value_days(), refresh and series_end() use;
-- the last quote is looked up once per symbol, not once per portfolio and symbol. With the
-- ledger's extent it was computed from (ledger_extents), so value_days need not compute it again.
CREATE FUNCTION portfolio.series_ends(portfolio_ids bigint[])
    RETURNS TABLE (portfolio_id bigint, end_day date, first_day date, last_day date, stored boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH x AS MATERIALIZED (
    SELECT * FROM portfolio.ledger_extents(portfolio_ids)
)
SELECT x.portfolio_id, least(portfolio.today(), greatest(x.last_day, max((l.ts AT TIME ZONE 'UTC')::date))),
       x.first_day, x.last_day, x.stored
FROM x
LEFT JOIN LATERAL unnest(x.instruments) i(symbol) ON true
LEFT JOIN portfolio.last_quotes l ON l.symbol = i.symbol   -- each symbol's last quote (48_prices.sql)
GROUP BY x.portfolio_id, x.first_day, x.last_day, x.stored;
END;
COMMENT ON FUNCTION portfolio.series_ends(bigint[]) IS
    'the last day of each portfolio''s daily series: its last priced day or last transaction, at most today()';
CREATE FUNCTION portfolio.series_end(portfolio_id bigint) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT e.end_day FROM portfolio.series_ends(ARRAY[series_end.portfolio_id]) e);
COMMENT ON FUNCTION portfolio.series_end(bigint) IS
    'the last day of a portfolio''s daily series: its last priced day or last transaction, at most today()';

-- The valuation kernel in C++ (src/core/daily_values.hpp, glue src/pg/daily_values.cpp), used by
-- value_days() below and private like it:
--   day_path_agg(first_day, last_day, day, value ORDER BY day): one value per day of the window,
--     carried forward over days without one, with the days it was observed (a close or FX path);
--   span_days_agg(first_day, last_day, span_from, span_to, quantity, cost, price_key, rate_key,
--                 cash, path_keys, paths): a portfolio's holding spans and cash balances valued on
--     each day of its window (quantity x price x rate, cost x rate; no rate when rate_key is
--     NULL), with the days some holding or balance could not be valued; the paths come as two
--     arrays, the same on every row, and are looked up by key (a join would copy a path into
--     every span row it matches);
--   span_days(block): every day of the window, as rows.
-- Decimal arithmetic (12 decimals, src/core/decimal.hpp), no floating point.
CREATE FUNCTION portfolio.day_path_trans(internal, date, date, date, numeric) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_day_path_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.day_path_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_day_path_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE portfolio.day_path_agg(first_day date, last_day date, day date, value numeric) (
    SFUNC = portfolio.day_path_trans, STYPE = internal,
    FINALFUNC = portfolio.day_path_final, FINALFUNC_MODIFY = READ_WRITE, PARALLEL = SAFE
);
CREATE FUNCTION portfolio.span_days_trans(internal, date, date, date, date, numeric, numeric, text, text, boolean,
                                          text[], bytea[])
    RETURNS internal AS 'MODULE_PATHNAME', 'pgp_span_days_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.span_days_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_span_days_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE portfolio.span_days_agg(first_day date, last_day date, span_from date, span_to date,
                                         quantity numeric, cost numeric, price_key text, rate_key text,
                                         cash boolean, path_keys text[], paths bytea[]) (
    SFUNC = portfolio.span_days_trans, STYPE = internal,
    FINALFUNC = portfolio.span_days_final, PARALLEL = SAFE
);
CREATE FUNCTION portfolio.span_days(days bytea)
    RETURNS TABLE (day date, securities numeric, cost numeric, missing integer, cash numeric,
                   cash_missing integer, traded boolean)
    AS 'MODULE_PATHNAME', 'pgp_span_days' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
REVOKE ALL ON FUNCTION portfolio.day_path_agg(date, date, date, numeric) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.span_days_agg(date, date, date, date, numeric, numeric, text, text, boolean, text[], bytea[])
    FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.span_days(bytea) FROM PUBLIC;

-- The position after each transaction (src/pg/position.cpp), for value_days(): one replay
-- per position through the lots of position_agg, recording quantity, cost basis and realized P/L
-- after every transaction (a window position_agg would serialize all lots after every row).
--   position_steps_agg(id, day, executed_at, kind, quantity, price, fees, method, label ORDER BY
--                      executed_at, same_time_order(kind), id) -> bytea
--   position_steps(steps) -> (id, quantity, cost, realized_delta, cost_delta, last_of_day): per
--     transaction the position after it, the change of realized P/L and cost basis it made, and
--     whether it is the position's last of its day
CREATE FUNCTION portfolio.position_steps_trans(internal, bigint, date, timestamptz, portfolio.txn_kind, numeric,
                                               numeric, numeric, text, text)
    RETURNS internal AS 'MODULE_PATHNAME', 'pgp_position_steps_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.position_steps_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_position_steps_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE portfolio.position_steps_agg(id bigint, day date, executed_at timestamptz, kind portfolio.txn_kind,
                                              quantity numeric, price numeric, fees numeric, method text, label text) (
    SFUNC = portfolio.position_steps_trans, STYPE = internal,
    FINALFUNC = portfolio.position_steps_final, PARALLEL = SAFE
);
CREATE FUNCTION portfolio.position_steps(steps bytea)
    RETURNS TABLE (id bigint, quantity numeric, cost numeric, realized_delta numeric, cost_delta numeric,
                   last_of_day boolean)
    AS 'MODULE_PATHNAME', 'pgp_position_steps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
REVOKE ALL ON FUNCTION portfolio.position_steps_agg(bigint, date, timestamptz, portfolio.txn_kind, numeric, numeric,
                                                    numeric, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.position_steps(bytea) FROM PUBLIC;

-- The daily series of some portfolios from a day on: portfolio_ids[i] from from_days[i] (NULL or
-- a day before the first transaction: the whole series). A day's row depends only on what happened
-- up to that day, so rows from a day on are computed from the ledger's running positions (the
-- whole history replayed, or the stored ledger end when no transaction falls in the days asked
-- for) and the prices and FX rates from the day before on (plus the last ones before, carried
-- in): the rows equal those of a full computation exactly (test/suites/valuation.sh checks it
-- after random writes).
-- The named parts: bounds (per portfolio: first day, days computed, last priced day, whether the
-- stored ledger end serves), txn (the ledgers replayed), steps/deltas (the position after each
-- transaction), holding_spans (quantity and cost held over a range of days), closes (the quotes),
-- fx_days (FX on a day), paths (the price and FX rate on every day), valued (the holdings and
-- cash valued day by day in C++), events/event_days (flows and P/L parts), daily, returns.
CREATE FUNCTION portfolio.value_days(portfolio_ids bigint[], from_days date[])
    RETURNS SETOF portfolio.daily_series
    LANGUAGE sql STABLE PARALLEL SAFE
    -- the planner's row estimates of generate_series (1,000 a call) make the query look costly
    -- enough to JIT-compile: 5 s of compiling for 20 portfolios of 75 days that run in 20 ms
    SET jit = off
    -- the planner sees 10 rows in unnest(portfolio_ids) whatever its length, so its estimates of
    -- every part are off by up to 100x and it joins the holding spans to the price paths by nested
    -- loops over CTE scans (a rescan of every path per span: minutes for 100 portfolios). Without
    -- nested loops they are hash joins; the lookups that need an index take arrays (= ANY) and
    -- the per-symbol LATERAL lookups stay nested loops (they cannot be anything else).
    SET enable_nestloop = off
BEGIN ATOMIC
WITH req AS (         -- the days asked for: per portfolio the earliest from_day
    SELECT u.portfolio_id, min(coalesce(u.from_day, '-infinity')) AS from_day
    FROM unnest(portfolio_ids, from_days) u(portfolio_id, from_day) GROUP BY u.portfolio_id
), bounds AS MATERIALIZED (  -- per portfolio: first day, days computed (compute_from is the day
                       -- before write_from: its value gives write_from's return), last priced
                       -- day, and whether the stored ledger end serves (no transaction falls in
                       -- the days computed: from_end) or the ledger is replayed
    SELECT e.portfolio_id, e.first_day,
           greatest(r.from_day, e.first_day) AS write_from,
           greatest(r.from_day - 1, e.first_day) AS compute_from,
           e.end_day,
           e.stored AND greatest(r.from_day - 1, e.first_day) > e.last_day AS from_end
    FROM portfolio.series_ends(portfolio_ids) e
    JOIN req r ON r.portfolio_id = e.portfolio_id
), txn AS (          -- the ledgers replayed
    SELECT t.id, t.portfolio_id, t.instrument, t.executed_at, t.kind, t.quantity, t.price, t.fees,
           t.amount, t.currency, p.base_currency, p.cost_method, p.name AS portfolio_name,
           (t.executed_at AT TIME ZONE 'UTC')::date AS day
    FROM portfolio.transactions t
    JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.portfolio_id = ANY (ARRAY(SELECT b.portfolio_id FROM bounds b WHERE NOT b.from_end))
), window_days AS (  -- the days any portfolio of the call computes
    SELECT min(b.compute_from) AS first_day, max(b.end_day) AS last_day FROM bounds b
), steps AS (        -- the position after each transaction of an instrument: one replay per
                       -- position through position_agg's lots (portfolio.position_steps_agg)
    SELECT st.*
    FROM (SELECT t.portfolio_id, t.instrument,
                 portfolio.position_steps_agg(t.id, t.day, t.executed_at, t.kind,
                                              portfolio.position_quantity_arg(t.kind, t.quantity),
                                              portfolio.position_price_arg(t.kind, t.price, t.amount),
                                              t.fees, t.cost_method,
                                              portfolio.position_label(t.portfolio_id, t.portfolio_name, t.instrument)
                                              ORDER BY t.executed_at, portfolio.same_time_order(t.kind), t.id) AS steps
          FROM txn t WHERE t.instrument IS NOT NULL
          GROUP BY t.portfolio_id, t.instrument) g
    CROSS JOIN LATERAL portfolio.position_steps(g.steps) st
), deltas AS (
    SELECT t.*, st.quantity AS q_after, st.cost AS cost_after, st.realized_delta, st.cost_delta, st.last_of_day
    FROM txn t JOIN steps st ON st.id = t.id
), holding_spans AS (  -- quantity and cost held at the end of from_day .. to_day, cut to the days computed
    SELECT h.portfolio_id, h.instrument, h.currency, h.base_currency,
           greatest(h.from_day, b.compute_from) AS from_day, least(h.to_day, b.end_day) AS to_day,
           h.quantity, h.cost
    FROM (SELECT d.portfolio_id, d.instrument, d.currency, d.base_currency, d.day AS from_day,
                 lead(d.day) OVER (PARTITION BY d.portfolio_id, d.instrument ORDER BY d.day) - 1 AS to_day,
                 d.q_after AS quantity, d.cost_after AS cost
          FROM deltas d WHERE d.last_of_day) h
    JOIN bounds b ON b.portfolio_id = h.portfolio_id
    WHERE coalesce(h.to_day, b.end_day) >= b.compute_from AND h.from_day <= b.end_day
    UNION ALL            -- from the stored ledger end: what is held after the last transaction
    SELECT e.portfolio_id, e.instrument, e.currency, p.base_currency, b.compute_from, b.end_day, e.quantity, e.cost
    FROM bounds b
    JOIN portfolio.ledger_ends e ON e.portfolio_id = b.portfolio_id AND e.instrument IS NOT NULL
    JOIN portfolio.portfolios p ON p.id = b.portfolio_id
    WHERE b.from_end AND b.compute_from <= b.end_day
), closes AS (         -- the last close of each UTC day (daily bars sit at 00:00 UTC) from the first
                       -- day computed, and the last one before it (carried into it)
    SELECT c.symbol, c.day, c.close
    FROM (SELECT DISTINCT ON (q.symbol, (q.ts AT TIME ZONE 'UTC')::date)
                 q.symbol, (q.ts AT TIME ZONE 'UTC')::date AS day, q.close
          FROM portfolio.quotes q
          WHERE q.symbol = ANY (ARRAY(SELECT DISTINCT s.instrument FROM holding_spans s))
            AND q.ts >= (SELECT wd.first_day FROM window_days wd)::timestamp AT TIME ZONE 'UTC'
          ORDER BY q.symbol, (q.ts AT TIME ZONE 'UTC')::date, q.ts DESC) c
    UNION ALL
    SELECT s.symbol, (l.ts AT TIME ZONE 'UTC')::date, l.close
    FROM (SELECT DISTINCT hs.instrument AS symbol FROM holding_spans hs) s
    CROSS JOIN LATERAL (SELECT q.ts, q.close FROM portfolio.quotes q
                        WHERE q.symbol = s.symbol
                          AND q.ts < (SELECT wd.first_day FROM window_days wd)::timestamp AT TIME ZONE 'UTC'
                        ORDER BY q.ts DESC LIMIT 1) l
), fx_pairs AS (       -- the currency pairs of the trades, holdings and cash balances
    SELECT t.currency, t.base_currency FROM txn t WHERE t.currency <> t.base_currency
    UNION
    SELECT e.currency, p.base_currency
    FROM bounds b
    JOIN portfolio.ledger_ends e ON e.portfolio_id = b.portfolio_id
    JOIN portfolio.portfolios p ON p.id = b.portfolio_id
    WHERE b.from_end AND e.currency <> p.base_currency
), fx_days AS (        -- FX on a day (portfolio.fx_days: the one rule), per pair over the days computed
    SELECT p.currency, p.base_currency, f.day, f.rate
    FROM fx_pairs p
    CROSS JOIN LATERAL portfolio.fx_days(p.currency, p.base_currency,
                                         (SELECT wd.first_day FROM window_days wd),
                                         (SELECT wd.last_day FROM window_days wd)) f
), paths AS MATERIALIZED (  -- the day paths of the call (portfolio.day_path_agg), under their keys:
                       -- 'p <symbol>' the close carried forward to the next quote, 'r <currency>
                       -- <base>' the FX rate, 'u' 1 on every day (the price of a unit of cash).
                       -- A symbol never quoted or a pair without rates has none: its days are missing.
    SELECT array_agg(k.key) AS keys, array_agg(k.path) AS paths
    FROM (SELECT 'p ' || c.symbol AS key,
                 portfolio.day_path_agg(wd.first_day, wd.last_day, c.day, c.close ORDER BY c.day) AS path
          FROM closes c CROSS JOIN window_days wd
          GROUP BY c.symbol
          UNION ALL
          SELECT 'r ' || f.currency || ' ' || f.base_currency,
                 portfolio.day_path_agg(wd.first_day, wd.last_day, f.day, f.rate ORDER BY f.day)
          FROM fx_days f CROSS JOIN window_days wd
          GROUP BY f.currency, f.base_currency
          UNION ALL
          SELECT 'u', portfolio.day_path_agg(wd.first_day, wd.last_day, wd.first_day, 1) FROM window_days wd) k
), cash_spans AS (
    SELECT c.portfolio_id, c.currency, c.base_currency, c.day AS from_day,
           lead(c.day) OVER pw - 1 AS to_day,
           sum(c.delta) OVER pw AS balance
    FROM (SELECT t.portfolio_id, t.currency, t.base_currency, t.day,
                 sum(portfolio.cash_effect(t.kind, t.quantity, t.price, t.fees, t.amount)) AS delta
          FROM txn t GROUP BY t.portfolio_id, t.currency, t.base_currency, t.day) c
    WINDOW pw AS (PARTITION BY c.portfolio_id, c.currency ORDER BY c.day)
    UNION ALL            -- from the stored ledger end: the balances after the last transaction
    SELECT e.portfolio_id, e.currency, p.base_currency, b.compute_from, NULL, e.quantity
    FROM bounds b
    JOIN portfolio.ledger_ends e ON e.portfolio_id = b.portfolio_id AND e.instrument IS NULL
    JOIN portfolio.portfolios p ON p.id = b.portfolio_id
    WHERE b.from_end
), valued AS (         -- per portfolio and day of its window: the holdings' value and cost and the
                       -- cash in the base currency, how many holdings and balances had no price or
                       -- rate, whether a holding was quoted; valued in C++ (portfolio.span_days_agg),
                       -- one block per portfolio (a portfolio without spans gets its days too)
    SELECT v.portfolio_id, v.write_from, d.*
    FROM (SELECT b.portfolio_id, b.write_from,
                 portfolio.span_days_agg(b.compute_from, b.end_day, s.from_day, s.to_day, s.quantity, s.cost,
                                         s.price_key,
                                         CASE WHEN s.currency <> s.base_currency
                                              THEN 'r ' || s.currency || ' ' || s.base_currency END,
                                         s.cash, (SELECT pa.keys FROM paths pa), (SELECT pa.paths FROM paths pa)) AS days
          FROM bounds b
          LEFT JOIN (SELECT h.portfolio_id, h.from_day, h.to_day, h.quantity, h.cost, h.currency, h.base_currency,
                            'p ' || h.instrument AS price_key, false AS cash
                     FROM holding_spans h WHERE h.quantity <> 0
                     UNION ALL   -- a balance is a holding of units priced 1
                     SELECT c.portfolio_id, c.from_day, c.to_day, c.balance, NULL, c.currency, c.base_currency, 'u', true
                     FROM cash_spans c WHERE c.balance <> 0) s ON s.portfolio_id = b.portfolio_id
          GROUP BY b.portfolio_id, b.write_from) v
    CROSS JOIN LATERAL portfolio.span_days(v.days) d
), events AS (         -- flows (portfolio.external_flow: in +, out -) and P/L parts of each
                       -- transaction, in its currency; a transfer out without a price leaves at cost
    SELECT d.portfolio_id, d.day, d.currency, d.base_currency,
           greatest(f.flow, 0) AS inflow, greatest(-f.flow, 0) AS outflow,
           d.realized_delta AS realized,
           CASE WHEN d.kind IN ('dividend', 'interest') THEN d.amount ELSE 0 END AS income,
           CASE WHEN d.kind IN ('buy', 'sell', 'transfer_in', 'transfer_out') THEN 0 ELSE d.fees END AS fees
    FROM deltas d
    CROSS JOIN LATERAL (SELECT coalesce(portfolio.external_flow(d.kind, d.quantity, d.price, d.amount),
                                        d.cost_delta) AS flow) f
    UNION ALL
    SELECT t.portfolio_id, t.day, t.currency, t.base_currency,
           greatest(f.flow, 0), greatest(-f.flow, 0),
           0,
           CASE WHEN t.kind = 'interest' THEN t.amount ELSE 0 END,
           t.fees
    FROM txn t
    CROSS JOIN LATERAL (SELECT portfolio.external_flow(t.kind, t.quantity, t.price, t.amount) AS flow) f
    WHERE t.instrument IS NULL
), event_days AS (
    SELECT e.portfolio_id, e.day,
           sum(e.inflow * fx.rate) AS deposits, sum(e.outflow * fx.rate) AS withdrawals,
           sum(e.realized * fx.rate) AS realized, sum(e.income * fx.rate) AS income,
           sum(e.fees * fx.rate) AS fees,
           count(*) FILTER (WHERE fx.rate IS NULL) AS missing
    FROM events e
    JOIN bounds b ON b.portfolio_id = e.portfolio_id AND e.day BETWEEN b.compute_from AND b.end_day
    LEFT JOIN fx_days f ON f.currency = e.currency AND f.base_currency = e.base_currency AND f.day = e.day
    CROSS JOIN LATERAL (SELECT CASE WHEN e.currency = e.base_currency THEN 1::numeric ELSE f.rate END AS rate) fx
    GROUP BY e.portfolio_id, e.day
), daily AS (
    SELECT v.portfolio_id, v.day, v.write_from,
           CASE WHEN v.missing + v.cash_missing = 0 THEN v.securities + v.cash END AS market_value,
           v.securities AS securities_value, v.cash AS cash_value, v.cost AS cost_basis,
           coalesce(e.deposits, 0) AS deposits,
           coalesce(e.withdrawals, 0) AS withdrawals,
           coalesce(e.realized, 0) AS realized_pl,
           coalesce(e.income, 0) AS income,
           coalesce(e.fees, 0) AS fees,
           (v.missing + v.cash_missing + coalesce(e.missing, 0))::integer AS unconverted,
           v.traded AS trading_day
    FROM valued v
    LEFT JOIN event_days e ON e.portfolio_id = v.portfolio_id AND e.day = v.day
), returns AS (
    SELECT d.*,
           -- r_t = (V_t + max(-F_t, 0)) / (V_{t-1} + max(F_t, 0)) - 1: inflows count at the start of
           -- the day, outflows at its end (the rule of twr(market_value, net_flow))
           ((d.market_value + greatest(d.withdrawals - d.deposits, 0))
            / nullif(lag(d.market_value, 1, 0::numeric) OVER pw + greatest(d.deposits - d.withdrawals, 0), 0)
            - 1)::float8 AS daily_return
    FROM daily d
    WINDOW pw AS (PARTITION BY d.portfolio_id ORDER BY d.day)
)
SELECT r.portfolio_id, r.day, trim_scale(r.market_value),
       trim_scale(r.securities_value), trim_scale(r.cash_value),
       trim_scale(r.cost_basis), trim_scale(r.deposits),
       trim_scale(r.withdrawals), trim_scale(r.deposits - r.withdrawals),
       trim_scale(r.realized_pl), trim_scale(r.income),
       trim_scale(r.fees), r.unconverted, r.daily_return, r.trading_day
FROM returns r
WHERE r.day >= r.write_from;
END;
COMMENT ON FUNCTION portfolio.value_days(bigint[], date[]) IS
    'the daily series of portfolio_ids[i] from from_days[i] on (NULL: all of it), as portfolio.refresh() stores it';
REVOKE ALL ON FUNCTION portfolio.value_days(bigint[], date[]) FROM PUBLIC;

CREATE OR REPLACE VIEW portfolio.portfolio_daily WITH (security_barrier = true) AS
SELECT d.*
FROM portfolio.daily_series d
JOIN portfolio.portfolios p ON p.id = d.portfolio_id
WHERE d.day <= (SELECT portfolio.as_of())
  AND ((SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]));
COMMENT ON VIEW portfolio.portfolio_daily IS
    'per portfolio and day up to portfolio.as_of(): value in base currency (last quote and FX carried '
    'forward), flows, P/L parts, daily return; only the portfolios the caller may read; as of the last '
    'portfolio.refresh()';
DROP MATERIALIZED VIEW portfolio.portfolio_daily_mv;

-- 53_valuation_queue.sql
CREATE SEQUENCE portfolio.valuation_queue_generation;
CREATE TABLE portfolio.valuation_queue (
    portfolio_id bigint      PRIMARY KEY REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    from_day     date        NOT NULL,
    marked_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- a refresh deletes the row only when it is the generation it computed: a mark that commits
    -- while a refresh runs survives it
    generation   bigint      NOT NULL DEFAULT nextval('portfolio.valuation_queue_generation'),
    -- a mark that changed the ledger (transactions, cost method, currencies): the stored ledger
    -- end (portfolio.ledger_ends) no longer serves, and refresh replays the ledger
    ledger_changed boolean   NOT NULL DEFAULT true
);
COMMENT ON TABLE portfolio.valuation_queue IS
    'portfolios whose daily series must be recomputed from from_day on (refresh() empties it)';

-- The portfolios trading a symbol, and those holding cash or trades in a currency.
CREATE INDEX transactions_instrument ON portfolio.transactions (instrument, portfolio_id);
CREATE INDEX transactions_currency ON portfolio.transactions (currency, portfolio_id);

-- Marks portfolio_ids[i] dirty from from_days[i] ('-infinity': from its start). Portfolios that
-- no longer exist (a cascaded delete) are skipped. ledger_changed (the default): the write changed
-- the ledger, so the stored ledger ends of those portfolios go too; new quotes and FX rates leave
-- the ledger as it was (false).
CREATE FUNCTION portfolio.mark_dirty(portfolio_ids bigint[], from_days date[], ledger_changed boolean DEFAULT true)
    RETURNS void
    LANGUAGE sql VOLATILE
BEGIN ATOMIC
    DELETE FROM portfolio.ledger_ends e
     WHERE mark_dirty.ledger_changed AND e.portfolio_id = ANY (mark_dirty.portfolio_ids);
    INSERT INTO portfolio.valuation_queue AS q (portfolio_id, from_day, ledger_changed)
    SELECT u.portfolio_id, min(u.from_day), mark_dirty.ledger_changed
    FROM unnest(portfolio_ids, from_days) u(portfolio_id, from_day)
    WHERE u.portfolio_id IS NOT NULL AND u.from_day IS NOT NULL
      AND EXISTS (SELECT 1 FROM portfolio.portfolios p WHERE p.id = u.portfolio_id)
    GROUP BY u.portfolio_id
    ORDER BY u.portfolio_id          -- one lock order for concurrent markers
    ON CONFLICT (portfolio_id) DO UPDATE
        SET from_day = least(q.from_day, excluded.from_day), marked_at = excluded.marked_at,
            generation = excluded.generation, ledger_changed = q.ledger_changed OR excluded.ledger_changed;
END;
COMMENT ON FUNCTION portfolio.mark_dirty(bigint[], date[], boolean) IS
    'queues portfolio_ids[i] for recomputation from from_days[i] on (ledger_changed: the ledger changed too)';
REVOKE ALL ON FUNCTION portfolio.mark_dirty(bigint[], date[], boolean) FROM PUBLIC;

CREATE FUNCTION portfolio.transactions_mark_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM portfolio.mark_dirty(array_agg(n.portfolio_id), array_agg((n.executed_at AT TIME ZONE 'UTC')::date))
        FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM portfolio.mark_dirty(array_agg(o.portfolio_id), array_agg((o.executed_at AT TIME ZONE 'UTC')::date))
        FROM old_rows o;
    ELSE
        PERFORM portfolio.mark_dirty(array_agg(x.portfolio_id), array_agg((x.executed_at AT TIME ZONE 'UTC')::date))
        FROM (SELECT o.portfolio_id, o.executed_at FROM old_rows o
              UNION ALL SELECT n.portfolio_id, n.executed_at FROM new_rows n) x;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER transactions_dirty_insert AFTER INSERT ON portfolio.transactions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_mark_dirty();
CREATE TRIGGER transactions_dirty_update AFTER UPDATE ON portfolio.transactions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_mark_dirty();
CREATE TRIGGER transactions_dirty_delete AFTER DELETE ON portfolio.transactions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_mark_dirty();

-- Quotes: per symbol the first day changed, then every portfolio trading the symbol.
CREATE FUNCTION portfolio.quotes_mark_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    symbols text[];   -- each changed symbol with the first UTC day changed
    days date[];
BEGIN
    -- the transition tables a statement has depend on its event; the rest is one query
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(x.symbol), array_agg(x.day) INTO symbols, days
        FROM (SELECT n.symbol, min((n.ts AT TIME ZONE 'UTC')::date) AS day FROM new_rows n GROUP BY n.symbol) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(x.symbol), array_agg(x.day) INTO symbols, days
        FROM (SELECT o.symbol, min((o.ts AT TIME ZONE 'UTC')::date) AS day FROM old_rows o GROUP BY o.symbol) x;
    ELSE
        SELECT array_agg(x.symbol), array_agg(x.day) INTO symbols, days
        FROM (SELECT r.symbol, min((r.ts AT TIME ZONE 'UTC')::date) AS day
              FROM (SELECT o.symbol, o.ts FROM old_rows o UNION ALL SELECT n.symbol, n.ts FROM new_rows n) r
              GROUP BY r.symbol) x;
    END IF;
    PERFORM portfolio.mark_dirty(array_agg(t.portfolio_id), array_agg(s.day), false)  -- ledgers unchanged
    FROM unnest(symbols, days) s(symbol, day)
    JOIN LATERAL (SELECT DISTINCT t.portfolio_id FROM portfolio.transactions t WHERE t.instrument = s.symbol) t ON true;
    RETURN NULL;
END
$$;
CREATE TRIGGER quotes_dirty_insert AFTER INSERT ON portfolio.quotes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.quotes_mark_dirty();
CREATE TRIGGER quotes_dirty_update AFTER UPDATE ON portfolio.quotes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.quotes_mark_dirty();
CREATE TRIGGER quotes_dirty_delete AFTER DELETE ON portfolio.quotes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.quotes_mark_dirty();

-- FX rates: a rate of base/quote on a day converts quote-currency amounts of base-currency
-- portfolios (by its inverse) and base-currency amounts of quote-currency portfolios.
CREATE FUNCTION portfolio.fx_rates_mark_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bases text[];     -- each changed pair with the first day changed
    quotes text[];
    days date[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(x.base), array_agg(x.quote), array_agg(x.day) INTO bases, quotes, days
        FROM (SELECT n.base, n.quote, min(n.day) AS day FROM new_rows n GROUP BY n.base, n.quote) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(x.base), array_agg(x.quote), array_agg(x.day) INTO bases, quotes, days
        FROM (SELECT o.base, o.quote, min(o.day) AS day FROM old_rows o GROUP BY o.base, o.quote) x;
    ELSE
        SELECT array_agg(x.base), array_agg(x.quote), array_agg(x.day) INTO bases, quotes, days
        FROM (SELECT r.base, r.quote, min(r.day) AS day
              FROM (SELECT o.base, o.quote, o.day FROM old_rows o UNION ALL SELECT n.base, n.quote, n.day FROM new_rows n) r
              GROUP BY r.base, r.quote) x;
    END IF;
    PERFORM portfolio.mark_dirty(array_agg(t.portfolio_id), array_agg(c.day), false)  -- ledgers unchanged
    FROM unnest(bases, quotes, days) c(base, quote, day)
    CROSS JOIN LATERAL (VALUES (c.base, c.quote), (c.quote, c.base)) side(ccy, base_ccy)
    JOIN LATERAL (SELECT DISTINCT t.portfolio_id FROM portfolio.transactions t
                  JOIN portfolio.portfolios p ON p.id = t.portfolio_id
                  WHERE t.currency = side.ccy AND p.base_currency = side.base_ccy) t ON true;
    RETURN NULL;
END
$$;
CREATE TRIGGER fx_rates_dirty_insert AFTER INSERT ON portfolio.fx_rates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.fx_rates_mark_dirty();
CREATE TRIGGER fx_rates_dirty_update AFTER UPDATE ON portfolio.fx_rates
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.fx_rates_mark_dirty();
CREATE TRIGGER fx_rates_dirty_delete AFTER DELETE ON portfolio.fx_rates
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.fx_rates_mark_dirty();

-- Row triggers for the rare changes that revalue whole series.
CREATE FUNCTION portfolio.reference_mark_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_TABLE_NAME = 'instruments' THEN
        PERFORM portfolio.mark_dirty(array_agg(t.portfolio_id), array_agg('-infinity'::date))
        FROM (SELECT DISTINCT t.portfolio_id FROM portfolio.transactions t
              WHERE t.instrument IN (OLD.symbol, NEW.symbol)) t;
    ELSIF TG_TABLE_NAME = 'portfolios' THEN
        PERFORM portfolio.mark_dirty(ARRAY[NEW.id], ARRAY['-infinity'::date]);
    ELSIF TG_TABLE_NAME = 'settings'
          AND 'fx_max_staleness_days' IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.key END,
                                          CASE WHEN TG_OP <> 'DELETE' THEN NEW.key END) THEN
        PERFORM portfolio.mark_dirty(array_agg(p.id), array_agg('-infinity'::date), false) FROM portfolio.portfolios p;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER instruments_dirty AFTER UPDATE OF currency ON portfolio.instruments
    FOR EACH ROW WHEN (OLD.currency IS DISTINCT FROM NEW.currency)
    EXECUTE FUNCTION portfolio.reference_mark_dirty();
CREATE TRIGGER portfolios_dirty AFTER UPDATE OF base_currency, cost_method ON portfolio.portfolios
    FOR EACH ROW WHEN (OLD.base_currency IS DISTINCT FROM NEW.base_currency
                       OR OLD.cost_method IS DISTINCT FROM NEW.cost_method)
    EXECUTE FUNCTION portfolio.reference_mark_dirty();
CREATE TRIGGER settings_dirty AFTER INSERT OR UPDATE OR DELETE ON portfolio.settings
    FOR EACH ROW EXECUTE FUNCTION portfolio.reference_mark_dirty();
REVOKE ALL ON FUNCTION portfolio.transactions_mark_dirty() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.quotes_mark_dirty() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.fx_rates_mark_dirty() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.reference_mark_dirty() FROM PUBLIC;

-- 55_performance.sql: statistics over trading days (one definition, performance_between), last_priced_day
-- and trading_days added
-- A portfolio's return per trading day (a day with a quote of an instrument it held that day):
-- the calendar days' returns compounded from the day after the previous trading day through this
-- one (so a weekend's deposit is counted, and nothing is lost), and the benchmark's price change
-- between the same two trading days. Days after the last trading day belong to no period. The
-- first trading day has no return (r is NULL) when nothing was valued before it.
-- Worked example (docs/data-model.md): a portfolio valued Friday 100, Saturday and Sunday 100
-- (carried), Monday 103: trading days Friday and Monday, Monday's r = 1.00 * 1.00 * 1.03 - 1 = 0.03.
CREATE FUNCTION portfolio.trading_day_returns(portfolio bigint)
    RETURNS TABLE (day date, r float8, rb float8)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH days AS (
        SELECT d.day, d.daily_return, d.trading_day,
               -- the trading day closing the period the day belongs to: the first one on or after it
               min(d.day) FILTER (WHERE d.trading_day) OVER (ORDER BY d.day DESC ROWS UNBOUNDED PRECEDING)
                   AS period_day
        FROM portfolio.portfolio_daily d WHERE d.portfolio_id = trading_day_returns.portfolio
    ), periods AS (
        SELECT x.period_day AS day, portfolio.twr(x.daily_return) AS r
        FROM days x WHERE x.period_day IS NOT NULL GROUP BY x.period_day
    ), bench AS (
        SELECT b.day, b.price
        FROM portfolio.portfolios pf
        CROSS JOIN LATERAL portfolio.benchmark_daily_returns(pf.benchmark_symbol,
            (SELECT min(x.day) FROM days x), (SELECT max(x.day) FROM days x)) b
        WHERE pf.id = trading_day_returns.portfolio AND pf.benchmark_symbol IS NOT NULL
    )
    SELECT p.day, p.r, (b.price / lag(b.price) OVER (ORDER BY p.day) - 1)::float8
    FROM periods p LEFT JOIN bench b ON b.day = p.day
    ORDER BY p.day;
END;
COMMENT ON FUNCTION portfolio.trading_day_returns(bigint) IS
    'a portfolio''s return per trading day (calendar days compounded since the previous one) and its benchmark''s';

-- The return statistics of a portfolio between two days, over its trading days in the range (the
-- first one's return reaches back to the trading day before), with 252 periods a year; the
-- benchmark's over the same periods. The one definition the performance view and the tearsheet's
-- period figures use.
CREATE FUNCTION portfolio.performance_between(portfolio bigint, from_day date, to_day date)
    RETURNS TABLE (twr float8, annualized_return float8, volatility float8, sharpe float8,
                   sortino float8, max_drawdown float8, var_95 float8, cvar_95 float8, beta float8,
                   alpha float8, tracking_error float8, benchmark_twr float8, correlation float8,
                   trading_days integer)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT portfolio.twr(t.r),
           portfolio.annualized_return(t.r, 252),
           portfolio.volatility(t.r, 252),
           portfolio.sharpe(t.r, 0, 252),
           portfolio.sortino(t.r, 0, 252),
           portfolio.max_drawdown(t.r ORDER BY t.day),
           portfolio.var_historical(t.r, 0.95),
           portfolio.cvar_historical(t.r, 0.95),
           portfolio.beta(t.r, t.rb),
           portfolio.alpha(t.r, t.rb, 0, 252),
           portfolio.tracking_error(t.r, t.rb, 252),
           portfolio.twr(t.rb),
           corr(t.r, t.rb),
           count(t.r)::integer
    FROM portfolio.trading_day_returns(performance_between.portfolio) t
    WHERE t.day BETWEEN performance_between.from_day AND performance_between.to_day;
END;
COMMENT ON FUNCTION portfolio.performance_between(bigint, date, date) IS
    'return statistics of a portfolio over its trading days between two days (252 a year), and its benchmark''s';

-- Every part is a LATERAL subquery of one portfolio, so a query for one portfolio
-- (WHERE portfolio_id = ...) reads only that portfolio's days and its benchmark's quotes.
CREATE OR REPLACE VIEW portfolio.performance WITH (security_invoker = true) AS
SELECT pf.id AS portfolio_id, b.first_day, b.last_day,
       c.twr_since_inception, c.twr_ytd, c.twr_1y,
       s.annualized_return, s.volatility, s.sharpe, s.sortino, s.max_drawdown, s.var_95, s.cvar_95,
       s.beta, s.alpha, s.tracking_error,
       -- a flow or the final value that could not be converted makes the XIRR unknown, not wrong
       CASE WHEN c.xirr_amounts_known THEN c.xirr END AS xirr,
       b.last_priced_day, s.trading_days
FROM portfolio.portfolios pf
CROSS JOIN LATERAL (
    SELECT min(d.day) AS first_day, max(d.day) AS last_day,
           max(d.day) FILTER (WHERE d.trading_day) AS last_priced_day
    FROM portfolio.portfolio_daily d WHERE d.portfolio_id = pf.id) b
CROSS JOIN LATERAL (
    SELECT portfolio.twr(p.r) AS twr_since_inception,
           portfolio.twr(p.r) FILTER (WHERE p.day >= date_trunc('year', b.last_day)::date) AS twr_ytd,
           portfolio.twr(p.r) FILTER (WHERE p.day > (b.last_day - interval '1 year')::date) AS twr_1y,
           bool_and(p.xirr_amount IS NOT NULL) FILTER (WHERE p.xirr_day) AS xirr_amounts_known,
           portfolio.xirr(p.xirr_amount, p.day) FILTER (WHERE p.xirr_day) AS xirr
    FROM (SELECT d.day, d.daily_return AS r,
                 d.net_flow <> 0 OR d.day = b.last_day AS xirr_day,
                 -- the day's external flow as paid out (+) or in (-), plus the final value
                 ((d.withdrawals - d.deposits)
                  + CASE WHEN d.day = b.last_day THEN d.market_value ELSE 0 END)::float8 AS xirr_amount
          FROM portfolio.portfolio_daily d
          WHERE d.portfolio_id = pf.id) p
) c
CROSS JOIN LATERAL portfolio.performance_between(pf.id, b.first_day, b.last_day) s
WHERE b.first_day IS NOT NULL;
COMMENT ON VIEW portfolio.performance IS
    'per portfolio: TWR since inception, YTD and 1Y, XIRR (calendar days); annualized return, volatility, Sharpe, '
    'Sortino, max drawdown, VaR/CVaR 95 % (historical), beta/alpha/tracking error against the benchmark symbol '
    'over trading days (252 a year); the last priced day and the number of trading-day returns';

-- 56_refresh.sql: refresh_log counts portfolios; per-portfolio status; refresh() and refresh(id)
ALTER TABLE portfolio.refresh_log ADD COLUMN portfolios integer, ADD COLUMN failed integer;
COMMENT ON TABLE portfolio.refresh_log IS
    'one row per run of portfolio.refresh(): rows written, portfolios recomputed and failed';
-- Per portfolio: the stored series' span, its last trading day, and the outcome of the last
-- attempt. A failure is recorded here (and shown by portfolio.health) while the other portfolios
-- carry on; the portfolio keeps its last good rows and stays queued, so the next refresh retries.
CREATE TABLE portfolio.valuation_status (
    portfolio_id    bigint      PRIMARY KEY REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    first_day       date,
    valued_through  date,       -- the last day of the stored series
    last_priced_day date,       -- its last trading day (a quote of a held instrument)
    refreshed_at    timestamptz,  -- the last successful recomputation
    failed_at       timestamptz,  -- the last failed one, when it is later than refreshed_at
    error           text
);
COMMENT ON TABLE portfolio.valuation_status IS
    'per portfolio: days stored, last priced day, last refresh and the error of a failed one';

-- Writes the days of portfolio_ids[i] from from_days[i] on ('-infinity': the whole series) and
-- their status; returns the rows written. Raises whatever the computation raises (the caller
-- isolates failures).
CREATE FUNCTION portfolio.write_days(portfolio_ids bigint[], from_days date[]) RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n bigint;
    cut record;   -- a portfolio and the first day to delete
BEGIN
    -- the portfolios stay while their rows are written (daily_series has no foreign key; a
    -- concurrent DELETE of one waits for this transaction, then deletes its rows)
    PERFORM 1 FROM portfolio.portfolios p WHERE p.id = ANY (portfolio_ids) FOR KEY SHARE;
    -- the days recomputed, and any past the series' end (it moves back when the ledger's last
    -- transaction or the last quote of its instruments goes), from series_ends() once for all;
    -- one DELETE per portfolio, each a range of the primary key: as one DELETE ... USING, the
    -- planner could not know how few days a mark leaves and hashed the whole table (0.95 s of a
    -- 1.4 s refresh of one new day at 1,000 portfolios, to delete 1,000 rows)
    FOR cut IN
        SELECT u.portfolio_id, least(u.from_day, coalesce(e.end_day, '-infinity') + 1) AS from_day
        FROM unnest(portfolio_ids, from_days) u(portfolio_id, from_day)
        LEFT JOIN portfolio.series_ends(portfolio_ids) e ON e.portfolio_id = u.portfolio_id
    LOOP
        DELETE FROM portfolio.daily_series d WHERE d.portfolio_id = cut.portfolio_id AND d.day >= cut.from_day;
    END LOOP;
    INSERT INTO portfolio.daily_series SELECT * FROM portfolio.value_days(portfolio_ids, from_days);
    GET DIAGNOSTICS n = ROW_COUNT;
    -- the ledger ends of the portfolios that have none (their ledger changed, or is new), so the
    -- next refresh of new quotes starts from them
    INSERT INTO portfolio.ledger_ends
    SELECT * FROM portfolio.ledger_end_rows(ARRAY(
        SELECT u.id FROM unnest(portfolio_ids) u(id)
        WHERE (SELECT count(*) FROM portfolio.ledger_ends e WHERE e.portfolio_id = u.id) = 0));  -- (see ledger_extents)
    INSERT INTO portfolio.valuation_status AS s (portfolio_id, first_day, valued_through, last_priced_day, refreshed_at)
    SELECT w.portfolio_id,
           (SELECT min(d.day) FROM portfolio.daily_series d WHERE d.portfolio_id = w.portfolio_id),
           (SELECT max(d.day) FROM portfolio.daily_series d WHERE d.portfolio_id = w.portfolio_id),
           (SELECT max(d.day) FROM portfolio.daily_series d WHERE d.portfolio_id = w.portfolio_id AND d.trading_day),
           clock_timestamp()
    FROM unnest(portfolio_ids) w(portfolio_id)
    WHERE EXISTS (SELECT 1 FROM portfolio.portfolios p WHERE p.id = w.portfolio_id)
    ON CONFLICT (portfolio_id) DO UPDATE
        SET first_day = excluded.first_day, valued_through = excluded.valued_through,
            last_priced_day = excluded.last_priced_day, refreshed_at = excluded.refreshed_at,
            failed_at = NULL, error = NULL;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION portfolio.write_days(bigint[], date[]) FROM PUBLIC;

-- Recomputes the queued days of the given portfolios (NULL: every queued portfolio) whose
-- from_day has come (a mark dated after today waits for its day). Portfolios go in chunks of 1,000
-- through one set-based computation; when a chunk fails, its portfolios are redone one by one,
-- each in a subtransaction of its own, so a failure is recorded against its portfolio and the
-- others are written. Queue rows are deleted only if no new mark came since they were read.
CREATE FUNCTION portfolio.revalue(portfolio_ids bigint[] DEFAULT NULL,
                                  OUT portfolios integer, OUT failed integer, OUT rows bigint)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- a chunk builds the day paths of its symbols and currency pairs once (chunks of 200 built
    -- the then price arrays five times in a rebuild of 1,000 portfolios, 7 s each in bench/model.sh)
    chunk constant integer := 1000;
    ids bigint[];
    froms date[];
    gens bigint[];
    done_ids bigint[] := '{}';
    done_gens bigint[] := '{}';
    lo integer;
    hi integer;
    i integer;
BEGIN
    failed := 0;
    rows := 0;
    -- portfolios with a ledger and no series (a restored dump, a new install): queued whole
    PERFORM portfolio.mark_dirty(array_agg(p.id), array_agg('-infinity'::date))
    FROM portfolio.portfolios p
    WHERE (portfolio_ids IS NULL OR p.id = ANY (portfolio_ids))
      AND NOT EXISTS (SELECT 1 FROM portfolio.valuation_status s WHERE s.portfolio_id = p.id)
      AND NOT EXISTS (SELECT 1 FROM portfolio.valuation_queue q WHERE q.portfolio_id = p.id)
      AND EXISTS (SELECT 1 FROM portfolio.transactions t WHERE t.portfolio_id = p.id);
    -- a ledger changed by a mark that committed after the ledger end was stored (by a refresh
    -- running concurrently with the writer): the stored end no longer serves
    DELETE FROM portfolio.ledger_ends e
     USING portfolio.valuation_queue q
     WHERE q.portfolio_id = e.portfolio_id AND q.ledger_changed
       AND (portfolio_ids IS NULL OR q.portfolio_id = ANY (portfolio_ids));
    -- from the mark, or from the day after the stored series when that is earlier (new quotes
    -- extend it); from the start when the mark is at or before the series' first day
    SELECT array_agg(q.portfolio_id ORDER BY q.portfolio_id),
           array_agg(CASE WHEN s.first_day IS NULL OR q.from_day <= s.first_day THEN '-infinity'::date
                          ELSE least(q.from_day, s.valued_through + 1) END ORDER BY q.portfolio_id),
           array_agg(q.generation ORDER BY q.portfolio_id)
      INTO ids, froms, gens
      FROM portfolio.valuation_queue q
      LEFT JOIN portfolio.valuation_status s ON s.portfolio_id = q.portfolio_id
     WHERE q.from_day <= portfolio.today()
       AND (portfolio_ids IS NULL OR q.portfolio_id = ANY (portfolio_ids));
    portfolios := coalesce(cardinality(ids), 0);
    lo := 1;
    WHILE lo <= portfolios LOOP
        hi := least(lo + chunk - 1, portfolios);
        BEGIN
            rows := rows + portfolio.write_days(ids[lo:hi], froms[lo:hi]);
            done_ids := done_ids || ids[lo:hi];
            done_gens := done_gens || gens[lo:hi];
        EXCEPTION WHEN OTHERS THEN
            FOR i IN lo .. hi LOOP
                BEGIN
                    rows := rows + portfolio.write_days(ARRAY[ids[i]], ARRAY[froms[i]]);
                    done_ids := done_ids || ids[i];
                    done_gens := done_gens || gens[i];
                EXCEPTION WHEN OTHERS THEN
                    failed := failed + 1;
                    INSERT INTO portfolio.valuation_status AS s (portfolio_id, failed_at, error)
                    SELECT ids[i], clock_timestamp(), SQLSTATE || ': ' || SQLERRM
                    WHERE EXISTS (SELECT 1 FROM portfolio.portfolios p WHERE p.id = ids[i])
                    ON CONFLICT (portfolio_id) DO UPDATE SET failed_at = excluded.failed_at, error = excluded.error;
                END;
            END LOOP;
        END;
        lo := hi + 1;
    END LOOP;
    DELETE FROM portfolio.valuation_queue q
     USING unnest(done_ids, done_gens) d(portfolio_id, generation)
     WHERE q.portfolio_id = d.portfolio_id AND q.generation = d.generation;
END
$$;
COMMENT ON FUNCTION portfolio.revalue(bigint[]) IS
    'recomputes the queued days of the daily series (all portfolios, or the given ones); per-portfolio failures in valuation_status';
REVOKE ALL ON FUNCTION portfolio.revalue(bigint[]) FROM PUBLIC;

-- One run of revalue() with its log row and notification. Runs concurrently with readers (they
-- keep the rows of their snapshot) and with writers (a mark made meanwhile stays queued).
CREATE FUNCTION portfolio.refresh_run(portfolio_ids bigint[]) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    log_id bigint;
    r record;
BEGIN
    -- one set-based query per chunk: give it memory for hash joins instead of sorts on disk
    -- (setting refresh_work_mem_mb, default 256); the function's SET clause restores it on exit
    IF (SELECT s.setting::bigint FROM pg_settings s WHERE s.name = 'work_mem')
       < portfolio.setting('refresh_work_mem_mb')::bigint * 1024 THEN
        PERFORM set_config('work_mem', portfolio.setting('refresh_work_mem_mb') || 'MB', true);
    END IF;
    INSERT INTO portfolio.refresh_log (view_name, started_at, concurrent)
        VALUES ('portfolio.daily_series', clock_timestamp(), true) RETURNING id INTO log_id;
    BEGIN
        SELECT * INTO r FROM portfolio.revalue(portfolio_ids);
        UPDATE portfolio.refresh_log
           SET finished_at = clock_timestamp(), rows = r.rows, portfolios = r.portfolios, failed = r.failed
         WHERE id = log_id;
        IF r.failed > 0 THEN
            RAISE WARNING 'portfolio.refresh: % of % portfolios failed (see portfolio.valuation_status)',
                r.failed, r.portfolios;
        END IF;
    EXCEPTION WHEN OTHERS THEN
        UPDATE portfolio.refresh_log
           SET finished_at = clock_timestamp(), error = SQLSTATE || ': ' || SQLERRM
         WHERE id = log_id;
        RAISE WARNING 'portfolio.refresh: failed: % (SQLSTATE %)', SQLERRM, SQLSTATE;
    END;
    -- LISTEN portfolio_refresh: one notification per run (src/sql/60_live.sql)
    PERFORM portfolio.notify_refresh();
END
$$;
REVOKE ALL ON FUNCTION portfolio.refresh_run(bigint[]) FROM PUBLIC;
-- Every portfolio's queued days. One refresh at a time (a second one waits); refresh(id) of an
-- owner runs beside others but not beside this one.
CREATE OR REPLACE PROCEDURE portfolio.refresh()
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1886154850, 0);
    PERFORM portfolio.refresh_run(NULL);
END
$$;
COMMENT ON PROCEDURE portfolio.refresh() IS
    'recomputes the queued days of every portfolio''s daily series; logs the run in portfolio.refresh_log';

-- An owner's own portfolio, at once. SECURITY DEFINER (the series is private): the caller must be
-- a member of the portfolio's owner role, judged on session_user, the role that logged in (inside
-- a SECURITY DEFINER routine current_user is the definer; a session may always act as its login).
CREATE OR REPLACE PROCEDURE portfolio.refresh(portfolio bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    owner_role name;
BEGIN
    SELECT p.owner INTO owner_role FROM portfolio.portfolios p WHERE p.id = refresh.portfolio;
    IF owner_role IS NULL
       OR NOT coalesce(pg_has_role(session_user, to_regrole(owner_role::text), 'MEMBER'), false) THEN
        RAISE EXCEPTION 'portfolio.refresh: portfolio % not found, or not yours', refresh.portfolio
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1886154850, 0);
    PERFORM pg_advisory_xact_lock(1886154851, hashint8(refresh.portfolio));
    PERFORM portfolio.refresh_run(ARRAY[refresh.portfolio]);
END
$$;
COMMENT ON PROCEDURE portfolio.refresh(bigint) IS
    'recomputes the queued days of one portfolio of the caller''s, at once';
REVOKE ALL ON PROCEDURE portfolio.refresh(bigint) FROM PUBLIC;

-- 58_security.sql (its REVOKE ... ON ALL TABLES/SEQUENCES leaves owner-only privileges recorded)
REVOKE ALL ON portfolio.daily_series, portfolio.ledger_ends, portfolio.valuation_queue,
              portfolio.holdings_to_check, portfolio.valuation_status FROM PUBLIC;
REVOKE ALL ON SEQUENCE portfolio.valuation_queue_generation FROM PUBLIC;
GRANT SELECT ON portfolio.valuation_status TO portfolio_reader;
GRANT EXECUTE ON PROCEDURE portfolio.refresh(bigint) TO portfolio_user;

-- 60_live.sql: the refresh notification counts portfolios recomputed and failed
CREATE OR REPLACE FUNCTION portfolio.notify_refresh() RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    payload text;
BEGIN
    SELECT jsonb_build_object(
        'event', 'refresh',
        'at', clock_timestamp(),
        -- ok: the run worked and no portfolio failed (which ones, and why, is for operators:
        -- valuation_status; a payload names no portfolio)
        'ok', coalesce(bool_and(l.error IS NULL AND coalesce(l.failed, 0) = 0), true),
        'views', coalesce(jsonb_agg(jsonb_build_object(
                     'view', l.view_name, 'rows', l.rows, 'concurrent', l.concurrent,
                     'seconds', round(extract(epoch FROM l.finished_at - l.started_at)::numeric, 3),
                     'failed', l.error IS NOT NULL,
                     'portfolios', l.portfolios, 'portfolios_failed', l.failed) ORDER BY l.id), '[]'::jsonb))::text
      INTO payload
      FROM (SELECT * FROM portfolio.refresh_log r WHERE r.started_at >= now() ORDER BY r.id LIMIT 10) l;
    PERFORM pg_notify('portfolio_refresh', payload);
END
$$;

-- 64_health.sql: failed portfolios and the refresh queue
CREATE OR REPLACE VIEW portfolio.health AS
WITH refresh AS (
    SELECT DISTINCT ON (l.view_name) l.view_name, l.started_at, l.finished_at, l.error, l.rows
    FROM portfolio.refresh_log l ORDER BY l.view_name, l.id DESC
), fetches AS (
    SELECT s.source, max(s.fetched_at) AS last_fetch, sum(s.n) AS rows_last_day
    FROM (SELECT q.source, max(q.fetched_at) AS fetched_at,
                 count(*) FILTER (WHERE q.fetched_at > now() - interval '1 day') AS n
          FROM portfolio.quotes q GROUP BY q.source
          UNION ALL
          SELECT f.source, max(f.fetched_at),
                 count(*) FILTER (WHERE f.fetched_at > now() - interval '1 day')
          FROM portfolio.fx_rates f GROUP BY f.source) s
    GROUP BY s.source
), months AS (   -- the months maintain_quote_partitions() keeps, by the same definition
    SELECT m AS month_start, portfolio.quote_partition_name(m::timestamp AT TIME ZONE 'UTC') AS part,
           m = max(m) OVER () AS last_month
    FROM portfolio.quote_partition_months() m
)
SELECT 'refresh'::text AS area, r.view_name AS item,
       CASE WHEN r.error IS NOT NULL THEN 'error' WHEN r.finished_at IS NULL THEN 'warn' ELSE 'ok' END AS status,
       r.finished_at AS at,
       format('started %s, %s s, %s rows%s', r.started_at,
              round(extract(epoch FROM r.finished_at - r.started_at)::numeric, 3),
              coalesce(r.rows::text, '?'), coalesce(', error: ' || r.error, '')) AS detail
FROM refresh r
UNION ALL
SELECT 'refresh', 'portfolio.daily_series', 'warn', NULL, 'never refreshed: CALL portfolio.refresh()'
WHERE NOT EXISTS (SELECT 1 FROM refresh)
UNION ALL
-- The valuation engine: a row per portfolio whose last recomputation failed (it keeps its last
-- good days and is retried by every refresh), and the queue: warn when a mark due today has
-- waited more than 15 minutes (no refresh is running, or it does not keep up).
SELECT 'valuation', format('portfolio %s', v.portfolio_id), 'error', v.failed_at, v.error
FROM portfolio.valuation_status v
WHERE v.failed_at IS NOT NULL
UNION ALL
SELECT 'valuation', 'queue',
       CASE WHEN min(q.marked_at) < now() - interval '15 minutes' THEN 'warn' ELSE 'ok' END,
       min(q.marked_at),
       format('%s portfolios queued for refresh', count(*))
FROM portfolio.valuation_queue q
WHERE q.from_day <= portfolio.today()
UNION ALL
SELECT 'fetch', f.source,
       CASE WHEN f.last_fetch > now() - interval '2 days' THEN 'ok' ELSE 'warn' END,
       f.last_fetch, format('%s rows fetched in the last day', f.rows_last_day)
FROM fetches f
UNION ALL
SELECT 'cron', c.jobname,
       CASE WHEN NOT c.active THEN 'warn' WHEN c.last_status = 'failed' THEN 'error'
            WHEN c.last_status IS NULL THEN 'unknown' ELSE 'ok' END,
       coalesce(c.last_end, c.last_start),
       format('schedule %s, last run %s%s', c.schedule, coalesce(c.last_status, 'none'),
              coalesce(': ' || nullif(c.last_message, ''), ''))
FROM portfolio.cron_job_state() c
UNION ALL
SELECT 'cron', 'pg_cron', 'unknown', NULL, 'pg_cron is not installed: schedule portfolio.refresh() elsewhere'
WHERE NOT portfolio.pg_cron_installed()
UNION ALL
SELECT 'cron', 'pg_cron', 'warn', NULL, 'pg_cron is installed but no pg_portfolio job: SELECT portfolio.schedule_refresh()'
WHERE portfolio.pg_cron_installed() AND NOT EXISTS (SELECT 1 FROM portfolio.cron_job_state())
UNION ALL
-- The furthest month is only a warning when missing: in the first hour of a UTC month it waits
-- for the hourly pg_portfolio_partitions job; a missing month that quotes can arrive for now is an
-- error (the loader would fail).
SELECT 'partitions', m.part,
       CASE WHEN to_regclass(format('portfolio.%I', m.part)) IS NOT NULL THEN 'ok'
            WHEN m.last_month THEN 'warn' ELSE 'error' END,
       m.month_start::timestamp AT TIME ZONE 'UTC',
       CASE WHEN to_regclass(format('portfolio.%I', m.part)) IS NOT NULL THEN 'exists'
            ELSE 'missing: SELECT portfolio.maintain_quote_partitions()' END
FROM months m
UNION ALL
-- a week's warning before quotes would need a partition that is not there
SELECT 'partition_window', 'portfolio.quotes', w.status, w.window_end::timestamp AT TIME ZONE 'UTC', w.detail
FROM portfolio.quote_partition_window(portfolio.today()) w;
COMMENT ON VIEW portfolio.health IS
    'operators: last refresh, failed portfolios and the refresh queue, last fetch per provider, pg_cron jobs, '
    'quote partitions for this month and the next 3, and how far ahead they are made';

-- Staleness in one place (49_staleness.sql, moved there from 62_quality.sql unchanged): positions'
-- price_stale is quote_is_stale() (stale_business_days), no longer its own stale_quote_days rule;
-- data_quality_positions reads positions' flag
CREATE OR REPLACE VIEW portfolio.data_quality_positions WITH (security_invoker = true) AS
SELECT ps.portfolio_id, ps.portfolio_name, ps.instrument, ps.currency, ps.base_currency,
       ps.quantity, ps.price_at,
       ps.market_price IS NULL AS price_missing,
       -- positions' flag is quote_is_stale(), the one rule (computed there once a position)
       ps.market_price IS NOT NULL AND ps.price_stale AS price_stale,
       ps.fx_missing,
       ps.market_price IS NOT NULL AND NOT ps.price_stale AND NOT ps.fx_missing AS ok
FROM portfolio.positions ps
WHERE ps.quantity <> 0
UNION ALL
SELECT c.portfolio_id, p.name, NULL, c.currency, c.base_currency, c.balance, NULL,
       false, false, c.fx_rate IS NULL, c.fx_rate IS NOT NULL
FROM portfolio.cash c JOIN portfolio.portfolios p ON p.id = c.portfolio_id
WHERE c.balance <> 0;
COMMENT ON VIEW portfolio.data_quality_positions IS
    'per portfolio: open positions (instrument set) and cash balances (instrument NULL) with flags for '
    'missing or stale prices and missing FX rates';
COMMENT ON TABLE portfolio.settings IS
    'stale_quote_days: no longer used (since 0.2 positions use stale_business_days, as data_quality); '
    'fx_max_staleness_days (default 7): how long an FX rate is carried forward over gaps; '
    'refresh_work_mem_mb (default 256): work_mem for portfolio.refresh(); '
    'stale_business_days (3): a quote older than this many business days is stale (positions, data_quality); '
    'gap_window_days (30), suspicious_move_pct (25): data_quality; '
    'rebalance_cost_bps (0): estimated trading cost in rebalance()';

-- the series of every portfolio, now (refresh() would do it at its next run)
DO $$ BEGIN PERFORM portfolio.revalue(); END $$;

-- 90_config_dump_0_2.sql: pg_dump keeps the instrument requests
SELECT pg_catalog.pg_extension_config_dump('portfolio.instrument_requests', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.instrument_requests_id_seq', '');

-- ===== scale-out (issue 15): replication of reference data, shards, standby guard =====

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

REVOKE ALL ON portfolio.quote_partition_log FROM PUBLIC;   -- as 58_security.sql does to every table
-- the partitions made before the log existed, so a subscriber made later learns of them too
INSERT INTO portfolio.quote_partition_log (month)
SELECT to_date(substr(c.relname, 8), 'YYYY_MM')
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'portfolio.quotes'::regclass AND c.relname ~ '^quotes_[0-9]{4}_[0-9]{2}$'
ORDER BY 1;

CREATE OR REPLACE FUNCTION portfolio.ensure_quote_partitions(from_day date, to_day date) RETURNS integer
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

-- What a change of market data marks, in one place: the statement triggers below and the
-- row triggers that see replicated changes on a subscriber (70_scale_out.sql) both call these.
-- Quotes of a symbol from a day on: every portfolio trading the symbol, from that day.
CREATE FUNCTION portfolio.quotes_changed(symbols text[], days date[]) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT portfolio.mark_dirty(array_agg(t.portfolio_id), array_agg(s.day), false)  -- ledgers unchanged
    FROM unnest(symbols, days) s(symbol, day)
    JOIN LATERAL (SELECT DISTINCT t.portfolio_id FROM portfolio.transactions t WHERE t.instrument = s.symbol) t ON true
$$;
REVOKE ALL ON FUNCTION portfolio.quotes_changed(text[], date[]) FROM PUBLIC;

-- FX rates of base/quote from a day on: a rate converts quote-currency amounts of base-currency
-- portfolios (by its inverse) and base-currency amounts of quote-currency portfolios.
CREATE FUNCTION portfolio.fx_rates_changed(bases text[], quotes text[], days date[]) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT portfolio.mark_dirty(array_agg(t.portfolio_id), array_agg(c.day), false)  -- ledgers unchanged
    FROM unnest(bases, quotes, days) c(base, quote, day)
    CROSS JOIN LATERAL (VALUES (c.base, c.quote), (c.quote, c.base)) side(ccy, base_ccy)
    JOIN LATERAL (SELECT DISTINCT t.portfolio_id FROM portfolio.transactions t
                  JOIN portfolio.portfolios p ON p.id = t.portfolio_id
                  WHERE t.currency = side.ccy AND p.base_currency = side.base_ccy) t ON true
$$;
REVOKE ALL ON FUNCTION portfolio.fx_rates_changed(text[], text[], date[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION portfolio.quotes_mark_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    symbols text[];   -- each changed symbol with the first UTC day changed
    days date[];
BEGIN
    -- the transition tables a statement has depend on its event; the rest is one query
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(x.symbol), array_agg(x.day) INTO symbols, days
        FROM (SELECT n.symbol, min((n.ts AT TIME ZONE 'UTC')::date) AS day FROM new_rows n GROUP BY n.symbol) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(x.symbol), array_agg(x.day) INTO symbols, days
        FROM (SELECT o.symbol, min((o.ts AT TIME ZONE 'UTC')::date) AS day FROM old_rows o GROUP BY o.symbol) x;
    ELSE
        SELECT array_agg(x.symbol), array_agg(x.day) INTO symbols, days
        FROM (SELECT r.symbol, min((r.ts AT TIME ZONE 'UTC')::date) AS day
              FROM (SELECT o.symbol, o.ts FROM old_rows o UNION ALL SELECT n.symbol, n.ts FROM new_rows n) r
              GROUP BY r.symbol) x;
    END IF;
    PERFORM portfolio.quotes_changed(symbols, days);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION portfolio.fx_rates_mark_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bases text[];     -- each changed pair with the first day changed
    quotes text[];
    days date[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(x.base), array_agg(x.quote), array_agg(x.day) INTO bases, quotes, days
        FROM (SELECT n.base, n.quote, min(n.day) AS day FROM new_rows n GROUP BY n.base, n.quote) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(x.base), array_agg(x.quote), array_agg(x.day) INTO bases, quotes, days
        FROM (SELECT o.base, o.quote, min(o.day) AS day FROM old_rows o GROUP BY o.base, o.quote) x;
    ELSE
        SELECT array_agg(x.base), array_agg(x.quote), array_agg(x.day) INTO bases, quotes, days
        FROM (SELECT r.base, r.quote, min(r.day) AS day
              FROM (SELECT o.base, o.quote, o.day FROM old_rows o UNION ALL SELECT n.base, n.quote, n.day FROM new_rows n) r
              GROUP BY r.base, r.quote) x;
    END IF;
    PERFORM portfolio.fx_rates_changed(bases, quotes, days);
    RETURN NULL;
END
$$;

-- reference data a subscriber receives by replication: its triggers fire in replica sessions too
ALTER TABLE portfolio.instruments ENABLE ALWAYS TRIGGER instruments_dirty;
ALTER TABLE portfolio.instruments ENABLE ALWAYS TRIGGER instruments_currency_corrected;
ALTER TABLE portfolio.live_pending_txn ENABLE ALWAYS TRIGGER live_pending_txn_notify;

-- Refreshes write: on a hot standby they cannot, so they say where to run instead of failing on
-- their first lock or write with an error about recovery.
CREATE FUNCTION portfolio.require_primary(action text) RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_is_in_recovery() THEN
        RAISE EXCEPTION '%: this server is a read-only standby; run it on the primary', action
            USING ERRCODE = 'read_only_sql_transaction',
                  HINT = 'the standby receives the refreshed series from the primary by streaming replication';
    END IF;
END
$$;

CREATE OR REPLACE PROCEDURE portfolio.refresh()
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM portfolio.require_primary('portfolio.refresh()');
    PERFORM pg_advisory_xact_lock(1886154850, 0);
    PERFORM portfolio.refresh_run(NULL);
END
$$;

CREATE OR REPLACE PROCEDURE portfolio.refresh(portfolio bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    owner_role name;
BEGIN
    PERFORM portfolio.require_primary('portfolio.refresh(portfolio)');
    SELECT p.owner INTO owner_role FROM portfolio.portfolios p WHERE p.id = refresh.portfolio;
    IF owner_role IS NULL
       OR NOT coalesce(pg_has_role(session_user, to_regrole(owner_role::text), 'MEMBER'), false) THEN
        RAISE EXCEPTION 'portfolio.refresh: portfolio % not found, or not yours', refresh.portfolio
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1886154850, 0);
    PERFORM pg_advisory_xact_lock(1886154851, hashint8(refresh.portfolio));
    PERFORM portfolio.refresh_run(ARRAY[refresh.portfolio]);
END
$$;

CREATE OR REPLACE VIEW portfolio.health AS
WITH refresh AS (
    SELECT DISTINCT ON (l.view_name) l.view_name, l.started_at, l.finished_at, l.error, l.rows
    FROM portfolio.refresh_log l ORDER BY l.view_name, l.id DESC
), fetches AS (
    SELECT s.source, max(s.fetched_at) AS last_fetch, sum(s.n) AS rows_last_day
    FROM (SELECT q.source, max(q.fetched_at) AS fetched_at,
                 count(*) FILTER (WHERE q.fetched_at > now() - interval '1 day') AS n
          FROM portfolio.quotes q GROUP BY q.source
          UNION ALL
          SELECT f.source, max(f.fetched_at),
                 count(*) FILTER (WHERE f.fetched_at > now() - interval '1 day')
          FROM portfolio.fx_rates f GROUP BY f.source) s
    GROUP BY s.source
), months AS (   -- the months maintain_quote_partitions() keeps, by the same definition
    SELECT m AS month_start, portfolio.quote_partition_name(m::timestamp AT TIME ZONE 'UTC') AS part,
           m = max(m) OVER () AS last_month
    FROM portfolio.quote_partition_months() m
)
SELECT 'refresh'::text AS area, r.view_name AS item,
       CASE WHEN r.error IS NOT NULL THEN 'error' WHEN r.finished_at IS NULL THEN 'warn' ELSE 'ok' END AS status,
       r.finished_at AS at,
       format('started %s, %s s, %s rows%s', r.started_at,
              round(extract(epoch FROM r.finished_at - r.started_at)::numeric, 3),
              coalesce(r.rows::text, '?'), coalesce(', error: ' || r.error, '')) AS detail
FROM refresh r
UNION ALL
SELECT 'refresh', 'portfolio.daily_series', 'warn', NULL, 'never refreshed: CALL portfolio.refresh()'
WHERE NOT EXISTS (SELECT 1 FROM refresh)
UNION ALL
-- The valuation engine: a row per portfolio whose last recomputation failed (it keeps its last
-- good days and is retried by every refresh), and the queue: warn when a mark due today has
-- waited more than 15 minutes (no refresh is running, or it does not keep up).
SELECT 'valuation', format('portfolio %s', v.portfolio_id), 'error', v.failed_at, v.error
FROM portfolio.valuation_status v
WHERE v.failed_at IS NOT NULL
UNION ALL
SELECT 'valuation', 'queue',
       CASE WHEN min(q.marked_at) < now() - interval '15 minutes' THEN 'warn' ELSE 'ok' END,
       min(q.marked_at),
       format('%s portfolios queued for refresh', count(*))
FROM portfolio.valuation_queue q
WHERE q.from_day <= portfolio.today()
UNION ALL
SELECT 'fetch', f.source,
       CASE WHEN f.last_fetch > now() - interval '2 days' THEN 'ok' ELSE 'warn' END,
       f.last_fetch, format('%s rows fetched in the last day', f.rows_last_day)
FROM fetches f
UNION ALL
SELECT 'cron', c.jobname,
       CASE WHEN NOT c.active THEN 'warn' WHEN c.last_status = 'failed' THEN 'error'
            WHEN c.last_status IS NULL THEN 'unknown' ELSE 'ok' END,
       coalesce(c.last_end, c.last_start),
       format('schedule %s, last run %s%s', c.schedule, coalesce(c.last_status, 'none'),
              coalesce(': ' || nullif(c.last_message, ''), ''))
FROM portfolio.cron_job_state() c
UNION ALL
SELECT 'cron', 'pg_cron', 'unknown', NULL, 'pg_cron is not installed: schedule portfolio.refresh() elsewhere'
WHERE NOT portfolio.pg_cron_installed()
UNION ALL
SELECT 'cron', 'pg_cron', 'warn', NULL, 'pg_cron is installed but no pg_portfolio job: SELECT portfolio.schedule_refresh()'
WHERE portfolio.pg_cron_installed() AND NOT EXISTS (SELECT 1 FROM portfolio.cron_job_state())
UNION ALL
-- The furthest month is only a warning when missing: in the first hour of a UTC month it waits
-- for the hourly pg_portfolio_partitions job; a missing month that quotes can arrive for now is an
-- error (the loader would fail).
SELECT 'partitions', m.part,
       CASE WHEN to_regclass(format('portfolio.%I', m.part)) IS NOT NULL THEN 'ok'
            WHEN m.last_month THEN 'warn' ELSE 'error' END,
       m.month_start::timestamp AT TIME ZONE 'UTC',
       CASE WHEN to_regclass(format('portfolio.%I', m.part)) IS NOT NULL THEN 'exists'
            ELSE 'missing: SELECT portfolio.maintain_quote_partitions()' END
FROM months m
UNION ALL
-- a week's warning before quotes would need a partition that is not there
SELECT 'partition_window', 'portfolio.quotes', w.status, w.window_end::timestamp AT TIME ZONE 'UTC', w.detail
FROM portfolio.quote_partition_window(portfolio.today()) w
UNION ALL
-- Replication (docs/scale-out.md). A subscriber's reference data: an error while its apply worker
-- is not running (it is disabled, or restarting after an error), a warning once it has had apply
-- or sync errors (counted until pg_stat_reset_subscription_stats()).
SELECT 'replication', ('subscription ' || s.subname) COLLATE "default",
       CASE WHEN st.pid IS NULL THEN 'error'
            WHEN coalesce(ss.apply_error_count + ss.sync_error_count, 0) > 0 THEN 'warn' ELSE 'ok' END,
       st.last_msg_receipt_time,
       format('%s, last message %s, %s apply and %s sync errors',
              CASE WHEN st.pid IS NULL THEN 'no apply worker' ELSE 'applying' END,
              coalesce(st.last_msg_receipt_time::text, 'never'),
              coalesce(ss.apply_error_count, 0), coalesce(ss.sync_error_count, 0))
FROM pg_subscription s
LEFT JOIN pg_stat_subscription st ON st.subid = s.oid AND st.relid IS NULL
LEFT JOIN pg_stat_subscription_stats ss ON ss.subid = s.oid
WHERE s.subdbid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
UNION ALL
-- A publisher's logical slots: an inactive slot keeps WAL; more than 1 GB behind is a warning.
SELECT 'replication', ('slot ' || r.slot_name) COLLATE "default",
       CASE WHEN NOT r.active OR pg_wal_lsn_diff(pg_current_wal_lsn(), r.confirmed_flush_lsn) > 1024 ^ 3
            THEN 'warn' ELSE 'ok' END,
       NULL,
       format('%s, %s behind', CASE WHEN r.active THEN 'active' ELSE 'inactive: the subscriber is not connected' END,
              pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), r.confirmed_flush_lsn)))
FROM pg_replication_slots r
WHERE r.slot_type = 'logical' AND r.database = current_database() AND NOT pg_is_in_recovery()
UNION ALL
-- A hot standby: how far behind the primary its replay is.
SELECT 'replication', 'standby', 'ok', pg_last_xact_replay_timestamp(),
       format('read-only standby, last transaction replayed at %s; refreshes run on the primary',
              coalesce(pg_last_xact_replay_timestamp()::text, 'none yet'))
WHERE pg_is_in_recovery();
COMMENT ON VIEW portfolio.health IS
    'operators: last refresh, failed portfolios and the refresh queue, last fetch per provider, pg_cron jobs, '
    'quote partitions for this month and the next 3, and how far ahead they are made; replication';

-- 70_scale_out.sql
-- Scale-out on PostgreSQL's own machinery (docs/scale-out.md): portfolios sharded by id range over
-- nodes that are each a whole pg_portfolio, reference data (instruments, quotes, FX rates)
-- published by the node the fetcher loads, and a coordinator that sees the shards as partitioned
-- tables of postgres_fdw foreign partitions. The layout is Citus's: portfolios, transactions and
-- everything derived from them are distributed by portfolio; instruments, quotes and FX rates are
-- reference tables present on every node.

-- --- ids unique across nodes ----------------------------------------------------------------------
-- Each node draws portfolio and transaction ids from its own range, so an id names one portfolio
-- in the whole cluster and the coordinator's partitions by id range find it on one node.
CREATE FUNCTION portfolio.set_node_id_range(first_id bigint, last_id bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t record;
    outside bigint;
    top bigint;
BEGIN
    IF first_id < 1 OR last_id <= first_id THEN
        RAISE EXCEPTION 'set_node_id_range: [%, %] is not a range of positive ids', first_id, last_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR t IN SELECT * FROM (VALUES ('portfolios', 'portfolios_id_seq'), ('transactions', 'transactions_id_seq')) v(tab, seq) LOOP
        EXECUTE format('SELECT count(*) FILTER (WHERE id NOT BETWEEN $1 AND $2), max(id) FROM portfolio.%I', t.tab)
            INTO outside, top USING first_id, last_id;
        IF outside > 0 THEN
            RAISE EXCEPTION 'set_node_id_range: % rows of portfolio.% have ids outside [%, %]', outside, t.tab, first_id, last_id
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        EXECUTE format('ALTER SEQUENCE portfolio.%I MINVALUE %s MAXVALUE %s START WITH %s RESTART WITH %s NO CYCLE',
                       t.seq, first_id, last_id, first_id, greatest(first_id, top + 1));  -- greatest skips NULL
    END LOOP;
END
$$;
COMMENT ON FUNCTION portfolio.set_node_id_range(bigint, bigint) IS
    'makes this node draw portfolio and transaction ids from [first_id, last_id] only (one range per shard)';
REVOKE ALL ON FUNCTION portfolio.set_node_id_range(bigint, bigint) FROM PUBLIC;

-- --- periods that push down --------------------------------------------------------------------
-- date_trunc('month', day) is not shipped by postgres_fdw (nor extract(), with its text field
-- argument); a function of this extension is, when the server lists the extension. In C, so the
-- planner does not inline it back into those (src/pg/periods.cpp).
CREATE FUNCTION portfolio.month_start(day date) RETURNS date
    AS 'MODULE_PATHNAME', 'pgp_month_start' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.month_start(date) IS 'the first day of the month of day (shippable by postgres_fdw)';
CREATE FUNCTION portfolio.year_start(day date) RETURNS date
    AS 'MODULE_PATHNAME', 'pgp_year_start' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.year_start(date) IS 'the first day of the year of day (shippable by postgres_fdw)';

-- --- reference data by logical replication -----------------------------------------------------
-- The publication a subscriber needs, in one place: quotes through their root (one table however
-- many monthly partitions), and the partition log, so partitions are made ahead of their quotes.
CREATE FUNCTION portfolio.publish_reference_data(publication name DEFAULT 'portfolio_reference') RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    EXECUTE format('CREATE PUBLICATION %I FOR TABLE portfolio.instruments, portfolio.quote_partition_log, '
                   'portfolio.quotes, portfolio.fx_rates WITH (publish_via_partition_root = true)', publication);
END
$$;
COMMENT ON FUNCTION portfolio.publish_reference_data(name) IS
    'creates the publication of instruments, quotes (via their root), FX rates and the quote partition log';
REVOKE ALL ON FUNCTION portfolio.publish_reference_data(name) FROM PUBLIC;

-- On a subscriber: a replicated partition-log row makes its partition before the first quote of
-- the month arrives (they come in the same transaction, the log row first).
CREATE FUNCTION portfolio.quote_partition_replicated() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM portfolio.ensure_quote_partitions(NEW.month, NEW.month);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION portfolio.quote_partition_replicated() FROM PUBLIC;
CREATE TRIGGER quote_partition_replicated AFTER INSERT ON portfolio.quote_partition_log
    FOR EACH ROW EXECUTE FUNCTION portfolio.quote_partition_replicated();

-- On a subscriber, replicated quotes and FX rates mark the valuation queue and notify listeners
-- as loaded ones do. The apply worker fires no statement triggers (the loaders' path, 53 and 60),
-- so this is a row trigger that fires only in replica sessions: on the node that loads, it
-- never fires and adds nothing to a bulk load. One function for both tables (TG_TABLE_NAME).
-- It fires in the initial table sync too (its COPY runs as a replica session).
CREATE FUNCTION portfolio.market_row_replicated() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
    IF TG_TABLE_NAME = 'fx_rates' THEN
        PERFORM portfolio.fx_rates_changed(ARRAY[r.base], ARRAY[r.quote],
            ARRAY[CASE WHEN TG_OP = 'UPDATE' THEN least(OLD.day, NEW.day) ELSE r.day END]);
        IF TG_OP <> 'DELETE' THEN
            PERFORM portfolio.live_note('fx', TG_OP = 'INSERT',
                jsonb_build_array(jsonb_build_object('symbol', r.base || '/' || r.quote, 'n', 1,
                                                     'latest', r.day::timestamp AT TIME ZONE 'UTC')));
        END IF;
    ELSE  -- a quote, in one of the monthly partitions (TG_TABLE_NAME is the partition's)
        PERFORM portfolio.quotes_changed(ARRAY[r.symbol], ARRAY[(CASE WHEN TG_OP = 'UPDATE'
            THEN least(OLD.ts, NEW.ts) ELSE r.ts END AT TIME ZONE 'UTC')::date]);
        IF TG_OP <> 'DELETE' THEN
            PERFORM portfolio.live_note('quote', TG_OP = 'INSERT',
                jsonb_build_array(jsonb_build_object('symbol', r.symbol, 'n', 1, 'latest', r.ts)));
        END IF;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION portfolio.market_row_replicated() FROM PUBLIC;
CREATE TRIGGER quotes_replicated AFTER INSERT OR UPDATE OR DELETE ON portfolio.quotes
    FOR EACH ROW EXECUTE FUNCTION portfolio.market_row_replicated();
CREATE TRIGGER fx_rates_replicated AFTER INSERT OR UPDATE OR DELETE ON portfolio.fx_rates
    FOR EACH ROW EXECUTE FUNCTION portfolio.market_row_replicated();
-- replica sessions only (partitions made later inherit the setting from the root's trigger)
ALTER TABLE portfolio.quote_partition_log ENABLE REPLICA TRIGGER quote_partition_replicated;
ALTER TABLE portfolio.quotes ENABLE REPLICA TRIGGER quotes_replicated;
ALTER TABLE portfolio.fx_rates ENABLE REPLICA TRIGGER fx_rates_replicated;

-- --- the coordinator: shards as foreign partitions ---------------------------------------------
CREATE TABLE portfolio.shards (
    server      name        PRIMARY KEY,
    first_id    bigint      NOT NULL,
    last_id     bigint      NOT NULL CHECK (last_id >= first_id),
    attached_at timestamptz NOT NULL DEFAULT now(),
    EXCLUDE USING gist (int8range(first_id, last_id, '[]') WITH &&)
);
COMMENT ON TABLE portfolio.shards IS
    'on a coordinator: the postgres_fdw servers holding portfolios, each with its portfolio id range';

-- The relations a coordinator mirrors from every shard: its name in portfolio_all, the shard's
-- relation in portfolio, and the portfolio id column the partitions are ranged on.
CREATE FUNCTION portfolio.sharded_relations()
    RETURNS TABLE (name text, source text, key text, writable boolean)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    VALUES ('portfolios', 'portfolios', 'id', true),
           ('transactions', 'transactions', 'portfolio_id', true),
           ('daily', 'portfolio_daily', 'portfolio_id', false),
           ('positions', 'positions', 'portfolio_id', false),
           ('performance', 'performance', 'portfolio_id', false),
           ('pnl_monthly', 'pnl_monthly', 'portfolio_id', false)
$$;

-- User mappings to shard servers that would let one role read through another: a PUBLIC mapping,
-- or a role mapped to a remote role of another name (row-level security on the shard sees the
-- remote role, so alice mapped to a shared login sees every portfolio that login sees). A shard
-- server is one in portfolio.shards or one whose extensions option lists pg_portfolio.
CREATE FUNCTION portfolio.shard_mapping_problems()
    RETURNS TABLE (server name, local_role text, remote_user text, problem text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH shard_servers AS (
        SELECT s.oid, s.srvname
        FROM pg_foreign_server s
        WHERE s.srvname IN (SELECT sh.server FROM portfolio.shards sh)
           OR EXISTS (SELECT 1 FROM unnest(s.srvoptions) o
                      WHERE o LIKE 'extensions=%'
                        AND 'pg_portfolio' = ANY (string_to_array(replace(substr(o, 12), ' ', ''), ',')))
    ), mappings AS (
        SELECT ss.srvname, m.umuser,
               CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE r.rolname::text END AS local_role,
               (SELECT substr(o, 6) FROM unnest(m.umoptions) o WHERE o LIKE 'user=%') AS remote_user
        FROM pg_user_mapping m
        JOIN shard_servers ss ON ss.oid = m.umserver
        LEFT JOIN pg_roles r ON r.oid = m.umuser
    )
    SELECT srvname, local_role, coalesce(remote_user, local_role),
           CASE WHEN umuser = 0
                THEN 'a PUBLIC mapping makes every local role one remote role'
                ELSE format('role %s is mapped to remote role %s', local_role, remote_user) END
    FROM mappings
    WHERE umuser = 0 OR (remote_user IS NOT NULL AND remote_user <> local_role)
$$;
COMMENT ON FUNCTION portfolio.shard_mapping_problems() IS
    'user mappings to shard servers that would bypass row-level security (PUBLIC, or to another remote role)';

CREATE FUNCTION portfolio.check_shard_mappings() RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
BEGIN
    SELECT * INTO p FROM portfolio.shard_mapping_problems() LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'user mapping for % on shard server % would bypass row-level security: %',
                p.local_role, p.server, p.problem
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('map each role to the role of the same name on the shard, e.g. CREATE USER MAPPING '
                                'FOR alice SERVER %I OPTIONS (user ''alice'', password ''...'')', p.server);
    END IF;
END
$$;

-- Refuses, as they are made, mappings that would bypass row-level security on a shard.
CREATE FUNCTION portfolio.shard_mapping_guard() RETURNS event_trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM portfolio.check_shard_mappings();
END
$$;
CREATE EVENT TRIGGER portfolio_shard_mapping_guard ON ddl_command_end
    WHEN TAG IN ('CREATE USER MAPPING', 'ALTER USER MAPPING', 'ALTER SERVER', 'CREATE SERVER')
    EXECUTE FUNCTION portfolio.shard_mapping_guard();

-- Writes through the coordinator are refused: postgres_fdw commits each shard's part separately
-- (no two-phase commit), so a transfer between portfolios on two shards could commit one leg only.
CREATE FUNCTION portfolio.coordinator_write_refused() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'portfolio_all.%: write on the shard that holds the portfolio, not through the coordinator', TG_TABLE_NAME
        USING ERRCODE = 'feature_not_supported',
              DETAIL = 'postgres_fdw commits each shard separately (no two-phase commit): a transfer between '
                       'portfolios on two shards could leave one leg committed',
              HINT = 'book both legs of a transfer in one transaction on one shard (keep such portfolios together)';
END
$$;

-- The coordinator's tables in schema portfolio_all (once) and the two-step views over them.
CREATE FUNCTION portfolio.coordinator_tables() RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
    cols text;
BEGIN
    IF to_regnamespace('portfolio_all') IS NOT NULL THEN
        RETURN;
    END IF;
    CREATE SCHEMA portfolio_all;
    GRANT USAGE ON SCHEMA portfolio_all TO portfolio_user, portfolio_reader;
    FOR r IN SELECT * FROM portfolio.sharded_relations() LOOP
        SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
          INTO cols
          FROM pg_attribute a
         WHERE a.attrelid = format('portfolio.%I', r.source)::regclass AND a.attnum > 0 AND NOT a.attisdropped;
        EXECUTE format('CREATE TABLE portfolio_all.%I (%s) PARTITION BY RANGE (%I)', r.name, cols, r.key);
        EXECUTE format('GRANT SELECT ON portfolio_all.%I TO portfolio_user, portfolio_reader', r.name);
        IF r.writable THEN
            -- granted so that a write reaches the trigger and its explanation, not "permission denied"
            EXECUTE format('GRANT INSERT, UPDATE, DELETE ON portfolio_all.%I TO portfolio_user', r.name);
            EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OR DELETE ON portfolio_all.%I '
                           'FOR EACH STATEMENT EXECUTE FUNCTION portfolio.coordinator_write_refused()',
                           r.name || '_write_refused', r.name);
        END IF;
    END LOOP;
    -- Cross-portfolio figures in two steps: each shard summarises its portfolios' daily returns
    -- (pushed down, grouped by the shard key), the coordinator rolls the summaries up. Exact for
    -- the moments; the sketch's quantiles within its documented error. security_invoker: the
    -- caller's own user mapping, so row-level security on the shards decides what is summed.
    CREATE VIEW portfolio_all.return_summary WITH (security_invoker = true) AS
    SELECT portfolio.rollup(s.stats) AS stats, portfolio.rollup(s.sketch) AS sketch, count(*) AS portfolios
    FROM (SELECT d.portfolio_id, portfolio.return_stats(d.daily_return) AS stats,
                 portfolio.quantile_sketch(d.daily_return) AS sketch
          FROM portfolio_all.daily d WHERE d.daily_return IS NOT NULL GROUP BY d.portfolio_id) s;
    CREATE VIEW portfolio_all.monthly_return_summary WITH (security_invoker = true) AS
    SELECT s.month, portfolio.rollup(s.stats) AS stats, count(*) AS portfolios
    FROM (SELECT d.portfolio_id, portfolio.month_start(d.day) AS month,
                 portfolio.return_stats(d.daily_return) AS stats
          FROM portfolio_all.daily d WHERE d.daily_return IS NOT NULL
          GROUP BY d.portfolio_id, portfolio.month_start(d.day)) s
    GROUP BY s.month;
    GRANT SELECT ON portfolio_all.return_summary, portfolio_all.monthly_return_summary TO portfolio_user, portfolio_reader;
END
$$;
REVOKE ALL ON FUNCTION portfolio.coordinator_tables() FROM PUBLIC;

-- Attaches a postgres_fdw server holding the portfolios with ids in [first_id, last_id]: checks
-- its user mappings, sets the options that make pushdown happen, and adds a foreign partition
-- per sharded relation. Run on the coordinator, as a superuser.
CREATE FUNCTION portfolio.shard_attach(server name, first_id bigint, last_id bigint) RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
    o record;
    opts text[];
    listed text;   -- the server's extensions option, if it has one
BEGIN
    SELECT s.srvoptions INTO opts
      FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
     WHERE s.srvname = shard_attach.server AND w.fdwname = 'postgres_fdw';
    IF NOT FOUND THEN
        RAISE EXCEPTION 'shard_attach: % is not a postgres_fdw server', server
            USING ERRCODE = 'undefined_object',
                  HINT = 'CREATE EXTENSION postgres_fdw; CREATE SERVER ... FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host ..., dbname ...)';
    END IF;
    IF last_id < first_id THEN
        RAISE EXCEPTION 'shard_attach: [%, %] is an empty id range', first_id, last_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT sh.server INTO o FROM portfolio.shards sh
     WHERE sh.server = shard_attach.server
        OR int8range(sh.first_id, sh.last_id, '[]') && int8range(shard_attach.first_id, shard_attach.last_id, '[]');
    IF FOUND THEN
        RAISE EXCEPTION 'shard_attach: % is attached already, or ids [%, %] overlap its range', o.server, first_id, last_id
            USING ERRCODE = 'duplicate_object',
                  HINT = 'SELECT * FROM portfolio.shards shows the attached servers and their ranges';
    END IF;
    -- pushdown needs pg_portfolio's functions shippable (added to the extensions the server
    -- already lists, which stay shippable); async_capable lets shards work at once
    SELECT substr(x, 12) INTO listed FROM unnest(opts) x WHERE x LIKE 'extensions=%';
    FOR o IN SELECT * FROM (VALUES
                ('extensions', CASE WHEN 'pg_portfolio' = ANY (string_to_array(replace(listed, ' ', ''), ','))
                                    THEN listed ELSE concat_ws(',', nullif(listed, ''), 'pg_portfolio') END),
                ('async_capable', 'true'), ('fetch_size', '10000')) v(option, value) LOOP
        EXECUTE format('ALTER SERVER %I OPTIONS (%s %I %L)', server,
                       CASE WHEN EXISTS (SELECT 1 FROM unnest(opts) x WHERE x LIKE o.option || '=%') THEN 'SET' ELSE 'ADD' END,
                       o.option, o.value);
    END LOOP;
    INSERT INTO portfolio.shards (server, first_id, last_id) VALUES (server, first_id, last_id);
    PERFORM portfolio.check_shard_mappings();
    PERFORM portfolio.coordinator_tables();
    FOR r IN SELECT * FROM portfolio.sharded_relations() LOOP
        EXECUTE format('CREATE FOREIGN TABLE portfolio_all.%I PARTITION OF portfolio_all.%I '
                       'FOR VALUES FROM (%s) TO (%s) SERVER %I '
                       'OPTIONS (schema_name ''portfolio'', table_name %L, updatable ''false'')',
                       r.name || '_' || server, r.name, first_id, last_id + 1, server, r.source);
    END LOOP;
    -- aggregates grouped by portfolio go to the shards whole only with partitionwise aggregation
    IF current_setting('enable_partitionwise_aggregate') <> 'on' THEN
        EXECUTE format('ALTER DATABASE %I SET enable_partitionwise_aggregate = on', current_database());
        PERFORM set_config('enable_partitionwise_aggregate', 'on', false);
        RAISE NOTICE 'shard_attach: set enable_partitionwise_aggregate = on for database % (new sessions)', current_database();
    END IF;
END
$$;
COMMENT ON FUNCTION portfolio.shard_attach(name, bigint, bigint) IS
    'on a coordinator: adds the postgres_fdw server holding portfolio ids [first_id, last_id] as foreign partitions of portfolio_all';
REVOKE ALL ON FUNCTION portfolio.shard_attach(name, bigint, bigint) FROM PUBLIC;

-- --- refresh of every shard from the coordinator ------------------------------------------------
CREATE TABLE portfolio.shard_refresh_log (
    id          bigserial   PRIMARY KEY,
    run_started timestamptz NOT NULL,
    server      name        NOT NULL,
    started_at  timestamptz,
    finished_at timestamptz,
    rows        bigint,
    portfolios  integer,
    failed      integer,
    error       text
);
COMMENT ON TABLE portfolio.shard_refresh_log IS
    'on a coordinator: one row per shard per portfolio.refresh_shards(), the shard''s own refresh_log row or the error reaching it';

-- CALL portfolio.refresh() on every shard at once (dblink's asynchronous queries, through each
-- server's user mapping), then one row per shard in shard_refresh_log. A shard that cannot be
-- reached or whose refresh fails is logged with its error; the others carry on.
CREATE PROCEDURE portfolio.refresh_shards()
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dbl text := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                 WHERE e.extname = 'dblink');
    run timestamptz := clock_timestamp();
    s record;
    conn text;
    sent name[] := '{}';
    err text;
BEGIN
    PERFORM portfolio.require_primary('portfolio.refresh_shards()');
    IF dbl IS NULL THEN
        RAISE EXCEPTION 'portfolio.refresh_shards() needs the dblink extension on the coordinator'
            USING ERRCODE = 'undefined_function', HINT = 'CREATE EXTENSION dblink;';
    END IF;
    FOR s IN SELECT sh.server FROM portfolio.shards sh ORDER BY sh.server LOOP
        conn := 'pg_portfolio_refresh_' || s.server;
        BEGIN
            EXECUTE format('SELECT %I.dblink_connect($1, $2)', dbl) USING conn, s.server::text;
            EXECUTE format('SELECT %I.dblink_send_query($1, $2)', dbl) USING conn, 'CALL portfolio.refresh()';
            sent := sent || s.server;
        EXCEPTION WHEN OTHERS THEN
            INSERT INTO portfolio.shard_refresh_log (run_started, server, error)
                VALUES (run, s.server, SQLSTATE || ': ' || SQLERRM);
        END;
    END LOOP;
    FOREACH s.server IN ARRAY sent LOOP
        conn := 'pg_portfolio_refresh_' || s.server;
        BEGIN
            -- the CALL's result, then the end of results; an error comes back as the message
            EXECUTE format('SELECT count(*) FROM %I.dblink_get_result($1, false) AS t(status text)', dbl) USING conn;
            EXECUTE format('SELECT count(*) FROM %I.dblink_get_result($1, false) AS t(status text)', dbl) USING conn;
            EXECUTE format('SELECT nullif(%I.dblink_error_message($1), ''OK'')', dbl) INTO err USING conn;
            IF err IS NOT NULL THEN
                INSERT INTO portfolio.shard_refresh_log (run_started, server, error) VALUES (run, s.server, err);
            ELSE
                EXECUTE format($q$
                    INSERT INTO portfolio.shard_refresh_log
                        (run_started, server, started_at, finished_at, rows, portfolios, failed, error)
                    SELECT $1, $2, l.* FROM %I.dblink($3,
                        'SELECT started_at, finished_at, rows, portfolios, failed, error FROM portfolio.refresh_log '
                        'WHERE view_name = ''portfolio.daily_series'' ORDER BY id DESC LIMIT 1')
                        AS l(started_at timestamptz, finished_at timestamptz, rows bigint, portfolios integer,
                             failed integer, error text)$q$, dbl)
                    USING run, s.server, conn;
            END IF;
        EXCEPTION WHEN OTHERS THEN
            INSERT INTO portfolio.shard_refresh_log (run_started, server, error)
                VALUES (run, s.server, SQLSTATE || ': ' || SQLERRM);
        END;
        EXECUTE format('SELECT %I.dblink_disconnect($1)', dbl) USING conn;
    END LOOP;
END
$$;
COMMENT ON PROCEDURE portfolio.refresh_shards() IS
    'on a coordinator: CALL portfolio.refresh() on every shard concurrently; one row per shard in shard_refresh_log';
REVOKE ALL ON PROCEDURE portfolio.refresh_shards() FROM PUBLIC;

-- 60_live.sql: the four near-copy trigger functions of 0.1 become one (issue 17, item 3)
-- The loaders' statement triggers (AFTER INSERT and AFTER UPDATE on quotes and on FX rates) share
-- one function: the table says which kind of rows new_rows holds, the event whether they are new.
CREATE FUNCTION portfolio.live_rows_loaded() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_TABLE_NAME = 'fx_rates' THEN
        PERFORM portfolio.live_note('fx', TG_OP = 'INSERT',
            (SELECT jsonb_agg(jsonb_build_object('symbol', pair, 'n', n, 'latest', latest))
             FROM (SELECT n.base || '/' || n.quote AS pair, count(*) AS n,
                          max(n.day::timestamp AT TIME ZONE 'UTC') AS latest
                   FROM new_rows n GROUP BY n.base, n.quote) s));
    ELSE  -- quotes
        PERFORM portfolio.live_note('quote', TG_OP = 'INSERT',
            (SELECT jsonb_agg(jsonb_build_object('symbol', symbol, 'n', n, 'latest', latest))
             FROM (SELECT n.symbol, count(*) AS n, max(n.ts) AS latest FROM new_rows n GROUP BY n.symbol) s));
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER quotes_live_insert ON portfolio.quotes;
DROP TRIGGER quotes_live_update ON portfolio.quotes;
DROP TRIGGER fx_rates_live_insert ON portfolio.fx_rates;
DROP TRIGGER fx_rates_live_update ON portfolio.fx_rates;
CREATE TRIGGER quotes_live_insert AFTER INSERT ON portfolio.quotes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_rows_loaded();
CREATE TRIGGER quotes_live_update AFTER UPDATE ON portfolio.quotes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_rows_loaded();
CREATE TRIGGER fx_rates_live_insert AFTER INSERT ON portfolio.fx_rates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_rows_loaded();
CREATE TRIGGER fx_rates_live_update AFTER UPDATE ON portfolio.fx_rates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_rows_loaded();
DROP FUNCTION portfolio.live_quotes_inserted(), portfolio.live_quotes_updated(),
    portfolio.live_fx_inserted(), portfolio.live_fx_updated();

-- 90_config_dump_0_2.sql: the tables of the scale-out section, in the fresh install's order
SELECT pg_catalog.pg_extension_config_dump('portfolio.quote_partition_log', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.shards', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.shard_refresh_log', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.shard_refresh_log_id_seq', '');

-- Issue 15: parallel plans never lose. var_historical, cvar_historical and xirr lose their
-- combine, serialize and deserialize functions (20_var_historical.sql and 23_xirr.sql say why: a
-- partial state is every row, and copying it to the leader was slower than one worker). ALTER
-- AGGREGATE cannot change those, so the aggregates are dropped and made again, and with them what
-- depends on them (pg_depend in an upgraded database): performance_between() and the performance
-- view, recreated as 55_performance.sql has them, with 58_security.sql's grants. The C entry points
-- stay in the library for 0.1's script.
DROP VIEW portfolio.performance;
DROP FUNCTION portfolio.performance_between(bigint, date, date);
DROP AGGREGATE portfolio.var_historical(float8, float8);
DROP AGGREGATE portfolio.var_historical(float8);
DROP AGGREGATE portfolio.cvar_historical(float8, float8);
DROP AGGREGATE portfolio.cvar_historical(float8);
DROP AGGREGATE portfolio.xirr(float8, date);
DROP AGGREGATE portfolio.xirr(float8, timestamptz);
DROP FUNCTION portfolio.var_historical_combine(internal, internal);
DROP FUNCTION portfolio.var_historical_serialize(internal);
DROP FUNCTION portfolio.var_historical_deserialize(bytea, internal);
DROP FUNCTION portfolio.xirr_combine(internal, internal);
DROP FUNCTION portfolio.xirr_serialize(internal);
DROP FUNCTION portfolio.xirr_deserialize(bytea, internal);

CREATE AGGREGATE portfolio.var_historical(r float8, confidence float8) (
    sfunc = portfolio.var_historical_trans, stype = internal,
    finalfunc = portfolio.var_historical_final,
    parallel = safe
);
CREATE AGGREGATE portfolio.var_historical(r float8) (
    sfunc = portfolio.var_historical_trans, stype = internal,
    finalfunc = portfolio.var_historical_final,
    parallel = safe
);
CREATE AGGREGATE portfolio.cvar_historical(r float8, confidence float8) (
    sfunc = portfolio.var_historical_trans, stype = internal,
    finalfunc = portfolio.cvar_historical_final,
    parallel = safe
);
CREATE AGGREGATE portfolio.cvar_historical(r float8) (
    sfunc = portfolio.var_historical_trans, stype = internal,
    finalfunc = portfolio.cvar_historical_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.var_historical(float8, float8) IS
    'historical VaR: -(type-7 quantile of r at 1 - confidence), as percentile_cont; holds every value (8 bytes a row)';
COMMENT ON AGGREGATE portfolio.var_historical(float8) IS
    'historical VaR at confidence 0.95';
COMMENT ON AGGREGATE portfolio.cvar_historical(float8, float8) IS
    'historical expected shortfall: -(mean of r strictly below the type-7 quantile at 1 - confidence)';
COMMENT ON AGGREGATE portfolio.cvar_historical(float8) IS
    'historical expected shortfall at confidence 0.95';

CREATE AGGREGATE portfolio.xirr(amount float8, at date) (
    sfunc = portfolio.xirr_trans, stype = internal, finalfunc = portfolio.xirr_final,
    parallel = safe
);
CREATE AGGREGATE portfolio.xirr(amount float8, at timestamptz) (
    sfunc = portfolio.xirr_trans, stype = internal, finalfunc = portfolio.xirr_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.xirr(float8, date) IS
    'annual internal rate of return x: sum amount (1 + x)^(-days / 365) = 0; NULL without a root';
COMMENT ON AGGREGATE portfolio.xirr(float8, timestamptz) IS
    'annual internal rate of return with fractional days; NULL without a root';

-- The return statistics of a portfolio between two days, over its trading days in the range (the
-- first one's return reaches back to the trading day before), with 252 periods a year; the
-- benchmark's over the same periods. The one definition the performance view and the tearsheet's
-- period figures use.
CREATE FUNCTION portfolio.performance_between(portfolio bigint, from_day date, to_day date)
    RETURNS TABLE (twr float8, annualized_return float8, volatility float8, sharpe float8,
                   sortino float8, max_drawdown float8, var_95 float8, cvar_95 float8, beta float8,
                   alpha float8, tracking_error float8, benchmark_twr float8, correlation float8,
                   trading_days integer)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT portfolio.twr(t.r),
           portfolio.annualized_return(t.r, 252),
           portfolio.volatility(t.r, 252),
           portfolio.sharpe(t.r, 0, 252),
           portfolio.sortino(t.r, 0, 252),
           portfolio.max_drawdown(t.r ORDER BY t.day),
           portfolio.var_historical(t.r, 0.95),
           portfolio.cvar_historical(t.r, 0.95),
           portfolio.beta(t.r, t.rb),
           portfolio.alpha(t.r, t.rb, 0, 252),
           portfolio.tracking_error(t.r, t.rb, 252),
           portfolio.twr(t.rb),
           corr(t.r, t.rb),
           count(t.r)::integer
    FROM portfolio.trading_day_returns(performance_between.portfolio) t
    WHERE t.day BETWEEN performance_between.from_day AND performance_between.to_day;
END;
COMMENT ON FUNCTION portfolio.performance_between(bigint, date, date) IS
    'return statistics of a portfolio over its trading days between two days (252 a year), and its benchmark''s';

-- Every part is a LATERAL subquery of one portfolio, so a query for one portfolio
-- (WHERE portfolio_id = ...) reads only that portfolio's days and its benchmark's quotes.
CREATE VIEW portfolio.performance WITH (security_invoker = true) AS
SELECT pf.id AS portfolio_id, b.first_day, b.last_day,
       c.twr_since_inception, c.twr_ytd, c.twr_1y,
       s.annualized_return, s.volatility, s.sharpe, s.sortino, s.max_drawdown, s.var_95, s.cvar_95,
       s.beta, s.alpha, s.tracking_error,
       -- a flow or the final value that could not be converted makes the XIRR unknown, not wrong
       CASE WHEN c.xirr_amounts_known THEN c.xirr END AS xirr,
       b.last_priced_day, s.trading_days
FROM portfolio.portfolios pf
CROSS JOIN LATERAL (
    SELECT min(d.day) AS first_day, max(d.day) AS last_day,
           max(d.day) FILTER (WHERE d.trading_day) AS last_priced_day
    FROM portfolio.portfolio_daily d WHERE d.portfolio_id = pf.id) b
CROSS JOIN LATERAL (
    SELECT portfolio.twr(p.r) AS twr_since_inception,
           portfolio.twr(p.r) FILTER (WHERE p.day >= date_trunc('year', b.last_day)::date) AS twr_ytd,
           portfolio.twr(p.r) FILTER (WHERE p.day > (b.last_day - interval '1 year')::date) AS twr_1y,
           bool_and(p.xirr_amount IS NOT NULL) FILTER (WHERE p.xirr_day) AS xirr_amounts_known,
           portfolio.xirr(p.xirr_amount, p.day) FILTER (WHERE p.xirr_day) AS xirr
    FROM (SELECT d.day, d.daily_return AS r,
                 d.net_flow <> 0 OR d.day = b.last_day AS xirr_day,
                 -- the day's external flow as paid out (+) or in (-), plus the final value
                 ((d.withdrawals - d.deposits)
                  + CASE WHEN d.day = b.last_day THEN d.market_value ELSE 0 END)::float8 AS xirr_amount
          FROM portfolio.portfolio_daily d
          WHERE d.portfolio_id = pf.id) p
) c
CROSS JOIN LATERAL portfolio.performance_between(pf.id, b.first_day, b.last_day) s
WHERE b.first_day IS NOT NULL;
COMMENT ON VIEW portfolio.performance IS
    'per portfolio: TWR since inception, YTD and 1Y, XIRR (calendar days); annualized return, volatility, Sharpe, '
    'Sortino, max drawdown, VaR/CVaR 95 % (historical), beta/alpha/tracking error against the benchmark symbol '
    'over trading days (252 a year); the last priced day and the number of trading-day returns';
GRANT SELECT ON portfolio.performance TO portfolio_user, portfolio_reader;

-- 44_access_rule.sql: the access rule written once, as two views the policies and views read
-- The rule as relations: the portfolios the calling role may read, and those it may change.
-- Not security_invoker: owned by the extension's owner, which owns portfolios, they read it past
-- its row-level security and apply the rule themselves, for the calling role (current_user), the
-- same as portfolios' policies (test/pgtap/40_model_security.sql). Both scalar subqueries of the rule
-- stay InitPlans: one check per query (test/pgtap/40_model_security.sql asserts the plan).
CREATE VIEW portfolio.readable_portfolios WITH (security_barrier = true) AS
SELECT p.* FROM portfolio.portfolios p
WHERE (SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]);
COMMENT ON VIEW portfolio.readable_portfolios IS 'the portfolios the calling role may read (the access rule)';
CREATE VIEW portfolio.writable_portfolios WITH (security_barrier = true) AS
SELECT p.* FROM portfolio.portfolios p
WHERE p.owner = ANY ((SELECT portfolio.member_roles())::name[]);
COMMENT ON VIEW portfolio.writable_portfolios IS 'the portfolios the calling role may change (the access rule)';
GRANT SELECT ON portfolio.readable_portfolios, portfolio.writable_portfolios TO portfolio_user, portfolio_reader;
ALTER POLICY portfolios_read ON portfolio.portfolios
    USING ((SELECT portfolio.reads_all()) OR owner = ANY ((SELECT portfolio.member_roles())::name[]));
ALTER POLICY portfolios_insert ON portfolio.portfolios
    WITH CHECK (owner = ANY ((SELECT portfolio.member_roles())::name[]));
ALTER POLICY portfolios_update ON portfolio.portfolios
    USING (owner = ANY ((SELECT portfolio.member_roles())::name[]))
    WITH CHECK (owner = ANY ((SELECT portfolio.member_roles())::name[]));
ALTER POLICY portfolios_delete ON portfolio.portfolios
    USING (owner = ANY ((SELECT portfolio.member_roles())::name[]));
ALTER POLICY transactions_read ON portfolio.transactions
    USING (portfolio_id IN (SELECT r.id FROM portfolio.readable_portfolios r));
ALTER POLICY transactions_insert ON portfolio.transactions
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
ALTER POLICY transactions_update ON portfolio.transactions
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w))
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
ALTER POLICY transactions_delete ON portfolio.transactions
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
ALTER POLICY watchlist_read ON portfolio.watchlist
    USING (portfolio_id IN (SELECT r.id FROM portfolio.readable_portfolios r));
ALTER POLICY watchlist_write ON portfolio.watchlist
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w))
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
ALTER POLICY risk_limits_read ON portfolio.risk_limits
    USING (portfolio_id IS NULL OR portfolio_id IN (SELECT r.id FROM portfolio.readable_portfolios r));
ALTER POLICY risk_limits_write ON portfolio.risk_limits
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w))
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
CREATE OR REPLACE VIEW portfolio.portfolio_daily WITH (security_barrier = true) AS
SELECT d.*
FROM portfolio.daily_series d
JOIN portfolio.portfolios p ON p.id = d.portfolio_id
WHERE d.day <= (SELECT portfolio.as_of())
  AND ((SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]));   -- the access rule (44_access_rule.sql)

-- 57_positions.sql: positions and cash read the stored ledger ends while they are current
-- A portfolio's ledger replayed up to the as-of day, for the portfolios without a current stored
-- end: per instrument its position (position_agg in the same-instant order), per currency its
-- cash balance. Functions the planner does not inline: a view over many portfolios is planned with
-- one call of known cost per portfolio it needs, instead of a replay costed for every portfolio
-- (which made the BI role's all-portfolio reads look expensive enough to JIT-compile: seconds).
CREATE FUNCTION portfolio.ledger_positions(portfolio bigint)
    RETURNS TABLE (instrument text, "position" portfolio.position)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 30
    SET search_path = pg_catalog, pg_temp   -- (and so never inlined)
BEGIN ATOMIC
    SELECT t.instrument,
           portfolio.position_agg(t.executed_at, t.kind,
                                  portfolio.position_quantity_arg(t.kind, t.quantity),
                                  portfolio.position_price_arg(t.kind, t.price, t.amount), t.fees,
                                  p.cost_method, portfolio.position_label(p.id, p.name, t.instrument)
                                  ORDER BY t.executed_at, portfolio.same_time_order(t.kind), t.id)
    FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.portfolio_id = ledger_positions.portfolio AND t.instrument IS NOT NULL
      AND t.executed_at < portfolio.as_of_cutoff()
    GROUP BY t.instrument;
END;
CREATE FUNCTION portfolio.ledger_cash(portfolio bigint)
    RETURNS TABLE (currency text, balance numeric)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 3
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT t.currency, sum(portfolio.cash_effect(t.kind, t.quantity, t.price, t.fees, t.amount))
    FROM portfolio.transactions t
    WHERE t.portfolio_id = ledger_cash.portfolio AND t.executed_at < portfolio.as_of_cutoff()
    GROUP BY t.currency;
END;
COMMENT ON FUNCTION portfolio.ledger_positions(bigint) IS
    'a portfolio''s positions from its ledger up to the as-of day (the caller''s rows)';
COMMENT ON FUNCTION portfolio.ledger_cash(bigint) IS
    'a portfolio''s cash balances per currency from its ledger up to the as-of day (the caller''s rows)';

-- The stored ledger ends (portfolio.ledger_ends, written by refresh) that are current: no ledger
-- change is queued for the portfolio (every write to its ledger queues one, in the writer's own
-- transaction, and only the refresh that stores the new end removes it), and the ledger ends by
-- the as-of day. The positions and cash views read these instead of replaying the ledger: one row
-- per holding instead of every transaction (at 1,000 portfolios x 1,081 transactions the BI
-- role's totals replayed 1.1 million rows at every read). A portfolio without a current end is
-- replayed, so the views never depend on a refresh having run.
-- Not security_invoker, like portfolio_daily: it reads the private table with its owner's rights
-- and applies the portfolios' access rule to the joined portfolio row (44_access_rule.sql says
-- why not through readable_portfolios; security_barrier: no leaky function sees rows before the
-- filter).
CREATE VIEW portfolio.ledger_ends_current WITH (security_barrier = true) AS
SELECT e.portfolio_id, e.instrument, e.currency, e.quantity, e.position
FROM portfolio.ledger_ends e
JOIN portfolio.portfolios p ON p.id = e.portfolio_id
WHERE e.last_day <= (SELECT portfolio.as_of())
  AND NOT EXISTS (SELECT 1 FROM portfolio.valuation_queue q WHERE q.portfolio_id = e.portfolio_id AND q.ledger_changed)
  AND ((SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]));   -- the access rule (44_access_rule.sql)
COMMENT ON VIEW portfolio.ledger_ends_current IS
    'the stored ledger ends that are current for the as-of day (no ledger change queued): positions and cash '
    'read them instead of replaying the ledger';
CREATE OR REPLACE VIEW portfolio.cash WITH (security_invoker = true) AS
SELECT b.portfolio_id, b.currency, b.balance, b.base_currency,
       trim_scale(fx.rate) AS fx_rate,
       trim_scale(b.balance * fx.rate) AS balance_base
FROM (SELECT s.portfolio_id, s.currency, p.base_currency, s.quantity AS balance
      FROM portfolio.ledger_ends_current s JOIN portfolio.portfolios p ON p.id = s.portfolio_id
      WHERE s.instrument IS NULL
      UNION ALL   -- the portfolios without a current stored end: from their ledger
      SELECT p.id, r.currency, p.base_currency, r.balance
      FROM portfolio.portfolios p
      CROSS JOIN LATERAL portfolio.ledger_cash(p.id) r
      -- (a scalar subquery, not NOT EXISTS: see positions)
      WHERE (SELECT count(*) FROM portfolio.ledger_ends_current s WHERE s.portfolio_id = p.id) = 0) b
-- one rate lookup per balance (OFFSET 0 keeps the planner from copying the call into both columns)
CROSS JOIN LATERAL (SELECT portfolio.fx_rate(b.currency, b.base_currency, (SELECT portfolio.as_of())) AS rate
                    OFFSET 0) fx;
CREATE OR REPLACE VIEW portfolio.positions WITH (security_invoker = true) AS
WITH held AS (
    SELECT s.portfolio_id, s.instrument, s.position
    FROM portfolio.ledger_ends_current s WHERE s.instrument IS NOT NULL
    UNION ALL   -- the portfolios without a current stored end: their ledgers replayed
    SELECT p.id, r.instrument, r.position
    FROM portfolio.portfolios p
    CROSS JOIN LATERAL portfolio.ledger_positions(p.id) r
    -- a scalar subquery, not NOT EXISTS: as a filter on p it runs before the replay (NOT EXISTS
    -- became an anti join that the planner put after it)
    WHERE (SELECT count(*) FROM portfolio.ledger_ends_current s WHERE s.portfolio_id = p.id) = 0
), valued AS (
    SELECT h.portfolio_id, p.name AS portfolio_name, h.instrument, i.name AS instrument_name,
           i.asset_class, i.sector, i.currency, p.base_currency, h.position,
           portfolio.quantity(h.position) AS quantity,
           portfolio.average_cost(h.position) AS average_cost,
           portfolio.cost_basis(h.position) AS invested,
           q.close AS market_price,
           q.ts AS price_at,
           portfolio.market_value(h.position, q.close) AS market_value,
           portfolio.unrealized_pl(h.position, q.close) AS unrealized_pl,
           portfolio.realized_pl(h.position) AS realized_pl,
           portfolio.income(h.position) AS income,
           portfolio.fees(h.position) AS fees,
           fx.rate AS fx_rate,
           portfolio.quote_is_stale(q.ts) AS price_stale   -- the one staleness rule (49_staleness.sql)
    FROM held h
    JOIN portfolio.portfolios p ON p.id = h.portfolio_id
    JOIN portfolio.instruments i ON i.symbol = h.instrument
    -- the price (48_prices.sql): the symbol's last quote when it is before the end of the as-of
    -- day, else the last one before that: only then is quote_before called (OFFSET 0 keeps the
    -- subquery whole, so its condition, which names only outer columns, gates the call; pulled
    -- up, it became a filter after the call)
    LEFT JOIN portfolio.last_quotes lq ON lq.symbol = h.instrument AND lq.ts < (SELECT portfolio.as_of_cutoff())
    LEFT JOIN LATERAL (SELECT b.ts, b.close FROM portfolio.quote_before(h.instrument, (SELECT portfolio.as_of_cutoff())) b
                       WHERE lq.symbol IS NULL OFFSET 0) older ON true
    CROSS JOIN LATERAL (SELECT coalesce(lq.ts, older.ts) AS ts, coalesce(lq.close, older.close) AS close) q
    -- OFFSET 0 keeps the planner from copying the call into every column that uses the rate
    LEFT JOIN LATERAL (
        SELECT trim_scale(portfolio.fx_rate(i.currency, p.base_currency,
                                            coalesce((q.ts AT TIME ZONE 'UTC')::date,
                                                     (SELECT portfolio.as_of())))) AS rate
        OFFSET 0) fx ON true
), cash AS (   -- one row per portfolio, so the planner knows it (GROUP BY on a view's column was
               -- estimated at 200 groups: a 200-fold row estimate that made PostgreSQL JIT-compile
               -- the query, 250 ms of a 15 ms query)
    SELECT pc.id AS portfolio_id, k.cash_base, k.cash_fx_missing
    FROM portfolio.portfolios pc
    CROSS JOIN LATERAL (SELECT sum(c.balance_base) AS cash_base, bool_or(c.fx_rate IS NULL) AS cash_fx_missing
                        FROM portfolio.cash c WHERE c.portfolio_id = pc.id) k
)
SELECT v.portfolio_id, v.portfolio_name, v.instrument, v.instrument_name, v.asset_class, v.sector,
       v.currency, v.quantity, v.average_cost, v.invested, v.market_price, v.price_at, v.price_stale,
       v.market_value, v.unrealized_pl,
       CASE WHEN v.invested > 0 THEN round(v.unrealized_pl / v.invested * 100, 4) END AS gain_pct,
       v.realized_pl, v.income, v.fees,
       v.base_currency, v.fx_rate, v.fx_rate IS NULL AS fx_missing,
       trim_scale(v.invested * v.fx_rate) AS invested_base,
       trim_scale(v.market_value * v.fx_rate) AS market_value_base,
       trim_scale(v.unrealized_pl * v.fx_rate) AS unrealized_pl_base,
       -- share of the portfolio's value (securities and cash); NULL while any part is unconverted
       CASE WHEN bool_or(v.fx_rate IS NULL OR v.market_price IS NULL) OVER w OR c.cash_fx_missing THEN NULL
            WHEN sum(v.market_value * v.fx_rate) OVER w + coalesce(c.cash_base, 0) <> 0
            THEN round(v.market_value * v.fx_rate / (sum(v.market_value * v.fx_rate) OVER w + coalesce(c.cash_base, 0)), 6)
       END AS weight,
       v.position
FROM valued v LEFT JOIN cash c ON c.portfolio_id = v.portfolio_id
WINDOW w AS (PARTITION BY v.portfolio_id);
GRANT SELECT ON portfolio.ledger_ends_current TO portfolio_user, portfolio_reader;

-- 53_valuation_queue.sql: a changed quote of a portfolio's benchmark marks it too
-- ... and those benchmarked against a symbol
CREATE INDEX portfolios_benchmark ON portfolio.portfolios (benchmark_symbol);
-- Quotes of a symbol from a day on: the symbol's last quote (portfolio.last_quotes), and every
-- portfolio trading the symbol or benchmarked against it (its performance figures compare with
-- the benchmark's quotes), from that day.
CREATE OR REPLACE FUNCTION portfolio.quotes_changed(symbols text[], days date[]) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT portfolio.last_quotes_changed(symbols);   -- 48_prices.sql
    SELECT portfolio.mark_dirty(array_agg(t.portfolio_id), array_agg(s.day), false)  -- ledgers unchanged
    FROM unnest(symbols, days) s(symbol, day)
    JOIN LATERAL (SELECT t.portfolio_id FROM portfolio.transactions t WHERE t.instrument = s.symbol
                  UNION
                  SELECT p.id FROM portfolio.portfolios p WHERE p.benchmark_symbol = s.symbol) t ON true
$$;
REVOKE ALL ON FUNCTION portfolio.quotes_changed(text[], date[]) FROM PUBLIC;

-- 55_performance.sql: stored performance figures, used while they stand
-- One portfolio's figures, computed from its days in portfolio_daily (so as of the as-of day and
-- for the caller): the one computation behind the view and its stored figures. Every part reads
-- only that portfolio's days and its benchmark's quotes.
CREATE FUNCTION portfolio.performance_of(portfolio bigint)
    RETURNS TABLE (first_day date, last_day date, twr_since_inception float8, twr_ytd float8, twr_1y float8,
                   annualized_return float8, volatility float8, sharpe float8, sortino float8,
                   max_drawdown float8, var_95 float8, cvar_95 float8, beta float8, alpha float8,
                   tracking_error float8, xirr float8, last_priced_day date, trading_days integer)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
SELECT b.first_day, b.last_day,
       c.twr_since_inception, c.twr_ytd, c.twr_1y,
       s.annualized_return, s.volatility, s.sharpe, s.sortino, s.max_drawdown, s.var_95, s.cvar_95,
       s.beta, s.alpha, s.tracking_error,
       -- a flow or the final value that could not be converted makes the XIRR unknown, not wrong
       CASE WHEN c.xirr_amounts_known THEN c.xirr END,
       b.last_priced_day, s.trading_days
FROM (SELECT min(d.day) AS first_day, max(d.day) AS last_day,
             max(d.day) FILTER (WHERE d.trading_day) AS last_priced_day
      FROM portfolio.portfolio_daily d WHERE d.portfolio_id = performance_of.portfolio) b
CROSS JOIN LATERAL (
    SELECT portfolio.twr(p.r) AS twr_since_inception,
           portfolio.twr(p.r) FILTER (WHERE p.day >= date_trunc('year', b.last_day)::date) AS twr_ytd,
           portfolio.twr(p.r) FILTER (WHERE p.day > (b.last_day - interval '1 year')::date) AS twr_1y,
           bool_and(p.xirr_amount IS NOT NULL) FILTER (WHERE p.xirr_day) AS xirr_amounts_known,
           portfolio.xirr(p.xirr_amount, p.day) FILTER (WHERE p.xirr_day) AS xirr
    FROM (SELECT d.day, d.daily_return AS r,
                 d.net_flow <> 0 OR d.day = b.last_day AS xirr_day,
                 -- the day's external flow as paid out (+) or in (-), plus the final value
                 ((d.withdrawals - d.deposits)
                  + CASE WHEN d.day = b.last_day THEN d.market_value ELSE 0 END)::float8 AS xirr_amount
          FROM portfolio.portfolio_daily d
          WHERE d.portfolio_id = performance_of.portfolio) p
) c
CROSS JOIN LATERAL portfolio.performance_between(performance_of.portfolio, b.first_day, b.last_day) s
WHERE b.first_day IS NOT NULL;
END;
COMMENT ON FUNCTION portfolio.performance_of(bigint) IS
    'one portfolio''s row of portfolio.performance, computed from its days in portfolio_daily';

-- The figures of each portfolio as computed after its last refresh (portfolio.refresh_figures()),
-- so that reading them costs a row, not a pass over the portfolio's days: 17 ms a portfolio at
-- 5 years, 16 s for the BI role's averages over 1,000 portfolios. Private, like daily_series.
-- A stored row stands for exactly what performance_of() would compute while
--   * the series is the one it was computed from (refreshed_at equals valuation_status'),
--   * the benchmark symbol is the same and none of its quotes up to last_day is queued as changed
--     (a changed quote of a portfolio's benchmark marks it, 53_valuation_queue.sql), nor anything
--     else up to last_day,
--   * and the as-of day does not cut the series (last_day <= as_of()).
-- Otherwise the view computes the portfolio's figures as it reads them.
CREATE TABLE portfolio.performance_figures (
    portfolio_id        bigint      PRIMARY KEY REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    refreshed_at        timestamptz NOT NULL,   -- valuation_status.refreshed_at of the series used
    benchmark_symbol    text,
    first_day           date, last_day date,
    twr_since_inception float8, twr_ytd float8, twr_1y float8,
    annualized_return   float8, volatility float8, sharpe float8, sortino float8, max_drawdown float8,
    var_95              float8, cvar_95 float8, beta float8, alpha float8, tracking_error float8,
    xirr                float8, last_priced_day date, trading_days integer
);
COMMENT ON TABLE portfolio.performance_figures IS
    'private: read portfolio.performance; each portfolio''s figures after its last refresh (portfolio.refresh_figures())';
REVOKE ALL ON portfolio.performance_figures FROM PUBLIC;

-- The stored figures that stand (see above), of the portfolios the caller may read (the access
-- rule on the joined portfolio row). Not security_invoker, like portfolio_daily (the table is
-- private); security_barrier.
CREATE VIEW portfolio.performance_stored WITH (security_barrier = true) AS
SELECT f.portfolio_id, f.first_day, f.last_day, f.twr_since_inception, f.twr_ytd, f.twr_1y,
       f.annualized_return, f.volatility, f.sharpe, f.sortino, f.max_drawdown, f.var_95, f.cvar_95,
       f.beta, f.alpha, f.tracking_error, f.xirr, f.last_priced_day, f.trading_days
FROM portfolio.performance_figures f
JOIN portfolio.portfolios p ON p.id = f.portfolio_id
JOIN portfolio.valuation_status s ON s.portfolio_id = f.portfolio_id
WHERE f.refreshed_at = s.refreshed_at
  AND f.benchmark_symbol IS NOT DISTINCT FROM p.benchmark_symbol
  AND f.last_day <= (SELECT portfolio.as_of())
  AND NOT EXISTS (SELECT 1 FROM portfolio.valuation_queue q
                  WHERE q.portfolio_id = f.portfolio_id AND q.from_day <= f.last_day)
  AND ((SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]));   -- the access rule (44_access_rule.sql)
COMMENT ON VIEW portfolio.performance_stored IS
    'the stored performance figures that equal a computation now, of the portfolios the caller may read';

-- Stores the figures of the given portfolios (NULL: all) whose stored row is missing or no longer
-- stands, computed for today (whatever the caller's portfolio.as_of); returns how many. Scheduled
-- every minute by schedule_refresh() (pg_portfolio_figures), and run by refresh(portfolio) for
-- that portfolio. A run beside a refresh may store figures of the series before it: they do not
-- stand (refreshed_at differs), and the next run replaces them.
CREATE FUNCTION portfolio.refresh_figures(portfolio_ids bigint[] DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    SET portfolio.as_of = ''
AS $$
DECLARE
    n integer;
BEGIN
    INSERT INTO portfolio.performance_figures AS f
    SELECT s.portfolio_id, s.refreshed_at, p.benchmark_symbol, x.*
    FROM portfolio.valuation_status s
    JOIN portfolio.portfolios p ON p.id = s.portfolio_id
    CROSS JOIN LATERAL portfolio.performance_of(s.portfolio_id) x
    WHERE s.refreshed_at IS NOT NULL
      AND (portfolio_ids IS NULL OR s.portfolio_id = ANY (portfolio_ids))
      AND NOT EXISTS (SELECT 1 FROM portfolio.performance_figures g
                      WHERE g.portfolio_id = s.portfolio_id AND g.refreshed_at = s.refreshed_at
                        AND g.benchmark_symbol IS NOT DISTINCT FROM p.benchmark_symbol)
    ON CONFLICT (portfolio_id) DO UPDATE
        SET (refreshed_at, benchmark_symbol, first_day, last_day, twr_since_inception, twr_ytd, twr_1y,
             annualized_return, volatility, sharpe, sortino, max_drawdown, var_95, cvar_95, beta, alpha,
             tracking_error, xirr, last_priced_day, trading_days)
          = (excluded.refreshed_at, excluded.benchmark_symbol, excluded.first_day, excluded.last_day,
             excluded.twr_since_inception, excluded.twr_ytd, excluded.twr_1y, excluded.annualized_return,
             excluded.volatility, excluded.sharpe, excluded.sortino, excluded.max_drawdown, excluded.var_95,
             excluded.cvar_95, excluded.beta, excluded.alpha, excluded.tracking_error, excluded.xirr,
             excluded.last_priced_day, excluded.trading_days);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION portfolio.refresh_figures(bigint[]) IS
    'stores the performance figures of the portfolios (NULL: all) whose stored ones no longer stand; returns how many';
REVOKE ALL ON FUNCTION portfolio.refresh_figures(bigint[]) FROM PUBLIC;

-- Per portfolio the stored figures where they stand, else computed as the view is read.
CREATE OR REPLACE VIEW portfolio.performance WITH (security_invoker = true) AS
SELECT * FROM portfolio.performance_stored
UNION ALL
SELECT pf.id AS portfolio_id, x.*
FROM portfolio.portfolios pf
CROSS JOIN LATERAL portfolio.performance_of(pf.id) x
-- a scalar subquery, not NOT EXISTS: as a filter on pf it runs before the figures are computed
-- (NOT EXISTS became an anti join that the planner put after them)
WHERE (SELECT f.portfolio_id FROM portfolio.performance_stored f WHERE f.portfolio_id = pf.id) IS NULL;
GRANT SELECT ON portfolio.performance_stored TO portfolio_user, portfolio_reader;

-- 56_refresh.sql: refresh(portfolio) stores its performance figures; the pg_portfolio_figures job
-- An owner's own portfolio, at once. SECURITY DEFINER (the series is private): the caller must be
-- a member of the portfolio's owner role, judged on session_user, the role that logged in (inside
-- a SECURITY DEFINER routine current_user is the definer; a session may always act as its login).
CREATE OR REPLACE PROCEDURE portfolio.refresh(portfolio bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    owner_role name;
BEGIN
    PERFORM portfolio.require_primary('portfolio.refresh(portfolio)');
    SELECT p.owner INTO owner_role FROM portfolio.portfolios p WHERE p.id = refresh.portfolio;
    IF owner_role IS NULL
       OR NOT coalesce(pg_has_role(session_user, to_regrole(owner_role::text), 'MEMBER'), false) THEN
        RAISE EXCEPTION 'portfolio.refresh: portfolio % not found, or not yours', refresh.portfolio
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(1886154850, 0);
    PERFORM pg_advisory_xact_lock(1886154851, hashint8(refresh.portfolio));
    PERFORM portfolio.refresh_run(ARRAY[refresh.portfolio]);
    PERFORM portfolio.refresh_figures(ARRAY[refresh.portfolio]);   -- its performance row, at once
END
$$;

-- Registers the jobs with pg_cron under stable names: cron.schedule(name, ...) updates a job of
-- that name, so running this again changes the schedule and never adds a duplicate.
--   pg_portfolio_refresh      CALL portfolio.refresh()                         (schedule)
--   pg_portfolio_figures      refresh_figures(): the performance figures of refreshed portfolios (every minute)
--   pg_portfolio_partitions   maintain_quote_partitions(): this month (UTC) and the next 3 (hourly, :17)
--   pg_portfolio_purge        cron.job_run_details rows older than keep_history (daily 03:47)
CREATE OR REPLACE FUNCTION portfolio.schedule_refresh(schedule text DEFAULT '*/5 * * * *',
                                           keep_history interval DEFAULT '7 days')
    RETURNS TABLE (jobname text, jobid bigint, job_schedule text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF to_regnamespace('cron') IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not installed in database %', current_database()
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add shared_preload_libraries = ''pg_cron'' and cron.database_name = '''
                         || current_database() || ''' to postgresql.conf, restart, then run '
                         || 'CREATE EXTENSION pg_cron; or call portfolio.refresh() from any other scheduler.';
    END IF;
    PERFORM cron.schedule('pg_portfolio_refresh', schedule, 'CALL portfolio.refresh()');
    -- its own job, not part of the refresh: computing the figures costs about 17 ms a portfolio,
    -- and a refresh of one new day takes about 1 ms a portfolio; until it has run, performance
    -- computes the figures of the refreshed portfolios as it reads them
    PERFORM cron.schedule('pg_portfolio_figures', '* * * * *', 'SELECT portfolio.refresh_figures()');
    -- hourly, so a new UTC month has its fourth month ahead within the hour (health warns until
    -- then); a run that finds every partition in place takes no lock but an advisory one
    PERFORM cron.schedule('pg_portfolio_partitions', '17 * * * *', 'SELECT portfolio.maintain_quote_partitions()');
    PERFORM cron.schedule('pg_portfolio_purge', '47 3 * * *',
        format('DELETE FROM cron.job_run_details WHERE end_time < now() - %L::interval', keep_history));
    RETURN QUERY
        SELECT j.jobname::text, j.jobid, j.schedule::text FROM cron.job j
        WHERE j.jobname IN ('pg_portfolio_refresh', 'pg_portfolio_figures', 'pg_portfolio_partitions', 'pg_portfolio_purge')
        ORDER BY j.jobname;
END
$$;
COMMENT ON FUNCTION portfolio.schedule_refresh(text, interval) IS
    'schedules portfolio.refresh(), the performance figures, partition upkeep and a purge of cron history with pg_cron (idempotent)';

CREATE OR REPLACE FUNCTION portfolio.unschedule_refresh() RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer := 0;
    name text;
BEGIN
    IF to_regnamespace('cron') IS NULL THEN
        RETURN 0;
    END IF;
    FOR name IN SELECT j.jobname FROM cron.job j
                WHERE j.jobname IN ('pg_portfolio_refresh', 'pg_portfolio_figures', 'pg_portfolio_partitions',
                                    'pg_portfolio_purge') LOOP
        PERFORM cron.unschedule(name);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION portfolio.unschedule_refresh() IS 'removes the pg_cron jobs schedule_refresh() made; returns how many';
-- a database whose refresh is scheduled gets the figures job now
DO $upgrade$
BEGIN
    IF to_regclass('cron.job') IS NOT NULL THEN
        EXECUTE $q$SELECT cron.schedule('pg_portfolio_figures', '* * * * *', 'SELECT portfolio.refresh_figures()')
                   FROM cron.job WHERE jobname = 'pg_portfolio_refresh'$q$;
    END IF;
END
$upgrade$;
