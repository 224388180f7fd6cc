-- A refresh that rewrites more than a tenth (and 50 rows) of daily_series, ledger_ends or the queue analyzes it in its own
-- transaction (portfolio.analyze_if_rewritten, src/sql/56_refresh.sql), so readers right after it
-- are planned for the rows that are there, not for the empty table autovacuum may have sampled
-- while the marks had dropped every ledger end. This database's tables start empty (each pgTAP
-- file rolls back), so the 60 new portfolios are all of them and pass autovacuum's threshold (50 rows and a tenth).
BEGIN;
SELECT plan(4);
INSERT INTO portfolio.portfolios (name) SELECT 'statistics ' || g FROM generate_series(1, 60) g;
INSERT INTO portfolio.transactions (portfolio_id, executed_at, kind, amount)
SELECT p.id, '2025-01-02 10:00+00'::timestamptz + g * interval '1 day', 'deposit', 100
FROM portfolio.portfolios p, generate_series(0, 2) g WHERE p.name LIKE 'statistics %';
CALL portfolio.refresh();
SELECT cmp_ok((SELECT count(*) FROM portfolio.ledger_ends)::integer, '>=', 60, 'the refresh stored the ledger ends');
SELECT is((SELECT reltuples FROM pg_class WHERE oid = 'portfolio.ledger_ends'::regclass)::bigint,
          (SELECT count(*) FROM portfolio.ledger_ends), 'ledger_ends analyzed by the refresh: its statistics count its rows');
SELECT is((SELECT reltuples FROM pg_class WHERE oid = 'portfolio.daily_series'::regclass)::bigint,
          (SELECT count(*) FROM portfolio.daily_series), 'daily_series too');
SELECT is(portfolio.analyze_if_rewritten('portfolio.ledger_ends'::regclass, 50), false,
          '50 rows are below the threshold: no ANALYZE');
SELECT * FROM finish();
ROLLBACK;
