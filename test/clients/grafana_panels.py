#!/usr/bin/env python3
"""Runs every panel query of Grafana dashboards against a database, the way Grafana would.

Grafana's PostgreSQL data source expands template variables and macros before it sends the SQL;
this does the same expansion (the macros below, the variable syntaxes $var, ${var}, ${var:fmt} and
[[var]], quoting only multi-value variables as Grafana does) and checks what each panel needs:

  * no error and at least one row;
  * time-series targets: a `time` column, no NULL times, sorted ascending, inside the time range
    when the query filters on it, and at least one value column with a non-NULL number;
  * pie charts: `metric` and `value` columns, every value a positive number;
  * stat panels: at least one numeric column with a non-NULL value;
  * tables: no column that is NULL in every row.

Every query runs once for each combination of the dashboard's variable values (each portfolio
the role can see, each allocation dimension, ...); combinations giving the same SQL run once.

Usage:
  grafana_panels.py [--datasource-uid UID] DASHBOARD.json [...]
      check every panel; prints one line per query and a closing "N passed, N failed"
  grafana_panels.py --print-sql TITLE [--var NAME=VALUE ...] DASHBOARD.json
      print the expanded SQL of the panel titled TITLE (first variable values unless given)
libpq settings come from the PG* environment.
"""
import argparse
import decimal
import itertools
import json
import os
import re
import sys
from datetime import date, datetime, timezone

import psycopg2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pgp_test import check, fail, finish  # noqa: E402

# The dashboard time range the test uses: the span of the demo's quotes.
TIME_FROM = datetime(2022, 1, 1, tzinfo=timezone.utc)
TIME_TO = datetime(2026, 1, 1, tzinfo=timezone.utc)
DEFAULT_INTERVAL = "1d"   # $__interval when the panel sets no minimum interval
UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def seconds(interval):
    m = re.fullmatch(r"'?(\d+)(ms|[smhdw])'?", interval.strip())
    if not m:
        raise ValueError(f"unsupported interval {interval!r}")
    return int(m.group(1)) * UNITS[m.group(2)]


def number(s):
    """Seconds as Grafana prints them in SQL: 86400, not 86400.0."""
    return str(int(s)) if float(s).is_integer() else repr(float(s))


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def macro_args(text):
    return [p.strip() for p in text.split(",")]


def expand_macros(sql, interval=DEFAULT_INTERVAL):
    """Expand Grafana's PostgreSQL macros as Grafana 9-11 does (pkg/tsdb/.../macros.go)."""
    frm, to = rfc3339(TIME_FROM), rfc3339(TIME_TO)
    sql = sql.replace("$__interval_ms", str(int(seconds(interval) * 1000)))
    sql = sql.replace("$__interval", interval)
    sql = re.sub(r"\$__timeFilter\(([^)]+)\)",
                 lambda m: f"{m.group(1).strip()} BETWEEN '{frm}' AND '{to}'", sql)
    sql = re.sub(r"\$__timeFrom\(\)", f"'{frm}'", sql)
    sql = re.sub(r"\$__timeTo\(\)", f"'{to}'", sql)
    sql = re.sub(r"\$__time\(([^)]+)\)", lambda m: f'{m.group(1).strip()} AS "time"', sql)
    sql = re.sub(r"\$__timeEpoch\(([^)]+)\)",
                 lambda m: f'extract(epoch from {m.group(1).strip()}) AS "time"', sql)
    ef, et = int(TIME_FROM.timestamp()), int(TIME_TO.timestamp())
    sql = re.sub(r"\$__unixEpochFilter\(([^)]+)\)",
                 lambda m: f"{m.group(1).strip()} >= {ef} AND {m.group(1).strip()} <= {et}", sql)
    sql = sql.replace("$__unixEpochFrom()", str(ef)).replace("$__unixEpochTo()", str(et))

    def group(m, alias):
        args = macro_args(m.group(1))   # column, interval[, fill] -- the fill is applied by Grafana
        s = number(seconds(args[1]))
        expr = f"floor(extract(epoch from {args[0]})/{s})*{s}"
        return f'{expr} AS "time"' if alias else expr

    sql = re.sub(r"\$__timeGroupAlias\(([^)]+)\)", lambda m: group(m, True), sql)
    sql = re.sub(r"\$__timeGroup\(([^)]+)\)", lambda m: group(m, False), sql)
    leftover = re.search(r"\$__\w+", sql)
    if leftover:
        raise ValueError(f"macro {leftover.group(0)} is not expanded by this checker")
    return sql


