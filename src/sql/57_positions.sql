-- Current positions, cash and allocation (what dashboards read). Every view is security_invoker:
-- it shows exactly the rows the caller's row-level security lets them see. "Current" is as of
-- portfolio.as_of() (29_today.sql): transactions and quotes after the end of that day are not seen.

-- The stored ledger ends (portfolio.ledger_ends, written by refresh) that are current: no ledger
-- change is queued for the portfolio (every write to its ledger queues one, in the writer's own
-- transaction, and only the refresh that stores the new end removes it), and the ledger ends by
-- the as-of day. The positions and cash views read these instead of replaying the ledger: one row
-- per holding instead of every transaction (at 1,000 portfolios x 1,081 transactions the BI
-- role's totals replayed 1.1 million rows at every read). A portfolio without a current end is
-- replayed, so the views never depend on a refresh having run.
-- Not security_invoker, like portfolio_daily: it reads the private table with its owner's rights
-- and applies the portfolios' access rule to the joined portfolio row (44_access_rule.sql says
-- why not through readable_portfolios; security_barrier: no leaky function sees rows before the
-- filter).
CREATE VIEW portfolio.ledger_ends_current WITH (security_barrier = true) AS
SELECT e.portfolio_id, e.instrument, e.currency, e.quantity, e.position
FROM portfolio.ledger_ends e
JOIN portfolio.portfolios p ON p.id = e.portfolio_id
WHERE e.last_day <= (SELECT portfolio.as_of())
  AND NOT EXISTS (SELECT 1 FROM portfolio.valuation_queue q WHERE q.portfolio_id = e.portfolio_id AND q.ledger_changed)
  AND ((SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]));   -- the access rule (44_access_rule.sql)
COMMENT ON VIEW portfolio.ledger_ends_current IS
    'the stored ledger ends that are current for the as-of day (no ledger change queued): positions and cash '
    'read them instead of replaying the ledger';

