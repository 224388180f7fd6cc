# Demo stage: synthetic quotes and FX rates from 2022-01-03 up to the last business day before
# today (UTC), written by examples/market/generate.py (a small factor model; the same end date
# always gives the same bytes, a later one only appends days) and loaded with portfolio-fetch's
# csv provider, so the loader is what loads them. On a later day the file has more days: the
# fetcher inserts those and reports every earlier row unchanged. Sourced by scripts/demo.sh.
market_csv=build/market/quotes.csv
mkdir -p "$(dirname "$market_csv")"
/usr/bin/python3 examples/market/generate.py --out "$market_csv"
market_end=$(tail -n 1 "$market_csv" | cut -d, -f2)
say "SYNTHETIC market data (not real prices): 2022-01-03 to $market_end from examples/market's factor model, loaded with portfolio-fetch"
build/fetcher/portfolio-fetch --provider csv --file "$market_csv" --no-progress \
  --dsn "host=$SOCKET_DIR port=$PORT user=postgres dbname=$DB_NAME" | tail -n 1
psql_cluster -d "$DB_NAME" -q <<'SQL'
SELECT symbol, count(*) AS days, min(ts)::date AS first, max(ts)::date AS last,
       max(close) FILTER (WHERE ts = (SELECT max(ts) FROM portfolio.quotes)) AS last_close
FROM portfolio.quotes GROUP BY symbol ORDER BY symbol;
SELECT base || '/' || quote AS pair, count(*) AS days, max(day) AS last FROM portfolio.fx_rates GROUP BY 1 ORDER BY 1;
SQL
