# Demo stage: what each owner sees (row-level security applies), then the BI reader's overview.
for owner in alice bob; do
  say "as $owner: positions, performance and allocation"
  psql_cluster -d "$DB_NAME" -q <<SQL
SET ROLE $owner;
\pset footer off
SELECT instrument, quantity, round(average_cost, 2) AS avg_cost, round(invested, 2) AS invested,
       market_price, price_at::date AS price_date, round(market_value, 2) AS market_value,
       round(unrealized_pl, 2) AS unrealized_pl, round(gain_pct, 1) AS gain_pct,
       round(realized_pl, 2) AS realized_pl, round(income, 2) AS income, currency,
       round(market_value_base, 2) AS value_base, round(weight, 4) AS weight
FROM portfolio.positions WHERE quantity > 0 ORDER BY market_value_base DESC NULLS LAST;
SELECT p.name, round(f.twr_since_inception::numeric, 4) AS twr, round(f.twr_ytd::numeric, 4) AS twr_ytd,
       round(f.annualized_return::numeric, 4) AS ann_return, round(f.xirr::numeric, 4) AS xirr,
       round(f.volatility::numeric, 4) AS volatility, round(f.sharpe::numeric, 2) AS sharpe,
       round(f.sortino::numeric, 2) AS sortino, round(f.max_drawdown::numeric, 4) AS max_dd,
       round(f.var_95::numeric, 4) AS var_95, round(f.cvar_95::numeric, 4) AS cvar_95,
       round(f.beta::numeric, 2) AS beta
FROM portfolio.performance f JOIN portfolio.portfolios p ON p.id = f.portfolio_id;
SELECT dimension, bucket, round(market_value_base, 2) AS value_base, round(weight, 4) AS weight
FROM portfolio.allocation WHERE dimension IN ('asset_class', 'currency') ORDER BY dimension, weight DESC;
SQL
done
say "as grafana (read-only BI role): every portfolio's value on the last day"
psql_cluster -d "$DB_NAME" -q <<'SQL'
SET ROLE grafana;
SELECT p.owner, p.name, d.day, round(d.market_value, 2) AS market_value, p.base_currency
FROM portfolio.portfolio_daily d JOIN portfolio.portfolios p ON p.id = d.portfolio_id
WHERE d.day = (SELECT max(day) FROM portfolio.portfolio_daily) ORDER BY p.id;
SQL
