# Demo stage: the synthetic market's index MKT is both owners' benchmark, so beta and alpha are
# measured against the market their stocks move with (stage 20 gives the fixed test data's
# SPY and SAP.DE). The demo's FX rates reach yesterday, so the default 7-day carry-forward
# applies again (the test fixture loader sets 400 days for its 2025 data).
# Sourced by scripts/demo.sh.
say "benchmark of both demo portfolios: MKT, the synthetic market index"
psql_cluster -d "$DB_NAME" -q <<'SQL'
INSERT INTO portfolio.instruments (symbol, name, currency, asset_class, sector, exchange) VALUES
    ('MKT', 'Market index (synthetic)', 'USD', 'index', 'Broad market', NULL)
ON CONFLICT (symbol) DO NOTHING;
UPDATE portfolio.portfolios SET benchmark_symbol = 'MKT'
WHERE owner IN ('alice', 'bob') AND benchmark_symbol IS DISTINCT FROM 'MKT';
DELETE FROM portfolio.settings WHERE key = 'fx_max_staleness_days';
SQL
