#!/usr/bin/env bash
# Runs every test suite against a real PostgreSQL 15 with pg_cron and pgTAP, in a fresh private
# test cluster. Ends with the line "N passed, N failed" and exits non-zero if anything failed.
#
# Suites: C++ unit tests (ctest), pg_regress (sql/ + expected/), pgTAP (test/pgtap/*.sql via
# pg_prove), and every executable test/suites/*.sh (each ends with its own "N passed, N failed").
#
#   bash scripts/test.sh                  every suite (what .ci/run and README run)
#   bash scripts/test.sh regress upgrade  only the named suites (unit, regress, pgtap, or a
#                                         test/suites/ name), after the same build and fresh cluster
export PGP_PROFILE=test
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

LOGS=$REPO/build/test-logs
only=" $* "
# wanted NAME: whether this run includes the suite (all of them when no name is given).
wanted() { [[ $only == "  " || $only == *" $1 "* ]]; }
# A misspelt name would run nothing and pass: refuse it before building anything.
for name in "$@"; do
  if [[ ! $name =~ ^(unit|regress|pgtap)$ && ( $name == lib || ! -f test/suites/$name.sh ) ]]; then
    say "no suite '$name' (unit, regress, pgtap or one of: $(cd test/suites && ls *.sh | grep -vx lib.sh | sed 's/\.sh$//' | paste -sd' '))"
    echo "0 passed, 1 failed"
    exit 2
  fi
done
total_passed=0 total_failed=0 summary=()

# record NAME PASSED FAILED: add a suite's counts to the totals.
record() {
  total_passed=$((total_passed + $2)); total_failed=$((total_failed + $3))
  summary+=("$(printf '%-22s %5d passed, %d failed' "$1" "$2" "$3")")
  if [[ $3 -gt 0 ]]; then say "$1: $3 FAILED (log: $LOGS/$1.log)"; else say "$1: $2 passed"; fi
}

# A step that must succeed before any suite can run (install, build, cluster).
step() {
  local name=$1; shift
  if ! "$@" >"$LOGS/$name.log" 2>&1; then
    tail -n 40 "$LOGS/$name.log" >&2
    say "setup step '$name' failed (log: $LOGS/$name.log)"
    echo "0 passed, 1 failed"
    exit 1
  fi
}

mkdir -p "$LOGS"
bash scripts/deps.sh
step cmake-configure cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
step cmake-build cmake --build build -j"$(nproc)"
step extension-install bash scripts/cluster.sh install
step cluster-reset bash scripts/cluster.sh destroy
step cluster-start bash scripts/cluster.sh start
export_connection

# --- C++ unit tests -----------------------------------------------------------------------------
if wanted unit; then
(cd build && ctest --output-on-failure -j"$(nproc)") >"$LOGS/unit.log" 2>&1 || true
line=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$LOGS/unit.log" | tail -1)
if [[ $line =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]]; then
  record unit $((BASH_REMATCH[2] - BASH_REMATCH[1])) "${BASH_REMATCH[1]}"
else
  record unit 0 1
fi
fi

# --- pg_regress -----------------------------------------------------------------------------------
if wanted regress; then
rm -rf results regression.diffs regression.out
regress_args=()
if [[ -n ${PGP_FAKETIME:-} ]]; then
  # Under a faked clock (PGP_FAKETIME, scripts/lib.sh) statement_timeout never fires: leave out
  # the tests that observe that real timer on purpose.
  real_time_tests="boundary multiasset"
  regress_args=(REGRESS="$(make -s print-regress | tr ' ' '\n' | grep -vxF -f <(tr ' ' '\n' <<<"$real_time_tests") | paste -sd' ')")
  say "faked clock $PGP_FAKETIME: pg_regress without $real_time_tests"
fi
make -s installcheck "${regress_args[@]}" >"$LOGS/regress.log" 2>&1 || true
ok=$(grep -cE '^(test| ) .*\.\.\. ok' "$LOGS/regress.log" || true)
bad=$(grep -cE '\.\.\. (FAILED|failed)' "$LOGS/regress.log" || true)
[[ -f regression.diffs ]] && cp regression.diffs "$LOGS/regress.diffs"
[[ $ok -gt 0 || $bad -gt 0 ]] || bad=1
record regress "$ok" "$bad"
fi

# --- pgTAP ----------------------------------------------------------------------------------------
if wanted pgtap; then
psql_cluster -d "$DB_NAME" -qc "CREATE EXTENSION IF NOT EXISTS pgtap; CREATE EXTENSION IF NOT EXISTS pg_portfolio" \
  >"$LOGS/pgtap-setup.log" 2>&1 || { cat "$LOGS/pgtap-setup.log" >&2; record pgtap 0 1; }
pg_prove --verbose --failures -h "$PGHOST" -p "$PGPORT" -U postgres -d "$DB_NAME" test/pgtap/*.sql \
  >"$LOGS/pgtap.log" 2>&1 || true
ok=$(grep -cE '^ok [0-9]+' "$LOGS/pgtap.log" || true)
bad=$(grep -cE '^not ok [0-9]+' "$LOGS/pgtap.log" || true)
grep -q '^Result: PASS' "$LOGS/pgtap.log" || [[ $bad -gt 0 ]] || bad=1
record pgtap "$ok" "$bad"
fi

# --- further suites (fetcher, clients, dashboards, ...) ------------------------------------------
# Each suite gets a database of its own with a fresh pg_portfolio, so no suite sees what another
# left and their order does not matter (suites that need more make it themselves).
for suite in test/suites/*.sh; do
  [[ -e $suite ]] || continue
  name=$(basename "$suite" .sh)
  [[ $name != lib ]] || continue   # the suites' shared helpers, not a suite
  wanted "$name" || continue
  db=suite_$name
  rc=0
  psql_cluster -d postgres -qc "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" \
    && psql_cluster -d "$db" -qc "CREATE EXTENSION pg_portfolio" || rc=$?
  [[ $rc -ne 0 ]] || PGDATABASE=$db PGP_DATABASE=$db bash "$suite" >"$LOGS/$name.log" 2>&1 || rc=$?
  line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$LOGS/$name.log" | tail -1 || true)
  if [[ $line =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
  else
    p=0 f=0
  fi
  [[ $rc -eq 0 || $f -gt 0 ]] || f=1
  record "$name" "$p" "$f"
done

echo
printf '%s\n' "${summary[@]}"
if [[ $total_failed -gt 0 ]]; then
  say "failures: see the logs in $LOGS"
fi
echo "$total_passed passed, $total_failed failed"
[[ $total_failed -eq 0 ]]
