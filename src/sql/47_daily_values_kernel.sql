-- The kernel of the daily series in C++ (src/core/daily_values.hpp and src/core/ledger_days.hpp,
-- glue src/pg/daily_values.cpp and src/pg/ledger_days.cpp), used by valuation_blocks()
-- (52_daily_values.sql) and private like it; the aggregates are declared in
-- 47_daily_values_kernel.aggregates:
--   day_path_agg(first_day, last_day, day, value ORDER BY day): one value per day of the window,
--     carried forward over days without one, with the days it was observed (a close or FX path);
--   ledger_days_agg(first_day, last_day, path_keys, paths, instrument, currency, price_key,
--                   rate_key, day, executed_at, kind, quantity, price, fees, method, label,
--                   cash_effect, flow, income, fee_part, held_quantity, held_cost,
--                   same_time_order, id), its rows sorted by instrument COLLATE "C", currency
--                   COLLATE "C", executed_at, same_time_order(kind), id (checked: an error
--                   otherwise): one portfolio's days valued over its window.
--     Its transactions are replayed position by position through position_agg's lots; after each
--     day's last transaction a position holds its quantity and cost up to the day before its next
--     one (a holding span), each currency its running balance; every span is valued on its days
--     (quantity x price x rate, cost x rate; no rate when rate_key is NULL), with the days some
--     holding or balance could not be valued, and every transaction's flows and P/L parts
--     (external_flow, the position's realized P/L change, income_effect, fee_effect) are
--     converted on its day. A portfolio whose stored ledger end serves gives that end's rows
--     instead (held_quantity, held_cost: held over the whole window). The paths come as two
--     arrays, the same on every row, and are looked up by key (price_key, rate_key);
--   ledger_days(block, from_day): the window's days from from_day on as the daily series stores
--     them: market value, flows, unconverted count and the daily return (the flow timing rule of
--     twr(), src/core/flow_twr.hpp, the one definition);
--   ledger_day_ends(block): the ledger end of the transactions replayed, per position its final
--     state (what position_agg gives), per currency its balance.
-- Decimal arithmetic (12 decimals, src/core/decimal.hpp), no floating point.
CREATE FUNCTION portfolio.day_path_trans(internal, date, date, date, numeric) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_day_path_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.day_path_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_day_path_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.ledger_days_trans(internal, date, date, text[], bytea[], text, text, text, text, date,
                                            timestamptz, portfolio.txn_kind, numeric, numeric, numeric, text, text,
                                            numeric, numeric, numeric, numeric, numeric, numeric, integer, bigint)
    RETURNS internal AS 'MODULE_PATHNAME', 'pgp_ledger_days_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.ledger_days_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_ledger_days_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.ledger_days(block bytea, from_day date)
    RETURNS TABLE (day date, market_value numeric, securities_value numeric, cash_value numeric,
                   cost_basis numeric, deposits numeric, withdrawals numeric, net_flow numeric,
                   realized_pl numeric, income numeric, fees numeric, unconverted integer,
                   daily_return float8, trading_day boolean)
    AS 'MODULE_PATHNAME', 'pgp_ledger_days' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
REVOKE ALL ON FUNCTION portfolio.ledger_days(bytea, date) FROM PUBLIC;
CREATE FUNCTION portfolio.ledger_day_ends(block bytea)
    RETURNS TABLE (instrument text, currency text, balance numeric, "position" portfolio.position)
    AS 'MODULE_PATHNAME', 'pgp_ledger_day_ends' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 30;
REVOKE ALL ON FUNCTION portfolio.ledger_day_ends(bytea) FROM PUBLIC;
