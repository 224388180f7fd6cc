-- var_historical / cvar_historical: exact historical VaR and expected shortfall.
-- The state holds every value (8 bytes a row, one growable chunk, at most ~134 million values a
-- group under PostgreSQL's 1 GB allocation limit: SQLSTATE 54000 beyond). Parallel: combine
-- concatenates the partial buffers. The final function finds the quantile with nth_element, O(n).
CREATE FUNCTION portfolio.var_historical_trans(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_var_historical_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.var_historical_trans(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_var_historical_trans_default' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.var_historical_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_var_historical_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.var_historical_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_var_historical_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.var_historical_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_var_historical_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.var_historical_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_var_historical_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.cvar_historical_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_cvar_historical_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE portfolio.var_historical(r float8, confidence float8) (
    sfunc = portfolio.var_historical_trans, stype = internal,
    finalfunc = portfolio.var_historical_final,
    combinefunc = portfolio.var_historical_combine,
    serialfunc = portfolio.var_historical_serialize,
    deserialfunc = portfolio.var_historical_deserialize,
    parallel = safe
);
CREATE AGGREGATE portfolio.var_historical(r float8) (
    sfunc = portfolio.var_historical_trans, stype = internal,
    finalfunc = portfolio.var_historical_final,
    combinefunc = portfolio.var_historical_combine,
    serialfunc = portfolio.var_historical_serialize,
    deserialfunc = portfolio.var_historical_deserialize,
    parallel = safe
);
CREATE AGGREGATE portfolio.cvar_historical(r float8, confidence float8) (
    sfunc = portfolio.var_historical_trans, stype = internal,
    finalfunc = portfolio.cvar_historical_final,
    combinefunc = portfolio.var_historical_combine,
    serialfunc = portfolio.var_historical_serialize,
    deserialfunc = portfolio.var_historical_deserialize,
    parallel = safe
);
CREATE AGGREGATE portfolio.cvar_historical(r float8) (
    sfunc = portfolio.var_historical_trans, stype = internal,
    finalfunc = portfolio.cvar_historical_final,
    combinefunc = portfolio.var_historical_combine,
    serialfunc = portfolio.var_historical_serialize,
    deserialfunc = portfolio.var_historical_deserialize,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.var_historical(float8, float8) IS
    'historical VaR: -(type-7 quantile of r at 1 - confidence), as percentile_cont; holds every value (8 bytes a row)';
COMMENT ON AGGREGATE portfolio.var_historical(float8) IS
    'historical VaR at confidence 0.95';
COMMENT ON AGGREGATE portfolio.cvar_historical(float8, float8) IS
    'historical expected shortfall: -(mean of r strictly below the type-7 quantile at 1 - confidence)';
COMMENT ON AGGREGATE portfolio.cvar_historical(float8) IS
    'historical expected shortfall at confidence 0.95';
