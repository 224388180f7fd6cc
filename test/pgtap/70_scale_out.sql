-- The single-node side of the scale-out helpers (src/sql/70_scale_out.sql); the multi-node
-- behaviour is test/suites/scaleout.sh.
BEGIN;
SELECT plan(21);

-- periods: leap day, year ends, before the epoch, infinities
SELECT is(portfolio.month_start('2024-02-29'), date '2024-02-01', 'month_start of a leap day');
SELECT is(portfolio.month_start('2024-12-31'), date '2024-12-01', 'month_start of a year end');
SELECT is(portfolio.year_start('2024-12-31'), date '2024-01-01', 'year_start of a year end');
SELECT is(portfolio.month_start('1969-12-31'), date '1969-12-01', 'month_start before 1970');
SELECT is(portfolio.year_start('0044-03-15 BC'), date '0044-01-01 BC', 'year_start of a BC date');
SELECT is(portfolio.month_start('infinity'), date 'infinity', 'month_start of infinity is infinity');
SELECT is((SELECT count(*) FROM generate_series(date '2023-01-01', date '2025-12-31', '1 day') d
           WHERE portfolio.month_start(d::date) <> date_trunc('month', d)::date
              OR portfolio.year_start(d::date) <> date_trunc('year', d)::date), 0::bigint,
          'month_start and year_start equal date_trunc on every day of 2023-2025');
SELECT is((SELECT provolatile::text || proparallel::text FROM pg_proc WHERE oid = 'portfolio.month_start(date)'::regprocedure),
          'is', 'month_start is IMMUTABLE and PARALLEL SAFE');

-- node id ranges
SELECT throws_ok('SELECT portfolio.set_node_id_range(10, 5)', '22023', NULL, 'an empty id range is refused');
INSERT INTO portfolio.portfolios (id, name) VALUES (7, 'outside');
SELECT throws_ok('SELECT portfolio.set_node_id_range(1000, 1999)', '55000',
                 'set_node_id_range: 1 rows of portfolio.portfolios have ids outside [1000, 1999]',
                 'a range that existing portfolios fall outside of is refused');
DELETE FROM portfolio.portfolios WHERE name = 'outside';
SELECT portfolio.set_node_id_range(1000, 1999) AS _range \gset
INSERT INTO portfolio.portfolios (name) VALUES ('inside');
SELECT is((SELECT id FROM portfolio.portfolios WHERE name = 'inside'), 1000::bigint, 'the next portfolio id is the first of the range');
SELECT is((SELECT min_value || '-' || max_value FROM pg_sequences WHERE sequencename = 'transactions_id_seq'),
          '1000-1999', 'transaction ids are drawn from the range too');

-- the coordinator's helpers, without a shard
SELECT throws_ok($$SELECT portfolio.shard_attach('no_such_server', 1, 10)$$, '42704', NULL,
                 'shard_attach of something that is not a postgres_fdw server is refused');
SELECT is_empty('SELECT * FROM portfolio.shard_mapping_problems()', 'no shard, no mapping problem');
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE SERVER pgtap_shard_a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'x', extensions 'plpgsql');
CREATE SERVER pgtap_shard_b FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'x');
SELECT portfolio.shard_attach('pgtap_shard_a', 1, 100) AS _attached \gset
SELECT ok((SELECT srvoptions @> '{"extensions=plpgsql,pg_portfolio"}' FROM pg_foreign_server WHERE srvname = 'pgtap_shard_a'),
          'shard_attach adds pg_portfolio to the extensions a server lists, keeping them');
SELECT throws_ok($$SELECT portfolio.shard_attach('pgtap_shard_a', 200, 300)$$, '42710', NULL, 'a server attached twice is refused');
SELECT throws_ok($$SELECT portfolio.shard_attach('pgtap_shard_b', 50, 150)$$, '42710',
                 'shard_attach: pgtap_shard_a is attached already, or ids [50, 150] overlap its range',
                 'an id range overlapping another shard''s is refused, naming it');
SELECT throws_ok($$SELECT portfolio.shard_attach('pgtap_shard_b', 300, 200)$$, '22023', NULL, 'an empty id range is refused');
SELECT lives_ok($$SELECT portfolio.require_primary('test')$$, 'require_primary passes on a primary');
SELECT is((SELECT tgenabled FROM pg_trigger WHERE tgname = 'quotes_replicated' AND tgrelid = 'portfolio.quotes'::regclass)::text,
          'R', 'replicated-quote triggers fire in replica sessions only');
SELECT is((SELECT tgenabled FROM pg_trigger WHERE tgname = 'live_pending_txn_notify')::text,
          'A', 'the commit-time notification fires in replica sessions too');

SELECT * FROM finish();
ROLLBACK;
