#!/usr/bin/env bash
# The Grafana dashboard under load: pgbench runs every panel query of examples/grafana/*.json
# (expanded the way Grafana does, by test/clients/grafana_panels.py's code, for a random one of
# the demo's portfolios each time) as the read-only BI role grafana over TCP, with CLIENTS clients
# for DURATION seconds, while portfolio-fetch loads quotes in a loop (a file of new rows, then the
# same keys with changed closes) and CALL portfolio.refresh() runs over and over.
#
#   bash bench/dashboard_load.sh                    100 clients, 60 s, private bench cluster
#   CLIENTS=5 DURATION=5 bash bench/dashboard_load.sh    a smoke run (test/suites/grafana.sh)
#
# PGP_PROFILE (default bench) picks the cluster; BENCH_DB (default dashboard_bench) the database,
# created with the demo's data unless DASHBOARD_REUSE_DB=1 (a database already holding it).
# More clients than the server's max_connections allows (minus 20) raise it with ALTER SYSTEM and
# restart the cluster. Prints TPS, p50/p99 latency and transactions per query, the errors (target
# 0), and the fetches and refreshes done meanwhile; exits non-zero on any error or a query that
# never ran.
export PGP_PROFILE=${PGP_PROFILE:-bench}
export PGP_DATABASE=${BENCH_DB:-dashboard_bench}
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO"
set +e
CLIENTS=${CLIENTS:-100}
DURATION=${DURATION:-60}
PGBENCH=$SYSTEM_PG_LIB/bin/pgbench
WORK=$(mktemp -d /tmp/dashboard-bench.XXXXXX)
chmod 755 "$WORK"
LOOP_PIDS=()
cleanup() {
  local p
  for p in "${LOOP_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
die() { say "$*"; exit 1; }

[[ -x build/fetcher/portfolio-fetch ]] || cmake --build build -j2 --target portfolio-fetch >/dev/null || die "cannot build the fetcher"
PGP_DATABASE= bash scripts/cluster.sh start >/dev/null 2>&1 || die "cannot start the $PGP_PROFILE cluster"
export_connection
export PGOPTIONS="-c client_min_messages=warning"
max=$(psql_cluster -d postgres -Atc "SHOW max_connections")
if [[ $((CLIENTS + 20)) -gt $max ]]; then
  say "max_connections $max is too few for $CLIENTS clients: ALTER SYSTEM SET max_connections = $((CLIENTS + 50)), restart"
  psql_cluster -d postgres -qc "ALTER SYSTEM SET max_connections = $((CLIENTS + 50))"
  bash scripts/cluster.sh stop >/dev/null 2>&1
  PGP_DATABASE= bash scripts/cluster.sh start >/dev/null 2>&1 || die "cannot restart the $PGP_PROFILE cluster"
fi
if [[ ${DASHBOARD_REUSE_DB:-0} != 1 ]]; then
  say "database $DB_NAME with the demo's data"
  psql_cluster -d postgres -qc "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME"
  bash test/load_demo_data.sh 2>"$WORK/load.log" || { cat "$WORK/load.log"; die "loading the demo data failed"; }
fi
[[ $(psql_cluster -d "$DB_NAME" -Atc "SELECT count(*) FROM pg_roles WHERE rolname = 'grafana'") == 1 ]] || die "no role grafana"

# --- one pgbench script per panel query ---------------------------------------------------------
/usr/bin/python3 - "$WORK" examples/grafana/*.json <<'PY'
import json, re, sys
sys.path.insert(0, "test/clients")
import grafana_panels as g
work, paths = sys.argv[1], sys.argv[2:]
n = 0
with open(f"{work}/queries.tsv", "w") as index:
    for path in paths:
        d = json.load(open(path))
        definitions = {v["name"]: v for v in d.get("templating", {}).get("list", [])}
        values = {}
        for name, v in definitions.items():
            if name == "portfolio":
                values[name] = ([":p"], [":p"])          # a pgbench variable, set per transaction
            else:
                cur = v.get("current", {}).get("value") or v["options"][0]["value"]
                values[name] = ([cur], [cur])
        for panel, target in g.targets_of(d):
            sql = g.expand_macros(g.substitute(target["rawSql"], values, definitions),
                                  panel.get("interval") or g.DEFAULT_INTERVAL)
            n += 1
            with open(f"{work}/q{n:02d}.sql", "w") as f:
                f.write("\\set p random(1, 2)\n" + sql.strip().rstrip(";") + ";\n")
            index.write(f"{n - 1}\t{panel['title']}{' / ' + target.get('refId', '') if len(panel.get('targets', [])) > 1 else ''}\n")
print(n)
PY
nq=$(wc -l <"$WORK/queries.tsv")
[[ $nq -gt 0 ]] || die "no panel queries found"
say "$nq panel queries, $CLIENTS clients, $DURATION s"

# --- the writers: a fetch loop and a refresh loop ---------------------------------------------------
/usr/bin/python3 - "$WORK" <<'PY'
import random, sys
sys.path.insert(0, "scripts")
from synthetic_quotes import business_days, high_low, walk
work = sys.argv[1]
rng = random.Random(3)
days = business_days()
for name, shift in (("a", 0.0), ("b", 0.01)):
    r = random.Random(3)
    with open(f"{work}/load_{name}.csv", "w") as f:
        f.write("symbol,date,open,high,low,close,volume,adj_close\n")
        for s in range(150):
            price = 20 + 200 * r.random()
            for day in days:
                o, price = walk(r, price)
                c = price * (1 + shift)
                hi, lo = high_low(o, c)
                f.write(f"DB{s:03d},{day},{o:.2f},{hi:.2f},{lo:.2f},{c:.2f},1000,{c:.2f}\n")
PY
DSN="host=$SOCKET_DIR port=$PORT user=postgres dbname=$DB_NAME"
(
  while true; do
    for f in a b; do
      build/fetcher/portfolio-fetch --provider csv --file "$WORK/load_$f.csv" --no-progress --dsn "$DSN" >/dev/null 2>>"$WORK/fetch.err" \
        && echo ok >>"$WORK/fetches" || echo failed >>"$WORK/fetches"
    done
  done
) &
LOOP_PIDS+=($!)
(
  while true; do
    psql_cluster -d "$DB_NAME" -qc "CALL portfolio.refresh()" >/dev/null 2>>"$WORK/refresh.err" \
      && echo ok >>"$WORK/refreshes" || echo failed >>"$WORK/refreshes"
  done
) &
LOOP_PIDS+=($!)

# --- pgbench --------------------------------------------------------------------------------------
scripts=()
for f in "$WORK"/q*.sql; do scripts+=(-f "$f"); done
(cd "$WORK" && PGPASSWORD=grafana "$PGBENCH" -n -h 127.0.0.1 -p "$PORT" -U grafana -d "$DB_NAME" \
   -c "$CLIENTS" -j "$(( CLIENTS < 4 ? CLIENTS : 4 ))" -T "$DURATION" --log --log-prefix=txn "${scripts[@]}" \
   >"$WORK/pgbench.out" 2>"$WORK/pgbench.err")
rc=$?
for p in "${LOOP_PIDS[@]}"; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
LOOP_PIDS=()

/usr/bin/python3 - "$WORK" "$rc" "$CLIENTS" "$DURATION" <<'PY'
import glob, re, statistics, sys
work, rc, clients, duration = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
names = dict(line.rstrip("\n").split("\t", 1) for line in open(f"{work}/queries.tsv"))
out = open(f"{work}/pgbench.out").read()
err = open(f"{work}/pgbench.err").read()
lat = {}
for path in glob.glob(f"{work}/txn*"):
    for line in open(path):
        f = line.split()
        # client_id transaction_no time script_no time_epoch time_us [schedule_lag]; time "failed" or "skipped" otherwise
        if len(f) >= 6 and f[2].isdigit():
            lat.setdefault(f[3], []).append(int(f[2]) / 1000.0)
tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
failed_tx = re.search(r"number of failed transactions: (\d+)", out)
aborted = len(re.findall(r"aborted", err))
sql_errors = len(re.findall(r"ERROR:", err))
def count(name):
    try:
        lines = open(f"{work}/{name}").read().split()
        return lines.count("ok"), lines.count("failed")
    except OSError:
        return 0, 0
fetch_ok, fetch_bad = count("fetches")
refresh_ok, refresh_bad = count("refreshes")
total = sum(len(v) for v in lat.values())
print(f"clients {clients}, {duration} s, {len(names)} panel queries as role grafana")
print(f"transactions {total:,}   TPS {float(tps.group(1)) if tps else 0:,.1f}")
print(f"{'query':58s} {'n':>7s} {'p50 ms':>9s} {'p99 ms':>9s}")
missing = 0
for k in sorted(names, key=int):
    v = sorted(lat.get(k, []))
    if not v:
        missing += 1
        print(f"{names[k][:58]:58s} {0:7d} {'-':>9s} {'-':>9s}")
        continue
    p50 = statistics.median(v)
    p99 = v[min(len(v) - 1, int(round(0.99 * (len(v) - 1))))]
    print(f"{names[k][:58]:58s} {len(v):7d} {p50:9.1f} {p99:9.1f}")
errors = (int(failed_tx.group(1)) if failed_tx else 0) + aborted + sql_errors
print(f"errors {errors} (failed transactions {failed_tx.group(1) if failed_tx else '?'}, aborted clients {aborted}, SQL errors {sql_errors}); target 0")
if errors:
    print("first errors:", "\n  ".join([l for l in err.splitlines() if "ERROR" in l or "aborted" in l][:5]))
print(f"during the run: {fetch_ok} fetches of 150,000 rows ({fetch_bad} failed), {refresh_ok} refreshes ({refresh_bad} failed)")
ok = rc == 0 and errors == 0 and missing == 0 and total > 0 and fetch_bad == 0 and refresh_bad == 0
print("result: " + ("ok" if ok else f"FAILED (pgbench exit {rc}, {missing} queries never ran)"))
sys.exit(0 if ok else 1)
PY
