-- The rules every view and the daily series share, each defined once: FX on a day, the cash a
-- transaction moves, the external flow it brings, its income and fees, and the arguments it gives
-- position_agg.

-- FX on a day, the one rule: the rate converting 1 unit of from_ccy into to_ccy on each day of a
-- range is the latest rate on or before the day, at most setting('fx_max_staleness_days') old,
-- from the stored pair or else its inverse (1 / rate; on a day with both, the stored pair).
-- Days with no such rate have no row: never 1, never an unconverted amount. fx_rate() (one day)
-- and the daily series (value_days(), a range per currency pair) both read it.
-- PL/pgSQL, with the staleness limit read once: as a SQL function the planner evaluated setting()
-- in generate_series' arguments once per observation, and fx_rate() re-planned the body at every
-- call (0.5 ms a call; the positions of one portfolio make one call per currency).
CREATE FUNCTION portfolio.fx_days(from_ccy text, to_ccy text, from_day date, to_day date)
    RETURNS TABLE (day date, rate numeric)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    stale constant integer := portfolio.setting('fx_max_staleness_days');
BEGIN
    IF from_ccy = to_ccy THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH obs AS (       -- the observations that can govern a day of the range
        SELECT DISTINCT ON (f.day) f.day, f.rate
        FROM (SELECT r.day, r.rate, 0 AS inverse FROM portfolio.fx_rates r
              WHERE r.base = from_ccy AND r.quote = to_ccy AND r.day >= from_day - stale AND r.day <= to_day
              UNION ALL
              SELECT r.day, 1 / r.rate, 1 FROM portfolio.fx_rates r
              WHERE r.base = to_ccy AND r.quote = from_ccy AND r.day >= from_day - stale AND r.day <= to_day) f
        ORDER BY f.day, f.inverse
    )
    SELECT g::date, o.rate
    FROM (SELECT o.*, lead(o.day) OVER (ORDER BY o.day) AS next_day FROM obs o) o,
         generate_series(greatest(o.day, from_day), least(coalesce(o.next_day - 1, to_day), o.day + stale, to_day),
                         interval '1 day') g;
END
$$;
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

-- The P/L parts a transaction brings besides its position's realized P/L, in its currency:
-- income (dividends and interest, gross) and fees outside a trade (a trade's fees are in its cost
-- or its proceeds, so in the position's cost basis or realized P/L already).
CREATE FUNCTION portfolio.income_effect(kind portfolio.txn_kind, amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN kind IN ('dividend', 'interest') THEN amount ELSE 0 END;
CREATE FUNCTION portfolio.fee_effect(kind portfolio.txn_kind, fees numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN kind IN ('buy', 'sell', 'transfer_in', 'transfer_out') THEN 0 ELSE fees END;
