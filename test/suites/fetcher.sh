#!/usr/bin/env bash
# Integration tests of portfolio-fetch against the test cluster (PG* exported by scripts/test.sh,
# pg_portfolio installed in $PGDATABASE) and a fake provider on 127.0.0.1 (fetcher/test/
# fake_provider.cpp) serving examples/data in each API's shape plus scripted failures.
# Values are checked against examples/data/quotes.csv, loaded independently with psql \copy.
# Last line: "N passed, N failed"; exits non-zero on failure.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REPO=$PWD
BIN=$REPO/build/fetcher/portfolio-fetch
FAKE=$REPO/build/fetcher/fake_provider
DATA=$REPO/examples/data
export PGOPTIONS="-c client_min_messages=warning"

fetcher_binaries portfolio-fetch fake_provider

WORK=$(mktemp -d /tmp/fetcher-suite.XXXXXX)
FIX=$WORK/fixtures
mkdir -p "$FIX"
cp -r "$DATA"/twelvedata "$DATA"/alphavantage "$DATA"/polygon "$DATA"/yahoo "$FIX"/
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

"$FAKE" --fixtures "$FIX" --port-file "$WORK/port" --log "$WORK/requests.log" &
SERVER_PID=$!
for _ in $(seq 50); do [[ -s $WORK/port ]] && break; sleep 0.1; done
PORT=$(cat "$WORK/port")
URL=http://127.0.0.1:$PORT

# Unmistakable fake keys: none may appear in any output.
export TWELVEDATA_API_KEY=td-key-Zq81xK ALPHAVANTAGE_API_KEY=av-key-Pw27mN POLYGON_API_KEY=pg-key-Lr55vB
FAST=(--base-url "$URL" --requests-per-minute 0 --retries 3 --backoff-base-ms 20 --backoff-max-ms 100 --timeout-ms 1500 --no-progress)
n=0
# run NAME ARGS...: runs the fetcher, output in $WORK/NAME.{out,err}, status in $rc
run() {
  local name=$1; shift
  "$BIN" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  rc=$?
  cat "$WORK/$name.out" "$WORK/$name.err" >>"$WORK/all-output"
}
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$WORK/$1.out" "$2"; }
reset() { q "TRUNCATE portfolio.quotes, portfolio.fx_rates, portfolio.quotes_rejected RESTART IDENTITY"; }

# The reference: quotes.csv as it is, in a scratch schema.
q "DROP SCHEMA IF EXISTS fetch_test CASCADE; CREATE SCHEMA fetch_test;
   CREATE TABLE fetch_test.expect (symbol text, day date, open numeric, high numeric, low numeric, close numeric, volume numeric, adj_close numeric)"
psql -X -qc "\\copy fetch_test.expect FROM '$DATA/quotes.csv' WITH (FORMAT csv, HEADER true)"
# matching SYMBOL [column...]: rows of SYMBOL in quotes equal to the reference in date and close
matching() {
  q "SELECT count(*) FROM portfolio.quotes q JOIN fetch_test.expect e
       ON e.symbol = q.symbol AND e.day = (q.ts AT TIME ZONE 'UTC')::date AND e.close = q.close
     WHERE q.symbol = '$1'"
}
matching_fx() {
  q "SELECT count(*) FROM portfolio.fx_rates f JOIN fetch_test.expect e
       ON e.symbol = f.base || '/' || f.quote AND e.day = f.day AND e.close = f.rate
     WHERE f.base || '/' || f.quote = '$1'"
}
SESSIONS=$(q "SELECT count(*) FROM fetch_test.expect WHERE symbol = 'AAPL'")  # 1043 business days
TOTAL=$(q "SELECT count(*) FROM fetch_test.expect")

# --- usage and configuration errors: exit 2 with a clear message --------------------------------
run help --help
check "--help exits 0" 0 "$rc"
grep -q -- "--requests-per-minute" "$WORK/help.out" && grep -q "Exit status" "$WORK/help.out" \
  && ok "--help documents options and exit codes" || fail "--help documents options and exit codes"
