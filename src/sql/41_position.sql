-- portfolio.position: the lots of one instrument, built by position_agg (src/core/lots.hpp).
-- Exact: amounts are fixed-point with 12 decimals inside (no floating point); see docs/data-model.md.
CREATE TYPE portfolio.position;
CREATE FUNCTION portfolio.position_in(cstring) RETURNS portfolio.position
    AS 'MODULE_PATHNAME', 'pgp_position_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.position_out(portfolio.position) RETURNS cstring
    AS 'MODULE_PATHNAME', 'pgp_position_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.position_recv(internal) RETURNS portfolio.position
    AS 'MODULE_PATHNAME', 'pgp_position_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.position_send(portfolio.position) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_position_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE portfolio.position (
    INPUT = portfolio.position_in,
    OUTPUT = portfolio.position_out,
    RECEIVE = portfolio.position_recv,
    SEND = portfolio.position_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);
COMMENT ON TYPE portfolio.position IS
    'open lots and running totals of one instrument (text: method=... quantity=... lots=opened/quantity/cost,...)';

-- Transition: (state, executed_at, kind, quantity, price, fees [, method [, label]]).
CREATE FUNCTION portfolio.position_trans(internal, timestamptz, portfolio.txn_kind, numeric, numeric, numeric)
    RETURNS internal AS 'MODULE_PATHNAME', 'pgp_position_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.position_trans(internal, timestamptz, portfolio.txn_kind, numeric, numeric, numeric, text)
    RETURNS internal AS 'MODULE_PATHNAME', 'pgp_position_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.position_trans(internal, timestamptz, portfolio.txn_kind, numeric, numeric, numeric, text, text)
    RETURNS internal AS 'MODULE_PATHNAME', 'pgp_position_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.position_final(internal) RETURNS portfolio.position
    AS 'MODULE_PATHNAME', 'pgp_position_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- position_agg is declared in 41_position.aggregates (order-dependent: no combine function).

CREATE FUNCTION portfolio.quantity(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_quantity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.cost_basis(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_cost_basis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.average_cost(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_average_cost' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.realized_pl(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_realized_pl' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.income(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_income' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.fees(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_fees' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.transaction_count(portfolio.position) RETURNS bigint
    AS 'MODULE_PATHNAME', 'pgp_position_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.cost_method(portfolio.position) RETURNS text
    AS 'MODULE_PATHNAME', 'pgp_position_cost_method' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.market_value(portfolio.position, price numeric) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_market_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.unrealized_pl(portfolio.position, price numeric) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_unrealized_pl' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.open_lots(portfolio.position,
                                    OUT opened_at timestamptz, OUT quantity numeric,
                                    OUT unit_cost numeric, OUT cost numeric) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'pgp_position_open_lots' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION portfolio.average_cost(portfolio.position) IS
    'cost_basis / quantity, rounded half away from zero to 12 decimals; NULL when nothing is held';
COMMENT ON FUNCTION portfolio.realized_pl(portfolio.position) IS
    'proceeds (after sell fees) minus the cost of the lots sold, by the position''s cost method';
COMMENT ON FUNCTION portfolio.income(portfolio.position) IS 'dividends and interest, gross';
COMMENT ON FUNCTION portfolio.open_lots(portfolio.position) IS
    'the open lots: when opened, shares, unit cost and total cost (fees included)';

-- The order of a position's transactions: by executed_at, then, at the same instant, splits first
-- (a split takes effect at the start of its day: a trade on the ex-date is at the new ratio), then
-- what adds shares (buy, transfer_in), then income and fees, then what removes them (sell,
-- transfer_out); then by id. A date-only import thus books a day's buys before its sells, in
-- whatever order it inserted them. Every ORDER BY of position_agg over the ledger uses it.
CREATE FUNCTION portfolio.same_time_order(kind portfolio.txn_kind) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE kind WHEN 'split' THEN 0
                     WHEN 'buy' THEN 1 WHEN 'transfer_in' THEN 1
                     WHEN 'sell' THEN 3 WHEN 'transfer_out' THEN 3
                     ELSE 2 END;
COMMENT ON FUNCTION portfolio.same_time_order(portfolio.txn_kind) IS
    'rank of a transaction among those of one instant: split 0, buy/transfer_in 1, income and fees 2, sell/transfer_out 3';

-- How an oversell error names the position: 'portfolio 3 (Main), instrument AAPL'.
CREATE FUNCTION portfolio.position_label(portfolio_id bigint, portfolio_name text, instrument text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE   -- format() is stable
    RETURN format('portfolio %s (%s), instrument %s', portfolio_id, portfolio_name, instrument);

-- The position after each transaction (src/pg/position.cpp), for value_days() (52_daily_values
-- .sql); position_steps_agg is declared in 41_position.aggregates. One replay
-- per position through the lots of position_agg, recording quantity, cost basis and realized P/L
-- after every transaction (a window position_agg would serialize all lots after every row).
--   position_steps_agg(id, day, executed_at, kind, quantity, price, fees, method, label ORDER BY
--                      executed_at, same_time_order(kind), id) -> bytea
--   position_steps(steps) -> (id, quantity, cost, realized_delta, cost_delta, last_of_day): per
--     transaction the position after it, the change of realized P/L and cost basis it made, and
--     whether it is the position's last of its day
CREATE FUNCTION portfolio.position_steps_trans(internal, bigint, date, timestamptz, portfolio.txn_kind, numeric,
                                               numeric, numeric, text, text)
    RETURNS internal AS 'MODULE_PATHNAME', 'pgp_position_steps_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.position_steps_final(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_position_steps_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.position_steps(steps bytea)
    RETURNS TABLE (id bigint, quantity numeric, cost numeric, realized_delta numeric, cost_delta numeric,
                   last_of_day boolean)
    AS 'MODULE_PATHNAME', 'pgp_position_steps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
REVOKE ALL ON FUNCTION portfolio.position_steps(bytea) FROM PUBLIC;
