-- Two-step summaries: return_summary / pair_summary text and binary I/O, accessors, rollup of
-- stored daily summaries into monthly answers, and errors.
SET search_path = public, portfolio;

-- the text form is readable and carries every double with 17 significant digits
SELECT return_stats(r) FROM (VALUES (0.10), (-0.05), (0.02)) v(r);
SELECT n(s), mean(s), round(stddev(s)::numeric, 15) AS stddev, round(twr(s)::numeric, 15) AS twr,
       round(annualized_return(s, 3)::numeric, 15) AS one_year, round(skewness(s)::numeric, 12) AS skewness,
       round(kurtosis(s)::numeric, 12) AS excess_kurtosis
FROM (SELECT return_stats(r) AS s FROM (VALUES (0.10), (-0.05), (0.02)) v(r)) x;
SELECT pair_stats(r, rb) FROM (VALUES (0.10, 0.08), (-0.05, -0.04), (0.02, 0.03)) v(r, rb);
-- the accessors' defaults: ppy 252, rf 0, confidence 0.95
SELECT volatility(s) = volatility(s, 252) AND sharpe(s) = sharpe(s, 0, 252) AND sharpe(s, 0) = sharpe(s)
       AND annualized_return(s) = annualized_return(s, 252) AND var_gaussian(s) = var_gaussian(s, 0.95)
       AND cvar_gaussian(s) = cvar_gaussian(s, 0.95) AND var_cornish_fisher(s) = var_cornish_fisher(s, 0.95)
       AS return_summary_defaults
FROM (SELECT return_stats(r) AS s FROM (VALUES (0.10), (-0.05), (0.02), (0.01)) v(r)) x;
SELECT alpha(p) = alpha(p, 0, 252) AND tracking_error(p) = tracking_error(p, 252)
       AND information_ratio(p) = information_ratio(p, 252) AS pair_summary_defaults
FROM (SELECT pair_stats(r, rb) AS p FROM (VALUES (0.10, 0.08), (-0.05, -0.04), (0.02, 0.03)) v(r, rb)) x;
-- accessors agree with the one-step aggregates (same state, same formulas)
WITH g(r) AS (VALUES (0.10::float8), (-0.05), (0.02), (0.01)), x AS (SELECT return_stats(r) AS s FROM g)
SELECT volatility(s, 12) = (SELECT volatility(r, 12) FROM g) AS volatility,
       sharpe(s, 0.001, 12) = (SELECT sharpe(r, 0.001, 12) FROM g) AS sharpe_constant_rf,
       var_cornish_fisher(s, 0.99) = (SELECT var_cornish_fisher(r, 0.99) FROM g) AS var_cornish_fisher,
       twr(s) = (SELECT twr(r) FROM g) AS twr
FROM x;

-- text round trip is exact: every accessor of the re-read value is bit-identical
CREATE TABLE series AS
SELECT t, sym, 0.0004 * sym + 0.01 * sin(t * 0.37 * sym) + 0.004 * cos(t * 1.91) AS r,
       0.0003 + 0.008 * sin(t * 0.37 + 0.2) AS rb
FROM generate_series(1, 2000) t, generate_series(1, 3) sym;
CREATE TABLE summaries AS
SELECT sym, return_stats(r) AS s, pair_stats(r, rb) AS p FROM series GROUP BY sym;
SELECT sym, s::text::return_summary::text = s::text AS text_round_trip,
       p::text::pair_summary::text = p::text AS pair_text_round_trip,
       (SELECT kurtosis(s::text::return_summary) = kurtosis(s) AND var_cornish_fisher(s::text::return_summary) = var_cornish_fisher(s)
               AND twr(s::text::return_summary) = twr(s) AND sharpe(s::text::return_summary) = sharpe(s)) AS accessors_identical,
       (SELECT beta(p::text::pair_summary) = beta(p) AND tracking_error(p::text::pair_summary) = tracking_error(p)) AS pair_accessors_identical
FROM summaries ORDER BY sym;
-- whitespace is allowed between tokens
SELECT ' ( version : 1 , n : 2 , mean : 0.5 , m2 : 0.5 , m3 : 0 , m4 : 0.125 , log_growth : 0.6931471805599453 , log_growth_error : 0 , total_losses : 0 ) '::return_summary;
-- binary send/recv (COPY BINARY) round trip is exact
SELECT '/tmp/pgp_return_summary_' || pg_backend_pid() || '.bin' AS binfile \gset
\set read_and_remove 'cat ' :binfile ' && rm -f ' :binfile
COPY summaries TO :'binfile' WITH (FORMAT binary);
CREATE TABLE summaries_back (LIKE summaries);
COPY summaries_back FROM PROGRAM :'read_and_remove' WITH (FORMAT binary);
SELECT count(*) AS rows_back, bool_and(a.s::text = b.s::text AND a.p::text = b.p::text) AS binary_round_trip
FROM summaries a JOIN summaries_back b USING (sym);
SELECT length(return_summary_send(s)) AS send_bytes, get_byte(return_summary_send(s), 0) AS format_version,
       length(pair_summary_send(p)) AS pair_send_bytes