run usage1 --provider twelvedata --symbols AAPL --frm 2024-01-01
check "an unknown flag exits 2" 2 "$rc"
grep -q "unknown option '--frm'" "$WORK/usage1.err" && ok "an unknown flag is named" || fail "an unknown flag is named"
run usage2 --provider twelvedata --symbols AAPL --from 2024-13-01
check "a bad date exits 2" 2 "$rc"
(unset TWELVEDATA_API_KEY; "$BIN" --provider twelvedata --symbols AAPL "${FAST[@]}" >"$WORK/nokey.out" 2>"$WORK/nokey.err"; echo $? >"$WORK/nokey.rc")
check "a missing API key exits 2" 2 "$(cat "$WORK/nokey.rc")"
grep -q "TWELVEDATA_API_KEY is not set" "$WORK/nokey.err" && ok "the missing key's variable is named" || fail "the missing key's variable is named"
run baddsn --provider yahoo --symbols AAPL "${FAST[@]}" --dsn "host=127.0.0.1 port=1 connect_timeout=2"
check "an unreachable database exits 2" 2 "$rc"
grep -q "cannot connect to the database" "$WORK/baddsn.err" && ok "the database error is clear" || fail "the database error is clear"

run nofile --provider csv --file "$WORK/missing.csv"
check "an unreadable --file exits 2" "2|1" "$rc|$(grep -c 'cannot open' "$WORK/nofile.err")"
run noext --provider csv --file "$DATA/quotes.csv" --dsn "dbname=postgres"
check "a database without pg_portfolio exits 2" "2|1" "$rc|$(grep -c 'CREATE EXTENSION pg_portfolio' "$WORK/noext.err")"

# --- csv: the whole sample, then an idempotent re-run, then a correction -------------------------
reset
run csv1 --provider csv --file "$DATA/quotes.csv" --json --no-progress
check "csv: exit 0" 0 "$rc"
check "csv: every row inserted" "$TOTAL" "$(json csv1 "d['totals']['inserted']")"
check "csv: AAPL equals the reference" "$SESSIONS" "$(matching AAPL)"
check "csv: SAP.DE equals the reference" "$SESSIONS" "$(matching SAP.DE)"
check "csv: EUR/USD went to fx_rates" "$SESSIONS" "$(matching_fx EUR/USD)"
check "csv: USD/CAD went to fx_rates" "$SESSIONS" "$(matching_fx USD/CAD)"
check "csv: adj_close and volume kept exactly" \
  "$(q "SELECT sum(adj_close)::text || '/' || sum(volume)::text FROM fetch_test.expect WHERE symbol NOT LIKE '%/%'")" \
  "$(q "SELECT sum(adj_close)::text || '/' || sum(volume)::text FROM portfolio.quotes")"
