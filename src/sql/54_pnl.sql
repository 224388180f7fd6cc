-- How a portfolio's value changed over [from_day, to_day], in its base currency:
--   end_value = start_value + deposits - withdrawals + unrealized_gains + realized_gains
--               + income - fees + currency_gains                         (exactly, in numeric)
-- start_value is the value at the end of from_day - 1 (0 before the first transaction).
-- Trading fees are inside realized and unrealized gains (they raise cost, cut proceeds); fees
-- here are the others (fee transactions, withholding on dividends, deposit and split fees).
-- Unrealized gains are the change of (market value - cost basis) of the securities, both at each
-- day's FX rate; realized gains and income are converted on the day they happen; currency_gains
-- is what remains: the FX effect on cost bases and cash balances (0 in a one-currency portfolio).
-- Reads portfolio_daily, so it is as current as the last portfolio.refresh(). A portfolio the
-- caller cannot see (row-level security) is "not found", as in rebalance(), never a row of zeros.
CREATE FUNCTION portfolio.pnl_breakdown(portfolio bigint, from_day date, to_day date)
    RETURNS TABLE (start_value numeric, deposits numeric, withdrawals numeric,
                   unrealized_gains numeric, realized_gains numeric, income numeric, fees numeric,
                   currency_gains numeric, end_value numeric, complete boolean)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF NOT EXISTS (SELECT 1 FROM portfolio.portfolios p WHERE p.id = $1) THEN
        RAISE EXCEPTION 'pnl_breakdown: portfolio % not found', $1
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH first AS (
        SELECT min(d.day) AS first_day FROM portfolio.portfolio_daily d WHERE d.portfolio_id = $1
    ), s AS (
        SELECT CASE WHEN $2 - 1 < f.first_day THEN 0 ELSE d.market_value END AS value,
               CASE WHEN $2 - 1 < f.first_day THEN 0 ELSE d.securities_value - d.cost_basis END AS unrealized
        FROM first f
        LEFT JOIN portfolio.portfolio_daily d ON d.portfolio_id = $1 AND d.day = $2 - 1
    ), e AS (
        SELECT d.market_value AS value, d.securities_value - d.cost_basis AS unrealized
        FROM (SELECT 1) one
        LEFT JOIN portfolio.portfolio_daily d ON d.portfolio_id = $1 AND d.day = $3
    ), f AS (
        SELECT coalesce(sum(d.deposits), 0) AS deposits, coalesce(sum(d.withdrawals), 0) AS withdrawals,
               coalesce(sum(d.realized_pl), 0) AS realized, coalesce(sum(d.income), 0) AS income,
               coalesce(sum(d.fees), 0) AS fees, coalesce(sum(d.unconverted), 0) AS unconverted
        FROM portfolio.portfolio_daily d
        WHERE d.portfolio_id = $1 AND d.day BETWEEN $2 AND $3
    )
    SELECT trim_scale(s.value), trim_scale(f.deposits), trim_scale(f.withdrawals),
           trim_scale(e.unrealized - s.unrealized), trim_scale(f.realized), trim_scale(f.income),
           trim_scale(f.fees),
           trim_scale(e.value - s.value - f.deposits + f.withdrawals - (e.unrealized - s.unrealized)
                      - f.realized - f.income + f.fees),
           trim_scale(e.value),
           s.value IS NOT NULL AND e.value IS NOT NULL AND f.unconverted = 0
    FROM s, e, f
    WHERE $2 <= $3;
END
$$;
COMMENT ON FUNCTION portfolio.pnl_breakdown(bigint, date, date) IS
    'start value, deposits, withdrawals, unrealized and realized gains, income, fees, currency gains, end value; '
    'the parts add up to the change exactly';

CREATE VIEW portfolio.pnl_monthly WITH (security_invoker = true) AS
SELECT m.portfolio_id, m.month, m.last_day, b.*
FROM (SELECT d.portfolio_id, date_trunc('month', d.day)::date AS month, max(d.day) AS last_day
      FROM portfolio.portfolio_daily d GROUP BY 1, 2) m
CROSS JOIN LATERAL portfolio.pnl_breakdown(m.portfolio_id, m.month, m.last_day) b;
COMMENT ON VIEW portfolio.pnl_monthly IS 'pnl_breakdown per portfolio and calendar month (the current month to date)';
