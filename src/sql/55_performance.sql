-- performance: one row of return and risk figures per portfolio, built on the analytics aggregates.
--
-- Per portfolio, from portfolio_daily (as of the last portfolio.refresh()):
--  * TWR (since inception, YTD, 1Y) and XIRR from the calendar-day series: they compound every
--    day's flows and values, and a day without a quote adds nothing (r = 0).
--  * the return statistics (annualized return, volatility, Sharpe, Sortino, max drawdown,
--    VaR/CVaR, beta, alpha, tracking error) over trading days (trading_day_returns below), with
--    252 periods a year: weekends, holidays and the days after the last quote are not periods of
--    zero return (they would understate risk). last_priced_day says how current the figures are.
--  * the benchmark's return between the same trading days, from its quotes.
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

-- A portfolio's return per trading day (a day with a quote of an instrument it held that day):
-- the calendar days' returns compounded from the day after the previous trading day through this
-- one (so a weekend's deposit is counted, and nothing is lost), and the benchmark's price change
-- between the same two trading days. Days after the last trading day belong to no period. The
-- first trading day has no return (r is NULL) when nothing was valued before it.
-- Worked example (docs/data-model.md): a portfolio valued Friday 100, Saturday and Sunday 100
-- (carried), Monday 103: trading days Friday and Monday, Monday's r = 1.00 * 1.00 * 1.03 - 1 = 0.03.
CREATE FUNCTION portfolio.trading_day_returns(portfolio bigint)
    RETURNS TABLE (day date, r float8, rb float8)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH days AS (
        SELECT d.day, d.daily_return, d.trading_day,
               -- the trading day closing the period the day belongs to: the first one on or after it
               min(d.day) FILTER (WHERE d.trading_day) OVER (ORDER BY d.day DESC ROWS UNBOUNDED PRECEDING)
                   AS period_day
        FROM portfolio.portfolio_daily d WHERE d.portfolio_id = trading_day_returns.portfolio
    ), periods AS (
        SELECT x.period_day AS day, portfolio.twr(x.daily_return ORDER BY x.day) AS r   -- in day order, as below
        FROM days x WHERE x.period_day IS NOT NULL GROUP BY x.period_day
    ), bench AS (
        SELECT b.day, b.price
        FROM portfolio.portfolios pf
        CROSS JOIN LATERAL portfolio.benchmark_daily_returns(pf.benchmark_symbol,
            (SELECT min(x.day) FROM days x), (SELECT max(x.day) FROM days x)) b
        WHERE pf.id = trading_day_returns.portfolio AND pf.benchmark_symbol IS NOT NULL
    )
    SELECT p.day, p.r, (b.price / lag(b.price) OVER (ORDER BY p.day) - 1)::float8
    FROM periods p LEFT JOIN bench b ON b.day = p.day
    ORDER BY p.day;
END;
COMMENT ON FUNCTION portfolio.trading_day_returns(bigint) IS
    'a portfolio''s return per trading day (calendar days compounded since the previous one) and its benchmark''s';

-- The return statistics of a portfolio between two days, over its trading days in the range (the
-- first one's return reaches back to the trading day before), with 252 periods a year; the
-- benchmark's over the same periods. The one definition the performance view and the tearsheet's
-- period figures use.
CREATE FUNCTION portfolio.performance_between(portfolio bigint, from_day date, to_day date)
    RETURNS TABLE (twr float8, annualized_return float8, volatility float8, sharpe float8,
                   sortino float8, max_drawdown float8, var_95 float8, cvar_95 float8, beta float8,
                   alpha float8, tracking_error float8, benchmark_twr float8, correlation float8,
                   trading_days integer)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT portfolio.twr(t.r),
           portfolio.annualized_return(t.r, 252),
           portfolio.volatility(t.r, 252),
           portfolio.sharpe(t.r, 0, 252),
           portfolio.sortino(t.r, 0, 252),
           portfolio.max_drawdown(t.r ORDER BY t.day),
           portfolio.var_historical(t.r, 0.95),
           portfolio.cvar_historical(t.r, 0.95),
           portfolio.beta(t.r, t.rb),
           portfolio.alpha(t.r, t.rb, 0, 252),
           portfolio.tracking_error(t.r, t.rb, 252),
           portfolio.twr(t.rb),
           corr(t.r, t.rb),
           count(t.r)::integer
    FROM portfolio.trading_day_returns(performance_between.portfolio) t
    WHERE t.day BETWEEN performance_between.from_day AND performance_between.to_day;
END;
COMMENT ON FUNCTION portfolio.performance_between(bigint, date, date) IS
    'return statistics of a portfolio over its trading days between two days (252 a year), and its benchmark''s';

-- One portfolio's figures, computed from its days in portfolio_daily (so as of the as-of day and
-- for the caller): the one computation behind the view and its stored figures. Every part reads
-- only that portfolio's days and its benchmark's quotes.
CREATE FUNCTION portfolio.performance_of(portfolio bigint)
    RETURNS TABLE (first_day date, last_day date, twr_since_inception float8, twr_ytd float8, twr_1y float8,
                   annualized_return float8, volatility float8, sharpe float8, sortino float8,
                   max_drawdown float8, var_95 float8, cvar_95 float8, beta float8, alpha float8,
                   tracking_error float8, xirr float8, last_priced_day date, trading_days integer)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
SELECT b.first_day, b.last_day,
       c.twr_since_inception, c.twr_ytd, c.twr_1y,
       s.annualized_return, s.volatility, s.sharpe, s.sortino, s.max_drawdown, s.var_95, s.cvar_95,
       s.beta, s.alpha, s.tracking_error,
       -- a flow or the final value that could not be converted makes the XIRR unknown, not wrong
       CASE WHEN c.xirr_amounts_known THEN c.xirr END,
       b.last_priced_day, s.trading_days
FROM (SELECT min(d.day) AS first_day, max(d.day) AS last_day,
             max(d.day) FILTER (WHERE d.trading_day) AS last_priced_day
      FROM portfolio.portfolio_daily d WHERE d.portfolio_id = performance_of.portfolio) b
CROSS JOIN LATERAL (
    -- in day order: a floating-point sum depends on the order of its terms, and the scan of
    -- portfolio_daily may return the days in any order (by the index or as stored), so without it a
    -- stored figure and the same figure computed later could differ in the last bits
    SELECT portfolio.twr(p.r ORDER BY p.day) AS twr_since_inception,
           portfolio.twr(p.r ORDER BY p.day) FILTER (WHERE p.day >= date_trunc('year', b.last_day)::date) AS twr_ytd,
           portfolio.twr(p.r ORDER BY p.day) FILTER (WHERE p.day > (b.last_day - interval '1 year')::date) AS twr_1y,
           bool_and(p.xirr_amount IS NOT NULL) FILTER (WHERE p.xirr_day) AS xirr_amounts_known,
           portfolio.xirr(p.xirr_amount, p.day ORDER BY p.day) FILTER (WHERE p.xirr_day) AS xirr
    FROM (SELECT d.day, d.daily_return AS r,
                 d.net_flow <> 0 OR d.day = b.last_day AS xirr_day,
                 -- the day's external flow as paid out (+) or in (-), plus the final value
                 ((d.withdrawals - d.deposits)
                  + CASE WHEN d.day = b.last_day THEN d.market_value ELSE 0 END)::float8 AS xirr_amount
          FROM portfolio.portfolio_daily d
          WHERE d.portfolio_id = performance_of.portfolio) p
) c
CROSS JOIN LATERAL portfolio.performance_between(performance_of.portfolio, b.first_day, b.last_day) s
WHERE b.first_day IS NOT NULL;
END;
COMMENT ON FUNCTION portfolio.performance_of(bigint) IS
    'one portfolio''s row of portfolio.performance, computed from its days in portfolio_daily';

-- The figures of each portfolio as computed after its last refresh (portfolio.refresh_figures()),
-- so that reading them costs a row, not a pass over the portfolio's days: 17 ms a portfolio at
-- 5 years, 16 s for the BI role's averages over 1,000 portfolios. Private, like daily_series.
-- A stored row stands for exactly what performance_of() would compute while
--   * the series is the one it was computed from (refreshed_at equals valuation_status'),
--   * the benchmark symbol is the same and none of its quotes up to last_day is queued as changed
--     (a changed quote of a portfolio's benchmark marks it, 53_valuation_queue.sql), nor anything
--     else up to last_day,
--   * and the as-of day does not cut the series (last_day <= as_of()).
-- Otherwise the view computes the portfolio's figures as it reads them.
CREATE TABLE portfolio.performance_figures (
    portfolio_id        bigint      PRIMARY KEY REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    refreshed_at        timestamptz NOT NULL,   -- valuation_status.refreshed_at of the series used
    benchmark_symbol    text,
    first_day           date, last_day date,
    twr_since_inception float8, twr_ytd float8, twr_1y float8,
    annualized_return   float8, volatility float8, sharpe float8, sortino float8, max_drawdown float8,
    var_95              float8, cvar_95 float8, beta float8, alpha float8, tracking_error float8,
    xirr                float8, last_priced_day date, trading_days integer
);
COMMENT ON TABLE portfolio.performance_figures IS
    'private: read portfolio.performance; each portfolio''s figures after its last refresh (portfolio.refresh_figures())';

-- The stored figures that stand (see above), of the portfolios the caller may read (the access
-- rule on the joined portfolio row). Not security_invoker, like portfolio_daily (the table is
-- private); security_barrier.
CREATE VIEW portfolio.performance_stored WITH (security_barrier = true) AS
SELECT f.portfolio_id, f.first_day, f.last_day, f.twr_since_inception, f.twr_ytd, f.twr_1y,
       f.annualized_return, f.volatility, f.sharpe, f.sortino, f.max_drawdown, f.var_95, f.cvar_95,
       f.beta, f.alpha, f.tracking_error, f.xirr, f.last_priced_day, f.trading_days
FROM portfolio.performance_figures f
JOIN portfolio.portfolios p ON p.id = f.portfolio_id
JOIN portfolio.valuation_status s ON s.portfolio_id = f.portfolio_id
WHERE f.refreshed_at = s.refreshed_at
  AND f.benchmark_symbol IS NOT DISTINCT FROM p.benchmark_symbol
  AND f.last_day <= (SELECT portfolio.as_of())
  AND NOT EXISTS (SELECT 1 FROM portfolio.valuation_queue q
                  WHERE q.portfolio_id = f.portfolio_id AND q.from_day <= f.last_day)
  AND ((SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]));   -- the access rule (44_access_rule.sql)
COMMENT ON VIEW portfolio.performance_stored IS
    'the stored performance figures that equal a computation now, of the portfolios the caller may read';

-- Stores the figures of the given portfolios (NULL: all) whose stored row is missing or no longer
-- stands, computed for today (whatever the caller's portfolio.as_of); returns how many. Scheduled
-- every minute by schedule_refresh() (pg_portfolio_figures), and run by refresh(portfolio) for
-- that portfolio. A run beside a refresh may store figures of the series before it: they do not
-- stand (refreshed_at differs), and the next run replaces them.
CREATE FUNCTION portfolio.refresh_figures(portfolio_ids bigint[] DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    SET portfolio.as_of = ''
AS $$
DECLARE
    n integer;
BEGIN
    INSERT INTO portfolio.performance_figures AS f
    SELECT s.portfolio_id, s.refreshed_at, p.benchmark_symbol, x.*
    FROM portfolio.valuation_status s
    JOIN portfolio.portfolios p ON p.id = s.portfolio_id
    CROSS JOIN LATERAL portfolio.performance_of(s.portfolio_id) x
    WHERE s.refreshed_at IS NOT NULL
      AND (portfolio_ids IS NULL OR s.portfolio_id = ANY (portfolio_ids))
      AND NOT EXISTS (SELECT 1 FROM portfolio.performance_figures g
                      WHERE g.portfolio_id = s.portfolio_id AND g.refreshed_at = s.refreshed_at
                        AND g.benchmark_symbol IS NOT DISTINCT FROM p.benchmark_symbol)
    ON CONFLICT (portfolio_id) DO UPDATE
        SET (refreshed_at, benchmark_symbol, first_day, last_day, twr_since_inception, twr_ytd, twr_1y,
             annualized_return, volatility, sharpe, sortino, max_drawdown, var_95, cvar_95, beta, alpha,
             tracking_error, xirr, last_priced_day, trading_days)
          = (excluded.refreshed_at, excluded.benchmark_symbol, excluded.first_day, excluded.last_day,
             excluded.twr_since_inception, excluded.twr_ytd, excluded.twr_1y, excluded.annualized_return,
             excluded.volatility, excluded.sharpe, excluded.sortino, excluded.max_drawdown, excluded.var_95,
             excluded.cvar_95, excluded.beta, excluded.alpha, excluded.tracking_error, excluded.xirr,
             excluded.last_priced_day, excluded.trading_days);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION portfolio.refresh_figures(bigint[]) IS
    'stores the performance figures of the portfolios (NULL: all) whose stored ones no longer stand; returns how many';
REVOKE ALL ON FUNCTION portfolio.refresh_figures(bigint[]) FROM PUBLIC;

-- Per portfolio the stored figures where they stand, else computed as the view is read.
CREATE VIEW portfolio.performance WITH (security_invoker = true) AS
SELECT * FROM portfolio.performance_stored
UNION ALL
SELECT pf.id AS portfolio_id, x.*
FROM portfolio.portfolios pf
CROSS JOIN LATERAL portfolio.performance_of(pf.id) x
-- a scalar subquery, not NOT EXISTS: as a filter on pf it runs before the figures are computed
-- (NOT EXISTS became an anti join that the planner put after them)
WHERE (SELECT f.portfolio_id FROM portfolio.performance_stored f WHERE f.portfolio_id = pf.id) IS NULL;
COMMENT ON VIEW portfolio.performance IS
    'per portfolio: TWR since inception, YTD and 1Y, XIRR (calendar days); annualized return, volatility, Sharpe, '
    'Sortino, max drawdown, VaR/CVaR 95 % (historical), beta/alpha/tracking error against the benchmark symbol '
    'over trading days (252 a year); the last priced day and the number of trading-day returns';
