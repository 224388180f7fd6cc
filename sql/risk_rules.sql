-- risk_checks on hand-worked portfolios: each rule, its limits (defaults and overrides), statuses.
\set VERBOSITY terse
\i sql/include/fresh_install.sql
SET client_min_messages = warning;
-- a pinned report day instead of the wall clock
SET portfolio.as_of = '2025-06-13';
SELECT portfolio.ensure_quote_partitions('2025-04-01', '2025-06-30') AS partitions;
INSERT INTO portfolio.instruments (symbol, currency, asset_class, sector) VALUES
    ('RK_AAA', 'USD', 'equity', 'tech'), ('RK_BBB', 'USD', 'equity', 'tech'),
    ('RK_CCC', 'USD', 'bond', 'government'), ('RK_EUR', 'EUR', 'equity', 'industrials'),
    ('RK_OLD', 'USD', 'equity', 'energy');
-- quotes: the as-of day's close (UTC day), RK_OLD only 30 days before
INSERT INTO portfolio.quotes (symbol, ts, close, source)
SELECT s, '2025-06-13 00:00+00', c, 'test'
FROM (VALUES ('RK_AAA', 100), ('RK_BBB', 50), ('RK_CCC', 200), ('RK_EUR', 40)) v(s, c);
INSERT INTO portfolio.quotes (symbol, ts, close, source)
VALUES ('RK_OLD', '2025-05-14 00:00+00', 10, 'test');
INSERT INTO portfolio.fx_rates (day, base, quote, rate) VALUES ('2025-06-13', 'EUR', 'USD', 1.25);

-- P1: deposit 10,000; 30 AAA @ 100, 20 BBB @ 50, 10 CCC @ 200: value 10,000, cash 4,000.
-- weights: AAA 0.30, BBB 0.10, CCC 0.20, cash 0.40; sector tech 0.40; equity 0.40.
INSERT INTO portfolio.portfolios (id, name) VALUES (9101, 'risk one');
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount) VALUES
    (9101, NULL,     '2025-06-10 12:00+00', 'deposit', NULL, NULL, 10000),
    (9101, 'RK_AAA', '2025-06-11 12:00+00', 'buy', 30, 100, NULL),
    (9101, 'RK_BBB', '2025-06-11 12:00+00', 'buy', 20, 50, NULL),
    (9101, 'RK_CCC', '2025-06-11 12:00+00', 'buy', 10, 200, NULL);
SELECT rule, subject, value, warn_at, breach_at, limit_source, status
FROM portfolio.risk_checks WHERE portfolio_id = 9101 ORDER BY rule;

-- P2: deposits 1,000 USD and 800 EUR; 50 OLD @ 10 (stale quote), 5 AAA @ 100 (USD cash 0),
-- 20 EUR @ 40 (EUR cash 0).
INSERT INTO portfolio.portfolios (id, name) VALUES (9102, 'risk two');
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount, currency) VALUES
    (9102, NULL,     '2025-05-04 12:00+00', 'deposit', NULL, NULL, 1000, 'USD'),
    (9102, NULL,     '2025-05-04 12:00+00', 'deposit', NULL, NULL, 800, 'EUR'),
    (9102, 'RK_OLD', '2025-05-09 12:00+00', 'buy', 50, 10, NULL, NULL),
    (9102, 'RK_AAA', '2025-06-11 12:00+00', 'buy', 5, 100, NULL, NULL),
    (9102, 'RK_EUR', '2025-06-11 12:00+00', 'buy', 20, 40, NULL, NULL);
-- value: OLD 500 + AAA 500 + EUR 20*40*1.25 = 1,000; cash USD 0, EUR 0: total 2,000
SELECT rule, subject, value, warn_at, breach_at, limit_source, status
FROM portfolio.risk_checks WHERE portfolio_id = 9102 ORDER BY rule;

-- overrides: a portfolio's own limits replace the defaults (NULL: that level is not checked)
INSERT INTO portfolio.risk_limits (portfolio_id, rule, warn_at, breach_at) VALUES
    (9102, 'currency_concentration', 0.6, 0.8),
    (9102, 'stale_price_share', NULL, NULL),
    (9101, 'position_concentration', 0.1, 0.25);
SELECT portfolio_id, rule, value, warn_at, breach_at, limit_source, status
FROM portfolio.risk_checks
WHERE (portfolio_id, rule) IN ((9102, 'currency_concentration'), (9102, 'stale_price_share'), (9101, 'position_concentration'))
ORDER BY portfolio_id, rule;
-- a limit with warn above breach is refused
INSERT INTO portfolio.risk_limits (portfolio_id, rule, warn_at, breach_at) VALUES (9101, 'cash_share', 0.5, 0.4);
\echo :LAST_ERROR_SQLSTATE
-- one default per rule
INSERT INTO portfolio.risk_limits (portfolio_id, rule, warn_at, breach_at) VALUES (NULL, 'cash_share', 0.1, 0.2);
\echo :LAST_ERROR_SQLSTATE
-- a missing price makes the weight rules unknown, never ok
INSERT INTO portfolio.instruments (symbol, currency) VALUES ('RK_NOQ', 'USD');
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price) VALUES
    (9101, 'RK_NOQ', '2025-06-12 12:00+00', 'buy', 1, 10);
SELECT rule, value, status FROM portfolio.risk_checks WHERE portfolio_id = 9101 ORDER BY rule;
