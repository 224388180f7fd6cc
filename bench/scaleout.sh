#!/usr/bin/env bash
# The coordinator against a single node holding the same data (docs/scale-out.md): a single node,
# 3 shards and a coordinator on loopback, made from the private install tree and removed
# afterwards. Prints, in one run, coordinator time / single-node time (best of REPS) for
#   - analytics grouped by portfolio (pushed down whole to the shards),
#   - a whole-table figure in two steps (shard summaries, coordinator rollup) and, for contrast,
#     the same figure with every row travelling to the coordinator,
#   - one portfolio's performance and positions (one shard asked),
#   - the refresh of every portfolio (refresh_shards() against refresh()).
# All nodes share this machine's cores, so a ratio shows the layout's overhead and the work it
# avoids (rows not sent), not a speed-up: on separate machines the shards' parts run side by side.
#
#   PORTFOLIOS=300 HOLDINGS=10 YEARS=3 REPS=5 bash bench/scaleout.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PGP_PROFILE=bench
source scripts/lib.sh
source scripts/scaleout_nodes.sh
set +e
PORTFOLIOS=${PORTFOLIOS:-300}
HOLDINGS=${HOLDINGS:-10}
YEARS=${YEARS:-3}
REPS=${REPS:-5}
SYMBOLS=50
SHARDS=3
export SCALEOUT_SHARED_BUFFERS=256MB

bash scripts/cluster.sh install >/dev/null
nodes_init
die() { echo "bench/scaleout.sh: $1" >&2; [[ -n ${2:-} ]] && echo "$2" >&2; exit 1; }
qs() { node_psql postgres "$@"; }
for n in single coord s1 s2 s3; do node_create "$n" || die "node $n does not start"; done
say "nodes up: single, coordinator, $SHARDS shards"

# --- data: the same on the single node and across the shards ---------------------------------------
FIRST_DAY=$(date -u -d "2020-01-01" +%F)
LAST_DAY=$(date -u -d "2020-01-01 + $YEARS years - 1 day" +%F)
REFERENCE_SQL="
INSERT INTO portfolio.instruments (symbol, currency) SELECT 'S' || lpad(k::text, 3, '0'), 'USD' FROM generate_series(1, $SYMBOLS) k;
SELECT portfolio.ensure_quote_partitions('$FIRST_DAY', '$LAST_DAY');
INSERT INTO portfolio.quotes (symbol, ts, close, source)
SELECT 'S' || lpad(k::text, 3, '0'), d::timestamp AT TIME ZONE 'UTC',
       round((50 + k + 10 * sin(i / (7.0 + k)) + 0.02 * i * ((k % 5) - 2))::numeric, 4), 'bench'
FROM generate_series(1, $SYMBOLS) k
CROSS JOIN LATERAL (SELECT d, row_number() OVER (ORDER BY d) AS i
                    FROM generate_series(date '$FIRST_DAY', date '$LAST_DAY', interval '1 day') d
                    WHERE extract(isodow FROM d) < 6) days;"
# portfolio i (1-based) lives on shard s = (i - 1) % SHARDS + 1 with id s * SHARD_SPAN + i (shard_range)
LEDGER_SQL="
INSERT INTO portfolio.portfolios (id, name, owner)
SELECT s * $SHARD_SPAN::bigint + i, 'p' || i, 'postgres' FROM generate_series(1, $PORTFOLIOS) i, LATERAL (SELECT (i - 1) % $SHARDS + 1 AS s) x
WHERE @SHARD@;
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount)
SELECT p.id, NULL, '$FIRST_DAY 15:00+00'::timestamptz + interval '1 day', 'deposit'::portfolio.txn_kind, NULL::numeric, NULL::numeric, 1000000::numeric
FROM portfolio.portfolios p
UNION ALL
SELECT p.id, 'S' || lpad(((p.id % 1000 * 7 + h * 11) % $SYMBOLS + 1)::text, 3, '0'),
       '$FIRST_DAY 15:00+00'::timestamptz + make_interval(days => 2 + (h * 37 + (p.id % 97)::int) % 300),
       'buy', 10 + h, 60, NULL
