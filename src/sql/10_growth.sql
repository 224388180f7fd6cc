-- twr(r): time-weighted (compounded) return of a series of periodic simple returns.
-- State: a flat growth state (compensated sum of log(1+r)); parallel and moving-window capable.
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

CREATE AGGREGATE portfolio.twr(r float8) (
    sfunc = portfolio.growth_trans,
    stype = internal,
    finalfunc = portfolio.twr_final,
    combinefunc = portfolio.growth_combine,
    serialfunc = portfolio.growth_serialize,
    deserialfunc = portfolio.growth_deserialize,
    msfunc = portfolio.growth_trans,
    minvfunc = portfolio.growth_inv,
    mstype = internal,
    mfinalfunc = portfolio.twr_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.twr(float8) IS
    'time-weighted return: prod(1 + r) - 1 over periodic simple returns; NULLs skipped, NULL when empty';
