-- max_drawdown(r ORDER BY t), calmar(r, ppy ORDER BY t) and twr(value, flow ORDER BY t).
-- empyrical's fixture: daily [1, 10, -4, 2, 3, 2, 1, -10] %, max_drawdown 0.1
SELECT round(portfolio.max_drawdown(r ORDER BY t)::numeric, 12) AS empyrical_mdd
FROM unnest(ARRAY[0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10]) WITH ORDINALITY v(r, t);
-- PerformanceAnalytics managers HAM1: maxDrawdown 0.151773 (numpy 0.1517729054802286);
-- calmar = Return.annualized (0.137532) / maxDrawdown
CREATE TABLE managers (month date, ham1 float8);
\copy managers FROM PROGRAM 'cut -d, -f1,2 test/fixtures/managers.csv | tail -n +2' WITH (FORMAT csv)
SELECT round(portfolio.max_drawdown(ham1 ORDER BY month)::numeric, 6) AS ham1_mdd,
       abs(portfolio.max_drawdown(ham1 ORDER BY month) / 0.1517729054802286 - 1) < 1e-12 AS matches_numpy,
       round(portfolio.calmar(ham1, 12 ORDER BY month)::numeric, 6) AS ham1_calmar,
       abs(portfolio.calmar(ham1, 12 ORDER BY month)
           / ((exp(sum(ln(1 + ham1)) * 12 / count(*)) - 1) / 0.1517729054802286) - 1) < 1e-12 AS calmar_matches_plain_sql
FROM managers;
-- the order is the aggregate's ORDER BY: a gain between two losses splits the fall (0.1 vs 0.19)
SELECT round(portfolio.max_drawdown(r ORDER BY t)::numeric, 12) AS by_time,
       round(portfolio.max_drawdown(r ORDER BY r)::numeric, 12) AS losses_together
FROM unnest(ARRAY[-0.1, 0.5, -0.1]) WITH ORDINALITY v(r, t);
-- edges: empty -> NULL; a fall from the starting wealth counts; no fall -> 0 and calmar NULL; -100 %
SELECT portfolio.max_drawdown(r) IS NULL AS empty_is_null FROM managers, unnest(ARRAY[0.1]) r WHERE false;
SELECT round(portfolio.max_drawdown(r ORDER BY t)::numeric, 12) AS first_period_fall
FROM (VALUES (1, -0.2), (2, 0.1)) v(t, r);
SELECT portfolio.max_drawdown(r ORDER BY t) AS no_fall, portfolio.calmar(r ORDER BY t) IS NULL AS calmar_null
FROM (VALUES (1, 0.01), (2, 0.02)) v(t, r);
SELECT portfolio.max_drawdown(r ORDER BY t) AS wiped_out, portfolio.calmar(r, 12 ORDER BY t) AS calmar_wiped
FROM (VALUES (1, 0.5), (2, -1.0), (3, 0.2)) v(t, r);
SELECT portfolio.max_drawdown(r ORDER BY t) AS nulls_skipped FROM (VALUES (1, -0.1), (2, NULL), (3, 0.05)) v(t, r);
-- errors
SELECT portfolio.max_drawdown(r) FROM (VALUES ('Infinity'::float8)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.max_drawdown(r) FROM (VALUES (-1.5)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.calmar(r, 0) FROM (VALUES (0.01)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.calmar(r, p) FROM (VALUES (0.01, 12), (0.02, 252)) v(r, p);
\echo :LAST_ERROR_SQLSTATE
-- no combine function: order-dependent aggregates are never split into partial aggregates
SELECT aggfnoid::regprocedure, aggcombinefn FROM pg_aggregate
WHERE aggfnoid IN ('portfolio.max_drawdown(float8)'::regprocedure, 'portfolio.calmar(float8, integer)'::regprocedure,
                   'portfolio.twr(float8, float8)'::regprocedure) ORDER BY 1::text;
-- partitionwise aggregation on a partitioned table grouped by the partition key: serial answers
CREATE TABLE symbol_returns (symbol int, t int, r float8, value float8, flow float8) PARTITION BY LIST (symbol);
CREATE TABLE symbol_returns_0 PARTITION OF symbol_returns FOR VALUES IN (0, 1);
CREATE TABLE symbol_returns_1 PARTITION OF symbol_returns FOR VALUES IN (2, 3);
CREATE TABLE symbol_returns_2 PARTITION OF symbol_returns FOR VALUES IN (4);
INSERT INTO symbol_returns
SELECT s, t, 0.001 * s + 0.02 * sin(t * (s + 1) * 0.1), 1000 + 100 * sin(t * 0.2 + s), CASE WHEN t % 7 = 0 THEN 50 WHEN t % 11 = 0 THEN -30 ELSE 0 END
FROM generate_series(0, 4) s, generate_series(1, 3000) t;
ANALYZE symbol_returns;
CREATE TABLE serial_answers AS
SELECT symbol, portfolio.max_drawdown(r ORDER BY t) AS mdd, portfolio.calmar(r, 252 ORDER BY t) AS calmar,
       portfolio.twr(value, flow ORDER BY t) AS twr
FROM symbol_returns GROUP BY symbol;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF)
SELECT symbol, portfolio.max_drawdown(r ORDER BY t) FROM symbol_returns GROUP BY symbol;
SELECT count(*) AS groups,
       bool_and(s.mdd = p.mdd AND s.calmar = p.calmar AND s.twr = p.twr) AS partitionwise_equals_serial
FROM serial_answers s JOIN (
    SELECT symbol, portfolio.max_drawdown(r ORDER BY t) AS mdd, portfolio.calmar(r, 252 ORDER BY t) AS calmar,
           portfolio.twr(value, flow ORDER BY t) AS twr
    FROM symbol_returns GROUP BY symbol) p USING (symbol);
-- not grouped by the partition key: still one whole aggregate, same answer as without partitions
SELECT portfolio.max_drawdown(r ORDER BY symbol, t) = (SELECT portfolio.max_drawdown(r ORDER BY symbol, t)
                                                      FROM (SELECT * FROM symbol_returns) x OFFSET 0) AS ungrouped_equal
FROM symbol_returns;
RESET ALL;
-- twr with flows: deposits at the period start, withdrawals at its end
SELECT round(portfolio.twr(v, f ORDER BY t)::numeric, 12) AS twr_flows  -- 1.1 * 1.0 * 1.0625 - 1
FROM (VALUES (1, 1000, 1000), (2, 1100, 0), (3, 1600, 500), (4, 1500, -200)) x(t, v, f);
-- matches plain SQL chaining with window functions
SELECT abs(portfolio.twr(value, flow ORDER BY t) - (
    SELECT exp(sum(ln((value + greatest(-flow, 0)) / (prev + greatest(flow, 0))))) - 1
    FROM (SELECT t, value, flow, lag(value) OVER (ORDER BY t) AS prev FROM symbol_returns WHERE symbol = 2) w
    WHERE prev IS NOT NULL)) < 1e-12 AS matches_plain_sql
FROM symbol_returns WHERE symbol = 2;
SELECT portfolio.twr(v, f ORDER BY t) IS NULL AS one_row_is_null FROM (VALUES (1, 100, 0)) x(t, v, f);
SELECT portfolio.twr(v, f ORDER BY t) FROM (VALUES (1, 100, 0), (2, -5, 0)) x(t, v, f);
\echo :LAST_ERROR_SQLSTATE
DROP TABLE symbol_returns, serial_answers, managers;
