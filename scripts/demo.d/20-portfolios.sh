# Demo stage: two owners, two portfolios, a ledger of real-looking trades at the sample closes.
#   alice: "Global growth" in USD, US stocks and EUR-listed stocks (FX), benchmark SPY
#   bob:   "Euro core" in EUR, EUR stocks plus a CAD and a USD holding, benchmark SAP.DE
# (the demo's stage 25 then makes the synthetic market index MKT both benchmarks).
# Every transaction carries an external_id, so a re-run inserts nothing twice.
say "creating roles alice, bob (portfolio_user) and grafana (portfolio_reader) and their portfolios"
psql_cluster -d "$DB_NAME" -q <<'SQL'
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'alice') THEN CREATE ROLE alice LOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bob') THEN CREATE ROLE bob LOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'grafana') THEN
        CREATE ROLE grafana LOGIN PASSWORD 'grafana';
    END IF;
END $$;
GRANT portfolio_user TO alice, bob;
GRANT portfolio_reader TO grafana;

INSERT INTO portfolio.instruments (symbol, name, currency, asset_class, sector, exchange) VALUES
    ('AAPL', 'Apple (sample)', 'USD', 'equity', 'Technology', 'XNAS'),
    ('MSFT', 'Microsoft (sample)', 'USD', 'equity', 'Technology', 'XNAS'),
    ('JNJ', 'Johnson & Johnson (sample)', 'USD', 'equity', 'Health Care', 'XNYS'),
    ('XOM', 'Exxon Mobil (sample)', 'USD', 'equity', 'Energy', 'XNYS'),
    ('SPY', 'S&P 500 ETF (sample)', 'USD', 'fund', 'Broad market', 'ARCX'),
    ('SAP.DE', 'SAP (sample)', 'EUR', 'equity', 'Technology', 'XETR'),
    ('ASML.AS', 'ASML (sample)', 'EUR', 'equity', 'Technology', 'XAMS'),
    ('RY.TO', 'Royal Bank of Canada (sample)', 'CAD', 'equity', 'Financials', 'XTSE')
ON CONFLICT (symbol) DO NOTHING;

INSERT INTO portfolio.portfolios (name, owner, base_currency, benchmark_symbol) VALUES
    ('Global growth', 'alice', 'USD', 'SPY'),
    ('Euro core', 'bob', 'EUR', 'SAP.DE')
ON CONFLICT (owner, name) DO NOTHING;

-- The sample feed quotes EUR/USD and USD/CAD; bob's EUR portfolio holds a CAD stock: derive EUR/CAD.
SELECT portfolio.derive_cross_rates('EUR', 'CAD', 'USD') AS eur_cad_cross_rates_stored;
-- Trades execute at the day's sample close; "q" finds it.
CREATE TEMP TABLE ledger (owner name, external_id text, day date, kind portfolio.txn_kind,
                          instrument text, quantity numeric, amount numeric, currency text,
                          fees numeric DEFAULT 0);
INSERT INTO ledger VALUES
    ('alice', 'a-001', '2022-01-03', 'deposit', NULL, NULL, 100000, 'USD', 0),
    ('alice', 'a-002', '2022-01-03', 'deposit', NULL, NULL, 30000, 'EUR', 0),
    ('alice', 'a-003', '2022-01-04', 'buy', 'AAPL', 100, NULL, NULL, 4.95),
    ('alice', 'a-004', '2022-01-04', 'buy', 'MSFT', 60, NULL, NULL, 4.95),
    ('alice', 'a-005', '2022-01-05', 'buy', 'SAP.DE', 120, NULL, NULL, 9.90),
    ('alice', 'a-006', '2022-03-15', 'buy', 'JNJ', 80, NULL, NULL, 4.95),
    ('alice', 'a-007', '2022-06-15', 'dividend', 'MSFT', NULL, 37.20, NULL, 5.58),
    ('alice', 'a-008', '2022-09-01', 'buy', 'XOM', 150, NULL, NULL, 4.95),
    ('alice', 'a-009', '2023-05-10', 'sell', 'MSFT', 25, NULL, NULL, 4.95),
    ('alice', 'a-010', '2023-06-15', 'dividend', 'JNJ', NULL, 90.40, NULL, 13.56),
    ('alice', 'a-011', '2024-06-10', 'split', 'AAPL', 2, NULL, NULL, 0),
    ('alice', 'a-012', '2024-09-02', 'withdrawal', NULL, NULL, 5000, 'USD', 0),
    ('alice', 'a-013', '2025-02-03', 'deposit', NULL, NULL, 10000, 'USD', 0),
    ('alice', 'a-014', '2025-02-04', 'buy', 'ASML.AS', 10, NULL, NULL, 9.90),
    ('alice', 'a-015', '2025-06-02', 'sell', 'AAPL', 80, NULL, NULL, 4.95),
    ('alice', 'a-016', '2025-09-15', 'dividend', 'XOM', NULL, 142.50, NULL, 21.38),
    ('bob', 'b-001', '2022-02-01', 'deposit', NULL, NULL, 60000, 'EUR', 0),
    ('bob', 'b-002', '2022-02-01', 'deposit', NULL, NULL, 15000, 'CAD', 0),
    ('bob', 'b-003', '2022-02-02', 'buy', 'SAP.DE', 150, NULL, NULL, 9.90),
    ('bob', 'b-004', '2022-02-02', 'buy', 'ASML.AS', 25, NULL, NULL, 9.90),
    ('bob', 'b-005', '2022-02-03', 'buy', 'RY.TO', 100, NULL, NULL, 6.95),
    ('bob', 'b-006', '2022-10-03', 'deposit', NULL, NULL, 8000, 'USD', 0),
    ('bob', 'b-007', '2022-10-04', 'buy', 'SPY', 15, NULL, NULL, 4.95),
    ('bob', 'b-008', '2023-04-20', 'dividend', 'RY.TO', NULL, 132.00, NULL, 19.80),
    ('bob', 'b-009', '2023-12-01', 'withdrawal', NULL, NULL, 3000, 'EUR', 0),
    ('bob', 'b-010', '2024-03-11', 'sell', 'SAP.DE', 50, NULL, NULL, 9.90),
    ('bob', 'b-011', '2025-05-05', 'buy', 'SAP.DE', 30, NULL, NULL, 9.90);

INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price,
                                    fees, amount, currency, external_id)
SELECT p.id, l.instrument, l.day + time '16:00', l.kind, l.quantity,
       CASE WHEN l.kind IN ('buy', 'sell') THEN q.close END,
       l.fees, l.amount, l.currency, l.external_id
FROM ledger l
JOIN portfolio.portfolios p ON p.owner = l.owner
LEFT JOIN portfolio.quotes q ON q.symbol = l.instrument AND q.ts = l.day::timestamp AT TIME ZONE 'UTC'
ON CONFLICT (portfolio_id, external_id) DO NOTHING;

SELECT p.owner, p.name, p.base_currency, count(t.*) AS transactions
FROM portfolio.portfolios p LEFT JOIN portfolio.transactions t ON t.portfolio_id = p.id
GROUP BY p.id ORDER BY p.id;
SQL
