-- Refreshing the daily series (portfolio.refresh(), per portfolio, incremental), and scheduling
-- it with pg_cron when pg_cron is there.

CREATE TABLE portfolio.refresh_log (
    id          bigserial   PRIMARY KEY,
    view_name   text        NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    rows        bigint,
    concurrent  boolean,
    error       text,
    portfolios  integer,     -- portfolios recomputed (their queued days)
    failed      integer      -- of them, how many failed (portfolio.valuation_status says why)
);
CREATE INDEX refresh_log_started_at ON portfolio.refresh_log (started_at);
COMMENT ON TABLE portfolio.refresh_log IS
    'one row per run of portfolio.refresh(): rows written, portfolios recomputed and failed';
SELECT pg_catalog.pg_extension_config_dump('portfolio.refresh_log', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.refresh_log_id_seq', '');

-- Writes the days of portfolio_ids[i] from from_days[i] on ('-infinity': the whole series) and
-- their status; returns the rows written. Raises whatever the computation raises (the caller
-- isolates failures).
CREATE FUNCTION portfolio.write_days(portfolio_ids bigint[], from_days date[]) RETURNS bigint
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    -- for valuation_blocks (52_daily_values.sql), inlined here: the planner's row estimates of
    -- generate_series (1,000 a call) make the query look costly enough to JIT-compile (5 s of
    -- compiling for 20 portfolios of 75 days that run in 20 ms); and it sees 10 rows in
    -- unnest(portfolio_ids) whatever its length, so its estimates of every part are off by up to
    -- 100x and it would join by nested loops over CTE scans (a rescan per row: minutes for 100
    -- portfolios). Without nested loops its joins are hash joins; the lookups that need an index
    -- take arrays (= ANY) and the per-symbol LATERAL lookups stay nested loops (they cannot be
    -- anything else).
    SET jit = off
    SET enable_nestloop = off
AS $$
DECLARE
    n bigint;
    written bigint;
    cut record;   -- a portfolio and the first day to delete
    b record;     -- a portfolio's block (valuation_blocks)
    without_end bigint[];
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
    -- the days, and the ledger ends of the portfolios that have none (their ledger changed, or
    -- is new) so that the next refresh of new quotes starts from them, from one computation:
    -- a block per portfolio, stored as it comes (the loop reads them a few at a time, so the
    -- blocks, 250 KB for 5 years, are never all held at once)
    without_end := ARRAY(SELECT u.id FROM unnest(portfolio_ids) u(id)
                         WHERE (SELECT count(*) FROM portfolio.ledger_ends e WHERE e.portfolio_id = u.id) = 0);  -- (see ledger_extents)
    n := 0;
    FOR b IN SELECT * FROM portfolio.valuation_blocks(portfolio_ids, from_days) LOOP
        INSERT INTO portfolio.daily_series
        SELECT b.portfolio_id, d.* FROM portfolio.ledger_days(b.block, b.write_from) d;
        GET DIAGNOSTICS written = ROW_COUNT;
        n := n + written;
        IF b.replayed AND b.portfolio_id = ANY (without_end) THEN
            INSERT INTO portfolio.ledger_ends
            SELECT b.portfolio_id, e.instrument, e.currency,
                   coalesce(e.balance, portfolio.quantity(e.position)), portfolio.cost_basis(e.position),
                   b.first_day, b.last_day, e.position
            FROM portfolio.ledger_day_ends(b.block) e;
        END IF;
    END LOOP;
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

-- ANALYZE a table when the rows written pass autovacuum's default threshold for it (50 and a
-- tenth of the rows its statistics count), at once and within the writing transaction, so the
-- statistics count its own rows and become visible with them.
CREATE FUNCTION portfolio.analyze_if_rewritten(rel regclass, rows_written bigint) RETURNS boolean
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF rows_written > 50 + 0.1 * greatest((SELECT c.reltuples FROM pg_class c WHERE c.oid = rel), 0) THEN
        EXECUTE format('ANALYZE %s', rel);
        RETURN true;
    END IF;
    RETURN false;
