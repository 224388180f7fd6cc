#!/usr/bin/env python3
"""Runs every panel query of the Grafana dashboards in examples/grafana/ against a database.

Grafana's PostgreSQL data source expands macros and template variables before sending SQL; this
does the same expansion (for the macros our dashboards use) and checks what Grafana needs:
no error, at least one row, and a `time` column for time-series panels (`metric`/`value` where
the panel is a pie or a table keyed by metric).

Usage: grafana_panels.py DASHBOARD.json [...]   (libpq settings from the PG* environment)
Prints one line per query and a closing "N passed, N failed".
"""
import json
import re
import sys
from datetime import datetime, timezone

import psycopg2

# The dashboard time range the test uses: the span of the demo's quotes.
TIME_FROM = datetime(2022, 1, 1, tzinfo=timezone.utc)
TIME_TO = datetime(2026, 1, 1, tzinfo=timezone.utc)
INTERVALS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def seconds(interval):
    m = re.fullmatch(r"'?(\d+)([smhdw])'?", interval.strip())
    if not m:
        raise ValueError(f"unsupported interval {interval!r}")
    return int(m.group(1)) * INTERVALS[m.group(2)]


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def expand_macros(sql):
    """Expand Grafana's PostgreSQL macros as Grafana 9-11 does."""
    frm, to = rfc3339(TIME_FROM), rfc3339(TIME_TO)
    sql = re.sub(r"\$__timeFilter\(([^)]+)\)",
                 lambda m: f"{m.group(1).strip()} BETWEEN '{frm}' AND '{to}'", sql)
    sql = re.sub(r"\$__timeFrom\(\)", f"'{frm}'", sql)
    sql = re.sub(r"\$__timeTo\(\)", f"'{to}'", sql)

    def group(m, alias):
        col, interval = [p.strip() for p in m.group(1).split(",")[:2]]
        s = seconds(interval)
        expr = f"floor(extract(epoch from {col})/{s})*{s}"
        return f'{expr} AS "time"' if alias else expr

    sql = re.sub(r"\$__timeGroupAlias\(([^)]+)\)", lambda m: group(m, True), sql)
    sql = re.sub(r"\$__timeGroup\(([^)]+)\)", lambda m: group(m, False), sql)
    sql = sql.replace("$__interval", "1d")
    return sql


def substitute(sql, variables):
    for name, value in variables.items():
        sql = sql.replace("${" + name + "}", value).replace("$" + name, value)
    return sql


def sql_literal(value):
    if isinstance(value, (int, float)):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def resolve_variables(cur, dashboard):
    """Each query variable takes the first value its own query returns, quoted as Grafana does."""
    variables = {}
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        query = var["query"] if isinstance(var["query"], str) else var["query"].get("rawSql", "")
        cur.execute(expand_macros(substitute(query, variables)))
        row = cur.fetchone()
        if row is None:
            raise RuntimeError(f"template variable {var['name']} has no values")
        # a two-column query is (__text, __value): Grafana substitutes the value
        value = row[1] if len(row) > 1 else row[0]
        variables[var["name"]] = sql_literal(value) if isinstance(value, str) else str(value)
    return variables


def check_panel(cur, panel, target, variables):
    sql = expand_macros(substitute(target["rawSql"], variables))
    cur.execute(sql)
    columns = [d[0] for d in cur.description]
    rows = cur.fetchall()
    problems = []
    if not rows:
        problems.append("no rows")
    fmt = target.get("format", "time_series")
    if fmt == "time_series" and "time" not in columns:
        problems.append(f"time series without a time column: {columns}")
    if panel.get("type") == "piechart" and not {"metric", "value"} <= set(columns):
        problems.append(f"pie chart needs metric and value columns: {columns}")
    return problems, len(rows)


def main(paths):
    conn = psycopg2.connect("")
    conn.autocommit = True
    passed = failed = 0
    for path in paths:
        dashboard = json.load(open(path))
        with conn.cursor() as cur:
            variables = resolve_variables(cur, dashboard)
            for panel in dashboard["panels"]:
                for target in panel.get("targets", []):
                    label = f"{path.split('/')[-1]}: {panel['title']} [{target.get('refId', 'A')}]"
                    try:
                        problems, n = check_panel(cur, panel, target, variables)
                    except psycopg2.Error as e:
                        problems, n = [str(e).strip()], 0
                    if problems:
                        failed += 1
                        print(f"not ok - {label}: {'; '.join(problems)}")
                    else:
                        passed += 1
                        print(f"ok - {label} ({n} rows)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
