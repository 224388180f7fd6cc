-- health: refresh, fetch per provider, pg_cron (absent in the regression database), partitions.
SET client_min_messages = warning;
\set VERBOSITY terse
-- the regression database is shared: the refresh_log rows and quotes made here are removed at the end
SELECT coalesce(max(id), 0) AS log_before FROM portfolio.refresh_log \gset
SELECT last_value AS log_seq, is_called AS log_called FROM portfolio.refresh_log_id_seq \gset
-- the areas always present; pg_cron is not installed in the regression database
SELECT area, item, status, detail FROM portfolio.health WHERE area = 'cron';
SELECT count(*) AS cron_jobs FROM portfolio.cron_job_state();
-- partitions: this month and the next 3, made by ensure_quote_partitions
SELECT portfolio.ensure_quote_partitions(current_date, (current_date + interval '3 months')::date) >= 0 AS made;
SELECT count(*) AS months, bool_and(status = 'ok') AS all_ready FROM portfolio.health WHERE area = 'partitions';
-- a missing month is an error with the command that fixes it
SELECT count(*) FROM portfolio.quotes
 WHERE ts >= (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months') AT TIME ZONE 'UTC';
DO $$ BEGIN
    EXECUTE format('DROP TABLE portfolio.%I', portfolio.quote_partition_name(
        (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months') AT TIME ZONE 'UTC'));
END $$;
SELECT status, detail LIKE 'missing: SELECT portfolio.ensure_quote_partitions%' AS says_how
FROM portfolio.health WHERE area = 'partitions' AND status <> 'ok';
-- fetch: the last fetch per source, from quotes and FX rates
INSERT INTO portfolio.quotes (symbol, ts, close, source, fetched_at)
VALUES ('HL_A', current_date::timestamp AT TIME ZONE 'UTC', 1, 'hl-old', now() - interval '5 days'),
       ('HL_B', current_date::timestamp AT TIME ZONE 'UTC', 1, 'hl-new', now() - interval '1 hour');
SELECT item, status, detail FROM portfolio.health WHERE area = 'fetch' AND item LIKE 'hl-%' ORDER BY item;
-- refresh: the last run per view, with its error if it failed
CALL portfolio.refresh();
SELECT item, status, detail LIKE 'started %, % s, % rows' AS detail_shape FROM portfolio.health WHERE area = 'refresh';
INSERT INTO portfolio.refresh_log (view_name, started_at, finished_at, error)
VALUES ('portfolio.portfolio_daily_mv', now(), now(), 'PF001: a test failure');
SELECT item, status, detail LIKE '%error: PF001: a test failure' AS names_error FROM portfolio.health WHERE area = 'refresh';
-- grants: operators (portfolio_reader) read health, portfolio_user does not
SELECT has_table_privilege('portfolio_reader', 'portfolio.health', 'SELECT') AS reader,
       has_table_privilege('portfolio_user', 'portfolio.health', 'SELECT') AS "user";
SELECT portfolio.ensure_quote_partitions(current_date, (current_date + interval '3 months')::date) AS remade;
DELETE FROM portfolio.refresh_log WHERE id > :log_before;
DELETE FROM portfolio.quotes WHERE symbol LIKE 'HL\_%';
SELECT setval('portfolio.refresh_log_id_seq', :log_seq, :'log_called') IS NOT NULL AS log_seq_back;
