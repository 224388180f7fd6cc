-- Multi-user isolation: role A cannot see or change role B's rows by any path; grants are minimal;
-- the BI role reads everything and writes nothing. Also: pg_cron scheduling is idempotent.
BEGIN;
SELECT plan(53);
SET LOCAL TimeZone = 'UTC';
SET LOCAL portfolio.as_of = '2024-01-10';   -- a pinned report day, not the wall clock

CREATE ROLE pgp_alice NOLOGIN;
CREATE ROLE pgp_bob NOLOGIN;
CREATE ROLE pgp_bi NOLOGIN;
CREATE ROLE pgp_nobody NOLOGIN;
GRANT portfolio_user TO pgp_alice, pgp_bob;
GRANT portfolio_reader TO pgp_bi;
-- the lines of a query's plan (EXPLAIN cannot be a subquery)
CREATE FUNCTION pg_temp.plan_lines(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query;
END $$;

SELECT portfolio.ensure_quote_partitions('2024-01-01', '2024-01-31') AS _made \gset
INSERT INTO portfolio.instruments (symbol, currency) VALUES ('SECA', 'USD'), ('SECB', 'USD');
INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES
    ('SECA', '2024-01-02', 10, 'test'), ('SECB', '2024-01-02', 20, 'test');
INSERT INTO portfolio.portfolios (name, owner) VALUES ('alice main', 'pgp_alice'), ('bob main', 'pgp_bob');
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount)
SELECT p.id, NULL, '2024-01-02 09:00'::timestamptz, 'deposit'::portfolio.txn_kind, NULL::numeric, NULL::numeric, 1000::numeric FROM portfolio.portfolios p WHERE p.name IN ('alice main', 'bob main')
UNION ALL
SELECT p.id, 'SECA', '2024-01-02 10:00', 'buy', 10, 10, NULL FROM portfolio.portfolios p WHERE p.name = 'alice main'
UNION ALL
SELECT p.id, 'SECB', '2024-01-02 10:00', 'buy', 5, 20, NULL FROM portfolio.portfolios p WHERE p.name = 'bob main';
CALL portfolio.refresh();
SELECT id AS bob_id FROM portfolio.portfolios WHERE name = 'bob main' \gset
SELECT id AS alice_id FROM portfolio.portfolios WHERE name = 'alice main' \gset

-- Alice sees her own rows only, through every table and view
SET LOCAL ROLE pgp_alice;
SELECT results_eq('SELECT name FROM portfolio.portfolios', $$VALUES ('alice main')$$, 'alice: portfolios');
SELECT is((SELECT count(*) FROM portfolio.transactions WHERE portfolio_id <> :alice_id), 0::bigint, 'alice: no other transactions');
SELECT is((SELECT count(*) FROM portfolio.transactions), 2::bigint, 'alice: her two transactions');
SELECT results_eq('SELECT instrument, quantity FROM portfolio.positions', $$VALUES ('SECA', 10::numeric)$$, 'alice: positions');
SELECT is((SELECT count(*) FROM portfolio.cash WHERE portfolio_id <> :alice_id), 0::bigint, 'alice: cash');
SELECT is((SELECT count(*) FROM portfolio.allocation WHERE portfolio_id <> :alice_id), 0::bigint, 'alice: allocation');
SELECT is((SELECT count(DISTINCT portfolio_id) FROM portfolio.portfolio_daily), 1::bigint, 'alice: portfolio_daily has one portfolio');
SELECT is((SELECT count(*) FROM portfolio.portfolio_daily WHERE portfolio_id = :bob_id), 0::bigint, 'alice: not bob''s days');
SELECT is((SELECT count(*) FROM portfolio.pnl_monthly WHERE portfolio_id = :bob_id), 0::bigint, 'alice: not bob''s P/L');
SELECT throws_ok(format($$SELECT * FROM portfolio.pnl_breakdown(%s, '2024-01-01', '2024-01-31')$$, :bob_id), '22023',
                 format('pnl_breakdown: portfolio %s not found', :bob_id), 'alice: pnl_breakdown of bob''s portfolio is not found');
