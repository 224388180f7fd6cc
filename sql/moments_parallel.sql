-- The moment family under parallel plans (partial aggregates: serialize, deserialize, combine) and
-- partitionwise aggregation on a partitioned table: the same answers as a serial plan.
SET search_path = public, portfolio;
CREATE TABLE pr AS
SELECT i, 0.0004 + 0.012 * sin(i * 0.37) + 0.004 * cos(i * 1.91) AS r,
       0.0003 + 0.010 * sin(i * 0.37 + 0.2) AS rb, 0.0001 + 0.00001 * cos(i) AS rf
FROM generate_series(1, 200000) i;
ANALYZE pr;
-- The metrics compared, each named: one select list (psql puts it in for :metrics) over pr here
-- and over the partitioned prt below.
SELECT $$volatility(r, 252) AS volatility, sharpe(r, rf, 252) AS sharpe, sortino(r, rf, 252) AS sortino,
       annualized_return(r, 252) AS annualized_return, var_gaussian(r, 0.99) AS var_gaussian,
       cvar_gaussian(r) AS cvar_gaussian, var_cornish_fisher(r, 0.95) AS var_cornish_fisher,
       tracking_error(r, rb, 252) AS tracking_error, information_ratio(r, rb) AS information_ratio,
       beta(r, rb) AS beta, alpha(r, rb, rf, 252) AS alpha, kurtosis(return_stats(r)) AS kurtosis,
       correlation(pair_stats(r, rb)) AS correlation$$ AS metrics \gset
CREATE TEMP VIEW all_metrics AS SELECT :metrics FROM pr;
-- Each metric of a plan's row p against the serial row s, by name in column order: equal to 1e-12
-- relative (row_to_json keeps the columns' order and writes every float8 exactly).
CREATE FUNCTION pg_temp.agreement(p json, s json) RETURNS TABLE (metric text, agrees boolean)
LANGUAGE sql AS $$
    SELECT metric, abs(pv::float8 - sv::float8) <= 1e-12 * abs(sv::float8)
    FROM json_each_text(p) WITH ORDINALITY AS pm(metric, pv, n) JOIN json_each_text(s) AS sm(metric, sv) USING (metric)
    ORDER BY n
$$;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM all_metrics;

SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT * FROM all_metrics;
CREATE TEMP TABLE parallel AS SELECT * FROM all_metrics;
-- every metric equal to the serial one to 1e-12 relative
SELECT metric, agrees AS parallel_equals_serial
FROM serial s, parallel p, pg_temp.agreement(row_to_json(p), row_to_json(s));

-- a partitioned table: partitionwise aggregation splits the input by partition and combines
CREATE TABLE prt (i int, r float8, rb float8, rf float8) PARTITION BY RANGE (i);
CREATE TABLE prt_1 PARTITION OF prt FOR VALUES FROM (1) TO (50001);
CREATE TABLE prt_2 PARTITION OF prt FOR VALUES FROM (50001) TO (120001);
CREATE TABLE prt_3 PARTITION OF prt FOR VALUES FROM (120001) TO (200001);
INSERT INTO prt SELECT i, r, rb, rf FROM pr;
ANALYZE prt;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP VIEW all_metrics_parted AS SELECT :metrics FROM prt;
EXPLAIN (COSTS OFF) SELECT * FROM all_metrics_parted;
CREATE TEMP TABLE parted AS SELECT * FROM all_metrics_parted;
SELECT metric, agrees AS partitionwise_equals_serial
FROM serial s, parted p, pg_temp.agreement(row_to_json(p), row_to_json(s));
-- grouped by a key that is not the partition key: partial aggregates per partition, combined
SET max_parallel_workers_per_gather = 2;
SELECT g, abs(a.v - b.v) <= 1e-12 * abs(b.v) AS grouped_equal
FROM (SELECT i % 3 AS g, sharpe(r, rf) AS v FROM prt GROUP BY 1) a
JOIN (SELECT i % 3 AS g, sharpe(r, rf) AS v FROM pr GROUP BY 1) b USING (g) ORDER BY g;
-- the plain-SQL equivalents agree
SET max_parallel_workers_per_gather = 0;
SELECT abs(volatility(r, 252) / (stddev_samp(r) * sqrt(252)) - 1) < 1e-10 AS vol_matches_stddev_samp,
       abs(sharpe(r, 0, 252) / (avg(r) / stddev_samp(r) * sqrt(252)) - 1) < 1e-10 AS sharpe_matches_avg_stddev
FROM pr;
DROP VIEW all_metrics, all_metrics_parted;
DROP TABLE prt, pr;
RESET ALL;
