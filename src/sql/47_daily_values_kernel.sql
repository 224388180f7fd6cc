-- The kernel of the daily series in C++ (src/core/daily_values.hpp, glue src/pg/daily_values.cpp),
-- used by value_days() (52_daily_values.sql) and private like it; the aggregates are declared in
-- 47_daily_values_kernel.aggregates:
--   day_path_agg(first_day, last_day, day, value ORDER BY day): one value per day of the window,
--     carried forward over days without one, with the days it was observed (a close or FX path);
--   span_days_agg(first_day, last_day, span_from, span_to, quantity, cost, price_key, rate_key,
--                 cash, path_keys, paths, event_day, inflow, outflow, realized, income, fees): a
--     portfolio's holding spans and cash balances valued on each day of its window (quantity x
--     price x rate, cost x rate; no rate when rate_key is NULL), with the days some holding or
--     balance could not be valued, and its transactions' flows and P/L parts (rows with an
--     event_day) converted on their day; the paths come as two arrays, the same on every row,
--     and are looked up by key (a join would copy a path into every span row it matches);
--   span_days(block, from_day): the window's days from from_day on as the daily series stores
--     them: market value, flows, unconverted count and the daily return (the flow timing rule of
--     twr(), src/core/flow_twr.hpp, the one definition).
-- Decimal arithmetic (12 decimals, src/core/decimal.hpp), no floating point.
CREATE FUNCTION portfolio.day_path_trans(internal, date, date, date, numeric) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_day_path_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.day_path_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_day_path_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.span_days_trans(internal, date, date, date, date, numeric, numeric, text, text, boolean,
                                          text[], bytea[], date, numeric, numeric, numeric, numeric, numeric)
    RETURNS internal AS 'MODULE_PATHNAME', 'pgp_span_days_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.span_days_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_span_days_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.span_days(days bytea, from_day date)
    RETURNS TABLE (day date, market_value numeric, securities_value numeric, cash_value numeric,
                   cost_basis numeric, deposits numeric, withdrawals numeric, net_flow numeric,
                   realized_pl numeric, income numeric, fees numeric, unconverted integer,
                   daily_return float8, trading_day boolean)
    AS 'MODULE_PATHNAME', 'pgp_span_days' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
REVOKE ALL ON FUNCTION portfolio.span_days(bytea, date) FROM PUBLIC;
