# Demo stage: load the sample quotes (examples/data, synthetic, 2022-2025) with portfolio-fetch.
# Idempotent: a re-run reports every row unchanged. Sourced by scripts/demo.sh.
say "loading sample quotes with portfolio-fetch (examples/data/quotes.csv)"
build/fetcher/portfolio-fetch --provider csv --file examples/data/quotes.csv --no-progress \
  --dsn "host=$SOCKET_DIR port=$PORT user=postgres dbname=$DB_NAME" | tail -n 1
psql_cluster -d "$DB_NAME" -q <<'SQL'
SELECT symbol, count(*) AS days, min(ts)::date AS first, max(ts)::date AS last, max(close) FILTER (WHERE ts = (SELECT max(ts) FROM portfolio.quotes)) AS last_close
FROM portfolio.quotes GROUP BY symbol ORDER BY symbol;
SELECT base || '/' || quote AS pair, count(*) AS days, max(day) AS last FROM portfolio.fx_rates GROUP BY 1 ORDER BY 1;
SQL
