#!/usr/bin/env bash
# examples/grafana/*.json type-checked against Grafana's own dashboard model: the TypeScript
# types Grafana publishes on npm (@grafana/schema), with tsc (test/grafana_schema/make_check.py
# writes the check). Grafana itself cannot be installed here; its types can.
#  1. every dashboard passes tsc --strict;
#  2. the check can fail: an unknown field, a wrong type, a bad enum value and an empty
#     `current` each make tsc fail, naming the problem.
# The npm packages (pinned in test/grafana_schema/package.json) are installed into
# build/grafana-schema once; when they cannot be (no npm, no registry), the suite says SKIP and
# counts nothing. Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WORK=build/grafana-schema
mkdir -p "$WORK"
if ! cmp -s test/grafana_schema/package.json "$WORK/package.json" || [[ ! -x $WORK/node_modules/.bin/tsc ]]; then
  cp test/grafana_schema/package.json "$WORK/package.json"
  if ! command -v npm >/dev/null || ! (cd "$WORK" && timeout 300 npm install --no-audit --no-fund --silent >npm.log 2>&1); then
    echo "# SKIP: the npm packages @grafana/schema and typescript could not be installed (see $WORK/npm.log)"
    finish
  fi
fi
TSC=(node "$WORK/node_modules/typescript/bin/tsc" --noEmit --strict --skipLibCheck
     --module esnext --moduleResolution bundler --target es2020)
echo "# @grafana/schema $(node -p "require('./$WORK/node_modules/@grafana/schema/package.json').version"), typescript $(node -p "require('./$WORK/node_modules/typescript/package.json').version")"

for dash in examples/grafana/*.json; do
  name=$(basename "$dash" .json)
  /usr/bin/python3 test/grafana_schema/make_check.py "$dash" "$WORK/$name.ts"
  if out=$("${TSC[@]}" "$WORK/$name.ts" 2>&1); then ok "$dash type-checks as @grafana/schema's Dashboard"
  else fail "$dash type-checks as @grafana/schema's Dashboard" "$(echo "$out" | head -5)"; fi
done

# mutation and a piece of the error tsc must print
declare -A expect=(
  [unknown-field]="'\"refreshh\"' does not exist"
  [wrong-type]="not assignable to type 'DashboardCursorSync"
  [bad-enum]="'\"fixedd\"' is not assignable"
  [empty-current]="missing the following properties"
)
for m in unknown-field wrong-type bad-enum empty-current; do
  /usr/bin/python3 test/grafana_schema/make_check.py examples/grafana/pg_portfolio.json "$WORK/broken-$m.ts" "$m"
  out=$("${TSC[@]}" "$WORK/broken-$m.ts" 2>&1); rc=$?
  if [[ $rc -ne 0 ]] && grep -qF "${expect[$m]}" <<<"$out"; then ok "a dashboard with $m fails: ${expect[$m]}"
  else fail "a dashboard with $m fails" "rc $rc: $(echo "$out" | head -2)"; fi
done
finish
