#!/usr/bin/env python3
"""Runs every ```sql block of the given pages and compares the result a block shows.

    run_blocks.py FILE...          (libpq settings from the PG* environment)

Each page runs in one transaction of its own, rolled back at the end, so nothing a page makes
(tables, settings, roles: roles are cluster-wide) reaches another page or a later run. Its
blocks run in page order, as a reader following the page would type them: a later block may use
what an earlier one made. Each block runs under a savepoint, so one failing block fails alone.
A block passes when it runs without an error and, if it shows a result, the result of its last
statement is that (test/docs/shown.py: the two forms, and the tolerance of a rounded number).

  * "-- as ROLE" on a line of its own runs what follows as that role (SET ROLE); every block
    starts as the connecting superuser.
  * A block's own "BEGIN;" and "ROLLBACK;" (a rehearsal) run as a savepoint and a rollback to
    it, inside the page's transaction.
  * A block the suite cannot run is marked on the line before it: <!-- not-runnable: why -->.
    It is listed, not run; use it sparingly.
  * docs/bi.md's ```sql questions have Metabase variables: test/suites/bi_docs.sh fills them in
    and compares the values shown. Its ```pgsql blocks must be the Grafana dashboard's panel
    queries word for word, which test/suites/grafana.sh runs: that is checked here.
"""
import json
import re
import sys
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lib"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import shown  # noqa: E402
from pgp_test import check, fail, finish  # noqa: E402

BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
MARK = re.compile(r"<!-- not-runnable: (.+?) -->\s*$")
AS_ROLE = re.compile(r"^-- as (\w+)\b.*$", re.M)
OWN_TRANSACTION = [(re.compile(r"\bBEGIN;", re.I), "SAVEPOINT own;"),
                   (re.compile(r"\bROLLBACK;", re.I), "ROLLBACK TO SAVEPOINT own;")]


def blocks(path):
    """(line, language, body, the not-runnable reason or None) of each fenced block."""
    text = Path(path).read_text()
    for m in BLOCK.finditer(text):
        before = text[:m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mark = MARK.search(before)
        yield text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2), mark and mark.group(1)


def runnable(sql):
    sql = AS_ROLE.sub(lambda m: f"SET ROLE {m.group(1)};", sql)
    for pattern, replacement in OWN_TRANSACTION:
        sql = pattern.sub(replacement, sql)
    return sql


def run_page(conn, path):
    with conn.cursor() as cur:
        for line, lang, body, reason in blocks(path):
            if lang != "sql":
                continue
            name = f"{path}:{line}"
            if reason:
                print(f"# {name}: not run ({reason})")
                continue
            sql, (form, want) = shown.split(body)
            cur.execute("SAVEPOINT block")
            try:
                cur.execute(runnable(sql))
                columns = [d[0] for d in cur.description] if cur.description else []
                rows = cur.fetchall() if cur.description else []
            except psycopg2.Error as e:
                cur.execute("ROLLBACK TO SAVEPOINT block")
                fail(f"{name} runs", str(e).strip().split("\n")[0])
                continue
            cur.execute("RESET ROLE")
            if form is None:
                check(f"{name} runs", True)
            else:
                problem = shown.differences(form, want, columns, rows)
                check(f"{name} runs and shows its result", not problem, problem)
    conn.rollback()


def panel_queries():
    dashboard = json.load(open("examples/grafana/pg_portfolio.json"))
    return {t["rawSql"] for p in dashboard["panels"] for t in p.get("targets", []) if "rawSql" in t}


def main(paths):
    conn = psycopg2.connect("")
    shown.as_text(conn)
    conn.commit()
    for path in paths:
        if Path(path).name == "bi.md":
            panels = panel_queries()
            for line, lang, body, _ in blocks(path):
                if lang == "pgsql":
                    check(f"{path}:{line} is a panel query of the dashboard (grafana.sh runs it)",
                          body.rstrip("\n") in panels)
            continue
        run_page(conn, path)
    return finish(require_some=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