SELECT throws_ok('SELECT * FROM portfolio.daily_series', '42501', NULL, 'alice: the stored daily series itself is closed');
SELECT throws_ok('SELECT * FROM portfolio.quotes_rejected', '42501', NULL, 'alice: quotes_rejected is closed');
SELECT throws_ok('SELECT * FROM portfolio.refresh_log', '42501', NULL, 'alice: refresh_log is closed');
-- ... and cannot change bob's
SELECT results_eq(format('WITH u AS (UPDATE portfolio.portfolios SET name = %L WHERE id = %s RETURNING 1) SELECT count(*) FROM u', 'taken', :bob_id),
                  ARRAY[0::bigint], 'alice: updating bob''s portfolio touches nothing');
SELECT results_eq(format('WITH d AS (DELETE FROM portfolio.transactions WHERE portfolio_id = %s RETURNING 1) SELECT count(*) FROM d', :bob_id),
                  ARRAY[0::bigint], 'alice: deleting bob''s transactions touches nothing');
SELECT results_eq(format('WITH d AS (DELETE FROM portfolio.portfolios WHERE id = %s RETURNING 1) SELECT count(*) FROM d', :bob_id),
                  ARRAY[0::bigint], 'alice: deleting bob''s portfolio touches nothing');
SELECT throws_ok(format($$INSERT INTO portfolio.transactions (portfolio_id, executed_at, kind, amount) VALUES (%s, '2024-01-05 12:00+00', 'withdrawal', 1)$$, :bob_id),
                 '42501', NULL, 'alice: cannot add a transaction to bob''s portfolio');
SELECT throws_ok($$INSERT INTO portfolio.portfolios (name, owner) VALUES ('fake', 'pgp_bob')$$,
                 '42501', NULL, 'alice: cannot create a portfolio owned by bob');
SELECT throws_ok(format($$UPDATE portfolio.portfolios SET owner = 'pgp_bob' WHERE id = %s$$, :alice_id),
                 '42501', NULL, 'alice: cannot give her portfolio to bob');
SELECT throws_ok(format($$UPDATE portfolio.transactions SET portfolio_id = %s WHERE portfolio_id = %s$$, :bob_id, :alice_id),
                 '42501', NULL, 'alice: cannot move her transactions into bob''s portfolio');
SELECT throws_ok($$INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES ('SECA', '2024-01-03', 1, 'x')$$,
                 '42501', NULL, 'alice: cannot write quotes');
SELECT throws_ok($$UPDATE portfolio.instruments SET currency = 'EUR'$$, '42501', NULL, 'alice: cannot change instruments');
SELECT throws_ok('CALL portfolio.refresh()', '42501', NULL, 'alice: cannot refresh');
SELECT throws_ok('SELECT portfolio.schedule_refresh()', '42501', NULL, 'alice: cannot schedule');
-- her own portfolio works
SELECT lives_ok(format($$INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price)
                         VALUES (%s, 'SECA', '2024-01-03', 'sell', 4, 12)$$, :alice_id), 'alice: trades in her portfolio');
SELECT lives_ok($$INSERT INTO portfolio.portfolios (name) VALUES ('alice second')$$, 'alice: creates a portfolio (owner defaults to her)');
SELECT results_eq('SELECT realized_pl FROM portfolio.positions', ARRAY[8::numeric], 'alice: sold 4 bought at 10 for 12');
RESET ROLE;
SELECT is((SELECT owner FROM portfolio.portfolios WHERE name = 'alice second'), 'pgp_alice'::name, 'owner defaults to current_user');
SELECT is((SELECT name FROM portfolio.portfolios WHERE id = :bob_id), 'bob main', 'bob''s portfolio is untouched');

-- Bob, symmetrically
SET LOCAL ROLE pgp_bob;
SELECT results_eq('SELECT instrument FROM portfolio.positions', $$VALUES ('SECB')$$, 'bob: positions');
SELECT is((SELECT count(*) FROM portfolio.portfolios), 1::bigint, 'bob: one portfolio');
RESET ROLE;

-- The BI reader sees everything and changes nothing
SET LOCAL ROLE pgp_bi;
SELECT is((SELECT count(*) FROM portfolio.portfolios), 3::bigint, 'reader: every portfolio');
SELECT is((SELECT count(DISTINCT portfolio_id) FROM portfolio.portfolio_daily), 2::bigint, 'reader: every refreshed portfolio');
SELECT is((SELECT count(*) FROM portfolio.positions), 2::bigint, 'reader: every position');
SELECT throws_ok(format($$UPDATE portfolio.portfolios SET name = 'x' WHERE id = %s$$, :bob_id), '42501', NULL, 'reader: cannot update');
SELECT throws_ok(format($$INSERT INTO portfolio.transactions (portfolio_id, executed_at, kind, amount) VALUES (%s, '2024-01-05 12:00+00', 'deposit', 1)$$, :bob_id),
                 '42501', NULL, 'reader: cannot insert');