FROM portfolio.portfolios p, generate_series(1, $HOLDINGS) h;"
r=$(qs coord "$REFERENCE_SQL") || die "reference data" "$r"
r=$(qs single "$REFERENCE_SQL
  ${LEDGER_SQL//@SHARD@/true}") || die "single node data" "$r"
r=$(qs coord "SELECT portfolio.publish_reference_data()") || die "publication" "$r"
for k in 1 2 3; do
  r=$(node_subscribe "s$k" coord "$FIRST_DAY" "$LAST_DAY") || die "subscription s$k" "$r"
done
quotes=$(qs single "SELECT count(*) FROM portfolio.quotes")
for k in 1 2 3; do
  got=$(node_wait "s$k" "SELECT count(*) FROM portfolio.quotes" "$quotes" 300)
  [[ $got == "$quotes" ]] || die "s$k has $got of $quotes quotes"
  r=$(qs "s$k" "${LEDGER_SQL//@SHARD@/s = $k}") || die "ledger on s$k" "$r"
done

COORD_SQL="CREATE EXTENSION postgres_fdw; CREATE EXTENSION dblink;"
for k in 1 2 3; do COORD_SQL+=$(coordinator_sql "s$k" "$k"); done
r=$(qs coord "$COORD_SQL") || die "coordinator" "$r"

# best_ms NODE SQL: the best of REPS runs, in milliseconds (psql's \timing, client side included)
best_ms() {
  local i out best=
  for ((i = 0; i < REPS; i++)); do
    out=$("$SYSTEM_PG_LIB/bin/psql" -X -q -h "${HOSTS[$1]:-$WORK}" -p "${PORTS[$1]}" -U postgres -d portfolio \
          -c '\timing on' -c "$2" -o /dev/null 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
    [[ -n $out ]] || die "query failed on $1: $2"
    best=$(awk -v a="$out" -v b="$best" 'BEGIN { print (b == "" || a < b) ? a : b }')
  done
  printf '%s' "$best"
}

say "refreshing: single node, then every shard from the coordinator"
# one run each: the first refresh values every portfolio (a second would find nothing queued)
single_refresh=$(REPS=1 best_ms single "CALL portfolio.refresh()")
coord_refresh=$(REPS=1 best_ms coord "CALL portfolio.refresh_shards()")
rows=$(qs single "SELECT count(*) FROM portfolio.portfolio_daily")
one=$(qs single "SELECT min(id) FROM portfolio.portfolios WHERE id > 2000000000")

GROUPED="SELECT portfolio_id, portfolio.sharpe(daily_return ORDER BY day), portfolio.var_historical(daily_return, 0.95),
  portfolio.max_drawdown(daily_return ORDER BY day) FROM %s WHERE daily_return IS NOT NULL GROUP BY portfolio_id"
printf '\n%s portfolios x %s holdings x %s years: %s daily rows; %s shards; best of %s\n\n' \
  "$PORTFOLIOS" "$HOLDINGS" "$YEARS" "$rows" "$SHARDS" "$REPS"
printf '%-58s %12s %12s %8s\n' "query" "single ms" "coord ms" "ratio"
row() {  # row LABEL SINGLE_SQL COORD_SQL
  local a b
  a=$(best_ms single "$2"); b=$(best_ms coord "$3")
  printf '%-58s %12.1f %12.1f %8.2f\n' "$1" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { print b / a }')"
}
row "analytics grouped by portfolio (pushed down)" \
  "$(printf "$GROUPED" portfolio.portfolio_daily)" "$(printf "$GROUPED" portfolio_all.daily)"
row "whole table in two steps (return_summary)" \
  "SELECT portfolio.mean(s), portfolio.stddev(s) FROM (SELECT portfolio.return_stats(daily_return) s FROM portfolio.portfolio_daily WHERE daily_return IS NOT NULL) x" \
  "SELECT portfolio.mean(stats), portfolio.stddev(stats) FROM portfolio_all.return_summary"
row "whole table, every row to the coordinator" \
  "SELECT portfolio.mean(s), portfolio.stddev(s) FROM (SELECT portfolio.return_stats(daily_return) s FROM portfolio.portfolio_daily WHERE daily_return IS NOT NULL) x" \
  "SELECT portfolio.mean(s), portfolio.stddev(s) FROM (SELECT portfolio.return_stats(daily_return) s FROM portfolio_all.daily WHERE daily_return IS NOT NULL) x"
row "one portfolio's performance" \
  "SELECT * FROM portfolio.performance WHERE portfolio_id = $one" "SELECT * FROM portfolio_all.performance WHERE portfolio_id = $one"
row "one portfolio's positions" \
  "SELECT * FROM portfolio.positions WHERE portfolio_id = $one" "SELECT * FROM portfolio_all.positions WHERE portfolio_id = $one"
printf '%-58s %12.1f %12.1f %8.2f\n' "refresh of every portfolio (refresh_shards vs refresh)" \
  "$single_refresh" "$coord_refresh" "$(awk -v a="$single_refresh" -v b="$coord_refresh" 'BEGIN { print b / a }')"
echo
echo "ratio = coordinator / single node. All nodes share this machine's $(nproc) cores: the ratios"
echo "show the layout's overhead and the rows it does not move, not the speed-up of separate machines."
