"""What a documentation SQL block shows as its result, and whether the server's result is that.

A block shows its result in one of two forms, after its last statement:
  * "-- result: a|b" lines: the rows, columns joined by "|", without a header; compared exactly
    (the examples round in SQL where they want fewer digits);
  * a psql table in comment lines, "--  " then the header, then one line a row:
        --  annualized_return | sharpe
        --  0.137532          | 1.067993
    Columns are matched by name, so a table may show only some of them. A number shown with k
    decimals passes when the value is within half a unit of its k-th decimal (it is printed
    rounded); everything else is compared as text (NULL shows as an empty cell). A last row
    "--  ..." means the rows shown are the first ones; without it they are all of them.
Rows are compared in order, so a block with a table must order its rows.
"""
from decimal import Decimal, InvalidOperation

import psycopg2.extensions


def split(body):
    """The SQL of a block, and what it shows: ("rows", [line, ...]), ("table", [[cell, ...], ...])
    or (None, None)."""
    lines = body.rstrip("\n").split("\n")
    rows = [l[len("-- result: "):] for l in lines if l.startswith("-- result: ")]
    if rows:
        return "\n".join(l for l in lines if not l.startswith("-- result: ")), ("rows", rows)
    n = len(lines)
    while n and lines[n - 1].startswith("--  "):
        n -= 1
    table = [[c.strip() for c in l[4:].split("|")] for l in lines[n:]]
    if len(table) >= 2:
        return "\n".join(lines[:n]), ("table", table)
    return body, (None, None)


def as_text(conn):
    """Makes conn return every value as PostgreSQL's text output (what psql prints)."""
    with conn.cursor() as cur:
        cur.execute("SELECT array_agg(oid::int) FROM pg_type")
        oids = tuple(cur.fetchone()[0])
    psycopg2.extensions.register_type(psycopg2.extensions.new_type(oids, "TEXT_OUT", lambda v, _: v), conn)


def same_cell(want, got):
    got = "" if got is None else got
    if want == got:
        return True
    try:
        w, g = Decimal(want), Decimal(got)
    except InvalidOperation:
        return False
    exponent = w.as_tuple().exponent
    return exponent < 0 and abs(w - g) <= Decimal(5).scaleb(exponent - 1)


def differences(form, want, columns, rows):
    """An empty string when the result (column names, rows of text) is what the block shows,
    else what differs."""
    if form == "rows":
        got = ["|".join("" if v is None else v for v in r) for r in rows]
        return "" if got == want else f"shown {want}, got {got}"
    header, shown_rows = want[0], want[1:]
    missing = [c for c in header if c not in columns]
    if missing:
        return f"columns {missing} not in the result {columns}"
    prefix = shown_rows[-1:] == [["..."]]
    if prefix:
        shown_rows = shown_rows[:-1]
    picked = [[r[columns.index(c)] for c in header] for r in rows]
    if prefix:
        picked = picked[:len(shown_rows)]
    if len(picked) != len(shown_rows):
        return f"{len(shown_rows)} rows shown, {len(picked)} in the result"
    for w, g in zip(shown_rows, picked):
        if len(w) != len(g) or not all(same_cell(a, b) for a, b in zip(w, g)):
            return f"shown {w}, got {g}"
    return ""
