-- The operators' health view: last refresh, last fetch per provider, pg_cron jobs, partitions.

-- pg_cron's jobs and their last run; no rows when pg_cron is not installed (checked at run time,
-- so the extension neither needs nor references pg_cron at install time).
CREATE FUNCTION portfolio.cron_job_state()
    RETURNS TABLE (jobname text, schedule text, active boolean, last_status text,
                   last_start timestamptz, last_end timestamptz, last_message text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF to_regclass('cron.job') IS NULL OR to_regclass('cron.job_run_details') IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE $q$
        SELECT j.jobname::text, j.schedule::text, j.active, r.status::text, r.start_time, r.end_time,
               left(r.return_message, 200)
        FROM cron.job j
        LEFT JOIN LATERAL (SELECT d.status, d.start_time, d.end_time, d.return_message
                           FROM cron.job_run_details d WHERE d.jobid = j.jobid
                           ORDER BY d.start_time DESC NULLS LAST LIMIT 1) r ON true
        WHERE j.jobname LIKE 'pg_portfolio%'
        ORDER BY j.jobname $q$;
END
$$;
REVOKE ALL ON FUNCTION portfolio.cron_job_state() FROM PUBLIC;

-- Whether pg_cron's tables are in this database, read from the catalogs: to_regclass('cron.x')
-- raises for a role without USAGE on schema cron (a BI role reading health); a catalog read does not.
CREATE FUNCTION portfolio.pg_cron_installed() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'cron' AND c.relname = 'job_run_details');
-- health calls it, and a function in a view runs with the caller's EXECUTE right: whoever may
-- read health (portfolio_reader, below) must be able to call it
GRANT EXECUTE ON FUNCTION portfolio.cron_job_state() TO portfolio_reader;

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

-- One row per check: area, item, status ('ok', 'warn', 'error', 'unknown'), the time the check is
-- about, and a detail text. Runs with its owner's rights (it reads refresh_log and pg_cron).
CREATE VIEW portfolio.health AS
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
GRANT SELECT ON portfolio.health TO portfolio_reader;