def quote(value):
    return "'" + str(value).replace("'", "''") + "'"


# $var, ${var}, ${var:format}, ${var.property}, [[var]], [[var:format]] (Grafana's variable regex)
VARIABLE = re.compile(r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}")


def substitute(sql, values, definitions):
    """values: name -> (text, value) of the chosen option(s); formats as Grafana's SQL data sources."""
    def replace(m):
        name = m.group(1) or m.group(2) or m.group(4)
        fmt = m.group(3) or m.group(6)
        if name.startswith("__") or name not in values:
            return m.group(0)                 # a macro or a built-in variable: left to expand_macros
        texts, vals = values[name]
        multi = definitions[name].get("multi") or definitions[name].get("includeAll")
        if fmt == "text":
            return ", ".join(texts)
        if fmt in ("sqlstring", "singlequote"):
            return ",".join(quote(v) for v in vals)
        if fmt == "csv":
            return ",".join(str(v) for v in vals)
        if fmt in (None, "raw"):
            return ",".join(quote(v) for v in vals) if multi and fmt is None else ",".join(str(v) for v in vals)
        raise ValueError(f"unsupported variable format {fmt!r}")
    return VARIABLE.sub(replace, sql)


def variable_options(cur, var, chosen, definitions):
    """Every (text, value) option of a variable, values as strings (Grafana keeps them as text)."""
    if var["type"] == "query":
        query = var["query"] if isinstance(var["query"], str) else var["query"].get("rawSql", "")
        cur.execute(expand_macros(substitute(query, chosen, definitions)))
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
        vi = names.index("__value") if "__value" in names else 0
        ti = names.index("__text") if "__text" in names else vi
        return [(str(r[ti]), str(r[vi])) for r in rows]
    if var["type"] == "custom":
        opts = []
        for part in re.split(r"(?<!\\),", var["query"]):
            text, _, value = part.partition(" : ")
            opts.append((text.strip(), (value or text).strip()))
        return opts
    if var["type"] == "constant":
        return [(var["query"], var["query"])]
    raise ValueError(f"variable type {var['type']} is not supported by this checker")


def variable_combinations(cur, dashboard, fixed=None):
    """Yield name -> ([texts], [values]) for every combination of the variables' options, in order,
    so a variable may use the ones before it. A multi-value variable takes all its options at once."""
    variables = [v for v in dashboard.get("templating", {}).get("list", [])
                 if v.get("type") in ("query", "custom", "constant")]
    definitions = {v["name"]: v for v in variables}
    fixed = fixed or {}

    def walk(i, chosen):
        if i == len(variables):
            yield dict(chosen)
            return
        var = variables[i]
        opts = variable_options(cur, var, chosen, definitions)
        if var["name"] in fixed:
            opts = [o for o in opts if fixed[var["name"]] in o] or [(fixed[var["name"]],) * 2]
        if not opts:
            raise RuntimeError(f"template variable {var['name']} has no values")
        if var.get("multi") or var.get("includeAll"):
            choices = [([t for t, _ in opts], [v for _, v in opts])]
        else:
            choices = [([t], [v]) for t, v in opts]
        for c in choices:
            chosen[var["name"]] = c
            yield from walk(i + 1, chosen)
        chosen.pop(var["name"], None)

    return definitions, walk(0, {})


def all_panels(panels):
    for p in panels:
        yield p
        yield from all_panels(p.get("panels", []))     # collapsed rows keep their panels inside


def is_number(v):
    return isinstance(v, (int, float, decimal.Decimal)) and not isinstance(v, bool)


def as_utc(v):
    if isinstance(v, datetime):
        return v if v.tzinfo else v.replace(tzinfo=timezone.utc)
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day, tzinfo=timezone.utc)
    if is_number(v):
        return datetime.fromtimestamp(float(v), tz=timezone.utc)
    raise TypeError(f"time value {v!r} is neither a timestamp, a date nor epoch seconds")


