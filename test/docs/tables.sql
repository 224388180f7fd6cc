-- The tables that the SQL examples of README.md and docs/metrics.md read, as a reader would have
-- them: made from the demo's quotes and portfolios (test/load_demo_data.sh) and the
-- PerformanceAnalytics managers data (test/fixtures/managers.csv), so every example runs on
-- real rows. Loaded once by test/suites/doc_blocks.sh into the template of each page's database.
SET client_min_messages = warning;

-- README: manager HAM1 with the 3-month T-bill as the risk-free rate, monthly 1996-2006
CREATE TABLE managers (month date, ham1 float8, rf float8);
\copy managers FROM PROGRAM 'cut -d, -f1,2,11 test/fixtures/managers.csv | tail -n +2' WITH (FORMAT csv)

-- close-to-close returns of every symbol the demo loads (shares and FX pairs)
CREATE TABLE daily_returns AS
SELECT symbol, (ts AT TIME ZONE 'UTC')::date AS day,
       (close / lag(close) OVER (PARTITION BY symbol ORDER BY ts) - 1)::float8 AS r
FROM portfolio.quotes;
DELETE FROM daily_returns WHERE r IS NULL;

-- "ticks" and "intraday returns": the daily returns stand in for finer ones
CREATE VIEW ticks AS SELECT symbol, day, r FROM daily_returns;
CREATE VIEW intraday_returns AS SELECT symbol, day, r FROM daily_returns;

-- month-end to month-end returns of SPY
CREATE VIEW monthly_returns AS
SELECT month, (last / lag(last) OVER (ORDER BY month) - 1)::float8 AS r
FROM (SELECT date_trunc('month', ts)::date AS month, (array_agg(close ORDER BY ts DESC))[1] AS last
      FROM portfolio.quotes WHERE symbol = 'SPY' GROUP BY 1) m;

-- three shares' returns side by side, as the multi-asset examples name them
CREATE VIEW daily_prices_as_returns AS
SELECT s.r AS spy, t.r AS tlt, g.r AS gld
FROM daily_returns s JOIN daily_returns t USING (day) JOIN daily_returns g USING (day)
WHERE s.symbol = 'SPY' AND t.symbol = 'JNJ' AND g.symbol = 'XOM';
CREATE VIEW asset_returns AS SELECT spy AS a, tlt AS b, gld AS c FROM daily_prices_as_returns;

-- account 7: the demo's portfolio 1, its daily values and flows, and its cash flows with the
-- last value as the final flow (the XIRR convention of docs/metrics.md)
CREATE VIEW account_valuations AS
SELECT 7 AS account, day, market_value AS value, net_flow AS flow
FROM portfolio.portfolio_daily WHERE portfolio_id = 1;
CREATE VIEW cash_flows AS
SELECT account, -flow AS amount, day AS booked_on FROM account_valuations WHERE flow <> 0
UNION ALL
SELECT account, value, day FROM account_valuations WHERE day = (SELECT max(day) FROM account_valuations);
