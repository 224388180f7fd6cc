-- Moving windows: every moment aggregate OVER (ORDER BY t ROWS 59 PRECEDING) uses its inverse
-- transition (O(1) a row) and must equal a fresh aggregate over the same 60 rows to 1e-9 relative,
-- across 5000 rows with regime changes that make downdating cancel: volatility falling 100-fold,
-- a stretch of constant returns (zero variance), an outlier, and NULLs. Where a downdate could have
-- lost accuracy the inverse returns NULL and PostgreSQL recomputes that frame.
SET search_path = public, portfolio;
CREATE TABLE w AS
SELECT t,
       CASE WHEN t % 97 = 0 THEN NULL
            WHEN t <= 1500 THEN 0.0005 + 0.01 * sin(t * 0.37) + 0.003 * cos(t * 1.91)
            WHEN t <= 2500 THEN 0.0002 + 0.0001 * sin(t * 0.37)
            WHEN t <= 2700 THEN 0.001
            WHEN t = 3000 THEN 0.5
            ELSE -0.0003 + 0.02 * sin(t * 0.73) + 0.01 * cos(t * 2.3) END AS r,
       0.0002 + 0.008 * sin(t * 0.37 + 0.3) + 0.001 * cos(t * 0.11) AS rb,
       0.0001 + 0.00002 * sin(t * 0.05) AS rf
FROM generate_series(1, 5000) t;
CREATE TABLE moving AS
SELECT t,
       volatility(r, 252) OVER f AS vol, sharpe(r, rf, 252) OVER f AS sh,
       sortino(r, rf, 252) OVER f AS so, annualized_return(r, 252) OVER f AS ar,
       var_gaussian(r) OVER f AS vg, cvar_gaussian(r, 0.99) OVER f AS cg,
       var_cornish_fisher(r) OVER f AS vcf, tracking_error(r, rb) OVER f AS te,
       information_ratio(r, rb) OVER f AS ir, beta(r, rb) OVER f AS be,
       alpha(r, rb, rf, 252) OVER f AS al,
       return_stats(r) OVER f AS s, pair_stats(r, rb) OVER f AS p
FROM w WINDOW f AS (ORDER BY t ROWS 59 PRECEDING);
CREATE TABLE fresh AS
SELECT w0.t, x.* FROM w w0, LATERAL (
    SELECT volatility(r, 252) AS vol, sharpe(r, rf, 252) AS sh, sortino(r, rf, 252) AS so,
           annualized_return(r, 252) AS ar, var_gaussian(r) AS vg, cvar_gaussian(r, 0.99) AS cg,
           var_cornish_fisher(r) AS vcf, tracking_error(r, rb) AS te, information_ratio(r, rb) AS ir,
           beta(r, rb) AS be, alpha(r, rb, rf, 252) AS al, return_stats(r) AS s, pair_stats(r, rb) AS p
    FROM w w1 WHERE w1.t BETWEEN w0.t - 59 AND w0.t) x;
CREATE TABLE compared AS
SELECT t, metric, a, b,
       (a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-9 * abs(b) AS ok
FROM moving m JOIN fresh f USING (t), LATERAL (VALUES
    ('volatility', m.vol, f.vol), ('sharpe', m.sh, f.sh), ('sortino', m.so, f.so),
    ('annualized_return', m.ar, f.ar), ('var_gaussian', m.vg, f.vg), ('cvar_gaussian', m.cg, f.cg),
    ('var_cornish_fisher', m.vcf, f.vcf), ('tracking_error', m.te, f.te),
    ('information_ratio', m.ir, f.ir), ('beta', m.be, f.be), ('alpha', m.al, f.al),
    ('summary stddev', stddev(m.s), stddev(f.s)), ('summary skewness', skewness(m.s), skewness(f.s)),
    ('summary kurtosis', kurtosis(m.s), kurtosis(f.s)), ('summary twr', twr(m.s), twr(f.s)),
    ('summary sharpe', sharpe(m.s, 0.0001), sharpe(f.s, 0.0001)),
    ('pair beta', beta(m.p), beta(f.p)), ('pair correlation', correlation(m.p), correlation(f.p)),
    ('pair tracking_error', tracking_error(m.p), tracking_error(f.p)),
    ('pair information_ratio', information_ratio(m.p), information_ratio(f.p))) v(metric, a, b);
SELECT metric, count(*) AS rows, count(*) FILTER (WHERE ok) AS within_1e9,
       count(*) FILTER (WHERE a IS NULL) AS null_results
FROM compared GROUP BY metric ORDER BY metric;
SELECT t, metric, a, b FROM compared WHERE NOT ok OR ok IS NULL ORDER BY t, metric LIMIT 10;
-- the zero-variance stretch really is zero (not a cancellation residue) and gives NULL ratios
SELECT count(*) FILTER (WHERE vol = 0) AS constant_windows, count(*) FILTER (WHERE sharpe(s) IS NULL) AS null_summary_sharpe
FROM moving WHERE t BETWEEN 2560 AND 2700;
-- a RANGE frame over dates with gaps (several rows enter and leave at once) and a partition
CREATE TABLE dated AS
SELECT sym, date '2024-01-01' + (t * 7 / 5) AS day, r FROM w, generate_series(1, 2) sym WHERE t <= 1500;
SELECT count(*) AS range_rows,
       bool_and((a IS NULL AND b IS NULL) OR abs(a - b) <= 1e-9 * abs(b)) AS range_frames_equal
FROM (SELECT d.sym, d.day,
             kurtosis(return_stats(d.r * d.sym) OVER (PARTITION BY d.sym ORDER BY d.day RANGE BETWEEN '30 days' PRECEDING AND CURRENT ROW)) AS a,
             (SELECT kurtosis(return_stats(e.r * e.sym)) FROM dated e
              WHERE e.sym = d.sym AND e.day BETWEEN d.day - 30 AND d.day) AS b
      FROM dated d) x;
DROP TABLE dated, compared, fresh, moving, w;
