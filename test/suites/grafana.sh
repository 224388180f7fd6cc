#!/usr/bin/env bash
# The Grafana dashboard's queries, run as Grafana would run them, as the read-only role grafana:
#  1. test/clients/grafana_panels.py: every panel query of examples/grafana/*.json with the macros
#     and template variables expanded, for every portfolio the role sees, returns rows of the shape
#     its panel needs (time/value/metric columns, sorted times in range, no all-NULL column);
#  2. test/clients/grafana_values.py: the panels' numbers equal numpy/scipy and other views;
#  3. the checker itself fails on a broken dashboard (a missing time column, an SQL error, a pie
#     without metric/value), so a pass means something.
# Runs against the test cluster (PG* exported by scripts/test.sh). Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PY=/usr/bin/python3

load_demo_data

export PGUSER=grafana PGPASSWORD=grafana PGHOST=127.0.0.1     # the BI role, over TCP like Grafana
uid=$(sed -n 's/^ *uid: *\([A-Za-z0-9_-]*\).*/\1/p' examples/grafana/provisioning/datasources/pg_portfolio.yaml | head -1)
[[ -n $uid ]] && ok "provisioned data source uid: $uid" || fail "provisioned data source uid found"
grep -q 'user: grafana' examples/grafana/provisioning/datasources/pg_portfolio.yaml \
  && ok "the data source connects as the read-only role grafana" || fail "the data source connects as grafana"

log=$(mktemp); trap 'rm -f "$log" "${broken:-}"' EXIT
$PY test/clients/grafana_panels.py --datasource-uid "$uid" examples/grafana/*.json >"$log" 2>&1; rc=$?
grep -vE '^[0-9]+ passed, [0-9]+ failed' "$log"
count_log "$log" grafana_panels.py
[[ $rc -eq 0 ]] || fail "grafana_panels.py exit status" "$rc"

$PY test/clients/grafana_values.py examples/grafana/pg_portfolio.json >"$log" 2>&1; rc=$?
grep -vE '^[0-9]+ passed, [0-9]+ failed' "$log"
count_log "$log" grafana_values.py
[[ $rc -eq 0 ]] || fail "grafana_values.py exit status" "$rc"

# The checker must catch what Grafana would choke on.
broken=$(mktemp --suffix=.json)
$PY - "$broken" <<'PY'
import json, sys
d = json.load(open("examples/grafana/pg_portfolio.json"))
ts = next(p for p in d["panels"] if p["title"] == "Drawdown")
ts["targets"][0]["rawSql"] = "SELECT day, daily_return FROM portfolio.portfolio_daily WHERE portfolio_id = $portfolio ORDER BY day"
pie = next(p for p in d["panels"] if p["type"] == "piechart")
pie["targets"][0]["rawSql"] = "SELECT bucket, weight FROM portfolio.allocation WHERE portfolio_id = $portfolio AND dimension = 'currency'"
stat = next(p for p in d["panels"] if p["type"] == "stat")
stat["targets"][0]["rawSql"] = "SELECT no_such_column FROM portfolio.portfolio_daily WHERE portfolio_id = $portfolio"
d["panels"] = [ts, pie, stat]
json.dump(d, open(sys.argv[1], "w"))
PY
$PY test/clients/grafana_panels.py "$broken" >"$log" 2>&1; rc=$?
bad=$(grep -c '^not ok' "$log")
if [[ $rc -ne 0 && $bad -eq 6 ]] && grep -q 'without a time column' "$log" && grep -q 'metric and value' "$log" \
   && grep -q 'no_such_column' "$log"; then
  ok "the checker fails a broken dashboard (3 bad panels x 2 portfolios: $bad failures)"
else
  fail "the checker fails a broken dashboard" "exit $rc, $bad failures"; cat "$log"
fi

# A smoke run of the load benchmark (bench/dashboard_load.sh: every panel query through pgbench as
# grafana while a fetch and refreshes run), so that it cannot rot: 5 clients for 5 s, 0 errors.
unset PGUSER PGPASSWORD PGHOST
if BENCH_DB=$PGDATABASE DASHBOARD_REUSE_DB=1 CLIENTS=5 DURATION=5 bash bench/dashboard_load.sh >"$log" 2>&1; then
  ok "bench/dashboard_load.sh smoke run (5 clients, 5 s): $(grep -m1 '^transactions' "$log"), 0 errors, every query ran"
else
  fail "bench/dashboard_load.sh smoke run (5 clients, 5 s)"; cat "$log"
fi

finish
