#!/usr/bin/python3
"""Deterministic sample market data for the demo and the fetcher's tests (no download).

Writes, next to this script:
  quotes.csv                 every symbol and pair: symbol,date,open,high,low,close,volume,adj_close
  twelvedata/<SYM>.json      Twelve Data time_series (1day) responses, newest first, values as strings
  alphavantage/<SYM>.json    Alpha Vantage TIME_SERIES_DAILY (FX_DAILY for pairs), newest first
  polygon/<SYM>.json         Polygon v2 aggregates (subset), t = New York midnight in epoch ms
  yahoo/<SYM>.json           Yahoo v8 chart (subset), timestamps at the exchange's opening time
A pair's file name uses '_' for '/': EUR_USD.json. Run: /usr/bin/python3 examples/data/generate.py
Plain Python (random.Random with a fixed seed), so the output does not depend on numpy's version.
"""
import datetime as dt
import json
import math
import os
import random
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20220103
FIRST, LAST = dt.date(2022, 1, 3), dt.date(2025, 12, 31)
SPLIT_SYMBOL, SPLIT_DAY, SPLIT_RATIO = "AAPL", dt.date(2024, 6, 10), 2

# symbol: (currency, exchange time zone, opening time, start price, annual drift, annual vol, decimals, avg volume)
INSTRUMENTS = {
    "AAPL":    ("USD", "America/New_York", (9, 30), 180.0, 0.10, 0.28, 2, 60_000_000),
    "MSFT":    ("USD", "America/New_York", (9, 30), 330.0, 0.12, 0.26, 2, 25_000_000),
    "JNJ":     ("USD", "America/New_York", (9, 30), 170.0, 0.03, 0.16, 2, 7_000_000),
    "XOM":     ("USD", "America/New_York", (9, 30), 62.0, 0.15, 0.30, 2, 20_000_000),
    "SPY":     ("USD", "America/New_York", (9, 30), 470.0, 0.08, 0.18, 2, 80_000_000),
    "SAP.DE":  ("EUR", "Europe/Berlin", (9, 0), 125.0, 0.14, 0.24, 2, 1_500_000),
    "ASML.AS": ("EUR", "Europe/Amsterdam", (9, 0), 700.0, 0.09, 0.35, 2, 900_000),
    "RY.TO":   ("CAD", "America/Toronto", (9, 30), 130.0, 0.06, 0.17, 2, 4_000_000),
    "EUR/USD": ("USD", "UTC", (0, 0), 1.1370, 0.00, 0.07, 4, 0),
    "USD/CAD": ("CAD", "UTC", (0, 0), 1.2650, 0.00, 0.06, 4, 0),
}
PROVIDER_SUBSET = ["AAPL", "SAP.DE", "SPY", "EUR/USD"]  # also written as polygon and yahoo responses


def business_days():
    d = FIRST
    while d <= LAST:
        if d.weekday() < 5:
            yield d
        d += dt.timedelta(days=1)


def generate(rng, symbol, spec, days):
    _, _, _, price, drift, vol, decimals, avg_volume = spec
    sigma = vol / math.sqrt(252)
    mu = drift / 252 - sigma * sigma / 2
    rows, close = [], price
    for day in days:
        prev = close
        close = prev * math.exp(mu + sigma * rng.gauss(0, 1))
        open_ = prev * math.exp(sigma * 0.3 * rng.gauss(0, 1))
        high = max(open_, close) * (1 + abs(rng.gauss(0, 1)) * sigma * 0.4)
        low = min(open_, close) * (1 - abs(rng.gauss(0, 1)) * sigma * 0.4)
        volume = int(avg_volume * math.exp(0.3 * rng.gauss(0, 1))) if avg_volume else None
        # the split: before it, the traded (raw) prices are SPLIT_RATIO times the adjusted ones
        factor = SPLIT_RATIO if symbol == SPLIT_SYMBOL and day < SPLIT_DAY else 1
        r = lambda x: round(x * factor, decimals)
        o, c = r(open_), r(close)
        h, l = max(r(high), o, c), min(r(low), o, c)
        v = volume // factor if volume is not None else None
        adj = round(close, decimals) if avg_volume else None  # adjusted close (pairs have none)
        rows.append({"date": day, "open": o, "high": h, "low": l, "close": c, "volume": v, "adj_close": adj})
    return rows


def fmt(x, decimals):
    return f"{x:.{decimals}f}"


def file_name(symbol):
    return symbol.replace("/", "_") + ".json"


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


def twelvedata(symbol, spec, rows):
    currency, tz, _, _, _, _, d, _ = spec
    fx = "/" in symbol
    meta = {"symbol": symbol, "interval": "1day", "currency": currency, "exchange_timezone": tz,
            "type": "Physical Currency" if fx else "Common Stock"}
    if fx:
        meta = {"symbol": symbol, "interval": "1day", "currency_base": symbol[:3], "currency_quote": symbol[4:],
                "type": "Physical Currency"}
    values = []
    for row in reversed(rows):
        v = {"datetime": row["date"].isoformat(), "open": fmt(row["open"], 5), "high": fmt(row["high"], 5),
             "low": fmt(row["low"], 5), "close": fmt(row["close"], 5)}
        if not fx:
            v["volume"] = str(row["volume"])
        values.append(v)
    return {"meta": meta, "values": values, "status": "ok"}


