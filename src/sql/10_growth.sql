-- twr(r): time-weighted (compounded) return of a series of periodic simple returns.
-- State: a flat growth state (compensated sum of log(1+r)); parallel and moving-window capable.
-- The aggregates are declared in 10_growth.aggregates (scripts/build_sql.py writes them out).
CREATE FUNCTION portfolio.growth_trans(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_growth_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.growth_inv(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_growth_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.growth_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_growth_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.growth_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_growth_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.growth_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_growth_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.twr_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_twr_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
