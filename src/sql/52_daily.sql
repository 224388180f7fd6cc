-- portfolio_daily: per portfolio and calendar day (UTC) up to today(), the value in the base
-- currency with the last quote and FX rate carried forward over weekends, holidays and gaps, the external flows,
-- the P/L parts and the daily return. Materialized (portfolio.refresh() keeps it current); the
-- materialized view itself is private, readers use the view portfolio.portfolio_daily below, which
-- filters on the portfolios the caller may see (materialized views have no row-level security).
CREATE MATERIALIZED VIEW portfolio.portfolio_daily_mv AS
WITH params AS (
    -- today(), not the as-of date: the view below cuts the rows at as_of(), so one refresh serves
    -- every report date (a day's row depends only on what happened up to that day)
    SELECT portfolio.today() AS end_day, portfolio.setting('fx_max_staleness_days') AS fx_days
), txn AS (
    SELECT t.id, t.portfolio_id, t.instrument, t.executed_at, t.kind, t.quantity, t.price, t.fees,
           t.amount, t.currency, p.base_currency, p.cost_method, p.name AS portfolio_name,
           (t.executed_at AT TIME ZONE 'UTC')::date AS day
    FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
), running AS (      -- the position after each transaction of an instrument
    SELECT x.*, portfolio.quantity(x.pos) AS q_after, portfolio.cost_basis(x.pos) AS cost_after,
           portfolio.realized_pl(x.pos) AS realized_after
    FROM (SELECT txn.*,
                 portfolio.position_agg(txn.executed_at, txn.kind,
                                        portfolio.position_quantity_arg(txn.kind, txn.quantity),
                                        portfolio.position_price_arg(txn.kind, txn.price, txn.amount),
                                        txn.fees, txn.cost_method,
                                        format('portfolio %s (%s), instrument %s', txn.portfolio_id,
                                               txn.portfolio_name, txn.instrument))
                     OVER (PARTITION BY txn.portfolio_id, txn.instrument ORDER BY txn.executed_at, txn.id
                           ROWS UNBOUNDED PRECEDING) AS pos
          FROM txn WHERE txn.instrument IS NOT NULL) x
), deltas AS (
    SELECT r.*,
           r.realized_after - coalesce(lag(r.realized_after) OVER pw, 0) AS realized_delta,
           r.cost_after - coalesce(lag(r.cost_after) OVER pw, 0) AS cost_delta,
           row_number() OVER (PARTITION BY r.portfolio_id, r.instrument, r.day
                              ORDER BY r.executed_at DESC, r.id DESC) AS nth_from_end_of_day
    FROM running r
    WINDOW pw AS (PARTITION BY r.portfolio_id, r.instrument ORDER BY r.executed_at, r.id)
), holding_spans AS (  -- quantity and cost held at the end of from_day .. to_day
    SELECT d.portfolio_id, d.instrument, d.currency, d.base_currency, d.day AS from_day,
           coalesce(lead(d.day) OVER (PARTITION BY d.portfolio_id, d.instrument ORDER BY d.day) - 1,
                    (SELECT end_day FROM params)) AS to_day,
           d.q_after AS quantity, d.cost_after AS cost
    FROM deltas d WHERE d.nth_from_end_of_day = 1
), closes AS (         -- the last close of each UTC day (daily bars sit at 00:00 UTC)
    SELECT DISTINCT ON (q.symbol, (q.ts AT TIME ZONE 'UTC')::date)
           q.symbol, (q.ts AT TIME ZONE 'UTC')::date AS day, q.close
    FROM portfolio.quotes q
    WHERE q.symbol IN (SELECT s.instrument FROM holding_spans s)
    ORDER BY q.symbol, (q.ts AT TIME ZONE 'UTC')::date, q.ts DESC
), price_days AS (     -- carried forward to the next quote (a holding keeps its last price)
    SELECT c.symbol, g::date AS day, c.close
    FROM (SELECT c.*, lead(c.day) OVER (PARTITION BY c.symbol ORDER BY c.day) AS next_day FROM closes c) c,
         generate_series(c.day, coalesce(c.next_day - 1, (SELECT end_day FROM params)), interval '1 day') g
), fx_pairs AS (
    SELECT DISTINCT t.currency, t.base_currency FROM txn t WHERE t.currency <> t.base_currency
), fx_obs AS (         -- a stored pair, else its inverse
    SELECT DISTINCT ON (p.currency, p.base_currency, f.day) p.currency, p.base_currency, f.day, f.rate
    FROM fx_pairs p
    JOIN LATERAL (SELECT r.day, r.rate, 0 AS inverse FROM portfolio.fx_rates r
                  WHERE r.base = p.currency AND r.quote = p.base_currency
                  UNION ALL
                  SELECT r.day, 1 / r.rate, 1 FROM portfolio.fx_rates r
                  WHERE r.base = p.base_currency AND r.quote = p.currency) f ON true
    ORDER BY p.currency, p.base_currency, f.day, f.inverse
), fx_days AS (        -- carried forward at most fx_days days
    SELECT o.currency, o.base_currency, g::date AS day, o.rate
    FROM (SELECT o.*, lead(o.day) OVER (PARTITION BY o.currency, o.base_currency ORDER BY o.day) AS next_day
          FROM fx_obs o) o,
         generate_series(o.day,
                         least(coalesce(o.next_day - 1, (SELECT end_day FROM params)),
                               o.day + (SELECT fx_days FROM params),
                               (SELECT end_day FROM params)),
                         interval '1 day') g
), prices_base AS (   -- per symbol, base currency and day: the carried close and the FX rate, once
    SELECT pd.symbol, b.base_currency, pd.day, pd.close,
           CASE WHEN i.currency = b.base_currency THEN 1 ELSE f.rate END AS rate
    FROM price_days pd
    JOIN portfolio.instruments i ON i.symbol = pd.symbol
    CROSS JOIN (SELECT DISTINCT t.base_currency FROM txn t) b
    LEFT JOIN fx_days f ON f.currency = i.currency AND f.base_currency = b.base_currency AND f.day = pd.day
), price_arrays AS (   -- one row per symbol and base currency: dense daily arrays
    SELECT pb.symbol, pb.base_currency, min(pb.day) AS first_day,
           array_agg(pb.close ORDER BY pb.day) AS closes, array_agg(pb.rate ORDER BY pb.day) AS rates
    FROM prices_base pb GROUP BY pb.symbol, pb.base_currency
), holding_values AS (   -- one row per holding and day, sliced from the arrays (no join per day)
    SELECT s.portfolio_id, greatest(s.from_day, pa.first_day) + (u.n - 1)::integer AS day,
           s.quantity * u.close * u.rate AS value,
           s.cost * CASE WHEN s.currency = s.base_currency THEN 1 ELSE u.rate END AS cost,
           u.close IS NULL OR u.rate IS NULL AS missing
    FROM holding_spans s
    JOIN price_arrays pa ON pa.symbol = s.instrument AND pa.base_currency = s.base_currency
    CROSS JOIN LATERAL unnest(
        pa.closes[greatest(s.from_day, pa.first_day) - pa.first_day + 1 : s.to_day - pa.first_day + 1],
        pa.rates[greatest(s.from_day, pa.first_day) - pa.first_day + 1 : s.to_day - pa.first_day + 1])
        WITH ORDINALITY u(close, rate, n)
    WHERE s.quantity <> 0
    UNION ALL            -- days held before the instrument's first quote, or with none: unpriced
    SELECT s.portfolio_id, g::date, NULL, NULL, true
    FROM holding_spans s
    LEFT JOIN price_arrays pa ON pa.symbol = s.instrument AND pa.base_currency = s.base_currency
    CROSS JOIN generate_series(s.from_day, least(s.to_day, coalesce(pa.first_day - 1, s.to_day)), interval '1 day') g
    WHERE s.quantity <> 0
), securities AS (
    SELECT h.portfolio_id, h.day, sum(h.value) AS value, sum(h.cost) AS cost,
           count(*) FILTER (WHERE h.missing) AS missing
    FROM holding_values h
    GROUP BY h.portfolio_id, h.day
), cash_spans AS (
    SELECT c.portfolio_id, c.currency, c.base_currency, c.day AS from_day,
           coalesce(lead(c.day) OVER pw - 1, (SELECT end_day FROM params)) AS to_day,
           sum(c.delta) OVER pw AS balance
    FROM (SELECT t.portfolio_id, t.currency, t.base_currency, t.day,
                 sum(portfolio.cash_effect(t.kind, t.quantity, t.price, t.fees, t.amount)) AS delta
          FROM txn t GROUP BY t.portfolio_id, t.currency, t.base_currency, t.day) c
    WINDOW pw AS (PARTITION BY c.portfolio_id, c.currency ORDER BY c.day)
), cash AS (
    SELECT s.portfolio_id, g::date AS day,
           sum(s.balance * CASE WHEN s.currency = s.base_currency THEN 1 ELSE f.rate END) AS value,
           count(*) FILTER (WHERE s.currency <> s.base_currency AND f.rate IS NULL) AS missing
    FROM cash_spans s
    CROSS JOIN generate_series(s.from_day, s.to_day, interval '1 day') g
    LEFT JOIN fx_days f ON f.currency = s.currency AND f.base_currency = s.base_currency AND f.day = g::date
    WHERE s.balance <> 0
    GROUP BY s.portfolio_id, g::date
), events AS (         -- flows and P/L parts of each transaction, in its currency
    SELECT d.portfolio_id, d.day, d.currency, d.base_currency,
           CASE WHEN d.kind = 'transfer_in' THEN d.quantity * d.price ELSE 0 END AS inflow,
           CASE WHEN d.kind = 'transfer_out' THEN coalesce(d.quantity * d.price, -d.cost_delta) ELSE 0 END AS outflow,
           d.realized_delta AS realized,
           CASE WHEN d.kind IN ('dividend', 'interest') THEN d.amount ELSE 0 END AS income,
           CASE WHEN d.kind IN ('buy', 'sell', 'transfer_in', 'transfer_out') THEN 0 ELSE d.fees END AS fees
    FROM deltas d
    UNION ALL
    SELECT t.portfolio_id, t.day, t.currency, t.base_currency,
           CASE WHEN t.kind = 'deposit' THEN t.amount ELSE 0 END,
           CASE WHEN t.kind = 'withdrawal' THEN t.amount ELSE 0 END,
           0,
           CASE WHEN t.kind = 'interest' THEN t.amount ELSE 0 END,
           t.fees
    FROM txn t WHERE t.instrument IS NULL
), event_days AS (
    SELECT e.portfolio_id, e.day,
           sum(e.inflow * fx.rate) AS deposits, sum(e.outflow * fx.rate) AS withdrawals,
           sum(e.realized * fx.rate) AS realized, sum(e.income * fx.rate) AS income,
           sum(e.fees * fx.rate) AS fees,
           count(*) FILTER (WHERE fx.rate IS NULL) AS missing
    FROM events e
    LEFT JOIN fx_days f ON f.currency = e.currency AND f.base_currency = e.base_currency AND f.day = e.day
    CROSS JOIN LATERAL (SELECT CASE WHEN e.currency = e.base_currency THEN 1::numeric ELSE f.rate END AS rate) fx
    GROUP BY e.portfolio_id, e.day
), calendar AS (
    SELECT f.portfolio_id, g::date AS day
    FROM (SELECT t.portfolio_id, min(t.day) AS first_day FROM txn t GROUP BY t.portfolio_id) f,
         generate_series(f.first_day, (SELECT end_day FROM params), interval '1 day') g
), daily AS (
    SELECT c.portfolio_id, c.day,
           CASE WHEN coalesce(s.missing, 0) + coalesce(k.missing, 0) = 0
                THEN coalesce(s.value, 0) + coalesce(k.value, 0) END AS market_value,
           CASE WHEN coalesce(s.missing, 0) = 0 THEN coalesce(s.value, 0) END AS securities_value,
           CASE WHEN coalesce(k.missing, 0) = 0 THEN coalesce(k.value, 0) END AS cash_value,
           CASE WHEN coalesce(s.missing, 0) = 0 THEN coalesce(s.cost, 0) END AS cost_basis,
           coalesce(e.deposits, 0) AS deposits,
           coalesce(e.withdrawals, 0) AS withdrawals,
           coalesce(e.realized, 0) AS realized_pl,
           coalesce(e.income, 0) AS income,
           coalesce(e.fees, 0) AS fees,
           (coalesce(s.missing, 0) + coalesce(k.missing, 0) + coalesce(e.missing, 0))::integer AS unconverted
    FROM calendar c
    LEFT JOIN securities s ON s.portfolio_id = c.portfolio_id AND s.day = c.day
    LEFT JOIN cash k ON k.portfolio_id = c.portfolio_id AND k.day = c.day
    LEFT JOIN event_days e ON e.portfolio_id = c.portfolio_id AND e.day = c.day
)
SELECT d.portfolio_id, d.day, trim_scale(d.market_value) AS market_value,
       trim_scale(d.securities_value) AS securities_value, trim_scale(d.cash_value) AS cash_value,
       trim_scale(d.cost_basis) AS cost_basis, trim_scale(d.deposits) AS deposits,
       trim_scale(d.withdrawals) AS withdrawals, trim_scale(d.deposits - d.withdrawals) AS net_flow,
       trim_scale(d.realized_pl) AS realized_pl, trim_scale(d.income) AS income,
       trim_scale(d.fees) AS fees, d.unconverted,
       -- r_t = (V_t + max(-F_t, 0)) / (V_{t-1} + max(F_t, 0)) - 1: inflows count at the start of
       -- the day, outflows at its end (the rule of twr(market_value, net_flow))
       ((d.market_value + greatest(d.withdrawals - d.deposits, 0))
        / nullif(lag(d.market_value, 1, 0::numeric) OVER pw + greatest(d.deposits - d.withdrawals, 0), 0)
        - 1)::float8 AS daily_return
FROM daily d
WINDOW pw AS (PARTITION BY d.portfolio_id ORDER BY d.day);
CREATE UNIQUE INDEX portfolio_daily_mv_key ON portfolio.portfolio_daily_mv (portfolio_id, day);
COMMENT ON MATERIALIZED VIEW portfolio.portfolio_daily_mv IS
    'private: read portfolio.portfolio_daily; refreshed by portfolio.refresh()';

-- Who may read / change a portfolio: members of its owner role (the owner itself included);
-- members of portfolio_reader read every portfolio. A dropped owner role matches nobody.
-- Plain expressions of built-in functions and no SET clause, so the planner inlines them (the
-- SQL-standard body is bound at creation: no search_path risk). For your own queries.
CREATE FUNCTION portfolio.may_write(owner name) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN owner = CURRENT_USER
        OR coalesce(pg_catalog.pg_has_role(pg_catalog.to_regrole(owner::text), 'MEMBER'), false);
CREATE FUNCTION portfolio.reads_all() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce(pg_catalog.pg_has_role(pg_catalog.to_regrole('portfolio_reader'), 'MEMBER'), false);
CREATE FUNCTION portfolio.may_read(owner name) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN portfolio.reads_all() OR portfolio.may_write(owner);

-- The same rule for row-level security, where it runs once per portfolio row: the names of the
-- roles current_user is a member of, directly or through other roles, itself included (the
-- owners for which may_write() is true, for a role that is not a superuser; superusers and the
-- tables' owner bypass row-level security, and superusers are members of portfolio_reader).
-- Policies and views write the rule as
--     (SELECT portfolio.reads_all()) OR owner = ANY ((SELECT portfolio.member_roles())::name[])
-- (the cast makes "ANY (...)" take an array expression, not a subquery of rows).
-- Both scalar subqueries are independent of the row, so the planner runs each once per query (an
-- InitPlan) and a row costs one comparison with a few names, instead of a role lookup by name
-- (to_regrole) and a membership test. bench/model.sh, positions of one portfolio among 1,000:
-- 21 ms -> 7 ms as portfolio_reader. (A function with a subquery is not inlined, so this cannot
-- live inside may_write.) test/pgtap/40_model_security.sql checks both forms agree.
-- PL/pgSQL: its plan is kept for the session (a SQL function would plan the recursive query again
-- in every InitPlan, about 1 ms each, and a policy query has several).
CREATE FUNCTION portfolio.member_roles() RETURNS name[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (WITH RECURSIVE member_of(role_id) AS (
                SELECT r.oid FROM pg_roles r WHERE r.rolname = CURRENT_USER
                UNION
                SELECT m.roleid FROM pg_auth_members m JOIN member_of ON m.member = member_of.role_id)
            SELECT array_agg(r.rolname) FROM member_of JOIN pg_roles r ON r.oid = member_of.role_id);
END
$$;

-- Not security_invoker on purpose: it reads the private materialized view with its owner's
-- rights and applies the portfolios' access rule itself, for the calling role (current_user).
-- security_barrier keeps a caller's leaky functions from seeing rows before the filter.
CREATE VIEW portfolio.portfolio_daily WITH (security_barrier = true) AS
SELECT d.*
FROM portfolio.portfolio_daily_mv d
JOIN portfolio.portfolios p ON p.id = d.portfolio_id
WHERE d.day <= (SELECT portfolio.as_of())
  AND ((SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]));
COMMENT ON VIEW portfolio.portfolio_daily IS
    'per portfolio and day up to portfolio.as_of(): value in base currency (last quote and FX carried '
    'forward), flows, P/L parts, daily return; only the portfolios the caller may read; as of the last '
    'portfolio.refresh()';