def alphavantage(symbol, spec, rows):
    fx = "/" in symbol
    series = {}
    for row in reversed(rows):
        v = {"1. open": fmt(row["open"], 4), "2. high": fmt(row["high"], 4), "3. low": fmt(row["low"], 4),
             "4. close": fmt(row["close"], 4)}
        if not fx:
            v["5. volume"] = str(row["volume"])
        series[row["date"].isoformat()] = v
    last = rows[-1]["date"].isoformat()
    if fx:
        meta = {"1. Information": "Forex Daily Prices (open, high, low, close)", "2. From Symbol": symbol[:3],
                "3. To Symbol": symbol[4:], "4. Output Size": "Full size", "5. Last Refreshed": last,
                "6. Time Zone": "UTC"}
        return {"Meta Data": meta, "Time Series FX (Daily)": series}
    meta = {"1. Information": "Daily Prices (open, high, low, close) and Volumes", "2. Symbol": symbol,
            "3. Last Refreshed": last, "4. Output Size": "Full size", "5. Time Zone": "US/Eastern"}
    return {"Meta Data": meta, "Time Series (Daily)": series}


def polygon(symbol, spec, rows):
    ny = ZoneInfo("America/New_York")
    ticker = "C:" + symbol.replace("/", "") if "/" in symbol else symbol
    results = []
    for row in rows:
        midnight = dt.datetime.combine(row["date"], dt.time(0, 0), tzinfo=ny)  # DST-aware
        r = {"v": float(row["volume"] or 0), "vw": round((row["high"] + row["low"] + row["close"]) / 3, 4),
             "o": row["open"], "c": row["close"], "h": row["high"], "l": row["low"],
             "t": int(midnight.timestamp() * 1000), "n": (row["volume"] or 100000) // 100}
        results.append(r)
    return {"ticker": ticker, "queryCount": len(results), "resultsCount": len(results), "adjusted": False,
            "results": results, "status": "OK", "request_id": "0123456789abcdef", "count": len(results)}


def yahoo(symbol, spec, rows):
    currency, tz, (hh, mm), *_ = spec
    zone = ZoneInfo(tz)
    ticker = symbol.replace("/", "") + "=X" if "/" in symbol else symbol
    stamps = [int(dt.datetime.combine(r["date"], dt.time(hh, mm), tzinfo=zone).timestamp()) for r in rows]
    last_offset = int(dt.datetime.combine(rows[-1]["date"], dt.time(hh, mm), tzinfo=zone).utcoffset().total_seconds())
    quote = {k: [r[k] for r in rows] for k in ("open", "high", "low", "close")}
    quote["volume"] = [r["volume"] if r["volume"] is not None else 0 for r in rows]
    adj = [r["adj_close"] if r["adj_close"] is not None else r["close"] for r in rows]
    meta = {"currency": currency, "symbol": ticker, "exchangeName": "SMP", "instrumentType": "EQUITY",
            "gmtoffset": last_offset, "timezone": "SMP", "exchangeTimezoneName": tz, "dataGranularity": "1d"}
    return {"chart": {"result": [{"meta": meta, "timestamp": stamps,
                                  "indicators": {"quote": [quote], "adjclose": [{"adjclose": adj}]}}],
                      "error": None}}


def main():
    rng = random.Random(SEED)
    days = list(business_days())
    data = {s: generate(rng, s, spec, days) for s, spec in INSTRUMENTS.items()}
    with open(os.path.join(HERE, "quotes.csv"), "w") as f:
        f.write("symbol,date,open,high,low,close,volume,adj_close\n")
        for symbol, rows in data.items():
            d = INSTRUMENTS[symbol][6]
            for r in rows:
                vol = "" if r["volume"] is None else str(r["volume"])
                adj = "" if r["adj_close"] is None else fmt(r["adj_close"], d)
                f.write(f"{symbol},{r['date'].isoformat()},{fmt(r['open'], d)},{fmt(r['high'], d)},"
                        f"{fmt(r['low'], d)},{fmt(r['close'], d)},{vol},{adj}\n")
    for symbol, rows in data.items():
        spec = INSTRUMENTS[symbol]
        write(os.path.join(HERE, "twelvedata", file_name(symbol)), twelvedata(symbol, spec, rows))
        write(os.path.join(HERE, "alphavantage", file_name(symbol)), alphavantage(symbol, spec, rows))
        if symbol in PROVIDER_SUBSET:
            write(os.path.join(HERE, "polygon", file_name(symbol)), polygon(symbol, spec, rows))
            write(os.path.join(HERE, "yahoo", file_name(symbol)), yahoo(symbol, spec, rows))


if __name__ == "__main__":
    main()
