-- Hand-worked ledgers through position_agg and the views (docs/data-model.md has the rules).
SET TimeZone = 'UTC';
\i sql/include/fresh_install.sql
-- a pinned report day instead of the wall clock
SET portfolio.as_of = '2024-03-29';
SELECT portfolio.ensure_quote_partitions('2024-01-01', '2024-03-31');
INSERT INTO portfolio.instruments (symbol, name, currency, asset_class, sector, exchange) VALUES
    ('AAA',  'Alpha',        'USD', 'equity', 'Technology',  'NYSE'),
    ('FLW',  'Flow Fund',    'USD', 'fund',   NULL,          'NYSE'),
    ('SPL',  'Splitter',     'USD', 'equity', 'Technology',  'NASDAQ'),
    ('CADX', 'Maple Energy', 'CAD', 'equity', 'Energy',      'TSX'),
    ('EURX', 'Euro Works',   'EUR', 'equity', 'Industrials', 'XETRA');
INSERT INTO portfolio.portfolios (name, base_currency, benchmark_symbol) VALUES
    ('pp', 'USD', NULL), ('flows', 'USD', 'AAA'), ('world', 'USD', NULL), ('split', 'USD', NULL);
SELECT id AS pp FROM portfolio.portfolios WHERE name = 'pp' \gset
SELECT id AS flows FROM portfolio.portfolios WHERE name = 'flows' \gset
SELECT id AS world FROM portfolio.portfolios WHERE name = 'world' \gset
SELECT id AS split FROM portfolio.portfolios WHERE name = 'split' \gset

-- Portfolio Performance's cost-method ledger: buy 100 @ 95, 200 @ 105, 100 @ 107, sell 150 @ 110.
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount, external_id) VALUES
    (:pp, NULL,  '2024-01-02 09:00', 'deposit', NULL, NULL, 50000, 'd1'),
    (:pp, 'AAA', '2024-01-02 15:00', 'buy',  100,  95, NULL, 'b1'),
    (:pp, 'AAA', '2024-01-03 15:00', 'buy',  200, 105, NULL, 'b2'),
    (:pp, 'AAA', '2024-01-04 15:00', 'buy',  100, 107, NULL, 'b3'),
    (:pp, 'AAA', '2024-02-01 15:00', 'sell', 150, 110, NULL, 's1');
-- an import run twice does not duplicate: external_id is unique per portfolio
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, external_id)
VALUES (:pp, 'AAA', '2024-01-02 15:00', 'buy', 100, 95, 'b1') ON CONFLICT (portfolio_id, external_id) DO NOTHING;

-- realized gain by method: FIFO 16,500 - (9,500 + 5,250) = 1,750; average 16,500 - 150 * 103 = 1,050;
-- LIFO 16,500 - (10,700 + 5,250) = 550; HIFO sells the dearest lots: the same as LIFO here.
SELECT m AS method, portfolio.realized_pl(p) AS realized, portfolio.quantity(p) AS quantity,
       portfolio.cost_basis(p) AS cost_basis, portfolio.average_cost(p) AS average_cost
FROM unnest(ARRAY['fifo', 'lifo', 'average', 'hifo']) m,
LATERAL (SELECT portfolio.position_agg(executed_at, kind, quantity, price, fees, m ORDER BY executed_at) AS p
         FROM portfolio.transactions WHERE portfolio_id = :pp AND instrument = 'AAA') x;
SELECT * FROM portfolio.open_lots((SELECT portfolio.position_agg(executed_at, kind, quantity, price, fees ORDER BY executed_at)
                                   FROM portfolio.transactions WHERE portfolio_id = :pp AND instrument = 'AAA'));

-- Quotes: unadjusted closes at 00:00 UTC of the trading day.
INSERT INTO portfolio.quotes (symbol, ts, close, adj_close, source) VALUES
    ('AAA',  '2024-01-02', 96, NULL, 'test'), ('AAA', '2024-02-01', 110, NULL, 'test'),
    ('AAA',  '2024-02-02', 112.5, NULL, 'test'),
    ('FLW',  '2024-01-02', 100, NULL, 'test'), ('FLW', '2024-01-03', 110, NULL, 'test'),
    ('FLW',  '2024-01-04', 99, NULL, 'test'),  ('FLW', '2024-01-05', 104, NULL, 'test'),
    ('SPL',  '2024-01-02', 300, 100, 'test'),  ('SPL', '2024-01-03', 306, 102, 'test'),
    ('SPL',  '2024-01-04', 103, 103, 'test'),
    ('CADX', '2024-03-01', 20, NULL, 'test'),  ('CADX', '2024-03-04', 21, NULL, 'test'),
    ('CADX', '2024-03-05', 22, NULL, 'test'),
    ('EURX', '2024-03-01', 50, NULL, 'test'),  ('EURX', '2024-03-04', 52, NULL, 'test');
