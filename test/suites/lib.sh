# Shared plumbing of the test suites: source it, count with ok/fail/check, end with finish.
# Not a suite itself (scripts/test.sh skips it). Every suite ends with the line
# "N passed, N failed", which scripts/test.sh reads.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   check "positions of alice" 3 "$(psql -At -c '...')"
#   finish                      # prints the counts; exits 1 if anything failed
passed=${passed:-0} failed=${failed:-0}

# ok NAME: one passed test.
ok() { passed=$((passed + 1)); echo "ok - $1"; }

# fail NAME [DETAIL]: one failed test, with what was seen.
fail() { failed=$((failed + 1)); echo "not ok - $1${2:+ ($2)}"; }

# check NAME EXPECTED ACTUAL: passes when the two strings are equal.
check() { if [[ "$2" == "$3" ]]; then ok "$1"; else fail "$1" "expected '$2', got '$3'"; fi; }

# finish: the counts line, then exit non-zero if any test failed.
finish() { echo "$passed passed, $failed failed"; [[ $failed -eq 0 ]]; exit; }