def check_result(panel, target, raw_sql, columns, rows):
    problems = []
    if not rows:
        return ["no rows"]
    fmt = target.get("format", "time_series")
    cols = {c: [r[i] for r in rows] for i, c in enumerate(columns)}
    numeric = [c for c in columns if c != "time" and any(is_number(v) for v in cols[c])]
    if fmt == "time_series":
        if "time" not in columns:
            problems.append(f"time series without a time column: {columns}")
        else:
            try:
                times = [as_utc(v) for v in cols["time"]]
                if any(b < a for a, b in zip(times, times[1:])):
                    problems.append("time column not sorted ascending")
                if "$__timeFilter" in raw_sql and (min(times) < TIME_FROM or max(times) > TIME_TO):
                    problems.append(f"times {min(times)} .. {max(times)} outside the time range")
            except TypeError as e:
                problems.append(str(e))
            if not numeric:
                problems.append(f"no value column with a number: {columns}")
    if panel.get("type") == "piechart":
        if not {"metric", "value"} <= set(columns):
            problems.append(f"pie chart needs metric and value columns: {columns}")
        elif not all(is_number(v) and v > 0 for v in cols["value"]):
            problems.append("pie chart values must be positive numbers")
    if panel.get("type") == "stat" and not numeric:
        problems.append(f"stat panel without a numeric value: {columns}")
    empty = [c for c in columns if all(v is None for v in cols[c])]
    if empty:
        problems.append(f"columns NULL in every row: {empty}")
    return problems


def datasource_uids(dashboard):
    uids = set()
    for v in dashboard.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            uids.add((v.get("datasource") or {}).get("uid"))
    for p in all_panels(dashboard["panels"]):
        for t in p.get("targets", []):
            uids.add((t.get("datasource") or p.get("datasource") or {}).get("uid"))
    return uids


def targets_of(dashboard):
    for panel in all_panels(dashboard["panels"]):
        for target in panel.get("targets", []):
            if "rawSql" in target:
                yield panel, target


def check_dashboard(conn, path, expected_uid):
    dashboard = json.load(open(path))
    name = path.split("/")[-1]

    def report(ok, label):
        check(f"{name}: {label}", ok)

    uids = datasource_uids(dashboard)
    if expected_uid is not None:
        report(uids == {expected_uid},
               f"every query uses the provisioned data source uid {expected_uid} (found {sorted(map(str, uids))})")
    report(dashboard.get("schemaVersion", 0) >= 36, f"schemaVersion {dashboard.get('schemaVersion')} >= 36")

    with conn.cursor() as cur:
        definitions, combos = variable_combinations(cur, dashboard)
        combos = list(combos)
        seen = set()
        for panel, target in targets_of(dashboard):
            for values in combos:
                sql = substitute(target["rawSql"], values, definitions)
                sql = expand_macros(sql, panel.get("interval") or DEFAULT_INTERVAL)
                if sql in seen:
                    continue
                seen.add(sql)
                shown = ", ".join(f"{k}={'|'.join(t)}" for k, (t, _) in values.items() if
                                  re.search(r"\$\{?" + k + r"\b|\[\[" + k, target["rawSql"]))
                label = f"{panel['title']} [{target.get('refId', 'A')}]" + (f" ({shown})" if shown else "")
                try:
                    cur.execute(sql)
                    columns = [d[0] for d in cur.description]
                    rows = cur.fetchall()
                    problems = check_result(panel, target, target["rawSql"], columns, rows)
                except psycopg2.Error as e:
                    problems, rows = [str(e).strip().splitlines()[0]], []
                report(not problems, label + (": " + "; ".join(problems) if problems else f" - {len(rows)} rows"))


def print_sql(conn, path, title, fixed):
    dashboard = json.load(open(path))
    with conn.cursor() as cur:
        definitions, combos = variable_combinations(cur, dashboard, fixed)
        values = next(iter(combos))
    for panel, target in targets_of(dashboard):
        if panel["title"] == title:
            print(expand_macros(substitute(target["rawSql"], values, definitions),
                                panel.get("interval") or DEFAULT_INTERVAL))
            return 0
    print(f"no panel titled {title!r}", file=sys.stderr)
    return 1


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dashboards", nargs="+")
    ap.add_argument("--datasource-uid")
    ap.add_argument("--print-sql", metavar="TITLE")
    ap.add_argument("--var", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args(argv)
    conn = psycopg2.connect("")
    conn.autocommit = True
    if args.print_sql:
        return print_sql(conn, args.dashboards[0], args.print_sql,
                         dict(v.split("=", 1) for v in args.var))
    for path in args.dashboards:
        try:
            check_dashboard(conn, path, args.datasource_uid)
        except (OSError, ValueError, RuntimeError, psycopg2.Error) as e:
            fail(f"{path}: {e}")
    return finish(require_some=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
