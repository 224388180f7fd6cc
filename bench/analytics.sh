#!/usr/bin/env bash
# Times every analytics aggregate of pg_portfolio against sum(float8) on the same table and against
# its plain-SQL equivalent, ungrouped and grouped by 1,000 symbols, plus the parallel speed-up of
# 2 workers over 1 next to sum(float8)'s own. Prints one readable table. Not a test: figures
# depend on the machine.
#
# Parallel plans never lose (issue 15): an aggregate with a combine function (pg_aggregate, read
# here, not listed by hand) must gain from a second worker, speed-up = 1-worker time / 2-worker
# time >= 1.0; one without is never given to workers and is shown as "not offered to workers".
# The last line names any offered aggregate below 1.0.
#
#   ROWS=10000000 bash bench/analytics.sh     (default 10,000,000 rows; use ROWS=200000 to try it)
#   REPS=3                                    runs per query, the best is kept
#   PGP_PROFILE=test                          which private cluster (scripts/cluster.sh env)
#
# Aggregates that do not exist in the installed extension are skipped: each is probed by
# to_regprocedure before it is timed, so this also covers aggregates added later.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROWS=${ROWS:-10000000}
REPS=${REPS:-3}
SYMBOLS=1000
export PGP_PROFILE=${PGP_PROFILE:-test}
eval "$(bash scripts/cluster.sh env)"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE EXTENSION IF NOT EXISTS pg_portfolio" 2>&1 | grep -v NOTICE || true

# --- the table: ROWS returns of 1,000 symbols (r) and a benchmark series (rb) ------------------------
# The table is rebuilt when its row count or its data version (the table comment) differs.
DATA_VERSION=2
existing=""
if [[ $("${PSQL[@]}" -At -c "SELECT to_regclass('public.bench_returns') IS NOT NULL") == t ]]; then
  existing=$("${PSQL[@]}" -At -c "SELECT count(*) || ' ' || obj_description('bench_returns'::regclass) FROM bench_returns")
fi
if [[ $existing != "$ROWS v$DATA_VERSION" ]]; then
  echo "creating bench_returns with $ROWS rows ..." >&2
  "${PSQL[@]}" <<SQL
DROP TABLE IF EXISTS bench_returns;
SELECT setseed(0.42) \g /dev/null
CREATE UNLOGGED TABLE bench_returns AS
-- r is uniform on (-2 %, +2 %) shifted so that E[ln(1 + r)] = 0: the ungrouped compounded return
-- of 10M rows then stays inside float8 (with a positive drift exp(sum(ln(1 + r))) overflows)
SELECT i AS id, (i % $SYMBOLS)::int AS symbol,
       (random() - 0.5) * 0.04 + 0.000066668 AS r, (random() - 0.5) * 0.03 AS rb,
       date '2000-01-01' + (i / $SYMBOLS)::int AS day
FROM generate_series(1, $ROWS) i;
COMMENT ON TABLE bench_returns IS 'v$DATA_VERSION';
VACUUM ANALYZE bench_returns;
SQL
fi

# best_ms SETTINGS QUERY: the best wall time in ms over REPS runs (psql's \timing), or "error"
# (the query's error goes to stderr) so one failing query does not end the whole run.
best_ms() {
  local settings=$1 query=$2 script out
  script="$settings"$'\n\\timing on\n'
  for ((i = 0; i < REPS; i++)); do script+="$query;"$'\n'; done
  if ! out=$("${PSQL[@]}" -At -o /dev/null <<<"$script" 2>&1); then
    printf '%s\n' "$out" | grep -v '^Time:' >&2
    echo error
    return
  fi
  awk '/^Time:/ { t = $2; if (best == "" || t < best) best = t } END { printf "%.1f", best }' <<<"$out"
}

# worker_pair_ms QUERY: "W1 W2", the best wall times in ms with 1 and with 2 parallel workers, the
# two plans run alternately (REPS of each) so that a slow phase of this shared machine falls on both
# alike rather than on one side of the ratio; or "error error".
worker_pair_ms() {
  local query=$1 script="$PARALLEL"$'\n' out
  for ((i = 0; i < REPS; i++)); do
    script+="SET max_parallel_workers_per_gather = 1;"$'\n\\timing on\n'"$query;"$'\n\\timing off\n'
    script+="SET max_parallel_workers_per_gather = 2;"$'\n\\timing on\n'"$query;"$'\n\\timing off\n'
  done
  if ! out=$("${PSQL[@]}" -At -o /dev/null <<<"$script" 2>&1); then
    printf '%s\n' "$out" | grep -v '^Time:' >&2
    echo error error
    return
  fi
  awk '/^Time:/ { n++; t = $2; if (n % 2) { if (a == "" || t < a) a = t } else { if (b == "" || t < b) b = t } }
       END { printf "%.1f %.1f", a, b }' <<<"$out"
}

SERIAL="SET max_parallel_workers_per_gather = 0;"
# 1 or 2 parallel workers doing all the work (the leader only gathers). force_parallel_mode makes
# the planner use a worker even where one worker alone costs the same as the serial plan.
PARALLEL="SET parallel_leader_participation = off; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET max_parallel_workers = 8; SET force_parallel_mode = on;"

