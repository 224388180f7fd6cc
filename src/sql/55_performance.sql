-- performance: one row of return and risk figures per portfolio, built on the analytics aggregates.
--
-- Per portfolio, from portfolio_daily (as of the last portfolio.refresh()):
--  * daily returns r_t over calendar days (weekends and holidays carry the last value: r = 0);
--    statistics annualize with 365 periods a year, TWR over a date range with (1+r)^(365/days) - 1.
--  * the benchmark's daily return from its quotes: adj_close (a total-return series) when the
--    source has one, else close, carried forward over days without a quote, on the same days.
--  * risk-free rate 0 (Sharpe, alpha), minimum acceptable return 0 (Sortino).
--  * XIRR: deposits and transfers in are paid in (negative), withdrawals and transfers out paid
--    out (positive), and the last value is paid out on the last day.
CREATE VIEW portfolio.performance WITH (security_invoker = true) AS
WITH days AS (
    SELECT d.portfolio_id, d.day, d.market_value, d.net_flow, d.deposits, d.withdrawals, d.daily_return
    FROM portfolio.portfolio_daily d
), bounds AS (
    SELECT portfolio_id, min(day) AS first_day, max(day) AS last_day FROM days GROUP BY portfolio_id
), benchmark AS (   -- the benchmark's close per calendar day of each portfolio, carried forward
    SELECT d.portfolio_id, d.day,
           (bq.price / lag(bq.price) OVER (PARTITION BY d.portfolio_id ORDER BY d.day) - 1)::float8 AS r
    FROM days d
    JOIN portfolio.portfolios p ON p.id = d.portfolio_id
    LEFT JOIN LATERAL (
        SELECT coalesce(q.adj_close, q.close) AS price FROM portfolio.quotes q
        WHERE q.symbol = p.benchmark_symbol AND q.ts < (d.day + 1)::timestamp AT TIME ZONE 'UTC'
        ORDER BY q.ts DESC LIMIT 1) bq ON true
), paired AS (
    SELECT d.portfolio_id, d.day, d.daily_return AS r, b.r AS rb
    FROM days d LEFT JOIN benchmark b USING (portfolio_id, day)
)
SELECT b.portfolio_id, b.first_day, b.last_day,
       (SELECT portfolio.twr(p.r) FROM paired p WHERE p.portfolio_id = b.portfolio_id) AS twr_since_inception,
       (SELECT portfolio.twr(p.r) FROM paired p
        WHERE p.portfolio_id = b.portfolio_id AND p.day >= date_trunc('year', b.last_day)::date) AS twr_ytd,
       (SELECT portfolio.twr(p.r) FROM paired p
        WHERE p.portfolio_id = b.portfolio_id AND p.day > (b.last_day - interval '1 year')::date) AS twr_1y,
       s.annualized_return, s.volatility, s.sharpe, s.sortino, s.max_drawdown, s.var_95, s.cvar_95,
       s.beta, s.alpha, s.tracking_error,
       -- a flow or the final value that could not be converted makes the XIRR unknown, not wrong
       (SELECT CASE WHEN bool_and(f.amount IS NOT NULL) THEN portfolio.xirr(f.amount, f.at) END
        FROM (SELECT (d.withdrawals - d.deposits)::float8 AS amount, d.day AS at
              FROM days d WHERE d.portfolio_id = b.portfolio_id AND d.net_flow <> 0
              UNION ALL
              SELECT d.market_value::float8, d.day
              FROM days d WHERE d.portfolio_id = b.portfolio_id AND d.day = b.last_day) f) AS xirr
FROM bounds b
CROSS JOIN LATERAL (
    SELECT portfolio.annualized_return(p.r, 365) AS annualized_return,
           portfolio.volatility(p.r, 365) AS volatility,
           portfolio.sharpe(p.r, 0, 365) AS sharpe,
           portfolio.sortino(p.r, 0, 365) AS sortino,
           portfolio.max_drawdown(p.r ORDER BY p.day) AS max_drawdown,
           portfolio.var_historical(p.r, 0.95) AS var_95,
           portfolio.cvar_historical(p.r, 0.95) AS cvar_95,
           portfolio.beta(p.r, p.rb) AS beta,
           portfolio.alpha(p.r, p.rb, 0, 365) AS alpha,
           portfolio.tracking_error(p.r, p.rb, 365) AS tracking_error
    FROM paired p WHERE p.portfolio_id = b.portfolio_id) s;
COMMENT ON VIEW portfolio.performance IS
    'per portfolio: TWR since inception, YTD and 1Y, annualized return, volatility, Sharpe, Sortino, max drawdown, '
    'VaR/CVaR 95 % (historical), beta/alpha/tracking error against the benchmark symbol, XIRR';
