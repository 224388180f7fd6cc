-- One staleness rule (src/sql/49_staleness.sql): positions.price_stale, data_quality and
-- data_quality_positions agree, by business days (stale_business_days, default 3).
-- As of Wednesday 2025-03-12: a Friday close (2025-03-07) is 3 business days old, fresh (a
-- calendar-day rule of 5 days called it stale); a Thursday close (2025-03-06) is 4, stale.
BEGIN;
SELECT plan(5);
SET LOCAL portfolio.as_of = '2025-03-12';
SELECT portfolio.ensure_quote_partitions('2025-03-01', '2025-03-31') AS _made \gset
INSERT INTO portfolio.instruments (symbol, currency) VALUES ('STFRI', 'USD'), ('STTHU', 'USD');
INSERT INTO portfolio.quotes (symbol, ts, close, source)
VALUES ('STFRI', '2025-03-07 00:00+00', 10, 'test'), ('STTHU', '2025-03-06 00:00+00', 10, 'test');
INSERT INTO portfolio.portfolios (name) VALUES ('staleness');
SELECT id AS pid FROM portfolio.portfolios WHERE name = 'staleness' \gset
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price)
VALUES (:pid, 'STFRI', '2025-03-03 10:00+00', 'buy', 1, 10), (:pid, 'STTHU', '2025-03-03 10:00+00', 'buy', 1, 10);
SELECT is(portfolio.business_days_between('2025-03-07', '2025-03-12'), 3, 'Friday to Wednesday: 3 business days');
SELECT results_eq(format('SELECT instrument, price_stale FROM portfolio.positions WHERE portfolio_id = %s ORDER BY 1', :pid),
                  $$VALUES ('STFRI', false), ('STTHU', true)$$, 'positions: the Friday close is fresh, the Thursday one stale');
SELECT results_eq(format('SELECT instrument, price_stale FROM portfolio.data_quality_positions WHERE portfolio_id = %s AND instrument IS NOT NULL ORDER BY 1', :pid),
                  $$VALUES ('STFRI', false), ('STTHU', true)$$, 'data_quality_positions says the same');
SELECT results_eq($$SELECT symbol, stale FROM portfolio.data_quality WHERE symbol IN ('STFRI', 'STTHU') ORDER BY 1$$,
                  $$VALUES ('STFRI', false), ('STTHU', true)$$, 'and data_quality');
INSERT INTO portfolio.settings (key, value) VALUES ('stale_business_days', 2);
SELECT results_eq(format('SELECT instrument, price_stale FROM portfolio.positions WHERE portfolio_id = %s ORDER BY 1', :pid),
                  $$VALUES ('STFRI', true), ('STTHU', true)$$, 'stale_business_days 2: both stale in positions too');
SELECT * FROM finish();
ROLLBACK;
