#!/usr/bin/env bash
# Risk aggregates (issue 3, part B) against numpy/scipy on fresh random data: each check generates
# data in Python, computes the metric in SQL and independently in numpy/scipy, and compares to
# 1e-9 relative (the sketch: to its documented 1 % bound). Ends with "N passed, N failed".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
exec /usr/bin/python3 - <<'PY'
import math
import sys
from datetime import date, timedelta

import numpy as np
import psycopg2
from scipy.optimize import brentq
from scipy.stats import norm

sys.path.insert(0, "test/reference")
from monte_carlo import var_mc  # noqa: E402
from pgp_test import finish, near  # noqa: E402

rng = np.random.default_rng(20240501)
conn = psycopg2.connect("")
conn.autocommit = True
cur = conn.cursor()
cur.execute("CREATE EXTENSION IF NOT EXISTS pg_portfolio")
check = near  # (name, got, expected, rel): SQL against numpy/scipy, relative to the reference


def one(sql, *args):
    cur.execute(sql, args)
    return cur.fetchone()[0]


def unnest_query(select, values):
    return one(f"SELECT {select} FROM unnest(%s::float8[]) WITH ORDINALITY v(r, t)", list(map(float, values)))


# historical VaR / CVaR (type-7 quantile, mean strictly below) and the sketch's bound
for trial, series in enumerate([rng.normal(0.0004, 0.012, 2500), 0.01 * rng.standard_t(3, 777),
                                rng.uniform(-0.05, 0.05, 10)]):
    for c in (0.9, 0.95, 0.99):
        q = np.quantile(series, 1 - c)
        below = series[series < q]
        es = -below.mean() if below.size else -q
        check(f"var_historical set {trial} c={c}", unnest_query(f"portfolio.var_historical(r, {c})", series), -q, 1e-12)
        check(f"cvar_historical set {trial} c={c}", unnest_query(f"portfolio.cvar_historical(r, {c})", series), es)
        if trial < 2:
            check(f"var_historical_approx set {trial} c={c} (1 % bound)",
                  unnest_query(f"portfolio.var_historical_approx(r, {c})", series), -q, 0.01)

# max_drawdown and calmar
for trial in range(3):
    r = rng.normal(0.0003, 0.015, 1000 + 500 * trial)
    wealth = np.cumprod(1 + r)
    peak = np.maximum.accumulate(np.concatenate([[1.0], wealth]))[1:]
    mdd = (1 - wealth / peak).max()
    check(f"max_drawdown {trial}", unnest_query("portfolio.max_drawdown(r ORDER BY t)", r), mdd)
    ann = wealth[-1] ** (252 / len(r)) - 1
    check(f"calmar {trial}", unnest_query("portfolio.calmar(r, 252 ORDER BY t)", r), ann / mdd)

# xirr against scipy's brentq on the same Act/365 NPV
for trial in range(5):
    n = 6 + 4 * trial
    start = date(2010, 1, 1)
    days = sorted(rng.choice(4000, n, replace=False))
    amounts = list(-rng.uniform(100, 1000, n - 1)) + [0.0]
    amounts[-1] = -sum(amounts) * rng.uniform(0.8, 1.6)
    npv = lambda x: sum(a * (1 + x) ** (-(d - days[0]) / 365) for a, d in zip(amounts, days))
    expected = brentq(npv, -0.99, 10, xtol=1e-15, rtol=1e-15)
    got = one("SELECT portfolio.xirr(a, d) FROM unnest(%s::float8[], %s::date[]) u(a, d)",
              [float(a) for a in amounts], [start + timedelta(days=int(d)) for d in days])
    check(f"xirr {trial}", got, expected, 1e-9)

# twr with flows
values = [1000.0]
flows = [1000.0]
for i in range(300):
    flow = float(rng.choice([0, 0, 0, 200, -150]))
    values.append(max(values[-1] * (1 + rng.normal(0.0005, 0.01)) + flow, 1.0))
    flows.append(flow)
v, f = np.array(values), np.array(flows)
ratios = (v[1:] + np.maximum(-f[1:], 0)) / (v[:-1] + np.maximum(f[1:], 0))
check("twr(value, flow)", one("SELECT portfolio.twr(v, f ORDER BY t) FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY u(v, f, t)",
                              values, flows), np.prod(ratios) - 1)

# covariance, correlation, component VaR, Monte Carlo
k = 4
A = rng.normal(size=(k, k))
X = rng.multivariate_normal(rng.normal(0.0005, 0.0005, k), (A @ A.T) * 1e-4, 750)
rows = [list(map(float, row)) for row in X]
cur.execute("CREATE TEMP TABLE mx (t int, r float8[])")
cur.executemany("INSERT INTO mx VALUES (%s, %s)", list(enumerate(rows)))
cov = one("SELECT portfolio.covariance(r) FROM mx")
cor = one("SELECT portfolio.correlation(r) FROM mx")
C, R = np.cov(X.T), np.corrcoef(X.T)
for i in range(k):
    for j in range(k):
        check(f"covariance[{i}][{j}]", cov[i][j], C[i, j])
        check(f"correlation[{i}][{j}]", cor[i][j], R[i, j])
w = rng.dirichlet(np.ones(k))
S, mu = np.cov(X.T, bias=True), X.mean(0)
for c in (0.95, 0.99):
    z = norm.ppf(1 - c)
    sp = math.sqrt(w @ S @ w)
    expected = -(w * mu + z * w * (S @ w) / sp)
    got = one("SELECT portfolio.component_var(r, %s::float8[], %s) FROM mx", list(map(float, w)), c)
    for i in range(k):
        check(f"component_var c={c} [{i}]", got[i], expected[i])
    check(f"component_var c={c} sums to the portfolio Gaussian VaR", sum(got), -(w @ mu + z * sp), 1e-12)
for horizon, sims, seed in ((1, 3000, 42), (5, 1000, 9)):
    got = one("SELECT portfolio.var_monte_carlo(r, %s::float8[], 0.99, %s, %s, %s) FROM mx",
              list(map(float, w)), horizon, sims, seed)
    check(f"var_monte_carlo horizon={horizon} sims={sims} seed={seed}", got, var_mc(X, w, 0.99, horizon, sims, seed))

sys.exit(finish())
PY
