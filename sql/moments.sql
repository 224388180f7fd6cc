-- The moment family: published figures, defaults, NULL and edge behaviour, errors with SQLSTATEs.
SET search_path = public, portfolio;
SET extra_float_digits = 0;
CREATE TABLE edhec_ca (d date, r float8);
\copy edhec_ca FROM PROGRAM 'cut -d, -f1,2 test/fixtures/edhec.csv | tail -n +2' CSV
CREATE TABLE managers (d date, ham1 float8, ham2 float8, ham3 float8, ham4 float8, ham5 float8,
                       ham6 float8, edhec_ls float8, sp500 float8, us10y float8, us3m float8);
\copy managers FROM 'test/fixtures/managers.csv' CSV HEADER

-- PerformanceAnalytics, edhec "Convertible Arbitrage", first 100 months, p = 0.95:
-- VaR gaussian 0.012133, modified 0.014674, ES gaussian 0.017133 (published negated)
SELECT round(var_gaussian(r)::numeric, 6) AS var_gaussian,
       round(var_cornish_fisher(r)::numeric, 6) AS var_modified,
       round(cvar_gaussian(r)::numeric, 6) AS es_gaussian,
       round(var_gaussian(r, 0.95)::numeric, 6) = round(var_gaussian(r)::numeric, 6) AS default_is_095
FROM (SELECT r FROM edhec_ca ORDER BY d LIMIT 100) f;

-- PerformanceAnalytics, managers HAM1 against "SP500 TR", rf "US 3m TR", 132 months:
-- CAPM.beta 0.390071248399483; CAPM.alpha annualised (1 + intercept)^12 - 1 = 0.0715406013853;
-- Return.annualized 0.137532; StdDev.annualized 0.088781; Sharpe rf 0 1.503396, rf US 3m 1.067993.
-- Their beta regresses excess returns: beta(r - rf, rb - rf). Their alpha is the intercept of that
-- regression, mean(r - rf) - beta mean(rb - rf), compounded: exactly our alpha(r, rb, rf, ppy).
SELECT round(beta(ham1 - us3m, sp500 - us3m)::numeric, 15) AS capm_beta,
       round(alpha(ham1, sp500, us3m, 12)::numeric, 13) AS capm_alpha,
       round(annualized_return(ham1, 12)::numeric, 6) AS return_annualized,
       round(volatility(ham1, 12)::numeric, 6) AS stddev_annualized,
       round(sharpe(ham1, 0, 12)::numeric, 6) AS sharpe_rf0,
       round(sharpe(ham1, us3m, 12)::numeric, 6) AS sharpe_us3m
FROM managers;

-- empyrical, daily returns [1, 10, -4, 2, 3, 2, 1, -10] % (its leading NaN skipped here as NULL),
-- 252 a year: sharpe 1.7238613961706866, annual_volatility 0.9136465399704637,
-- sortino 2.605531251673693
CREATE TABLE empyrical (t int, r float8);
INSERT INTO empyrical VALUES (0, NULL), (1, 0.01), (2, 0.10), (3, -0.04), (4, 0.02), (5, 0.03),
                             (6, 0.02), (7, 0.01), (8, -0.10);
SELECT abs(sharpe(r) / 1.7238613961706866 - 1) < 1e-14 AS sharpe,
       abs(volatility(r) / 0.9136465399704637 - 1) < 1e-14 AS annual_volatility,
       abs(sortino(r) / 2.605531251673693 - 1) < 1e-14 AS sortino,
       sharpe(r) = sharpe(r, 0) AND sharpe(r) = sharpe(r, 0, 252) AS sharpe_defaults,
       sortino(r) = sortino(r, 0) AND sortino(r) = sortino(r, 0, 252) AS sortino_defaults,
       volatility(r) = volatility(r, 252) AS volatility_default,
       annualized_return(r) = annualized_return(r, 252) AS annualized_default
FROM empyrical;

-- hand-worked: r = 0.1, -0.05, 0.02 with ppy 3 (one year): annualized = twr = 0.0659
SELECT round(annualized_return(r, 3)::numeric, 12) AS one_year,
       round(annualized_return(r, 12)::numeric, 12) AS quarterly_compounded  -- 1.0659^4 - 1
FROM (VALUES (0.10), (-0.05), (0.02)) v(r);
-- mean 0.02, sample sd 0.0754983..., annualised with ppy 4: sd * 2
SELECT round(volatility(r, 4)::numeric, 12) AS vol, round((2 * stddev_samp(r))::numeric, 12) AS by_hand
FROM (VALUES (0.10), (-0.05), (0.02)) v(r);
-- rf per row: the excess return of each row uses its own rf
SELECT round(sharpe(r, rf, 1)::numeric, 12) AS sharpe_rf_per_row,
       round((avg(r - rf) / stddev_samp(r - rf))::numeric, 12) AS by_hand
FROM (VALUES (0.10, 0.01), (-0.05, 0.02), (0.02, 0.0), (0.04, 0.03)) v(r, rf);
-- sortino's downside mean is over all n rows, with mar per row
SELECT round(sortino(r, mar, 1)::numeric, 12) AS sortino_mar,
       round((avg(r - mar) / sqrt(avg(least(r - mar, 0) ^ 2)))::numeric, 12) AS by_hand
