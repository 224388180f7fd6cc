"""Reads every number cell of a tearsheet back (data-field, shown text) and compares it with the
value the test itself selects from the view or function it comes from. Not the report's queries:
its own, so a wrong column, row or period in the report shows up as a mismatch.

    check_numbers.py FILE PORTFOLIO_NAME [ROLE]   prints "ok"/"not ok" lines and a count line
Period "all" is assumed: the period column must then equal the performance view too."""
import math
import os
import re
import sys
from html.parser import HTMLParser

import psycopg2
import psycopg2.extras

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pgp_test import check, finish  # noqa: E402


class Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self._open = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "data-field" in a:
            self._open = [a["data-field"], a["data-format"], ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if tag == "td" and self._open is not None:
            self.cells.append(tuple(self._open))
            self._open = None


def shown(text, kind):
    """The number a cell shows, and how far from the SQL value rounding may put it."""
    t = text.replace(" (stale)", "").replace(",", "").strip()
    if t == "–":
        return None, 0
    if kind == "pct":
        return float(t.rstrip(" %")) / 100, 0.00005 + 1e-12
    if kind == "num":
        return float(t), 0.005 + 1e-9
    return t, 0  # qty: exact text


def main():
    path, name = sys.argv[1], sys.argv[2]
    role = sys.argv[3] if len(sys.argv) > 3 else None
    parser = Cells()
    parser.feed(open(path, encoding="utf-8").read())
    conn = psycopg2.connect(user=role) if role else psycopg2.connect("")
    cur = conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
    as_of = re.search(r"as of (\d{4}-\d\d-\d\d)", open(path, encoding="utf-8").read()).group(1)
    cur.execute("SELECT set_config('portfolio.as_of', %s, false)", (as_of,))
    cur.execute("SELECT f.*, p.id FROM portfolio.performance f JOIN portfolio.portfolios p ON p.id = f.portfolio_id WHERE p.name = %s", (name,))
    perf = cur.fetchone()
    perf["twr"] = perf["twr_since_inception"]
    cur.execute("SELECT * FROM portfolio.positions WHERE portfolio_id = %s", (perf["id"],))
    positions = {r["instrument"]: r for r in cur.fetchall()}
    cur.execute("SELECT * FROM portfolio.pnl_breakdown(%s, %s, %s)", (perf["id"], perf["first_day"], perf["last_day"]))
    pnl = cur.fetchone()
    # the benchmark's figures over the portfolio's trading days (the performance view's rule)
    cur.execute("""SELECT benchmark_twr, correlation FROM portfolio.performance_between(%s, %s, %s)""",
                (perf["id"], perf["first_day"], perf["last_day"]))
    bench = cur.fetchone()

    for field, kind, text in parser.cells:
        table, row, column = field.split(".", 2) if not field.startswith("positions.") else \
            ("positions", *field[len("positions."):].rsplit(".", 1), None)[:3]
        if table == "performance":
            expected = bench[row] if row in ("benchmark_twr", "correlation") else perf[row]
        elif table == "positions":
            expected = positions[row][column]
        else:
            expected = pnl[row]
        value, tolerance = shown(text, kind)
        if kind == "qty":
            good = expected is not None and value == format(expected.normalize(), "f")
        elif value is None or expected is None:
            good = value is None and expected is None
        else:
            good = math.isclose(value, float(expected), rel_tol=0, abs_tol=tolerance)
        check(f"{path}: {field} shows {text!r}", good, f"SQL has {expected!r}")
    print(f"# {len(parser.cells)} number cells read back")
    return finish(require_some=True)


if __name__ == "__main__":
    sys.exit(main())
