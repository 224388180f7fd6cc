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
