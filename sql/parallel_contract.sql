-- Parallel plans never lose (issue 15). The contract: an aggregate has a combine function (and so
-- may be split across parallel workers) only when a second worker makes it faster
-- (bench/analytics.sh, docs/benchmarks.md). Those that must hold every row (var_historical,
-- cvar_historical, xirr: their partial state is the rows themselves) and the order-dependent ones
-- have none. Every aggregate stays PARALLEL SAFE, which it is: without a combine function a
-- parallel query still runs it whole, in one process.
SET search_path = public, portfolio;
SELECT a.aggcombinefn <> 0 AS combinable, p.proname AS aggregate, count(*) AS overloads,
       -- an internal state crosses to the leader only through serialize/deserialize
       bool_and(a.aggtranstype <> 'internal'::regtype
                OR (a.aggcombinefn <> 0) = (a.aggserialfn <> 0 AND a.aggdeserialfn <> 0)) AS serial_iff_combine,
       bool_and(p.proparallel = 's') AS parallel_safe
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'portfolio'::regnamespace
GROUP BY 1, 2 ORDER BY 1, 2;

-- Those that keep a combine function give the serial answers under a parallel plan in which the
-- workers do all the work (the leader only combines). Floating-point sums are added in another
-- order, so moments agree to 1e-12 relative (Monte Carlo, whose draws amplify them, to 1e-9); the
-- quantile sketches count into fixed buckets and are identical.
CREATE TABLE pc AS
SELECT i, 0.0004 + 0.012 * sin(i * 0.37) + 0.004 * cos(i * 1.91) AS r,
       0.0003 + 0.010 * sin(i * 0.37 + 0.2) AS rb, 0.0001 + 0.00001 * cos(i) AS rf
FROM generate_series(1, 200000) i;
ANALYZE pc;
-- stored summaries of 2,000 slices, for the rollups
CREATE TABLE pc_summaries AS
SELECT i % 2000 AS slice, return_stats(r) AS rs, pair_stats(r, rb) AS ps, quantile_sketch(r) AS qs
FROM pc GROUP BY 1;
ANALYZE pc_summaries;
CREATE TEMP VIEW combinable AS
SELECT twr(r) AS twr, annualized_return(r, 252) AS ar, volatility(r, 252) AS vol,
       sharpe(r, rf, 252) AS sh, sortino(r, rf, 252) AS so, var_gaussian(r, 0.99) AS vg,
       cvar_gaussian(r) AS cg, var_cornish_fisher(r, 0.95) AS vcf, beta(r, rb) AS be,
       alpha(r, rb, rf, 252) AS al, tracking_error(r, rb, 252) AS te, information_ratio(r, rb) AS ir,
       return_stats(r) AS rs, pair_stats(r, rb) AS ps,
       var_historical_approx(r, 0.99) AS avar, cvar_historical_approx(r) AS acvar,
       quantile_sketch(r)::text AS qs,
       covariance(ARRAY[r, rb]) AS cov, correlation(ARRAY[r, rb]) AS cor,
       var_monte_carlo(ARRAY[r, rb], ARRAY[0.7, 0.3], 0.95, 1, 5000, 42) AS mc,
       component_var(ARRAY[r, rb], ARRAY[0.7, 0.3]) AS comp
FROM pc;
-- and the three without a combine function (below)
CREATE TEMP VIEW whole_history AS
SELECT var_historical(r, 0.99) AS var, cvar_historical(r, 0.99) AS cvar,
       xirr(CASE WHEN i <= 100000 THEN -1 ELSE 1.1 END * (1 + r), date '2000-01-01' + i / 40) AS xirr
FROM pc;
CREATE TEMP VIEW rollups AS
SELECT rollup(rs) AS rs, rollup(ps) AS ps, rollup(qs)::text AS qs FROM pc_summaries;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM combinable;
CREATE TEMP TABLE serial_rollups AS SELECT * FROM rollups;
CREATE TEMP TABLE serial_whole AS SELECT * FROM whole_history;

SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) SELECT * FROM combinable;
EXPLAIN (COSTS OFF) SELECT * FROM rollups;
CREATE TEMP TABLE parallel AS SELECT * FROM combinable;
CREATE TEMP TABLE parallel_rollups AS SELECT * FROM rollups;

CREATE FUNCTION pg_temp.close(a float8, b float8, tolerance float8 = 1e-12) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= tolerance * abs(b) $$;
CREATE FUNCTION pg_temp.close(a float8[], b float8[], tolerance float8 = 1e-12) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$
    SELECT cardinality(a) = cardinality(b) AND bool_and(abs(x - y) <= tolerance * abs(y))
    FROM unnest(a, b) u(x, y) $$;
SELECT m.aggregate, m.equal AS parallel_equals_serial
FROM serial s, parallel p, LATERAL (VALUES
    ('twr', pg_temp.close(p.twr, s.twr)), ('annualized_return', pg_temp.close(p.ar, s.ar)),
    ('volatility', pg_temp.close(p.vol, s.vol)), ('sharpe', pg_temp.close(p.sh, s.sh)),
    ('sortino', pg_temp.close(p.so, s.so)), ('var_gaussian', pg_temp.close(p.vg, s.vg)),
    ('cvar_gaussian', pg_temp.close(p.cg, s.cg)), ('var_cornish_fisher', pg_temp.close(p.vcf, s.vcf)),
    ('beta', pg_temp.close(p.be, s.be)), ('alpha', pg_temp.close(p.al, s.al)),
    ('tracking_error', pg_temp.close(p.te, s.te)), ('information_ratio', pg_temp.close(p.ir, s.ir)),
    ('return_stats', n(p.rs) = 200000 AND n(p.rs) = n(s.rs) AND pg_temp.close(volatility(p.rs), volatility(s.rs))
                     AND pg_temp.close(kurtosis(p.rs), kurtosis(s.rs)) AND pg_temp.close(twr(p.rs), twr(s.rs))),
    ('pair_stats', n(p.ps) = 200000 AND n(p.ps) = n(s.ps) AND pg_temp.close(beta(p.ps), beta(s.ps))
                   AND pg_temp.close(correlation(p.ps), correlation(s.ps))),
    ('var_historical_approx', p.avar = s.avar), ('cvar_historical_approx', p.acvar = s.acvar),
    ('quantile_sketch', p.qs = s.qs),
    ('covariance', pg_temp.close(p.cov, s.cov)), ('correlation', pg_temp.close(p.cor, s.cor)),
    ('var_monte_carlo', pg_temp.close(p.mc, s.mc, 1e-9)), ('component_var', pg_temp.close(p.comp, s.comp))
) m(aggregate, equal);
SELECT m.aggregate, m.equal AS parallel_equals_serial
FROM serial_rollups s, parallel_rollups p, LATERAL (VALUES
    ('rollup(return_summary)', n(p.rs) = 200000 AND pg_temp.close(volatility(p.rs), volatility(s.rs))
                               AND pg_temp.close(kurtosis(p.rs), kurtosis(s.rs))),
    ('rollup(pair_summary)', n(p.ps) = 200000 AND pg_temp.close(beta(p.ps), beta(s.ps))),
    ('rollup(quantile_sketch)', p.qs = s.qs)
) m(aggregate, equal);

-- Those without one: even with parallel plans made free, the workers only scan and the aggregate
-- runs whole above the Gather (no Partial Aggregate), with the serial answers (the rows arrive in
-- another order: the exact quantile is the same value, the tail mean and XIRR agree to 1e-12).
EXPLAIN (COSTS OFF) SELECT * FROM whole_history;
SELECT p.var = s.var AS var_equal, pg_temp.close(p.cvar, s.cvar) AS cvar_equal,
       pg_temp.close(p.xirr, s.xirr) AS xirr_equal, s.xirr > 0 AS xirr_found
FROM serial_whole s, whole_history p;
RESET ALL;
DROP VIEW combinable, rollups, whole_history;
DROP TABLE pc, pc_summaries;
