-- twr(r): prod(1 + r) - 1, the first aggregate through the whole stack.
SELECT round(portfolio.twr(r)::numeric, 12) AS twr
FROM (VALUES (0.10), (-0.05), (0.02)) v(r);           -- 1.1 * 0.95 * 1.02 - 1 = 0.0659
SELECT portfolio.twr(r) IS NULL AS empty_is_null FROM (VALUES (1.0)) v(r) WHERE false;
SELECT portfolio.twr(r) AS nulls_skipped FROM (VALUES (0.5), (NULL)) v(r);
SELECT portfolio.twr(r) AS total_loss FROM (VALUES (0.5), (-1.0), (0.3)) v(r);
SELECT portfolio.twr(r) FROM (VALUES (0.1), ('NaN'::float8)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.twr(r) FROM (VALUES (0.1), ('-Infinity'::float8)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.twr(r) FROM (VALUES (-1.5)) v(r);
\echo :LAST_ERROR_SQLSTATE
-- moving window (inverse transition) equals the product over the frame
SELECT t, round(portfolio.twr(r) OVER w::numeric, 12) AS twr_3
FROM (VALUES (1, 0.01), (2, 0.02), (3, -0.01), (4, 0.03), (5, -1.0), (6, 0.05)) v(t, r)
WINDOW w AS (ORDER BY t ROWS 2 PRECEDING) ORDER BY t;
-- a parallel plan (partial aggregates, serialize/combine) gives the serial answer
CREATE TABLE returns AS
SELECT i, 0.0005 + 0.01 * sin(i) AS r FROM generate_series(1, 200000) i;
ANALYZE returns;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT portfolio.twr(r) FROM returns;
SELECT portfolio.twr(r) AS parallel_twr FROM returns \gset
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT abs(portfolio.twr(r) / :parallel_twr - 1) < 1e-12 AS parallel_equals_serial FROM returns;
SELECT abs(portfolio.twr(r) / (exp(sum(ln(1 + r))) - 1) - 1) < 1e-9 AS matches_plain_sql FROM returns;
DROP TABLE returns;