# name | probe signature | aggregate expression | plain-SQL equivalent expression
AGGREGATES=$(cat <<'LIST'
twr|portfolio.twr(float8)|portfolio.twr(r)|exp(sum(ln(1 + r))) - 1
annualized_return|portfolio.annualized_return(float8, integer)|portfolio.annualized_return(r, 252)|exp(sum(ln(1 + r)) * 252 / count(*)) - 1
volatility|portfolio.volatility(float8, integer)|portfolio.volatility(r, 252)|stddev_samp(r) * sqrt(252)
sharpe|portfolio.sharpe(float8, float8, integer)|portfolio.sharpe(r, 0, 252)|avg(r) / stddev_samp(r) * sqrt(252)
sortino|portfolio.sortino(float8, float8, integer)|portfolio.sortino(r, 0, 252)|avg(r) / sqrt(avg(least(r, 0) ^ 2)) * sqrt(252)
var_gaussian|portfolio.var_gaussian(float8, float8)|portfolio.var_gaussian(r, 0.95)|-(avg(r) - 1.6448536269514722 * stddev_pop(r))
cvar_gaussian|portfolio.cvar_gaussian(float8, float8)|portfolio.cvar_gaussian(r, 0.95)|-avg(r) + stddev_pop(r) * 0.10313564037537128 / 0.05
var_cornish_fisher|portfolio.var_cornish_fisher(float8, float8)|portfolio.var_cornish_fisher(r, 0.95)|-(avg(r) - 1.6448536269514722 * stddev_pop(r))
beta|portfolio.beta(float8, float8)|portfolio.beta(r, rb)|regr_slope(r, rb)
alpha|portfolio.alpha(float8, float8, float8, integer)|portfolio.alpha(r, rb, 0, 252)|(1 + regr_intercept(r, rb)) ^ 252 - 1
tracking_error|portfolio.tracking_error(float8, float8, integer)|portfolio.tracking_error(r, rb, 252)|stddev_samp(r - rb) * sqrt(252)
information_ratio|portfolio.information_ratio(float8, float8, integer)|portfolio.information_ratio(r, rb, 252)|avg(r - rb) / stddev_samp(r - rb) * sqrt(252)
var_historical|portfolio.var_historical(float8, float8)|portfolio.var_historical(r, 0.95)|-percentile_cont(0.05) WITHIN GROUP (ORDER BY r)
cvar_historical|portfolio.cvar_historical(float8, float8)|portfolio.cvar_historical(r, 0.95)|-percentile_cont(0.05) WITHIN GROUP (ORDER BY r)
var_historical_approx|portfolio.var_historical_approx(float8, float8)|portfolio.var_historical_approx(r, 0.95)|-percentile_cont(0.05) WITHIN GROUP (ORDER BY r)
cvar_historical_approx|portfolio.cvar_historical_approx(float8, float8)|portfolio.cvar_historical_approx(r, 0.95)|
quantile_sketch|portfolio.quantile_sketch(float8)|portfolio.quantile_sketch(r)|
return_stats|portfolio.return_stats(float8)|portfolio.return_stats(r)|
pair_stats|portfolio.pair_stats(float8, float8)|portfolio.pair_stats(r, rb)|
max_drawdown|portfolio.max_drawdown(float8)|portfolio.max_drawdown(r ORDER BY id)|DRAWDOWN
calmar|portfolio.calmar(float8, integer)|portfolio.calmar(r, 252 ORDER BY id)|
xirr|portfolio.xirr(float8, date)|portfolio.xirr(CASE WHEN id <= @HALF@ THEN -1 ELSE 1.1 END * (1 + r), day)|
covariance|portfolio.covariance(float8[])|portfolio.covariance(ARRAY[r, rb])|ARRAY[covar_samp(r, r), covar_samp(r, rb), covar_samp(rb, rb)]
correlation|portfolio.correlation(float8[])|portfolio.correlation(ARRAY[r, rb])|ARRAY[1, corr(r, rb), corr(r, rb), 1]
var_monte_carlo|portfolio.var_monte_carlo(float8[], float8[], float8, integer, integer)|portfolio.var_monte_carlo(ARRAY[r, rb], ARRAY[0.7, 0.3], 0.95, 1, 5000)|
component_var|portfolio.component_var(float8[], float8[])|portfolio.component_var(ARRAY[r, rb], ARRAY[0.7, 0.3])|
LIST
)