FROM summaries WHERE sym = 1;

-- rollup: daily summaries stored in a materialized view give monthly answers equal to the direct
-- computation over the raw rows (exact merge: equal to 1e-12 relative)
CREATE TABLE intraday AS
SELECT sym, timestamp '2024-01-01' + (t * interval '3 hours') AS ts,
       0.0001 * sym + 0.004 * sin(t * 0.37 * sym) + 0.001 * cos(t * 1.91) AS r,
       0.0001 + 0.003 * sin(t * 0.37 + 0.2) AS rb
FROM generate_series(1, 8 * 150) t, generate_series(1, 3) sym;
CREATE MATERIALIZED VIEW daily AS
SELECT sym, ts::date AS day, return_stats(r) AS s, pair_stats(r, rb) AS p FROM intraday GROUP BY sym, ts::date;
CREATE TABLE monthly_rollup AS
SELECT sym, date_trunc('month', day) AS month, rollup(s) AS s, rollup(p) AS p FROM daily GROUP BY 1, 2;
CREATE TABLE monthly_direct AS
SELECT sym, date_trunc('month', ts) AS month, return_stats(r) AS s, pair_stats(r, rb) AS p FROM intraday GROUP BY 1, 2;
SELECT count(*) AS months, bool_and(n(a.s) = n(b.s)) AS same_counts,
       bool_and(abs(mean(a.s) - mean(b.s)) <= 1e-12 * abs(mean(b.s))) AS mean,
       bool_and(abs(volatility(a.s) - volatility(b.s)) <= 1e-12 * volatility(b.s)) AS volatility,
       bool_and(abs(sharpe(a.s, 0.0001) - sharpe(b.s, 0.0001)) <= 1e-12 * abs(sharpe(b.s, 0.0001))) AS sharpe,
       bool_and(abs(skewness(a.s) - skewness(b.s)) <= 1e-12 * abs(skewness(b.s))) AS skewness,
       bool_and(abs(kurtosis(a.s) - kurtosis(b.s)) <= 1e-12 * abs(kurtosis(b.s))) AS kurtosis,
       bool_and(abs(twr(a.s) - twr(b.s)) <= 1e-12 * abs(twr(b.s))) AS twr,
       bool_and(abs(var_cornish_fisher(a.s) - var_cornish_fisher(b.s)) <= 1e-12 * abs(var_cornish_fisher(b.s))) AS var_cf,
       bool_and(abs(beta(a.p) - beta(b.p)) <= 1e-12 * abs(beta(b.p))) AS beta,
       bool_and(abs(alpha(a.p, 0.0001) - alpha(b.p, 0.0001)) <= 1e-12 * abs(alpha(b.p, 0.0001))) AS alpha,
       bool_and(abs(tracking_error(a.p) - tracking_error(b.p)) <= 1e-12 * tracking_error(b.p)) AS tracking_error,
       bool_and(abs(correlation(a.p) - correlation(b.p)) <= 1e-12 * abs(correlation(b.p))) AS correlation
FROM monthly_rollup a JOIN monthly_direct b USING (sym, month);
-- a year from the months, and everything from the years, still equal the direct computation
SELECT sym, abs(volatility(rollup(s)) / (SELECT volatility(r) FROM intraday i WHERE i.sym = m.sym) - 1) < 1e-12 AS all_time_volatility,
       n(rollup(s)) = (SELECT count(*) FROM intraday i WHERE i.sym = m.sym) AS all_time_count
FROM monthly_rollup m GROUP BY sym ORDER BY sym;
-- rollup as a moving window: rolling 7-day statistics from stored daily summaries equal the
-- direct computation over the raw rows of those 7 days (the inverse takes a day back out)
CREATE TABLE ticks AS
SELECT sym, timestamp '2024-01-01' + (t * interval '3 hours') AS ts,
       CASE WHEN t BETWEEN 400 AND 640 THEN 0.00001 * sin(t) /* a quiet stretch */ ELSE 0.0001 * sym + 0.004 * sin(t * 0.37 * sym) + 0.001 * cos(t * 1.91) END AS r,
       0.0001 + 0.003 * sin(t * 0.37 + 0.2) AS rb
FROM generate_series(1, 8 * 200) t, generate_series(1, 2) sym;
CREATE TABLE day_stats AS
SELECT sym, ts::date AS day, return_stats(r) AS s, pair_stats(r, rb) AS p FROM ticks GROUP BY sym, ts::date;
CREATE TABLE rolling AS
SELECT sym, day, rollup(s) OVER w AS s, rollup(p) OVER w AS p
FROM day_stats WINDOW w AS (PARTITION BY sym ORDER BY day ROWS 6 PRECEDING);
CREATE TABLE direct AS
SELECT d.sym, d.day, x.* FROM day_stats d, LATERAL (
    SELECT return_stats(r) AS s, pair_stats(r, rb) AS p FROM ticks t
    WHERE t.sym = d.sym AND t.ts::date BETWEEN d.day - 6 AND d.day) x
