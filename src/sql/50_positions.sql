-- Current positions, cash and allocation (what dashboards read). Every view is security_invoker:
-- it shows exactly the rows the caller's row-level security lets them see. "Current" is as of
-- portfolio.as_of() (29_today.sql): transactions and quotes after the end of that day are not seen.

-- FX on a day, the one rule: the rate converting 1 unit of from_ccy into to_ccy on each day of a
-- range is the latest rate on or before the day, at most setting('fx_max_staleness_days') old,
-- from the stored pair or else its inverse (1 / rate; on a day with both, the stored pair).
-- Days with no such rate have no row: never 1, never an unconverted amount. fx_rate() (one day)
-- and the daily series (value_days(), a range per currency pair) both read it.
CREATE FUNCTION portfolio.fx_days(from_ccy text, to_ccy text, from_day date, to_day date)
    RETURNS TABLE (day date, rate numeric)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    WITH obs AS (       -- the observations that can govern a day of the range
        SELECT DISTINCT ON (f.day) f.day, f.rate
        FROM (SELECT r.day, r.rate, 0 AS inverse FROM portfolio.fx_rates r
              WHERE r.base = fx_days.from_ccy AND r.quote = fx_days.to_ccy
                AND r.day >= fx_days.from_day - portfolio.setting('fx_max_staleness_days') AND r.day <= fx_days.to_day
              UNION ALL
              SELECT r.day, 1 / r.rate, 1 FROM portfolio.fx_rates r
              WHERE r.base = fx_days.to_ccy AND r.quote = fx_days.from_ccy
                AND r.day >= fx_days.from_day - portfolio.setting('fx_max_staleness_days') AND r.day <= fx_days.to_day) f
        ORDER BY f.day, f.inverse
    )
    SELECT g::date, o.rate
    FROM (SELECT o.*, lead(o.day) OVER (ORDER BY o.day) AS next_day FROM obs o) o,
         generate_series(greatest(o.day, fx_days.from_day),
                         least(coalesce(o.next_day - 1, fx_days.to_day),
                               o.day + portfolio.setting('fx_max_staleness_days'), fx_days.to_day),
                         interval '1 day') g
    WHERE fx_days.from_ccy <> fx_days.to_ccy;
END;
COMMENT ON FUNCTION portfolio.fx_days(text, text, date, date) IS
    'units of to_ccy per unit of from_ccy on each day of a range, carried forward at most fx_max_staleness_days';

-- One day of fx_days(), and 1 between a currency and itself. PL/pgSQL: it keeps its plan for the
-- session (it is called per holding and per cash currency).
CREATE FUNCTION portfolio.fx_rate(from_ccy text, to_ccy text, on_day date) RETURNS numeric
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF from_ccy = to_ccy THEN
        RETURN 1;
    END IF;
    RETURN (SELECT f.rate FROM portfolio.fx_days(from_ccy, to_ccy, on_day, on_day) f);
END
$$;
COMMENT ON FUNCTION portfolio.fx_rate(text, text, date) IS
    'units of to_ccy per unit of from_ccy on a day, carried forward at most fx_max_staleness_days; NULL when unknown';

-- The cash a transaction moves, in its currency (docs/data-model.md, "cash").
CREATE FUNCTION portfolio.cash_effect(kind portfolio.txn_kind, quantity numeric, price numeric,
                                      fees numeric, amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE kind
        WHEN 'deposit'    THEN amount
        WHEN 'withdrawal' THEN -amount
        WHEN 'buy'        THEN -(quantity * price)
        WHEN 'sell'       THEN quantity * price
        WHEN 'dividend'   THEN amount
        WHEN 'interest'   THEN amount
        ELSE 0
    END - coalesce(fees, 0);

-- The external flow a transaction brings into the portfolio (deposits and transfers in +,
-- withdrawals and transfers out -), in its currency; transfer_out without a price leaves at cost,
-- which only the running position knows (NULL here).
CREATE FUNCTION portfolio.external_flow(kind portfolio.txn_kind, quantity numeric, price numeric, amount numeric)
    RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE kind
        WHEN 'deposit'      THEN amount
        WHEN 'withdrawal'   THEN -amount
        WHEN 'transfer_in'  THEN quantity * price
        WHEN 'transfer_out' THEN -(quantity * price)
        ELSE 0
    END;

-- The arguments position_agg gets from a transactions row: dividends and interest pass their
-- amount as the price and no quantity (income += amount).
CREATE FUNCTION portfolio.position_quantity_arg(kind portfolio.txn_kind, quantity numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN kind IN ('dividend', 'interest') THEN NULL ELSE quantity END;
CREATE FUNCTION portfolio.position_price_arg(kind portfolio.txn_kind, price numeric, amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN kind IN ('dividend', 'interest') THEN amount ELSE price END;

CREATE VIEW portfolio.cash WITH (security_invoker = true) AS
SELECT b.portfolio_id, b.currency, b.balance, b.base_currency,
       trim_scale(fx.rate) AS fx_rate,
       trim_scale(b.balance * fx.rate) AS balance_base
FROM (SELECT t.portfolio_id, t.currency, p.base_currency,
             sum(portfolio.cash_effect(t.kind, t.quantity, t.price, t.fees, t.amount)) AS balance
      FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
      WHERE t.executed_at < (SELECT portfolio.as_of_cutoff())
      GROUP BY t.portfolio_id, t.currency, p.base_currency) b
-- one rate lookup per balance (OFFSET 0 keeps the planner from copying the call into both columns)
CROSS JOIN LATERAL (SELECT portfolio.fx_rate(b.currency, b.base_currency, (SELECT portfolio.as_of())) AS rate
                    OFFSET 0) fx;
COMMENT ON VIEW portfolio.cash IS
    'cash per portfolio and currency from the ledger (deposits, trades, income, fees) up to the as-of day; '
    'base amount at that day''s rate';

CREATE VIEW portfolio.positions WITH (security_invoker = true) AS
WITH held AS (
    SELECT t.portfolio_id, t.instrument,
           portfolio.position_agg(t.executed_at, t.kind,
                                  portfolio.position_quantity_arg(t.kind, t.quantity),
                                  portfolio.position_price_arg(t.kind, t.price, t.amount), t.fees,
                                  p.cost_method,
                                  portfolio.position_label(p.id, p.name, t.instrument)
                                  ORDER BY t.executed_at, portfolio.same_time_order(t.kind), t.id) AS position
    FROM portfolio.transactions t
    JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.instrument IS NOT NULL AND t.executed_at < (SELECT portfolio.as_of_cutoff())
    GROUP BY t.portfolio_id, t.instrument
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
    LEFT JOIN LATERAL (
        SELECT qq.ts, qq.close FROM portfolio.quotes qq
        WHERE qq.symbol = h.instrument AND qq.ts < (SELECT portfolio.as_of_cutoff())
        ORDER BY qq.ts DESC LIMIT 1) q ON true
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
