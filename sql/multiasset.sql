-- covariance, correlation, var_monte_carlo and component_var over rows of asset-return vectors.
-- Expected values: numpy (np.cov, np.corrcoef), scipy.stats.norm, and test/reference/monte_carlo.py
-- (an independent re-implementation of the simulation: mt19937_64, Box-Muller, numpy Cholesky).
CREATE TABLE asset_returns AS
SELECT t, ARRAY[0.0005 + 0.01 * sin(t * 0.7),
                0.0002 + 0.015 * cos(t * 0.31) + 0.004 * sin(t * 0.7),
                -0.0001 + 0.02 * sin(t * 0.13 + 1)]::float8[] AS r
FROM generate_series(1, 500) t;
CREATE FUNCTION pg_temp.close(a float8[], b float8[], rel float8) RETURNS boolean LANGUAGE sql AS
$$ SELECT cardinality(a) = cardinality(b) AND bool_and(abs(x - y) <= rel * greatest(abs(y), 1e-300))
   FROM unnest(a, b) u(x, y) $$;
SELECT pg_temp.close(portfolio.covariance(r), ARRAY[
    5.0159328515478735e-05, 2.037694258295261e-05, 5.781357241393995e-07,
    2.037694258295261e-05, 0.00012111771109421354, 3.1917092213177576e-08,
    5.781357241393995e-07, 3.1917092213177576e-08, 0.0002012215627607284], 1e-9) AS covariance_matches_numpy,
       pg_temp.close(portfolio.correlation(r), ARRAY[
    1.0, 0.2614323563534135, 0.005754620524710592,
    0.26143235635341355, 1.0, 0.0002044477013930965,
    0.005754620524710592, 0.00020444770139309648, 1.0], 1e-9) AS correlation_matches_numpy,
       array_dims(portfolio.covariance(r)) AS dims
FROM asset_returns;
-- the same as the built-in pairwise covar_samp/corr
SELECT abs((portfolio.covariance(r))[1][2] / covar_samp(r[1], r[2]) - 1) < 1e-12 AS covar_samp_agrees,
       abs((portfolio.correlation(r))[2][3] / corr(r[2], r[3]) - 1) < 1e-9 AS corr_agrees
FROM asset_returns;
SELECT portfolio.covariance(r) AS small FROM (VALUES (ARRAY[0.01, 0.02]), (ARRAY[0.03, -0.02]), (NULL), (ARRAY[NULL, 0.1])) v(r);
SELECT portfolio.covariance(r) IS NULL AS one_row_is_null FROM (VALUES (ARRAY[0.01, 0.02])) v(r);
SELECT portfolio.correlation(r) AS zero_variance_entries_null FROM (VALUES (ARRAY[0.01, 0.02]), (ARRAY[0.03, 0.02])) v(r);
-- component VaR: Euler contributions, summing to the Gaussian VaR of the portfolio series
SELECT pg_temp.close(portfolio.component_var(r, ARRAY[0.5, 0.3, 0.2]),
       ARRAY[0.003925404942261554, 0.0037034422497879806, 0.0020982490585644527], 1e-9) AS component_95_matches_scipy,
       pg_temp.close(portfolio.component_var(r, ARRAY[0.5, 0.3, 0.2], 0.99),
       ARRAY[0.005660653195339505, 0.005250786593113744, 0.0029970768594577706], 1e-9) AS component_99_matches_scipy
FROM asset_returns;
SELECT abs((SELECT sum(c) FROM unnest(portfolio.component_var(r, ARRAY[0.5, 0.3, 0.2])) c) - 0.009727096250613987)
       < 1e-15 AS components_sum_to_portfolio_gaussian_var
