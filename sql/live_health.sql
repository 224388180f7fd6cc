-- health: refresh, fetch per provider, pg_cron (absent in the regression database), partitions.
-- Health is about the server now, so this test reads the real (or, in test/suites/instants.sh,
-- the faked) clock on purpose; what it prints does not depend on the day.
\set VERBOSITY terse
\i sql/include/fresh_install.sql
SET client_min_messages = warning;
-- the areas always present; pg_cron is not installed in the regression database
SELECT area, item, status, detail FROM portfolio.health WHERE area = 'cron';
SELECT count(*) AS cron_jobs FROM portfolio.cron_job_state();
-- partitions: this month (UTC) and the next 3, all missing in a fresh install, then made by the
-- upkeep; the same months in every session time zone (today() is the UTC date)
SELECT status, count(*) FROM portfolio.health WHERE area = 'partitions' GROUP BY status ORDER BY status;
SELECT portfolio.maintain_quote_partitions() AS made;
SELECT portfolio.maintain_quote_partitions() AS made_again;
SELECT count(*) AS months, bool_and(status = 'ok') AS all_ready,
       min(at) = date_trunc('month', portfolio.today()::timestamp) AT TIME ZONE 'UTC' AS starts_this_utc_month,
       min(item) = 'quotes_' || to_char(portfolio.today(), 'YYYY_MM') AS first_is_this_month
FROM portfolio.health WHERE area = 'partitions';
SELECT array_agg(item ORDER BY item) AS utc_items FROM portfolio.health WHERE area = 'partitions' \gset
SET TimeZone = 'Pacific/Auckland';
SELECT array_agg(item ORDER BY item) = :'utc_items' AS same_in_auckland, bool_and(status = 'ok') AS ok_in_auckland
FROM portfolio.health WHERE area = 'partitions';
SET TimeZone = 'America/Los_Angeles';
SELECT array_agg(item ORDER BY item) = :'utc_items' AS same_in_los_angeles, bool_and(status = 'ok') AS ok_in_los_angeles
FROM portfolio.health WHERE area = 'partitions';
RESET TimeZone;
-- the furthest month missing is a warning (the hourly job makes it); this month missing is an
-- error; both say which command fixes it
DO $$ BEGIN
    EXECUTE format('DROP TABLE portfolio.%I', (SELECT max(item) FROM portfolio.health WHERE area = 'partitions'));
END $$;
SELECT item = (SELECT max(i) FROM unnest(:'utc_items'::text[]) i) AS is_last, status,
       detail = 'missing: SELECT portfolio.maintain_quote_partitions()' AS says_how
FROM portfolio.health WHERE area = 'partitions' AND status <> 'ok';
DO $$ BEGIN
    EXECUTE format('DROP TABLE portfolio.%I', 'quotes_' || to_char(portfolio.today(), 'YYYY_MM'));
END $$;
SELECT status, count(*) FROM portfolio.health WHERE area = 'partitions' GROUP BY status ORDER BY status;
SELECT portfolio.maintain_quote_partitions() AS remade;
SELECT bool_and(status = 'ok') AS all_ready_again FROM portfolio.health WHERE area = 'partitions';
-- fetch: the last fetch per source, from quotes and FX rates (ages from now: health is live)
SELECT portfolio.ensure_quote_partitions('2025-06-01', '2025-06-30') AS june_2025;
INSERT INTO portfolio.quotes (symbol, ts, close, source, fetched_at)
VALUES ('HL_A', '2025-06-02 00:00+00', 1, 'hl-old', now() - interval '5 days'),
       ('HL_B', '2025-06-02 00:00+00', 1, 'hl-new', now() - interval '1 hour');
SELECT item, status, detail FROM portfolio.health WHERE area = 'fetch' AND item LIKE 'hl-%' ORDER BY item;
-- refresh: the last run per view, with its error if it failed
SELECT item, status, detail FROM portfolio.health WHERE area = 'refresh';
CALL portfolio.refresh();
SELECT item, status, detail LIKE 'started %, % s, % rows' AS detail_shape FROM portfolio.health WHERE area = 'refresh';
INSERT INTO portfolio.refresh_log (view_name, started_at, finished_at, error)
VALUES ('portfolio.daily_series', now(), now(), 'PF001: a test failure');
SELECT item, status, detail LIKE '%error: PF001: a test failure' AS names_error FROM portfolio.health WHERE area = 'refresh';
-- grants: operators (portfolio_reader) read health, portfolio_user does not
SELECT has_table_privilege('portfolio_reader', 'portfolio.health', 'SELECT') AS reader,
       has_table_privilege('portfolio_user', 'portfolio.health', 'SELECT') AS "user";
