#!/usr/bin/env bash
# Portfolio model benchmark: PORTFOLIOS portfolios x HOLDINGS holdings x YEARS years of daily quotes
# (the issue's figure is 1,000 x 30 x 5; the default here is a small run). Prints, in one run:
# positions for one portfolio (as superuser, reader, owner), replayed and from the stored ledger end;
# the valuation engine's full rebuild,
# one new day of quotes for every symbol then refresh(), one backdated trade then refresh() (as
# times and as ratios to the rebuild); a reader's p50/p99 during a full refresh; performance for
# one portfolio (computed, stored; owner, reader) and refresh_figures(); the BI role's all-portfolio
# totals; and the full rebuild at GROW
# (default 5) times the portfolios, per portfolio as a ratio to the first (1.000 = linear).
#
#   PORTFOLIOS=1000 bash bench/model.sh       # the full run (several GB, minutes to load)
# Runs in a database pgp_bench (dropped and recreated) of the private cluster (PGP_PROFILE, default demo).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO"
PORTFOLIOS=${PORTFOLIOS:-20}
HOLDINGS=${HOLDINGS:-30}
YEARS=${YEARS:-5}
SYMBOLS=${SYMBOLS:-500}
REPEAT=${REPEAT:-20}
DB=pgp_bench

bash scripts/cluster.sh start >/dev/null 2>&1 || bash scripts/cluster.sh start
psql_cluster -d postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
q() { psql_cluster -d "$DB" -qAt "$@"; }
TMP_TIMES=$(mktemp); trap 'rm -f "$TMP_TIMES"' EXIT
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
q -c "CREATE EXTENSION pg_portfolio"

say "loading $SYMBOLS symbols x $YEARS years of weekday quotes, $PORTFOLIOS portfolios x $HOLDINGS holdings"
t0=$(date +%s.%N)
q <<SQL
SET client_min_messages = warning;
\\o /dev/null
SELECT setseed(0.42);
SELECT portfolio.ensure_quote_partitions((current_date - interval '$YEARS years')::date, current_date + 31);
INSERT INTO portfolio.instruments (symbol, name, currency, asset_class, sector, exchange)
SELECT 'S' || i, 'Stock ' || i,
       CASE WHEN i % 10 = 0 THEN 'CAD' WHEN i % 10 = 1 THEN 'EUR' ELSE 'USD' END,
       CASE WHEN i % 7 = 0 THEN 'fund' ELSE 'equity' END,
       (ARRAY['Technology', 'Energy', 'Health', 'Finance', 'Industrials'])[1 + i % 5], 'X'
FROM generate_series(1, $SYMBOLS) i;
-- a geometric random walk per symbol, unadjusted closes at 00:00 UTC on weekdays
INSERT INTO portfolio.quotes (symbol, ts, close, source)
SELECT 'S' || s, d::date::timestamp AT TIME ZONE 'UTC',
       round((20 + s % 80) * exp(sum(0.0003 + 0.015 * (random() - 0.5)) OVER (PARTITION BY s ORDER BY d))::numeric, 4),
       'bench'
FROM generate_series(1, $SYMBOLS) s,
     generate_series((current_date - interval '$YEARS years')::date, current_date - 1, interval '1 day') d
WHERE extract(isodow FROM d) < 6;
INSERT INTO portfolio.fx_rates (day, base, quote, rate)
SELECT d::date, c.base, c.quote, round((c.level * (1 + 0.05 * sin(extract(epoch FROM d) / 8e6)))::numeric, 6)
FROM generate_series((current_date - interval '$YEARS years')::date, current_date - 1, interval '1 day') d,
     (VALUES ('USD', 'CAD', 1.33), ('EUR', 'USD', 1.09)) c(base, quote, level)
