-- Partial partitionwise aggregation: grouped by a column that is NOT the partition key, each
-- partition computes partial states (passed in memory, not serialized) that a finalize step
-- combines. The combinable risk aggregates must give the serial answers. var_historical,
-- cvar_historical and xirr have no combine function (sql/parallel_contract.sql): in a query they
-- make the whole aggregation one step over the appended partitions, with the same answers.
CREATE TABLE part_returns (bucket int, g int, t int, r float8, rb float8) PARTITION BY LIST (bucket);
CREATE TABLE part_returns_a PARTITION OF part_returns FOR VALUES IN (0);
CREATE TABLE part_returns_b PARTITION OF part_returns FOR VALUES IN (1);
CREATE TABLE part_returns_c PARTITION OF part_returns FOR VALUES IN (2);
INSERT INTO part_returns
SELECT i % 3, i % 4, i, 0.0003 + 0.015 * sin(i * 0.77), 0.01 * cos(i * 0.19)
FROM generate_series(1, 30000) i;
ANALYZE part_returns;
CREATE TEMP TABLE serial AS
SELECT g, portfolio.var_historical(r, 0.99) AS var, portfolio.cvar_historical(r) AS cvar,
       portfolio.var_historical_approx(r) AS avar,
       portfolio.xirr(CASE WHEN t < 15000 THEN -1 ELSE 1.2 END * (1 + r), date '2000-01-01' + t / 10) AS xirr,
       portfolio.covariance(ARRAY[r, rb]) AS cov,
       portfolio.var_monte_carlo(ARRAY[r, rb], ARRAY[0.7, 0.3], 0.95, 1, 5000) AS mc,
       portfolio.component_var(ARRAY[r, rb], ARRAY[0.7, 0.3]) AS comp
FROM part_returns GROUP BY g;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
SET enable_hashagg = on;
EXPLAIN (COSTS OFF) SELECT g, portfolio.var_historical_approx(r, 0.99) FROM part_returns GROUP BY g;
SELECT count(*) AS groups,
       bool_and(s.avar = p.avar) AS approx_equal,
       bool_and((SELECT bool_and(abs(a - b) <= 1e-12 * abs(b)) FROM unnest(s.cov, p.cov) u(a, b))) AS covariance_equal,
       bool_and(abs(s.mc - p.mc) <= 1e-9 * abs(s.mc)) AS monte_carlo_equal,
       bool_and((SELECT bool_and(abs(a - b) <= 1e-12 * abs(b)) FROM unnest(s.comp, p.comp) u(a, b))) AS component_equal
FROM serial s JOIN (
    SELECT g, portfolio.var_historical_approx(r) AS avar,
           portfolio.covariance(ARRAY[r, rb]) AS cov,
           portfolio.var_monte_carlo(ARRAY[r, rb], ARRAY[0.7, 0.3], 0.95, 1, 5000) AS mc,
           portfolio.component_var(ARRAY[r, rb], ARRAY[0.7, 0.3]) AS comp
    FROM part_returns GROUP BY g) p USING (g);
-- the aggregates without a combine function: one aggregation step above the Append
EXPLAIN (COSTS OFF) SELECT g, portfolio.var_historical(r, 0.99) FROM part_returns GROUP BY g;
SELECT count(*) AS groups,
       bool_and(s.var = p.var) AS var_equal, bool_and(s.cvar = p.cvar) AS cvar_equal,
       bool_and(abs(s.xirr - p.xirr) <= 1e-12 * abs(s.xirr)) AS xirr_equal
FROM serial s JOIN (
    SELECT g, portfolio.var_historical(r, 0.99) AS var, portfolio.cvar_historical(r) AS cvar,
           portfolio.xirr(CASE WHEN t < 15000 THEN -1 ELSE 1.2 END * (1 + r), date '2000-01-01' + t / 10) AS xirr
    FROM part_returns GROUP BY g) p USING (g);
-- the same with sorted (GroupAggregate) partial aggregates, whose memory is reset between groups
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT g, portfolio.var_historical_approx(r, 0.99) FROM part_returns GROUP BY g;
SELECT count(*) AS groups, bool_and(s.avar = p.avar) AS sorted_partials_equal,
       bool_and((SELECT bool_and(abs(a - b) <= 1e-12 * abs(b)) FROM unnest(s.cov, p.cov) u(a, b))) AS covariance_equal
FROM serial s JOIN (
    SELECT g, portfolio.var_historical_approx(r) AS avar, portfolio.covariance(ARRAY[r, rb]) AS cov
    FROM part_returns GROUP BY g) p USING (g);
RESET ALL;
DROP TABLE part_returns;
