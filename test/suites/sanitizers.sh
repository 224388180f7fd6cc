#!/usr/bin/env bash
# The core's unit tests (core_tests) and the fetcher's (fetcher_tests) built a second time with
# AddressSanitizer (and its leak checker) and UndefinedBehaviorSanitizer, in build/asan, and run
# with every report fatal: any report fails the suite. Two tiny programs built with the same flags
# must be caught (a heap overflow, a signed overflow), so a pass means the sanitizers were on.
# Built with nice and -j2 (only the test targets); the build directory is kept, so a second run
# rebuilds only what changed. Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BUILD=build/asan
FLAGS="-O1 -g1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
WORK=$(mktemp -d /tmp/sanitizers-suite.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
REPORT='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer'

# --- the sanitizers catch what they must ---------------------------------------------------------
cat >"$WORK/overflow.cpp" <<'CPP'
#include <cstdlib>
int main(int argc, char**) { int* p = new int[2]; int r = p[argc + 1]; delete[] p; return r; }
CPP
cat >"$WORK/signed.cpp" <<'CPP'
#include <climits>
int main(int argc, char**) { int x = INT_MAX - 1 + argc; return x + argc; }
CPP
for probe in overflow signed; do
  # shellcheck disable=SC2086
  g++ $FLAGS -o "$WORK/$probe" "$WORK/$probe.cpp" 2>"$WORK/$probe.build" || { fail "$probe probe builds" "$(head -3 "$WORK/$probe.build")"; continue; }
  "$WORK/$probe" >"$WORK/$probe.out" 2>&1
  rc=$?
  if [[ $rc -ne 0 ]] && grep -qE "$REPORT" "$WORK/$probe.out"; then ok "the sanitizers report a $probe probe (exit $rc)"
  else fail "the sanitizers report a $probe probe" "exit $rc: $(head -3 "$WORK/$probe.out")"; fi
done

# --- build ---------------------------------------------------------------------------------------
t0=$SECONDS
if ! nice cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="$FLAGS" \
      -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >"$WORK/configure.log" 2>&1; then
  bail "configure $BUILD" "$(tail -5 "$WORK/configure.log")"
fi
if nice cmake --build "$BUILD" -j2 --target core_tests fetcher_tests >"$WORK/build.log" 2>&1; then
  ok "core_tests and fetcher_tests built with -fsanitize=address,undefined ($((SECONDS - t0)) s)"
else
  bail "build with the sanitizers" "$(grep -m5 -E 'error' "$WORK/build.log")"
fi

# --- run -----------------------------------------------------------------------------------------
for t in core_tests fetcher/fetcher_tests; do
  name=$(basename "$t")
  t0=$SECONDS
  # GTest itself: every test must pass; then no sanitizer report anywhere in the output
  "$BUILD/$t" >"$WORK/$name.log" 2>&1
  rc=$?
  ran=$(sed -n 's/^\[==========\] \([0-9]*\) tests\? from .* ran\..*/\1/p' "$WORK/$name.log" | tail -1)
  good=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\?\..*/\1/p' "$WORK/$name.log" | tail -1)
  reports=$(grep -cE "$REPORT" "$WORK/$name.log")
  if [[ $rc -eq 0 && -n $ran && $ran -gt 0 && $good == "$ran" && $reports -eq 0 ]]; then
    ok "$name under ASan+UBSan: $good of $ran tests passed, 0 sanitizer reports ($((SECONDS - t0)) s)"
  else
    fail "$name under ASan+UBSan" "exit $rc, ${good:-0} of ${ran:-?} passed, $reports reports"
    grep -E -A12 "$REPORT|\[  FAILED  \]" "$WORK/$name.log" | head -60
  fi
done

finish
