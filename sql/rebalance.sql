-- rebalance(): hand-worked plans, the constraints (no oversell, cash never negative, whole lots)
-- and the errors.
\set VERBOSITY terse
\i sql/include/fresh_install.sql
SET client_min_messages = warning;
-- a pinned report day instead of the wall clock
SET portfolio.as_of = '2025-06-13';
SELECT portfolio.ensure_quote_partitions('2025-06-01', '2025-06-30') AS partitions;
INSERT INTO portfolio.instruments (symbol, currency, lot_size) VALUES
    ('RB_A', 'USD', 1), ('RB_B', 'USD', 1), ('RB_C', 'USD', 1), ('RB_LOT', 'USD', 100), ('RB_E', 'EUR', 1),
    ('RB_NOQ', 'USD', 1);
INSERT INTO portfolio.quotes (symbol, ts, close, source)
SELECT s, '2025-06-13 00:00+00', c, 'test'
FROM (VALUES ('RB_A', 100), ('RB_B', 50), ('RB_C', 40), ('RB_LOT', 2.5), ('RB_E', 20)) v(s, c);
INSERT INTO portfolio.fx_rates (day, base, quote, rate) VALUES ('2025-06-13', 'EUR', 'USD', 1.1);
-- the next business day is after the as-of day: its prices and rates are not seen
INSERT INTO portfolio.quotes (symbol, ts, close, source)
SELECT s, '2025-06-16 00:00+00', c * 3, 'test'
FROM (VALUES ('RB_A', 100), ('RB_B', 50), ('RB_C', 40), ('RB_LOT', 2.5), ('RB_E', 20)) v(s, c);
INSERT INTO portfolio.fx_rates (day, base, quote, rate) VALUES ('2025-06-16', 'EUR', 'USD', 3);

-- 10 A @ 100 and 5 C @ 40 held, cash 1,000 (deposit 2,200 - 1,000 - 200): value 2,200.
-- Targets A 40 %, B 60 %: A 880 -> 8.8 -> 9 (sell 1), B 1,320 -> 26.4 -> 26 (buy 26, 1,300),
-- C not in the targets: sell 5. Cash: 1,000 + 100 + 200 - 1,300 = 0.
INSERT INTO portfolio.portfolios (id, name) VALUES (9201, 'rebalance one');
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount) VALUES
    (9201, NULL,   '2025-06-10 12:00+00', 'deposit', NULL, NULL, 2200),
    (9201, 'RB_A', '2025-06-11 12:00+00', 'buy', 10, 100, NULL),
    (9201, 'RB_C', '2025-06-11 12:00+00', 'buy', 5, 40, NULL),
    (9201, 'RB_B', '2025-06-16 12:00+00', 'buy', 7, 150, NULL);   -- after the as-of day: not seen
SELECT * FROM portfolio.rebalance(9201, '{"RB_A": 0.4, "RB_B": 0.6}');
-- totals: cash after = cash + sells - buys - costs, never negative; no sell beyond the holding
SELECT sum(CASE side WHEN 'sell' THEN estimated_value ELSE -estimated_value END) - sum(estimated_cost) + 1000 AS cash_after,
       bool_and(side = 'buy' OR quantity <= coalesce((SELECT ps.quantity FROM portfolio.positions ps
                 WHERE ps.portfolio_id = 9201 AND ps.instrument = r.symbol), 0)) AS no_oversell
FROM portfolio.rebalance(9201, '{"RB_A": 0.4, "RB_B": 0.6}') r;

-- a cash target and a trading cost of 10 bp: keep 50 % cash; A 1,100 -> 11 lots (buy 1);
-- sells C 200 (cost 0.2), buys 100 (cost 0.1): cash 1,000 + 200 - 100 - 0.3 = 1,099.7
INSERT INTO portfolio.settings (key, value) VALUES ('rebalance_cost_bps', 10);
SELECT * FROM portfolio.rebalance(9201, '{"RB_A": 0.5, "_cash": 0.5}');
DELETE FROM portfolio.settings WHERE key = 'rebalance_cost_bps';

-- lot sizes: 100 shares @ 2.5 = 250 a lot; all 2,200 in RB_LOT: 8.8 lots -> 9 lots would cost
-- 2,250 > 2,200 (after selling everything): 8 lots, 800 shares, 2,000; 200 stays in cash.
SELECT symbol, side, quantity, estimated_value, weight_after FROM portfolio.rebalance(9201, '{"RB_LOT": 1}');

-- foreign currency: EUR price 20 at 1.1 = 22 USD; 50 % of 2,200 = 1,100 = 50 shares
SELECT symbol, side, quantity, price, estimated_value FROM portfolio.rebalance(9201, '{"RB_E": 0.5, "RB_A": 0.5}');

-- errors: weights not summing to 1 (a tolerance of 1e-6), negative weights, unknown instruments, a price missing
SELECT * FROM portfolio.rebalance(9201, '{"RB_A": 0.4, "RB_B": 0.5}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM portfolio.rebalance(9201, '{"RB_A": 0.4, "RB_B": 0.600002}');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM portfolio.rebalance(9201, '{"RB_A": 0.4, "RB_B": 0.6000000001}');
SELECT * FROM portfolio.rebalance(9201, '{"RB_A": 1.2, "RB_B": -0.2}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM portfolio.rebalance(9201, '{"RB_A": 0.5, "NOPE": 0.5}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM portfolio.rebalance(9201, '{"RB_A": 0.5, "RB_B": "half"}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM portfolio.rebalance(9201, '[0.5, 0.5]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM portfolio.rebalance(9201, '{"RB_NOQ": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM portfolio.rebalance(999999, '{"RB_A": 1}');
\echo :LAST_ERROR_SQLSTATE
-- the optimiser directly: held, prices, lots, weights, cash, cost rate -> quantities, cash left, cost
SELECT portfolio.rebalance_plan('{0,0}', '{30,70}', '{1,1}', '{0.5,0.5}', 1000, 0.01);
