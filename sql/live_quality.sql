-- data_quality and data_quality_positions on hand-made quote histories, as of a pinned day.
\set VERBOSITY terse
\i sql/include/fresh_install.sql
SET client_min_messages = warning;
-- a pinned report day instead of the wall clock: Friday 13 June 2025
SET portfolio.as_of = '2025-06-13';
SELECT portfolio.ensure_quote_partitions('2025-04-01', '2025-06-30') AS partitions;
INSERT INTO portfolio.instruments (symbol, currency) VALUES
    ('DQ_OK', 'USD'), ('DQ_GAP', 'USD'), ('DQ_STALE', 'USD'), ('DQ_JUMP', 'USD'), ('DQ_SPLIT', 'USD'),
    ('DQ_WATCH', 'USD'), ('DQ_BENCH', 'USD'), ('DQ_EUR', 'EUR'), ('DQ_NONE', 'USD');
-- weekdays before the as-of day, k = 1 the most recent
CREATE TEMP TABLE wd AS
SELECT d::date AS day, row_number() OVER (ORDER BY d DESC) AS k
FROM generate_series(portfolio.as_of() - 45, portfolio.as_of() - 1, interval '1 day') d WHERE extract(isodow FROM d) < 6;
INSERT INTO portfolio.quotes (symbol, ts, close, source)
SELECT s.symbol, wd.day::timestamp AT TIME ZONE 'UTC',
       CASE s.symbol WHEN 'DQ_JUMP' THEN CASE WHEN wd.k <= 5 THEN 140 ELSE 100 END
                     WHEN 'DQ_SPLIT' THEN CASE WHEN wd.k <= 5 THEN 100 ELSE 300 END
                     ELSE 50 END, 'test'
FROM wd CROSS JOIN (VALUES ('DQ_OK'), ('DQ_GAP'), ('DQ_STALE'), ('DQ_JUMP'), ('DQ_SPLIT'), ('DQ_BENCH'), ('DQ_EUR')) s(symbol)
WHERE NOT (s.symbol = 'DQ_GAP' AND wd.k IN (5, 6, 7))      -- three missing business days
  AND NOT (s.symbol = 'DQ_STALE' AND wd.k <= 10);          -- nothing in the last 10 business days
-- the fetcher quarantined two DQ_GAP rows in the last hours of the as-of day, one two days
-- before, and one after it (not seen as of that day)
INSERT INTO portfolio.quotes_rejected (symbol, raw, reason, source, seen_at) VALUES
    ('DQ_GAP', 'DQ_GAP,x,,,,-1', 'close must be positive', 'test', '2025-06-13 23:00+00'),
    ('DQ_GAP', 'DQ_GAP,y,,,,', 'close is missing', 'test', '2025-06-13 22:00+00'),
    ('DQ_GAP', 'DQ_GAP,z,,,,', 'an old problem', 'test', '2025-06-11 23:00+00'),
    ('DQ_GAP', 'DQ_GAP,w,,,,', 'a later problem', 'test', '2025-06-14 01:00+00');
-- and a quote after the as-of day, which would make DQ_STALE fresh and jump by 100 %
INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES ('DQ_STALE', '2025-06-16 00:00+00', 100, 'test');

INSERT INTO portfolio.portfolios (id, name, benchmark_symbol) VALUES (9301, 'quality', 'DQ_BENCH');
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount, currency) VALUES
    (9301, NULL, portfolio.as_of() - 60, 'deposit', NULL, NULL, 100000, 'USD'),
    (9301, 'DQ_OK', portfolio.as_of() - 50, 'buy', 1, 50, NULL, NULL),
    (9301, 'DQ_GAP', portfolio.as_of() - 50, 'buy', 1, 50, NULL, NULL),
    (9301, 'DQ_STALE', portfolio.as_of() - 50, 'buy', 1, 50, NULL, NULL),
    (9301, 'DQ_JUMP', portfolio.as_of() - 50, 'buy', 1, 100, NULL, NULL),
    (9301, 'DQ_SPLIT', portfolio.as_of() - 50, 'buy', 10, 300, NULL, NULL),
    (9301, 'DQ_EUR', portfolio.as_of() - 50, 'buy', 1, 50, NULL, NULL),
    (9301, 'DQ_NONE', portfolio.as_of() - 50, 'buy', 1, 50, NULL, NULL);
-- the 3-for-1 split on the day of the drop (k = 5): that move is explained
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity)
SELECT 9301, 'DQ_SPLIT', wd.day + time '12:00' AT TIME ZONE 'UTC', 'split', 3 FROM wd WHERE wd.k = 5;
INSERT INTO portfolio.watchlist (portfolio_id, symbol) VALUES (9301, 'DQ_WATCH');

-- (an instrument never quoted misses every weekday of the window: 20 to 22 by weekday)
SELECT symbol, held_in, watched, last_quote_at IS NOT NULL AS quoted, stale,
       CASE WHEN last_quote_at IS NULL THEN missing_business_days BETWEEN 20 AND 22
            ELSE NULL END AS all_missing,
       CASE WHEN last_quote_at IS NOT NULL THEN missing_business_days END AS missing_business_days,
       suspicious_moves, rejected_last_day, reject_reasons
FROM portfolio.data_quality WHERE symbol LIKE 'DQ%' ORDER BY symbol;
-- the gaps are the three chosen days, the jump is on the fifth weekday back
SELECT missing_days = (SELECT array_agg(day ORDER BY day) FROM wd WHERE k IN (5, 6, 7)) AS gap_days_right
FROM portfolio.data_quality WHERE symbol = 'DQ_GAP';
SELECT suspicious_days = ARRAY[(SELECT day FROM wd WHERE k = 5)] AS jump_day_right
FROM portfolio.data_quality WHERE symbol = 'DQ_JUMP';
-- DQ_STALE: its last quote is the 11th weekday back: 10 business days old (11 on a weekday, as
-- today counts), and the window holds the 10 missing days
SELECT business_days_old BETWEEN 10 AND 11 AS old_enough, missing_business_days >= 10 AS gaps_seen
FROM portfolio.data_quality WHERE symbol = 'DQ_STALE';

-- thresholds are settings: a 50 % move limit forgets DQ_JUMP (40 %); 15 stale days forgives DQ_STALE
INSERT INTO portfolio.settings (key, value) VALUES ('suspicious_move_pct', 50), ('stale_business_days', 15);
SELECT symbol, stale, suspicious_moves FROM portfolio.data_quality WHERE symbol IN ('DQ_JUMP', 'DQ_STALE') ORDER BY symbol;
DELETE FROM portfolio.settings WHERE key IN ('suspicious_move_pct', 'stale_business_days');
-- an unknown setting is refused
INSERT INTO portfolio.settings (key, value) VALUES ('stale_days_typo', 1);
\echo :LAST_ERROR_SQLSTATE

-- per portfolio: which positions and cash balances rest on missing or stale prices or FX rates
SELECT instrument, currency, price_missing, price_stale, fx_missing, ok
FROM portfolio.data_quality_positions WHERE portfolio_id = 9301 ORDER BY instrument COLLATE "C" NULLS LAST, currency COLLATE "C";

-- business days
SELECT portfolio.business_days_between('2024-01-05', '2024-01-08') AS fri_to_mon,
       portfolio.business_days_between('2024-01-06', '2024-01-07') AS sat_to_sun,
       portfolio.business_days_between('2024-01-01', '2024-01-31') AS january_2024;

