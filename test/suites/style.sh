#!/usr/bin/env bash
# Style kept by checks, not by hand (../shared/STYLE.md, .clang-format):
#   * every tracked C++ file is formatted as .clang-format says (clang-format --dry-run -Werror);
#   * the glue includes PostgreSQL only through src/pg/postgres_headers.hpp, and the core never
#     includes PostgreSQL or the glue;
#   * no function passes 80 lines (clang-tidy's readability-function-size) in the fetcher's
#     sources and fake provider, the core and the glue; not the GoogleTest files, whose gtest
#     headers would triple the check's time;
# each with a negative control (a misformatted file, a stray include) that the check must catch.
# Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# failing NAME OUTPUT: a failed check and the first 20 lines of what the checker printed
failing() { fail "$1"; head -n 20 <<<"$2"; }
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

mapfile -t CXX < <(git ls-files '*.cpp' '*.hpp')
# format_check FILES...: clang-format's findings, empty when every file is formatted
format_check() { clang-format --style=file:.clang-format --dry-run -Werror "$@" 2>&1 | grep -E '^[^ ].*: (error|warning):' ; }
out=$(format_check "${CXX[@]}")
if [[ -z $out ]]; then ok "${#CXX[@]} C++ files are formatted as .clang-format says"
else failing "C++ files not formatted (run: git ls-files '*.cpp' '*.hpp' | xargs clang-format -i)" "$out"; fi
sed 's/^\(int weekday\)/   \1/' fetcher/src/civil_date.cpp > "$WORK/misformatted.cpp"
if [[ -n $(format_check "$WORK/misformatted.cpp") ]]; then ok "a misformatted copy is caught"
else fail "a misformatted copy is caught"; fi

# include_check DIR...: quoted includes of the glue other than the project's own ("pg/...", "core/...")
include_check() {
  grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$@" |
    grep -vE '#[[:space:]]*include[[:space:]]*("(pg|core)/[^"]+"|<[^>]+>)' ; }
glue=$(git ls-files 'src/pg/*.cpp' 'src/pg/*.hpp' | grep -v '^src/pg/postgres_headers.hpp$')
out=$(include_check $glue; git ls-files 'src/pg/*' | xargs grep -HnE '#[[:space:]]*include[[:space:]]*<(postgres|fmgr|utils/|catalog/|access/)' )
if [[ -z $out ]]; then ok "the glue includes PostgreSQL only through src/pg/postgres_headers.hpp"
else failing "PostgreSQL headers included outside src/pg/postgres_headers.hpp" "$out"; fi
{ echo '#include "pg/sql_function.hpp"'; echo '#include "utils/timestamp.h"'; } > "$WORK/stray.cpp"
if [[ -n $(include_check "$WORK/stray.cpp") ]]; then ok "a stray PostgreSQL include is caught"
else fail "a stray PostgreSQL include is caught"; fi
out=$(git ls-files 'src/core/*' | xargs grep -HnE '#[[:space:]]*include[[:space:]]*"(pg/|postgres|fmgr|utils/|catalog/)')
if [[ -z $out ]]; then ok "the core includes neither PostgreSQL nor the glue"
else failing "the core includes PostgreSQL or the glue" "$out"; fi

# function_length_check FILES...: the functions longer than FUNCTION_LINES, with their length.
# Parsed with the fetcher's include paths, no build directory needed; a file that does not parse
# is a finding too (its "error:"), so a broken include cannot pass the check silently.
FUNCTION_LINES=80
tidy_function_size() {
  clang-tidy --quiet --checks='-*,readability-function-size' \
    --config="{CheckOptions: [{key: readability-function-size.LineThreshold, value: $FUNCTION_LINES}]}" \
    "$1" -- -std=c++17 -Ifetcher/src -Isrc -I"$(pg_config --includedir)" -I"$(pg_config --includedir-server)" \
    -I/usr/include/eigen3 -DPGP_EXTENSION_VERSION='"0"' 2>/dev/null |
    grep -E 'error:|readability-function-size|note: [0-9]+ lines'
}
export -f tidy_function_size; export FUNCTION_LINES
function_length_check() { printf '%s\n' "$@" | xargs -P 2 -I{} bash -c 'tidy_function_size "$1"' _ {} ; }
mapfile -t SOURCES < <(git ls-files 'fetcher/src/*.cpp' fetcher/test/fake_provider.cpp 'src/core/*.cpp' 'src/pg/*.cpp')
out=$(function_length_check "${SOURCES[@]}")
if [[ -z $out ]]; then ok "no function of ${#SOURCES[@]} fetcher, core and glue files passes $FUNCTION_LINES lines"
else failing "functions longer than $FUNCTION_LINES lines (split them)" "$out"; fi
{ echo 'int long_function(int x) {'; for i in $(seq 1 $FUNCTION_LINES); do echo "    x += $i;"; done
  echo '    return x;'; echo '}'; } > "$WORK/long_function.cpp"
if [[ $(function_length_check "$WORK/long_function.cpp") == *"long_function"* ]]; then
  ok "a function of $((FUNCTION_LINES + 3)) lines is caught"
else fail "a function of $((FUNCTION_LINES + 3)) lines is caught"; fi

finish
