-- Live, quality, risk and rebalance features under row-level security: role A cannot see role B's
-- checks, limits, quality rows or rebalance B's portfolio; limits are per portfolio and the
-- defaults belong to the owner; health reads pg_cron when it is there; labels are truthful.
BEGIN;
SELECT plan(30);
SET LOCAL TimeZone = 'UTC';
SET LOCAL client_min_messages = warning;
SET LOCAL portfolio.as_of = '2025-06-11';   -- a pinned report day, not the wall clock

CREATE ROLE pgp_live_a NOLOGIN;
CREATE ROLE pgp_live_b NOLOGIN;
CREATE ROLE pgp_live_bi NOLOGIN;
GRANT portfolio_user TO pgp_live_a, pgp_live_b;
GRANT portfolio_reader TO pgp_live_bi;

SELECT portfolio.ensure_quote_partitions('2025-06-01', '2025-06-30') AS _made \gset
INSERT INTO portfolio.instruments (symbol, currency, sector) VALUES
    ('LVA1', 'USD', 'tech'), ('LVA2', 'USD', 'health'), ('LVB1', 'USD', 'energy');
INSERT INTO portfolio.quotes (symbol, ts, close, source)
SELECT s, '2025-06-11 00:00+00', c, 'test'
FROM (VALUES ('LVA1', 100), ('LVA2', 25), ('LVB1', 10)) v(s, c);
INSERT INTO portfolio.portfolios (name, owner) VALUES ('live a', 'pgp_live_a'), ('live b', 'pgp_live_b');
SELECT id AS a_id FROM portfolio.portfolios WHERE name = 'live a' \gset
SELECT id AS b_id FROM portfolio.portfolios WHERE name = 'live b' \gset
-- A: deposit 1,000; 6 LVA1 @ 100 (600), 8 LVA2 @ 25 (200): cash 200. Weights 0.6, 0.2, cash 0.2.
-- B: deposit 500; 50 LVB1 @ 10 (500): 100 % LVB1.
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount) VALUES
    (:a_id, NULL, '2025-06-09 12:00+00', 'deposit', NULL, NULL, 1000),
    (:a_id, 'LVA1', '2025-06-10 12:00+00', 'buy', 6, 100, NULL),
    (:a_id, 'LVA2', '2025-06-10 12:00+00', 'buy', 8, 25, NULL),
    (:b_id, NULL, '2025-06-09 12:00+00', 'deposit', NULL, NULL, 500),
    (:b_id, 'LVB1', '2025-06-10 12:00+00', 'buy', 50, 10, NULL);

SET LOCAL ROLE pgp_live_a;
SELECT results_eq('SELECT DISTINCT portfolio_id FROM portfolio.risk_checks', format('VALUES (%s::bigint)', :a_id),
                  'A: risk_checks shows her portfolio only');
SELECT results_eq($$SELECT rule, value, status FROM portfolio.risk_checks ORDER BY rule$$,
                  $$VALUES ('asset_class_concentration', 0.8::numeric, 'ok'), ('cash_share', 0.2, 'ok'),
                           ('currency_concentration', 0, 'ok'), ('position_concentration', 0.6, 'breach'),
                           ('sector_concentration', 0.6, 'warn'), ('stale_price_share', 0, 'ok')$$,
                  'A: every rule with its value and status (defaults)');
SELECT is((SELECT count(*) FROM portfolio.data_quality_positions WHERE portfolio_id = :b_id), 0::bigint,
          'A: data_quality_positions hides B');
SELECT results_eq('SELECT symbol FROM portfolio.data_quality WHERE symbol LIKE $$LV%$$ ORDER BY symbol',
                  $$VALUES ('LVA1'), ('LVA2')$$, 'A: data_quality covers what she holds, not B''s instruments');
SELECT is((SELECT count(*) FROM portfolio.risk_limits WHERE portfolio_id IS NULL), 6::bigint, 'A: sees the 6 defaults');
-- her own limit: allowed, and it changes her status
SELECT lives_ok(format($$INSERT INTO portfolio.risk_limits (portfolio_id, rule, warn_at, breach_at)
                         VALUES (%s, 'position_concentration', 0.5, 0.7)$$, :a_id), 'A: sets a limit on her portfolio');
SELECT results_eq($$SELECT status, limit_source FROM portfolio.risk_checks WHERE rule = 'position_concentration'$$,
                  $$VALUES ('warn', 'portfolio')$$, 'A: her override applies');
SELECT throws_ok(format($$INSERT INTO portfolio.risk_limits (portfolio_id, rule, warn_at) VALUES (%s, 'cash_share', 0.1)$$, :b_id),
                 '42501', NULL, 'A: cannot set a limit on B''s portfolio');
SELECT throws_ok($$INSERT INTO portfolio.risk_limits (portfolio_id, rule, warn_at) VALUES (NULL, 'cash_share', 0.1)$$,
                 '42501', NULL, 'A: cannot add a default');
