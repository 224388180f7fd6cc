-- Refreshing the materialized views, and scheduling it with pg_cron when pg_cron is there.

CREATE TABLE portfolio.refresh_log (
    id          bigserial   PRIMARY KEY,
    view_name   text        NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    rows        bigint,
    concurrent  boolean,
    error       text
);
CREATE INDEX refresh_log_started_at ON portfolio.refresh_log (started_at);
COMMENT ON TABLE portfolio.refresh_log IS 'one row per materialized view refreshed by portfolio.refresh()';
SELECT pg_catalog.pg_extension_config_dump('portfolio.refresh_log', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.refresh_log_id_seq', '');

-- Refreshes every materialized view of the extension; CONCURRENTLY (readers are never blocked)
-- once a view holds data. Each run is logged with its start, end, row count and error. A failing
-- view is logged and reported as a WARNING, and the other views are still refreshed: the log row
-- survives (re-raising would roll it back), so watch refresh_log.error.
CREATE PROCEDURE portfolio.refresh()
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    mv text;
    log_id bigint;
    populated boolean;
    n bigint;
BEGIN
    -- one big set-based query: give it memory for hash joins instead of sorts on disk (setting
    -- refresh_work_mem_mb, default 256); the procedure's SET clause restores it on exit
    IF (SELECT s.setting::bigint FROM pg_settings s WHERE s.name = 'work_mem')
       < portfolio.setting('refresh_work_mem_mb')::bigint * 1024 THEN
        PERFORM set_config('work_mem', portfolio.setting('refresh_work_mem_mb') || 'MB', true);
    END IF;
    FOREACH mv IN ARRAY ARRAY['portfolio.portfolio_daily_mv'] LOOP
        SELECT c.relispopulated INTO populated FROM pg_class c WHERE c.oid = mv::regclass;
        INSERT INTO portfolio.refresh_log (view_name, started_at, concurrent)
            VALUES (mv, clock_timestamp(), populated) RETURNING id INTO log_id;
        BEGIN
            IF populated THEN
                EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', mv);
            ELSE
                EXECUTE format('REFRESH MATERIALIZED VIEW %s', mv);
            END IF;
            EXECUTE format('SELECT count(*) FROM %s', mv) INTO n;
            UPDATE portfolio.refresh_log SET finished_at = clock_timestamp(), rows = n WHERE id = log_id;
        EXCEPTION WHEN OTHERS THEN
            UPDATE portfolio.refresh_log
               SET finished_at = clock_timestamp(), error = SQLSTATE || ': ' || SQLERRM
             WHERE id = log_id;
            RAISE WARNING 'portfolio.refresh: % failed: % (SQLSTATE %)', mv, SQLERRM, SQLSTATE;
        END;
    END LOOP;
    -- LISTEN portfolio_refresh: one notification per run (src/sql/60_live.sql)
    PERFORM portfolio.notify_refresh();
END
$$;
COMMENT ON PROCEDURE portfolio.refresh() IS
    'refreshes portfolio_daily (concurrently) and logs the run in portfolio.refresh_log';

-- Registers the jobs with pg_cron under stable names: cron.schedule(name, ...) updates a job of
-- that name, so running this again changes the schedule and never adds a duplicate.
--   pg_portfolio_refresh      CALL portfolio.refresh()                         (schedule)
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
                WHERE j.jobname IN ('pg_portfolio_refresh', 'pg_portfolio_partitions', 'pg_portfolio_purge') LOOP
        PERFORM cron.unschedule(name);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION portfolio.unschedule_refresh() IS 'removes the pg_cron jobs schedule_refresh() made; returns how many';

REVOKE ALL ON PROCEDURE portfolio.refresh() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.schedule_refresh(text, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.unschedule_refresh() FROM PUBLIC;
