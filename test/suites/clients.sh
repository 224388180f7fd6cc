#!/usr/bin/env bash
# pg_portfolio from real client libraries, as the read-only BI role grafana over TCP 127.0.0.1:
#   (a) Python psycopg2   test/clients/psycopg2_client.py   (/usr/bin/python3, python3-psycopg2)
#   (b) Java JDBC         test/clients/JdbcClient.java      (default-jdk-headless, libpostgresql-jdbc-java)
# Each reads every public view, calls functions and aggregates with bound parameters, checks the
# custom types' text forms, NULL results and that writes fail with 42501; then both print the
# values of test/clients/client_queries.txt, which must equal each other and psql's, exactly
# (float8 as the same double, numeric digit for digit, text forms byte for byte).
# Runs against the test cluster (PG* exported by scripts/test.sh). Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PY=/usr/bin/python3
JAR=/usr/share/java/postgresql.jar
QUERIES=test/clients/client_queries.txt

load_demo_data
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# (a) psycopg2
$PY test/clients/psycopg2_client.py >"$tmp/python.log" 2>&1; rc=$?
sed 's/^/[psycopg2] /' "$tmp/python.log" | grep -v '^\[psycopg2\] value '
count_log "$tmp/python.log" psycopg2_client.py
[[ $rc -eq 0 ]] || fail "psycopg2_client.py exit status" "$rc"

# (b) JDBC: compiled into build/java when the source is newer than the class
if [[ ! -f $JAR ]]; then
  fail "JDBC driver $JAR (libpostgresql-jdbc-java) installed"
else
  mkdir -p build/java
  if [[ build/java/JdbcClient.class -nt test/clients/JdbcClient.java ]]; then
    ok "build/java/JdbcClient.class is up to date"
  elif javac -Xlint:all -Werror -d build/java -cp "$JAR" test/clients/JdbcClient.java >"$tmp/javac.log" 2>&1; then
    ok "JdbcClient.java compiles without warnings"
  else
    fail "JdbcClient.java compiles without warnings"; cat "$tmp/javac.log"
  fi
  java -cp "build/java:$JAR" JdbcClient "$QUERIES" >"$tmp/java.log" 2>&1; rc=$?
  sed 's/^/[jdbc] /' "$tmp/java.log" | grep -v '^\[jdbc\] value '
  count_log "$tmp/java.log" JdbcClient
  [[ $rc -eq 0 ]] || fail "JdbcClient exit status" "$rc"
fi

# (c) psql, as the same role, for the reference text of every shared query
while IFS='|' read -r name kind sql; do
  [[ -z $name || $name == \#* ]] && continue
  v=$(PGUSER=grafana PGHOST=127.0.0.1 psql -X -qAt -P null=NULL -v ON_ERROR_STOP=1 -c "$sql" 2>&1) || v="ERROR $v"
  echo "value $name $kind $v"
done <"$QUERIES" >"$tmp/psql.log"

# every query's value equal in all three, compared by kind
$PY - "$QUERIES" "$tmp/psql.log" "$tmp/python.log" "$tmp/java.log" <<'PY' >"$tmp/compare.log" 2>&1
import sys
from decimal import Decimal
from pgp_test import check, finish
names = [l.split("|")[0] for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
def values(path):
    out = {}
    for line in open(path):
        if line.startswith("value "):
            _, name, kind, text = line.rstrip("\n").split(" ", 3)
            out[name] = (kind, text)
    return out
clients = {"psql": values(sys.argv[2]), "psycopg2": values(sys.argv[3]), "jdbc": values(sys.argv[4])}
def same(kind, a, b):
    if kind == "f":
        return float(a) == float(b)           # the same double, however it is spelled
    if kind == "n":
        return Decimal(a) == Decimal(b)       # numeric digit for digit
    return a == b
for name in names:
    got = {c: v.get(name) for c, v in clients.items()}
    missing = [c for c, v in got.items() if v is None]
    kind, ref = got["psql"] if got["psql"] else (None, None)
    ok = not missing and not ref.startswith("ERROR") and all(same(kind, ref, t) for _, t in got.values())
    if kind == "null":
        ok = ok and ref == "NULL"
    shown = ref if ref is None or len(ref) < 60 else ref[:57] + "..."
    check(f"{name}: psql, psycopg2 and JDBC agree ({shown})", ok, str(got))
finish()
PY
grep -vE '^[0-9]+ passed, [0-9]+ failed' "$tmp/compare.log"
count_log "$tmp/compare.log" "value comparison"
finish
