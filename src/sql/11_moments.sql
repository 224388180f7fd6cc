-- The moment family: one-step aggregates over periodic simple returns r.
-- annualized_return, volatility, sharpe, sortino, var_gaussian, cvar_gaussian, var_cornish_fisher,
-- tracking_error, information_ratio. Aggregates cannot have DEFAULT arguments, so each comes in
-- overloads that fill the defaults (ppy 252, rf 0, mar 0, confidence 0.95).
-- All: NULL rows skipped; combine + serialize/deserialize (parallel plans); an inverse transition
-- (moving windows) that returns NULL to make PostgreSQL recompute a frame when cancellation
-- could have cost accuracy. Formulas and conventions: docs/metrics.md.


-- state: moments of r (or of r - rf, r - rb) and the group's constant ppy or confidence
CREATE FUNCTION portfolio.moment_trans(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_inv(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_trans(internal, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_trans_ppy' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_inv(internal, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_inv_ppy' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_trans_confidence(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_trans_conf' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_inv_confidence(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_inv_conf' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_trans_excess(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_trans_excess' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_inv_excess(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_inv_excess' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_trans_excess(internal, float8, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_trans_excess' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_inv_excess(internal, float8, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_inv_excess' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_trans_difference(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_trans_diff' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_inv_difference(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_inv_diff' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_trans_difference(internal, float8, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_trans_diff' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_inv_difference(internal, float8, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_inv_diff' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_moment_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.moment_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_moment_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.volatility_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_volatility_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.mean_ratio_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_mean_ratio_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.var_gaussian_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_var_gaussian_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.cvar_gaussian_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_cvar_gaussian_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.var_cornish_fisher_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_var_cornish_fisher_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- volatility(r [, ppy]) = stddev_samp(r) * sqrt(ppy)
CREATE AGGREGATE portfolio.volatility(r float8) (
    sfunc = portfolio.moment_trans, stype = internal, finalfunc = portfolio.volatility_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans, minvfunc = portfolio.moment_inv, mstype = internal,
    mfinalfunc = portfolio.volatility_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.volatility(float8) IS
    'annualised volatility: sample standard deviation of r times sqrt(252); NULL below 2 rows';
CREATE AGGREGATE portfolio.volatility(r float8, ppy int4) (
    sfunc = portfolio.moment_trans, stype = internal, finalfunc = portfolio.volatility_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans, minvfunc = portfolio.moment_inv, mstype = internal,
    mfinalfunc = portfolio.volatility_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.volatility(float8, int4) IS
    'annualised volatility: sample standard deviation of r times sqrt(ppy); NULL below 2 rows';

-- sharpe(r [, rf [, ppy]]) = mean(r - rf) / stddev_samp(r - rf) * sqrt(ppy); rf may vary by row
CREATE AGGREGATE portfolio.sharpe(r float8) (
    sfunc = portfolio.moment_trans, stype = internal, finalfunc = portfolio.mean_ratio_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans, minvfunc = portfolio.moment_inv, mstype = internal,
    mfinalfunc = portfolio.mean_ratio_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.sharpe(float8) IS
    'Sharpe ratio with rf 0: mean(r) / stddev_samp(r) * sqrt(252); NULL below 2 rows or for zero variance';
CREATE AGGREGATE portfolio.sharpe(r float8, rf float8) (
    sfunc = portfolio.moment_trans_excess, stype = internal, finalfunc = portfolio.mean_ratio_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans_excess, minvfunc = portfolio.moment_inv_excess, mstype = internal,
    mfinalfunc = portfolio.mean_ratio_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.sharpe(float8, float8) IS
    'Sharpe ratio: mean(r - rf) / stddev_samp(r - rf) * sqrt(252), rf per row; NULL below 2 rows or for zero variance';
CREATE AGGREGATE portfolio.sharpe(r float8, rf float8, ppy int4) (
    sfunc = portfolio.moment_trans_excess, stype = internal, finalfunc = portfolio.mean_ratio_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans_excess, minvfunc = portfolio.moment_inv_excess, mstype = internal,
    mfinalfunc = portfolio.mean_ratio_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.sharpe(float8, float8, int4) IS
    'Sharpe ratio: mean(r - rf) / stddev_samp(r - rf) * sqrt(ppy), rf per row; NULL below 2 rows or for zero variance';

-- var_gaussian / cvar_gaussian / var_cornish_fisher (r [, confidence]): population moments, losses positive
CREATE AGGREGATE portfolio.var_gaussian(r float8) (
    sfunc = portfolio.moment_trans, stype = internal, finalfunc = portfolio.var_gaussian_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans, minvfunc = portfolio.moment_inv, mstype = internal,
    mfinalfunc = portfolio.var_gaussian_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.var_gaussian(float8) IS
    'Gaussian value at risk -(mean + z sigma), z = Phi^-1(1 - c), sigma from the population variance, confidence c = 0.95; NULL when empty';
CREATE AGGREGATE portfolio.var_gaussian(r float8, confidence float8) (
    sfunc = portfolio.moment_trans_confidence, stype = internal, finalfunc = portfolio.var_gaussian_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans_confidence, minvfunc = portfolio.moment_inv_confidence, mstype = internal,
    mfinalfunc = portfolio.var_gaussian_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.var_gaussian(float8, float8) IS
    'Gaussian value at risk -(mean + z sigma), z = Phi^-1(1 - c), sigma from the population variance; NULL when empty';
CREATE AGGREGATE portfolio.cvar_gaussian(r float8) (
    sfunc = portfolio.moment_trans, stype = internal, finalfunc = portfolio.cvar_gaussian_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans, minvfunc = portfolio.moment_inv, mstype = internal,
    mfinalfunc = portfolio.cvar_gaussian_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.cvar_gaussian(float8) IS
    'Gaussian expected shortfall -mean + sigma phi(z) / (1 - c), confidence c = 0.95; NULL when empty';
CREATE AGGREGATE portfolio.cvar_gaussian(r float8, confidence float8) (
    sfunc = portfolio.moment_trans_confidence, stype = internal, finalfunc = portfolio.cvar_gaussian_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans_confidence, minvfunc = portfolio.moment_inv_confidence, mstype = internal,
    mfinalfunc = portfolio.cvar_gaussian_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.cvar_gaussian(float8, float8) IS
    'Gaussian expected shortfall -mean + sigma phi(z) / (1 - c); NULL when empty';
CREATE AGGREGATE portfolio.var_cornish_fisher(r float8) (
    sfunc = portfolio.moment_trans, stype = internal, finalfunc = portfolio.var_cornish_fisher_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans, minvfunc = portfolio.moment_inv, mstype = internal,
    mfinalfunc = portfolio.var_cornish_fisher_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.var_cornish_fisher(float8) IS
    'Cornish-Fisher (modified) value at risk from population skewness and excess kurtosis, confidence c = 0.95; NULL when empty';
CREATE AGGREGATE portfolio.var_cornish_fisher(r float8, confidence float8) (
    sfunc = portfolio.moment_trans_confidence, stype = internal, finalfunc = portfolio.var_cornish_fisher_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans_confidence, minvfunc = portfolio.moment_inv_confidence, mstype = internal,
    mfinalfunc = portfolio.var_cornish_fisher_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.var_cornish_fisher(float8, float8) IS
    'Cornish-Fisher (modified) value at risk from population skewness and excess kurtosis; NULL when empty';

-- tracking_error / information_ratio (r, rb [, ppy]): moments of the active return r - rb
CREATE AGGREGATE portfolio.tracking_error(r float8, rb float8) (
    sfunc = portfolio.moment_trans_difference, stype = internal, finalfunc = portfolio.volatility_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans_difference, minvfunc = portfolio.moment_inv_difference, mstype = internal,
    mfinalfunc = portfolio.volatility_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.tracking_error(float8, float8) IS
    'tracking error: stddev_samp(r - rb) * sqrt(252); NULL below 2 rows';
CREATE AGGREGATE portfolio.tracking_error(r float8, rb float8, ppy int4) (
    sfunc = portfolio.moment_trans_difference, stype = internal, finalfunc = portfolio.volatility_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans_difference, minvfunc = portfolio.moment_inv_difference, mstype = internal,
    mfinalfunc = portfolio.volatility_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.tracking_error(float8, float8, int4) IS
    'tracking error: stddev_samp(r - rb) * sqrt(ppy); NULL below 2 rows';
CREATE AGGREGATE portfolio.information_ratio(r float8, rb float8) (
    sfunc = portfolio.moment_trans_difference, stype = internal, finalfunc = portfolio.mean_ratio_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans_difference, minvfunc = portfolio.moment_inv_difference, mstype = internal,
    mfinalfunc = portfolio.mean_ratio_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.information_ratio(float8, float8) IS
    'information ratio: mean(r - rb) / stddev_samp(r - rb) * sqrt(252); NULL below 2 rows or for zero tracking error';
CREATE AGGREGATE portfolio.information_ratio(r float8, rb float8, ppy int4) (
    sfunc = portfolio.moment_trans_difference, stype = internal, finalfunc = portfolio.mean_ratio_final,
    combinefunc = portfolio.moment_combine,
    serialfunc = portfolio.moment_serialize, deserialfunc = portfolio.moment_deserialize,
    msfunc = portfolio.moment_trans_difference, minvfunc = portfolio.moment_inv_difference, mstype = internal,
    mfinalfunc = portfolio.mean_ratio_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.information_ratio(float8, float8, int4) IS
    'information ratio: mean(r - rb) / stddev_samp(r - rb) * sqrt(ppy); NULL below 2 rows or for zero tracking error';

-- annualized_return(r [, ppy]) = prod(1 + r)^(ppy / n) - 1; state: growth (compensated log sum) + ppy
CREATE FUNCTION portfolio.annualized_trans(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_annualized_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.annualized_inv(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_annualized_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.annualized_trans(internal, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_annualized_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.annualized_inv(internal, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_annualized_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.annualized_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_annualized_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.annualized_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_annualized_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.annualized_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_annualized_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.annualized_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_annualized_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE portfolio.annualized_return(r float8) (
    sfunc = portfolio.annualized_trans, stype = internal, finalfunc = portfolio.annualized_final,
    combinefunc = portfolio.annualized_combine,
    serialfunc = portfolio.annualized_serialize, deserialfunc = portfolio.annualized_deserialize,
    msfunc = portfolio.annualized_trans, minvfunc = portfolio.annualized_inv, mstype = internal,
    mfinalfunc = portfolio.annualized_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.annualized_return(float8) IS
    'annualised geometric return prod(1 + r)^(252 / n) - 1; NULL when empty';
CREATE AGGREGATE portfolio.annualized_return(r float8, ppy int4) (
    sfunc = portfolio.annualized_trans, stype = internal, finalfunc = portfolio.annualized_final,
    combinefunc = portfolio.annualized_combine,
    serialfunc = portfolio.annualized_serialize, deserialfunc = portfolio.annualized_deserialize,
    msfunc = portfolio.annualized_trans, minvfunc = portfolio.annualized_inv, mstype = internal,
    mfinalfunc = portfolio.annualized_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.annualized_return(float8, int4) IS
    'annualised geometric return prod(1 + r)^(ppy / n) - 1, ppy the same in every row; NULL when empty';

-- sortino(r [, mar [, ppy]]) = mean(r - mar) / sqrt(mean(min(r - mar, 0)^2)) * sqrt(ppy); mar may vary by row
CREATE FUNCTION portfolio.sortino_trans(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_sortino_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.sortino_inv(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_sortino_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.sortino_trans(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_sortino_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.sortino_inv(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_sortino_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.sortino_trans(internal, float8, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_sortino_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.sortino_inv(internal, float8, float8, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_sortino_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.sortino_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_sortino_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.sortino_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_sortino_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.sortino_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_sortino_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.sortino_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_sortino_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE portfolio.sortino(r float8) (
    sfunc = portfolio.sortino_trans, stype = internal, finalfunc = portfolio.sortino_final,
    combinefunc = portfolio.sortino_combine,
    serialfunc = portfolio.sortino_serialize, deserialfunc = portfolio.sortino_deserialize,
    msfunc = portfolio.sortino_trans, minvfunc = portfolio.sortino_inv, mstype = internal,
    mfinalfunc = portfolio.sortino_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.sortino(float8) IS
    'Sortino ratio mean(r - mar) / sqrt(mean(min(r - mar, 0)^2)) * sqrt(ppy) (mar 0, ppy 252); NULL when empty or without downside';
CREATE AGGREGATE portfolio.sortino(r float8, mar float8) (
    sfunc = portfolio.sortino_trans, stype = internal, finalfunc = portfolio.sortino_final,
    combinefunc = portfolio.sortino_combine,
    serialfunc = portfolio.sortino_serialize, deserialfunc = portfolio.sortino_deserialize,
    msfunc = portfolio.sortino_trans, minvfunc = portfolio.sortino_inv, mstype = internal,
    mfinalfunc = portfolio.sortino_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.sortino(float8, float8) IS
    'Sortino ratio mean(r - mar) / sqrt(mean(min(r - mar, 0)^2)) * sqrt(ppy) (mar per row, ppy 252); NULL when empty or without downside';
CREATE AGGREGATE portfolio.sortino(r float8, mar float8, ppy int4) (
    sfunc = portfolio.sortino_trans, stype = internal, finalfunc = portfolio.sortino_final,
    combinefunc = portfolio.sortino_combine,
    serialfunc = portfolio.sortino_serialize, deserialfunc = portfolio.sortino_deserialize,
    msfunc = portfolio.sortino_trans, minvfunc = portfolio.sortino_inv, mstype = internal,
    mfinalfunc = portfolio.sortino_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.sortino(float8, float8, int4) IS
    'Sortino ratio mean(r - mar) / sqrt(mean(min(r - mar, 0)^2)) * sqrt(ppy) (mar per row); NULL when empty or without downside';
