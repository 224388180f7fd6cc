"""Every number of the tearsheet, read from pg_portfolio's views and functions. The report only
formats and draws what these queries return: the arithmetic (growth, drawdown, rolling windows,
monthly returns, the period's statistics) is the extension's aggregates, run here in SQL.

Conventions as in the performance view: growth, drawdown and monthly returns compound every
calendar day of portfolio_daily; the statistics run over trading days
(portfolio.trading_day_returns) and annualize with 252 periods, so a 6-month window is 126
trading days."""

ROLLING_DAYS = 126

# The portfolios the connected role may read (row-level security decides), with the period's
# bounds: to_day is the last day of portfolio_daily (as of portfolio.as_of()), from_day the
# start of the period or the first day, whichever is later. %(period)s: all, ytd, 1y, 3y, 5y.
PORTFOLIOS = """
SELECT p.id, p.name, p.owner, p.base_currency, p.benchmark_symbol, portfolio.as_of() AS as_of,
       greatest(b.first_day, CASE %(period)s
           WHEN 'ytd' THEN date_trunc('year', b.last_day)::date
           WHEN '1y' THEN (b.last_day - interval '1 year')::date + 1
           WHEN '3y' THEN (b.last_day - interval '3 years')::date + 1
           WHEN '5y' THEN (b.last_day - interval '5 years')::date + 1
           ELSE b.first_day END) AS from_day,
       b.last_day AS to_day
FROM portfolio.portfolios p
JOIN portfolio.performance b ON b.portfolio_id = p.id
WHERE (%(portfolio)s::text IS NULL OR p.name = %(portfolio)s OR p.id::text = %(portfolio)s)
  AND b.last_day IS NOT NULL
ORDER BY p.id
"""

# Growth of 1 since the period's start for the portfolio and its benchmark, and the drawdown
# from the running peak of that growth (the underwater curve).
GROWTH = """
WITH d AS (
    SELECT d.day, d.daily_return, b.r AS benchmark_return
    FROM portfolio.portfolio_daily d
    LEFT JOIN portfolio.benchmark_daily_returns(%(benchmark)s, %(from_day)s, %(to_day)s) b USING (day)
    WHERE d.portfolio_id = %(id)s AND d.day BETWEEN %(from_day)s AND %(to_day)s
), g AS (
    SELECT day, 1 + portfolio.twr(daily_return) OVER w AS growth,
           1 + portfolio.twr(benchmark_return) OVER w AS benchmark_growth
    FROM d WINDOW w AS (ORDER BY day ROWS UNBOUNDED PRECEDING)
)
SELECT day, growth, benchmark_growth,
       growth / max(growth) OVER (ORDER BY day ROWS UNBOUNDED PRECEDING) - 1 AS drawdown
FROM g ORDER BY day
"""

# Each calendar month's time-weighted return (the current month to date).
MONTHLY_RETURNS = """
SELECT extract(year FROM day)::int AS year, extract(month FROM day)::int AS month,
       portfolio.twr(daily_return) AS twr
FROM portfolio.portfolio_daily
WHERE portfolio_id = %(id)s AND day BETWEEN %(from_day)s AND %(to_day)s
GROUP BY 1, 2 ORDER BY 1, 2
"""

# Rolling 6-month (126 trading days) annualized volatility and Sharpe ratio (risk-free 0):
# moving-window aggregates over the whole history, shown for the period's days whose window is full.
ROLLING = f"""
SELECT day, volatility, sharpe
FROM (SELECT day, count(r) OVER w AS n,
             portfolio.volatility(r, 252) OVER w AS volatility,
             portfolio.sharpe(r, 0, 252) OVER w AS sharpe
      FROM portfolio.trading_day_returns(%(id)s)
      WHERE day <= %(to_day)s
      WINDOW w AS (ORDER BY day ROWS {ROLLING_DAYS - 1} PRECEDING)) r
WHERE day >= %(from_day)s AND n = {ROLLING_DAYS}
ORDER BY day
"""

ALLOCATION = """
SELECT dimension, bucket, market_value_base, weight
FROM portfolio.allocation
WHERE portfolio_id = %(id)s AND dimension IN ('asset_class', 'currency')
ORDER BY dimension, market_value_base DESC NULLS LAST, bucket
"""

# The period's figures: portfolio.performance_between, the definition the performance view uses
# for its since-inception row.
PERIOD_STATS = """
SELECT * FROM portfolio.performance_between(%(id)s, %(from_day)s, %(to_day)s)
"""

PERFORMANCE = """
SELECT twr_since_inception AS twr, annualized_return, volatility, sharpe, sortino, max_drawdown,
       var_95, cvar_95, beta, alpha, tracking_error, xirr, twr_ytd, twr_1y
FROM portfolio.performance WHERE portfolio_id = %(id)s
"""

POSITIONS = """
SELECT instrument, instrument_name, asset_class, currency, quantity, average_cost, market_price,
       price_at::date AS price_day, price_stale, market_value_base, unrealized_pl_base, gain_pct,
       realized_pl, income, weight
FROM portfolio.positions
WHERE portfolio_id = %(id)s AND quantity <> 0
ORDER BY market_value_base DESC NULLS LAST, instrument
"""

PNL = """
SELECT start_value, deposits, withdrawals, unrealized_gains, realized_gains, income, fees,
       currency_gains, end_value, complete
FROM portfolio.pnl_breakdown(%(id)s, %(from_day)s, %(to_day)s)
"""

MONTHLY_PNL = """
SELECT month, unrealized_gains, realized_gains, income, fees, currency_gains
FROM portfolio.pnl_monthly
WHERE portfolio_id = %(id)s AND month BETWEEN date_trunc('month', %(from_day)s::date) AND %(to_day)s
ORDER BY month
"""
