-- A series against a benchmark: beta(r, rb) and alpha(r, rb [, rf [, ppy]]).
-- State: co-moments of the excess returns r - rf and rb - rf (rf per row, 0 when not given) and the
-- group's constant ppy. Parallel and moving-window capable like the moment family (11_moments.sql).

CREATE FUNCTION portfolio.pair_trans(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_inv(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_trans(internal, float8, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_inv(internal, float8, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_trans(internal, float8, float8, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_inv(internal, float8, float8, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_pair_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.beta_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_beta_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.alpha_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_alpha_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE portfolio.beta(r float8, rb float8) (
    sfunc = portfolio.pair_trans, stype = internal, finalfunc = portfolio.beta_final,
    combinefunc = portfolio.pair_combine,
    serialfunc = portfolio.pair_serialize, deserialfunc = portfolio.pair_deserialize,
    msfunc = portfolio.pair_trans, minvfunc = portfolio.pair_inv, mstype = internal,
    mfinalfunc = portfolio.beta_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.beta(float8, float8) IS
    'beta: cov_samp(r, rb) / var_samp(rb); NULL below 2 rows or for a constant benchmark';
CREATE AGGREGATE portfolio.alpha(r float8, rb float8) (
    sfunc = portfolio.pair_trans, stype = internal, finalfunc = portfolio.alpha_final,
    combinefunc = portfolio.pair_combine,
    serialfunc = portfolio.pair_serialize, deserialfunc = portfolio.pair_deserialize,
    msfunc = portfolio.pair_trans, minvfunc = portfolio.pair_inv, mstype = internal,
    mfinalfunc = portfolio.alpha_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.alpha(float8, float8) IS
    'Jensen alpha annualised: (1 + mean(r - beta rb))^252 - 1 (rf 0); NULL below 2 rows or for a constant benchmark';
CREATE AGGREGATE portfolio.alpha(r float8, rb float8, rf float8) (
    sfunc = portfolio.pair_trans, stype = internal, finalfunc = portfolio.alpha_final,
    combinefunc = portfolio.pair_combine,
    serialfunc = portfolio.pair_serialize, deserialfunc = portfolio.pair_deserialize,
    msfunc = portfolio.pair_trans, minvfunc = portfolio.pair_inv, mstype = internal,
    mfinalfunc = portfolio.alpha_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.alpha(float8, float8, float8) IS
    'Jensen alpha annualised: (1 + mean((r - rf) - beta (rb - rf)))^252 - 1, beta of excess returns, rf per row';
CREATE AGGREGATE portfolio.alpha(r float8, rb float8, rf float8, ppy int4) (
    sfunc = portfolio.pair_trans, stype = internal, finalfunc = portfolio.alpha_final,
    combinefunc = portfolio.pair_combine,
    serialfunc = portfolio.pair_serialize, deserialfunc = portfolio.pair_deserialize,
    msfunc = portfolio.pair_trans, minvfunc = portfolio.pair_inv, mstype = internal,
    mfinalfunc = portfolio.alpha_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.alpha(float8, float8, float8, int4) IS
    'Jensen alpha annualised: (1 + mean((r - rf) - beta (rb - rf)))^ppy - 1, beta of excess returns, rf per row';
