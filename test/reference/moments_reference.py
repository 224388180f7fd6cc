#!/usr/bin/python3
"""Independent reference values for the moment family (sql/moments_reference.sql).

Computes every metric with numpy/scipy straight from its textbook formula (two-pass, no shared
code with the extension) on the fixture data, and prints SQL rows
    (metric, series, expected)
that the pg_regress test compares to the extension's results to 1e-9 relative.
Run: /usr/bin/python3 test/reference/moments_reference.py > /tmp/rows.sql
"""
import csv
import math
import os

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures")


def load(name):
    with open(os.path.join(FIX, name)) as f:
        rows = list(csv.reader(f))
    header = rows[0][1:]
    cols = {h: [] for h in header}
    for row in rows[1:]:
        for h, v in zip(header, row[1:]):
            cols[h].append(float(v) if v != "" else None)
    return cols


def pop_moments(x):
    m = x.mean()
    c = x - m
    return m, (c ** 2).mean(), (c ** 3).mean(), (c ** 4).mean()


def metrics_one(x, ppy, conf=0.95):
    x = np.asarray(x)
    n = len(x)
    m, m2, m3, m4 = pop_moments(x)
    sd = x.std(ddof=1)
    z = stats.norm.ppf(1 - conf)
    s = m3 / m2 ** 1.5
    k = m4 / m2 ** 2 - 3
    zcf = z + (z * z - 1) * s / 6 + (z ** 3 - 3 * z) * k / 24 - (2 * z ** 3 - 5 * z) * s * s / 36
    down = np.minimum(x, 0)
    out = {
        "volatility": sd * math.sqrt(ppy),
        "sharpe": m / sd * math.sqrt(ppy),
        "sortino": m / math.sqrt((down ** 2).mean()) * math.sqrt(ppy),
        "annualized_return": np.prod(1 + x) ** (ppy / n) - 1,
        "twr": np.prod(1 + x) - 1,
        "var_gaussian": -(m + z * math.sqrt(m2)),
        "cvar_gaussian": -m + math.sqrt(m2) * stats.norm.pdf(z) / (1 - conf),
        "var_cornish_fisher": -(m + zcf * math.sqrt(m2)),
        "skewness": stats.skew(x),            # population (biased) skewness
        "kurtosis": stats.kurtosis(x),        # population excess kurtosis
        "mean": m,
        "stddev": sd,
    }
    return out


def metrics_pair(r, rb, rf, ppy):
    r, rb, rf = map(np.asarray, (r, rb, rf))
    xe, ye = r - rf, rb - rf
    beta = np.cov(xe, ye, ddof=1)[0, 1] / ye.var(ddof=1)
    intercept = xe.mean() - beta * ye.mean()
    d = r - rb
    return {
        "beta_excess": beta,
        "alpha": (1 + intercept) ** ppy - 1,
        "beta_raw": np.cov(r, rb, ddof=1)[0, 1] / rb.var(ddof=1),
        "correlation": np.corrcoef(r, rb)[0, 1],
        "tracking_error": d.std(ddof=1) * math.sqrt(ppy),
        "information_ratio": d.mean() / d.std(ddof=1) * math.sqrt(ppy),
        "sharpe_rf": (r - rf).mean() / (r - rf).std(ddof=1) * math.sqrt(ppy),
        "sortino_mar": (r - rf).mean() / math.sqrt((np.minimum(r - rf, 0) ** 2).mean()) * math.sqrt(ppy),
    }


def main():
    rows = []
    edhec = load("edhec.csv")
    for fund, xs in edhec.items():
        for metric, v in metrics_one(xs, 12).items():
            rows.append((metric, fund, v))
    for metric, v in metrics_one(edhec["Convertible Arbitrage"][:100], 12).items():
        rows.append((metric, "CA first 100", v))
    for metric, v in metrics_one(edhec["Convertible Arbitrage"][:100], 12, 0.99).items():
        if metric.startswith(("var", "cvar")):
            rows.append((metric, "CA first 100 at 0.99", v))
    man = load("managers.csv")
    for h in ["HAM1", "HAM2", "HAM3", "HAM4", "HAM5", "HAM6"]:
        trip = [(a, b, c) for a, b, c in zip(man[h], man["SP500 TR"], man["US 3m TR"])
                if a is not None and b is not None and c is not None]
        r, rb, rf = zip(*trip)
        for metric, v in metrics_pair(r, rb, rf, 12).items():
            rows.append((metric, h, v))
    print(",\n".join(f"    ('{m}', '{s}', {v!r})" for m, s, v in rows))


if __name__ == "__main__":
    main()