WHERE extract(isodow FROM d) < 6;
INSERT INTO portfolio.portfolios (name, owner, base_currency, benchmark_symbol)
SELECT 'bench ' || p, 'postgres', 'USD', 'S2' FROM generate_series(1, $PORTFOLIOS) p;
-- per portfolio: a deposit, HOLDINGS buys on day one, then per holding a buy every ~6 months,
-- a partial sell every ~9 months and quarterly dividends
CREATE TEMP TABLE picks AS
SELECT p.id AS portfolio_id, h, 'S' || (1 + (p.id * 7919 + h * 104729) % $SYMBOLS) AS symbol
FROM portfolio.portfolios p, generate_series(1, $HOLDINGS) h;
INSERT INTO portfolio.transactions (portfolio_id, executed_at, kind, amount)
SELECT id, (current_date - interval '$YEARS years')::date + time '08:00', 'deposit', 10000000 FROM portfolio.portfolios;
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, fees, amount)
SELECT k.portfolio_id, k.symbol, q.ts + interval '20 hours', e.kind::portfolio.txn_kind,
       CASE WHEN e.kind = 'dividend' THEN NULL WHEN e.kind = 'sell' THEN 5 ELSE 20 END,
       CASE WHEN e.kind = 'dividend' THEN NULL ELSE q.close END,
       CASE WHEN e.kind = 'dividend' THEN 0 ELSE 1 END,
       CASE WHEN e.kind = 'dividend' THEN round(q.close * 0.2, 2) END
FROM picks k
CROSS JOIN LATERAL (VALUES ('buy', 0), ('buy', 182), ('buy', 364), ('buy', 546), ('buy', 728), ('buy', 910),
                           ('buy', 1092), ('buy', 1274), ('buy', 1456), ('buy', 1638),
                           ('sell', 270), ('sell', 540), ('sell', 810), ('sell', 1080), ('sell', 1350), ('sell', 1620))
     AS e0(kind, offset_days)
CROSS JOIN LATERAL (SELECT e0.kind, e0.offset_days) e
CROSS JOIN LATERAL (SELECT qq.ts, qq.close FROM portfolio.quotes qq
                    WHERE qq.symbol = k.symbol
                      AND qq.ts >= (current_date - interval '$YEARS years') + make_interval(days => e.offset_days)
                    ORDER BY qq.ts LIMIT 1) q
UNION ALL
SELECT k.portfolio_id, k.symbol, d + interval '12 hours', 'dividend', NULL, NULL, 0, 0.25 * (1 + k.h % 4)
FROM picks k,
     generate_series((current_date - interval '$YEARS years')::date + 45, current_date - 1, interval '3 months') d;
-- vacuumed as well as analyzed: else autovacuum's first pass over the new rows (insert-driven)
-- runs during the timed rebuild, on the same two cores
VACUUM ANALYZE;
\\o
SQL
t1=$(date +%s.%N)
say "loaded in $(elapsed "$t0" "$t1") s: $(q -c "SELECT count(*) FROM portfolio.transactions") transactions, $(q -c "SELECT count(*) FROM portfolio.quotes") quotes"

# REPEAT runs of a query in one session (client-side \timing, result discarded): the first run
# (cold caches of a new connection) and the median and best of the others, in ms.
time_query() {
  local sql=$1 setup=${2:-} i
  { echo "$setup"; echo '\timing on'; for ((i = 0; i < REPEAT; i++)); do echo "$sql \g /dev/null"; done; } |
    psql_cluster -d "$DB" -q 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' > "$TMP_TIMES"
  local cold; cold=$(head -1 "$TMP_TIMES")
  tail -n +2 "$TMP_TIMES" | sort -n | awk -v cold="$cold" '{a[NR] = $1} END {
      printf "first %.2f ms, then median %.2f ms, best %.2f ms", cold, a[int((NR + 1) / 2)], a[1] }'
}

