-- derive_cross_rates: EUR/CAD from EUR/USD and USD/CAD, each leg direct or inverted.
\i sql/include/fresh_install.sql
INSERT INTO portfolio.fx_rates (day, base, quote, rate, source) VALUES
    ('2024-01-02', 'EUR', 'USD', 1.10, 'test'), ('2024-01-02', 'USD', 'CAD', 1.35, 'test'),
    ('2024-01-03', 'EUR', 'USD', 1.08, 'test'), ('2024-01-03', 'CAD', 'USD', 0.75, 'test'),
    ('2024-01-04', 'EUR', 'USD', 1.09, 'test');                -- no second leg: nothing derived
SELECT portfolio.derive_cross_rates('EUR', 'CAD') AS stored;
SELECT day, base, quote, rate, source FROM portfolio.fx_rates WHERE source LIKE 'cross:%' ORDER BY day;
-- 1.10 * 1.35 = 1.485; 1.08 / 0.75 = 1.44
SELECT portfolio.derive_cross_rates('EUR', 'CAD') AS stored_again_unchanged;
-- a real quote for the pair is never overwritten by a derived one
UPDATE portfolio.fx_rates SET source = 'ecb', rate = 1.4801 WHERE day = '2024-01-02' AND base = 'EUR' AND quote = 'CAD';
SELECT portfolio.derive_cross_rates('EUR', 'CAD') AS stored_over_real;
SELECT rate, source FROM portfolio.fx_rates WHERE day = '2024-01-02' AND base = 'EUR' AND quote = 'CAD';
SELECT portfolio.derive_cross_rates('EUR', 'EUR');
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.derive_cross_rates('EUR', 'USD', 'USD');
\echo :LAST_ERROR_SQLSTATE
