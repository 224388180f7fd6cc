#!/usr/bin/env bash
# Crashes during loads and refreshes, on a private cluster of its own (PGP_PROFILE=kill, so that
# stopping it never disturbs the shared test cluster):
#  1. a large deterministic quote file (KILL_SYMBOLS x 1000 business days, a few invalid rows
#     that go to quarantine) is loaded by portfolio-fetch in batches of KILL_BATCH rows, and the
#     fetcher is SIGKILLed: while its first batch is complete but not committed; while the 4th is
#     (both with the fetcher's test pause, PORTFOLIO_FETCH_TEST_PAUSE_MS, holding the batch open);
#     mid-flight after 10 batches; and during a resuming re-run after 25;
#  2. the postmaster is stopped with pg_ctl stop -m immediate during a load (after 30 batches) and
#     during CALL portfolio.refresh() of a few synthetic portfolios holding those symbols;
#  3. after each crash: whole batches only. Rows of one batch share fetched_at (now() of their
#     transaction), so every group of fetched_at holds exactly KILL_BATCH rows, the stored rows are
#     exactly the file's first k * KILL_BATCH valid rows, and the quarantined rows exactly the
#     invalid ones among them; no fetcher session is left; a committed batch survives the
#     postmaster's crash; the interrupted refresh left portfolio_daily as it was before it;
#  4. a final re-run completes the load, and a refresh then gives quotes, quarantine and
#     portfolio_daily equal, row for row (md5 of the ordered rows), to a clean load and refresh of
#     the same file and ledger into a fresh database.
# The kills are placed by what the database shows (rows committed, a session idle in its
# transaction), not by timers. Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export PGP_PROFILE=kill PGP_DATABASE=portfolio
source scripts/lib.sh
set +e
BIN=$REPO/build/fetcher/portfolio-fetch
SYMBOLS=${KILL_SYMBOLS:-200}
B=${KILL_BATCH:-5000}
WORK=$(mktemp -d /tmp/kill-suite.XXXXXX)
chmod 755 "$WORK"
FETCH_PID=
cleanup() {
  [[ -n $FETCH_PID ]] && kill -KILL "$FETCH_PID" 2>/dev/null
  bash scripts/cluster.sh destroy >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
fetcher_binaries portfolio-fetch

bash scripts/cluster.sh destroy >/dev/null 2>&1
if ! bash scripts/cluster.sh start >"$WORK/start.log" 2>&1; then
  bail "the kill cluster starts" "$(tail -3 "$WORK/start.log")"
fi
export_connection
export PGOPTIONS="-c client_min_messages=warning"
q "CREATE EXTENSION IF NOT EXISTS pg_portfolio"
ok "kill cluster on port $PORT ($CLUSTER_ROOT)"

# --- the file: SYMBOLS x 1000 business days, an invalid row after every 9,973rd valid one ---------
/usr/bin/python3 - "$WORK" "$SYMBOLS" <<'PY'
import random, sys
sys.path.insert(0, "scripts")
from synthetic_quotes import CSV_HEADER, business_days, csv_bars
work, symbols = sys.argv[1], int(sys.argv[2])
rng = random.Random(14)
days = business_days()
valid = 0
with open(f"{work}/quotes.csv", "w") as f, open(f"{work}/expect.tsv", "w") as e, open(f"{work}/bad.tsv", "w") as b:
    f.write(CSV_HEADER)
    for s in range(symbols):
        sym = f"K{s:04d}"
        for day, close, line in csv_bars(rng, sym, days):
            f.write(line)
            valid += 1
            e.write(f"{valid}\t{sym}\t{day}\t{close:.2f}\n")
            if valid % 9973 == 0:   # low above high: quarantined with the batch it falls in
                f.write(f"{sym}X,{day},10,9,11,10,1,10\n")
                b.write(f"{valid}\t{sym}X\n")
PY
TOTAL=$(wc -l <"$WORK/expect.tsv")
BAD=$(wc -l <"$WORK/bad.tsv")
q "CREATE SCHEMA kill_ref;
   CREATE TABLE kill_ref.expect (n int PRIMARY KEY, symbol text, day date, close numeric);
   CREATE TABLE kill_ref.bad (valid_before int, symbol text)"
psql -X -q -c "\\copy kill_ref.expect FROM '$WORK/expect.tsv'" -c "\\copy kill_ref.bad FROM '$WORK/bad.tsv'"
check "the file: $TOTAL valid rows ($SYMBOLS symbols x 1000 days) and $BAD invalid ones" "$((SYMBOLS * 1000))|$BAD" \
  "$(q "SELECT count(*) FROM kill_ref.expect")|$(q "SELECT count(*) FROM kill_ref.bad")"

stored() { q "SELECT count(*) FROM portfolio.quotes"; }
# wait_for SQL: polls until the query returns t (at most ~60 s); 1 if it never does
wait_for() {
  local i
  for i in $(seq 1200); do [[ $(q "$1" 2>/dev/null) == t ]] && return 0; sleep 0.05; done
  return 1
}
fetcher_sessions() { q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'portfolio-fetch'"; }

# whole_batches LABEL [MIN_BATCHES]: the stored rows are exactly the first k batches of the file
whole_batches() {
  local label=$1 min=${2:-0} n k want
  wait_for "SELECT count(*) = 0 FROM pg_stat_activity WHERE application_name = 'portfolio-fetch'" \
    || fail "$label: the killed fetcher's session ends" "$(fetcher_sessions) left"
  n=$(stored); k=$((n / B))
  check "$label: whole batches only ($n rows = $k x $B, at least $min batches)" "0 true" \
    "$((n % B)) $([[ $k -ge $min && $n -le $TOTAL ]] && echo true || echo false)"
  check "$label: every batch (rows of one fetched_at) holds $B rows" "$k|$B|$B" \
    "$(q "SELECT count(*) || '|' || coalesce(min(c), $B) || '|' || coalesce(max(c), $B)
          FROM (SELECT count(*) AS c FROM portfolio.quotes GROUP BY fetched_at) g")"
  check "$label: the stored rows are the file's first $n valid rows, with their closes" "$n" \
    "$(q "SELECT count(*) FROM portfolio.quotes q JOIN kill_ref.expect e
            ON e.symbol = q.symbol AND e.day = (q.ts AT TIME ZONE 'UTC')::date AND e.close = q.close
          WHERE e.n <= $n")"
  want=$(q "SELECT count(*) FROM kill_ref.bad WHERE valid_before < $n")
  check "$label: quarantine holds exactly the invalid rows of those batches ($want)" "$want|$want" \
    "$(q "SELECT count(*) FROM portfolio.quotes_rejected r JOIN kill_ref.bad b USING (symbol) WHERE b.valid_before < $n")|$(q "SELECT count(*) FROM portfolio.quotes_rejected")"
}

# start_fetch [PAUSE_MS]: portfolio-fetch of the whole file in the background
start_fetch() {
  PORTFOLIO_FETCH_TEST_PAUSE_MS=${1:-0} "$BIN" --provider csv --file "$WORK/quotes.csv" --batch-size "$B" \
    --no-progress --json --dsn "host=$SOCKET_DIR port=$PORT user=postgres dbname=${DB:-$DB_NAME}" \
    >"$WORK/fetch.out" 2>"$WORK/fetch.err" &
  FETCH_PID=$!
}
kill_fetch() { kill -KILL "$FETCH_PID" 2>/dev/null; wait "$FETCH_PID" 2>/dev/null; FETCH_PID=; }
# a batch complete and held open by the test pause: idle in its transaction, with rows staged
paused_with() {
  wait_for "SELECT count(*) = $1 FROM portfolio.quotes" \
    && wait_for "SELECT count(*) = 1 FROM pg_stat_activity WHERE application_name = 'portfolio-fetch'
                   AND state = 'idle in transaction'"
}

# --- 1. SIGKILL at four points -----------------------------------------------------------------
start_fetch 400
if paused_with 0; then ok "first batch complete, uncommitted"; else fail "first batch complete, uncommitted" "$(stored) rows"; fi
kill_fetch
whole_batches "SIGKILL with the first batch open" 0
check "  nothing of it was committed" 0 "$(stored)"

start_fetch 400
if paused_with $((3 * B)); then ok "4th batch complete, uncommitted"; else fail "4th batch complete, uncommitted" "$(stored) rows"; fi
kill_fetch
whole_batches "SIGKILL with the 4th batch open" 3
check "  exactly 3 batches committed" $((3 * B)) "$(stored)"

q "TRUNCATE portfolio.quotes, portfolio.quotes_rejected"
start_fetch 0
wait_for "SELECT count(*) >= $((10 * B)) FROM portfolio.quotes" || fail "the load reaches 10 batches" "$(stored) rows"
kill_fetch
whole_batches "SIGKILL mid-flight after 10 batches" 10

# a resuming run (csv: every row of the file; stored ones are unchanged), killed after 25
start_fetch 0
wait_for "SELECT count(*) >= $((25 * B)) FROM portfolio.quotes" || fail "the resumed load reaches 25 batches" "$(stored) rows"
kill_fetch
whole_batches "SIGKILL during a resuming run after 25 batches" 25

# --- 2. the postmaster stopped with -m immediate during a load ------------------------------------
start_fetch 0
wait_for "SELECT count(*) >= $((30 * B)) FROM portfolio.quotes" || fail "the load reaches 30 batches" "$(stored) rows"
seen=$(stored)
as_cluster_user "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m immediate -w stop >/dev/null 2>&1
wait "$FETCH_PID"; rc=$?; FETCH_PID=
check "pg_ctl stop -m immediate during a load: the fetcher fails (exit 1 or 2)" true \
  "$([[ $rc -eq 1 || $rc -eq 2 ]] && echo true || echo "false (exit $rc)")"
bash scripts/cluster.sh start >"$WORK/restart1.log" 2>&1 || fail "the cluster restarts after the crash" "$(tail -2 "$WORK/restart1.log")"
grep -q "database system was interrupted\|not properly shut down\|redo starts\|automatic recovery" "$LOG_DIR/postgres.log" \
  && ok "the restart ran crash recovery (server log)" || fail "the restart ran crash recovery (server log)"
whole_batches "postmaster crash during a load" 30
check "  every batch seen committed before the crash survived it" true "$([[ $(stored) -ge $seen ]] && echo true || echo "false: $(stored) < $seen")"

# --- the final re-run completes the load ----------------------------------------------------------
before=$(stored)
start_fetch 0
wait "$FETCH_PID"; rc=$?; FETCH_PID=
check "the re-run ends with exit 1 (rows rejected), inserting the rest" "1|$((TOTAL - before))|$before|$BAD" \
  "$rc|$(/usr/bin/python3 -c "import json; t = json.load(open('$WORK/fetch.out'))['totals']; print('%d|%d|%d' % (t['inserted'], t['unchanged'], t['rejected']))")"
check "  every row of the file is stored, every invalid one quarantined once" "$TOTAL|$BAD" \
  "$(stored)|$(q "SELECT count(*) FROM portfolio.quotes_rejected")"

# --- portfolios for the refresh: 12 synthetic owners holding 25 of the symbols each ---------------
LEDGER="
INSERT INTO portfolio.instruments (symbol, currency) SELECT DISTINCT symbol, 'USD' FROM portfolio.quotes ON CONFLICT DO NOTHING;
INSERT INTO portfolio.portfolios (name) SELECT 'kill ' || p FROM generate_series(1, 12) p;
INSERT INTO portfolio.transactions (portfolio_id, executed_at, kind, amount, currency, external_id)
SELECT id, '2022-01-03 12:00+00', 'deposit', 1000000, 'USD', 'dep' FROM portfolio.portfolios;
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, external_id)
SELECT p.id, format('K%s', lpad(((p.id * 7 + k) % $SYMBOLS)::text, 4, '0')), '2022-01-04 20:00+00', 'buy', 10 + k, 100, 'buy' || k
FROM portfolio.portfolios p, generate_series(1, 25) k;"
q "$LEDGER"
q "CALL portfolio.refresh()"
MV="SELECT md5(string_agg(d::text, E'\n' ORDER BY portfolio_id, day)) FROM portfolio.daily_series d WHERE day <= '2025-12-31'"
mv_before=$(q "$MV")
days=$(q "SELECT count(*) FROM portfolio.daily_series WHERE day <= '2025-12-31'")
check "the first refresh filled portfolio_daily (12 portfolios, from 2022-01-03)" true "$([[ $days -gt 12000 ]] && echo true || echo "false: $days rows")"
log_rows=$(q "SELECT count(*) FROM portfolio.refresh_log")
# a change the next refresh must show: a later buy in every portfolio
CHANGE="INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, external_id)
        SELECT id, 'K0001', '2023-06-01 20:00+00', 'buy', 3, 50, 'late' FROM portfolio.portfolios;
        -- and every day queued, so the interrupted refresh is a long one (a full rebuild)
        SELECT portfolio.mark_dirty(array_agg(id), array_agg('-infinity'::date)) FROM portfolio.portfolios;"
q "$CHANGE"

# --- 3. the postmaster stopped with -m immediate during refresh() ---------------------------------
psql -X -q -d "$DB_NAME" -c "CALL portfolio.refresh()" >"$WORK/refresh.out" 2>&1 &
refresh_pid=$!
if wait_for "SELECT count(*) = 1 FROM pg_stat_activity WHERE query LIKE 'CALL portfolio.refresh()%' AND state = 'active'"; then
  ok "refresh() is running"
else
  fail "refresh() is running"
fi
as_cluster_user "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m immediate -w stop >/dev/null 2>&1
wait "$refresh_pid"; rc=$?
check "pg_ctl stop -m immediate during refresh(): the CALL fails" true "$([[ $rc -ne 0 ]] && echo true || echo "false: exit $rc, $(cat "$WORK/refresh.out")")"
bash scripts/cluster.sh start >"$WORK/restart2.log" 2>&1 || fail "the cluster restarts after the second crash" "$(tail -2 "$WORK/restart2.log")"
check "  portfolio_daily is as before the interrupted refresh (md5 of its rows)" "$mv_before" "$(q "$MV")"
check "  refresh_log has no row of the interrupted run" "$log_rows" "$(q "SELECT count(*) FROM portfolio.refresh_log")"
q "CALL portfolio.refresh()"
mv_after=$(q "$MV")
check "a refresh after the crash succeeds and shows the change" "true|0" \
  "$([[ $mv_after != "$mv_before" ]] && echo true || echo false)|$(q "SELECT count(error) FROM (SELECT DISTINCT ON (view_name) error FROM portfolio.refresh_log ORDER BY view_name, id DESC) l")"

# --- 4. equal to a clean load into a fresh database -----------------------------------------------
q "CREATE DATABASE kill_clean" 
PGDATABASE=kill_clean q "CREATE EXTENSION pg_portfolio"
DB=kill_clean start_fetch 0
wait "$FETCH_PID"; rc=$?; FETCH_PID=
check "a clean load of the same file into a fresh database (exit 1: the invalid rows)" 1 "$rc"
PGDATABASE=kill_clean q "$LEDGER"
PGDATABASE=kill_clean q "$CHANGE"
PGDATABASE=kill_clean q "CALL portfolio.refresh()"
QUOTES="SELECT count(*) || ' ' || md5(string_agg(concat_ws(',', symbol, ts, open, high, low, close, adj_close, volume, source), E'\n' ORDER BY symbol, ts)) FROM portfolio.quotes"
REJECTED="SELECT count(*) || ' ' || md5(string_agg(concat_ws(',', symbol, raw, reason, source), E'\n' ORDER BY symbol, raw)) FROM portfolio.quotes_rejected"
check "quotes after the kills and crashes = the clean load (row for row)" "$(PGDATABASE=kill_clean q "$QUOTES")" "$(q "$QUOTES")"
check "quarantine after the kills and crashes = the clean load" "$(PGDATABASE=kill_clean q "$REJECTED")" "$(q "$REJECTED")"
check "portfolio_daily after the crashes = the clean database's" "$(PGDATABASE=kill_clean q "$MV")" "$mv_after"

finish
