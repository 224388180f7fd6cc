#!/usr/bin/env bash
# report/portfolio-report on the fixed demo data (examples/data, report day pinned 2025-12-31):
#  1. row-level security: alice and bob get one tearsheet each, grafana (reader) both; alice
#     asking for bob's portfolio gets none (exit 1); --as-of and --period reach the report;
#  2. self-contained: no script, no stylesheet or image link, nothing fetched from a network;
#     every chart is an inline SVG with its marks;
#  3. every number cell equals the SQL value it comes from (test/tearsheet/check_numbers.py, its
#     own queries), and a tampered copy fails that check (the check can fail);
#  4. headless Chromium renders each report and each chart on its own to a PNG that is not blank
#     (test/tearsheet/check_render.py). The PNGs stay in build/tearsheet/ for a look.
# Runs against $PGDATABASE (scripts/test.sh gives the suite its own). Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REPORT="/usr/bin/python3 report/portfolio-report"
CHARTS="chart-equity chart-underwater chart-monthly chart-rolling chart-allocation-asset-class chart-allocation-currency"
# tally COMMAND...: run a checker script, show its lines and add its counts to the suite's
tally() {
  "$@" >"$OUT/tally.log"; grep -v ' passed, ' "$OUT/tally.log"; count_log "$OUT/tally.log" "$*"
}
load_demo_data
OUT=build/tearsheet
rm -rf "$OUT"; mkdir -p "$OUT"/{alice,bob,grafana,asof,ytd,charts}
AS_OF=2025-12-31

# --- 1. who sees what, options -------------------------------------------------------------------
for role in alice bob grafana; do
  $REPORT --as-of $AS_OF --output-dir "$OUT/$role" --dsn "user=$role" >"$OUT/$role.paths"
done
check "alice: one tearsheet, hers" "tearsheet-1-Global_growth.html" "$(ls "$OUT/alice")"
check "bob: one tearsheet, his" "tearsheet-2-Euro_core.html" "$(ls "$OUT/bob")"
check "grafana (portfolio_reader): both" "tearsheet-1-Global_growth.html tearsheet-2-Euro_core.html" "$(ls "$OUT/grafana" | paste -sd' ')"
check "the paths written are printed" "$OUT/alice/tearsheet-1-Global_growth.html" "$(cat "$OUT/alice.paths")"
$REPORT --as-of $AS_OF --portfolio "Euro core" --output "$OUT/none.html" --dsn "user=alice" 2>/dev/null
check "alice asking for bob's portfolio: exit 1, no file" "1|no" "$?|$([[ -e $OUT/none.html ]] && echo yes || echo no)"
# before alice's sale of 80 on 2025-06-02 she held 200 AAPL (100 bought, split 2:1)
$REPORT --as-of 2025-05-30 --portfolio "Global growth" --output "$OUT/asof/alice.html" --dsn "user=alice" >/dev/null
check "--as-of 2025-05-30: AAPL quantity 200 (after the split, before the sale)" '200' \
  "$(grep -o 'data-field="positions.AAPL.quantity" data-format="qty">[^<]*' "$OUT/asof/alice.html" | sed 's/.*>//')"
$REPORT --as-of $AS_OF --period ytd --portfolio "Global growth" --output "$OUT/ytd/alice.html" --dsn "user=alice" >/dev/null
check "--period ytd: the period is 2025-01-01 to 2025-12-31" 1 "$(grep -c 'year to date: 2025-01-01 to 2025-12-31' "$OUT/ytd/alice.html")"

# --- 2. self-contained, every chart ---------------------------------------------------------------
for f in "$OUT"/grafana/*.html; do
  n=$(basename "$f")
  # url(#id) is the SVG's own clip paths; any other url(...) would load something
  check "$n: no <script>, <link>, <img>, <iframe> or url(...) but url(#...)" 0 "$(grep -ciP '<script|<link|<img|<iframe|url\((?!#)' "$f")"
  check "$n: no src/href attribute to another file or a network" 0 "$(grep -oE '(src|href)="[^#"][^"]*"' "$f" | wc -l)"
  for c in $CHARTS; do
    marks=$(/usr/bin/python3 -c "
import re, sys
page = open(sys.argv[1]).read()
m = re.search(r'<svg class=\"chart\" id=\"$c\".*?</svg>', page, re.S)
print(len(re.findall(r'<(path|use|text|rect)\b', m.group(0))) if m else 0)" "$f")
    if [[ $marks -ge 10 ]]; then ok "$n: $c is an inline SVG with $marks marks"; else fail "$n: $c inline SVG" "$marks marks"; fi
  done
done

# --- 3. numbers read back -------------------------------------------------------------------------
tally /usr/bin/python3 test/tearsheet/check_numbers.py "$OUT/alice/tearsheet-1-Global_growth.html" "Global growth" alice
tally /usr/bin/python3 test/tearsheet/check_numbers.py "$OUT/bob/tearsheet-2-Euro_core.html" "Euro core" bob
# the check can fail: the Sharpe ratio shown 1.00 higher
/usr/bin/python3 -c "
import re, sys
page = open(sys.argv[1]).read()
cell = r'(data-field=\"performance.sharpe.inception\" data-format=\"num\"[^>]*>)([-0-9.,]+)<'
print(re.sub(cell, lambda m: m.group(1) + f'{float(m.group(2).replace(\",\", \"\")) + 1:.2f}<', page, count=1), end='')
" "$OUT/alice/tearsheet-1-Global_growth.html" >"$OUT/tampered.html"
tampered=$(/usr/bin/python3 test/tearsheet/check_numbers.py "$OUT/tampered.html" "Global growth" alice | grep -c '^not ok.*performance.sharpe.inception')
check "a tampered Sharpe ratio is caught by the number check" 1 "$tampered"

# --- 4. rendered by headless Chromium ------------------------------------------------------------
shots=()
for role in alice bob; do
  f=$(ls "$OUT/$role"/*.html)
  bash report/screenshot.sh "$f" "$OUT/$role.png" && shots+=("$role page=$OUT/$role.png") || fail "chromium renders $f"
done
tally /usr/bin/python3 test/tearsheet/check_render.py 0.05 100 "${shots[@]}"
# each chart alone, so a chart that draws nothing cannot hide behind the others
chart_shots=()
for c in $CHARTS; do
  /usr/bin/python3 -c "
import re, sys
page = open(sys.argv[1]).read()
svg = re.search(r'<svg class=\"chart\" id=\"$c\".*?</svg>', page, re.S).group(0)
open(sys.argv[2], 'w').write('<!DOCTYPE html><html><body style=\"margin:0;background:#fff\">' + svg + '</body></html>')
" "$OUT/alice/tearsheet-1-Global_growth.html" "$OUT/charts/$c.html"
  bash report/screenshot.sh "$OUT/charts/$c.html" "$OUT/charts/$c.png" 900 600 && chart_shots+=("alice $c=$OUT/charts/$c.png") || fail "chromium renders $c"
done
tally /usr/bin/python3 test/tearsheet/check_render.py 0.02 8 "${chart_shots[@]}"

finish
