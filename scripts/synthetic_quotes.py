"""Synthetic daily quotes for the benchmarks and the crash suite (bench/fetcher.sh,
bench/dashboard_load.sh, test/suites/kill.sh): the same business days and the same random walk,
so that their loads look alike. Each caller keeps its own seed, symbols and extras (invalid rows,
a shifted close), and so writes the file it wrote before, byte for byte."""
import datetime as dt


def business_days(count=1000, start=dt.date(2022, 1, 3)):
    """The ISO dates of the first `count` weekdays from `start` (no holiday calendar)."""
    days, d = [], start
    while len(days) < count:
        if d.weekday() < 5:
            days.append(d.isoformat())
        d += dt.timedelta(days=1)
    return days


def walk(rng, price):
    """One day of the walk from the last close `price`: (open, close), a 1.5% daily sigma."""
    return price, price * (1 + rng.gauss(0, 0.015))


def high_low(open_, close):
    """A bar's high and low: 0.4% beyond its open and close."""
    return max(open_, close) * 1.004, min(open_, close) * 0.996


# The CSV that portfolio-fetch --provider csv reads.
CSV_HEADER = "symbol,date,open,high,low,close,volume,adj_close\n"


def csv_bars(rng, symbol, days):
    """One symbol's walk over `days` from a random first close, as CSV lines with a random volume
    and adj_close 98 % of the close (bench/fetcher.sh, test/suites/kill.sh): (day, close, line) a
    day. The draws come in the order those scripts made them inline, so their files stay the same."""
    price = 20 + 200 * rng.random()
    for day in days:
        o, price = walk(rng, price)
        hi, lo = high_low(o, price)
        volume = rng.randrange(10**5, 10**7)
        yield day, price, f"{symbol},{day},{o:.2f},{hi:.2f},{lo:.2f},{price:.2f},{volume},{price * 0.98:.2f}\n"
