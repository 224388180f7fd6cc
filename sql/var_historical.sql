-- var_historical / cvar_historical (exact) and their bounded-memory _approx variants.
CREATE TABLE edhec (month date, r float8);
\copy edhec FROM PROGRAM 'cut -d, -f1,2 test/fixtures/edhec.csv | tail -n +2 | head -100' WITH (FORMAT csv)
-- PerformanceAnalytics, edhec "Convertible Arbitrage", first 100 months, p = 0.95:
-- VaR historical 0.014095, ES historical 0.024080
SELECT round(portfolio.var_historical(r, 0.95)::numeric, 6) AS var_95,
       round(portfolio.cvar_historical(r, 0.95)::numeric, 6) AS es_95,
       portfolio.var_historical(r) = portfolio.var_historical(r, 0.95) AS default_is_95,
       portfolio.cvar_historical(r) = portfolio.cvar_historical(r, 0.95) AS cvar_default_is_95
FROM edhec;
-- exactly percentile_cont(1 - c) (same arithmetic, bit for bit), and the mean strictly below it
SELECT c, v.var = -p.q AS var_is_percentile_cont,
       abs(v.cvar + (SELECT avg(r) FROM edhec WHERE r < p.q)) < 1e-15 AS cvar_is_mean_below
FROM unnest(ARRAY[0.5, 0.9, 0.95, 0.975, 0.99]::float8[]) c,
     LATERAL (SELECT percentile_cont(1 - c) WITHIN GROUP (ORDER BY r) AS q FROM edhec) p,
     LATERAL (SELECT portfolio.var_historical(r, c) AS var, portfolio.cvar_historical(r, c) AS cvar FROM edhec) v;
-- edges: NULLs skipped, empty -> NULL, one value, nothing strictly below -> the VaR
SELECT portfolio.var_historical(r) AS nulls_skipped FROM (VALUES (-0.02), (NULL), (0.01)) v(r);
SELECT portfolio.var_historical(r) IS NULL AS empty_is_null FROM edhec WHERE false;
SELECT portfolio.var_historical(r, c) AS one_value, portfolio.cvar_historical(r, c) AS cvar_one_value
FROM (VALUES (-0.03, 0.95)) v(r, c);
SELECT portfolio.var_historical(r, NULL) IS NULL AS null_confidence_skips_row FROM (VALUES (0.01)) v(r);
-- as a window aggregate (growing frame): the final function may run after every row and the
-- transitions go on; each prefix equals the aggregate over that prefix
SELECT bool_and(w.v = (SELECT portfolio.var_historical(e2.r, 0.9) FROM edhec e2 WHERE e2.month <= w.month)) AS running_var_correct,
       count(*) AS rows
FROM (SELECT month, portfolio.var_historical(r, 0.9) OVER (ORDER BY month) AS v FROM edhec) w;
-- errors
SELECT portfolio.var_historical(r) FROM (VALUES (0.01), ('NaN'::float8)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.var_historical(r, 1.5) FROM (VALUES (0.01)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.cvar_historical(r, c) FROM (VALUES (0.01, 0.95), (0.02, 0.99)) v(r, c);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.var_historical_approx(r, 0) FROM (VALUES (0.01)) v(r);
\echo :LAST_ERROR_SQLSTATE
-- the approximate sketch: within its documented 1 % relative bound (the quantile's neighbours are
-- both negative here), in bounded memory
SELECT abs(portfolio.var_historical_approx(r) / portfolio.var_historical(r) - 1) <= 0.01 AS approx_var_within_1pct,
       abs(portfolio.cvar_historical_approx(r) / portfolio.cvar_historical(r) - 1) <= 0.01 AS approx_cvar_within_1pct
FROM edhec;
-- parallel plans give the serial answers. The exact aggregates have no combine function (copying
-- every value to the leader lost, issue 15), so with them in the query the whole aggregation runs
-- above the Gather, the workers only scan; the sketch's own partial plan is in
-- sql/parallel_contract.sql. 600,000 rows also take the state past several 2 MiB prefault windows
-- (pg/prefault.hpp)
CREATE TABLE risk_returns AS
SELECT i, (i % 10) AS symbol, 0.0004 + 0.012 * sin(i * 0.37) * cos(i * 0.011) AS r
FROM generate_series(1, 600000) i;
ANALYZE risk_returns;
SET max_parallel_workers_per_gather = 0;
SELECT portfolio.var_historical(r, 0.99) AS s_var, portfolio.cvar_historical(r, 0.99) AS s_cvar,
       portfolio.var_historical_approx(r, 0.99) AS s_avar, portfolio.cvar_historical_approx(r, 0.99) AS s_acvar,
       -percentile_cont(1 - 0.99::float8) WITHIN GROUP (ORDER BY r) AS s_pc
FROM risk_returns \gset
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT portfolio.var_historical(r, 0.99), portfolio.var_historical_approx(r, 0.99) FROM risk_returns;
SELECT portfolio.var_historical(r, 0.99) = :s_var AS var_parallel_equals_serial,
       portfolio.var_historical(r, 0.99) = :s_pc AS equals_percentile_cont,
       abs(portfolio.cvar_historical(r, 0.99) / :s_cvar - 1) < 1e-14 AS cvar_parallel_equals_serial,  -- summation order varies
       portfolio.var_historical_approx(r, 0.99) = :s_avar AS approx_parallel_equals_serial,
       portfolio.cvar_historical_approx(r, 0.99) = :s_acvar AS approx_cvar_parallel_equals_serial,
       abs(portfolio.var_historical_approx(r, 0.99) / :s_var - 1) <= 0.01 AS approx_within_bound
FROM risk_returns;
-- grouped, parallel: every group equals percentile_cont
SELECT count(*) AS groups, bool_and(v = -p) AS all_equal_percentile_cont FROM (
    SELECT symbol, portfolio.var_historical(r, 0.95) AS v, percentile_cont(1 - 0.95::float8) WITHIN GROUP (ORDER BY r) AS p
    FROM risk_returns GROUP BY symbol) g;
RESET ALL;
DROP TABLE risk_returns, edhec;
