-- twr(market_value, net_flow ORDER BY t): deposits at the period start, withdrawals at its end.
CREATE FUNCTION portfolio.flow_twr_trans(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_flow_twr_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.flow_twr_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_flow_twr_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE portfolio.twr(market_value float8, net_flow float8) (
    sfunc = portfolio.flow_twr_trans, stype = internal,
    finalfunc = portfolio.flow_twr_final, parallel = safe
);
COMMENT ON AGGREGATE portfolio.twr(float8, float8) IS
    'time-weighted return of valued periods with external flows; use ORDER BY time';
