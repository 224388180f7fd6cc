-- xirr(amount, at): Excel's XIRR, Act/365 from the earliest flow.
-- Portfolio Performance: -200 on 2010-01-01, +210 on 2010-12-31 -> 0.050140747
SELECT round(portfolio.xirr(a, d)::numeric, 9) AS pp_one,
       abs(portfolio.xirr(a, d) / (1.05 ^ (365.0 / 364) - 1) - 1) < 1e-12 AS closed_form
FROM (VALUES (-200, date '2010-01-01'), (210, date '2010-12-31')) v(a, d);
-- -1560.94 on 2019-05-24, -1160 on 2020-01-13, +42.80 on 2020-06-29 -> -0.999251643
SELECT round(portfolio.xirr(a, d)::numeric, 9) AS pp_two
FROM (VALUES (-1560.94, date '2019-05-24'), (-1160, date '2020-01-13'), (42.80, date '2020-06-29')) v(a, d);
-- timestamptz: fractional days; whole days give the date answer
SELECT portfolio.xirr(a, d::timestamptz) = portfolio.xirr(a, d) AS timestamptz_whole_days
FROM (VALUES (-200, date '2010-01-01'), (210, date '2010-12-31')) v(a, d);
SET timezone = 'UTC';
SELECT round(portfolio.xirr(a, t)::numeric, 12) AS half_year  -- 1.1^2 - 1 (182.5 days)
FROM (VALUES (-100, timestamptz '2021-01-01 00:00'), (110, timestamptz '2021-07-02 12:00')) v(a, t);
RESET timezone;
-- row order does not matter; NULL rows skipped; no sign change / empty -> NULL
SELECT round(portfolio.xirr(a, d ORDER BY d DESC)::numeric, 9) AS any_order
FROM (VALUES (-200, date '2010-01-01'), (210, date '2010-12-31'), (NULL, date '2011-01-01'), (5, NULL)) v(a, d);
SELECT portfolio.xirr(a, d) IS NULL AS no_sign_change FROM (VALUES (-1, date '2020-01-01'), (-2, date '2020-02-01')) v(a, d);
SELECT portfolio.xirr(a, d) IS NULL AS empty FROM (VALUES (-1, date '2020-01-01')) v(a, d) WHERE false;
-- a multi-period plan against scipy.optimize.brentq of the same NPV: 0.09663931753282741
SELECT abs(portfolio.xirr(a, d) - 0.09663931753282741) < 1e-12 AS matches_scipy
FROM (VALUES (-1000, date '2015-03-01'), (-500, date '2016-07-15'), (200, date '2017-01-31'),
             (-250, date '2018-11-30'), (2300, date '2020-02-29')) v(a, d);
-- errors
SELECT portfolio.xirr(a, d) FROM (VALUES ('NaN'::float8, date '2020-01-01')) v(a, d);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.xirr(a, d) FROM (VALUES (1::float8, date 'infinity')) v(a, d);
\echo :LAST_ERROR_SQLSTATE
-- parallel plans: xirr has no combine function (copying every flow to the leader lost, issue 15),
-- so the workers only scan and the aggregate runs whole above the Gather, with the serial answer
CREATE TABLE flows AS
SELECT i, date '2000-01-01' + (i % 5000) AS d, CASE WHEN i % 5000 < 2500 THEN -100.0 ELSE 130.0 END + (i % 7) AS a
FROM generate_series(1, 100000) i;
ANALYZE flows;
SET max_parallel_workers_per_gather = 0;
SELECT portfolio.xirr(a, d) AS serial_xirr FROM flows \gset
SELECT :serial_xirr > 0 AS has_a_rate;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT portfolio.xirr(a, d) FROM flows;
SELECT abs(portfolio.xirr(a, d) - :serial_xirr) <= 1e-12 * abs(:serial_xirr) AS parallel_equals_serial FROM flows;
RESET ALL;
DROP TABLE flows;