SELECT results_eq($$WITH u AS (UPDATE portfolio.risk_limits SET warn_at = 0.99 WHERE portfolio_id IS NULL RETURNING 1)
                    SELECT count(*) FROM u$$, ARRAY[0::bigint], 'A: cannot change the defaults');
SELECT throws_ok(format($$INSERT INTO portfolio.watchlist (portfolio_id, symbol) VALUES (%s, 'LVA1')$$, :b_id),
                 '42501', NULL, 'A: cannot add to B''s watchlist');
SELECT lives_ok(format($$INSERT INTO portfolio.watchlist (portfolio_id, symbol) VALUES (%s, 'LVB1')$$, :a_id),
                'A: watches LVB1');
SELECT results_eq($$SELECT held_in, watched FROM portfolio.data_quality WHERE symbol = 'LVB1'$$,
                  $$VALUES (0::bigint, true)$$, 'A: a watched instrument appears (held by none of hers)');
-- rebalance: hers works, B's is "not found"
SELECT results_eq(format($$SELECT symbol, side, quantity FROM portfolio.rebalance(%s, '{"LVA1": 0.5, "LVA2": 0.5}')$$, :a_id),
                  $$VALUES ('LVA1', 'sell', 1::numeric), ('LVA2', 'buy', 12::numeric)$$,
                  'A: rebalance 50/50: sell 1 LVA1 (500), buy 12 LVA2 (500 - 200)');
SELECT throws_ok(format($$SELECT * FROM portfolio.rebalance(%s, '{"LVB1": 1}')$$, :b_id), '22023', NULL,
                 'A: rebalancing B''s portfolio: not found');
SELECT throws_ok('SELECT * FROM portfolio.health', '42501', NULL, 'A: health is for operators');
SELECT throws_ok('SELECT * FROM portfolio.live_pending', '42501', NULL, 'A: the pending notifications are closed');
SELECT throws_ok('SELECT portfolio.notify_refresh()', '42501', NULL, 'A: cannot send refresh notifications');
SELECT throws_ok($$SELECT portfolio.live_note('quote', true, '[]')$$, '42501', NULL, 'A: cannot forge quote notifications');

SET LOCAL ROLE pgp_live_b;
SELECT results_eq('SELECT DISTINCT portfolio_id FROM portfolio.risk_checks', format('VALUES (%s::bigint)', :b_id),
                  'B: risk_checks shows his portfolio only');
SELECT is((SELECT count(*) FROM portfolio.risk_limits WHERE portfolio_id IS NOT NULL), 0::bigint, 'B: does not see A''s override');
SELECT results_eq($$SELECT value, status FROM portfolio.risk_checks WHERE rule = 'position_concentration'$$,
                  $$VALUES (1::numeric, 'breach')$$, 'B: 100 % in one position breaches the default');

SET LOCAL ROLE pgp_live_bi;
SELECT is((SELECT count(DISTINCT portfolio_id) FROM portfolio.risk_checks WHERE portfolio_id IN (:a_id, :b_id)), 2::bigint,
          'reader: sees both portfolios'' checks');
SELECT ok((SELECT count(*) FROM portfolio.health WHERE area = 'partitions') = 4, 'reader: health lists 4 partition months');
SELECT throws_ok(format($$INSERT INTO portfolio.risk_limits (portfolio_id, rule, warn_at) VALUES (%s, 'cash_share', 0.1)$$, :a_id),
                 '42501', NULL, 'reader: cannot write limits');
RESET ROLE;

-- pg_cron is installed in this database: health shows the scheduled jobs
SELECT count(*) AS _jobs FROM portfolio.schedule_refresh() \gset
SELECT results_eq($$SELECT item FROM portfolio.health WHERE area = 'cron' ORDER BY item$$,
                  $$VALUES ('pg_portfolio_figures'), ('pg_portfolio_partitions'), ('pg_portfolio_purge'), ('pg_portfolio_refresh')$$,
                  'health: the four pg_cron jobs');
SELECT ok((SELECT bool_and(status = 'unknown' AND detail LIKE 'schedule %, last run none') FROM portfolio.health WHERE area = 'cron'),
          'health: jobs that have not run yet are unknown');
SELECT is(portfolio.unschedule_refresh(), 4, 'cleanup: unschedule');

-- labels
SELECT is((SELECT provolatile FROM pg_proc WHERE oid = 'portfolio.rebalance(bigint, jsonb)'::regprocedure), 's', 'rebalance is STABLE');
SELECT is((SELECT provolatile::text || proisstrict::text || proparallel::text FROM pg_proc
           WHERE oid = 'portfolio.rebalance_plan(numeric[], numeric[], numeric[], numeric[], numeric, numeric)'::regprocedure),
          'itrues', 'rebalance_plan is IMMUTABLE STRICT PARALLEL SAFE');

SELECT * FROM finish();
ROLLBACK;
