-- var_historical_approx / cvar_historical_approx: bounded memory (a fixed 32 KiB sketch per group,
-- whatever the row count), mergeable across workers and partitions. Each order statistic is
-- estimated within 1 % of its value (plus 1e-9 absolute); see docs/metrics.md.
CREATE FUNCTION portfolio.var_approx_trans(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_var_approx_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.var_approx_trans(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_var_approx_trans_default' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.var_approx_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_var_approx_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.var_approx_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_var_approx_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.var_approx_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_var_approx_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.var_approx_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_var_approx_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.cvar_approx_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_cvar_approx_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE portfolio.var_historical_approx(r float8, confidence float8) (
    sfunc = portfolio.var_approx_trans, stype = internal, sspace = 32792,
    finalfunc = portfolio.var_approx_final,
    combinefunc = portfolio.var_approx_combine,
    serialfunc = portfolio.var_approx_serialize, deserialfunc = portfolio.var_approx_deserialize,
    parallel = safe
);
CREATE AGGREGATE portfolio.var_historical_approx(r float8) (
    sfunc = portfolio.var_approx_trans, stype = internal, sspace = 32792,
    finalfunc = portfolio.var_approx_final,
    combinefunc = portfolio.var_approx_combine,
    serialfunc = portfolio.var_approx_serialize, deserialfunc = portfolio.var_approx_deserialize,
    parallel = safe
);
CREATE AGGREGATE portfolio.cvar_historical_approx(r float8, confidence float8) (
    sfunc = portfolio.var_approx_trans, stype = internal, sspace = 32792,
    finalfunc = portfolio.cvar_approx_final,
    combinefunc = portfolio.var_approx_combine,
    serialfunc = portfolio.var_approx_serialize, deserialfunc = portfolio.var_approx_deserialize,
    parallel = safe
);
CREATE AGGREGATE portfolio.cvar_historical_approx(r float8) (
    sfunc = portfolio.var_approx_trans, stype = internal, sspace = 32792,
    finalfunc = portfolio.cvar_approx_final,
    combinefunc = portfolio.var_approx_combine,
    serialfunc = portfolio.var_approx_serialize, deserialfunc = portfolio.var_approx_deserialize,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.var_historical_approx(float8, float8) IS
    'approximate historical VaR in bounded memory (32 KiB): each order statistic within 1 % relative';
COMMENT ON AGGREGATE portfolio.var_historical_approx(float8) IS
    'approximate historical VaR at confidence 0.95';
COMMENT ON AGGREGATE portfolio.cvar_historical_approx(float8, float8) IS
    'approximate historical expected shortfall in bounded memory (32 KiB)';
COMMENT ON AGGREGATE portfolio.cvar_historical_approx(float8) IS
    'approximate historical expected shortfall at confidence 0.95';
