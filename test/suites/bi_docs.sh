#!/usr/bin/env bash
# docs/bi.md cannot drift from the product:
#  1. every SQL question (```sql blocks) runs as the reader role grafana with Metabase's variables
#     filled in ({{portfolio}}, {{from}}, {{to}}, {{dimension}}) and with its optional [[ ]]
#     clauses both kept and dropped: no error, rows, no column NULL in every row; with them kept,
#     it shows the values its block shows (test/docs/shown.py: columns by name, rounded numbers);
#  2. row-level security as documented: without a portfolio filter grafana sees both demo
#     portfolios, alice only "Global growth", bob only "Euro core" -- in every question;
#  3. every Grafana panel's SQL in examples/grafana/pg_portfolio.json is quoted verbatim.
# Runs against the test cluster (PG* exported by scripts/test.sh). Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash test/load_demo_data.sh || bail "demo data loaded"
exec /usr/bin/python3 - docs/bi.md examples/grafana/pg_portfolio.json <<'PY'
import json
import re
import sys

import psycopg2
from pgp_test import check, fail, finish

sys.path.insert(0, "test/docs")
import shown  # noqa: E402

text = open(sys.argv[1]).read()
dashboard = json.load(open(sys.argv[2]))
VARS = {"portfolio": "'Global growth'", "from": "'2024-01-01'", "to": "'2024-12-31'", "dimension": "'asset_class'"}
SEES = {"grafana": {"Global growth", "Euro core"}, "alice": {"Global growth"}, "bob": {"Euro core"}}


def fill(sql, keep_optional):
    if keep_optional:
        sql = re.sub(r"\[\[(.*?)\]\]", r"\1", sql, flags=re.S)
    else:
        sql = re.sub(r"\[\[.*?\]\]", "", sql, flags=re.S)
    return re.sub(r"\{\{(\w+)\}\}", lambda m: VARS[m.group(1)], sql)


conns = {}
for role in SEES:
    conns[role] = psycopg2.connect(host="127.0.0.1", user=role, password=role)
    conns[role].autocommit = True
as_text = psycopg2.connect(host="127.0.0.1", user="grafana", password="grafana")   # psql's text forms
as_text.autocommit = True
shown.as_text(as_text)


def run(role, sql):
    with conns[role].cursor() as cur:
        cur.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()


questions = re.findall(r"^### (\d+)\. ([^\n]*)\n\n```sql\n(.*?)```", text, re.S | re.M)
check(f"docs/bi.md has {len(questions)} numbered SQL questions (6 or more)", len(questions) >= 6)
for number, title, sql in questions:
    label = f"question {number} ({title.split(' (')[0]})"
    for keep in (True, False):
        how = "with its variables" if keep else "without its optional clauses"
        try:
            cols, rows = run("grafana", fill(sql, keep))
            empty = [c for i, c in enumerate(cols) if all(r[i] is None for r in rows)]
            check(f"{label} {how}: {len(rows)} rows" + (f", all-NULL columns {empty}" if empty else ""), rows and not empty)
        except psycopg2.Error as e:
            fail(f"{label} {how}: {str(e).strip().splitlines()[0]}")
    body, (form, want) = shown.split(sql)
    if form is None:
        fail(f"{label} shows its result on the demo data")
    else:
        with as_text.cursor() as cur:
            cur.execute(fill(body, True))
            problem = shown.differences(form, want, [d[0] for d in cur.description], cur.fetchall())
        check(f"{label} shows its result on the demo data", not problem, problem)
    if "portfolio" not in sql:
        continue
    for role, expected in SEES.items():
        try:
            cols, rows = run(role, fill(sql, False))
            i = cols.index("portfolio")
            seen = {r[i] for r in rows}
            check(f"{label} as {role}: sees {sorted(seen)}", seen == expected)
        except (psycopg2.Error, ValueError) as e:
            fail(f"{label} as {role}: {str(e).strip().splitlines()[0]}")

# the RLS table of the page
for role, expected in SEES.items():
    _, rows = run(role, "SELECT DISTINCT portfolio_name FROM portfolio.positions ORDER BY 1")
    listed = re.search(r"^\| " + role + r" \| ([^|]*) \|$", text, re.M)
    check(f"RLS table: {role} sees {[r[0] for r in rows]}", listed and [r[0] for r in rows] == sorted(expected) and
          listed.group(1).strip() == ", ".join(sorted(expected)))

# the Grafana panels' SQL, quoted verbatim
quoted = re.findall(r"```pgsql\n(.*?)\n```", text, re.S)
for panel in dashboard["panels"]:
    for t in panel.get("targets", []):
        check(f"panel '{panel['title']}': its SQL is quoted in docs/bi.md", t["rawSql"] in quoted)

sys.exit(finish(require_some=True))
PY