WHERE d.day - 6 >= (SELECT min(day) FROM day_stats);
SELECT count(*) AS windows,
       bool_and(n(a.s) = n(b.s) AND n(a.p) = n(b.p)) AS same_counts,
       bool_and(abs(volatility(a.s) - volatility(b.s)) <= 1e-9 * volatility(b.s)) AS volatility,
       bool_and(abs(sharpe(a.s) - sharpe(b.s)) <= 1e-9 * abs(sharpe(b.s))) AS sharpe,
       bool_and(abs(kurtosis(a.s) - kurtosis(b.s)) <= 1e-9 * abs(kurtosis(b.s))) AS kurtosis,
       bool_and(abs(skewness(a.s) - skewness(b.s)) <= 1e-9 * abs(skewness(b.s))) AS skewness,
       bool_and(abs(twr(a.s) - twr(b.s)) <= 1e-9 * abs(twr(b.s))) AS twr,
       bool_and(abs(beta(a.p) - beta(b.p)) <= 1e-9 * abs(beta(b.p))) AS beta,
       bool_and(abs(tracking_error(a.p) - tracking_error(b.p)) <= 1e-9 * tracking_error(b.p)) AS tracking_error,
       bool_and(abs(correlation(a.p) - correlation(b.p)) <= 1e-9 * abs(correlation(b.p))) AS correlation
FROM rolling a JOIN direct b USING (sym, day);
DROP TABLE direct, rolling, day_stats, ticks;
-- rollup under a parallel plan equals the serial one
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
CREATE TABLE many_days AS SELECT * FROM daily, generate_series(1, 200) copy;
ANALYZE many_days;
EXPLAIN (COSTS OFF) SELECT rollup(s) FROM many_days;
SELECT rollup(s)::text AS parallel_rollup FROM many_days \gset
SET max_parallel_workers_per_gather = 0;
SELECT abs(kurtosis(rollup(s)) / kurtosis(:'parallel_rollup'::return_summary) - 1) < 1e-12 AS parallel_equals_serial,
       n(rollup(s)) = n(:'parallel_rollup'::return_summary) AS same_count
FROM many_days;
RESET ALL;
SET search_path = public, portfolio;

-- empty and NULL
SELECT return_stats(r) IS NULL AS empty_stats, pair_stats(r, r) IS NULL AS empty_pair
FROM (VALUES (0.01::float8)) v(r) WHERE false;
SELECT rollup(s) IS NULL AS rollup_of_nulls FROM (VALUES (NULL::return_summary)) v(s);
SELECT n(s), stddev(s) IS NULL AS stddev_one_row, skewness(s) IS NULL AS skewness_zero_variance,
       var_gaussian(s) AS var_one_row
FROM (SELECT return_stats(r) AS s FROM (VALUES (0.01), (NULL)) v(r)) x;

-- errors: malformed text 22P02, out-of-range parameters 22023
SELECT 'garbage'::return_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '(version:1,n:2,mean:0.5,m2:-0.5,m3:0,m4:0.125,log_growth:0,log_growth_error:0,total_losses:0)'::return_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '(version:2,n:2,mean:0.5,m2:0.5,m3:0,m4:0.125,log_growth:0,log_growth_error:0,total_losses:0)'::return_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '(version:1,n:2,mean:0.5,m2:0.5,m3:0,m4:nan,log_growth:0,log_growth_error:0,total_losses:0)'::return_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '(version:1,n:2,mean:0.5,m2:0.5,m3:0,m4:0.125,log_growth:0,log_growth_error:0,total_losses:3)'::return_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT '(version:1,n:2,mean_r:0,mean_rb:0,mean_diff:0,m2_r:1,m2_rb:1,m2_diff:0,c_r_rb:1) trailing'::pair_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT volatility(s, 0) FROM summaries WHERE sym = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT var_gaussian(s, 1.0) FROM summaries WHERE sym = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT sharpe(s, -1) FROM summaries WHERE sym = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT alpha(p, 0, -252) FROM summaries WHERE sym = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT return_stats(r) FROM (VALUES ('NaN'::float8)) v(r);
\echo :LAST_ERROR_SQLSTATE
SELECT pair_stats(r, rb) FROM (VALUES (0.01, -2.0)) v(r, rb);
\echo :LAST_ERROR_SQLSTATE
CREATE TABLE stored (s return_summary);
-- a binary COPY row whose summary has format version 7: refused, not misread
COPY stored FROM PROGRAM $$printf 'PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0\0\1\0\0\0\101\7'; head -c 64 /dev/zero; printf '\377\377'$$ WITH (FORMAT binary);
\echo :LAST_ERROR_SQLSTATE
-- the same bytes with version 1 and n = 0 decode to an empty summary
COPY stored FROM PROGRAM $$printf 'PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0\0\1\0\0\0\101\1'; head -c 64 /dev/zero; printf '\377\377'$$ WITH (FORMAT binary);
SELECT s, n(s), stddev(s) IS NULL AS no_stddev FROM stored;
DROP TABLE stored;
DROP TABLE many_days;
DROP MATERIALIZED VIEW daily;
DROP TABLE monthly_rollup, monthly_direct, intraday, summaries_back, summaries, series;
