#!/usr/bin/env python3
"""pg_portfolio from Python (psycopg2, Debian's python3-psycopg2) as the read-only BI role.

Connects over TCP (host 127.0.0.1, PGPORT, user grafana, password grafana), reads every public view,
calls the main functions and aggregates with bound parameters, checks the custom types' text forms,
NULL results and that the role cannot write. Prints TAP-like lines, then one "value NAME KIND TEXT"
line per query of client_queries.txt (compared with JDBC and psql by test/suites/clients.sh), then
"N passed, N failed".
"""
import datetime
import decimal
import math
import os
import re
import sys

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from pgp_test import check, finish  # noqa: E402
VIEWS = {  # view -> columns a client relies on
    "positions": {"portfolio_id", "instrument", "quantity", "market_value_base", "weight", "position"},
    "cash": {"portfolio_id", "currency", "balance", "balance_base"},
    "allocation": {"portfolio_id", "dimension", "bucket", "market_value_base", "weight"},
    "portfolio_daily": {"portfolio_id", "day", "market_value", "net_flow", "daily_return"},
    "performance": {"portfolio_id", "twr_since_inception", "sharpe", "max_drawdown", "var_95", "xirr"},
    "pnl_monthly": {"portfolio_id", "month", "start_value", "end_value", "currency_gains"},
}


