# Shared plumbing of the test suites: source it, count with ok/fail/check, end with finish.
# Not a suite itself (scripts/test.sh skips it). Every suite ends with the line
# "N passed, N failed", which scripts/test.sh reads.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   check "positions of alice" 3 "$(q 'SELECT count(*) FROM portfolio.positions')"
#   finish                      # prints the counts; exits 1 if anything failed
#
# Sourcing it moves to the repository's root (the suites name files from there) and puts
# test/lib on PYTHONPATH, so a suite's inline Python counts with this file's twin, pgp_test.py.
passed=${passed:-0} failed=${failed:-0}
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export PYTHONPATH=$PWD/test/lib${PYTHONPATH:+:$PYTHONPATH}

# ok NAME: one passed test.
ok() { passed=$((passed + 1)); echo "ok - $1"; }

# fail NAME [DETAIL]: one failed test, with what was seen.
fail() { failed=$((failed + 1)); echo "not ok - $1${2:+ ($2)}"; }

# check NAME EXPECTED ACTUAL: passes when the two strings are equal.
check() { if [[ "$2" == "$3" ]]; then ok "$1"; else fail "$1" "expected '$2', got '$3'"; fi; }

# finish: the counts line, then exit non-zero if any test failed.
finish() { echo "$passed passed, $failed failed"; [[ $failed -eq 0 ]]; exit; }

# bail NAME [DETAIL]: a setup step the rest depends on failed; count it and stop here.
bail() { fail "$@"; finish; }

# add_counts PASSED FAILED: tests counted elsewhere (pg_regress, pg_prove) added to this suite's.
add_counts() { passed=$((passed + $1)); failed=$((failed + $2)); }

# count_log LOG NAME: add the counts of LOG's last "N passed, N failed" line (a helper script's
# own summary) to this suite's; a log without one is a failure of NAME.
count_log() {
  local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
  if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    add_counts "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  else
    fail "$2 printed its summary"
  fi
}

# psql_at [PSQL ARGS...]: psql as every suite reads it: no psqlrc, quiet, unaligned rows only,
# stopping at the first error.
psql_at() { psql -X -qAt -v ON_ERROR_STOP=1 "$@"; }

# q SQL: the rows of one statement in $PGDATABASE.
q() { psql_at -c "$1"; }

# load_demo_data: examples/ loaded and refreshed (test/load_demo_data.sh), counted as one test;
# the suites that read the demo portfolios cannot go on without it.
load_demo_data() {
  if bash test/load_demo_data.sh; then ok "demo data loaded and refreshed"; else bail "demo data loaded and refreshed"; fi
}

# fetcher_binaries TARGET...: the fetcher's programs a suite runs (build/fetcher/TARGET), built
# when missing; without them the suite cannot run.
fetcher_binaries() {
  local t missing=()
  for t in "$@"; do [[ -x build/fetcher/$t ]] || missing+=("$t"); done
  [[ ${#missing[@]} -eq 0 ]] || cmake --build build -j2 --target "${missing[@]}" >/dev/null \
    || bail "build ${missing[*]}"
}