-- FX: USD/CAD stored as 1 USD = 1.25 CAD (so 1 CAD = 0.8 USD), EUR/USD as 1 EUR = 1.10 USD.
INSERT INTO portfolio.fx_rates (day, base, quote, rate) VALUES
    ('2024-03-01', 'USD', 'CAD', 1.25), ('2024-03-04', 'USD', 'CAD', 1.28),
    ('2024-03-01', 'EUR', 'USD', 1.10), ('2024-03-04', 'EUR', 'USD', 1.12);
SELECT portfolio.fx_rate('CAD', 'USD', '2024-03-01') AS cad_usd, portfolio.fx_rate('USD', 'CAD', '2024-03-03') AS usd_cad,
       portfolio.fx_rate('CAD', 'USD', '2024-03-11') AS seven_days_on, portfolio.fx_rate('CAD', 'USD', '2024-03-12') AS eight_days_on,
       portfolio.fx_rate('CAD', 'USD', '2024-02-29') AS before_any, portfolio.fx_rate('USD', 'USD', '1999-01-01') AS same,
       portfolio.fx_rate('JPY', 'USD', '2024-03-01') AS unknown;

-- Deposits and withdrawals: 1,000 in and 10 FLW @ 100 on day 1; 500 in on day 3; 200 out on day 4.
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount) VALUES
    (:flows, NULL,  '2024-01-02 10:00', 'deposit', NULL, NULL, 1000),
    (:flows, 'FLW', '2024-01-02 15:00', 'buy', 10, 100, NULL),
    (:flows, NULL,  '2024-01-04 10:00', 'deposit', NULL, NULL, 500),
    (:flows, NULL,  '2024-01-05 10:00', 'withdrawal', NULL, NULL, 200);
-- A 3-for-1 split: 10 @ 300 become 30 costing the same 3,000; closes are unadjusted.
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, fees, amount) VALUES
    (:split, NULL,  '2024-01-02 10:00', 'deposit', NULL, NULL, 0, 3000),
    (:split, 'SPL', '2024-01-02 15:00', 'buy', 10, 300, 0, NULL),
    (:split, 'SPL', '2024-01-04 00:00', 'split', 3, NULL, 0, NULL);
-- A USD portfolio holding CAD and EUR instruments, funded in each currency.
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, fees, amount, currency) VALUES
    (:world, NULL,   '2024-03-01 09:00', 'deposit', NULL, NULL, 0, 10000, NULL),
    (:world, NULL,   '2024-03-01 09:00', 'deposit', NULL, NULL, 0, 2005, 'CAD'),
    (:world, NULL,   '2024-03-01 09:00', 'deposit', NULL, NULL, 0, 500, 'EUR'),
    (:world, 'CADX', '2024-03-01 15:00', 'buy', 100, 20, 5, NULL, NULL),
    (:world, 'EURX', '2024-03-01 15:00', 'buy', 10, 50, 0, NULL, NULL),
    (:world, 'EURX', '2024-03-05 12:00', 'dividend', NULL, NULL, 0.75, 5, NULL);
SELECT kind, instrument, currency FROM portfolio.transactions WHERE portfolio_id = :world ORDER BY id;
-- a trade in another currency than the instrument's is refused
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, currency)
VALUES (:world, 'CADX', '2024-03-02', 'buy', 1, 20, 'USD');
\echo :LAST_ERROR_SQLSTATE
-- and so is a malformed row (a buy without a price)
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity)
VALUES (:world, 'CADX', '2024-03-02', 'buy', 1);
\echo :LAST_ERROR_SQLSTATE

-- the as-of day's rates, so cash converts and weights exist (an 8-day-old rate would be too stale)
INSERT INTO portfolio.fx_rates (day, base, quote, rate) VALUES
    ('2024-03-29', 'USD', 'CAD', 1.28), ('2024-03-29', 'EUR', 'USD', 1.12);
SELECT portfolio_name, instrument, currency, quantity, average_cost, invested, market_price, price_at, price_stale,
       market_value, unrealized_pl, gain_pct, realized_pl, income, fees, fx_rate, fx_missing,
       invested_base, market_value_base, unrealized_pl_base, weight