P=$(q -c "SELECT id FROM portfolio.portfolios ORDER BY id LIMIT 1 OFFSET $((PORTFOLIOS / 2))")
echo "positions, one portfolio ($HOLDINGS holdings), before any refresh (ledger replayed):  $(time_query "SELECT * FROM portfolio.positions WHERE portfolio_id = $P")  (target < 10 ms)"
echo "  the same as portfolio_reader (row-level security applies): $(time_query "SELECT * FROM portfolio.positions WHERE portfolio_id = $P" "SET ROLE portfolio_reader;")"
# the portfolio's owner: a portfolio_user role (roles are cluster-wide; this one outlives the database)
q -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgp_bench_owner') THEN
        CREATE ROLE pgp_bench_owner NOLOGIN IN ROLE portfolio_user; END IF; END \$\$" \
  -c "UPDATE portfolio.portfolios SET owner = 'pgp_bench_owner' WHERE id = $P"
echo "  the same as its owner, a portfolio_user role (row-level security applies): $(time_query "SELECT * FROM portfolio.positions WHERE portfolio_id = $P" "SET ROLE pgp_bench_owner;")"

# --- the valuation engine: full rebuild, then incremental refreshes, as ratios to the rebuild ------
timed() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N); elapsed "$t0" "$t1"; }
refresh_rows() { q -c "SELECT rows || ' rows, ' || portfolios || ' portfolios, ' || failed || ' failed' FROM portfolio.refresh_log ORDER BY id DESC LIMIT 1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a / b }'; }
FULL=$(timed q -c "CALL portfolio.refresh()")
echo "full rebuild, $PORTFOLIOS portfolios: $FULL s ($(refresh_rows)) (target <= 15 s at 1,000)"
# one new day of quotes for every symbol (the day after the last one), then refresh
NEXT=$(q -c "SELECT (max(ts) AT TIME ZONE 'UTC')::date + 1 FROM portfolio.quotes")
q -c "SELECT portfolio.ensure_quote_partitions('$NEXT', '$NEXT')" >/dev/null
q -c "INSERT INTO portfolio.quotes (symbol, ts, close, source)
      SELECT symbol, '$NEXT'::timestamp AT TIME ZONE 'UTC', close * 1.01, 'bench'
      FROM (SELECT DISTINCT ON (symbol) symbol, close FROM portfolio.quotes ORDER BY symbol, ts DESC) l" >/dev/null
DAY=$(timed q -c "CALL portfolio.refresh()")
echo "one new day of quotes for all $SYMBOLS symbols, then refresh(): $DAY s ($(refresh_rows)), $(ratio "$DAY" "$FULL") of the rebuild (target <= 1 s)"
# one backdated trade in one portfolio, two years ago
q -c "INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price)
      SELECT $P, instrument, now() - interval '2 years', 'buy', 1, 50 FROM portfolio.transactions
      WHERE portfolio_id = $P AND instrument IS NOT NULL LIMIT 1" >/dev/null
TRADE=$(timed q -c "CALL portfolio.refresh()")
echo "one backdated trade in one portfolio, then refresh(): $TRADE s ($(refresh_rows)), $(ratio "$TRADE" "$FULL") of the rebuild (target <= 0.1 s)"
# a reader during a refresh of every portfolio: latency of one portfolio's performance, p50/p99
q -c "SELECT portfolio.mark_dirty(array_agg(id), array_agg('-infinity'::date)) FROM portfolio.portfolios" >/dev/null
q -c "CALL portfolio.refresh()" >/dev/null &
REFRESHING=$!
{ echo "SET ROLE portfolio_reader;"; echo '\timing on'
  for ((i = 0; i < 200; i++)); do echo "SELECT * FROM portfolio.performance WHERE portfolio_id = $P \g /dev/null"; done; } |
  psql_cluster -d "$DB" -q 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n > "$TMP_TIMES"
still=$(kill -0 "$REFRESHING" 2>/dev/null && echo "during the refresh" || echo "(the refresh ended before the last read)")
wait "$REFRESHING"
echo "a reader's performance query during a full refresh, 200 reads $still: p50 $(awk '{a[NR]=$1} END {print a[int(NR*0.5)]}' "$TMP_TIMES") ms, p99 $(awk '{a[NR]=$1} END {print a[int(NR*0.99)]}' "$TMP_TIMES") ms"

# the reads, now served from the stored ledger ends (written by the refreshes above) and, once
# refresh_figures() has run (the pg_portfolio_figures job), the stored performance figures
echo "performance, one portfolio, computed as it is read (no stored figures yet): $(time_query "SELECT * FROM portfolio.performance WHERE portfolio_id = $P")"
FIGURES=$(timed q -c "SELECT portfolio.refresh_figures()")
echo "refresh_figures(), the performance figures of all $PORTFOLIOS portfolios: $FIGURES s ($(q -c "SELECT count(*) FROM portfolio.performance_figures") stored)"
echo "positions, one portfolio, from the stored ledger end: $(time_query "SELECT * FROM portfolio.positions WHERE portfolio_id = $P")  (target < 10 ms)"
echo "  the same as portfolio_reader: $(time_query "SELECT * FROM portfolio.positions WHERE portfolio_id = $P" "SET ROLE portfolio_reader;")"
echo "  the same as its owner: $(time_query "SELECT * FROM portfolio.positions WHERE portfolio_id = $P" "SET ROLE pgp_bench_owner;")"
echo "performance, one portfolio, stored figures:  $(time_query "SELECT * FROM portfolio.performance WHERE portfolio_id = $P")"
echo "pnl_breakdown, one portfolio, one year: $(time_query "SELECT * FROM portfolio.pnl_breakdown($P, current_date - 365, current_date)")"
echo "BI role, all portfolios' positions total: $(time_query "SELECT count(*), sum(market_value_base) FROM portfolio.positions" "SET ROLE portfolio_reader;")  (target < 1 s)"
echo "BI role, all portfolios' performance averages: $(time_query "SELECT count(*), avg(sharpe), avg(volatility) FROM portfolio.performance" "SET ROLE portfolio_reader;")  (target < 1 s)"
echo "performance, one portfolio, as its owner: $(time_query "SELECT * FROM portfolio.performance WHERE portfolio_id = $P" "SET ROLE pgp_bench_owner;")  (target < 10 ms)"
echo "performance, one portfolio, as portfolio_reader: $(time_query "SELECT * FROM portfolio.performance WHERE portfolio_id = $P" "SET ROLE portfolio_reader;")"

# --- growth: GROW times the portfolios (copies of the ledgers), full rebuild again ---------------
GROW=${GROW:-5}
if [[ $GROW -gt 1 ]]; then
  q <<SQL >/dev/null
SET client_min_messages = warning;
CREATE TEMP TABLE copies AS
SELECT p.id AS src, g FROM portfolio.portfolios p, generate_series(2, $GROW) g;
INSERT INTO portfolio.portfolios (name, owner, base_currency, benchmark_symbol)
SELECT p.name || ' copy ' || c.g, p.owner, p.base_currency, p.benchmark_symbol
FROM copies c JOIN portfolio.portfolios p ON p.id = c.src;
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, fees, amount)
SELECT n.id, t.instrument, t.executed_at, t.kind, t.quantity, t.price, t.fees, t.amount
FROM copies c JOIN portfolio.portfolios p ON p.id = c.src
JOIN portfolio.portfolios n ON n.name = p.name || ' copy ' || c.g
JOIN portfolio.transactions t ON t.portfolio_id = p.id;
VACUUM ANALYZE;   -- (as after the first load)
SELECT portfolio.mark_dirty(array_agg(id), array_agg('-infinity'::date)) FROM portfolio.portfolios;
SQL
  BIG=$(timed q -c "CALL portfolio.refresh()")
  echo "full rebuild, $((PORTFOLIOS * GROW)) portfolios: $BIG s ($(refresh_rows)); per portfolio $(ratio "$BIG" "$FULL") / $GROW = $(awk -v a="$BIG" -v b="$FULL" -v g="$GROW" 'BEGIN { printf "%.3f", a / b / g }') of the $PORTFOLIOS-portfolio rebuild's (1.000 = linear)"
fi