# Plain SQL for max_drawdown: running log-wealth, its running peak (from 1), the largest fall.
drawdown_plain() {  # $1 = "" (ungrouped) or "symbol"
  local part="" group="" select=""
  if [[ -n $1 ]]; then part="PARTITION BY symbol"; group="GROUP BY symbol"; select="symbol, "; fi
  echo "SELECT ${select}max(1 - exp(cs - greatest(0, peak))) FROM (
          SELECT symbol, cs, max(cs) OVER ($part ORDER BY id) AS peak FROM (
            SELECT symbol, id, sum(ln(1 + r)) OVER ($part ORDER BY id) AS cs FROM bench_returns) a) b $group"
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { num = "^[0-9.]+$"
    if (a !~ num || b !~ num || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}

echo "timing sum(float8) ..." >&2
sum_u=$(best_ms "$SERIAL" "SELECT sum(r) FROM bench_returns")
sum_g=$(best_ms "$SERIAL" "SELECT symbol, sum(r) FROM bench_returns GROUP BY symbol")
# the machine's own parallel speed-up (scan and gather): the ceiling for every aggregate's speed-up
read -r sum_w1 sum_w2 <<<"$(worker_pair_ms "SELECT sum(r) FROM bench_returns")"

sum_speedup=$(ratio "$sum_w1" "$sum_w2")
printf '\npg_portfolio analytics benchmark: %s rows, %s symbols, best of %s runs, times in ms\n' "$ROWS" "$SYMBOLS" "$REPS"
printf 'serial plans except the last four columns; x sum = aggregate / sum(float8) (lower is better);\n'
printf 'plain/agg = plain-SQL equivalent / aggregate (higher is better);\n'
printf 'speed-up = 1-worker time / 2-worker time (leader not participating), ungrouped: >= 1.00 means the\n'
printf 'second worker paid; sum = sum(float8)'"'"'s own speed-up in this run, the machine'"'"'s ceiling\n\n'
ROW='%-22s | %9s %7s %9s %9s | %9s %7s %9s %9s | %9s %9s %8s %5s\n'
# shellcheck disable=SC2059  # the format is ours
printf "$ROW" aggregate ungrouped "x sum" plain plain/agg grouped "x sum" plain plain/agg "1 worker" "2 workers" speed-up sum
printf '%s\n' "$(printf '%.0s-' {1..156})"
# shellcheck disable=SC2059
printf "$ROW" "sum(float8)" "$sum_u" "1.00" "" "" "$sum_g" "1.00" "" "" "$sum_w1" "$sum_w2" "$sum_speedup" "$sum_speedup"
losers=()

while IFS='|' read -r name signature expr plain; do
  [[ -n $name ]] || continue
  expr=${expr//@HALF@/$((ROWS / 2))}   # xirr: deposits in the first half of the period, payouts after
  exists=$("${PSQL[@]}" -At -c "SELECT to_regprocedure('$signature') IS NOT NULL")
  if [[ $exists != t ]]; then
    printf '%-22s | not in this build (%s)\n' "$name" "$signature"
    continue
  fi
  echo "timing $name ..." >&2
  agg_u=$(best_ms "$SERIAL" "SELECT $expr FROM bench_returns")
  agg_g=$(best_ms "$SERIAL" "SELECT symbol, $expr FROM bench_returns GROUP BY symbol")
  plain_u="" plain_g=""
  if [[ $plain == DRAWDOWN ]]; then
    plain_u=$(best_ms "$SERIAL" "$(drawdown_plain "")")
    plain_g=$(best_ms "$SERIAL" "$(drawdown_plain symbol)")
  elif [[ -n $plain ]]; then
    plain_u=$(best_ms "$SERIAL" "SELECT $plain FROM bench_returns")
    plain_g=$(best_ms "$SERIAL" "SELECT symbol, $plain FROM bench_returns GROUP BY symbol")
  fi
  # offered to workers = has a combine function (and, for an internal state, serialize functions)
  offered=$("${PSQL[@]}" -At -c "SELECT aggcombinefn <> 0 FROM pg_aggregate WHERE aggfnoid = '$signature'::regprocedure")
  serial_cols=$(printf '%-22s | %9s %7s %9s %9s | %9s %7s %9s %9s |' "$name" \
    "$agg_u" "$(ratio "$agg_u" "$sum_u")" "${plain_u:--}" "$(ratio "$plain_u" "$agg_u")" \
    "$agg_g" "$(ratio "$agg_g" "$sum_g")" "${plain_g:--}" "$(ratio "$plain_g" "$agg_g")")
  if [[ $offered != t ]]; then
    printf '%s %s\n' "$serial_cols" "   not offered to workers (no combine function)"
    continue
  fi
  read -r w1 w2 <<<"$(worker_pair_ms "SELECT $expr FROM bench_returns")"
  speedup=$(ratio "$w1" "$w2")
  printf '%s %9s %9s %8s %5s\n' "$serial_cols" "$w1" "$w2" "$speedup" "$sum_speedup"
  if [[ $speedup == - ]] || awk -v x="$speedup" 'BEGIN { exit !(x < 1.0) }'; then losers+=("$name $speedup"); fi
done <<<"$AGGREGATES"
echo
echo "targets (issue 3): moment-based aggregates <= 1.2 x sum; var_historical >= 4 x faster than percentile_cont;"
echo "2 workers >= 1.7 x faster than 1. max_drawdown/calmar are order-dependent: never parallel."
if ((${#losers[@]} == 0)); then
  echo "issue 15: every aggregate offered to workers gains from the second one (speed-up >= 1.00)"
else
  echo "issue 15: offered to workers but speed-up below 1.00 (or not measured): ${losers[*]}"
fi
