-- The user data of test/suites/upgrade.sh: loaded into a 0.1 install before ALTER EXTENSION
-- UPDATE and into a fresh 0.2 install, so the two can be compared view by view. Every date and
-- every column with a now() default is pinned, so the numbers do not depend on the day it runs.
-- Plain INSERTs with named columns only: this must load into 0.1 and into every later version.
SELECT portfolio.ensure_quote_partitions('2024-01-01', '2024-03-31');

INSERT INTO portfolio.instruments (symbol, name, currency, asset_class, sector) VALUES
    ('AAA', 'Alpha Inc', 'USD', 'equity', 'tech'),
    ('EEE', 'Echo SE',   'EUR', 'equity', 'industry'),
    ('BMK', 'Benchmark', 'USD', 'index',  NULL);
INSERT INTO portfolio.portfolios (name, owner, base_currency, benchmark_symbol, cost_method, created_at) VALUES
    ('main',  'postgres', 'USD', 'BMK', 'average', '2024-01-01 00:00+00'),
    ('euro',  'postgres', 'EUR', NULL,  'fifo',    '2024-01-01 00:00+00');

-- Portfolio 1 (average cost), the hand-worked ledger: bought 100@95 + 200@105 = 30,500 for 300,
-- sold 150@110: average 101.6667, realized 150 × (110 − 101.6667) = 1,250, invested 15,250.
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, fees, amount, currency, external_id) VALUES
    (1, NULL,  '2024-01-02 09:00+00', 'deposit',  NULL, NULL, 0, 40000, NULL,  'm1'),
    (1, NULL,  '2024-01-02 09:00+00', 'deposit',  NULL, NULL, 0, 1000,  'EUR', 'm2'),
    (1, 'AAA', '2024-01-02 15:00+00', 'buy',      100,  95,   0, NULL,  NULL,  'm3'),
    (1, 'AAA', '2024-01-03 15:00+00', 'buy',      200,  105,  0, NULL,  NULL,  'm4'),
    (1, 'AAA', '2024-01-04 15:00+00', 'sell',     150,  110,  0, NULL,  NULL,  'm5'),
    (1, 'EEE', '2024-01-03 15:00+00', 'buy',      10,   90,   0, NULL,  NULL,  'm6'),
    (1, 'AAA', '2024-02-15 12:00+00', 'dividend', NULL, NULL, 0, 75,    NULL,  'm7');
-- Portfolio 2 (FIFO, EUR base): a 2:1 split, a fee and a withdrawal.
-- bought 20@88 = 1,760 and 10@92 = 920; split 2:1 → 60 shares at cost 2,680; sold 30 (the first
-- lot's 40 split shares, cost 1,760 × 30/40 = 1,320) at 47 = 1,410: realized 90, 30 left at 1,360.
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, fees, amount, currency, external_id) VALUES
    (2, NULL,  '2024-01-05 09:00+00', 'deposit',    NULL, NULL, 0, 5000, NULL, 'e1'),
    (2, 'EEE', '2024-01-05 15:00+00', 'buy',        20,   88,   0, NULL, NULL, 'e2'),
    (2, 'EEE', '2024-01-10 15:00+00', 'buy',        10,   92,   0, NULL, NULL, 'e3'),
    (2, 'EEE', '2024-02-01 08:00+00', 'split',      2,    NULL, 0, NULL, NULL, 'e4'),
    (2, 'EEE', '2024-02-20 15:00+00', 'sell',       30,   47,   0, NULL, NULL, 'e5'),
    (2, NULL,  '2024-03-01 09:00+00', 'fee',        NULL, NULL, 5, NULL, NULL, 'e6'),
    (2, NULL,  '2024-03-04 09:00+00', 'withdrawal', NULL, NULL, 0, 500,  NULL, 'e7');

-- Business-day closes for January to March 2024 from fixed formulas (EEE halves at the split).
INSERT INTO portfolio.quotes (symbol, ts, close, source, fetched_at)
SELECT s.symbol, d::date::timestamp AT TIME ZONE 'UTC',
       round(CASE s.symbol
           WHEN 'AAA' THEN 100 + 8 * sin(i * 0.3) + i * 0.2
           WHEN 'EEE' THEN (90 + 3 * cos(i * 0.2)) / CASE WHEN d >= '2024-02-01' THEN 2 ELSE 1 END
           ELSE 4000 + 60 * sin(i * 0.25) + i
       END::numeric, 2),
       'upgrade-test', '2024-04-01 00:00+00'
FROM generate_series(date '2024-01-02', date '2024-03-29', interval '1 day') WITH ORDINALITY g(d, i),
     (VALUES ('AAA'), ('EEE'), ('BMK')) s(symbol)
WHERE extract(isodow FROM d) < 6;
INSERT INTO portfolio.fx_rates (day, base, quote, rate, source, fetched_at)
SELECT d::date, 'EUR', 'USD', round((1.08 + 0.02 * sin(i * 0.4))::numeric, 4), 'upgrade-test', '2024-04-01 00:00+00'
FROM generate_series(date '2024-01-02', date '2024-03-29', interval '1 day') WITH ORDINALITY g(d, i)
WHERE extract(isodow FROM d) < 6;
INSERT INTO portfolio.settings VALUES ('fx_max_staleness_days', 30);
INSERT INTO portfolio.watchlist (portfolio_id, symbol) VALUES (1, 'BMK');
INSERT INTO portfolio.risk_limits (portfolio_id, rule, warn_at, breach_at) VALUES (1, 'position_concentration', 0.5, 0.9);
CALL portfolio.refresh();

-- Two-step summaries kept in a user's own table, the way docs/metrics.md suggests storing them:
-- in the upgraded database these bytes were written by 0.1 and must still read in 0.2.
CREATE TABLE public.stored_summaries (
    symbol text PRIMARY KEY,
    rs     portfolio.return_summary,
    ps     portfolio.pair_summary,
    qs     portfolio.quantile_sketch
);
INSERT INTO public.stored_summaries
SELECT r.symbol, portfolio.return_stats(r.r), portfolio.pair_stats(r.r, b.r), portfolio.quantile_sketch(r.r)
FROM (SELECT symbol, ts, (close / lag(close) OVER (PARTITION BY symbol ORDER BY ts) - 1)::float8 AS r
      FROM portfolio.quotes) r
JOIN (SELECT ts, (close / lag(close) OVER (ORDER BY ts) - 1)::float8 AS r
      FROM portfolio.quotes WHERE symbol = 'BMK') b USING (ts)
WHERE r.symbol <> 'BMK'
GROUP BY r.symbol;
