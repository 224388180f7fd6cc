#!/usr/bin/env bash
# The demo's synthetic market (examples/market/generate.py):
#  1. deterministic: the same end date gives the same bytes, and a pinned value stays pinned;
#  2. a later end date appends exactly the new business days and leaves every earlier byte alone;
#     the default end is the last business day before today (UTC), checked under a faked clock;
#  3. portfolio-fetch loads it (csv provider) and, loading the later file, inserts only the new
#     days and reports the rest unchanged;
#  4. it looks like a market: the index's volatility, drawdown and VaR, a stock's beta and
#     correlation to the index (the extension's aggregates on the loaded quotes) and fat tails
#     (scipy's kurtosis on the file), each in a band real large-cap markets fall in.
# Runs against $PGDATABASE (scripts/test.sh gives the suite its own). Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
GEN=examples/market/generate.py
BIN=build/fetcher/portfolio-fetch
# within DESCRIPTION LOW VALUE HIGH: LOW <= VALUE <= HIGH
within() {
  if [[ -n $3 ]] && awk -v lo="$2" -v x="$3" -v hi="$4" 'BEGIN { exit !(lo <= x && x <= hi) }'; then
    ok "$1: $3 in [$2, $4]"
  else
    fail "$1" "'$3' not in [$2, $4]"
  fi
}
export PGOPTIONS="-c client_min_messages=warning"
WORK=$(mktemp -d /tmp/market-suite.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# --- 1. deterministic -----------------------------------------------------------------------------
# Friday 2026-11-20 and the Friday a week later: 5 more business days (both in the past, so the
# fetcher, which refuses future days, loads every row).
/usr/bin/python3 $GEN --end 2026-11-20 --out "$WORK/a.csv"
/usr/bin/python3 $GEN --end 2026-11-20 --out "$WORK/b.csv"
/usr/bin/python3 $GEN --end 2026-11-27 --out "$WORK/later.csv"
if cmp -s "$WORK/a.csv" "$WORK/b.csv"; then ok "same end date, byte-identical output"; else fail "same end date, byte-identical output"; fi
# 2022-01-03 .. 2026-11-20 has 1275 business days; 11 series (8 stocks, the index, 2 pairs)
check "rows up to 2026-11-20: 1275 business days x 11 series + header" 14026 "$(wc -l <"$WORK/a.csv")"
# Pinned so that a change to the model or the random numbers shows up here (update on purpose).
check "pinned: MKT on 2026-11-20" "MKT,2026-11-20,1804.49,1809.96,1784.50,1797.41,,1797.41" \
  "$(grep '^MKT,2026-11-20' "$WORK/a.csv")"

# --- 2. a later end date only appends ----------------------------------------------------------
check "later end date: 5 business days x 11 series more" 55 $(( $(wc -l <"$WORK/later.csv") - $(wc -l <"$WORK/a.csv") ))
if cmp -s -n "$(stat -c %s "$WORK/a.csv")" "$WORK/a.csv" "$WORK/later.csv"; then
  ok "later end date: the earlier file is a byte prefix (nothing before changes)"
else
  fail "later end date: the earlier file is a byte prefix"
fi
check "new days are 2026-11-23 .. 2026-11-27, Monday to Friday" "2026-11-23 2026-11-24 2026-11-25 2026-11-26 2026-11-27" \
  "$(tail -n 55 "$WORK/later.csv" | cut -d, -f2 | uniq | paste -sd' ')"
# Monday 2026-11-30 00:30 UTC: the last business day before today is Friday 2026-11-27.
check "default end under a faked clock (Mon 2026-11-30 00:30 UTC): Friday 2026-11-27" "" \
  "$(faketime '2026-11-30 00:30:00' /usr/bin/python3 $GEN | cmp - "$WORK/later.csv" 2>&1)"

# --- 3. through the loader ------------------------------------------------------------------------
json_total() { /usr/bin/python3 -c "import json,sys; t=json.load(sys.stdin)['totals']; print(t['inserted'], t['updated'], t['unchanged'], t['rejected'])"; }
first=$($BIN --provider csv --file "$WORK/a.csv" --no-progress --json 2>/dev/null | json_total)
check "portfolio-fetch loads every row (inserted updated unchanged rejected)" "14025 0 0 0" "$first"
second=$($BIN --provider csv --file "$WORK/later.csv" --no-progress --json 2>/dev/null | json_total)
check "the later file: only the 55 new rows inserted, the rest unchanged" "55 0 14025 0" "$second"
check "quotes and FX rates in the database: 9 x 1280 quotes, 2 x 1280 rates" "11520|2560" \
  "$(q "SELECT (SELECT count(*) FROM portfolio.quotes), (SELECT count(*) FROM portfolio.fx_rates)")"

# --- 4. it looks like a market --------------------------------------------------------------------
q "CREATE TABLE r AS
   SELECT symbol, ts, (coalesce(adj_close, close) / lag(coalesce(adj_close, close)) OVER (PARTITION BY symbol ORDER BY ts) - 1)::float8 AS r
   FROM portfolio.quotes" >/dev/null
stat() { q "SELECT round(($1)::numeric, 4) FROM r i JOIN r s ON s.ts = i.ts AND i.symbol = 'MKT' WHERE s.symbol = '$2' AND i.r IS NOT NULL"; }
within "index annualized volatility (large-cap indices: 12-25 %)" 0.12 "$(stat "portfolio.volatility(i.r, 252)" MKT)" 0.25
within "index max drawdown (a bear market: 15-45 %)" 0.15 "$(stat "portfolio.max_drawdown(i.r ORDER BY i.ts)" MKT)" 0.45
within "index 1-day historical VaR 95 % (1-3 %)" 0.01 "$(stat "portfolio.var_historical(i.r, 0.95)" MKT)" 0.03
within "AAPL beta to the index (model 1.2)" 0.9 "$(stat "portfolio.beta(s.r, i.r)" AAPL)" 1.6
within "JNJ beta to the index (model 0.6, defensive)" 0.4 "$(stat "portfolio.beta(s.r, i.r)" JNJ)" 0.8
within "AAPL correlation to the index" 0.5 "$(stat "corr(s.r, i.r)" AAPL)" 0.9
within "SPY correlation to the index (an index fund)" 0.99 "$(stat "corr(s.r, i.r)" SPY)" 1.0
kurt=$(/usr/bin/python3 - "$WORK/a.csv" <<'PY'
import csv, sys
import numpy as np
from scipy import stats
closes = [float(r["adj_close"]) for r in csv.DictReader(open(sys.argv[1])) if r["symbol"] == "MKT"]
r = np.diff(closes) / closes[:-1]
print(round(stats.kurtosis(r, fisher=False), 2))
PY
)
within "index daily returns have fat tails: kurtosis (normal = 3)" 4 "$kurt" 20

finish