def render(v):
    if v is None:
        return "NULL"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def queries():
    with open(os.path.join(HERE, "client_queries.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                yield line.rstrip("\n").split("|", 2)


def main():
    conn = psycopg2.connect(host="127.0.0.1", port=os.environ["PGPORT"], user="grafana",
                            password="grafana", dbname=os.environ.get("PGDATABASE", "portfolio"))
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SELECT current_user, pg_has_role('portfolio_reader', 'MEMBER'), inet_server_addr() IS NOT NULL")
    who, reader, tcp = cur.fetchone()
    check(f"connected over TCP as {who}, a member of portfolio_reader", who == "grafana" and reader and tcp)

    cur.execute("SELECT id, name FROM portfolio.portfolios ORDER BY id")
    ids = {name: pid for pid, name in cur.fetchall()}
    check(f"the reader sees both owners' portfolios: {sorted(ids)}", set(ids) == {"Global growth", "Euro core"})
    g, e = ids.get("Global growth"), ids.get("Euro core")

    # every public view, with its columns and Python types
    for view, needed in VIEWS.items():
        cur.execute(f"SELECT * FROM portfolio.{view}")
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
        pids = {r[cols.index("portfolio_id")] for r in rows}
        check(f"view {view}: {len(rows)} rows for both portfolios, columns {sorted(needed - set(cols)) or 'present'}",
              rows and needed <= set(cols) and pids == {g, e})
    cur.execute("SELECT day, market_value, daily_return FROM portfolio.portfolio_daily WHERE portfolio_id = %s ORDER BY day LIMIT 1", (g,))
    day, value, r = cur.fetchone()
    check(f"types: date -> date, numeric -> Decimal, float8 -> float ({day}, {value}, {r})",
          isinstance(day, datetime.date) and isinstance(value, decimal.Decimal) and isinstance(r, float))

    # functions and aggregates with bound parameters
    cur.execute("SELECT * FROM portfolio.pnl_breakdown(%s, %s, %s)", (e, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)))
    cols = [d[0] for d in cur.description]
    b = dict(zip(cols, cur.fetchone()))
    parts = (b["start_value"] + b["deposits"] - b["withdrawals"] + b["unrealized_gains"] + b["realized_gains"]
             + b["income"] - b["fees"] + b["currency_gains"])
    check(f"pnl_breakdown(Euro core, 2023): the parts add up to end_value exactly ({b['end_value']})", parts == b["end_value"])
    cur.execute("""SELECT portfolio.var_historical(daily_return, %s), portfolio.var_historical_approx(daily_return, %s)
                   FROM portfolio.portfolio_daily WHERE portfolio_id = %s""", (0.99, 0.99, g))
    exact, approx = cur.fetchone()
    check(f"var_historical 99 % {exact:.6f}, sketch within 1 %: {approx:.6f}", abs(approx - exact) <= 0.01 * abs(exact) + 1e-9)

    # custom types: text output, parsed back through a bound parameter, and accessors
    cur.execute("SELECT portfolio.return_stats(daily_return) FROM portfolio.portfolio_daily WHERE portfolio_id = %s", (g,))
    summary = cur.fetchone()[0]
    m = re.fullmatch(r"\(version:1,n:(\d+),mean:[^,]+,m2:[^,]+,m3:[^,]+,m4:[^,]+,log_growth:[^,]+,log_growth_error:[^,]+,total_losses:\d+\)", summary)
    check(f"return_summary text form: {summary[:40]}...", isinstance(summary, str) and m)
    cur.execute("""SELECT portfolio.n(%s::portfolio.return_summary), portfolio.sharpe(%s::portfolio.return_summary, 0, 365),
                          (SELECT portfolio.sharpe(daily_return, 0, 365) FROM portfolio.portfolio_daily WHERE portfolio_id = %s),
                          (SELECT count(daily_return) FROM portfolio.portfolio_daily WHERE portfolio_id = %s)""",
                (summary, summary, g, g))
    n, sharpe_s, sharpe_a, count = cur.fetchone()
    check(f"n(summary) = rows aggregated = {count}", n == count and m and int(m.group(1)) == count)
    check(f"sharpe(summary sent back as text) = sharpe aggregate ({sharpe_s:.6f})", math.isclose(sharpe_s, sharpe_a, rel_tol=1e-12))
    cur.execute("SELECT position, quantity, portfolio.quantity(position), portfolio.cost_basis(position) FROM portfolio.positions WHERE portfolio_id = %s AND instrument = 'AAPL'", (g,))
    text, qty, qty2, cost = cur.fetchone()
    check(f"position text form and accessors: {text[:50]}...",
          text.startswith(f"method=fifo quantity={qty} cost_basis={cost} ") and qty == qty2 == 120)

    # NULL results come back as None
    cur.execute("SELECT portfolio.twr(r), portfolio.var_historical(r), portfolio.sharpe(r) FROM (SELECT 0.01::float8 AS r WHERE false) AS none")
    check("aggregates over an empty set return None", cur.fetchone() == (None, None, None))
    cur.execute("SELECT portfolio.fx_rate(%s, %s, %s), portfolio.fx_rate(%s, %s, %s)",
                ("EUR", "JPY", datetime.date(2024, 1, 2), "EUR", "USD", datetime.date(2024, 1, 2)))
    missing, rate = cur.fetchone()
    check(f"fx_rate without a rate is None (never 1); EUR/USD {rate}", missing is None and isinstance(rate, decimal.Decimal))

    # read-only
    for label, sql, args in (
            ("INSERT into portfolios", "INSERT INTO portfolio.portfolios (name, owner) VALUES ('x', 'grafana')", None),
            ("INSERT into transactions", "INSERT INTO portfolio.transactions (portfolio_id, executed_at, kind, amount) VALUES (%s, now(), 'deposit', 1)", (g,)),
            ("UPDATE quotes", "UPDATE portfolio.quotes SET close = close WHERE symbol = 'SPY'", None),
            ("CALL refresh()", "CALL portfolio.refresh()", None)):
        try:
            cur.execute(sql, args)
            check(f"{label} was refused", False)
        except psycopg2.Error as err:
            check(f"{label} refused with SQLSTATE {err.pgcode}", err.pgcode == "42501")

    # the shared queries, compared across clients by the suite
    for name, kind, sql in queries():
        cur.execute(sql)
        v = cur.fetchone()[0]
        ok_type = {"f": isinstance(v, float), "n": isinstance(v, (decimal.Decimal, int)),
                   "t": isinstance(v, str), "null": v is None}[kind]
        check(f"{name}: Python type {type(v).__name__} for kind {kind}", ok_type)
        print(f"value {name} {kind} {render(v)}")

    return finish(require_some=True)


if __name__ == "__main__":
    sys.exit(main())
