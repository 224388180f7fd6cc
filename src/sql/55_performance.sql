-- performance: one row of return and risk figures per portfolio, built on the analytics aggregates.
--
-- Per portfolio, from portfolio_daily (as of the last portfolio.refresh()):
--  * daily returns r_t over calendar days (weekends and holidays carry the last value: r = 0);
--    statistics annualize with 365 periods a year, TWR over a date range with (1+r)^(365/days) - 1.
--  * the benchmark's daily return from its quotes (benchmark_daily_returns below) on the same days.
--  * risk-free rate 0 (Sharpe, alpha), minimum acceptable return 0 (Sortino).
--  * XIRR: deposits and transfers in are paid in (negative), withdrawals and transfers out paid
--    out (positive), and the last value is paid out on the last day.

-- A symbol's daily simple return on every calendar day from from_day to to_day: the last price of
-- each UTC day, adj_close (a total-return series) where the source has one, else close, carried
-- forward over days without a quote (from the last quote before from_day when there is one). The
-- first day's return is NULL (no previous day). One range scan of the symbol's quotes.
-- A range that ends before it starts gives no rows (as generate_series); an infinite bound is an
-- error (it would generate days without end), and so is a span of more than 200 years.
CREATE FUNCTION portfolio.benchmark_daily_returns(symbol text, from_day date, to_day date)
    RETURNS TABLE (day date, price numeric, r float8)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF NOT isfinite(from_day) OR NOT isfinite(to_day) THEN
        RAISE EXCEPTION 'benchmark_daily_returns: the range % .. % must have finite dates', from_day, to_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- one row a day: a range of millennia (4713 BC ..) would run until statement_timeout
    IF to_day - from_day > portfolio.max_history_days() THEN
        RAISE EXCEPTION 'benchmark_daily_returns: a range of % days is not a plausible quote history', to_day - from_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH closes AS (
        SELECT DISTINCT ON ((q.ts AT TIME ZONE 'UTC')::date)
               (q.ts AT TIME ZONE 'UTC')::date AS day, coalesce(q.adj_close, q.close) AS price
        FROM portfolio.quotes q
        WHERE q.symbol = benchmark_daily_returns.symbol
          AND q.ts >= from_day::timestamp AT TIME ZONE 'UTC'
          AND q.ts < (to_day + 1)::timestamp AT TIME ZONE 'UTC'
        ORDER BY (q.ts AT TIME ZONE 'UTC')::date, q.ts DESC
    ), calendar AS (   -- runs: a day with a close starts a new one (count of closes so far)
        SELECT g.day::date AS day, c.price, count(c.price) OVER (ORDER BY g.day) AS run
        FROM generate_series(from_day, to_day, interval '1 day') g(day)
        LEFT JOIN closes c ON c.day = g.day::date
    ), carried AS (
        SELECT k.day,
               CASE WHEN k.run > 0 THEN max(k.price) OVER (PARTITION BY k.run)
                    ELSE (SELECT coalesce(q.adj_close, q.close) FROM portfolio.quotes q
                          WHERE q.symbol = benchmark_daily_returns.symbol
                            AND q.ts < from_day::timestamp AT TIME ZONE 'UTC'
                          ORDER BY q.ts DESC LIMIT 1)
               END AS price
        FROM calendar k
    )
    SELECT c.day, c.price, (c.price / lag(c.price) OVER (ORDER BY c.day) - 1)::float8
    FROM carried c
    ORDER BY c.day;
END
$$;
COMMENT ON FUNCTION portfolio.benchmark_daily_returns(text, date, date) IS
    'a symbol''s daily return on every calendar day of a range: last adj_close (else close) of each UTC day, '
    'carried forward over days without a quote';

-- Every part is a LATERAL subquery of one portfolio, so a query for one portfolio
-- (WHERE portfolio_id = ...) reads only that portfolio's days and its benchmark's quotes.
CREATE VIEW portfolio.performance WITH (security_invoker = true) AS
SELECT pf.id AS portfolio_id, b.first_day, b.last_day,
       s.twr_since_inception, s.twr_ytd, s.twr_1y,
       s.annualized_return, s.volatility, s.sharpe, s.sortino, s.max_drawdown, s.var_95, s.cvar_95,
       s.beta, s.alpha, s.tracking_error,
       -- a flow or the final value that could not be converted makes the XIRR unknown, not wrong
       CASE WHEN s.xirr_amounts_known THEN s.xirr END AS xirr
FROM portfolio.portfolios pf
CROSS JOIN LATERAL (
    SELECT min(d.day) AS first_day, max(d.day) AS last_day
    FROM portfolio.portfolio_daily d WHERE d.portfolio_id = pf.id) b
CROSS JOIN LATERAL (
    SELECT portfolio.twr(p.r) AS twr_since_inception,
           portfolio.twr(p.r) FILTER (WHERE p.day >= date_trunc('year', b.last_day)::date) AS twr_ytd,
           portfolio.twr(p.r) FILTER (WHERE p.day > (b.last_day - interval '1 year')::date) AS twr_1y,
           portfolio.annualized_return(p.r, 365) AS annualized_return,
           portfolio.volatility(p.r, 365) AS volatility,
           portfolio.sharpe(p.r, 0, 365) AS sharpe,
           portfolio.sortino(p.r, 0, 365) AS sortino,
           portfolio.max_drawdown(p.r ORDER BY p.day) AS max_drawdown,
           portfolio.var_historical(p.r, 0.95) AS var_95,
           portfolio.cvar_historical(p.r, 0.95) AS cvar_95,
           portfolio.beta(p.r, p.rb) AS beta,
           portfolio.alpha(p.r, p.rb, 0, 365) AS alpha,
           portfolio.tracking_error(p.r, p.rb, 365) AS tracking_error,
           bool_and(p.xirr_amount IS NOT NULL) FILTER (WHERE p.xirr_day) AS xirr_amounts_known,
           portfolio.xirr(p.xirr_amount, p.day) FILTER (WHERE p.xirr_day) AS xirr
    FROM (SELECT d.day, d.daily_return AS r, br.r AS rb,
                 d.net_flow <> 0 OR d.day = b.last_day AS xirr_day,
                 -- the day's external flow as paid out (+) or in (-), plus the final value
                 ((d.withdrawals - d.deposits)
                  + CASE WHEN d.day = b.last_day THEN d.market_value ELSE 0 END)::float8 AS xirr_amount
          FROM portfolio.portfolio_daily d
          LEFT JOIN portfolio.benchmark_daily_returns(pf.benchmark_symbol, b.first_day, b.last_day) br
                 ON br.day = d.day
          WHERE d.portfolio_id = pf.id) p
) s
WHERE b.first_day IS NOT NULL;
COMMENT ON VIEW portfolio.performance IS
    'per portfolio: TWR since inception, YTD and 1Y, annualized return, volatility, Sharpe, Sortino, max drawdown, '
    'VaR/CVaR 95 % (historical), beta/alpha/tracking error against the benchmark symbol, XIRR';
