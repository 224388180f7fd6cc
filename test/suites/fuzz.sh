#!/usr/bin/env bash
# Fuzzing, bounded and deterministic, against the test cluster (PG* exported by scripts/test.sh,
# pg_portfolio installed in $PGDATABASE):
#  1. the demo's sample data is loaded (portfolios, ledger, quotes, a refreshed portfolio_daily),
#     plus a table of stored summaries, sketches and positions of every custom type;
#  2. sqlsmith (Debian's package) with a fixed seed generates a fixed number of random queries
#     (FUZZ_QUERIES, default 1000) against that database as a role with read access only
#     (portfolio_reader, plus the stored-values table), so it calls the extension's functions,
#     aggregates and types on real values; statement_timeout bounds each query;
#  3. test/fuzz/types_fuzz.py feeds mutated text and binary input (a fixed seed) to every custom
#     type's input and receive functions and calls every function of the type on what is accepted:
#     only class-22 errors, and what is accepted prints text that reads back.
# Then, from the server log written during the suite: no backend terminated by a signal or
# exited abnormally, no PANIC, and no internal error (XX000) raised in the extension's code; the
# server still answers. Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export PGP_PROFILE=${PGP_PROFILE:-test}
PY=/usr/bin/python3
QUERIES=${FUZZ_QUERIES:-1000}
SEED=${FUZZ_SEED:-20261123}
SERVER_LOG=$(source scripts/lib.sh && echo "$LOG_DIR/postgres.log")
WORK=$(mktemp -d /tmp/fuzz-suite.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export PGOPTIONS="-c client_min_messages=warning"

command -v sqlsmith >/dev/null || bail "sqlsmith is installed (scripts/deps.sh)"
[[ -r $SERVER_LOG ]] && ok "server log readable: $SERVER_LOG" || fail "server log readable" "$SERVER_LOG"
log_start=$(stat -c %s "$SERVER_LOG" 2>/dev/null || echo 0)
started=$(q "SELECT pg_postmaster_start_time()")

load_demo_data

# Stored values of every type for sqlsmith to find, and a role that reads but changes nothing of
# the extension's. Its errors are logged with their SQLSTATE and source location.
q "DROP TABLE IF EXISTS public.fuzz_values;
   CREATE TABLE public.fuzz_values AS
   SELECT instrument AS symbol, portfolio.return_stats(r) AS rs, portfolio.pair_stats(r, r / 2) AS ps,
          portfolio.quantile_sketch(r) AS qs
   FROM (SELECT instrument, (close / lag(close) OVER (PARTITION BY instrument ORDER BY ts) - 1)::float8 AS r
         FROM (SELECT symbol AS instrument, ts, close FROM portfolio.quotes) x) d
   GROUP BY instrument;
   ALTER TABLE public.fuzz_values ADD COLUMN pos portfolio.position;
   UPDATE public.fuzz_values f SET pos = p.pos FROM (
       SELECT instrument, portfolio.position_agg(executed_at, kind, quantity, price, fees ORDER BY executed_at, id) AS pos
       FROM portfolio.transactions WHERE kind IN ('buy', 'sell', 'split') AND portfolio_id = 1 GROUP BY instrument) p
   WHERE p.instrument = f.symbol"
check "stored values of the 4 types for sqlsmith (a row per symbol, positions of portfolio 1)" \
  "$(q "SELECT n || '|' || n || '|' || n || '|' || n FROM (SELECT count(DISTINCT symbol) AS n FROM portfolio.quotes) s")|$(q "SELECT count(DISTINCT instrument) FROM portfolio.transactions WHERE portfolio_id = 1 AND kind IN ('buy', 'sell', 'split')")" \
  "$(q "SELECT count(rs) || '|' || count(ps) || '|' || count(qs) || '|' || count(*) || '|' || count(pos) FROM public.fuzz_values")"
q "DO \$\$ BEGIN
     IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fuzz_smith') THEN CREATE ROLE fuzz_smith LOGIN; END IF;
   END \$\$;
   GRANT portfolio_reader TO fuzz_smith;
   GRANT SELECT ON public.fuzz_values TO fuzz_smith;
   ALTER ROLE fuzz_smith SET log_error_verbosity = verbose;
   ALTER ROLE fuzz_smith SET log_min_error_statement = error;
   ALTER ROLE fuzz_smith SET statement_timeout = '1s'"
check "fuzz_smith is neither superuser nor able to write quotes" "false|false" \
  "$(q "SELECT rolsuper || '|' || has_table_privilege('fuzz_smith', 'portfolio.quotes', 'INSERT') FROM pg_roles WHERE rolname = 'fuzz_smith'")"

# --- sqlsmith -----------------------------------------------------------------------------------
t0=$SECONDS
timeout 600 sqlsmith --target="host=$PGHOST port=$PGPORT user=fuzz_smith dbname=$PGDATABASE application_name=sqlsmith" \
  --seed="$SEED" --max-queries="$QUERIES" --exclude-catalog --verbose >"$WORK/smith.out" 2>"$WORK/smith.err"
rc=$?
generated=$(sed -n 's/^queries: \([0-9]*\)$/\1/p' "$WORK/smith.err" | tail -1)
echo "# sqlsmith: $generated queries in $((SECONDS - t0)) s, $(grep -m1 '^error rate' "$WORK/smith.err")"
check "sqlsmith (seed $SEED) ran its $QUERIES queries and exited normally" "0 $QUERIES" "$rc ${generated:-none}"
if grep -qiE 'broken|connection (lost|to server was lost)|server closed the connection' "$WORK/smith.err"; then
  fail "sqlsmith saw no lost connection" "$(grep -iE -m3 'broken|lost|closed' "$WORK/smith.err")"
else
  ok "sqlsmith saw no lost connection"
fi
# its error classes touching the extension, for the log (expected ones: permission denied, ...)
grep -E '^[0-9]+\s+ERROR:' "$WORK/smith.err" | grep -iE 'portfolio|summary|sketch|position' | head -15 | sed 's/^/#   /'

# --- mutated type input ---------------------------------------------------------------------------
t0=$SECONDS
$PY test/fuzz/types_fuzz.py --seed "$SEED" >"$WORK/types.log" 2>&1; rc=$?
grep -vE '^[0-9]+ passed, [0-9]+ failed' "$WORK/types.log" | cut -c1-2000
count_log "$WORK/types.log" types_fuzz.py
[[ $rc -eq 0 ]] || fail "types_fuzz.py exit status" "$rc"
echo "# mutated type input: $((SECONDS - t0)) s"

# --- the server log -------------------------------------------------------------------------------
tail -c +"$((log_start + 1))" "$SERVER_LOG" >"$WORK/server.log"
crashes=$(grep -cE 'terminated by signal|was terminated by exception|server process \(PID [0-9]+\) exited with exit code [1-9]|terminating any other active server processes' "$WORK/server.log")
check "no backend crashed (server log: terminated by signal / exited abnormally)" 0 "$crashes"
[[ $crashes -eq 0 ]] || grep -E -m5 -B2 'terminated by signal|exited with exit code' "$WORK/server.log"
check "no PANIC in the server log" 0 "$(grep -c 'PANIC' "$WORK/server.log")"
# XX000 with verbose error logging: "ERROR:  XX000: message" then "LOCATION:  function, file:line"
grep -A1 -E 'ERROR:  XX000:' "$WORK/server.log" | grep -E 'LOCATION:' >"$WORK/internal.txt"
ours=$(grep -cE 'src/(pg|core)/|pgp_' "$WORK/internal.txt")
check "no internal error (XX000) raised in the extension's code" 0 "$ours"
[[ $ours -eq 0 ]] || grep -B1 -E 'src/(pg|core)/|pgp_' "$WORK/internal.txt" | head -10
others=$(grep -c . "$WORK/internal.txt")
[[ $others -eq 0 ]] || echo "# XX000 from PostgreSQL itself (not the extension): $others, e.g. $(head -1 "$WORK/internal.txt")"
check "the server is up and was not restarted" "1|$started" "$(q "SELECT 1 || '|' || pg_postmaster_start_time()")"

q "DROP TABLE public.fuzz_values; DROP OWNED BY fuzz_smith; DROP ROLE fuzz_smith"
finish
