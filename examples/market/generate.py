#!/usr/bin/python3
"""Synthetic daily market data for the demo, from 2022-01-03 up to an end date (no download).

    /usr/bin/python3 examples/market/generate.py [--end YYYY-MM-DD] [--out FILE]

Writes portfolio-fetch's csv format (symbol,date,open,high,low,close,volume,adj_close), one block of
rows per business day (Monday-Friday, no holiday calendar), so the file for an earlier end date is
a byte prefix of the file for a later one. The default end is the last business day before today
(UTC). The model is described in examples/market/README.md.

Determinism: day d's random numbers come from random.Random(SEED * 10**7 + d.toordinal()), a
generator of its own, and each day draws the same count of them. So the output is a function of
the end date only (byte-identical on every run), and a later end date appends days without
changing one before. Only Random.random() is used (normals by inverse CDF, Student t from
normals): Python guarantees that sequence for a given integer seed across versions, which numpy's
Generator does not promise for its distributions.
"""
import argparse
import datetime as dt
import math
import random
import sys
from statistics import NormalDist

from model import (CURRENCIES, DF_SHOCKS, EPISODES, FIRST_DAY, GARCH, INDEX, INDEX_START,
                   MARKET_DRIFT, MARKET_VOL, SECTORS, SPLIT, STOCKS)

# A constant: of the 16 seeds from 20220103 on, the one whose index path looks most like a
# large-cap market's 2022-2026 (total +84 % to 2026-11-30, drawdown 26 %, months between -13 % and
# +10 %); the others give -33 % to +161 % with drawdowns of 20-56 %: what luck does to five years
# of a 17 %-vol market.
SEED = 20220107
TRADING_DAYS = 252
UNIT_NORMAL = NormalDist()


def business_days(first, last):
    d = first
    while d <= last:
        if d.weekday() < 5:
            yield d
        d += dt.timedelta(days=1)


def last_business_day_before(day):
    d = day - dt.timedelta(days=1)
    while d.weekday() >= 5:
        d -= dt.timedelta(days=1)
    return d


class DayDraws:
    """The random numbers of one day, from that day's own generator."""

    def __init__(self, day):
        self.rng = random.Random(SEED * 10**7 + day.toordinal())

    def normal(self):
        u = self.rng.random() or 2.0**-53  # random() may return 0.0; inv_cdf(0) is -infinity
        return UNIT_NORMAL.inv_cdf(u)

    def fat(self):
        """Student t with DF_SHOCKS degrees of freedom, scaled to variance 1: fat tails (excess
        kurtosis 6 / (df - 4) for df > 4) as daily returns have."""
        z = self.normal()
        chi2 = sum(self.normal() ** 2 for _ in range(DF_SHOCKS))
        return z / math.sqrt(chi2 / DF_SHOCKS) * math.sqrt((DF_SHOCKS - 2) / DF_SHOCKS)


def episode_drift(day):
    """Extra daily log return of the market on a day inside a scripted episode (a sell-off or a
    recovery), spread evenly over the episode's business days."""
    for first, last, total in EPISODES:
        if first <= day <= last:
            return total / sum(1 for _ in business_days(first, last))
    return 0.0


def simulate(days):
    """Daily log returns per symbol: market (GARCH volatility, fat-tailed shocks), sectors,
    currencies and each stock's beta, sector loading and idiosyncratic part."""
    long_run = MARKET_VOL / math.sqrt(TRADING_DAYS)
    omega = long_run**2 * (1 - GARCH["alpha"] - GARCH["beta"])
    variance, shock = long_run**2, 0.0
    for day in days:
        draws = DayDraws(day)
        # volatility clusters: a large move yesterday raises today's variance (GARCH(1,1)), and
        # every other series scales with it, so sell-offs are volatile everywhere at once
        variance = omega + GARCH["alpha"] * shock**2 + GARCH["beta"] * variance
        sigma = math.sqrt(variance)
        regime = sigma / long_run
        shock = sigma * draws.fat()
        market = MARKET_DRIFT / TRADING_DAYS - variance / 2 + episode_drift(day) + shock
        sector = {name: vol / math.sqrt(TRADING_DAYS) * regime * draws.fat()
                  for name, vol in SECTORS.items()}
        fx = {}
        for pair, c in CURRENCIES.items():
            fx[pair] = c["market_loading"] * market + c["vol"] / math.sqrt(TRADING_DAYS) * regime * draws.fat()
        r = {INDEX: market}
        r.update(fx)
        for symbol, s in STOCKS.items():
            idio = s["idio_vol"] / math.sqrt(TRADING_DAYS) * regime * draws.fat()
            local = (s["alpha"] / TRADING_DAYS + s["beta"] * market + s["fx_loading"] * fx.get(s.get("fx"), 0.0)
                     + (sector[s["sector"]] if s["sector"] else 0.0) + idio)
            r[symbol] = local
        # open, high, low and volume: the same count of draws every day (determinism above)
        bars = {symbol: (draws.normal(), abs(draws.normal()), abs(draws.normal()), draws.normal())
                for symbol in r}
        yield day, r, bars, sigma


def rows(end):
    prices = {INDEX: INDEX_START}
    prices.update({pair: c["start"] for pair, c in CURRENCIES.items()})
    prices.update({symbol: s["start"] for symbol, s in STOCKS.items()})
    for day, r, bars, sigma in simulate(business_days(FIRST_DAY, end)):
        for symbol in sorted(r):
            prev = prices[symbol]
            close = prev * math.exp(r[symbol])
            prices[symbol] = close
            gap, up, down, vol_noise = bars[symbol]
            day_sigma = sigma * (0.6 if "/" in symbol else 1.0)
            open_ = prev * math.exp(0.3 * day_sigma * gap)
            high = max(open_, close) * (1 + 0.4 * day_sigma * up)
            low = min(open_, close) * (1 - 0.4 * day_sigma * down)
            yield format_row(symbol, day, open_, high, low, close, vol_noise)


def format_row(symbol, day, open_, high, low, close, vol_noise):
    decimals = 4 if "/" in symbol else 2
    # the split: before it, traded (raw) prices are SPLIT ratio times the split-adjusted ones
    factor = SPLIT["ratio"] if symbol == SPLIT["symbol"] and day < SPLIT["day"] else 1
    q = lambda x: round(x * factor, decimals)
    o, c = q(open_), q(close)
    h, l = max(q(high), o, c), min(q(low), o, c)  # rounding must not break low <= open, close <= high
    stock = STOCKS.get(symbol)
    volume = str(int(stock["volume"] * math.exp(0.3 * vol_noise)) // factor) if stock else ""
    adj = f"{round(close, decimals):.{decimals}f}" if "/" not in symbol else ""
    return f"{symbol},{day.isoformat()},{o:.{decimals}f},{h:.{decimals}f},{l:.{decimals}f},{c:.{decimals}f},{volume},{adj}\n"


def main():
    today = dt.datetime.now(dt.timezone.utc).date()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--end", type=dt.date.fromisoformat, default=last_business_day_before(today),
                    help="last day (default: the last business day before today, UTC)")
    ap.add_argument("--out", help="output file (default: standard output)")
    a = ap.parse_args()
    if a.end < FIRST_DAY:
        ap.error(f"--end must not be before {FIRST_DAY}")
    out = open(a.out, "w", newline="") if a.out else sys.stdout
    out.write("symbol,date,open,high,low,close,volume,adj_close\n")
    out.writelines(rows(a.end))
    if a.out:
        out.close()


if __name__ == "__main__":
    main()
