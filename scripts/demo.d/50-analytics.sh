# Demo stage: the analytics aggregates on real published data (PerformanceAnalytics' managers set,
# monthly returns 1996-2006), the figures PerformanceAnalytics itself publishes.
say "analytics on published data: manager HAM1 against the S&P 500 (monthly, 1996-2006)"
psql_cluster -d "$DB_NAME" -q <<'SQL'
CREATE TEMP TABLE managers (month date, ham1 float8, sp500 float8, rf float8);
\copy managers FROM PROGRAM 'cut -d, -f1,2,9,11 test/fixtures/managers.csv | tail -n +2' WITH (FORMAT csv)
\pset footer off
SELECT round(portfolio.annualized_return(ham1, 12)::numeric, 6) AS ann_return,
       round(portfolio.volatility(ham1, 12)::numeric, 6) AS ann_volatility,
       round(portfolio.sharpe(ham1, rf, 12)::numeric, 6) AS sharpe_rf,
       round(portfolio.max_drawdown(ham1 ORDER BY month)::numeric, 6) AS max_drawdown,
       round(portfolio.beta(ham1 - rf, sp500 - rf)::numeric, 6) AS beta,
       round(portfolio.alpha(ham1, sp500, rf, 12)::numeric, 6) AS alpha,
       round(portfolio.var_historical(ham1, 0.95)::numeric, 6) AS var_95,
       round(portfolio.var_cornish_fisher(ham1, 0.95)::numeric, 6) AS var_cf_95
FROM managers;
SQL
