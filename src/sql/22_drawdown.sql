-- max_drawdown(r ORDER BY t), calmar(r ORDER BY t [, ppy]): path-dependent, so no combine
-- function: PostgreSQL never splits them (parallel or partitionwise), and always sees the order.
-- The aggregates are declared in 22_drawdown.aggregates (scripts/build_sql.py writes them out).
CREATE FUNCTION portfolio.drawdown_trans(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_drawdown_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.drawdown_trans(internal, float8, integer) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_calmar_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.max_drawdown_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_max_drawdown_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.calmar_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_calmar_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