check "csv: source and daily bars at 00:00 UTC" "csv|0" \
  "$(q "SELECT min(source) || '|' || count(*) FILTER (WHERE ts <> date_trunc('day', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') FROM portfolio.quotes")"
versions=$(q "SELECT sum(xmin::text::bigint) FROM portfolio.quotes")
run csv2 --provider csv --file "$DATA/quotes.csv" --json --no-progress
check "csv re-run: exit 0" 0 "$rc"
check "csv re-run: 0 inserted, 0 updated, all unchanged" "0/0/$TOTAL" \
  "$(json csv2 "'%d/%d/%d' % (d['totals']['inserted'], d['totals']['updated'], d['totals']['unchanged'])")"
check "csv re-run: no row rewritten" "$versions" "$(q "SELECT sum(xmin::text::bigint) FROM portfolio.quotes")"
sed 's/^AAPL,2024-06-10,191.36,200.80,190.78,200.46,/AAPL,2024-06-10,191.36,200.80,190.78,199.99,/' "$DATA/quotes.csv" >"$WORK/corrected.csv"
before=$(q "SELECT fetched_at FROM portfolio.quotes WHERE symbol = 'AAPL' AND ts = '2024-06-10 00:00+00'")
run csv3 --provider csv --file "$WORK/corrected.csv" --json --no-progress
check "a corrected value: 1 updated, the rest unchanged" "0/1/$((TOTAL - 1))" \
  "$(json csv3 "'%d/%d/%d' % (d['totals']['inserted'], d['totals']['updated'], d['totals']['unchanged'])")"
check "the corrected close is stored, fetched_at moved" "199.99|true" \
  "$(q "SELECT close || '|' || (fetched_at > '$before') FROM portfolio.quotes WHERE symbol = 'AAPL' AND ts = '2024-06-10 00:00+00'")"
check "the 2:1 split is in the raw close, not in adj_close" "383.78|191.89|195.53|195.53" \
  "$(q "SELECT string_agg(close || '|' || adj_close, '|' ORDER BY ts) FROM portfolio.quotes WHERE symbol = 'AAPL' AND ts IN ('2024-06-07 00:00+00', '2024-06-11 00:00+00')")"
# stdin works too
reset
grep -E '^(symbol|JNJ),' "$DATA/quotes.csv" | run stdin --provider csv --file - --no-progress
check "csv from standard input" "0|$SESSIONS" "$rc|$(q "SELECT count(*) FROM portfolio.quotes WHERE symbol = 'JNJ'")"

# --symbols and --from/--to filter a file
reset
run filter --provider csv --file "$DATA/quotes.csv" --symbols JNJ,EUR/USD --from 2025-01-01 --to 2025-06-30 --no-progress
check "csv with --symbols/--from/--to loads just that slice" \
  "0|$(q "SELECT count(*) FROM fetch_test.expect WHERE symbol IN ('JNJ', 'EUR/USD') AND day BETWEEN '2025-01-01' AND '2025-06-30'")" \
  "$rc|$(q "SELECT (SELECT count(*) FROM portfolio.quotes WHERE symbol = 'JNJ' AND ts >= '2025-01-01' AND ts < '2025-07-01') + (SELECT count(*) FROM portfolio.fx_rates) + (SELECT count(*) FROM portfolio.quotes WHERE symbol <> 'JNJ' OR ts < '2025-01-01' OR ts >= '2025-07-01')")"

# --- the four APIs --------------------------------------------------------------------------------
reset
SPAN=(--from 2022-01-03 --to 2025-12-31)
run td --provider twelvedata --symbols AAPL,EUR/USD "${SPAN[@]}" "${FAST[@]}" --json
check "twelvedata: exit 0" 0 "$rc"
check "twelvedata: AAPL equals the reference" "$SESSIONS" "$(matching AAPL)"
check "twelvedata: EUR/USD to fx_rates" "$SESSIONS" "$(matching_fx EUR/USD)"
check "twelvedata: source recorded" "twelvedata" "$(q "SELECT DISTINCT source FROM portfolio.quotes")"
run av --provider alphavantage --symbols MSFT,USD/CAD "${SPAN[@]}" "${FAST[@]}"
check "alphavantage: exit 0" 0 "$rc"
check "alphavantage: MSFT equals the reference" "$SESSIONS" "$(matching MSFT)"
check "alphavantage: USD/CAD (FX_DAILY) to fx_rates" "$SESSIONS" "$(matching_fx USD/CAD)"
run pg --provider polygon --symbols SPY "${SPAN[@]}" "${FAST[@]}"
check "polygon: exit 0" 0 "$rc"
check "polygon: SPY equals the reference (New York dates across DST)" "$SESSIONS" "$(matching SPY)"
cp "$FIX/polygon/SPY.json" "$FIX/polygon/PAGED.json"
run paged --provider polygon --symbols PAGED "${SPAN[@]}" "${FAST[@]}"
check "polygon: next_url followed (on our host, with the key)" "0|$SESSIONS|1" \
  "$rc|$(q "SELECT count(*) FROM portfolio.quotes q JOIN fetch_test.expect e ON e.symbol = 'SPY' AND e.day = (q.ts AT TIME ZONE 'UTC')::date AND e.close = q.close WHERE q.symbol = 'PAGED'")|$(grep -c 'PAGED.*cursor=page2' "$WORK/requests.log")"
run yh --provider yahoo --symbols SAP.DE "${SPAN[@]}" "${FAST[@]}"
check "yahoo: exit 0" 0 "$rc"
check "yahoo: SAP.DE equals the reference (Berlin opening times)" "$SESSIONS" "$(matching SAP.DE)"
check "yahoo: adjclose stored" "$(q "SELECT sum(adj_close) FROM fetch_test.expect WHERE symbol = 'SAP.DE'")" \
  "$(q "SELECT sum(adj_close) FROM portfolio.quotes WHERE symbol = 'SAP.DE'")"
run td2 --provider twelvedata --symbols AAPL,EUR/USD "${SPAN[@]}" "${FAST[@]}" --json
check "twelvedata re-run: 0 inserted, 0 updated" "0/0/$((2 * SESSIONS))" \
  "$(json td2 "'%d/%d/%d' % (d['totals']['inserted'], d['totals']['updated'], d['totals']['unchanged'])")"

# --- failures that retries cure, and failures they do not -----------------------------------------
reset
cp "$FIX/twelvedata/AAPL.json" "$FIX/twelvedata/FLAKY.json"
cp "$FIX/twelvedata/MSFT.json" "$FIX/twelvedata/LIMIT.json"
cp "$FIX/alphavantage/JNJ.json" "$FIX/alphavantage/LIMIT.json"
start=$(date +%s%N)
run flaky --provider twelvedata --symbols FLAKY "${SPAN[@]}" "${FAST[@]}"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "HTTP 429 then success: exit 0, all rows" "0|$SESSIONS" "$rc|$(q "SELECT count(*) FROM portfolio.quotes WHERE symbol = 'FLAKY'")"
grep -q "FLAKY: rate limited" "$WORK/flaky.err" && ok "the 429 is logged as a rate limit" || fail "the 429 is logged as a rate limit"
[[ $elapsed_ms -ge 1000 ]] && ok "Retry-After: 1 was honoured (${elapsed_ms} ms)" || fail "Retry-After: 1 was honoured" "${elapsed_ms} ms"
run limit --provider twelvedata --symbols LIMIT "${SPAN[@]}" "${FAST[@]}"
check "Twelve Data status:error code 429 under HTTP 200, then success" "0|$SESSIONS" "$rc|$(q "SELECT count(*) FROM portfolio.quotes WHERE symbol = 'LIMIT' AND source = 'twelvedata'")"
grep -q "Twelve Data error 429" "$WORK/limit.err" && ok "the credit error is logged" || fail "the credit error is logged"
run note --provider alphavantage --symbols LIMIT "${SPAN[@]}" "${FAST[@]}"
check "Alpha Vantage Note under HTTP 200, then success" "0|$SESSIONS" "$rc|$(q "SELECT count(*) FROM portfolio.quotes WHERE symbol = 'LIMIT' AND source = 'alphavantage'")"
grep -q "Alpha Vantage note" "$WORK/note.err" && ok "the Note is logged" || fail "the Note is logged"

run tderr --provider twelvedata --symbols NOPE,JNJ "${SPAN[@]}" "${FAST[@]}" --json
check "Twelve Data status:error (unknown symbol): exit 1" 1 "$rc"
check "  the unknown symbol failed with the provider's message" "True|True" \
  "$(json tderr "str(d['symbols'][0]['failed']) + '|' + str('symbol** not found' in d['symbols'][0]['error'])")"
check "  the other symbol loaded" "$SESSIONS" "$(matching JNJ)"
check "  the permanent error was not retried" "1" "$(grep -c 'symbol=NOPE' "$WORK/requests.log")"

run broken --provider twelvedata --symbols BROKEN,XOM "${SPAN[@]}" "${FAST[@]}" --json
check "malformed JSON: exit 1, XOM loaded" "1|$SESSIONS" "$rc|$(matching XOM)"
check "  the body is quarantined with the reason" "1" \
  "$(q "SELECT count(*) FROM portfolio.quotes_rejected WHERE symbol = 'BROKEN' AND reason LIKE 'malformed JSON%' AND raw LIKE '{\"meta\"%'")"

cp "$FIX/polygon/SPY.json" "$FIX/polygon/SLOWONCE.json"
run slow --provider polygon --symbols SLOW,SLOWONCE --from 2025-01-01 --to 2025-03-31 "${FAST[@]}" --timeout-ms 1000 --retries 1 --json
check "a response slower than --timeout-ms: exit 1" 1 "$rc"
check "  SLOW failed on the timeout after a retry" "True|True" \
  "$(json slow "str(d['symbols'][0]['failed']) + '|' + str('no complete response within 1000 ms (gave up after 2 attempts)' in d['symbols'][0]['error'])")"
check "  SLOWONCE loaded on the retry" "False|$(q "SELECT count(*) FROM fetch_test.expect WHERE symbol = 'SPY' AND day BETWEEN '2025-01-01' AND '2025-03-31'")" "$(json slow "str(d['symbols'][1]['failed']) + '|' + str(d['symbols'][1]['inserted'])")"

run down --provider yahoo --symbols DOWN --from 2025-01-01 "${FAST[@]}" --retries 2
check "HTTP 503 every time: exit 1 after 3 attempts" "1|3" "$rc|$(grep -c '/v8/finance/chart/DOWN' "$WORK/requests.log")"

# --- partially bad rows: quarantined, the good ones loaded ---------------------------------------
cat >"$FIX/twelvedata/PARTIAL.json" <<'JSON'
{"meta":{"symbol":"PARTIAL","interval":"1day","currency":"USD"},"values":[
 {"datetime":"2099-01-05","open":"10","high":"11","low":"9","close":"10.5","volume":"100"},
 {"datetime":"2024-01-08","open":"10","high":"11","low":"9","close":"10.5","volume":"100"},
 {"datetime":"2024-01-05","open":"10","high":"11","low":"12","close":"10.5","volume":"100"},
 {"datetime":"2024-01-04","open":"10","high":"11","low":"9","close":"abc","volume":"100"},
 {"datetime":"2024-01-03","open":"10","high":"11","low":"9","close":"10.25","volume":"-5"},
 {"datetime":"2024-01-02","open":"10","high":"11","low":"9","close":"10.1","volume":100},
 {"datetime":"2024-01-02","open":"10","high":"11","low":"9","close":"10.2","volume":100}
],"status":"ok"}
JSON
run partial --provider twelvedata --symbols PARTIAL --from 2024-01-01 --to 2099-12-31 "${FAST[@]}" --json
check "partially bad rows: exit 1" 1 "$rc"
check "  2 good rows loaded, 5 rejected" "2|5" "$(json partial "str(d['totals']['inserted']) + '|' + str(d['totals']['rejected'])")"
check "  the good rows" "2024-01-02:10.1,2024-01-08:10.5" \
  "$(q "SELECT string_agg((ts AT TIME ZONE 'UTC')::date || ':' || close, ',' ORDER BY ts) FROM portfolio.quotes WHERE symbol = 'PARTIAL'")"
check "  each rejected row with its reason and raw text" \
  "close 'abc' is not a number|date 2099-01-05 is in the future|duplicate (symbol, date): 2024-01-02 appears twice|low 12 is above high 11|volume -5 is negative" \
  "$(q "SELECT string_agg(reason, '|' ORDER BY reason) FROM portfolio.quotes_rejected WHERE symbol = 'PARTIAL' AND source = 'twelvedata' AND raw LIKE '{%datetime%}'")"
run partial2 --provider twelvedata --symbols PARTIAL --from 2024-01-01 --to 2099-12-31 "${FAST[@]}" --json
check "  a re-run quarantines nothing twice and changes nothing" "5|0|0" \
  "$(q "SELECT count(*) FROM portfolio.quotes_rejected WHERE symbol = 'PARTIAL'")|$(json partial2 "str(d['totals']['inserted']) + '|' + str(d['totals']['updated'])")"

# --- incremental resume ---------------------------------------------------------------------------
/usr/bin/python3 - "$FIX/twelvedata/AAPL.json" "$FIX/twelvedata/INC.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["values"] = [v for v in d["values"] if v["datetime"] <= "2025-06-30"]
json.dump(d, open(sys.argv[2], "w"))
PY
run inc1 --provider twelvedata --symbols INC --to 2025-12-31 --backfill-days 1500 "${FAST[@]}" --json
first=$(q "SELECT count(*) FROM portfolio.quotes WHERE symbol = 'INC'")
check "first run without --from backfills --backfill-days" "0|$(q "SELECT count(*) FROM fetch_test.expect WHERE symbol = 'AAPL' AND day BETWEEN date '2025-12-31' - 1499 AND '2025-06-30'")" "$rc|$first"
cp "$FIX/twelvedata/AAPL.json" "$FIX/twelvedata/INC.json"   # the provider has new days now
run inc2 --provider twelvedata --symbols INC --to 2025-12-31 "${FAST[@]}" --json
check "the next run asks from the last stored date" "1" "$(grep -c 'start_date=2025-06-30&symbol=INC' "$WORK/requests.log")"
check "  and inserts only the new days" "$(q "SELECT count(*) FROM fetch_test.expect WHERE symbol = 'AAPL' AND day > '2025-06-30'")|0|1" \
  "$(json inc2 "'%d|%d|%d' % (d['totals']['inserted'], d['totals']['updated'], d['totals']['unchanged'])")"
run inc3 --provider twelvedata --symbols INC --to 2025-12-31 "${FAST[@]}" --json
check "a third run changes nothing" "0|0|0" "$rc|$(json inc3 "'%d|%d' % (d['totals']['inserted'], d['totals']['updated'])")"

# --- client-side rate limit -------------------------------------------------------------------------
start=$(date +%s%N)
run rpm --provider twelvedata --symbols AAPL,MSFT,JNJ --from 2025-12-01 --to 2025-12-31 "${FAST[@]}" --requests-per-minute 120
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[[ $rc -eq 0 && $elapsed_ms -ge 1000 ]] && ok "--requests-per-minute 120 spaces 3 requests over >= 1 s (${elapsed_ms} ms)" \
  || fail "--requests-per-minute 120 spaces 3 requests" "rc $rc, ${elapsed_ms} ms"

# --- two loaders at once on the same rows: no error, every row once -----------------------------
reset
"$BIN" --provider csv --file "$DATA/quotes.csv" --batch-size 700 --json --no-progress >"$WORK/par1.out" 2>"$WORK/par1.err" &
p1=$!
"$BIN" --provider csv --file "$DATA/quotes.csv" --batch-size 700 --json --no-progress >"$WORK/par2.out" 2>"$WORK/par2.err" &
p2=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
cat "$WORK"/par?.out "$WORK"/par?.err >>"$WORK/all-output"
check "concurrent loaders: both exit 0, each row inserted once" "0|0|$TOTAL|$TOTAL" \
  "$rc1|$rc2|$(( $(json par1 "d['totals']['inserted']") + $(json par2 "d['totals']['inserted']") ))|$(q "SELECT (SELECT count(*) FROM portfolio.quotes) + (SELECT count(*) FROM portfolio.fx_rates)")"

# --- killed in the middle of a load: whole batches only, then a clean re-run ------------------------
# (real time on purpose: the kill lands after a wall-clock delay, while a batch is open)
for delay in 0.7 1.3 2.1; do
  reset
  PORTFOLIO_FETCH_TEST_PAUSE_MS=200 "$BIN" --provider csv --file "$DATA/quotes.csv" --batch-size 500 --no-progress \
    >"$WORK/kill.out" 2>"$WORK/kill.err" &
  pid=$!
  sleep "$delay"
  kill -KILL "$pid"; wait "$pid" 2>/dev/null
  sleep 0.3   # the server notices the lost connection and rolls the open batch back
  stored=$(q "SELECT (SELECT count(*) FROM portfolio.quotes) + (SELECT count(*) FROM portfolio.fx_rates)")
  if [[ $stored -gt 0 && $stored -lt $TOTAL && $((stored % 500)) -eq 0 ]]; then
    ok "SIGKILL after ${delay} s left whole batches only ($stored rows)"
  else
    fail "SIGKILL after ${delay} s left whole batches only" "$stored rows"
  fi
done
check "  no transaction of the killed run is left open" "0" \
  "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'portfolio-fetch'")"
run rerun --provider csv --file "$DATA/quotes.csv" --json --no-progress
check "the re-run completes the load" "0|$((TOTAL - stored))|$stored|$TOTAL" \
  "$rc|$(json rerun "'%d|%d' % (d['totals']['inserted'], d['totals']['unchanged'])")|$(q "SELECT (SELECT count(*) FROM portfolio.quotes) + (SELECT count(*) FROM portfolio.fx_rates)")"
check "  and the data equals the reference" "$SESSIONS" "$(matching ASML.AS)"

# --- the API keys never appear in any output -----------------------------------------------------
for key in "$TWELVEDATA_API_KEY" "$ALPHAVANTAGE_API_KEY" "$POLYGON_API_KEY"; do
  grep -q "$key" "$WORK/requests.log" || fail "the fake provider received $key" "positive control"
  check "API key ${key%%-*}… absent from all output" 0 "$(grep -c -- "$key" "$WORK/all-output")"
  check "API key ${key%%-*}… absent from the database" 0 \
    "$(q "SELECT count(*) FROM portfolio.quotes_rejected WHERE raw LIKE '%$key%' OR reason LIKE '%$key%'")"
done

q "DROP SCHEMA fetch_test CASCADE"
reset
finish
