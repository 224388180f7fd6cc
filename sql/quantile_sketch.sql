-- portfolio.quantile_sketch: a storable, mergeable approximate-quantile sketch.
CREATE TABLE tick_returns AS
SELECT i, i % 20 AS day, 0.0002 + 0.01 * sin(i * 0.61) * (1 + (i % 7) / 3.0) AS r
FROM generate_series(1, 20000) i;
-- one stored sketch per day (what a materialized view would hold)
CREATE TABLE daily_sketches AS SELECT day, portfolio.quantile_sketch(r) AS s FROM tick_returns GROUP BY day;
SELECT count(*) AS days, min(length(s::text)) > 0 AS has_text FROM daily_sketches;
-- rolling the daily sketches up is exact: identical to one sketch over all rows
SELECT (SELECT portfolio.rollup(s)::text FROM daily_sketches) = (SELECT portfolio.quantile_sketch(r)::text FROM tick_returns)
       AS rollup_is_exact;
-- accessors agree with the one-step aggregates, and stay within 1 % of the exact figures
SELECT portfolio.var_historical_approx(s) = (SELECT portfolio.var_historical_approx(r) FROM tick_returns) AS var_same_as_aggregate,
       portfolio.cvar_historical_approx(s, 0.99) = (SELECT portfolio.cvar_historical_approx(r, 0.99) FROM tick_returns) AS cvar_same_as_aggregate,
       abs(portfolio.var_historical_approx(s, 0.99) / (SELECT portfolio.var_historical(r, 0.99) FROM tick_returns) - 1) <= 0.01 AS var_99_within_1pct,
       abs(portfolio.quantile(s, 0.5) - (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY r) FROM tick_returns))
           <= 0.01 * (SELECT max(abs(r)) FROM tick_returns) AS median_within_bound,
       portfolio.num_values(s) AS n
FROM (SELECT portfolio.rollup(s) AS s FROM daily_sketches) x;
-- text form: readable, exact round trip
SELECT portfolio.quantile_sketch(r) AS small FROM (VALUES (0.01), (-0.02), (0), (0.011), (NULL)) v(r);
SELECT s::text::portfolio.quantile_sketch::text = s::text AS text_round_trip FROM daily_sketches WHERE day = 3;
SELECT round(portfolio.var_historical_approx('n=4;zero=1;neg=840:1;pos=805:1,0,0,0,0,1'::portfolio.quantile_sketch)::numeric, 6) AS from_text;
-- binary send/recv round trip (COPY BINARY)
CREATE TEMP TABLE sketch_copy (day int, s portfolio.quantile_sketch);
COPY (SELECT day, s FROM daily_sketches) TO '/tmp/pg_portfolio_sketch_regress.bin' (FORMAT binary);
COPY sketch_copy FROM '/tmp/pg_portfolio_sketch_regress.bin' (FORMAT binary);
SELECT count(*) AS copied, bool_and(c.s::text = d.s::text) AS binary_round_trip
FROM sketch_copy c JOIN daily_sketches d USING (day);
-- empty -> NULL; rollup skips NULL sketches
SELECT portfolio.quantile_sketch(r) IS NULL AS empty_is_null FROM tick_returns WHERE false;
SELECT portfolio.num_values(portfolio.rollup(s)) AS rollup_skips_null FROM (SELECT s FROM daily_sketches UNION ALL SELECT NULL) x;
-- errors
SELECT 'n=2;zero=0;neg=;pos=5:1'::portfolio.quantile_sketch;
\echo :LAST_ERROR_SQLSTATE
SELECT 'n=1;zero=0;neg=;pos=9999:1'::portfolio.quantile_sketch;
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.quantile(s, 1.5) FROM daily_sketches WHERE day = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.var_historical_approx(s, 1) FROM daily_sketches WHERE day = 1;
\echo :LAST_ERROR_SQLSTATE
DROP TABLE tick_returns, daily_sketches;
