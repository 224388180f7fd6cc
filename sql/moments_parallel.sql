-- The moment family under parallel plans (partial aggregates: serialize, deserialize, combine) and
-- partitionwise aggregation on a partitioned table: the same answers as a serial plan.
SET search_path = public, portfolio;
CREATE TABLE pr AS
SELECT i, 0.0004 + 0.012 * sin(i * 0.37) + 0.004 * cos(i * 1.91) AS r,
       0.0003 + 0.010 * sin(i * 0.37 + 0.2) AS rb, 0.0001 + 0.00001 * cos(i) AS rf
FROM generate_series(1, 200000) i;
ANALYZE pr;
CREATE TEMP VIEW all_metrics AS
SELECT volatility(r, 252) AS vol, sharpe(r, rf, 252) AS sh, sortino(r, rf, 252) AS so,
       annualized_return(r, 252) AS ar, var_gaussian(r, 0.99) AS vg, cvar_gaussian(r) AS cg,
       var_cornish_fisher(r, 0.95) AS vcf, tracking_error(r, rb, 252) AS te,
       information_ratio(r, rb) AS ir, beta(r, rb) AS be, alpha(r, rb, rf, 252) AS al,
       kurtosis(return_stats(r)) AS ku, correlation(pair_stats(r, rb)) AS co
FROM pr;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM all_metrics;

SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT * FROM all_metrics;
CREATE TEMP TABLE parallel AS SELECT * FROM all_metrics;
-- every metric equal to the serial one to 1e-12 relative
SELECT m.metric, abs(m.p - m.s) <= 1e-12 * abs(m.s) AS parallel_equals_serial
FROM serial s, parallel p, LATERAL (VALUES
    ('volatility', p.vol, s.vol), ('sharpe', p.sh, s.sh), ('sortino', p.so, s.so),
    ('annualized_return', p.ar, s.ar), ('var_gaussian', p.vg, s.vg), ('cvar_gaussian', p.cg, s.cg),
    ('var_cornish_fisher', p.vcf, s.vcf), ('tracking_error', p.te, s.te),
    ('information_ratio', p.ir, s.ir), ('beta', p.be, s.be), ('alpha', p.al, s.al),
    ('kurtosis', p.ku, s.ku), ('correlation', p.co, s.co)) m(metric, p, s);

-- a partitioned table: partitionwise aggregation splits the input by partition and combines
CREATE TABLE prt (i int, r float8, rb float8, rf float8) PARTITION BY RANGE (i);
CREATE TABLE prt_1 PARTITION OF prt FOR VALUES FROM (1) TO (50001);
CREATE TABLE prt_2 PARTITION OF prt FOR VALUES FROM (50001) TO (120001);
CREATE TABLE prt_3 PARTITION OF prt FOR VALUES FROM (120001) TO (200001);
INSERT INTO prt SELECT i, r, rb, rf FROM pr;
ANALYZE prt;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP VIEW all_metrics_parted AS
SELECT volatility(r, 252) AS vol, sharpe(r, rf, 252) AS sh, sortino(r, rf, 252) AS so,
       annualized_return(r, 252) AS ar, var_gaussian(r, 0.99) AS vg, cvar_gaussian(r) AS cg,
       var_cornish_fisher(r, 0.95) AS vcf, tracking_error(r, rb, 252) AS te,
       information_ratio(r, rb) AS ir, beta(r, rb) AS be, alpha(r, rb, rf, 252) AS al,
       kurtosis(return_stats(r)) AS ku, correlation(pair_stats(r, rb)) AS co
FROM prt;
EXPLAIN (COSTS OFF) SELECT * FROM all_metrics_parted;
CREATE TEMP TABLE parted AS SELECT * FROM all_metrics_parted;
SELECT m.metric, abs(m.p - m.s) <= 1e-12 * abs(m.s) AS partitionwise_equals_serial
FROM serial s, parted p, LATERAL (VALUES
    ('volatility', p.vol, s.vol), ('sharpe', p.sh, s.sh), ('sortino', p.so, s.so),
    ('annualized_return', p.ar, s.ar), ('var_gaussian', p.vg, s.vg), ('cvar_gaussian', p.cg, s.cg),
    ('var_cornish_fisher', p.vcf, s.vcf), ('tracking_error', p.te, s.te),
    ('information_ratio', p.ir, s.ir), ('beta', p.be, s.be), ('alpha', p.al, s.al),
    ('kurtosis', p.ku, s.ku), ('correlation', p.co, s.co)) m(metric, p, s);
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
