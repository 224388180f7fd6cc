# Demo stage: analytics on real published return data (PerformanceAnalytics' managers set).
say "analytics on the managers data set (monthly returns 1996-2006)"
psql_cluster -d "$DB_NAME" -q <<'SQL'
CREATE TEMP TABLE managers (month date, ham1 float8, sp500 float8);
\copy managers FROM PROGRAM 'cut -d, -f1,2,9 test/fixtures/managers.csv | tail -n +2' WITH (FORMAT csv)
\echo 'HAM1 and the S&P 500, compounded over 132 months:'
SELECT round(portfolio.twr(ham1)::numeric, 6)  AS ham1_total_return,
       round(portfolio.twr(sp500)::numeric, 6) AS sp500_total_return
FROM managers;
SQL
