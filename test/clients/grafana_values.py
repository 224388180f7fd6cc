#!/usr/bin/env python3
"""Checks the numbers of the pg_portfolio dashboard's panels, not just their shape.

For each portfolio the role can see, the panel queries (expanded by grafana_panels.py exactly as
the shape check runs them) are compared with values computed here independently: numpy/scipy on the
raw daily returns, and other parts of the extension (pnl_breakdown, positions + cash).
Prints TAP-like lines and "N passed, N failed". libpq settings from the PG* environment.
"""
import json
import math
import os
import sys

import numpy as np
import psycopg2
from scipy.stats import norm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import grafana_panels as gp  # noqa: E402
from pgp_test import check, close, finish  # noqa: E402

DASHBOARD = sys.argv[1] if len(sys.argv) > 1 else "examples/grafana/pg_portfolio.json"
def main():
    conn = psycopg2.connect("")
    conn.autocommit = True
    cur = conn.cursor()
    dashboard = json.load(open(DASHBOARD))
    definitions = {v["name"]: v for v in dashboard["templating"]["list"]}
    panels = {p["title"]: p for p in gp.all_panels(dashboard["panels"])}

    def run(title, portfolio, dimension="asset_class"):
        panel = panels[title]
        values = {"portfolio": ([""], [str(portfolio)]), "dimension": ([dimension], [dimension])}
        sql = gp.expand_macros(gp.substitute(panel["targets"][0]["rawSql"], values, definitions),
                               panel.get("interval") or gp.DEFAULT_INTERVAL)
        cur.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()

    cur.execute("SELECT id, name FROM portfolio.portfolios ORDER BY id")
    portfolios = cur.fetchall()
    check(f"the role sees the two demo portfolios ({len(portfolios)})", len(portfolios) == 2)
    lo, hi = gp.TIME_FROM.date(), gp.TIME_TO.date()

    for pid, name in portfolios:
        cur.execute("SELECT day, daily_return FROM portfolio.portfolio_daily WHERE portfolio_id = %s ORDER BY day", (pid,))
        days, rets = zip(*cur.fetchall())
        r_all = np.array(rets, dtype=float)
        in_range = np.array([lo <= d <= hi for d in days])
        r = r_all[in_range]

        # TWR and VaR stats over the time range
        _, rows = run("Time-weighted return (time range)", pid)
        check(f"{name}: TWR stat = numpy prod(1 + r) - 1 ({rows[0][0]:.6f})", close(rows[0][0], np.prod(1 + r) - 1))
        _, rows = run("1-day VaR 95 % (time range)", pid)
        q = np.percentile(r, 5.000000000000004, method="linear")   # 1 - 0.95 in float8, R type 7
        check(f"{name}: historical VaR stat = -numpy percentile ({rows[0][0]:.6f})", close(rows[0][0], -q))
        var_g = -(r.mean() + norm.ppf(0.05) * r.std(ddof=0))
        check(f"{name}: Gaussian VaR stat = -(mean + z sigma) by scipy ({rows[0][1]:.6f})", close(rows[0][1], var_g))
        check(f"{name}: historical CVaR stat = -mean of the tail ({rows[0][2]:.6f})", close(rows[0][2], -r[r < q].mean()))

        # drawdown: numpy from inception, compared on the days of the range
        wealth = np.cumprod(1 + r_all)
        peak = np.maximum.accumulate(np.maximum(wealth, 1))
        dd = wealth / peak - 1
        _, rows = run("Drawdown", pid)
        got = np.array([float(x[1]) for x in rows])
        check(f"{name}: drawdown series = numpy wealth / running peak - 1 on all {len(got)} days",
              len(got) == in_range.sum() and np.allclose(got, dd[in_range], rtol=1e-9, atol=1e-12))
        check(f"{name}: worst drawdown {-min(got):.6f}; the running max_drawdown column ends at it",
              close(-min(got), -dd.min()) and close(rows[-1][2], dd.min()))
        _, rows = run("Max drawdown (time range)", pid)
        w = np.cumprod(1 + r)
        mdd = np.max(1 - w / np.maximum.accumulate(np.maximum(w, 1)))
        check(f"{name}: max drawdown stat = numpy over the range ({rows[0][0]:.6f})", close(rows[0][0], mdd))

        # rolling 60-day Sharpe and volatility: every full window against numpy
        windows = np.lib.stride_tricks.sliding_window_view(r_all, 60)
        sd = windows.std(axis=1, ddof=1)
        vol = sd * math.sqrt(365)
        with np.errstate(invalid="ignore", divide="ignore"):   # a flat window: no Sharpe (NULL)
            sharpe = windows.mean(axis=1) / sd * math.sqrt(365)
        full = np.concatenate([np.zeros(59, bool), np.ones(len(windows), bool)])[in_range]
        for title, expected in (("Rolling 60-day volatility", vol), ("Rolling 60-day Sharpe ratio", sharpe)):
            _, rows = run(title, pid)
            got = [x[1] for x in rows]
            nulls_ok = all((g is None) != f for g, f in zip(got, full))
            exp = np.concatenate([np.full(59, np.nan), expected])[in_range][full]
            vals = np.array([g for g in got if g is not None], dtype=float)
            check(f"{name}: {title.lower()} = numpy over every full 60-day window ({len(vals)} values)",
                  nulls_ok and len(vals) == len(exp) and np.allclose(vals, exp, rtol=1e-9, atol=1e-12))

        # daily P/L summed over the range = pnl_breakdown's gains over the same days
        _, rows = run("Daily P/L", pid)
        total = sum(float(x[1]) for x in rows)
        first, last = max(days[0], lo), min(days[-1], hi)   # the range, within the days reported
        cur.execute("SELECT end_value - start_value - deposits + withdrawals FROM portfolio.pnl_breakdown(%s, %s, %s)",
                    (pid, first, last))
        expected = float(cur.fetchone()[0])
        check(f"{name}: daily P/L summed over the range = pnl_breakdown gains ({total:.2f})",
              close(total, expected, rel=1e-9, abs_=1e-6))

        # allocation: every dimension sums to positions + cash
        cur.execute("""SELECT (SELECT sum(market_value_base) FROM portfolio.positions WHERE portfolio_id = %s)
                            + (SELECT sum(balance_base) FROM portfolio.cash WHERE portfolio_id = %s)""", (pid, pid))
        total_value = float(cur.fetchone()[0])
        sums = []
        for dim in ("asset_class", "sector", "currency", "instrument"):
            _, rows = run("Allocation by ${dimension}", pid, dim)
            sums.append(sum(float(x[1]) for x in rows))
        check(f"{name}: allocation pie sums to positions + cash in every dimension ({total_value:.2f})",
              all(close(s, total_value, rel=1e-12, abs_=1e-6) for s in sums))

        # performance table: the view's values, one a row
        cols, rows = run("Performance (since inception, as of the last refresh)", pid)
        cur.execute("SELECT twr_since_inception, sharpe, max_drawdown, xirr FROM portfolio.performance WHERE portfolio_id = %s", (pid,))
        twr, sh, md, xirr = cur.fetchone()
        table = dict(rows)
        check(f"{name}: performance table carries the view's values",
              cols == ["metric", "value"] and table["TWR since inception"] == twr and table["Sharpe ratio"] == sh
              and table["max drawdown"] == md and table["XIRR (money-weighted)"] == xirr)

    return finish(require_some=True)


if __name__ == "__main__":
    sys.exit(main())