FROM portfolio.positions ORDER BY portfolio_id, instrument;
SELECT portfolio_id, currency, balance, fx_rate, balance_base FROM portfolio.cash ORDER BY 1, 2;
SELECT * FROM portfolio.allocation WHERE portfolio_id = :world ORDER BY dimension, bucket;

CALL portfolio.refresh();
SELECT view_name, rows > 0 AS has_rows, concurrent, error FROM portfolio.refresh_log ORDER BY id;
SELECT day, market_value, securities_value, cash_value, cost_basis, deposits, withdrawals, net_flow,
       realized_pl, income, fees, unconverted, round(daily_return::numeric, 12) AS daily_return
FROM portfolio.portfolio_daily WHERE portfolio_id = :flows AND day <= '2024-01-07' ORDER BY day;
SELECT round(portfolio.twr(daily_return)::numeric, 12) AS twr_flows
FROM portfolio.portfolio_daily WHERE portfolio_id = :flows AND day <= '2024-01-07';
SELECT day, market_value, round(daily_return::numeric, 12) AS daily_return
FROM portfolio.portfolio_daily WHERE portfolio_id = :split AND day <= '2024-01-05' ORDER BY day;
SELECT day, market_value, securities_value, cash_value, cost_basis, deposits, income, fees, unconverted,
       round(daily_return::numeric, 12) AS daily_return
FROM portfolio.portfolio_daily WHERE portfolio_id = :world AND day BETWEEN '2024-03-01' AND '2024-03-06'
   OR portfolio_id = :world AND day BETWEEN '2024-03-11' AND '2024-03-12' ORDER BY day;
SELECT * FROM portfolio.pnl_breakdown(:world, '2024-03-01', '2024-03-05');
SELECT * FROM portfolio.pnl_breakdown(:world, '2024-03-04', '2024-03-05');
SELECT * FROM portfolio.pnl_breakdown(:pp, '2024-01-01', '2024-02-02');
SELECT month, start_value, deposits, withdrawals, unrealized_gains, realized_gains, income, fees, currency_gains, end_value, complete
FROM portfolio.pnl_monthly WHERE portfolio_id = :pp AND month <= '2024-02-01' ORDER BY month;

-- Transfers: in at a cost basis (a flow at quantity x price, fees into the cost), out at market
-- (the gain is booked, the flow is quantity x price) or without a price (out at cost, no gain).
--   01-02 in 10 @ 50, fees 2: cost 502; close 55: V = 550 - 2 = 548; r = 548 / 500 - 1
--   01-03 close 60: V = 598
--   01-04 out 4 @ 60, fees 1: realized 240 - 1 - 200.8 = 38.2; V = 360 - 3 = 357; r = (357 + 240) / 598 - 1
--   01-05 out 2 without a price: cost 301.2 * 2 / 6 = 100.4 leaves, no gain; close 62: V = 248 - 3 = 245
-- and the P/L parts add up with currency gains 0: 245 = 0 + 500 - 340.4 + (248 - 200.8) + 38.2
INSERT INTO portfolio.instruments (symbol, currency) VALUES ('XFR', 'USD');
INSERT INTO portfolio.portfolios (name) VALUES ('xfer');
SELECT id AS xfer FROM portfolio.portfolios WHERE name = 'xfer' \gset
INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES
    ('XFR', '2024-01-02', 55, 'test'), ('XFR', '2024-01-03', 60, 'test'), ('XFR', '2024-01-05', 62, 'test');
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, fees) VALUES
    (:xfer, 'XFR', '2024-01-02 10:00', 'transfer_in', 10, 50, 2),
    (:xfer, 'XFR', '2024-01-04 10:00', 'transfer_out', 4, 60, 1),
    (:xfer, 'XFR', '2024-01-05 10:00', 'transfer_out', 2, NULL, 0);
SELECT quantity, invested, realized_pl, fees, market_value, unrealized_pl FROM portfolio.positions WHERE portfolio_id = :xfer;
CALL portfolio.refresh();
SELECT day, market_value, cost_basis, deposits, withdrawals, realized_pl, round(daily_return::numeric, 12) AS daily_return
FROM portfolio.portfolio_daily WHERE portfolio_id = :xfer AND day <= '2024-01-05' ORDER BY day;
SELECT * FROM portfolio.pnl_breakdown(:xfer, '2024-01-01', '2024-01-05');

-- Selling more than is held: SQLSTATE PF001, naming the portfolio, instrument, date, held and sold.
BEGIN;
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price)
VALUES (:pp, 'AAA', '2024-02-05 15:00', 'sell', 251, 110);
SELECT quantity FROM portfolio.positions WHERE portfolio_id = :pp;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
