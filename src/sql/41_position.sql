-- portfolio.position: the lots of one instrument, built by position_agg (src/core/lots.hpp).
-- Exact: amounts are fixed-point with 12 decimals inside (no floating point); see docs/data-model.md.
-- The type is declared in 41_position.types, its C functions in 41_position.functions and the
-- aggregate position_agg in 41_position.aggregates (order-dependent: no
-- combine function); scripts/build_sql.py writes them out.

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