-- The policies test reader membership once per query (an InitPlan), not once per row: per row it
-- made one portfolio's positions among 1,000 take 21 ms instead of 7 (bench/model.sh).
SELECT ok(EXISTS (SELECT FROM pg_temp.plan_lines('SELECT * FROM portfolio.transactions') l WHERE l LIKE '%InitPlan%')
          AND NOT EXISTS (SELECT FROM pg_temp.plan_lines('SELECT * FROM portfolio.transactions') l WHERE l LIKE '%portfolio_reader%'),
          'reader: the transactions policy checks membership in an InitPlan, not per row');
SELECT ok(EXISTS (SELECT FROM pg_temp.plan_lines('SELECT * FROM portfolio.portfolios') l WHERE l LIKE '%InitPlan%')
          AND NOT EXISTS (SELECT FROM pg_temp.plan_lines('SELECT * FROM portfolio.portfolios') l WHERE l LIKE '%portfolio_reader%'),
          'reader: the portfolios policy checks membership in an InitPlan, not per row');
RESET ROLE;

-- A role with neither group role gets nothing
SET LOCAL ROLE pgp_nobody;
SELECT throws_ok('SELECT * FROM portfolio.portfolios', '42501', NULL, 'nobody: no access to portfolios');
SELECT throws_ok('SELECT * FROM portfolio.positions', '42501', NULL, 'nobody: no access to positions');
RESET ROLE;

-- A group role shares a portfolio: alice is a member of pgp_team through pgp_desk, bob is not
CREATE ROLE pgp_team NOLOGIN;
CREATE ROLE pgp_desk NOLOGIN;
GRANT pgp_team TO pgp_desk;
GRANT pgp_desk TO pgp_alice;
INSERT INTO portfolio.portfolios (name, owner) VALUES ('team fund', 'pgp_team');
SET LOCAL ROLE pgp_alice;
SELECT is((SELECT count(*) FROM portfolio.portfolios WHERE name = 'team fund'), 1::bigint,
          'alice: sees the portfolio of a group she belongs to through another group');
UPDATE portfolio.portfolios SET benchmark_symbol = 'SECA' WHERE name = 'team fund';
RESET ROLE;
SELECT is((SELECT benchmark_symbol FROM portfolio.portfolios WHERE name = 'team fund'), 'SECA'::text,
          'alice: changes the group''s portfolio');
SET LOCAL ROLE pgp_bob;
SELECT is((SELECT count(*) FROM portfolio.portfolios WHERE name = 'team fund'), 0::bigint, 'bob: does not see the group''s portfolio');
RESET ROLE;
-- The policies' form of the rule (owner = ANY (member_roles())) agrees with may_write() for
-- every role and owner, including a role that does not exist
CREATE FUNCTION pg_temp.rule_disagreements(roles name[], owners name[]) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    r name;
    k bigint;
    n bigint := 0;
BEGIN
    FOREACH r IN ARRAY roles LOOP
        EXECUTE format('SET LOCAL ROLE %I', r);
        SELECT count(*) INTO k FROM unnest(owners) o
        WHERE portfolio.may_write(o) IS DISTINCT FROM (o = ANY (portfolio.member_roles()));
        n := n + k;
        RESET ROLE;
    END LOOP;
    RETURN n;
END $$;
SELECT is(pg_temp.rule_disagreements(ARRAY['pgp_alice', 'pgp_bob', 'pgp_bi'],
                                     ARRAY['pgp_alice', 'pgp_bob', 'pgp_bi', 'pgp_team', 'pgp_desk',
                                           'portfolio_user', 'portfolio_reader', 'pgp_gone']),
          0::bigint, 'member_roles() (the policies) and may_write() agree for every role and owner');

