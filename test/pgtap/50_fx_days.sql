-- FX on a day, one rule (portfolio.fx_days, src/sql/50_transaction_effects.sql): the daily series
-- converts a holding and a cash balance with the rate fx_rate() gives that day, carried forward at
-- most fx_max_staleness_days (default 7) and then not at all: a day past the limit is unconverted,
-- never valued at an old rate. One EUR rate on Monday 2025-01-06; the series runs to 2025-01-17.
BEGIN;
SELECT plan(4);
SELECT portfolio.ensure_quote_partitions('2025-01-01', '2025-01-31') AS _made \gset
INSERT INTO portfolio.instruments (symbol, currency) VALUES ('FXEUR', 'EUR');
INSERT INTO portfolio.quotes (symbol, ts, close, source)
SELECT 'FXEUR', d, 100, 'test' FROM generate_series('2025-01-06 00:00+00'::timestamptz, '2025-01-17 00:00+00', '1 day') d;
INSERT INTO portfolio.fx_rates (day, base, quote, rate) VALUES ('2025-01-06', 'EUR', 'USD', 1.1);
INSERT INTO portfolio.portfolios (name, base_currency) VALUES ('fx staleness', 'USD');
SELECT id AS pid FROM portfolio.portfolios WHERE name = 'fx staleness' \gset
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount, currency)
VALUES (:pid, NULL, '2025-01-06 09:00+00', 'deposit', NULL, NULL, 1000, 'EUR'),
       (:pid, 'FXEUR', '2025-01-06 10:00+00', 'buy', 2, 100, NULL, 'EUR');
CALL portfolio.refresh();
SELECT is((SELECT max(day) FROM portfolio.portfolio_daily WHERE portfolio_id = :pid), '2025-01-17'::date,
          'the series runs to the last quote');
SELECT results_eq(format($$SELECT day, securities_value, cash_value, market_value, unconverted
                           FROM portfolio.portfolio_daily WHERE portfolio_id = %s AND day IN ('2025-01-13', '2025-01-14')
                           ORDER BY day$$, :pid),
                  $$VALUES ('2025-01-13'::date, 220::numeric, 880::numeric, 1100::numeric, 0),
                           ('2025-01-14'::date, NULL, NULL, NULL, 2)$$,
                  'converted at the Monday rate for 7 days, unconverted (holding and cash) on the 8th');
SELECT is((SELECT count(*) FROM portfolio.portfolio_daily d
           WHERE d.portfolio_id = :pid
             AND (d.securities_value IS NULL) <> (portfolio.fx_rate('EUR', 'USD', d.day) IS NULL))::integer, 0,
          'every day: the series has a value exactly when fx_rate() has a rate');
SELECT is((SELECT count(*) FROM portfolio.portfolio_daily d WHERE d.portfolio_id = :pid AND d.unconverted > 0)::integer, 4,
          '14 to 17 January are unconverted');
SELECT * FROM finish();
ROLLBACK;