END
$$;
REVOKE ALL ON FUNCTION portfolio.analyze_if_rewritten(regclass, bigint) FROM PUBLIC;

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
    -- (by the index, per queued portfolio: as a join it hashed all stored ends, 16 ms at 1,000
    -- portfolios to refresh one)
    DELETE FROM portfolio.ledger_ends e
     WHERE e.portfolio_id = ANY (ARRAY(
               SELECT q.portfolio_id FROM portfolio.valuation_queue q
               WHERE q.ledger_changed AND (portfolio_ids IS NULL OR q.portfolio_id = ANY (portfolio_ids))));
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
    -- statistics for what this run rewrote (analyze_if_rewritten: autovacuum's rule, applied
    -- now instead of a minute or so later): a full rebuild replaces every stored ledger end, and
    -- autovacuum had analyzed the table while the marks had emptied it, so the readers right
    -- after the refresh were planned for no rows (the BI role's positions total at 5,000
    -- portfolios took 17-21 s instead of 1.3-1.6 s until the next autoanalyze). The ends this
    -- run wrote are its transaction's inserts into the table.
    PERFORM portfolio.analyze_if_rewritten('portfolio.daily_series'::regclass, rows);
    PERFORM portfolio.analyze_if_rewritten('portfolio.ledger_ends'::regclass,
        pg_stat_get_xact_tuples_inserted('portfolio.ledger_ends'::regclass));
    -- and the queue it emptied (analyzed full, it tells the planner that every stored end is
    -- still to be replaced, and positions and cash are planned for none)
    PERFORM portfolio.analyze_if_rewritten('portfolio.valuation_queue'::regclass, cardinality(done_ids));
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

-- Every portfolio's queued days. One refresh at a time (a second one waits); refresh(id) of an
-- owner runs beside others but not beside this one.
CREATE PROCEDURE portfolio.refresh()
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM portfolio.require_primary('portfolio.refresh()');
    PERFORM pg_advisory_xact_lock(1886154850, 0);
    PERFORM portfolio.refresh_run(NULL);
END
$$;
COMMENT ON PROCEDURE portfolio.refresh() IS
    'recomputes the queued days of every portfolio''s daily series; logs the run in portfolio.refresh_log';

-- An owner's own portfolio, at once. SECURITY DEFINER (the series is private): the caller must be
-- a member of the portfolio's owner role, judged on session_user, the role that logged in (inside
-- a SECURITY DEFINER routine current_user is the definer; a session may always act as its login).
CREATE PROCEDURE portfolio.refresh(portfolio bigint)
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
COMMENT ON PROCEDURE portfolio.refresh(bigint) IS
    'recomputes the queued days of one portfolio of the caller''s, at once';

-- Registers the jobs with pg_cron under stable names: cron.schedule(name, ...) updates a job of
-- that name, so running this again changes the schedule and never adds a duplicate.
--   pg_portfolio_refresh      CALL portfolio.refresh()                         (schedule)
--   pg_portfolio_figures      refresh_figures(): the performance figures of refreshed portfolios (every minute)
--   pg_portfolio_partitions   maintain_quote_partitions(): this month (UTC) and the next 3 (hourly, :17)
--   pg_portfolio_purge        cron.job_run_details rows older than keep_history (daily 03:47)
CREATE FUNCTION portfolio.schedule_refresh(schedule text DEFAULT '*/5 * * * *',
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

CREATE FUNCTION portfolio.unschedule_refresh() RETURNS integer
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

REVOKE ALL ON PROCEDURE portfolio.refresh() FROM PUBLIC;
REVOKE ALL ON PROCEDURE portfolio.refresh(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.schedule_refresh(text, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.unschedule_refresh() FROM PUBLIC;
