#!/usr/bin/env bash
# portfolio-fetch as a login role in portfolio_loader (issue 14): an owner role may not load
# quotes, a loader may; and partition DDL never queues readers: while a long reader holds
# portfolio.quotes the fetcher makes a new month's partition at once and a second reader is not
# held up; while something holds a conflicting lock (as VACUUM or DDL would) the fetcher waits
# only lock_timeout per attempt, retries with backoff, and either succeeds once the lock is gone
# or gives up with a clear message; readers run throughout.
# PG* exported by scripts/test.sh, pg_portfolio installed in $PGDATABASE. Durations are measured
# (monotonic, not dates); no data depends on the clock. Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BIN=$PWD/build/fetcher/portfolio-fetch
ms_now() { echo $(( $(date +%s%N) / 1000000 )); }   # for durations only
export PGOPTIONS="-c client_min_messages=warning"

fetcher_binaries portfolio-fetch
WORK=$(mktemp -d /tmp/loader-suite.XXXXXX)
BG=()
cleanup() {
  for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
  psql_at -d postgres -c "DROP ROLE IF EXISTS pgp_fl_loader" -c "DROP ROLE IF EXISTS pgp_fl_owner" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
psql_at -d postgres -c "DROP ROLE IF EXISTS pgp_fl_loader" -c "DROP ROLE IF EXISTS pgp_fl_owner" \
  -c "CREATE ROLE pgp_fl_loader LOGIN IN ROLE portfolio_loader" -c "CREATE ROLE pgp_fl_owner LOGIN IN ROLE portfolio_user"

# month_csv YYYY-MM FILE: the sample data's AAPL bars of that month
month_csv() {
  { head -1 examples/data/quotes.csv; grep "^AAPL,$1-" examples/data/quotes.csv; } >"$2"
}
fetch() {  # fetch NAME ROLE FILE [ARGS...]: rc in $rc, output in $WORK/NAME.err
  local name=$1 role=$2 file=$3; shift 3
  "$BIN" --provider csv --file "$file" --dsn "user=$role" --no-progress "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  rc=$?
}
bars() { psql_at -c "SELECT count(*) FROM portfolio.quotes WHERE symbol = 'AAPL' AND to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM') = '$1'"; }

# --- who may load ------------------------------------------------------------------------------
month_csv 2023-02 "$WORK/feb.csv"
want_feb=$(($(wc -l <"$WORK/feb.csv") - 1))
fetch owner pgp_fl_owner "$WORK/feb.csv"
check "an owner role may not load quotes: exit 2" 2 "$rc"
check "and is told to use portfolio_loader" 1 "$(grep -c 'may not load quotes: run the fetcher as a member of portfolio_loader' "$WORK/owner.err")"
fetch loader pgp_fl_loader "$WORK/feb.csv"
check "a login role in portfolio_loader loads: exit 0" 0 "$rc"
check "its bars are stored" "$want_feb" "$(bars 2023-02)"
check "the partition it made is there" 1 "$(psql_at -c "SELECT count(*) FROM pg_inherits WHERE inhrelid = 'portfolio.quotes_2023_02'::regclass")"
fetch loader_again pgp_fl_loader "$WORK/feb.csv"
check "a re-run as the loader changes nothing: exit 0" "0 $want_feb" "$rc $(bars 2023-02)"

# --- a long reader: the new partition is made at once, a second reader is not held up -------
# reader READY_FILE SECONDS: a transaction that reads quotes, then holds its lock for SECONDS
long_reader() {
  psql -X -qAt -c "BEGIN" -c "SELECT count(*) FROM portfolio.quotes" -c "\\o $1" -c "SELECT 'holding'" -c "\\o" \
    -c "SELECT pg_sleep($2)" -c "COMMIT" >/dev/null 2>&1 &
  BG+=($!)
  for _ in $(seq 100); do [[ -s $1 ]] && break; sleep 0.05; done
}
timed_reader() {  # prints the milliseconds a plain query on quotes takes
  local t0; t0=$(ms_now)
  psql_at -c "SET lock_timeout = '10s'" -c "SELECT count(*) FROM portfolio.quotes" >/dev/null
  echo $(( $(ms_now) - t0 ))
}
month_csv 2023-03 "$WORK/mar.csv"
long_reader "$WORK/reader1" 6
check "the long reader holds ACCESS SHARE on quotes" 1 \
  "$(psql_at -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
           WHERE l.relation = 'portfolio.quotes'::regclass AND l.mode = 'AccessShareLock' AND l.granted
             AND a.query LIKE '%pg_sleep%'")"
t0=$(ms_now)
fetch during_reader pgp_fl_loader "$WORK/mar.csv"
took=$(( $(ms_now) - t0 ))
check "behind a long reader the fetcher makes a partition and loads: exit 0" 0 "$rc"
if (( took < 4000 )); then ok "it did not wait for the reader (${took} ms < 4000)"; else fail "it did not wait for the reader" "${took} ms"; fi
check "no lock wait was reported" 0 "$(grep -c 'is locked' "$WORK/during_reader.err")"
r=$(timed_reader)
if (( r < 1000 )); then ok "a second reader meanwhile: ${r} ms"; else fail "a second reader meanwhile" "${r} ms"; fi
check "the reader was still there all along" 1 \
  "$(psql_at -c "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' AND state = 'active' AND pid <> pg_backend_pid()")"
check "March is stored" "$(($(wc -l <"$WORK/mar.csv") - 1))" "$(bars 2023-03)"

# --- a conflicting lock (VACUUM, ANALYZE, DDL): short waits, retries, success ---------------
# blocker READY_FILE SECONDS: holds SHARE UPDATE EXCLUSIVE on quotes for SECONDS
blocker() {
  psql -X -qAt -c "SET application_name = 'pgp_fl_blocker'" -c "BEGIN" \
    -c "LOCK TABLE portfolio.quotes IN SHARE UPDATE EXCLUSIVE MODE" -c "\\o $1" -c "SELECT 'holding'" -c "\\o" \
    -c "SELECT pg_sleep($2)" -c "COMMIT" >/dev/null 2>&1 &
  BG+=($!)
  for _ in $(seq 100); do [[ -s $1 ]] && break; sleep 0.05; done
}
month_csv 2023-04 "$WORK/apr.csv"
blocker "$WORK/block1" 2.5
"$BIN" --provider csv --file "$WORK/apr.csv" --dsn "user=pgp_fl_loader" --no-progress --lock-timeout-ms 300 \
  >"$WORK/retry.out" 2>"$WORK/retry.err" &
fetch_pid=$!
sleep 0.5
worst=0
for _ in 1 2 3 4; do   # readers while the fetcher waits and retries
  r=$(timed_reader); (( r > worst )) && worst=$r
  sleep 0.3
done
wait $fetch_pid
rc=$?
check "with a conflicting lock for 2.5 s the fetcher retries and loads: exit 0" 0 "$rc"
waits=$(grep -c 'portfolio.quotes is locked (lock_timeout 300 ms), attempt [0-9] of 5, retrying in' "$WORK/retry.err")
if (( waits >= 1 )); then ok "it reported its lock_timeout waits ($waits)"; else fail "it reported its lock_timeout waits" "$(cat "$WORK/retry.err")"; fi
if (( worst < 1000 )); then ok "readers while it waited and retried: slowest ${worst} ms"; else fail "readers while it waited" "${worst} ms"; fi
check "April is stored" "$(($(wc -l <"$WORK/apr.csv") - 1))" "$(bars 2023-04)"

# --- the lock never goes: the fetcher gives up with a clear message -------------------------
month_csv 2023-05 "$WORK/may.csv"
blocker "$WORK/block2" 30
t0=$(ms_now)
fetch give_up pgp_fl_loader "$WORK/may.csv" --lock-timeout-ms 100
took=$(( $(ms_now) - t0 ))
psql_at -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgp_fl_blocker'" >/dev/null
check "a lock that stays: exit 1 (the symbol failed)" 1 "$rc"
check "the message says it gave up after 5 attempts and what to do" 1 \
  "$(grep -c 'gave up creating the quote partitions for 2023-05-01 .. 2023-05-31: portfolio.quotes stayed locked (5 attempts, lock_timeout 100 ms each).*maintain_quote_partitions' "$WORK/give_up.err")"
check "4 waits reported before it gave up" 4 "$(grep -c 'is locked (lock_timeout 100 ms), attempt' "$WORK/give_up.err")"
if (( took < 10000 )); then ok "giving up took ${took} ms (5 x 100 ms + backoff 3.75 s)"; else fail "giving up took too long" "${took} ms"; fi
check "nothing of May was stored" 0 "$(bars 2023-05)"
fetch after pgp_fl_loader "$WORK/may.csv"
check "once the lock is gone the same load works" "0 $(($(wc -l <"$WORK/may.csv") - 1))" "$rc $(bars 2023-05)"

finish