FROM (VALUES (0.10, 0.01), (-0.05, 0.02), (0.02, 0.0), (0.04, 0.05)) v(r, mar);
-- tracking error and information ratio are the moments of r - rb
SELECT round(tracking_error(r, rb, 1)::numeric, 12) AS te, round(stddev_samp(r - rb)::numeric, 12) AS te_by_hand,
       round(information_ratio(r, rb, 1)::numeric, 12) AS ir,
       round((avg(r - rb) / stddev_samp(r - rb))::numeric, 12) AS ir_by_hand,
       round(tracking_error(r, rb)::numeric, 12) = round(tracking_error(r, rb, 252)::numeric, 12) AS te_default
FROM (VALUES (0.10, 0.08), (-0.05, -0.04), (0.02, 0.03), (0.04, 0.01)) v(r, rb);
-- beta = cov_samp / var_samp, alpha with rf 0 and the defaults
SELECT round(beta(r, rb)::numeric, 12) AS beta, round((covar_samp(r, rb) / var_samp(rb))::numeric, 12) AS by_hand,
       alpha(r, rb) = alpha(r, rb, 0) AND alpha(r, rb) = alpha(r, rb, 0, 252) AS alpha_defaults
FROM (VALUES (0.10, 0.08), (-0.05, -0.04), (0.02, 0.03), (0.04, 0.01)) v(r, rb);

-- NULLs: a row with any NULL argument is skipped
SELECT volatility(r, 12) = (SELECT volatility(r, 12) FROM (VALUES (0.01), (0.03), (-0.02)) w(r)) AS null_r_skipped
FROM (VALUES (0.01), (NULL), (0.03), (-0.02)) v(r);
SELECT sharpe(r, rf, 12) = (SELECT sharpe(r, rf, 12) FROM (VALUES (0.01, 0.0), (-0.02, 0.001)) w(r, rf)) AS null_rf_skipped,
       beta(r, rf) = (SELECT beta(r, rf) FROM (VALUES (0.01, 0.0), (-0.02, 0.001)) w(r, rf)) AS null_pair_skipped
FROM (VALUES (0.01, 0.0), (0.03, NULL), (-0.02, 0.001), (NULL, 0.002)) v(r, rf);
-- undefined results are NULL: empty input, one row for a stddev, zero variance, no downside
SELECT volatility(r) IS NULL AS vol_empty, sharpe(r) IS NULL AS sharpe_empty, var_gaussian(r) IS NULL AS var_empty,
       annualized_return(r) IS NULL AS ann_empty, sortino(r) IS NULL AS sortino_empty, beta(r, r) IS NULL AS beta_empty,
       alpha(r, r) IS NULL AS alpha_empty, tracking_error(r, r) IS NULL AS te_empty
FROM (VALUES (0.01)) v(r) WHERE false;
SELECT volatility(r) IS NULL AS vol_one_row, sharpe(r) IS NULL AS sharpe_one_row,
       var_gaussian(r) AS var_one_row, var_cornish_fisher(r) IS NULL AS cf_one_row
FROM (VALUES (0.01)) v(r);
SELECT volatility(r) AS vol_constant, sharpe(r) IS NULL AS sharpe_constant, var_gaussian(r) AS var_constant,
       var_cornish_fisher(r) IS NULL AS cf_constant, beta(r, r) IS NULL AS beta_constant_benchmark,
       information_ratio(r, r) IS NULL AS ir_zero_te, tracking_error(r, r) AS te_zero
FROM (VALUES (0.01), (0.01), (0.01)) v(r);
SELECT sortino(r) IS NULL AS sortino_no_downside FROM (VALUES (0.01), (0.02), (0.0)) v(r);
-- a return of -100 % wipes the wealth out: annualized return -1, not an error
SELECT annualized_return(r, 12) AS total_loss FROM (VALUES (0.5), (-1.0)) v(r);

-- errors: non-finite or impossible data 22000, parameters out of range 22023
SELECT volatility(r) FROM (VALUES (0.01), ('NaN'::float8)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT sharpe(r, rf) FROM (VALUES (0.01, 'Infinity'::float8)) v(r, rf);
\echo :LAST_ERROR_SQLSTATE
SELECT var_gaussian(r) FROM (VALUES (-1.5)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT beta(r, rb) FROM (VALUES (0.01, '-Infinity'::float8)) v(r, rb);
\echo :LAST_ERROR_SQLSTATE
SELECT var_gaussian(r, 1.5) FROM (VALUES (0.01)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT cvar_gaussian(r, 0) FROM (VALUES (0.01)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT var_cornish_fisher(r, 1) FROM (VALUES (0.01)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT volatility(r, 0) FROM (VALUES (0.01)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT annualized_return(r, -12) FROM (VALUES (0.01)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT sharpe(r, -1, 12) FROM (VALUES (0.01)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT sortino(r, -2) FROM (VALUES (0.01)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT alpha(r, r, 0, 0) FROM (VALUES (0.01)) v(r);
\echo :LAST_ERROR_SQLSTATE
-- a per-group constant must not change within the group
SELECT volatility(r, ppy) FROM (VALUES (0.01, 12), (0.02, 252)) v(r, ppy);
\echo :LAST_ERROR_SQLSTATE
SELECT var_gaussian(r, c) FROM (VALUES (0.01, 0.95), (0.02, 0.99)) v(r, c);
\echo :LAST_ERROR_SQLSTATE
DROP TABLE edhec_ca, managers, empyrical;
