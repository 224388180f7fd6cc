-- Edge inputs get a clear ERROR at once, never a run until statement_timeout, a NaN or a
-- silent row of zeros.
BEGIN;
SELECT plan(9);
SET LOCAL client_min_messages = warning;

-- business_days_between by arithmetic equals counting the days one by one, for every start
-- weekday and every span of 0 to 30 days (and a reversed range is 0)
SELECT is((SELECT count(*)::int FROM generate_series('2024-02-19'::date, '2024-03-03'::date, interval '1 day') f(d),
                  generate_series(-3, 30) n
           WHERE portfolio.business_days_between(f.d::date, f.d::date + n)
                 <> (SELECT count(*) FROM generate_series(f.d::date + 1, f.d::date + n, interval '1 day') x
                     WHERE extract(isodow FROM x) < 6)), 0,
          'business days: the formula = counting, 14 start days x 34 spans (29 February included)');
SELECT is(portfolio.business_days_between('2024-01-05', '2024-01-08'), 1, 'Friday to Monday: 1');
SELECT is(portfolio.business_days_between('1900-01-01', '2100-01-01'), 52179, '200 years at once');
SELECT throws_ok($$SELECT portfolio.business_days_between('2024-01-01', 'infinity')$$, '22023', NULL,
                 'business_days_between to infinity: 22023');
SELECT throws_ok($$SELECT portfolio.quote_is_stale('-infinity')$$, '22023', NULL, 'quote_is_stale(-infinity): 22023');
SELECT throws_ok($$SELECT * FROM portfolio.benchmark_daily_returns('X', '4713-01-01 BC', '2024-01-01')$$, '22023', NULL,
                 'benchmark_daily_returns over millennia: 22023');
SELECT throws_ok($$SELECT portfolio.var_monte_carlo(ARRAY[x * 1e307, x], ARRAY[0.5, 0.5])
                   FROM (VALUES (1.0::float8), (-2.0), (3.0)) v(x)$$, '22003', NULL,
                 'var_monte_carlo on returns near the largest double: 22003, not NaN');

-- pnl_breakdown of a portfolio the caller cannot see: "not found", as rebalance() says
INSERT INTO portfolio.portfolios (name, owner) VALUES ('edge hidden', 'postgres');
SELECT id AS hidden FROM portfolio.portfolios WHERE name = 'edge hidden' \gset
CREATE ROLE pgp_edge_user NOLOGIN IN ROLE portfolio_user;
SET LOCAL ROLE pgp_edge_user;
SELECT throws_ok(format($$SELECT * FROM portfolio.pnl_breakdown(%s, '2024-01-01', '2024-01-31')$$, :hidden), '22023',
                 format('pnl_breakdown: portfolio %s not found', :hidden), 'pnl_breakdown of a hidden portfolio: not found');
SELECT throws_ok(format($$SELECT * FROM portfolio.rebalance(%s, '{"_cash": 1}')$$, :hidden), '22023',
                 format('rebalance: portfolio %s not found', :hidden), 'rebalance of a hidden portfolio: not found');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
