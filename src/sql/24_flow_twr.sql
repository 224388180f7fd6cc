-- twr(market_value, net_flow ORDER BY t): deposits at the period start, withdrawals at its end.
-- The aggregates are declared in 24_flow_twr.aggregates (scripts/build_sql.py writes them out).
CREATE FUNCTION portfolio.flow_twr_trans(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_flow_twr_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.flow_twr_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_flow_twr_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
