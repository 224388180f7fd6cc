-- max_drawdown(r ORDER BY t), calmar(r ORDER BY t [, ppy]): path-dependent, so no combine
-- function: PostgreSQL never splits them (parallel or partitionwise), and always sees the order.
CREATE FUNCTION portfolio.drawdown_trans(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_drawdown_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.drawdown_trans(internal, float8, integer) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_calmar_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.max_drawdown_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_max_drawdown_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.calmar_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_calmar_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE portfolio.max_drawdown(r float8) (
    sfunc = portfolio.drawdown_trans, stype = internal,
    finalfunc = portfolio.max_drawdown_final, parallel = safe
);
CREATE AGGREGATE portfolio.calmar(r float8, ppy integer) (
    sfunc = portfolio.drawdown_trans, stype = internal,
    finalfunc = portfolio.calmar_final, parallel = safe
);
CREATE AGGREGATE portfolio.calmar(r float8) (
    sfunc = portfolio.drawdown_trans, stype = internal,
    finalfunc = portfolio.calmar_final, parallel = safe
);
COMMENT ON AGGREGATE portfolio.max_drawdown(float8) IS
    'largest peak-to-trough fall of wealth prod(1 + r) from 1, a positive fraction; use ORDER BY time';
COMMENT ON AGGREGATE portfolio.calmar(float8, integer) IS
    'annualized return / max drawdown (NULL when the drawdown is 0); use ORDER BY time';
COMMENT ON AGGREGATE portfolio.calmar(float8) IS
    'calmar ratio with 252 periods a year; use ORDER BY time';
