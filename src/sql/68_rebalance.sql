-- Rebalancing: the trades that bring a portfolio closest to target weights, in whole lots.

-- The trading unit of an instrument (1 = whole shares; 100 for a round-lot market; 0.001 for a
-- fund that trades in thousandths). rebalance() trades multiples of it.
ALTER TABLE portfolio.instruments ADD COLUMN lot_size numeric NOT NULL DEFAULT 1 CHECK (lot_size > 0);
COMMENT ON COLUMN portfolio.instruments.lot_size IS 'trading unit: rebalance() buys and sells multiples of it';

-- The optimiser (src/core/rebalance.*): quantities to hold, then cash left and total cost.
CREATE FUNCTION portfolio.rebalance_plan(held numeric[], price numeric[], lot numeric[], weight numeric[],
                                         cash numeric, cost_rate numeric) RETURNS numeric[]
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'pgp_rebalance_plan';
COMMENT ON FUNCTION portfolio.rebalance_plan(numeric[], numeric[], numeric[], numeric[], numeric, numeric) IS
    'lot-rounded quantities to hold closest (least squares in money) to the weights within the cash; '
    'the result has the quantities, then the cash left and the total trading cost';

-- rebalance(portfolio_id, targets): targets is a JSON object symbol -> weight, e.g.
-- {"AAPL": 0.4, "MSFT": 0.5, "_cash": 0.1}; "_cash" (optional) is the share to keep in cash.
-- Weights are >= 0 and sum to 1 within 1e-6; held instruments missing from the targets are sold.
-- Prices: the last close up to the as-of day (portfolio.as_of(), today unless set), converted to
-- the base currency at the rate of its day (as positions does); cash: every balance at the as-of
-- day's rate. The estimated cost is
-- setting('rebalance_cost_bps') basis points of each trade's value. Runs with the caller's
-- rights (row-level security): a portfolio the caller cannot see is "not found".
CREATE FUNCTION portfolio.rebalance(portfolio_id bigint, targets jsonb)
    RETURNS TABLE (symbol text, side text, quantity numeric, price numeric, estimated_value numeric,
                   estimated_cost numeric, weight_before numeric, weight_after numeric)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    base text;
    total_weight numeric;
    bad text;
    cash_base numeric;
    cash_missing boolean;
    cost_rate numeric := portfolio.setting('rebalance_cost_bps')::numeric / 10000;
    syms text[];
    helds numeric[];
    prices numeric[];
    prices_base numeric[];
    lots numeric[];
    weights numeric[];
    plan numeric[];
    n integer;
    total numeric;
    total_after numeric;