-- Grants are minimal: exactly these, and nothing for PUBLIC
SELECT set_eq($$SELECT grantee || ' ' || table_name || ' ' || privilege_type
                FROM information_schema.role_table_grants
                WHERE table_schema = 'portfolio' AND grantee IN ('portfolio_user', 'portfolio_reader', 'PUBLIC')$$,
              $$SELECT 'portfolio_user ' || t || ' ' || p FROM unnest(ARRAY['portfolios', 'transactions']) t,
                       unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p
                UNION ALL SELECT 'portfolio_user ' || t || ' ' || p FROM unnest(ARRAY['watchlist', 'risk_limits']) t,
                       unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p
                UNION ALL SELECT 'portfolio_user ' || t || ' SELECT'
                          FROM unnest(ARRAY['data_quality', 'data_quality_positions', 'risk_checks']) t
                UNION ALL SELECT 'portfolio_reader ' || t || ' SELECT'
                          FROM unnest(ARRAY['watchlist', 'risk_limits', 'data_quality', 'data_quality_positions',
                                            'risk_checks', 'health']) t
                UNION ALL SELECT 'portfolio_user instruments SELECT'
                UNION ALL SELECT 'portfolio_user instrument_requests ' || p FROM unnest(ARRAY['SELECT', 'DELETE']) p
                UNION ALL SELECT 'portfolio_user ' || t || ' SELECT'
                          FROM unnest(ARRAY['quotes', 'fx_rates', 'settings', 'positions', 'cash', 'allocation',
                                            'portfolio_daily', 'pnl_monthly', 'performance', 'last_quotes']) t
                UNION ALL SELECT 'portfolio_reader ' || t || ' SELECT'
                          FROM unnest(ARRAY['portfolios', 'transactions', 'instruments', 'quotes', 'fx_rates', 'settings',
                                            'refresh_log', 'positions', 'cash', 'allocation', 'portfolio_daily',
                                            'pnl_monthly', 'performance', 'valuation_status', 'last_quotes']) t
                UNION ALL SELECT r || ' ' || t || ' SELECT'
                          FROM unnest(ARRAY['portfolio_user', 'portfolio_reader']) r,
                               unnest(ARRAY['ledger_ends_current', 'performance_stored', 'readable_portfolios',
                                            'writable_portfolios']) t$$,
              'table grants are exactly the documented ones');
SELECT ok(NOT has_function_privilege('portfolio_user', 'portfolio.schedule_refresh(text, interval)', 'EXECUTE')
          AND NOT has_function_privilege('portfolio_reader', 'portfolio.refresh()', 'EXECUTE'),
          'refresh and scheduling are the owner''s');
SELECT is((SELECT array_agg(relname::text ORDER BY relname) FROM pg_class
           WHERE relnamespace = 'portfolio'::regnamespace AND relrowsecurity),
          ARRAY['instrument_requests', 'portfolios', 'risk_limits', 'transactions', 'watchlist'], 'row-level security on the per-portfolio tables and the instrument requests');
SELECT is((SELECT array_agg(relname::text ORDER BY relname) FROM pg_class
           WHERE relnamespace = 'portfolio'::regnamespace AND relkind = 'v'
             AND 'security_invoker=true' = ANY (reloptions)),
          ARRAY['allocation', 'cash', 'data_quality', 'data_quality_positions', 'performance', 'pnl_monthly', 'positions', 'risk_checks'], 'views run with the caller''s rights');
SELECT ok((SELECT 'security_barrier=true' = ANY (reloptions) FROM pg_class WHERE oid = 'portfolio.portfolio_daily'::regclass),
          'portfolio_daily filters behind a security barrier');

-- A fresh quote (the day before the as-of day) is not stale; the old one (8 days before) is
INSERT INTO portfolio.quotes (symbol, ts, close, source)
VALUES ('SECB', '2024-01-09 00:00+00', 21, 'test');
SELECT results_eq('SELECT instrument, price_stale FROM portfolio.positions ORDER BY instrument',
                  $$VALUES ('SECA', true), ('SECB', false)$$, 'stale-price flag');

-- pg_cron: jobs under stable names; scheduling again updates, never duplicates
SELECT count(*) AS _jobs FROM portfolio.schedule_refresh('*/5 * * * *') \gset
SELECT is((SELECT count(*) FROM portfolio.schedule_refresh('*/10 * * * *')), 4::bigint, 'schedule_refresh returns its four jobs');
SELECT is((SELECT string_agg(jobname || ' ' || schedule, ', ' ORDER BY jobname) FROM cron.job WHERE jobname LIKE 'pg_portfolio%'),
          'pg_portfolio_figures * * * * *, pg_portfolio_partitions 17 * * * *, pg_portfolio_purge 47 3 * * *, '
          'pg_portfolio_refresh */10 * * * *',
          'four jobs, rescheduled in place');
SELECT is(portfolio.unschedule_refresh(), 4, 'unschedule removes the four jobs');

SELECT * FROM finish();
ROLLBACK;