-- A portfolio's ledger replayed up to the as-of day, for the portfolios without a current stored
-- end: per instrument its position (position_agg in the same-instant order), per currency its
-- cash balance. Functions the planner does not inline: a view over many portfolios is planned with
-- one call of known cost per portfolio it needs, instead of a replay costed for every portfolio
-- (which made the BI role's all-portfolio reads look expensive enough to JIT-compile: seconds).
CREATE FUNCTION portfolio.ledger_positions(portfolio bigint)
    RETURNS TABLE (instrument text, "position" portfolio.position)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 30
    SET search_path = pg_catalog, pg_temp   -- (and so never inlined)
BEGIN ATOMIC
    SELECT t.instrument,
           portfolio.position_agg(t.executed_at, t.kind,
                                  portfolio.position_quantity_arg(t.kind, t.quantity),
                                  portfolio.position_price_arg(t.kind, t.price, t.amount), t.fees,
                                  p.cost_method, portfolio.position_label(p.id, p.name, t.instrument)
                                  ORDER BY t.executed_at, portfolio.same_time_order(t.kind), t.id)
    FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.portfolio_id = ledger_positions.portfolio AND t.instrument IS NOT NULL
      AND t.executed_at < portfolio.as_of_cutoff()
    GROUP BY t.instrument;
END;
CREATE FUNCTION portfolio.ledger_cash(portfolio bigint)
    RETURNS TABLE (currency text, balance numeric)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 3
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT t.currency, sum(portfolio.cash_effect(t.kind, t.quantity, t.price, t.fees, t.amount))
    FROM portfolio.transactions t
    WHERE t.portfolio_id = ledger_cash.portfolio AND t.executed_at < portfolio.as_of_cutoff()
    GROUP BY t.currency;
END;
COMMENT ON FUNCTION portfolio.ledger_positions(bigint) IS
    'a portfolio''s positions from its ledger up to the as-of day (the caller''s rows)';
COMMENT ON FUNCTION portfolio.ledger_cash(bigint) IS
    'a portfolio''s cash balances per currency from its ledger up to the as-of day (the caller''s rows)';

CREATE VIEW portfolio.cash WITH (security_invoker = true) AS
SELECT b.portfolio_id, b.currency, b.balance, b.base_currency,
       trim_scale(fx.rate) AS fx_rate,
       trim_scale(b.balance * fx.rate) AS balance_base
FROM (SELECT s.portfolio_id, s.currency, p.base_currency, s.quantity AS balance
      FROM portfolio.ledger_ends_current s JOIN portfolio.portfolios p ON p.id = s.portfolio_id
      WHERE s.instrument IS NULL
      UNION ALL   -- the portfolios without a current stored end: from their ledger
      SELECT p.id, r.currency, p.base_currency, r.balance
      FROM portfolio.portfolios p
      CROSS JOIN LATERAL portfolio.ledger_cash(p.id) r
      -- (a scalar subquery, not NOT EXISTS: see positions)
      WHERE (SELECT count(*) FROM portfolio.ledger_ends_current s WHERE s.portfolio_id = p.id) = 0) b
-- one rate lookup per balance (OFFSET 0 keeps the planner from copying the call into both columns)
CROSS JOIN LATERAL (SELECT portfolio.fx_rate(b.currency, b.base_currency, (SELECT portfolio.as_of())) AS rate
                    OFFSET 0) fx;
COMMENT ON VIEW portfolio.cash IS
    'cash per portfolio and currency from the ledger (deposits, trades, income, fees) up to the as-of day; '
    'base amount at that day''s rate';

CREATE VIEW portfolio.positions WITH (security_invoker = true) AS
WITH held AS (
    SELECT s.portfolio_id, s.instrument, s.position
    FROM portfolio.ledger_ends_current s WHERE s.instrument IS NOT NULL
    UNION ALL   -- the portfolios without a current stored end: their ledgers replayed
    SELECT p.id, r.instrument, r.position
    FROM portfolio.portfolios p
    CROSS JOIN LATERAL portfolio.ledger_positions(p.id) r
    -- a scalar subquery, not NOT EXISTS: as a filter on p it runs before the replay (NOT EXISTS
    -- became an anti join that the planner put after it)
    WHERE (SELECT count(*) FROM portfolio.ledger_ends_current s WHERE s.portfolio_id = p.id) = 0
), valued AS (
    SELECT h.portfolio_id, p.name AS portfolio_name, h.instrument, i.name AS instrument_name,
           i.asset_class, i.sector, i.currency, p.base_currency, h.position,
           portfolio.quantity(h.position) AS quantity,
           portfolio.average_cost(h.position) AS average_cost,
           portfolio.cost_basis(h.position) AS invested,
           q.close AS market_price,
           q.ts AS price_at,
           portfolio.market_value(h.position, q.close) AS market_value,
           portfolio.unrealized_pl(h.position, q.close) AS unrealized_pl,
           portfolio.realized_pl(h.position) AS realized_pl,
           portfolio.income(h.position) AS income,
           portfolio.fees(h.position) AS fees,
           fx.rate AS fx_rate,
           portfolio.quote_is_stale(q.ts) AS price_stale   -- the one staleness rule (49_staleness.sql)
    FROM held h
    JOIN portfolio.portfolios p ON p.id = h.portfolio_id
    JOIN portfolio.instruments i ON i.symbol = h.instrument
    -- the price (48_prices.sql): the symbol's last quote when it is before the end of the as-of
    -- day, else the last one before that: only then is quote_before called (OFFSET 0 keeps the
    -- subquery whole, so its condition, which names only outer columns, gates the call; pulled
    -- up, it became a filter after the call)
    LEFT JOIN portfolio.last_quotes lq ON lq.symbol = h.instrument AND lq.ts < (SELECT portfolio.as_of_cutoff())
    LEFT JOIN LATERAL (SELECT b.ts, b.close FROM portfolio.quote_before(h.instrument, (SELECT portfolio.as_of_cutoff())) b
                       WHERE lq.symbol IS NULL OFFSET 0) older ON true
    CROSS JOIN LATERAL (SELECT coalesce(lq.ts, older.ts) AS ts, coalesce(lq.close, older.close) AS close) q
    -- OFFSET 0 keeps the planner from copying the call into every column that uses the rate
    LEFT JOIN LATERAL (
        SELECT trim_scale(portfolio.fx_rate(i.currency, p.base_currency,
                                            coalesce((q.ts AT TIME ZONE 'UTC')::date,
                                                     (SELECT portfolio.as_of())))) AS rate
        OFFSET 0) fx ON true
), cash AS (   -- one row per portfolio, so the planner knows it (GROUP BY on a view's column was
               -- estimated at 200 groups: a 200-fold row estimate that made PostgreSQL JIT-compile
               -- the query, 250 ms of a 15 ms query)
    SELECT pc.id AS portfolio_id, k.cash_base, k.cash_fx_missing
    FROM portfolio.portfolios pc
    CROSS JOIN LATERAL (SELECT sum(c.balance_base) AS cash_base, bool_or(c.fx_rate IS NULL) AS cash_fx_missing
                        FROM portfolio.cash c WHERE c.portfolio_id = pc.id) k
)
SELECT v.portfolio_id, v.portfolio_name, v.instrument, v.instrument_name, v.asset_class, v.sector,
       v.currency, v.quantity, v.average_cost, v.invested, v.market_price, v.price_at, v.price_stale,
       v.market_value, v.unrealized_pl,
       CASE WHEN v.invested > 0 THEN round(v.unrealized_pl / v.invested * 100, 4) END AS gain_pct,
       v.realized_pl, v.income, v.fees,
       v.base_currency, v.fx_rate, v.fx_rate IS NULL AS fx_missing,
       trim_scale(v.invested * v.fx_rate) AS invested_base,
       trim_scale(v.market_value * v.fx_rate) AS market_value_base,
       trim_scale(v.unrealized_pl * v.fx_rate) AS unrealized_pl_base,
       -- share of the portfolio's value (securities and cash); NULL while any part is unconverted
       CASE WHEN bool_or(v.fx_rate IS NULL OR v.market_price IS NULL) OVER w OR c.cash_fx_missing THEN NULL
            WHEN sum(v.market_value * v.fx_rate) OVER w + coalesce(c.cash_base, 0) <> 0
            THEN round(v.market_value * v.fx_rate / (sum(v.market_value * v.fx_rate) OVER w + coalesce(c.cash_base, 0)), 6)
       END AS weight,
       v.position
FROM valued v LEFT JOIN cash c ON c.portfolio_id = v.portfolio_id
WINDOW w AS (PARTITION BY v.portfolio_id);
COMMENT ON VIEW portfolio.positions IS
    'per portfolio and instrument: quantity, average cost, invested, last close and its time, market value, '
    'P/L, income, weight, and the money in the base currency at the FX rate of the quote''s day; as of as_of()';

CREATE VIEW portfolio.allocation WITH (security_invoker = true) AS
WITH items AS (
    SELECT portfolio_id, instrument, asset_class, coalesce(sector, '(none)') AS sector, currency,
           market_value_base AS value
    FROM portfolio.positions WHERE quantity <> 0
    UNION ALL
    SELECT portfolio_id, 'cash ' || currency, 'cash', '(cash)', currency, balance_base
    FROM portfolio.cash WHERE balance <> 0
)
SELECT i.portfolio_id, d.dimension, d.bucket,
       trim_scale(sum(i.value)) AS market_value_base,
       CASE WHEN bool_and(bool_and(i.value IS NOT NULL)) OVER w AND sum(sum(i.value)) OVER w <> 0
            THEN round(sum(i.value) / sum(sum(i.value)) OVER w, 6) END AS weight
FROM items i
CROSS JOIN LATERAL (VALUES ('instrument', i.instrument), ('asset_class', i.asset_class),
                           ('sector', i.sector), ('currency', i.currency)) d(dimension, bucket)
GROUP BY i.portfolio_id, d.dimension, d.bucket
WINDOW w AS (PARTITION BY i.portfolio_id, d.dimension);
COMMENT ON VIEW portfolio.allocation IS
    'weights by instrument, asset_class, sector and currency (cash included); NULL weight while any value is unconverted';
