"""The synthetic market's parameters (read by generate.py). Annual figures; generate.py turns
them into daily ones with 252 trading days a year.

  market    r_m = drift - var/2 + episode + sigma_t * t_df,  sigma_t^2 GARCH(1,1) around MARKET_VOL
  currency  r_fx = market_loading * r_m + vol * regime * t_df
  stock     r_i = alpha + beta * r_m + fx_loading * r_fx + sector_s + idio_vol * regime * t_df
            (local-currency log return; regime = sigma_t / long-run sigma lifts every volatility
            in a sell-off, as real markets' do)
Values are chosen to resemble large caps: index volatility near 17 % a year, betas 0.6 to 1.3.
"""
import datetime as dt

FIRST_DAY = dt.date(2022, 1, 3)
INDEX = "MKT"            # the market index itself: the demo portfolios' benchmark
INDEX_START = 1000.0
MARKET_DRIFT = 0.10      # expected annual log return outside the episodes
MARKET_VOL = 0.17        # long-run annual volatility
GARCH = {"alpha": 0.05, "beta": 0.93}   # persistence 0.98: volatility clusters for weeks
DF_SHOCKS = 6            # Student t: kurtosis 6 for the shocks; GARCH adds more to the returns

# Scripted market episodes (first day, last day, total extra log return): two drawdowns and a
# recovery, so max drawdown, VaR and the underwater chart have something to show.
EPISODES = [
    (dt.date(2022, 1, 4), dt.date(2022, 10, 12), -0.22),   # a slow bear market
    (dt.date(2023, 10, 16), dt.date(2024, 3, 28), 0.10),   # a rally
    (dt.date(2025, 2, 19), dt.date(2025, 4, 8), -0.15),    # a sharp sell-off
    (dt.date(2025, 4, 9), dt.date(2025, 7, 31), 0.12),     # and the rebound
]

SECTORS = {"Technology": 0.10, "Health Care": 0.08, "Energy": 0.16, "Financials": 0.09}

# 1 base = rate quote. USD/CAD rises (CAD weakens) when markets fall; EUR/USD a little with them.
CURRENCIES = {
    "EUR/USD": {"start": 1.1370, "vol": 0.07, "market_loading": 0.05},
    "USD/CAD": {"start": 1.2650, "vol": 0.06, "market_loading": -0.10},
}

# A EUR-listed exporter gains when the euro weakens: fx_loading on EUR/USD is negative.
STOCKS = {
    "AAPL":    {"start": 180.0, "alpha": 0.02, "beta": 1.20, "sector": "Technology", "idio_vol": 0.14,
                "fx": None, "fx_loading": 0.0, "volume": 60_000_000},
    "MSFT":    {"start": 330.0, "alpha": 0.03, "beta": 1.10, "sector": "Technology", "idio_vol": 0.12,
                "fx": None, "fx_loading": 0.0, "volume": 25_000_000},
    "JNJ":     {"start": 170.0, "alpha": 0.00, "beta": 0.60, "sector": "Health Care", "idio_vol": 0.10,
                "fx": None, "fx_loading": 0.0, "volume": 7_000_000},
    "XOM":     {"start": 62.0, "alpha": 0.04, "beta": 0.90, "sector": "Energy", "idio_vol": 0.16,
                "fx": None, "fx_loading": 0.0, "volume": 20_000_000},
    "SPY":     {"start": 470.0, "alpha": 0.00, "beta": 1.00, "sector": None, "idio_vol": 0.01,
                "fx": None, "fx_loading": 0.0, "volume": 80_000_000},
    "SAP.DE":  {"start": 125.0, "alpha": 0.03, "beta": 1.00, "sector": "Technology", "idio_vol": 0.13,
                "fx": "EUR/USD", "fx_loading": -0.30, "volume": 1_500_000},
    "ASML.AS": {"start": 700.0, "alpha": 0.02, "beta": 1.30, "sector": "Technology", "idio_vol": 0.20,
                "fx": "EUR/USD", "fx_loading": -0.30, "volume": 900_000},
    "RY.TO":   {"start": 130.0, "alpha": 0.01, "beta": 0.80, "sector": "Financials", "idio_vol": 0.10,
                "fx": "USD/CAD", "fx_loading": 0.20, "volume": 4_000_000},
}

# A 2:1 split in AAPL, as in examples/data: the demo ledger records it on this day.
SPLIT = {"symbol": "AAPL", "day": dt.date(2024, 6, 10), "ratio": 2}