BEGIN
    IF targets IS NULL OR jsonb_typeof(targets) <> 'object' THEN
        RAISE EXCEPTION 'rebalance: targets must be a JSON object of symbol -> weight, not %', targets
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT string_agg(format('%s: %s', t.key, t.value), ', ') INTO bad
    FROM jsonb_each(targets) t
    WHERE jsonb_typeof(t.value) <> 'number' OR (t.value::text)::numeric < 0;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'rebalance: target weights must be numbers >= 0 (%)', bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT string_agg(t.key, ', ' ORDER BY t.key) INTO bad
    FROM jsonb_each(targets) t
    WHERE t.key <> '_cash' AND NOT EXISTS (SELECT 1 FROM portfolio.instruments i WHERE i.symbol = t.key);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'rebalance: unknown instruments in the targets: %', bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT coalesce(sum((t.value::text)::numeric), 0) INTO total_weight FROM jsonb_each(targets) t;
    IF abs(total_weight - 1) > 0.000001 THEN
        RAISE EXCEPTION 'rebalance: the target weights sum to %, not 1', total_weight
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Add "_cash": <share> to keep part of the value in cash.';
    END IF;
    SELECT p.base_currency INTO base FROM portfolio.portfolios p WHERE p.id = rebalance.portfolio_id;
    IF base IS NULL THEN
        RAISE EXCEPTION 'rebalance: portfolio % not found', rebalance.portfolio_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT coalesce(sum(c.balance_base), 0), coalesce(bool_or(c.fx_rate IS NULL), false)
      INTO cash_base, cash_missing
      FROM portfolio.cash c WHERE c.portfolio_id = rebalance.portfolio_id;
    IF cash_missing THEN
        RAISE EXCEPTION 'rebalance: portfolio % holds cash in a currency without an FX rate to %', rebalance.portfolio_id, base
            USING ERRCODE = 'data_exception';
    END IF;

    -- every instrument held or targeted, with its quantity, last close and base-currency price
    WITH held AS (
        SELECT ps.instrument, ps.quantity FROM portfolio.positions ps
        WHERE ps.portfolio_id = rebalance.portfolio_id AND ps.quantity <> 0
    ), wanted AS (
        SELECT t.key AS instrument, (t.value::text)::numeric AS weight
        FROM jsonb_each(targets) t WHERE t.key <> '_cash'
    ), assets AS (
        SELECT coalesce(h.instrument, w.instrument) AS instrument, coalesce(h.quantity, 0) AS held,
               coalesce(w.weight, 0) AS weight
        FROM held h FULL JOIN wanted w ON w.instrument = h.instrument
    ), priced AS (
        SELECT a.instrument, a.held, a.weight, i.lot_size, q.close,
               q.close * portfolio.fx_rate(i.currency, base, (q.ts AT TIME ZONE 'UTC')::date) AS price_base
        FROM assets a
        JOIN portfolio.instruments i ON i.symbol = a.instrument
        LEFT JOIN LATERAL (SELECT qq.close, qq.ts FROM portfolio.quotes qq
                           WHERE qq.symbol = a.instrument AND qq.ts < portfolio.as_of_cutoff()
                           ORDER BY qq.ts DESC LIMIT 1) q ON true
    )
    SELECT array_agg(instrument ORDER BY instrument), array_agg(held ORDER BY instrument),
           array_agg(close ORDER BY instrument), array_agg(price_base ORDER BY instrument),
           array_agg(lot_size ORDER BY instrument), array_agg(weight ORDER BY instrument),
           string_agg(instrument, ', ' ORDER BY instrument) FILTER (WHERE price_base IS NULL)
      INTO syms, helds, prices, prices_base, lots, weights, bad
      FROM priced;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'rebalance: no price or no FX rate to % for %', base, bad
            USING ERRCODE = 'data_exception';
    END IF;
    n := coalesce(array_length(syms, 1), 0);
    IF n = 0 THEN
        RETURN;
    END IF;
    plan := portfolio.rebalance_plan(helds, prices_base, lots, weights, cash_base, cost_rate);
    total := cash_base;
    FOR k IN 1..n LOOP
        total := total + helds[k] * prices_base[k];
    END LOOP;
    total_after := total - plan[n + 2];
    RETURN QUERY
        SELECT syms[k],
               CASE WHEN plan[k] > helds[k] THEN 'buy' ELSE 'sell' END,
               abs(plan[k] - helds[k]),
               prices[k],
               trim_scale(abs(plan[k] - helds[k]) * prices_base[k]),
               trim_scale(round(abs(plan[k] - helds[k]) * prices_base[k] * cost_rate, 12)),
               CASE WHEN total <> 0 THEN round(helds[k] * prices_base[k] / total, 6) END,
               CASE WHEN total_after <> 0 THEN round(plan[k] * prices_base[k] / total_after, 6) END
        FROM generate_series(1, n) k
        WHERE plan[k] <> helds[k]
        ORDER BY CASE WHEN plan[k] > helds[k] THEN 1 ELSE 0 END, syms[k];
END
$$;
COMMENT ON FUNCTION portfolio.rebalance(bigint, jsonb) IS
    'trades (sells first, then buys; whole lots) bringing a portfolio closest to target weights {"SYM": w, "_cash": w} '
    'within its cash, never selling more than held';
GRANT EXECUTE ON FUNCTION portfolio.rebalance(bigint, jsonb) TO portfolio_user, portfolio_reader;