FROM asset_returns;
-- Monte Carlo: deterministic for a seed, and equal to the independent re-implementation
SELECT abs(portfolio.var_monte_carlo(r, ARRAY[0.5, 0.3, 0.2]) / 0.00961348549567413 - 1) < 1e-9 AS mc_defaults_match_reference,
       abs(portfolio.var_monte_carlo(r, ARRAY[0.5, 0.3, 0.2], 0.99, 10, 2000, 7) / 0.03817715517522601 - 1) < 1e-9 AS mc_10_days_match_reference,
       portfolio.var_monte_carlo(r, ARRAY[0.5, 0.3, 0.2]) = portfolio.var_monte_carlo(r, ARRAY[0.5, 0.3, 0.2], 0.95, 1, 10000, 42) AS defaults_are_95_1_10000_42,
       portfolio.var_monte_carlo(r, ARRAY[0.5, 0.3, 0.2], 0.95, 1, 10000, 1) <> portfolio.var_monte_carlo(r, ARRAY[0.5, 0.3, 0.2], 0.95, 1, 10000, 2) AS seed_matters
FROM asset_returns;
-- with many paths it converges to the Gaussian VaR (0.009727...), within the Monte Carlo error
SELECT abs(portfolio.var_monte_carlo(r, ARRAY[0.5, 0.3, 0.2], 0.95, 1, 400000) / 0.009727096250613987 - 1) < 0.01 AS mc_near_gaussian
FROM asset_returns;
-- errors (SQLSTATE)
SELECT portfolio.covariance(r) FROM (VALUES (ARRAY[0.01, 0.02]), (ARRAY[0.01, 0.02, 0.03])) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.covariance(r) FROM (VALUES (ARRAY[0.01, 'NaN'])) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.covariance(r) FROM (VALUES ('{}'::float8[])) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.var_monte_carlo(r, ARRAY[0.5, 0.5]) FROM asset_returns;
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.var_monte_carlo(r, ARRAY[0.5, 0.3, 0.2 + t / 1000.0]) FROM asset_returns;
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.var_monte_carlo(r, ARRAY[0.5, 0.3, 0.2], 0.95, 1, 20000000) FROM asset_returns;
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.var_monte_carlo(r, ARRAY[0.5, 0.3, 0.2], 0.95, 0) FROM asset_returns;
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.component_var(r, ARRAY[0.5, 0.3, 0.2], 1.0) FROM asset_returns;
\echo :LAST_ERROR_SQLSTATE
-- cancel: statement_timeout stops a long simulation (57014) and the session goes on (a real
-- timer, observed on purpose: test/suites/instants.sh, with a faked clock, leaves this test out)
SET statement_timeout = '300ms';
SELECT portfolio.var_monte_carlo(r, ARRAY[0.5, 0.3, 0.2], 0.95, 250, 10000000) FROM asset_returns;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT 1 AS session_still_works;
-- parallel plans give the serial answers (co-moment states merge exactly up to rounding)
CREATE TABLE many_returns AS
SELECT t, ARRAY[0.0005 + 0.01 * sin(t * 0.7), 0.0002 + 0.015 * cos(t * 0.31), 0.01 * sin(t * 0.013)]::float8[] AS r
FROM generate_series(1, 200000) t;
ANALYZE many_returns;
SET max_parallel_workers_per_gather = 0;
SELECT portfolio.covariance(r) AS s_cov, portfolio.correlation(r) AS s_cor,
       portfolio.var_monte_carlo(r, ARRAY[0.4, 0.4, 0.2]) AS s_mc,
       portfolio.component_var(r, ARRAY[0.4, 0.4, 0.2]) AS s_comp FROM many_returns \gset
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT portfolio.covariance(r), portfolio.var_monte_carlo(r, ARRAY[0.4, 0.4, 0.2]) FROM many_returns;
SELECT pg_temp.close(portfolio.covariance(r), :'s_cov', 1e-10) AS covariance_parallel_equals_serial,
       pg_temp.close(portfolio.correlation(r), :'s_cor', 1e-10) AS correlation_parallel_equals_serial,
       abs(portfolio.var_monte_carlo(r, ARRAY[0.4, 0.4, 0.2]) / :s_mc - 1) < 1e-9 AS mc_parallel_equals_serial,
       pg_temp.close(portfolio.component_var(r, ARRAY[0.4, 0.4, 0.2]), :'s_comp', 1e-10) AS component_parallel_equals_serial
FROM many_returns;
RESET ALL;
DROP TABLE asset_returns, many_returns;
