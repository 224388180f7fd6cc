-- pg_portfolio install script, assembled by the Makefile from src/sql/*.sql in name order.
-- Every object lives in schema portfolio (created by CREATE EXTENSION from the control file).
\echo Use "CREATE EXTENSION pg_portfolio" to load this file. \quit
-- Version and build information.
CREATE FUNCTION portfolio.version() RETURNS text
    AS 'MODULE_PATHNAME', 'pgp_version'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.version() IS 'pg_portfolio version of the loaded library';

-- STABLE, not IMMUTABLE: a reinstalled library may report another build within a session's life.
CREATE FUNCTION portfolio.build_info() RETURNS jsonb
    AS 'MODULE_PATHNAME', 'pgp_build_info'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.build_info() IS 'version, PostgreSQL, compiler and library versions of this build';

-- Boundary diagnostics (used by the test suites; superuser only).
CREATE FUNCTION portfolio.boundary_selftest(kind text, max_seconds float8 DEFAULT 10)
    RETURNS text
    AS 'MODULE_PATHNAME', 'pgp_boundary_selftest'
    LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.boundary_probes_destroyed() RETURNS bigint
    AS 'MODULE_PATHNAME', 'pgp_boundary_probes_destroyed'
    LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION portfolio.boundary_selftest(text, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.boundary_probes_destroyed() FROM PUBLIC;
COMMENT ON FUNCTION portfolio.boundary_selftest(text, float8) IS
    'diagnostic: throws a C++ exception of the given kind deep in the core to test error handling';
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
-- Two-step summaries of one series: portfolio.return_summary, built by return_stats(r) (also as a
-- moving window: OVER (... ROWS n PRECEDING) costs O(1) a row), combined exactly by
-- rollup(return_summary) (a moving window too: rolling 30 days from daily summaries), read by
-- accessors taking the one-step aggregates' trailing parameters.
-- Storage: a varlena holding a versioned little-endian encoding (65 bytes); text form
-- (version:1,n:...,mean:...,m2:...,m3:...,m4:...,log_growth:...,log_growth_error:...,total_losses:...)
-- with 17 significant digits, so text round trips are exact.
CREATE TYPE portfolio.return_summary;

CREATE FUNCTION portfolio.return_summary_in(cstring) RETURNS portfolio.return_summary
    AS 'MODULE_PATHNAME', 'pgp_return_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.return_summary_out(portfolio.return_summary) RETURNS cstring
    AS 'MODULE_PATHNAME', 'pgp_return_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.return_summary_recv(internal) RETURNS portfolio.return_summary
    AS 'MODULE_PATHNAME', 'pgp_return_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.return_summary_send(portfolio.return_summary) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_return_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE portfolio.return_summary (
    input = portfolio.return_summary_in, output = portfolio.return_summary_out,
    receive = portfolio.return_summary_recv, send = portfolio.return_summary_send,
    internallength = variable, alignment = int4, storage = main  -- payload read with memcpy
);
COMMENT ON TYPE portfolio.return_summary IS
    'moments (n, mean, M2, M3, M4) and compounded growth of a return series: build with return_stats(r), combine with rollup()';

CREATE FUNCTION portfolio.return_stats_trans(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_return_stats_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.return_stats_inv(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_return_stats_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.return_summary_rollup_trans(internal, portfolio.return_summary) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_return_summary_rollup_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.return_summary_rollup_inv(internal, portfolio.return_summary) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_return_summary_rollup_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.return_stats_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_return_stats_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.return_stats_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_return_stats_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.return_stats_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_return_stats_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.return_stats_final(internal) RETURNS portfolio.return_summary
    AS 'MODULE_PATHNAME', 'pgp_return_stats_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE portfolio.return_stats(r float8) (
    sfunc = portfolio.return_stats_trans, stype = internal, finalfunc = portfolio.return_stats_final,
    combinefunc = portfolio.return_stats_combine,
    serialfunc = portfolio.return_stats_serialize, deserialfunc = portfolio.return_stats_deserialize,
    msfunc = portfolio.return_stats_trans, minvfunc = portfolio.return_stats_inv, mstype = internal,
    mfinalfunc = portfolio.return_stats_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.return_stats(float8) IS
    'summary of a return series (moments and compounded growth) for the return_summary accessors; NULL when empty';
CREATE AGGREGATE portfolio.rollup(portfolio.return_summary) (
    sfunc = portfolio.return_summary_rollup_trans, stype = internal, finalfunc = portfolio.return_stats_final,
    combinefunc = portfolio.return_stats_combine,
    serialfunc = portfolio.return_stats_serialize, deserialfunc = portfolio.return_stats_deserialize,
    msfunc = portfolio.return_summary_rollup_trans, minvfunc = portfolio.return_summary_rollup_inv, mstype = internal,
    mfinalfunc = portfolio.return_stats_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.rollup(portfolio.return_summary) IS
    'combines stored return summaries exactly (as if return_stats had seen all their rows), also over a moving window; NULL when empty';

-- accessors
CREATE FUNCTION portfolio.n(s portfolio.return_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'pgp_return_summary_n' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.n(portfolio.return_summary) IS 'number of returns summarised';
CREATE FUNCTION portfolio.mean(s portfolio.return_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_return_summary_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.mean(portfolio.return_summary) IS 'arithmetic mean of the returns';
CREATE FUNCTION portfolio.stddev(s portfolio.return_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_return_summary_stddev' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.stddev(portfolio.return_summary) IS 'sample standard deviation (n - 1); NULL below 2 returns';
CREATE FUNCTION portfolio.skewness(s portfolio.return_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_return_summary_skewness' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.skewness(portfolio.return_summary) IS 'population skewness m3 / m2^1.5 (PerformanceAnalytics method moment); NULL for zero variance';
CREATE FUNCTION portfolio.kurtosis(s portfolio.return_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_return_summary_kurtosis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.kurtosis(portfolio.return_summary) IS 'population excess kurtosis m4 / m2^2 - 3 (PerformanceAnalytics method excess); NULL for zero variance';
CREATE FUNCTION portfolio.twr(s portfolio.return_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_return_summary_twr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.twr(portfolio.return_summary) IS 'time-weighted return prod(1 + r) - 1';
CREATE FUNCTION portfolio.annualized_return(s portfolio.return_summary, ppy int4 DEFAULT 252) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_return_summary_annualized_return' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.annualized_return(portfolio.return_summary, int4) IS 'prod(1 + r)^(ppy / n) - 1';
CREATE FUNCTION portfolio.volatility(s portfolio.return_summary, ppy int4 DEFAULT 252) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_return_summary_volatility' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.volatility(portfolio.return_summary, int4) IS 'sample standard deviation times sqrt(ppy)';
CREATE FUNCTION portfolio.sharpe(s portfolio.return_summary, rf float8 DEFAULT 0, ppy int4 DEFAULT 252) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_return_summary_sharpe' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.sharpe(portfolio.return_summary, float8, int4) IS '(mean - rf) / sample stddev * sqrt(ppy), rf a constant per-period rate';
CREATE FUNCTION portfolio.var_gaussian(s portfolio.return_summary, confidence float8 DEFAULT 0.95) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_return_summary_var_gaussian' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.var_gaussian(portfolio.return_summary, float8) IS 'Gaussian value at risk (population variance), a loss as a positive fraction';
CREATE FUNCTION portfolio.cvar_gaussian(s portfolio.return_summary, confidence float8 DEFAULT 0.95) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_return_summary_cvar_gaussian' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.cvar_gaussian(portfolio.return_summary, float8) IS 'Gaussian expected shortfall, a loss as a positive fraction';
CREATE FUNCTION portfolio.var_cornish_fisher(s portfolio.return_summary, confidence float8 DEFAULT 0.95) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_return_summary_var_cornish_fisher' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.var_cornish_fisher(portfolio.return_summary, float8) IS 'Cornish-Fisher (modified) value at risk, a loss as a positive fraction';
-- Two-step summaries of a series against a benchmark: portfolio.pair_summary, built by
-- pair_stats(r, rb) (moving windows too), combined by rollup(pair_summary), read by beta, alpha,
-- correlation, tracking_error, information_ratio. Text form
-- (version:1,n:...,mean_r:...,mean_rb:...,mean_diff:...,m2_r:...,m2_rb:...,m2_diff:...,c_r_rb:...).
CREATE TYPE portfolio.pair_summary;

CREATE FUNCTION portfolio.pair_summary_in(cstring) RETURNS portfolio.pair_summary
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_summary_out(portfolio.pair_summary) RETURNS cstring
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_summary_recv(internal) RETURNS portfolio.pair_summary
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_summary_send(portfolio.pair_summary) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE portfolio.pair_summary (
    input = portfolio.pair_summary_in, output = portfolio.pair_summary_out,
    receive = portfolio.pair_summary_recv, send = portfolio.pair_summary_send,
    internallength = variable, alignment = int4, storage = main  -- payload read with memcpy
);
COMMENT ON TYPE portfolio.pair_summary IS
    'co-moments of a return series r and a benchmark rb (and of r - rb): build with pair_stats(r, rb), combine with rollup()';

CREATE FUNCTION portfolio.pair_stats_trans(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_stats_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_stats_inv(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_stats_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_summary_rollup_trans(internal, portfolio.pair_summary) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_rollup_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_summary_rollup_inv(internal, portfolio.pair_summary) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_rollup_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_stats_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_stats_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_stats_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_pair_stats_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_stats_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_pair_stats_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.pair_stats_final(internal) RETURNS portfolio.pair_summary
    AS 'MODULE_PATHNAME', 'pgp_pair_stats_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE portfolio.pair_stats(r float8, rb float8) (
    sfunc = portfolio.pair_stats_trans, stype = internal, finalfunc = portfolio.pair_stats_final,
    combinefunc = portfolio.pair_stats_combine,
    serialfunc = portfolio.pair_stats_serialize, deserialfunc = portfolio.pair_stats_deserialize,
    msfunc = portfolio.pair_stats_trans, minvfunc = portfolio.pair_stats_inv, mstype = internal,
    mfinalfunc = portfolio.pair_stats_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.pair_stats(float8, float8) IS
    'summary of a return series against a benchmark for the pair_summary accessors; NULL when empty';
CREATE AGGREGATE portfolio.rollup(portfolio.pair_summary) (
    sfunc = portfolio.pair_summary_rollup_trans, stype = internal, finalfunc = portfolio.pair_stats_final,
    combinefunc = portfolio.pair_stats_combine,
    serialfunc = portfolio.pair_stats_serialize, deserialfunc = portfolio.pair_stats_deserialize,
    msfunc = portfolio.pair_summary_rollup_trans, minvfunc = portfolio.pair_summary_rollup_inv, mstype = internal,
    mfinalfunc = portfolio.pair_stats_final,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.rollup(portfolio.pair_summary) IS
    'combines stored pair summaries exactly; NULL when empty';

-- accessors
CREATE FUNCTION portfolio.n(s portfolio.pair_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_n' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.n(portfolio.pair_summary) IS 'number of (r, rb) pairs summarised';
CREATE FUNCTION portfolio.beta(s portfolio.pair_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_beta' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.beta(portfolio.pair_summary) IS 'cov_samp(r, rb) / var_samp(rb); NULL below 2 pairs or for a constant benchmark';
CREATE FUNCTION portfolio.alpha(s portfolio.pair_summary, rf float8 DEFAULT 0, ppy int4 DEFAULT 252) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_alpha' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.alpha(portfolio.pair_summary, float8, int4) IS '(1 + (mean(r) - rf) - beta (mean(rb) - rf))^ppy - 1, rf a constant per-period rate';
CREATE FUNCTION portfolio.correlation(s portfolio.pair_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_correlation' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.correlation(portfolio.pair_summary) IS 'Pearson correlation of r and rb; NULL below 2 pairs or for a constant series';
CREATE FUNCTION portfolio.tracking_error(s portfolio.pair_summary, ppy int4 DEFAULT 252) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_tracking_error' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.tracking_error(portfolio.pair_summary, int4) IS 'stddev_samp(r - rb) * sqrt(ppy)';
CREATE FUNCTION portfolio.information_ratio(s portfolio.pair_summary, ppy int4 DEFAULT 252) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_pair_summary_information_ratio' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.information_ratio(portfolio.pair_summary, int4) IS 'mean(r - rb) / stddev_samp(r - rb) * sqrt(ppy)';
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
-- xirr(amount, at): Excel's XIRR (Act/365 from the earliest flow); order-independent, so the flows
-- of partial aggregates are concatenated (16 bytes a flow).
CREATE FUNCTION portfolio.xirr_trans(internal, float8, date) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_xirr_date_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.xirr_trans(internal, float8, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_xirr_timestamptz_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.xirr_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_xirr_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.xirr_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_xirr_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.xirr_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_xirr_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.xirr_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_xirr_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE portfolio.xirr(amount float8, at date) (
    sfunc = portfolio.xirr_trans, stype = internal, finalfunc = portfolio.xirr_final,
    combinefunc = portfolio.xirr_combine,
    serialfunc = portfolio.xirr_serialize, deserialfunc = portfolio.xirr_deserialize,
    parallel = safe
);
CREATE AGGREGATE portfolio.xirr(amount float8, at timestamptz) (
    sfunc = portfolio.xirr_trans, stype = internal, finalfunc = portfolio.xirr_final,
    combinefunc = portfolio.xirr_combine,
    serialfunc = portfolio.xirr_serialize, deserialfunc = portfolio.xirr_deserialize,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.xirr(float8, date) IS
    'annual internal rate of return x: sum amount (1 + x)^(-days / 365) = 0; NULL without a root';
COMMENT ON AGGREGATE portfolio.xirr(float8, timestamptz) IS
    'annual internal rate of return with fractional days; NULL without a root';

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
-- Multi-asset aggregates: each row is one period's vector of asset returns (float8[]).
-- covariance/correlation keep n, the mean vector and the co-moment matrix (8 (k^2 + 2k) bytes a
-- group), merged exactly across parallel workers. Rows with a NULL array or element are skipped.
CREATE FUNCTION portfolio.comoment_trans(internal, float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_comoment_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.comoment_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_comoment_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.comoment_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_comoment_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.comoment_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_comoment_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.covariance_final(internal) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'pgp_covariance_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.correlation_final(internal) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'pgp_correlation_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE portfolio.covariance(returns float8[]) (
    sfunc = portfolio.comoment_trans, stype = internal, finalfunc = portfolio.covariance_final,
    combinefunc = portfolio.comoment_combine,
    serialfunc = portfolio.comoment_serialize, deserialfunc = portfolio.comoment_deserialize,
    parallel = safe
);
CREATE AGGREGATE portfolio.correlation(returns float8[]) (
    sfunc = portfolio.comoment_trans, stype = internal, finalfunc = portfolio.correlation_final,
    combinefunc = portfolio.comoment_combine,
    serialfunc = portfolio.comoment_serialize, deserialfunc = portfolio.comoment_deserialize,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.covariance(float8[]) IS
    'sample covariance matrix (n - 1) of asset-return vectors, float8[k][k]; NULL below 2 rows';
COMMENT ON AGGREGATE portfolio.correlation(float8[]) IS
    'Pearson correlation matrix of asset-return vectors, float8[k][k]; NULL entries for zero variance';

-- var_monte_carlo / component_var: the same state plus weights and parameters (equal in every row).
CREATE FUNCTION portfolio.portfolio_trans(internal, float8[], float8[]) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_portfolio_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.portfolio_trans(internal, float8[], float8[], float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_portfolio_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.portfolio_trans(internal, float8[], float8[], float8, integer) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_portfolio_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.portfolio_trans(internal, float8[], float8[], float8, integer, integer) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_portfolio_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.portfolio_trans(internal, float8[], float8[], float8, integer, integer, bigint) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_portfolio_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.var_monte_carlo_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_var_monte_carlo_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.component_var_final(internal) RETURNS float8[]
    AS 'MODULE_PATHNAME', 'pgp_component_var_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

DO $$
DECLARE
    signature text;
BEGIN
    FOREACH signature IN ARRAY ARRAY[
        'returns float8[], weights float8[]',
        'returns float8[], weights float8[], confidence float8',
        'returns float8[], weights float8[], confidence float8, horizon_days integer',
        'returns float8[], weights float8[], confidence float8, horizon_days integer, simulations integer',
        'returns float8[], weights float8[], confidence float8, horizon_days integer, simulations integer, seed bigint']
    LOOP
        EXECUTE format($f$
            CREATE AGGREGATE portfolio.var_monte_carlo(%s) (
                sfunc = portfolio.portfolio_trans, stype = internal,
                finalfunc = portfolio.var_monte_carlo_final,
                combinefunc = portfolio.comoment_combine,
                serialfunc = portfolio.comoment_serialize, deserialfunc = portfolio.comoment_deserialize,
                parallel = safe)$f$, signature);
    END LOOP;
END
$$;
COMMENT ON AGGREGATE portfolio.var_monte_carlo(float8[], float8[], float8, integer, integer, bigint) IS
    'Monte Carlo VaR of a weighted portfolio: correlated normal draws (Cholesky), compounding over horizon_days; deterministic for a seed';

CREATE AGGREGATE portfolio.component_var(returns float8[], weights float8[], confidence float8) (
    sfunc = portfolio.portfolio_trans, stype = internal, finalfunc = portfolio.component_var_final,
    combinefunc = portfolio.comoment_combine,
    serialfunc = portfolio.comoment_serialize, deserialfunc = portfolio.comoment_deserialize,
    parallel = safe
);
CREATE AGGREGATE portfolio.component_var(returns float8[], weights float8[]) (
    sfunc = portfolio.portfolio_trans, stype = internal, finalfunc = portfolio.component_var_final,
    combinefunc = portfolio.comoment_combine,
    serialfunc = portfolio.comoment_serialize, deserialfunc = portfolio.comoment_deserialize,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.component_var(float8[], float8[], float8) IS
    'Gaussian Euler VaR contributions per asset (population moments); they sum to the portfolio''s Gaussian VaR';
-- portfolio.quantile_sketch: the approximate-VaR sketch as a storable value. Build it with
-- quantile_sketch(r), store it (e.g. one per symbol and day in a materialized view), merge stored
-- sketches exactly with rollup(quantile_sketch), and read VaR/ES at any confidence from it.
-- Text form: n=<count>;zero=<count>;neg=<first bucket>:<counts...>;pos=<first bucket>:<counts...>
CREATE TYPE portfolio.quantile_sketch;
CREATE FUNCTION portfolio.quantile_sketch_in(cstring) RETURNS portfolio.quantile_sketch
    AS 'MODULE_PATHNAME', 'pgp_quantile_sketch_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.quantile_sketch_out(portfolio.quantile_sketch) RETURNS cstring
    AS 'MODULE_PATHNAME', 'pgp_quantile_sketch_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.quantile_sketch_recv(internal) RETURNS portfolio.quantile_sketch
    AS 'MODULE_PATHNAME', 'pgp_quantile_sketch_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.quantile_sketch_send(portfolio.quantile_sketch) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_quantile_sketch_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE portfolio.quantile_sketch (
    input = portfolio.quantile_sketch_in, output = portfolio.quantile_sketch_out,
    receive = portfolio.quantile_sketch_recv, send = portfolio.quantile_sketch_send,
    internallength = variable, alignment = double, storage = extended
);
COMMENT ON TYPE portfolio.quantile_sketch IS
    'bounded-memory (<= 32 KiB) mergeable quantile sketch of returns: each order statistic within 1 % relative';

CREATE FUNCTION portfolio.quantile_sketch_final(internal) RETURNS portfolio.quantile_sketch
    AS 'MODULE_PATHNAME', 'pgp_quantile_sketch_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.quantile_sketch_rollup_trans(internal, portfolio.quantile_sketch) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_sketch_rollup_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE portfolio.quantile_sketch(r float8) (
    sfunc = portfolio.var_approx_trans, stype = internal, sspace = 32792,
    finalfunc = portfolio.quantile_sketch_final,
    combinefunc = portfolio.var_approx_combine,
    serialfunc = portfolio.var_approx_serialize, deserialfunc = portfolio.var_approx_deserialize,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.quantile_sketch(float8) IS
    'builds a storable quantile_sketch of the returns (NULL when empty)';
CREATE AGGREGATE portfolio.rollup(portfolio.quantile_sketch) (
    sfunc = portfolio.quantile_sketch_rollup_trans, stype = internal, sspace = 32792,
    finalfunc = portfolio.quantile_sketch_final,
    combinefunc = portfolio.var_approx_combine,
    serialfunc = portfolio.var_approx_serialize, deserialfunc = portfolio.var_approx_deserialize,
    parallel = safe
);
COMMENT ON AGGREGATE portfolio.rollup(portfolio.quantile_sketch) IS
    'merges stored quantile sketches exactly (bucket counts add)';

CREATE FUNCTION portfolio.var_historical_approx(sketch portfolio.quantile_sketch, confidence float8 DEFAULT 0.95)
    RETURNS float8 AS 'MODULE_PATHNAME', 'pgp_sketch_var' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.cvar_historical_approx(sketch portfolio.quantile_sketch, confidence float8 DEFAULT 0.95)
    RETURNS float8 AS 'MODULE_PATHNAME', 'pgp_sketch_cvar' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.quantile(sketch portfolio.quantile_sketch, p float8)
    RETURNS float8 AS 'MODULE_PATHNAME', 'pgp_sketch_quantile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.num_values(sketch portfolio.quantile_sketch)
    RETURNS bigint AS 'MODULE_PATHNAME', 'pgp_sketch_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- Market data: quotes range-partitioned by month, FX rates, and the fetcher's quarantine.
-- Prices are numeric (exact); statistics convert to float8 where they start.

-- One row per symbol and bar. Daily bars carry the trading date at 00:00 UTC in ts.
CREATE TABLE portfolio.quotes (
    symbol     text          NOT NULL,
    ts         timestamptz   NOT NULL,
    open       numeric,
    high       numeric,
    low        numeric,
    close      numeric       NOT NULL,
    adj_close  numeric,                 -- split- and dividend-adjusted close, when the source has one
    volume     numeric,
    source     text          NOT NULL,
    fetched_at timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, ts),
    CHECK (close > 0),
    CHECK (volume IS NULL OR volume >= 0)
) PARTITION BY RANGE (ts);
COMMENT ON TABLE portfolio.quotes IS
    'price bars, monthly range partitions created by portfolio.ensure_quote_partitions(); no default partition';

-- 1 unit of base costs rate units of quote (EUR/USD 1.08: base EUR, quote USD).
CREATE TABLE portfolio.fx_rates (
    day        date        NOT NULL,
    base       text        NOT NULL CHECK (base ~ '^[A-Z]{3}$'),
    quote      text        NOT NULL CHECK (quote ~ '^[A-Z]{3}$'),
    rate       numeric     NOT NULL CHECK (rate > 0),
    source     text        NOT NULL DEFAULT 'manual',
    fetched_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (day, base, quote)
);
CREATE INDEX fx_rates_pair_day ON portfolio.fx_rates (base, quote, day DESC);

-- Rows the fetcher refused, kept with their raw text and the reason: nothing is silently dropped.
CREATE TABLE portfolio.quotes_rejected (
    id      bigserial   PRIMARY KEY,
    symbol  text,
    raw     text        NOT NULL,
    reason  text        NOT NULL,
    source  text        NOT NULL,
    seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quotes_rejected_seen_at ON portfolio.quotes_rejected (seen_at);

-- The name of the monthly partition holding a timestamp: quotes_YYYY_MM (months in UTC).
CREATE FUNCTION portfolio.quote_partition_name(ts timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN 'quotes_' || to_char(ts AT TIME ZONE 'UTC', 'YYYY_MM');

-- Creates the missing monthly partitions covering [from_day, to_day]; returns how many it made.
-- Bounds are written in UTC so they do not depend on the session's TimeZone.
CREATE FUNCTION portfolio.ensure_quote_partitions(from_day date, to_day date) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    month_start date := date_trunc('month', from_day)::date;
    created integer := 0;
    part text;
BEGIN
    IF to_day < from_day THEN
        RAISE EXCEPTION 'ensure_quote_partitions: to_day % is before from_day %', to_day, from_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF to_day - from_day > 366 * 200 THEN
        RAISE EXCEPTION 'ensure_quote_partitions: a span of % days is not a plausible quote history', to_day - from_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- concurrent loaders must not race to create the same partition
    PERFORM pg_advisory_xact_lock(hashtext('portfolio.ensure_quote_partitions'));
    WHILE month_start <= to_day LOOP
        part := portfolio.quote_partition_name(month_start::timestamp AT TIME ZONE 'UTC');
        IF to_regclass(format('portfolio.%I', part)) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE portfolio.%I PARTITION OF portfolio.quotes FOR VALUES FROM (%L) TO (%L)',
                part,
                month_start::text || ' 00:00:00+00',
                (month_start + interval '1 month')::date::text || ' 00:00:00+00');
            created := created + 1;
        END IF;
        month_start := (month_start + interval '1 month')::date;
    END LOOP;
    RETURN created;
END
$$;
COMMENT ON FUNCTION portfolio.ensure_quote_partitions(date, date) IS
    'creates the missing monthly partitions of portfolio.quotes covering the given days';

-- pg_dump keeps the user data of extension tables (partitions created later are ordinary tables).
SELECT pg_catalog.pg_extension_config_dump('portfolio.fx_rates', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.quotes_rejected', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.quotes_rejected_id_seq', '');
-- portfolio-fetch looks up already-quarantined rows by symbol and source before recording a
-- rejected row again (a re-run of the same fetch adds nothing); this keeps that lookup small.
CREATE INDEX quotes_rejected_symbol_source ON portfolio.quotes_rejected (symbol, source);
-- Cross rates: portfolios often need a pair no source quotes (EUR/CAD when the feed has EUR/USD and
-- USD/CAD). derive_cross_rates stores base/quote = base/via x via/quote for every day both legs
-- have a rate (each leg direct or inverted), marked source 'cross:<via>'. Stored rates from a real
-- source are never overwritten; re-running refreshes earlier derived ones.
CREATE FUNCTION portfolio.derive_cross_rates(base text, quote text, via text DEFAULT 'USD',
                                             from_day date DEFAULT '-infinity',
                                             to_day date DEFAULT 'infinity')
    RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    stored integer;
BEGIN
    IF base = quote OR via IN (base, quote) THEN
        RAISE EXCEPTION 'derive_cross_rates: % / % via % is not a cross', base, quote, via
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    WITH legs AS (      -- every stored rate as (from, to, rate), both directions
        SELECT day, f.base AS c_from, f.quote AS c_to, f.rate FROM portfolio.fx_rates f
        WHERE f.day BETWEEN from_day AND to_day AND f.source NOT LIKE 'cross:%'
        UNION ALL
        SELECT day, f.quote, f.base, 1 / f.rate FROM portfolio.fx_rates f
        WHERE f.day BETWEEN from_day AND to_day AND f.source NOT LIKE 'cross:%'
    ), crossed AS (
        SELECT a.day, round(a.rate * b.rate, 12) AS rate
        FROM legs a JOIN legs b ON b.day = a.day
        WHERE a.c_from = base AND a.c_to = via AND b.c_from = via AND b.c_to = quote
    )
    INSERT INTO portfolio.fx_rates AS r (day, base, quote, rate, source)
    SELECT day, derive_cross_rates.base, derive_cross_rates.quote, rate, 'cross:' || via FROM crossed
    ON CONFLICT (day, base, quote) DO UPDATE SET rate = excluded.rate, fetched_at = now()
        WHERE r.source LIKE 'cross:%' AND r.rate IS DISTINCT FROM excluded.rate;
    GET DIAGNOSTICS stored = ROW_COUNT;
    RETURN stored;
END
$$;
COMMENT ON FUNCTION portfolio.derive_cross_rates(text, text, text, date, date) IS
    'stores base/quote cross rates derived through a third currency (default USD) for every day both legs exist';
-- The portfolio data model: portfolios, instruments, transactions, settings.
-- Money and quantities are numeric (exact). Conventions are in docs/data-model.md.

CREATE TYPE portfolio.txn_kind AS ENUM (
    'buy', 'sell', 'dividend', 'interest', 'fee', 'deposit', 'withdrawal', 'split',
    'transfer_in', 'transfer_out');
COMMENT ON TYPE portfolio.txn_kind IS
    'what a transaction does; split: quantity = new shares per old share';

CREATE TABLE portfolio.portfolios (
    id               bigserial   PRIMARY KEY,
    name             text        NOT NULL,
    owner            name        NOT NULL DEFAULT current_user,
    base_currency    text        NOT NULL DEFAULT 'USD' CHECK (base_currency ~ '^[A-Z]{3}$'),
    benchmark_symbol text,
    cost_method      text        NOT NULL DEFAULT 'fifo'
                                 CHECK (cost_method IN ('fifo', 'lifo', 'average', 'hifo')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner, name)
);
COMMENT ON TABLE portfolio.portfolios IS
    'one row per portfolio; owner is the role whose members see and change it (row-level security)';

CREATE TABLE portfolio.instruments (
    symbol      text PRIMARY KEY,
    name        text,
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    asset_class text NOT NULL DEFAULT 'equity',
    sector      text,
    exchange    text
);
COMMENT ON TABLE portfolio.instruments IS
    'tradable instruments; symbol is the key of portfolio.quotes; prices are in currency';

CREATE TABLE portfolio.transactions (
    id           bigserial   PRIMARY KEY,
    portfolio_id bigint      NOT NULL REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    instrument   text        REFERENCES portfolio.instruments (symbol) ON UPDATE CASCADE,
    executed_at  timestamptz NOT NULL,
    kind         portfolio.txn_kind NOT NULL,
    quantity     numeric,    -- shares (> 0) for trades; the ratio for a split
    price        numeric,    -- per share, in the instrument's currency
    fees         numeric     NOT NULL DEFAULT 0 CHECK (fees >= 0),
    amount       numeric,    -- the cash amount of dividend, interest, deposit, withdrawal
    currency     text        CHECK (currency ~ '^[A-Z]{3}$'),  -- filled by a trigger when NULL
    external_id  text,       -- the importer's id: unique per portfolio, so imports are idempotent
    note         text,
    UNIQUE (portfolio_id, external_id),
    CONSTRAINT transactions_shape CHECK (coalesce(CASE kind
        WHEN 'buy'          THEN instrument IS NOT NULL AND quantity > 0 AND price >= 0
        WHEN 'sell'         THEN instrument IS NOT NULL AND quantity > 0 AND price >= 0
        WHEN 'transfer_in'  THEN instrument IS NOT NULL AND quantity > 0 AND price >= 0
        WHEN 'transfer_out' THEN instrument IS NOT NULL AND quantity > 0 AND (price IS NULL OR price >= 0)
        WHEN 'split'        THEN instrument IS NOT NULL AND quantity > 0
        WHEN 'dividend'     THEN instrument IS NOT NULL AND amount IS NOT NULL
        WHEN 'interest'     THEN amount IS NOT NULL
        WHEN 'fee'          THEN fees > 0
        WHEN 'deposit'      THEN instrument IS NULL AND amount > 0
        WHEN 'withdrawal'   THEN instrument IS NULL AND amount > 0
    END, false))
);
CREATE INDEX transactions_position ON portfolio.transactions (portfolio_id, instrument, executed_at, id);
COMMENT ON TABLE portfolio.transactions IS
    'the ledger; positions, cash and P/L are computed from it (docs/data-model.md)';
COMMENT ON COLUMN portfolio.transactions.quantity IS
    'shares (> 0) for buy, sell, transfer_in, transfer_out; for split the ratio: new shares per old share';

-- A transaction's cash currency: the instrument's currency (anything else is refused: prices and
-- cost bases are kept in the instrument's currency), else the portfolio's base currency.
CREATE FUNCTION portfolio.transactions_currency() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ccy text;
BEGIN
    IF NEW.instrument IS NOT NULL THEN
        SELECT i.currency INTO ccy FROM portfolio.instruments i WHERE i.symbol = NEW.instrument;
        IF NEW.currency IS NOT NULL AND NEW.currency <> ccy THEN
            RAISE EXCEPTION 'a % of % must be in %, the instrument''s currency, not %',
                NEW.kind, NEW.instrument, ccy, NEW.currency
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        NEW.currency := ccy;
    ELSIF NEW.currency IS NULL THEN
        SELECT p.base_currency INTO NEW.currency FROM portfolio.portfolios p WHERE p.id = NEW.portfolio_id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER transactions_currency BEFORE INSERT OR UPDATE ON portfolio.transactions
    FOR EACH ROW EXECUTE FUNCTION portfolio.transactions_currency();

-- Settings: an empty table means every default. Values are validated by the CHECK.
CREATE TABLE portfolio.settings (
    key   text PRIMARY KEY CONSTRAINT settings_key_check CHECK (key IN (
              'stale_quote_days', 'fx_max_staleness_days', 'refresh_work_mem_mb',
              'stale_business_days', 'gap_window_days', 'suspicious_move_pct', 'rebalance_cost_bps')),
    value integer NOT NULL CHECK (value >= 0)
);
COMMENT ON TABLE portfolio.settings IS
    'stale_quote_days (default 5): positions flag a quote older than this; '
    'fx_max_staleness_days (default 7): how long an FX rate is carried forward over gaps; '
    'refresh_work_mem_mb (default 256): work_mem for portfolio.refresh(); '
    'stale_business_days (3), gap_window_days (30), suspicious_move_pct (25): data_quality; '
    'rebalance_cost_bps (0): estimated trading cost in rebalance()';

-- PL/pgSQL, not SQL: fx_rate() and the views call it once or more per row, and a SQL function
-- with a SET clause is planned again in every query; PL/pgSQL keeps the plan for the session.
CREATE FUNCTION portfolio.setting(key text) RETURNS integer
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN coalesce((SELECT s.value FROM portfolio.settings s WHERE s.key = setting.key),
                    CASE key WHEN 'stale_quote_days' THEN 5 WHEN 'fx_max_staleness_days' THEN 7
                             WHEN 'refresh_work_mem_mb' THEN 256
                             WHEN 'stale_business_days' THEN 3 WHEN 'gap_window_days' THEN 30
                             WHEN 'suspicious_move_pct' THEN 25 WHEN 'rebalance_cost_bps' THEN 0 END);
END
$$;
COMMENT ON FUNCTION portfolio.setting(text) IS 'the value of a setting, or its default';

SELECT pg_catalog.pg_extension_config_dump('portfolio.portfolios', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.portfolios_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.instruments', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.transactions', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.transactions_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.settings', '');
-- portfolio.position: the lots of one instrument, built by position_agg (src/core/lots.hpp).
-- Exact: amounts are fixed-point with 12 decimals inside (no floating point); see docs/data-model.md.
CREATE TYPE portfolio.position;
CREATE FUNCTION portfolio.position_in(cstring) RETURNS portfolio.position
    AS 'MODULE_PATHNAME', 'pgp_position_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.position_out(portfolio.position) RETURNS cstring
    AS 'MODULE_PATHNAME', 'pgp_position_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.position_recv(internal) RETURNS portfolio.position
    AS 'MODULE_PATHNAME', 'pgp_position_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.position_send(portfolio.position) RETURNS bytea
    AS 'MODULE_PATHNAME', 'pgp_position_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE portfolio.position (
    INPUT = portfolio.position_in,
    OUTPUT = portfolio.position_out,
    RECEIVE = portfolio.position_recv,
    SEND = portfolio.position_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);
COMMENT ON TYPE portfolio.position IS
    'open lots and running totals of one instrument (text: method=... quantity=... lots=opened/quantity/cost,...)';

-- Transition: (state, executed_at, kind, quantity, price, fees [, method [, label]]).
CREATE FUNCTION portfolio.position_trans(internal, timestamptz, portfolio.txn_kind, numeric, numeric, numeric)
    RETURNS internal AS 'MODULE_PATHNAME', 'pgp_position_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.position_trans(internal, timestamptz, portfolio.txn_kind, numeric, numeric, numeric, text)
    RETURNS internal AS 'MODULE_PATHNAME', 'pgp_position_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.position_trans(internal, timestamptz, portfolio.txn_kind, numeric, numeric, numeric, text, text)
    RETURNS internal AS 'MODULE_PATHNAME', 'pgp_position_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.position_final(internal) RETURNS portfolio.position
    AS 'MODULE_PATHNAME', 'pgp_position_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Order-dependent (lots are consumed in time order): no combine function, so never split across
-- workers or partitions. Use ORDER BY executed_at (an out-of-order row is an error).
CREATE AGGREGATE portfolio.position_agg(executed_at timestamptz, kind portfolio.txn_kind,
                                        quantity numeric, price numeric, fees numeric) (
    sfunc = portfolio.position_trans, stype = internal,
    finalfunc = portfolio.position_final, finalfunc_modify = read_only, parallel = safe);
CREATE AGGREGATE portfolio.position_agg(executed_at timestamptz, kind portfolio.txn_kind,
                                        quantity numeric, price numeric, fees numeric, method text) (
    sfunc = portfolio.position_trans, stype = internal,
    finalfunc = portfolio.position_final, finalfunc_modify = read_only, parallel = safe);
-- label names the position in an oversell error ('portfolio 3 "Main", instrument AAPL'); the views use it.
CREATE AGGREGATE portfolio.position_agg(executed_at timestamptz, kind portfolio.txn_kind,
                                        quantity numeric, price numeric, fees numeric, method text, label text) (
    sfunc = portfolio.position_trans, stype = internal,
    finalfunc = portfolio.position_final, finalfunc_modify = read_only, parallel = safe);
COMMENT ON AGGREGATE portfolio.position_agg(timestamptz, portfolio.txn_kind, numeric, numeric, numeric) IS
    'lot accounting, FIFO; ORDER BY executed_at. Selling more than held is SQLSTATE PF001';
COMMENT ON AGGREGATE portfolio.position_agg(timestamptz, portfolio.txn_kind, numeric, numeric, numeric, text) IS
    'lot accounting with method fifo, lifo, average or hifo; ORDER BY executed_at';

CREATE FUNCTION portfolio.quantity(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_quantity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.cost_basis(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_cost_basis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.average_cost(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_average_cost' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.realized_pl(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_realized_pl' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.income(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_income' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.fees(portfolio.position) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_fees' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.transaction_count(portfolio.position) RETURNS bigint
    AS 'MODULE_PATHNAME', 'pgp_position_transactions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.cost_method(portfolio.position) RETURNS text
    AS 'MODULE_PATHNAME', 'pgp_position_cost_method' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.market_value(portfolio.position, price numeric) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_market_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.unrealized_pl(portfolio.position, price numeric) RETURNS numeric
    AS 'MODULE_PATHNAME', 'pgp_position_unrealized_pl' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.open_lots(portfolio.position,
                                    OUT opened_at timestamptz, OUT quantity numeric,
                                    OUT unit_cost numeric, OUT cost numeric) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'pgp_position_open_lots' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION portfolio.average_cost(portfolio.position) IS
    'cost_basis / quantity, rounded half away from zero to 12 decimals; NULL when nothing is held';
COMMENT ON FUNCTION portfolio.realized_pl(portfolio.position) IS
    'proceeds (after sell fees) minus the cost of the lots sold, by the position''s cost method';
COMMENT ON FUNCTION portfolio.income(portfolio.position) IS 'dividends and interest, gross';
COMMENT ON FUNCTION portfolio.open_lots(portfolio.position) IS
    'the open lots: when opened, shares, unit cost and total cost (fees included)';
-- Current positions, cash and allocation (what dashboards read). Every view is security_invoker:
-- it shows exactly the rows the caller's row-level security lets them see.

-- The rate converting 1 unit of from_ccy into to_ccy on a day: the latest rate on or before the
-- day, at most setting('fx_max_staleness_days') old, from a stored pair or its inverse (1/rate).
-- NULL when there is none: never 1, never an unconverted amount.
-- PL/pgSQL rather than SQL: the lookup cannot be inlined (it has a subquery), and PL/pgSQL keeps
-- its plan for the session, where a SQL function plans it again in every query that calls it
-- (0.08 ms instead of 0.18 ms a call; it is called per holding, per cash currency and per day).
CREATE FUNCTION portfolio.fx_rate(from_ccy text, to_ccy text, on_day date) RETURNS numeric
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    oldest date := on_day - portfolio.setting('fx_max_staleness_days');
BEGIN
    IF from_ccy = to_ccy THEN
        RETURN 1;
    END IF;
    RETURN (SELECT r.rate FROM (
            (SELECT f.day, f.rate, 0 AS inverse FROM portfolio.fx_rates f
             WHERE f.base = from_ccy AND f.quote = to_ccy AND f.day <= on_day AND f.day >= oldest
             ORDER BY f.day DESC LIMIT 1)
            UNION ALL
            (SELECT f.day, 1 / f.rate, 1 FROM portfolio.fx_rates f
             WHERE f.base = to_ccy AND f.quote = from_ccy AND f.day <= on_day AND f.day >= oldest
             ORDER BY f.day DESC LIMIT 1)
        ) r ORDER BY r.day DESC, r.inverse LIMIT 1);
END
$$;
COMMENT ON FUNCTION portfolio.fx_rate(text, text, date) IS
    'units of to_ccy per unit of from_ccy on a day, carried forward at most fx_max_staleness_days; NULL when unknown';

-- The cash a transaction moves, in its currency (docs/data-model.md, "cash").
CREATE FUNCTION portfolio.cash_effect(kind portfolio.txn_kind, quantity numeric, price numeric,
                                      fees numeric, amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE kind
        WHEN 'deposit'    THEN amount
        WHEN 'withdrawal' THEN -amount
        WHEN 'buy'        THEN -(quantity * price)
        WHEN 'sell'       THEN quantity * price
        WHEN 'dividend'   THEN amount
        WHEN 'interest'   THEN amount
        ELSE 0
    END - coalesce(fees, 0);

-- The external flow a transaction brings into the portfolio (deposits and transfers in +,
-- withdrawals and transfers out -), in its currency; transfer_out without a price leaves at cost,
-- which only the running position knows (NULL here).
CREATE FUNCTION portfolio.external_flow(kind portfolio.txn_kind, quantity numeric, price numeric, amount numeric)
    RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE kind
        WHEN 'deposit'      THEN amount
        WHEN 'withdrawal'   THEN -amount
        WHEN 'transfer_in'  THEN quantity * price
        WHEN 'transfer_out' THEN -(quantity * price)
        ELSE 0
    END;

-- The arguments position_agg gets from a transactions row: dividends and interest pass their
-- amount as the price and no quantity (income += amount).
CREATE FUNCTION portfolio.position_quantity_arg(kind portfolio.txn_kind, quantity numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN kind IN ('dividend', 'interest') THEN NULL ELSE quantity END;
CREATE FUNCTION portfolio.position_price_arg(kind portfolio.txn_kind, price numeric, amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN kind IN ('dividend', 'interest') THEN amount ELSE price END;

CREATE VIEW portfolio.cash WITH (security_invoker = true) AS
SELECT b.portfolio_id, b.currency, b.balance, b.base_currency,
       trim_scale(fx.rate) AS fx_rate,
       trim_scale(b.balance * fx.rate) AS balance_base
FROM (SELECT t.portfolio_id, t.currency, p.base_currency,
             sum(portfolio.cash_effect(t.kind, t.quantity, t.price, t.fees, t.amount)) AS balance
      FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
      GROUP BY t.portfolio_id, t.currency, p.base_currency) b
-- one rate lookup per balance (OFFSET 0 keeps the planner from copying the call into both columns)
CROSS JOIN LATERAL (SELECT portfolio.fx_rate(b.currency, b.base_currency, current_date) AS rate OFFSET 0) fx;
COMMENT ON VIEW portfolio.cash IS
    'cash per portfolio and currency from the ledger (deposits, trades, income, fees); base amount at today''s rate';

CREATE VIEW portfolio.positions WITH (security_invoker = true) AS
WITH held AS (
    SELECT t.portfolio_id, t.instrument,
           portfolio.position_agg(t.executed_at, t.kind,
                                  portfolio.position_quantity_arg(t.kind, t.quantity),
                                  portfolio.position_price_arg(t.kind, t.price, t.amount), t.fees,
                                  p.cost_method,
                                  format('portfolio %s (%s), instrument %s', p.id, p.name, t.instrument)
                                  ORDER BY t.executed_at, t.id) AS position
    FROM portfolio.transactions t
    JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.instrument IS NOT NULL
    GROUP BY t.portfolio_id, t.instrument
), valued AS (
    SELECT h.portfolio_id, p.name AS portfolio_name, h.instrument, i.name AS instrument_name,
           i.asset_class, i.sector, i.currency, p.base_currency, h.position,
           portfolio.quantity(h.position) AS quantity,
           portfolio.average_cost(h.position) AS average_cost,
           portfolio.cost_basis(h.position) AS invested,
           q.close AS market_price,
           q.ts AS price_at,
           portfolio.market_value(h.position, q.close) AS market_value,
           portfolio.unrealized_pl(h.position, q.close) AS unrealized_pl,
           portfolio.realized_pl(h.position) AS realized_pl,
           portfolio.income(h.position) AS income,
           portfolio.fees(h.position) AS fees,
           fx.rate AS fx_rate,
           q.ts IS NULL OR q.ts < now() - make_interval(days => portfolio.setting('stale_quote_days')) AS price_stale
    FROM held h
    JOIN portfolio.portfolios p ON p.id = h.portfolio_id
    JOIN portfolio.instruments i ON i.symbol = h.instrument
    LEFT JOIN LATERAL (
        SELECT qq.ts, qq.close FROM portfolio.quotes qq
        WHERE qq.symbol = h.instrument ORDER BY qq.ts DESC LIMIT 1) q ON true
    -- OFFSET 0 keeps the planner from copying the call into every column that uses the rate
    LEFT JOIN LATERAL (
        SELECT trim_scale(portfolio.fx_rate(i.currency, p.base_currency,
                                            coalesce((q.ts AT TIME ZONE 'UTC')::date, current_date))) AS rate
        OFFSET 0) fx ON true
), cash AS (   -- one row per portfolio, so the planner knows it (GROUP BY on a view's column was
               -- estimated at 200 groups: a 200-fold row estimate that made PostgreSQL JIT-compile
               -- the query, 250 ms of a 15 ms query)
    SELECT pc.id AS portfolio_id, k.cash_base, k.cash_fx_missing
    FROM portfolio.portfolios pc
    CROSS JOIN LATERAL (SELECT sum(c.balance_base) AS cash_base, bool_or(c.fx_rate IS NULL) AS cash_fx_missing
                        FROM portfolio.cash c WHERE c.portfolio_id = pc.id) k
)
SELECT v.portfolio_id, v.portfolio_name, v.instrument, v.instrument_name, v.asset_class, v.sector,
       v.currency, v.quantity, v.average_cost, v.invested, v.market_price, v.price_at, v.price_stale,
       v.market_value, v.unrealized_pl,
       CASE WHEN v.invested > 0 THEN round(v.unrealized_pl / v.invested * 100, 4) END AS gain_pct,
       v.realized_pl, v.income, v.fees,
       v.base_currency, v.fx_rate, v.fx_rate IS NULL AS fx_missing,
       trim_scale(v.invested * v.fx_rate) AS invested_base,
       trim_scale(v.market_value * v.fx_rate) AS market_value_base,
       trim_scale(v.unrealized_pl * v.fx_rate) AS unrealized_pl_base,
       -- share of the portfolio's value (securities and cash); NULL while any part is unconverted
       CASE WHEN bool_or(v.fx_rate IS NULL OR v.market_price IS NULL) OVER w OR c.cash_fx_missing THEN NULL
            WHEN sum(v.market_value * v.fx_rate) OVER w + coalesce(c.cash_base, 0) <> 0
            THEN round(v.market_value * v.fx_rate / (sum(v.market_value * v.fx_rate) OVER w + coalesce(c.cash_base, 0)), 6)
       END AS weight,
       v.position
FROM valued v LEFT JOIN cash c ON c.portfolio_id = v.portfolio_id
WINDOW w AS (PARTITION BY v.portfolio_id);
COMMENT ON VIEW portfolio.positions IS
    'per portfolio and instrument: quantity, average cost, invested, last close and its time, market value, '
    'P/L, income, weight, and the money in the base currency at the FX rate of the quote''s day';

CREATE VIEW portfolio.allocation WITH (security_invoker = true) AS
WITH items AS (
    SELECT portfolio_id, instrument, asset_class, coalesce(sector, '(none)') AS sector, currency,
           market_value_base AS value
    FROM portfolio.positions WHERE quantity <> 0
    UNION ALL
    SELECT portfolio_id, 'cash ' || currency, 'cash', '(cash)', currency, balance_base
    FROM portfolio.cash WHERE balance <> 0
)
SELECT i.portfolio_id, d.dimension, d.bucket,
       trim_scale(sum(i.value)) AS market_value_base,
       CASE WHEN bool_and(bool_and(i.value IS NOT NULL)) OVER w AND sum(sum(i.value)) OVER w <> 0
            THEN round(sum(i.value) / sum(sum(i.value)) OVER w, 6) END AS weight
FROM items i
CROSS JOIN LATERAL (VALUES ('instrument', i.instrument), ('asset_class', i.asset_class),
                           ('sector', i.sector), ('currency', i.currency)) d(dimension, bucket)
GROUP BY i.portfolio_id, d.dimension, d.bucket
WINDOW w AS (PARTITION BY i.portfolio_id, d.dimension);
COMMENT ON VIEW portfolio.allocation IS
    'weights by instrument, asset_class, sector and currency (cash included); NULL weight while any value is unconverted';
-- portfolio_daily: per portfolio and calendar day (UTC), the value in the base currency with the
-- last quote and FX rate carried forward over weekends, holidays and gaps, the external flows,
-- the P/L parts and the daily return. Materialized (portfolio.refresh() keeps it current); the
-- materialized view itself is private, readers use the view portfolio.portfolio_daily below, which
-- filters on the portfolios the caller may see (materialized views have no row-level security).
CREATE MATERIALIZED VIEW portfolio.portfolio_daily_mv AS
WITH params AS (
    SELECT current_date AS end_day, portfolio.setting('fx_max_staleness_days') AS fx_days
), txn AS (
    SELECT t.id, t.portfolio_id, t.instrument, t.executed_at, t.kind, t.quantity, t.price, t.fees,
           t.amount, t.currency, p.base_currency, p.cost_method, p.name AS portfolio_name,
           (t.executed_at AT TIME ZONE 'UTC')::date AS day
    FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
), running AS (      -- the position after each transaction of an instrument
    SELECT x.*, portfolio.quantity(x.pos) AS q_after, portfolio.cost_basis(x.pos) AS cost_after,
           portfolio.realized_pl(x.pos) AS realized_after
    FROM (SELECT txn.*,
                 portfolio.position_agg(txn.executed_at, txn.kind,
                                        portfolio.position_quantity_arg(txn.kind, txn.quantity),
                                        portfolio.position_price_arg(txn.kind, txn.price, txn.amount),
                                        txn.fees, txn.cost_method,
                                        format('portfolio %s (%s), instrument %s', txn.portfolio_id,
                                               txn.portfolio_name, txn.instrument))
                     OVER (PARTITION BY txn.portfolio_id, txn.instrument ORDER BY txn.executed_at, txn.id
                           ROWS UNBOUNDED PRECEDING) AS pos
          FROM txn WHERE txn.instrument IS NOT NULL) x
), deltas AS (
    SELECT r.*,
           r.realized_after - coalesce(lag(r.realized_after) OVER pw, 0) AS realized_delta,
           r.cost_after - coalesce(lag(r.cost_after) OVER pw, 0) AS cost_delta,
           row_number() OVER (PARTITION BY r.portfolio_id, r.instrument, r.day
                              ORDER BY r.executed_at DESC, r.id DESC) AS nth_from_end_of_day
    FROM running r
    WINDOW pw AS (PARTITION BY r.portfolio_id, r.instrument ORDER BY r.executed_at, r.id)
), holding_spans AS (  -- quantity and cost held at the end of from_day .. to_day
    SELECT d.portfolio_id, d.instrument, d.currency, d.base_currency, d.day AS from_day,
           coalesce(lead(d.day) OVER (PARTITION BY d.portfolio_id, d.instrument ORDER BY d.day) - 1,
                    (SELECT end_day FROM params)) AS to_day,
           d.q_after AS quantity, d.cost_after AS cost
    FROM deltas d WHERE d.nth_from_end_of_day = 1
), closes AS (         -- the last close of each UTC day (daily bars sit at 00:00 UTC)
    SELECT DISTINCT ON (q.symbol, (q.ts AT TIME ZONE 'UTC')::date)
           q.symbol, (q.ts AT TIME ZONE 'UTC')::date AS day, q.close
    FROM portfolio.quotes q
    WHERE q.symbol IN (SELECT s.instrument FROM holding_spans s)
    ORDER BY q.symbol, (q.ts AT TIME ZONE 'UTC')::date, q.ts DESC
), price_days AS (     -- carried forward to the next quote (a holding keeps its last price)
    SELECT c.symbol, g::date AS day, c.close
    FROM (SELECT c.*, lead(c.day) OVER (PARTITION BY c.symbol ORDER BY c.day) AS next_day FROM closes c) c,
         generate_series(c.day, coalesce(c.next_day - 1, (SELECT end_day FROM params)), interval '1 day') g
), fx_pairs AS (
    SELECT DISTINCT t.currency, t.base_currency FROM txn t WHERE t.currency <> t.base_currency
), fx_obs AS (         -- a stored pair, else its inverse
    SELECT DISTINCT ON (p.currency, p.base_currency, f.day) p.currency, p.base_currency, f.day, f.rate
    FROM fx_pairs p
    JOIN LATERAL (SELECT r.day, r.rate, 0 AS inverse FROM portfolio.fx_rates r
                  WHERE r.base = p.currency AND r.quote = p.base_currency
                  UNION ALL
                  SELECT r.day, 1 / r.rate, 1 FROM portfolio.fx_rates r
                  WHERE r.base = p.base_currency AND r.quote = p.currency) f ON true
    ORDER BY p.currency, p.base_currency, f.day, f.inverse
), fx_days AS (        -- carried forward at most fx_days days
    SELECT o.currency, o.base_currency, g::date AS day, o.rate
    FROM (SELECT o.*, lead(o.day) OVER (PARTITION BY o.currency, o.base_currency ORDER BY o.day) AS next_day
          FROM fx_obs o) o,
         generate_series(o.day,
                         least(coalesce(o.next_day - 1, (SELECT end_day FROM params)),
                               o.day + (SELECT fx_days FROM params),
                               (SELECT end_day FROM params)),
                         interval '1 day') g
), prices_base AS (   -- per symbol, base currency and day: the carried close and the FX rate, once
    SELECT pd.symbol, b.base_currency, pd.day, pd.close,
           CASE WHEN i.currency = b.base_currency THEN 1 ELSE f.rate END AS rate
    FROM price_days pd
    JOIN portfolio.instruments i ON i.symbol = pd.symbol
    CROSS JOIN (SELECT DISTINCT t.base_currency FROM txn t) b
    LEFT JOIN fx_days f ON f.currency = i.currency AND f.base_currency = b.base_currency AND f.day = pd.day
), price_arrays AS (   -- one row per symbol and base currency: dense daily arrays
    SELECT pb.symbol, pb.base_currency, min(pb.day) AS first_day,
           array_agg(pb.close ORDER BY pb.day) AS closes, array_agg(pb.rate ORDER BY pb.day) AS rates
    FROM prices_base pb GROUP BY pb.symbol, pb.base_currency
), holding_values AS (   -- one row per holding and day, sliced from the arrays (no join per day)
    SELECT s.portfolio_id, greatest(s.from_day, pa.first_day) + (u.n - 1)::integer AS day,
           s.quantity * u.close * u.rate AS value,
           s.cost * CASE WHEN s.currency = s.base_currency THEN 1 ELSE u.rate END AS cost,
           u.close IS NULL OR u.rate IS NULL AS missing
    FROM holding_spans s
    JOIN price_arrays pa ON pa.symbol = s.instrument AND pa.base_currency = s.base_currency
    CROSS JOIN LATERAL unnest(
        pa.closes[greatest(s.from_day, pa.first_day) - pa.first_day + 1 : s.to_day - pa.first_day + 1],
        pa.rates[greatest(s.from_day, pa.first_day) - pa.first_day + 1 : s.to_day - pa.first_day + 1])
        WITH ORDINALITY u(close, rate, n)
    WHERE s.quantity <> 0
    UNION ALL            -- days held before the instrument's first quote, or with none: unpriced
    SELECT s.portfolio_id, g::date, NULL, NULL, true
    FROM holding_spans s
    LEFT JOIN price_arrays pa ON pa.symbol = s.instrument AND pa.base_currency = s.base_currency
    CROSS JOIN generate_series(s.from_day, least(s.to_day, coalesce(pa.first_day - 1, s.to_day)), interval '1 day') g
    WHERE s.quantity <> 0
), securities AS (
    SELECT h.portfolio_id, h.day, sum(h.value) AS value, sum(h.cost) AS cost,
           count(*) FILTER (WHERE h.missing) AS missing
    FROM holding_values h
    GROUP BY h.portfolio_id, h.day
), cash_spans AS (
    SELECT c.portfolio_id, c.currency, c.base_currency, c.day AS from_day,
           coalesce(lead(c.day) OVER pw - 1, (SELECT end_day FROM params)) AS to_day,
           sum(c.delta) OVER pw AS balance
    FROM (SELECT t.portfolio_id, t.currency, t.base_currency, t.day,
                 sum(portfolio.cash_effect(t.kind, t.quantity, t.price, t.fees, t.amount)) AS delta
          FROM txn t GROUP BY t.portfolio_id, t.currency, t.base_currency, t.day) c
    WINDOW pw AS (PARTITION BY c.portfolio_id, c.currency ORDER BY c.day)
), cash AS (
    SELECT s.portfolio_id, g::date AS day,
           sum(s.balance * CASE WHEN s.currency = s.base_currency THEN 1 ELSE f.rate END) AS value,
           count(*) FILTER (WHERE s.currency <> s.base_currency AND f.rate IS NULL) AS missing
    FROM cash_spans s
    CROSS JOIN generate_series(s.from_day, s.to_day, interval '1 day') g
    LEFT JOIN fx_days f ON f.currency = s.currency AND f.base_currency = s.base_currency AND f.day = g::date
    WHERE s.balance <> 0
    GROUP BY s.portfolio_id, g::date
), events AS (         -- flows and P/L parts of each transaction, in its currency
    SELECT d.portfolio_id, d.day, d.currency, d.base_currency,
           CASE WHEN d.kind = 'transfer_in' THEN d.quantity * d.price ELSE 0 END AS inflow,
           CASE WHEN d.kind = 'transfer_out' THEN coalesce(d.quantity * d.price, -d.cost_delta) ELSE 0 END AS outflow,
           d.realized_delta AS realized,
           CASE WHEN d.kind IN ('dividend', 'interest') THEN d.amount ELSE 0 END AS income,
           CASE WHEN d.kind IN ('buy', 'sell', 'transfer_in', 'transfer_out') THEN 0 ELSE d.fees END AS fees
    FROM deltas d
    UNION ALL
    SELECT t.portfolio_id, t.day, t.currency, t.base_currency,
           CASE WHEN t.kind = 'deposit' THEN t.amount ELSE 0 END,
           CASE WHEN t.kind = 'withdrawal' THEN t.amount ELSE 0 END,
           0,
           CASE WHEN t.kind = 'interest' THEN t.amount ELSE 0 END,
           t.fees
    FROM txn t WHERE t.instrument IS NULL
), event_days AS (
    SELECT e.portfolio_id, e.day,
           sum(e.inflow * fx.rate) AS deposits, sum(e.outflow * fx.rate) AS withdrawals,
           sum(e.realized * fx.rate) AS realized, sum(e.income * fx.rate) AS income,
           sum(e.fees * fx.rate) AS fees,
           count(*) FILTER (WHERE fx.rate IS NULL) AS missing
    FROM events e
    LEFT JOIN fx_days f ON f.currency = e.currency AND f.base_currency = e.base_currency AND f.day = e.day
    CROSS JOIN LATERAL (SELECT CASE WHEN e.currency = e.base_currency THEN 1::numeric ELSE f.rate END AS rate) fx
    GROUP BY e.portfolio_id, e.day
), calendar AS (
    SELECT f.portfolio_id, g::date AS day
    FROM (SELECT t.portfolio_id, min(t.day) AS first_day FROM txn t GROUP BY t.portfolio_id) f,
         generate_series(f.first_day, (SELECT end_day FROM params), interval '1 day') g
), daily AS (
    SELECT c.portfolio_id, c.day,
           CASE WHEN coalesce(s.missing, 0) + coalesce(k.missing, 0) = 0
                THEN coalesce(s.value, 0) + coalesce(k.value, 0) END AS market_value,
           CASE WHEN coalesce(s.missing, 0) = 0 THEN coalesce(s.value, 0) END AS securities_value,
           CASE WHEN coalesce(k.missing, 0) = 0 THEN coalesce(k.value, 0) END AS cash_value,
           CASE WHEN coalesce(s.missing, 0) = 0 THEN coalesce(s.cost, 0) END AS cost_basis,
           coalesce(e.deposits, 0) AS deposits,
           coalesce(e.withdrawals, 0) AS withdrawals,
           coalesce(e.realized, 0) AS realized_pl,
           coalesce(e.income, 0) AS income,
           coalesce(e.fees, 0) AS fees,
           (coalesce(s.missing, 0) + coalesce(k.missing, 0) + coalesce(e.missing, 0))::integer AS unconverted
    FROM calendar c
    LEFT JOIN securities s ON s.portfolio_id = c.portfolio_id AND s.day = c.day
    LEFT JOIN cash k ON k.portfolio_id = c.portfolio_id AND k.day = c.day
    LEFT JOIN event_days e ON e.portfolio_id = c.portfolio_id AND e.day = c.day
)
SELECT d.portfolio_id, d.day, trim_scale(d.market_value) AS market_value,
       trim_scale(d.securities_value) AS securities_value, trim_scale(d.cash_value) AS cash_value,
       trim_scale(d.cost_basis) AS cost_basis, trim_scale(d.deposits) AS deposits,
       trim_scale(d.withdrawals) AS withdrawals, trim_scale(d.deposits - d.withdrawals) AS net_flow,
       trim_scale(d.realized_pl) AS realized_pl, trim_scale(d.income) AS income,
       trim_scale(d.fees) AS fees, d.unconverted,
       -- r_t = (V_t + max(-F_t, 0)) / (V_{t-1} + max(F_t, 0)) - 1: inflows count at the start of
       -- the day, outflows at its end (the rule of twr(market_value, net_flow))
       ((d.market_value + greatest(d.withdrawals - d.deposits, 0))
        / nullif(lag(d.market_value, 1, 0::numeric) OVER pw + greatest(d.deposits - d.withdrawals, 0), 0)
        - 1)::float8 AS daily_return
FROM daily d
WINDOW pw AS (PARTITION BY d.portfolio_id ORDER BY d.day);
CREATE UNIQUE INDEX portfolio_daily_mv_key ON portfolio.portfolio_daily_mv (portfolio_id, day);
COMMENT ON MATERIALIZED VIEW portfolio.portfolio_daily_mv IS
    'private: read portfolio.portfolio_daily; refreshed by portfolio.refresh()';

-- Who may read / change a portfolio: members of its owner role (the owner itself included);
-- members of portfolio_reader read every portfolio. A dropped owner role matches nobody.
-- Plain expressions of built-in functions and no SET clause, so the planner inlines them (the
-- SQL-standard body is bound at creation: no search_path risk). For your own queries.
CREATE FUNCTION portfolio.may_write(owner name) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN owner = CURRENT_USER
        OR coalesce(pg_catalog.pg_has_role(pg_catalog.to_regrole(owner::text), 'MEMBER'), false);
CREATE FUNCTION portfolio.reads_all() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce(pg_catalog.pg_has_role(pg_catalog.to_regrole('portfolio_reader'), 'MEMBER'), false);
CREATE FUNCTION portfolio.may_read(owner name) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN portfolio.reads_all() OR portfolio.may_write(owner);

-- The same rule for row-level security, where it runs once per portfolio row: the names of the
-- roles current_user is a member of, directly or through other roles, itself included (the
-- owners for which may_write() is true, for a role that is not a superuser; superusers and the
-- tables' owner bypass row-level security, and superusers are members of portfolio_reader).
-- Policies and views write the rule as
--     (SELECT portfolio.reads_all()) OR owner = ANY ((SELECT portfolio.member_roles())::name[])
-- (the cast makes "ANY (...)" take an array expression, not a subquery of rows).
-- Both scalar subqueries are independent of the row, so the planner runs each once per query (an
-- InitPlan) and a row costs one comparison with a few names, instead of a role lookup by name
-- (to_regrole) and a membership test. bench/model.sh, positions of one portfolio among 1,000:
-- 21 ms -> 7 ms as portfolio_reader. (A function with a subquery is not inlined, so this cannot
-- live inside may_write.) test/pgtap/40_model_security.sql checks both forms agree.
-- PL/pgSQL: its plan is kept for the session (a SQL function would plan the recursive query again
-- in every InitPlan, about 1 ms each, and a policy query has several).
CREATE FUNCTION portfolio.member_roles() RETURNS name[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (WITH RECURSIVE member_of(role_id) AS (
                SELECT r.oid FROM pg_roles r WHERE r.rolname = CURRENT_USER
                UNION
                SELECT m.roleid FROM pg_auth_members m JOIN member_of ON m.member = member_of.role_id)
            SELECT array_agg(r.rolname) FROM member_of JOIN pg_roles r ON r.oid = member_of.role_id);
END
$$;

-- Not security_invoker on purpose: it reads the private materialized view with its owner's
-- rights and applies the portfolios' access rule itself, for the calling role (current_user).
-- security_barrier keeps a caller's leaky functions from seeing rows before the filter.
CREATE VIEW portfolio.portfolio_daily WITH (security_barrier = true) AS
SELECT d.*
FROM portfolio.portfolio_daily_mv d
JOIN portfolio.portfolios p ON p.id = d.portfolio_id
WHERE (SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]);
COMMENT ON VIEW portfolio.portfolio_daily IS
    'per portfolio and day: value in base currency (last quote and FX carried forward), flows, P/L parts, '
    'daily return; only the portfolios the caller may read; as of the last portfolio.refresh()';
-- How a portfolio's value changed over [from_day, to_day], in its base currency:
--   end_value = start_value + deposits - withdrawals + unrealized_gains + realized_gains
--               + income - fees + currency_gains                         (exactly, in numeric)
-- start_value is the value at the end of from_day - 1 (0 before the first transaction).
-- Trading fees are inside realized and unrealized gains (they raise cost, cut proceeds); fees
-- here are the others (fee transactions, withholding on dividends, deposit and split fees).
-- Unrealized gains are the change of (market value - cost basis) of the securities, both at each
-- day's FX rate; realized gains and income are converted on the day they happen; currency_gains
-- is what remains: the FX effect on cost bases and cash balances (0 in a one-currency portfolio).
-- Reads portfolio_daily, so it is as current as the last portfolio.refresh().
CREATE FUNCTION portfolio.pnl_breakdown(portfolio bigint, from_day date, to_day date)
    RETURNS TABLE (start_value numeric, deposits numeric, withdrawals numeric,
                   unrealized_gains numeric, realized_gains numeric, income numeric, fees numeric,
                   currency_gains numeric, end_value numeric, complete boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH first AS (
        SELECT min(d.day) AS first_day FROM portfolio.portfolio_daily d WHERE d.portfolio_id = $1
    ), s AS (
        SELECT CASE WHEN $2 - 1 < f.first_day THEN 0 ELSE d.market_value END AS value,
               CASE WHEN $2 - 1 < f.first_day THEN 0 ELSE d.securities_value - d.cost_basis END AS unrealized
        FROM first f
        LEFT JOIN portfolio.portfolio_daily d ON d.portfolio_id = $1 AND d.day = $2 - 1
    ), e AS (
        SELECT d.market_value AS value, d.securities_value - d.cost_basis AS unrealized
        FROM (SELECT 1) one
        LEFT JOIN portfolio.portfolio_daily d ON d.portfolio_id = $1 AND d.day = $3
    ), f AS (
        SELECT coalesce(sum(d.deposits), 0) AS deposits, coalesce(sum(d.withdrawals), 0) AS withdrawals,
               coalesce(sum(d.realized_pl), 0) AS realized, coalesce(sum(d.income), 0) AS income,
               coalesce(sum(d.fees), 0) AS fees, coalesce(sum(d.unconverted), 0) AS unconverted
        FROM portfolio.portfolio_daily d
        WHERE d.portfolio_id = $1 AND d.day BETWEEN $2 AND $3
    )
    SELECT trim_scale(s.value), trim_scale(f.deposits), trim_scale(f.withdrawals),
           trim_scale(e.unrealized - s.unrealized), trim_scale(f.realized), trim_scale(f.income),
           trim_scale(f.fees),
           trim_scale(e.value - s.value - f.deposits + f.withdrawals - (e.unrealized - s.unrealized)
                      - f.realized - f.income + f.fees),
           trim_scale(e.value),
           s.value IS NOT NULL AND e.value IS NOT NULL AND f.unconverted = 0
    FROM s, e, f
    WHERE $2 <= $3
$$;
COMMENT ON FUNCTION portfolio.pnl_breakdown(bigint, date, date) IS
    'start value, deposits, withdrawals, unrealized and realized gains, income, fees, currency gains, end value; '
    'the parts add up to the change exactly';

CREATE VIEW portfolio.pnl_monthly WITH (security_invoker = true) AS
SELECT m.portfolio_id, m.month, m.last_day, b.*
FROM (SELECT d.portfolio_id, date_trunc('month', d.day)::date AS month, max(d.day) AS last_day
      FROM portfolio.portfolio_daily d GROUP BY 1, 2) m
CROSS JOIN LATERAL portfolio.pnl_breakdown(m.portfolio_id, m.month, m.last_day) b;
COMMENT ON VIEW portfolio.pnl_monthly IS 'pnl_breakdown per portfolio and calendar month (the current month to date)';
-- performance: one row of return and risk figures per portfolio, built on the analytics aggregates.
--
-- Per portfolio, from portfolio_daily (as of the last portfolio.refresh()):
--  * daily returns r_t over calendar days (weekends and holidays carry the last value: r = 0);
--    statistics annualize with 365 periods a year, TWR over a date range with (1+r)^(365/days) - 1.
--  * the benchmark's daily return from its quotes (benchmark_daily_returns below) on the same days.
--  * risk-free rate 0 (Sharpe, alpha), minimum acceptable return 0 (Sortino).
--  * XIRR: deposits and transfers in are paid in (negative), withdrawals and transfers out paid
--    out (positive), and the last value is paid out on the last day.

-- A symbol's daily simple return on every calendar day from from_day to to_day: the last price of
-- each UTC day, adj_close (a total-return series) where the source has one, else close, carried
-- forward over days without a quote (from the last quote before from_day when there is one). The
-- first day's return is NULL (no previous day). One range scan of the symbol's quotes.
-- A range that ends before it starts gives no rows (as generate_series); an infinite bound is an
-- error (it would generate days without end).
CREATE FUNCTION portfolio.benchmark_daily_returns(symbol text, from_day date, to_day date)
    RETURNS TABLE (day date, price numeric, r float8)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF NOT isfinite(from_day) OR NOT isfinite(to_day) THEN
        RAISE EXCEPTION 'benchmark_daily_returns: the range % .. % must have finite dates', from_day, to_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH closes AS (
        SELECT DISTINCT ON ((q.ts AT TIME ZONE 'UTC')::date)
               (q.ts AT TIME ZONE 'UTC')::date AS day, coalesce(q.adj_close, q.close) AS price
        FROM portfolio.quotes q
        WHERE q.symbol = benchmark_daily_returns.symbol
          AND q.ts >= from_day::timestamp AT TIME ZONE 'UTC'
          AND q.ts < (to_day + 1)::timestamp AT TIME ZONE 'UTC'
        ORDER BY (q.ts AT TIME ZONE 'UTC')::date, q.ts DESC
    ), calendar AS (   -- runs: a day with a close starts a new one (count of closes so far)
        SELECT g.day::date AS day, c.price, count(c.price) OVER (ORDER BY g.day) AS run
        FROM generate_series(from_day, to_day, interval '1 day') g(day)
        LEFT JOIN closes c ON c.day = g.day::date
    ), carried AS (
        SELECT k.day,
               CASE WHEN k.run > 0 THEN max(k.price) OVER (PARTITION BY k.run)
                    ELSE (SELECT coalesce(q.adj_close, q.close) FROM portfolio.quotes q
                          WHERE q.symbol = benchmark_daily_returns.symbol
                            AND q.ts < from_day::timestamp AT TIME ZONE 'UTC'
                          ORDER BY q.ts DESC LIMIT 1)
               END AS price
        FROM calendar k
    )
    SELECT c.day, c.price, (c.price / lag(c.price) OVER (ORDER BY c.day) - 1)::float8
    FROM carried c
    ORDER BY c.day;
END
$$;
COMMENT ON FUNCTION portfolio.benchmark_daily_returns(text, date, date) IS
    'a symbol''s daily return on every calendar day of a range: last adj_close (else close) of each UTC day, '
    'carried forward over days without a quote';

-- Every part is a LATERAL subquery of one portfolio, so a query for one portfolio
-- (WHERE portfolio_id = ...) reads only that portfolio's days and its benchmark's quotes.
CREATE VIEW portfolio.performance WITH (security_invoker = true) AS
SELECT pf.id AS portfolio_id, b.first_day, b.last_day,
       s.twr_since_inception, s.twr_ytd, s.twr_1y,
       s.annualized_return, s.volatility, s.sharpe, s.sortino, s.max_drawdown, s.var_95, s.cvar_95,
       s.beta, s.alpha, s.tracking_error,
       -- a flow or the final value that could not be converted makes the XIRR unknown, not wrong
       CASE WHEN s.xirr_amounts_known THEN s.xirr END AS xirr
FROM portfolio.portfolios pf
CROSS JOIN LATERAL (
    SELECT min(d.day) AS first_day, max(d.day) AS last_day
    FROM portfolio.portfolio_daily d WHERE d.portfolio_id = pf.id) b
CROSS JOIN LATERAL (
    SELECT portfolio.twr(p.r) AS twr_since_inception,
           portfolio.twr(p.r) FILTER (WHERE p.day >= date_trunc('year', b.last_day)::date) AS twr_ytd,
           portfolio.twr(p.r) FILTER (WHERE p.day > (b.last_day - interval '1 year')::date) AS twr_1y,
           portfolio.annualized_return(p.r, 365) AS annualized_return,
           portfolio.volatility(p.r, 365) AS volatility,
           portfolio.sharpe(p.r, 0, 365) AS sharpe,
           portfolio.sortino(p.r, 0, 365) AS sortino,
           portfolio.max_drawdown(p.r ORDER BY p.day) AS max_drawdown,
           portfolio.var_historical(p.r, 0.95) AS var_95,
           portfolio.cvar_historical(p.r, 0.95) AS cvar_95,
           portfolio.beta(p.r, p.rb) AS beta,
           portfolio.alpha(p.r, p.rb, 0, 365) AS alpha,
           portfolio.tracking_error(p.r, p.rb, 365) AS tracking_error,
           bool_and(p.xirr_amount IS NOT NULL) FILTER (WHERE p.xirr_day) AS xirr_amounts_known,
           portfolio.xirr(p.xirr_amount, p.day) FILTER (WHERE p.xirr_day) AS xirr
    FROM (SELECT d.day, d.daily_return AS r, br.r AS rb,
                 d.net_flow <> 0 OR d.day = b.last_day AS xirr_day,
                 -- the day's external flow as paid out (+) or in (-), plus the final value
                 ((d.withdrawals - d.deposits)
                  + CASE WHEN d.day = b.last_day THEN d.market_value ELSE 0 END)::float8 AS xirr_amount
          FROM portfolio.portfolio_daily d
          LEFT JOIN portfolio.benchmark_daily_returns(pf.benchmark_symbol, b.first_day, b.last_day) br
                 ON br.day = d.day
          WHERE d.portfolio_id = pf.id) p
) s
WHERE b.first_day IS NOT NULL;
COMMENT ON VIEW portfolio.performance IS
    'per portfolio: TWR since inception, YTD and 1Y, annualized return, volatility, Sharpe, Sortino, max drawdown, '
    'VaR/CVaR 95 % (historical), beta/alpha/tracking error against the benchmark symbol, XIRR';
-- Refreshing the materialized views, and scheduling it with pg_cron when pg_cron is there.

CREATE TABLE portfolio.refresh_log (
    id          bigserial   PRIMARY KEY,
    view_name   text        NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    rows        bigint,
    concurrent  boolean,
    error       text
);
CREATE INDEX refresh_log_started_at ON portfolio.refresh_log (started_at);
COMMENT ON TABLE portfolio.refresh_log IS 'one row per materialized view refreshed by portfolio.refresh()';
SELECT pg_catalog.pg_extension_config_dump('portfolio.refresh_log', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.refresh_log_id_seq', '');

-- Refreshes every materialized view of the extension; CONCURRENTLY (readers are never blocked)
-- once a view holds data. Each run is logged with its start, end, row count and error. A failing
-- view is logged and reported as a WARNING, and the other views are still refreshed: the log row
-- survives (re-raising would roll it back), so watch refresh_log.error.
CREATE PROCEDURE portfolio.refresh()
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    mv text;
    log_id bigint;
    populated boolean;
    n bigint;
BEGIN
    -- one big set-based query: give it memory for hash joins instead of sorts on disk (setting
    -- refresh_work_mem_mb, default 256); the procedure's SET clause restores it on exit
    IF (SELECT s.setting::bigint FROM pg_settings s WHERE s.name = 'work_mem')
       < portfolio.setting('refresh_work_mem_mb')::bigint * 1024 THEN
        PERFORM set_config('work_mem', portfolio.setting('refresh_work_mem_mb') || 'MB', true);
    END IF;
    FOREACH mv IN ARRAY ARRAY['portfolio.portfolio_daily_mv'] LOOP
        SELECT c.relispopulated INTO populated FROM pg_class c WHERE c.oid = mv::regclass;
        INSERT INTO portfolio.refresh_log (view_name, started_at, concurrent)
            VALUES (mv, clock_timestamp(), populated) RETURNING id INTO log_id;
        BEGIN
            IF populated THEN
                EXECUTE format('REFRESH MATERIALIZED VIEW CONCURRENTLY %s', mv);
            ELSE
                EXECUTE format('REFRESH MATERIALIZED VIEW %s', mv);
            END IF;
            EXECUTE format('SELECT count(*) FROM %s', mv) INTO n;
            UPDATE portfolio.refresh_log SET finished_at = clock_timestamp(), rows = n WHERE id = log_id;
        EXCEPTION WHEN OTHERS THEN
            UPDATE portfolio.refresh_log
               SET finished_at = clock_timestamp(), error = SQLSTATE || ': ' || SQLERRM
             WHERE id = log_id;
            RAISE WARNING 'portfolio.refresh: % failed: % (SQLSTATE %)', mv, SQLERRM, SQLSTATE;
        END;
    END LOOP;
    -- LISTEN portfolio_refresh: one notification per run (src/sql/60_live.sql)
    PERFORM portfolio.notify_refresh();
END
$$;
COMMENT ON PROCEDURE portfolio.refresh() IS
    'refreshes portfolio_daily (concurrently) and logs the run in portfolio.refresh_log';

-- Registers the jobs with pg_cron under stable names: cron.schedule(name, ...) updates a job of
-- that name, so running this again changes the schedule and never adds a duplicate.
--   pg_portfolio_refresh      CALL portfolio.refresh()                         (schedule)
--   pg_portfolio_partitions   quote partitions for this month and the next 3   (daily 03:17)
--   pg_portfolio_purge        cron.job_run_details rows older than keep_history (daily 03:47)
CREATE FUNCTION portfolio.schedule_refresh(schedule text DEFAULT '*/5 * * * *',
                                           keep_history interval DEFAULT '7 days')
    RETURNS TABLE (jobname text, jobid bigint, job_schedule text)
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF to_regnamespace('cron') IS NULL THEN
        RAISE EXCEPTION 'pg_cron is not installed in database %', current_database()
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Add shared_preload_libraries = ''pg_cron'' and cron.database_name = '''
                         || current_database() || ''' to postgresql.conf, restart, then run '
                         || 'CREATE EXTENSION pg_cron; or call portfolio.refresh() from any other scheduler.';
    END IF;
    PERFORM cron.schedule('pg_portfolio_refresh', schedule, 'CALL portfolio.refresh()');
    PERFORM cron.schedule('pg_portfolio_partitions', '17 3 * * *',
        'SELECT portfolio.ensure_quote_partitions(current_date, (current_date + interval ''3 months'')::date)');
    PERFORM cron.schedule('pg_portfolio_purge', '47 3 * * *',
        format('DELETE FROM cron.job_run_details WHERE end_time < now() - %L::interval', keep_history));
    RETURN QUERY
        SELECT j.jobname::text, j.jobid, j.schedule::text FROM cron.job j
        WHERE j.jobname IN ('pg_portfolio_refresh', 'pg_portfolio_partitions', 'pg_portfolio_purge')
        ORDER BY j.jobname;
END
$$;
COMMENT ON FUNCTION portfolio.schedule_refresh(text, interval) IS
    'schedules portfolio.refresh(), partition upkeep and a purge of cron history with pg_cron (idempotent)';

CREATE FUNCTION portfolio.unschedule_refresh() RETURNS integer
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer := 0;
    name text;
BEGIN
    IF to_regnamespace('cron') IS NULL THEN
        RETURN 0;
    END IF;
    FOR name IN SELECT j.jobname FROM cron.job j
                WHERE j.jobname IN ('pg_portfolio_refresh', 'pg_portfolio_partitions', 'pg_portfolio_purge') LOOP
        PERFORM cron.unschedule(name);
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION portfolio.unschedule_refresh() IS 'removes the pg_cron jobs schedule_refresh() made; returns how many';

REVOKE ALL ON PROCEDURE portfolio.refresh() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.schedule_refresh(text, interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.unschedule_refresh() FROM PUBLIC;
-- Multi-user isolation: group roles, row-level security and minimal grants.
--
-- Roles are cluster-wide, not part of the extension: they are created here only if missing and
-- survive DROP EXTENSION (docs/operations.md).
--   portfolio_user    NOLOGIN; grant it to each login that keeps portfolios. Its members read and
--                     change the portfolios (and their transactions) whose owner role they belong to.
--   portfolio_reader  NOLOGIN; read-only, every portfolio: for BI tools (Grafana, Metabase).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portfolio_user') THEN
        CREATE ROLE portfolio_user NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portfolio_reader') THEN
        CREATE ROLE portfolio_reader NOLOGIN;
    END IF;
END
$$;

ALTER TABLE portfolio.portfolios ENABLE ROW LEVEL SECURITY;
ALTER TABLE portfolio.transactions ENABLE ROW LEVEL SECURITY;

-- The rule of portfolio.may_read()/may_write() in the form that costs one check per query, not per
-- row (see portfolio.member_roles() in 52_daily.sql).
CREATE POLICY portfolios_read ON portfolio.portfolios FOR SELECT
    USING ((SELECT portfolio.reads_all()) OR owner = ANY ((SELECT portfolio.member_roles())::name[]));
CREATE POLICY portfolios_insert ON portfolio.portfolios FOR INSERT
    WITH CHECK (owner = ANY ((SELECT portfolio.member_roles())::name[]));
CREATE POLICY portfolios_update ON portfolio.portfolios FOR UPDATE
    USING (owner = ANY ((SELECT portfolio.member_roles())::name[]))
    WITH CHECK (owner = ANY ((SELECT portfolio.member_roles())::name[]));
CREATE POLICY portfolios_delete ON portfolio.portfolios FOR DELETE
    USING (owner = ANY ((SELECT portfolio.member_roles())::name[]));

-- A transaction belongs to a portfolio: the same rule through its portfolio.
CREATE POLICY transactions_read ON portfolio.transactions FOR SELECT
    USING (EXISTS (SELECT 1 FROM portfolio.portfolios p
                   WHERE p.id = portfolio_id
                     AND ((SELECT portfolio.reads_all())
                          OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]))));
CREATE POLICY transactions_insert ON portfolio.transactions FOR INSERT
    WITH CHECK (EXISTS (SELECT 1 FROM portfolio.portfolios p
                   WHERE p.id = portfolio_id AND p.owner = ANY ((SELECT portfolio.member_roles())::name[])));
CREATE POLICY transactions_update ON portfolio.transactions FOR UPDATE
    USING (EXISTS (SELECT 1 FROM portfolio.portfolios p
                   WHERE p.id = portfolio_id AND p.owner = ANY ((SELECT portfolio.member_roles())::name[])))
    WITH CHECK (EXISTS (SELECT 1 FROM portfolio.portfolios p
                   WHERE p.id = portfolio_id AND p.owner = ANY ((SELECT portfolio.member_roles())::name[])));
CREATE POLICY transactions_delete ON portfolio.transactions FOR DELETE
    USING (EXISTS (SELECT 1 FROM portfolio.portfolios p
                   WHERE p.id = portfolio_id AND p.owner = ANY ((SELECT portfolio.member_roles())::name[])));

-- Grants: nothing for PUBLIC on tables; the two roles get exactly what they need.
REVOKE ALL ON ALL TABLES IN SCHEMA portfolio FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA portfolio FROM PUBLIC;
GRANT USAGE ON SCHEMA portfolio TO portfolio_user, portfolio_reader;

GRANT SELECT, INSERT, UPDATE, DELETE ON portfolio.portfolios, portfolio.transactions TO portfolio_user;
GRANT USAGE ON SEQUENCE portfolio.portfolios_id_seq, portfolio.transactions_id_seq TO portfolio_user;
GRANT SELECT, INSERT ON portfolio.instruments TO portfolio_user;   -- add new symbols, not change others'
GRANT SELECT ON portfolio.quotes, portfolio.fx_rates, portfolio.settings TO portfolio_user;
GRANT SELECT ON portfolio.positions, portfolio.cash, portfolio.allocation, portfolio.portfolio_daily,
                portfolio.pnl_monthly, portfolio.performance TO portfolio_user;

GRANT SELECT ON portfolio.portfolios, portfolio.transactions, portfolio.instruments, portfolio.quotes,
                portfolio.fx_rates, portfolio.settings, portfolio.refresh_log,
                portfolio.positions, portfolio.cash, portfolio.allocation, portfolio.portfolio_daily,
                portfolio.pnl_monthly, portfolio.performance TO portfolio_reader;
-- portfolio.portfolio_daily_mv, quotes_rejected: no grants (the owner only).
-- Live updates: NOTIFY portfolio_quotes once per transaction that loads quotes or FX rates, and
-- NOTIFY portfolio_refresh once per portfolio.refresh(). Payloads are small JSON documents, always
-- under PostgreSQL's 8000-byte limit (long symbol lists are cut and say so). docs/live-and-quality.md
--
-- How "once per transaction": PostgreSQL allows a transition table only on a trigger with a single
-- event, and the fetcher inserts new bars and updates changed ones in the same transaction. So
-- statement-level AFTER INSERT and AFTER UPDATE triggers (one each, with their NEW TABLE) add the
-- statement's symbols, row counts and latest timestamps to live_pending (keyed by the transaction
-- id), and the first of them in a transaction also puts a row into live_pending_txn. That table
-- has a DEFERRABLE INITIALLY DEFERRED constraint trigger: it fires once, at commit, sends one
-- notification summarising every statement of the transaction and deletes the pending rows. A
-- rolled-back transaction (or savepoint) takes its pending rows with it and sends nothing.

-- Unlogged: the rows live only until their transaction commits (a crash loses nothing of value).
CREATE UNLOGGED TABLE portfolio.live_pending (
    txid       xid8        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('quote', 'fx')),
    symbol     text        NOT NULL,          -- a quote symbol, or an FX pair 'EUR/USD'
    rows       bigint      NOT NULL,
    inserted   bigint      NOT NULL,
    updated    bigint      NOT NULL,
    latest     timestamptz NOT NULL,
    PRIMARY KEY (txid, kind, symbol)
);
CREATE UNLOGGED TABLE portfolio.live_pending_txn (
    txid xid8 PRIMARY KEY
);
COMMENT ON TABLE portfolio.live_pending IS
    'quotes and FX rates loaded by transactions not yet committed; emptied by the commit-time notification';

-- The byte budget for the list part of a payload (the rest is a few hundred bytes at most).
CREATE FUNCTION portfolio.live_payload_budget() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 7000;

-- Adds one statement's rows (kind, symbol, ts, inserted?) to the transaction's pending summary.
CREATE FUNCTION portfolio.live_note(kind text, is_insert boolean, items jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    me xid8 := pg_current_xact_id();
BEGIN
    IF items IS NULL OR jsonb_array_length(items) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO portfolio.live_pending AS p (txid, kind, symbol, rows, inserted, updated, latest)
    SELECT me, live_note.kind, e.symbol, e.n,
           CASE WHEN is_insert THEN e.n ELSE 0 END, CASE WHEN is_insert THEN 0 ELSE e.n END, e.latest
    FROM jsonb_to_recordset(items) AS e(symbol text, n bigint, latest timestamptz)
    ON CONFLICT (txid, kind, symbol) DO UPDATE
        SET rows = p.rows + excluded.rows, inserted = p.inserted + excluded.inserted,
            updated = p.updated + excluded.updated, latest = greatest(p.latest, excluded.latest);
    INSERT INTO portfolio.live_pending_txn (txid) VALUES (me) ON CONFLICT DO NOTHING;
END
$$;
REVOKE ALL ON FUNCTION portfolio.live_note(text, boolean, jsonb) FROM PUBLIC;

CREATE FUNCTION portfolio.live_quotes_inserted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM portfolio.live_note('quote', true,
        (SELECT jsonb_agg(jsonb_build_object('symbol', symbol, 'n', n, 'latest', latest))
         FROM (SELECT n.symbol, count(*) AS n, max(n.ts) AS latest FROM new_rows n GROUP BY n.symbol) s));
    RETURN NULL;
END
$$;
CREATE FUNCTION portfolio.live_quotes_updated() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM portfolio.live_note('quote', false,
        (SELECT jsonb_agg(jsonb_build_object('symbol', symbol, 'n', n, 'latest', latest))
         FROM (SELECT n.symbol, count(*) AS n, max(n.ts) AS latest FROM new_rows n GROUP BY n.symbol) s));
    RETURN NULL;
END
$$;
CREATE FUNCTION portfolio.live_fx_inserted() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM portfolio.live_note('fx', true,
        (SELECT jsonb_agg(jsonb_build_object('symbol', pair, 'n', n, 'latest', latest))
         FROM (SELECT n.base || '/' || n.quote AS pair, count(*) AS n,
                      max(n.day::timestamp AT TIME ZONE 'UTC') AS latest
               FROM new_rows n GROUP BY n.base, n.quote) s));
    RETURN NULL;
END
$$;
CREATE FUNCTION portfolio.live_fx_updated() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM portfolio.live_note('fx', false,
        (SELECT jsonb_agg(jsonb_build_object('symbol', pair, 'n', n, 'latest', latest))
         FROM (SELECT n.base || '/' || n.quote AS pair, count(*) AS n,
                      max(n.day::timestamp AT TIME ZONE 'UTC') AS latest
               FROM new_rows n GROUP BY n.base, n.quote) s));
    RETURN NULL;
END
$$;

CREATE TRIGGER quotes_live_insert AFTER INSERT ON portfolio.quotes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_quotes_inserted();
CREATE TRIGGER quotes_live_update AFTER UPDATE ON portfolio.quotes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_quotes_updated();
CREATE TRIGGER fx_rates_live_insert AFTER INSERT ON portfolio.fx_rates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_fx_inserted();
CREATE TRIGGER fx_rates_live_update AFTER UPDATE ON portfolio.fx_rates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_fx_updated();

-- A list of {"symbol", "latest", "rows"} objects, cut when its text would pass budget bytes.
-- Returns {"items": [...], "count": N, "truncated": bool}. Symbols in name order.
CREATE FUNCTION portfolio.live_list(me xid8, which text, budget integer) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH items AS (
        SELECT p.symbol, jsonb_build_object('symbol', p.symbol, 'latest', p.latest, 'rows', p.rows) AS item
        FROM portfolio.live_pending p WHERE p.txid = me AND p.kind = which
    ), sized AS (
        SELECT item, sum(octet_length(item::text) + 2) OVER (ORDER BY symbol) AS running, symbol
        FROM items
    )
    SELECT jsonb_build_object(
        'items', coalesce(jsonb_agg(item ORDER BY symbol) FILTER (WHERE running <= budget), '[]'::jsonb),
        'count', count(*),
        'truncated', count(*) FILTER (WHERE running > budget) > 0)
    FROM sized
$$;

-- Fires once per transaction at commit (deferred): one NOTIFY portfolio_quotes.
CREATE FUNCTION portfolio.live_send_quotes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    me xid8 := NEW.txid;
    q jsonb;
    f jsonb;
    totals record;
    payload text;
BEGIN
    SELECT coalesce(sum(rows) FILTER (WHERE kind = 'quote'), 0) AS quote_rows,
           coalesce(sum(inserted) FILTER (WHERE kind = 'quote'), 0) AS quote_inserted,
           coalesce(sum(updated) FILTER (WHERE kind = 'quote'), 0) AS quote_updated,
           coalesce(sum(rows) FILTER (WHERE kind = 'fx'), 0) AS fx_rows,
           max(latest) FILTER (WHERE kind = 'quote') AS latest
      INTO totals FROM portfolio.live_pending WHERE txid = me;
    -- quotes get most of the budget; FX pairs are few
    q := portfolio.live_list(me, 'quote', portfolio.live_payload_budget() - 1000);
    f := portfolio.live_list(me, 'fx', 800);
    payload := jsonb_build_object(
        'event', 'quotes',
        'txid', me::text,
        'at', statement_timestamp(),
        'rows', totals.quote_rows,
        'inserted', totals.quote_inserted,
        'updated', totals.quote_updated,
        'latest', totals.latest,
        'symbol_count', q->'count',
        'symbols', q->'items',
        'truncated', (q->>'truncated')::boolean OR (f->>'truncated')::boolean,
        'fx_rows', totals.fx_rows,
        'fx_pair_count', f->'count',
        'fx_pairs', f->'items')::text;
    DELETE FROM portfolio.live_pending WHERE txid = me;
    DELETE FROM portfolio.live_pending_txn WHERE txid = me;
    IF totals.quote_rows + totals.fx_rows > 0 THEN
        PERFORM pg_notify('portfolio_quotes', payload);
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER live_pending_txn_notify AFTER INSERT ON portfolio.live_pending_txn
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION portfolio.live_send_quotes();

-- Called at the end of portfolio.refresh(): one NOTIFY portfolio_refresh listing the views this
-- transaction refreshed (refresh_log rows started since the transaction began), their row counts,
-- durations and errors.
CREATE FUNCTION portfolio.notify_refresh() RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    payload text;
BEGIN
    SELECT jsonb_build_object(
        'event', 'refresh',
        'at', clock_timestamp(),
        'ok', coalesce(bool_and(l.error IS NULL), true),
        'views', coalesce(jsonb_agg(jsonb_build_object(
                     'view', l.view_name, 'rows', l.rows, 'concurrent', l.concurrent,
                     'seconds', round(extract(epoch FROM l.finished_at - l.started_at)::numeric, 3),
                     -- an error message is cut so that the payload stays small
                     'error', left(l.error, 300)) ORDER BY l.id), '[]'::jsonb))::text
      INTO payload
      FROM (SELECT * FROM portfolio.refresh_log r WHERE r.started_at >= now() ORDER BY r.id LIMIT 10) l;
    PERFORM pg_notify('portfolio_refresh', payload);
END
$$;
REVOKE ALL ON FUNCTION portfolio.notify_refresh() FROM PUBLIC;
-- Data quality: per instrument (held or watched) and per portfolio position. docs/live-and-quality.md

-- Settings used here (table and defaults: portfolio.settings and portfolio.setting(), 40_model.sql):
--   stale_business_days (3)    a quote older than this many business days (Mon-Fri) is stale
--   gap_window_days     (30)   gaps and suspicious moves are looked for in the last N calendar days
--   suspicious_move_pct (25)   a one-day close-to-close change beyond this percentage is suspicious
--   rebalance_cost_bps  (0)    estimated trading cost of rebalance(), basis points of the value

-- Business days (Monday to Friday; no holiday calendar) in (from_day, to_day].
CREATE FUNCTION portfolio.business_days_between(from_day date, to_day date) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT count(*)::integer FROM generate_series(from_day + 1, to_day, interval '1 day') d
    WHERE extract(isodow FROM d) < 6
$$;

-- A quote (its bar time) is stale when it is missing or more than stale_business_days business
-- days before today (UTC days).
CREATE FUNCTION portfolio.quote_is_stale(ts timestamptz) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN ts IS NULL OR portfolio.business_days_between((ts AT TIME ZONE 'UTC')::date,
                                                         (now() AT TIME ZONE 'UTC')::date)
                         > portfolio.setting('stale_business_days');

-- Instruments a portfolio watches without holding them (row-level security as transactions).
CREATE TABLE portfolio.watchlist (
    portfolio_id bigint NOT NULL REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    symbol       text   NOT NULL REFERENCES portfolio.instruments (symbol) ON UPDATE CASCADE,
    PRIMARY KEY (portfolio_id, symbol)
);
COMMENT ON TABLE portfolio.watchlist IS 'instruments a portfolio follows without holding (data_quality covers them)';
SELECT pg_catalog.pg_extension_config_dump('portfolio.watchlist', '');
ALTER TABLE portfolio.watchlist ENABLE ROW LEVEL SECURITY;
CREATE POLICY watchlist_read ON portfolio.watchlist FOR SELECT
    USING (EXISTS (SELECT 1 FROM portfolio.portfolios p
                   WHERE p.id = portfolio_id
                     AND ((SELECT portfolio.reads_all())
                          OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]))));
CREATE POLICY watchlist_write ON portfolio.watchlist FOR ALL
    USING (EXISTS (SELECT 1 FROM portfolio.portfolios p
                   WHERE p.id = portfolio_id AND p.owner = ANY ((SELECT portfolio.member_roles())::name[])))
    WITH CHECK (EXISTS (SELECT 1 FROM portfolio.portfolios p
                   WHERE p.id = portfolio_id AND p.owner = ANY ((SELECT portfolio.member_roles())::name[])));

-- What the fetcher quarantined since a time, per symbol: the count and the distinct reasons (at
-- most 5, shortest first). quotes_rejected itself stays private (it keeps raw provider text);
-- this summary is market data, not portfolio data.
CREATE FUNCTION portfolio.quarantine_summary(since timestamptz)
    RETURNS TABLE (symbol text, rejected bigint, reasons text[])
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT r.symbol, count(*),
           (array_agg(DISTINCT r.reason))[1:5]
    FROM portfolio.quotes_rejected r
    WHERE r.seen_at >= since
    GROUP BY r.symbol
$$;

CREATE VIEW portfolio.data_quality WITH (security_invoker = true) AS
WITH held AS (
    SELECT ps.instrument AS symbol, count(*) AS portfolios
    FROM portfolio.positions ps WHERE ps.quantity <> 0 GROUP BY ps.instrument
), watched AS (
    SELECT w.symbol FROM portfolio.watchlist w
    UNION
    SELECT p.benchmark_symbol FROM portfolio.portfolios p WHERE p.benchmark_symbol IS NOT NULL
), subject AS (
    SELECT coalesce(h.symbol, w.symbol) AS symbol, coalesce(h.portfolios, 0) AS held_in,
           w.symbol IS NOT NULL AS watched
    FROM held h FULL JOIN watched w ON w.symbol = h.symbol
), params AS (
    SELECT (now() AT TIME ZONE 'UTC')::date AS today, portfolio.setting('gap_window_days') AS window_days,
           portfolio.setting('suspicious_move_pct')::numeric / 100 AS move_limit
)
SELECT s.symbol, i.name AS instrument_name, s.held_in, s.watched,
       last.ts AS last_quote_at,
       now() - last.ts AS quote_age,
       portfolio.business_days_between((last.ts AT TIME ZONE 'UTC')::date, pr.today) AS business_days_old,
       portfolio.quote_is_stale(last.ts) AS stale,
       pr.window_days AS window_days,
       gaps.missing_days AS missing_business_days,
       gaps.first_missing[1:10] AS missing_days,
       moves.n AS suspicious_moves,
       moves.days AS suspicious_days,
       coalesce(rj.rejected, 0) AS rejected_last_day,
       rj.reasons AS reject_reasons
FROM subject s
CROSS JOIN params pr
LEFT JOIN portfolio.instruments i ON i.symbol = s.symbol
LEFT JOIN LATERAL (
    SELECT q.ts FROM portfolio.quotes q WHERE q.symbol = s.symbol ORDER BY q.ts DESC LIMIT 1) last ON true
-- business days of the window (today excluded: its bar may not be in yet) without any bar
LEFT JOIN LATERAL (
    SELECT count(*)::integer AS missing_days, array_agg(d::date ORDER BY d) AS first_missing
    FROM generate_series(pr.today - pr.window_days, pr.today - 1, interval '1 day') d
    WHERE extract(isodow FROM d) < 6
      AND NOT EXISTS (SELECT 1 FROM portfolio.quotes q
                      WHERE q.symbol = s.symbol
                        AND q.ts >= d::timestamp AT TIME ZONE 'UTC'
                        AND q.ts < (d + interval '1 day')::timestamp AT TIME ZONE 'UTC')) gaps ON true
-- one-day changes beyond the limit with no split of the instrument recorded between the two bars
LEFT JOIN LATERAL (
    SELECT count(*)::integer AS n, array_agg(m.day ORDER BY m.day) AS days
    FROM (SELECT (q.ts AT TIME ZONE 'UTC')::date AS day, q.close,
                 lag(q.close) OVER (ORDER BY q.ts) AS prev_close,
                 lag(q.ts) OVER (ORDER BY q.ts) AS prev_ts, q.ts
          FROM portfolio.quotes q
          WHERE q.symbol = s.symbol
            AND q.ts >= ((pr.today - pr.window_days - 10)::timestamp AT TIME ZONE 'UTC')) m
    WHERE m.prev_close IS NOT NULL
      AND m.day >= pr.today - pr.window_days
      AND abs(m.close / m.prev_close - 1) > pr.move_limit
      AND NOT EXISTS (SELECT 1 FROM portfolio.transactions t
                      WHERE t.instrument = s.symbol AND t.kind = 'split'
                        AND t.executed_at > m.prev_ts
                        AND (t.executed_at AT TIME ZONE 'UTC')::date <= m.day)) moves ON true
LEFT JOIN portfolio.quarantine_summary(now() - interval '1 day') rj ON rj.symbol = s.symbol;
COMMENT ON VIEW portfolio.data_quality IS
    'per instrument held or watched: last quote and its age, stale flag, missing business days and '
    'suspicious one-day moves in the last gap_window_days, rows quarantined by the fetcher in the last day';

-- Per portfolio: open positions and cash balances whose value rests on a stale or missing price
-- or a missing FX rate. ok = nothing wrong.
CREATE VIEW portfolio.data_quality_positions WITH (security_invoker = true) AS
SELECT ps.portfolio_id, ps.portfolio_name, ps.instrument, ps.currency, ps.base_currency,
       ps.quantity, ps.price_at,
       ps.market_price IS NULL AS price_missing,
       ps.market_price IS NOT NULL AND portfolio.quote_is_stale(ps.price_at) AS price_stale,
       ps.fx_missing,
       ps.market_price IS NOT NULL AND NOT portfolio.quote_is_stale(ps.price_at) AND NOT ps.fx_missing AS ok
FROM portfolio.positions ps
WHERE ps.quantity <> 0
UNION ALL
SELECT c.portfolio_id, p.name, NULL, c.currency, c.base_currency, c.balance, NULL,
       false, false, c.fx_rate IS NULL, c.fx_rate IS NOT NULL
FROM portfolio.cash c JOIN portfolio.portfolios p ON p.id = c.portfolio_id
WHERE c.balance <> 0;
COMMENT ON VIEW portfolio.data_quality_positions IS
    'per portfolio: open positions (instrument set) and cash balances (instrument NULL) with flags for '
    'missing or stale prices and missing FX rates';

GRANT SELECT, INSERT, UPDATE, DELETE ON portfolio.watchlist TO portfolio_user;
GRANT SELECT ON portfolio.watchlist, portfolio.data_quality, portfolio.data_quality_positions
    TO portfolio_user, portfolio_reader;
-- The operators' health view: last refresh, last fetch per provider, pg_cron jobs, partitions.

-- pg_cron's jobs and their last run; no rows when pg_cron is not installed (checked at run time,
-- so the extension neither needs nor references pg_cron at install time).
CREATE FUNCTION portfolio.cron_job_state()
    RETURNS TABLE (jobname text, schedule text, active boolean, last_status text,
                   last_start timestamptz, last_end timestamptz, last_message text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF to_regclass('cron.job') IS NULL OR to_regclass('cron.job_run_details') IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE $q$
        SELECT j.jobname::text, j.schedule::text, j.active, r.status::text, r.start_time, r.end_time,
               left(r.return_message, 200)
        FROM cron.job j
        LEFT JOIN LATERAL (SELECT d.status, d.start_time, d.end_time, d.return_message
                           FROM cron.job_run_details d WHERE d.jobid = j.jobid
                           ORDER BY d.start_time DESC NULLS LAST LIMIT 1) r ON true
        WHERE j.jobname LIKE 'pg_portfolio%'
        ORDER BY j.jobname $q$;
END
$$;
REVOKE ALL ON FUNCTION portfolio.cron_job_state() FROM PUBLIC;

-- One row per check: area, item, status ('ok', 'warn', 'error', 'unknown'), the time the check is
-- about, and a detail text. Runs with its owner's rights (it reads refresh_log and pg_cron).
CREATE VIEW portfolio.health AS
WITH refresh AS (
    SELECT DISTINCT ON (l.view_name) l.view_name, l.started_at, l.finished_at, l.error, l.rows
    FROM portfolio.refresh_log l ORDER BY l.view_name, l.id DESC
), fetches AS (
    SELECT s.source, max(s.fetched_at) AS last_fetch, sum(s.n) AS rows_last_day
    FROM (SELECT q.source, max(q.fetched_at) AS fetched_at,
                 count(*) FILTER (WHERE q.fetched_at > now() - interval '1 day') AS n
          FROM portfolio.quotes q GROUP BY q.source
          UNION ALL
          SELECT f.source, max(f.fetched_at),
                 count(*) FILTER (WHERE f.fetched_at > now() - interval '1 day')
          FROM portfolio.fx_rates f GROUP BY f.source) s
    GROUP BY s.source
), months AS (
    SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => k))::date AS month_start
    FROM generate_series(0, 3) k
)
SELECT 'refresh'::text AS area, r.view_name AS item,
       CASE WHEN r.error IS NOT NULL THEN 'error' WHEN r.finished_at IS NULL THEN 'warn' ELSE 'ok' END AS status,
       r.finished_at AS at,
       format('started %s, %s s, %s rows%s', r.started_at,
              round(extract(epoch FROM r.finished_at - r.started_at)::numeric, 3),
              coalesce(r.rows::text, '?'), coalesce(', error: ' || r.error, '')) AS detail
FROM refresh r
UNION ALL
SELECT 'refresh', 'portfolio.portfolio_daily_mv', 'warn', NULL, 'never refreshed: CALL portfolio.refresh()'
WHERE NOT EXISTS (SELECT 1 FROM refresh)
UNION ALL
SELECT 'fetch', f.source,
       CASE WHEN f.last_fetch > now() - interval '2 days' THEN 'ok' ELSE 'warn' END,
       f.last_fetch, format('%s rows fetched in the last day', f.rows_last_day)
FROM fetches f
UNION ALL
SELECT 'cron', c.jobname,
       CASE WHEN NOT c.active THEN 'warn' WHEN c.last_status = 'failed' THEN 'error'
            WHEN c.last_status IS NULL THEN 'unknown' ELSE 'ok' END,
       coalesce(c.last_end, c.last_start),
       format('schedule %s, last run %s%s', c.schedule, coalesce(c.last_status, 'none'),
              coalesce(': ' || nullif(c.last_message, ''), ''))
FROM portfolio.cron_job_state() c
UNION ALL
SELECT 'cron', 'pg_cron', 'unknown', NULL, 'pg_cron is not installed: schedule portfolio.refresh() elsewhere'
WHERE to_regclass('cron.job_run_details') IS NULL
UNION ALL
SELECT 'cron', 'pg_cron', 'warn', NULL, 'pg_cron is installed but no pg_portfolio job: SELECT portfolio.schedule_refresh()'
WHERE to_regclass('cron.job_run_details') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM portfolio.cron_job_state())
UNION ALL
SELECT 'partitions', portfolio.quote_partition_name(m.month_start::timestamp AT TIME ZONE 'UTC'),
       CASE WHEN to_regclass(format('portfolio.%I', portfolio.quote_partition_name(
                 m.month_start::timestamp AT TIME ZONE 'UTC'))) IS NOT NULL THEN 'ok' ELSE 'error' END,
       m.month_start::timestamp AT TIME ZONE 'UTC',
       CASE WHEN to_regclass(format('portfolio.%I', portfolio.quote_partition_name(
                 m.month_start::timestamp AT TIME ZONE 'UTC'))) IS NOT NULL THEN 'exists'
            ELSE 'missing: SELECT portfolio.ensure_quote_partitions(current_date, (current_date + interval ''3 months'')::date)' END
FROM months m;
COMMENT ON VIEW portfolio.health IS
    'operators: last refresh per view, last fetch per provider, pg_cron jobs, quote partitions for this month and the next 3';
GRANT SELECT ON portfolio.health TO portfolio_reader;
-- Risk rules: limits as data (defaults + per-portfolio overrides) and the risk_checks view.

CREATE TABLE portfolio.risk_limits (
    id           bigserial PRIMARY KEY,
    portfolio_id bigint    REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,  -- NULL: the default
    rule         text      NOT NULL CHECK (rule IN (
                     'position_concentration', 'sector_concentration', 'asset_class_concentration',
                     'currency_concentration', 'cash_share', 'stale_price_share')),
    warn_at      numeric   CHECK (warn_at >= 0),      -- status warn when value > warn_at (NULL: never)
    breach_at    numeric   CHECK (breach_at >= 0),    -- status breach when value > breach_at (NULL: never)
    CHECK (warn_at IS NULL OR breach_at IS NULL OR warn_at <= breach_at),
    UNIQUE NULLS NOT DISTINCT (portfolio_id, rule)
);
COMMENT ON TABLE portfolio.risk_limits IS
    'limits of the risk_checks rules: rows with portfolio_id NULL are the defaults, others override them '
    'for one portfolio; a value above warn_at is warn, above breach_at breach; all values are fractions (0.25 = 25 %)';
INSERT INTO portfolio.risk_limits (portfolio_id, rule, warn_at, breach_at) VALUES
    (NULL, 'position_concentration',    0.20, 0.30),
    (NULL, 'sector_concentration',      0.40, 0.60),
    (NULL, 'asset_class_concentration', 0.80, 0.95),
    (NULL, 'currency_concentration',    0.30, 0.50),
    (NULL, 'cash_share',                0.20, 0.50),
    (NULL, 'stale_price_share',         0,    0.25);
-- The defaults come with the extension; pg_dump keeps the per-portfolio rows.
SELECT pg_catalog.pg_extension_config_dump('portfolio.risk_limits', 'WHERE portfolio_id IS NOT NULL');
SELECT pg_catalog.pg_extension_config_dump('portfolio.risk_limits_id_seq', '');

ALTER TABLE portfolio.risk_limits ENABLE ROW LEVEL SECURITY;
CREATE POLICY risk_limits_read ON portfolio.risk_limits FOR SELECT
    USING (portfolio_id IS NULL
           OR EXISTS (SELECT 1 FROM portfolio.portfolios p
                   WHERE p.id = portfolio_id
                     AND ((SELECT portfolio.reads_all())
                          OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]))));
-- only the extension owner (and superusers) change the defaults
CREATE POLICY risk_limits_write ON portfolio.risk_limits FOR ALL
    USING (portfolio_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM portfolio.portfolios p
                   WHERE p.id = portfolio_id AND p.owner = ANY ((SELECT portfolio.member_roles())::name[])))
    WITH CHECK (portfolio_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM portfolio.portfolios p
                   WHERE p.id = portfolio_id AND p.owner = ANY ((SELECT portfolio.member_roles())::name[])));

-- The status of a value against its limits (strictly above a limit passes it; NULL value: unknown).
CREATE FUNCTION portfolio.risk_status(value numeric, warn_at numeric, breach_at numeric) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN value IS NULL THEN 'unknown'
                WHEN breach_at IS NOT NULL AND value > breach_at THEN 'breach'
                WHEN warn_at IS NOT NULL AND value > warn_at THEN 'warn'
                ELSE 'ok' END;

-- Per portfolio and rule: the current value, the bucket it comes from (subject), the limits in
-- force (the portfolio's own, else the default) and the status ok / warn / breach (unknown while a
-- price or FX rate is missing, so that a weight cannot be computed).
CREATE VIEW portfolio.risk_checks WITH (security_invoker = true) AS
WITH alloc AS (
    SELECT a.portfolio_id, a.dimension, a.bucket, a.weight, a.market_value_base
    FROM portfolio.allocation a
), largest AS (
    -- the largest bucket per dimension, cash left out of the concentration rules
    SELECT DISTINCT ON (a.portfolio_id, a.dimension) a.portfolio_id, a.dimension, a.bucket, a.weight
    FROM alloc a
    WHERE NOT (a.dimension = 'instrument' AND a.bucket LIKE 'cash %')
      AND NOT (a.dimension = 'sector' AND a.bucket = '(cash)')
      AND NOT (a.dimension = 'asset_class' AND a.bucket = 'cash')
    ORDER BY a.portfolio_id, a.dimension, a.weight DESC NULLS FIRST, a.bucket
), foreign_ccy AS (
    SELECT DISTINCT ON (a.portfolio_id) a.portfolio_id, a.bucket, a.weight
    FROM alloc a JOIN portfolio.portfolios p ON p.id = a.portfolio_id
    WHERE a.dimension = 'currency' AND a.bucket <> p.base_currency
    ORDER BY a.portfolio_id, a.weight DESC NULLS FIRST, a.bucket
), unknown AS (
    -- a portfolio some of whose weights are NULL (missing price or FX rate)
    SELECT a.portfolio_id, bool_or(a.weight IS NULL) AS any_null FROM alloc a GROUP BY a.portfolio_id
), stale AS (
    SELECT d.portfolio_id, count(*) AS open_positions, count(*) FILTER (WHERE NOT d.ok) AS stale_positions
    FROM portfolio.data_quality_positions d WHERE d.instrument IS NOT NULL GROUP BY d.portfolio_id
), measured AS (
    SELECT p.id AS portfolio_id, p.name AS portfolio_name, r.rule, r.subject, r.value
    FROM portfolio.portfolios p
    LEFT JOIN unknown u ON u.portfolio_id = p.id
    CROSS JOIN LATERAL (
        SELECT 'position_concentration'::text AS rule, l.bucket AS subject, l.weight AS value
        FROM (SELECT 1) one LEFT JOIN largest l ON l.portfolio_id = p.id AND l.dimension = 'instrument'
        UNION ALL
        SELECT 'sector_concentration', l.bucket, l.weight
        FROM (SELECT 1) one LEFT JOIN largest l ON l.portfolio_id = p.id AND l.dimension = 'sector'
        UNION ALL
        SELECT 'asset_class_concentration', l.bucket, l.weight
        FROM (SELECT 1) one LEFT JOIN largest l ON l.portfolio_id = p.id AND l.dimension = 'asset_class'
        UNION ALL
        SELECT 'currency_concentration', f.bucket,
               CASE WHEN f.portfolio_id IS NOT NULL THEN f.weight WHEN NOT coalesce(u.any_null, false) THEN 0 END
        FROM (SELECT 1) one LEFT JOIN foreign_ccy f ON f.portfolio_id = p.id
        UNION ALL
        SELECT 'cash_share', 'cash',
               CASE WHEN coalesce(u.any_null, false) THEN NULL
                    ELSE coalesce((SELECT a.weight FROM alloc a WHERE a.portfolio_id = p.id
                                   AND a.dimension = 'asset_class' AND a.bucket = 'cash'), 0) END
        UNION ALL
        SELECT 'stale_price_share', format('%s of %s open positions', coalesce(s.stale_positions, 0),
                                           coalesce(s.open_positions, 0)),
               CASE WHEN coalesce(s.open_positions, 0) = 0 THEN 0
                    ELSE round(s.stale_positions::numeric / s.open_positions, 6) END
        FROM (SELECT 1) one LEFT JOIN stale s ON s.portfolio_id = p.id
    ) r
)
SELECT m.portfolio_id, m.portfolio_name, m.rule, m.subject, m.value,
       CASE WHEN own.id IS NOT NULL THEN own.warn_at ELSE def.warn_at END AS warn_at,
       CASE WHEN own.id IS NOT NULL THEN own.breach_at ELSE def.breach_at END AS breach_at,
       CASE WHEN own.id IS NOT NULL THEN 'portfolio' ELSE 'default' END AS limit_source,
       portfolio.risk_status(m.value,
                             CASE WHEN own.id IS NOT NULL THEN own.warn_at ELSE def.warn_at END,
                             CASE WHEN own.id IS NOT NULL THEN own.breach_at ELSE def.breach_at END) AS status
FROM measured m
LEFT JOIN portfolio.risk_limits own ON own.portfolio_id = m.portfolio_id AND own.rule = m.rule
LEFT JOIN portfolio.risk_limits def ON def.portfolio_id IS NULL AND def.rule = m.rule;
COMMENT ON VIEW portfolio.risk_checks IS
    'per portfolio and rule: current value, limits (portfolio override or default from risk_limits) and status ok/warn/breach/unknown';

GRANT SELECT, INSERT, UPDATE, DELETE ON portfolio.risk_limits TO portfolio_user;
GRANT USAGE ON SEQUENCE portfolio.risk_limits_id_seq TO portfolio_user;
GRANT SELECT ON portfolio.risk_limits, portfolio.risk_checks TO portfolio_user, portfolio_reader;
-- Rebalancing: the trades that bring a portfolio closest to target weights, in whole lots.

-- The trading unit of an instrument (1 = whole shares; 100 for a round-lot market; 0.001 for a
-- fund that trades in thousandths). rebalance() trades multiples of it.
ALTER TABLE portfolio.instruments ADD COLUMN lot_size numeric NOT NULL DEFAULT 1 CHECK (lot_size > 0);
COMMENT ON COLUMN portfolio.instruments.lot_size IS 'trading unit: rebalance() buys and sells multiples of it';

-- The optimiser (src/core/rebalance.*): quantities to hold, then cash left and total cost.
CREATE FUNCTION portfolio.rebalance_plan(held numeric[], price numeric[], lot numeric[], weight numeric[],
                                         cash numeric, cost_rate numeric) RETURNS numeric[]
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
    AS 'MODULE_PATHNAME', 'pgp_rebalance_plan';
COMMENT ON FUNCTION portfolio.rebalance_plan(numeric[], numeric[], numeric[], numeric[], numeric, numeric) IS
    'lot-rounded quantities to hold closest (least squares in money) to the weights within the cash; '
    'the result has the quantities, then the cash left and the total trading cost';

-- rebalance(portfolio_id, targets): targets is a JSON object symbol -> weight, e.g.
-- {"AAPL": 0.4, "MSFT": 0.5, "_cash": 0.1}; "_cash" (optional) is the share to keep in cash.
-- Weights are >= 0 and sum to 1 within 1e-6; held instruments missing from the targets are sold.
-- Prices: the last close, converted to the base currency at the rate of its day (as positions
-- does); cash: every balance at today's rate. The estimated cost is
-- setting('rebalance_cost_bps') basis points of each trade's value. Runs with the caller's
-- rights (row-level security): a portfolio the caller cannot see is "not found".
CREATE FUNCTION portfolio.rebalance(portfolio_id bigint, targets jsonb)
    RETURNS TABLE (symbol text, side text, quantity numeric, price numeric, estimated_value numeric,
                   estimated_cost numeric, weight_before numeric, weight_after numeric)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    base text;
    total_weight numeric;
    bad text;
    cash_base numeric;
    cash_missing boolean;
    cost_rate numeric := portfolio.setting('rebalance_cost_bps')::numeric / 10000;
    syms text[];
    helds numeric[];
    prices numeric[];
    prices_base numeric[];
    lots numeric[];
    weights numeric[];
    plan numeric[];
    n integer;
    total numeric;
    total_after numeric;
BEGIN
    IF targets IS NULL OR jsonb_typeof(targets) <> 'object' THEN
        RAISE EXCEPTION 'rebalance: targets must be a JSON object of symbol -> weight, not %', targets
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT string_agg(format('%s: %s', t.key, t.value), ', ') INTO bad
    FROM jsonb_each(targets) t
    WHERE jsonb_typeof(t.value) <> 'number' OR (t.value::text)::numeric < 0;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'rebalance: target weights must be numbers >= 0 (%)', bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT string_agg(t.key, ', ' ORDER BY t.key) INTO bad
    FROM jsonb_each(targets) t
    WHERE t.key <> '_cash' AND NOT EXISTS (SELECT 1 FROM portfolio.instruments i WHERE i.symbol = t.key);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'rebalance: unknown instruments in the targets: %', bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT coalesce(sum((t.value::text)::numeric), 0) INTO total_weight FROM jsonb_each(targets) t;
    IF abs(total_weight - 1) > 0.000001 THEN
        RAISE EXCEPTION 'rebalance: the target weights sum to %, not 1', total_weight
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Add "_cash": <share> to keep part of the value in cash.';
    END IF;
    SELECT p.base_currency INTO base FROM portfolio.portfolios p WHERE p.id = rebalance.portfolio_id;
    IF base IS NULL THEN
        RAISE EXCEPTION 'rebalance: portfolio % not found', rebalance.portfolio_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT coalesce(sum(c.balance_base), 0), coalesce(bool_or(c.fx_rate IS NULL), false)
      INTO cash_base, cash_missing
      FROM portfolio.cash c WHERE c.portfolio_id = rebalance.portfolio_id;
    IF cash_missing THEN
        RAISE EXCEPTION 'rebalance: portfolio % holds cash in a currency without an FX rate to %', rebalance.portfolio_id, base
            USING ERRCODE = 'data_exception';
    END IF;

    -- every instrument held or targeted, with its quantity, last close and base-currency price
    WITH held AS (
        SELECT ps.instrument, ps.quantity FROM portfolio.positions ps
        WHERE ps.portfolio_id = rebalance.portfolio_id AND ps.quantity <> 0
    ), wanted AS (
        SELECT t.key AS instrument, (t.value::text)::numeric AS weight
        FROM jsonb_each(targets) t WHERE t.key <> '_cash'
    ), assets AS (
        SELECT coalesce(h.instrument, w.instrument) AS instrument, coalesce(h.quantity, 0) AS held,
               coalesce(w.weight, 0) AS weight
        FROM held h FULL JOIN wanted w ON w.instrument = h.instrument
    ), priced AS (
        SELECT a.instrument, a.held, a.weight, i.lot_size, q.close,
               q.close * portfolio.fx_rate(i.currency, base, (q.ts AT TIME ZONE 'UTC')::date) AS price_base
        FROM assets a
        JOIN portfolio.instruments i ON i.symbol = a.instrument
        LEFT JOIN LATERAL (SELECT qq.close, qq.ts FROM portfolio.quotes qq WHERE qq.symbol = a.instrument
                           ORDER BY qq.ts DESC LIMIT 1) q ON true
    )
    SELECT array_agg(instrument ORDER BY instrument), array_agg(held ORDER BY instrument),
           array_agg(close ORDER BY instrument), array_agg(price_base ORDER BY instrument),
           array_agg(lot_size ORDER BY instrument), array_agg(weight ORDER BY instrument),
           string_agg(instrument, ', ' ORDER BY instrument) FILTER (WHERE price_base IS NULL)
      INTO syms, helds, prices, prices_base, lots, weights, bad
      FROM priced;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'rebalance: no price or no FX rate to % for %', base, bad
            USING ERRCODE = 'data_exception';
    END IF;
    n := coalesce(array_length(syms, 1), 0);
    IF n = 0 THEN
        RETURN;
    END IF;
    plan := portfolio.rebalance_plan(helds, prices_base, lots, weights, cash_base, cost_rate);
    total := cash_base;
    FOR k IN 1..n LOOP
        total := total + helds[k] * prices_base[k];
    END LOOP;
    total_after := total - plan[n + 2];
    RETURN QUERY
        SELECT syms[k],
               CASE WHEN plan[k] > helds[k] THEN 'buy' ELSE 'sell' END,
               abs(plan[k] - helds[k]),
               prices[k],
               trim_scale(abs(plan[k] - helds[k]) * prices_base[k]),
               trim_scale(round(abs(plan[k] - helds[k]) * prices_base[k] * cost_rate, 12)),
               CASE WHEN total <> 0 THEN round(helds[k] * prices_base[k] / total, 6) END,
               CASE WHEN total_after <> 0 THEN round(plan[k] * prices_base[k] / total_after, 6) END
        FROM generate_series(1, n) k
        WHERE plan[k] <> helds[k]
        ORDER BY CASE WHEN plan[k] > helds[k] THEN 1 ELSE 0 END, syms[k];
END
$$;
COMMENT ON FUNCTION portfolio.rebalance(bigint, jsonb) IS
    'trades (sells first, then buys; whole lots) bringing a portfolio closest to target weights {"SYM": w, "_cash": w} '
    'within its cash, never selling more than held';
GRANT EXECUTE ON FUNCTION portfolio.rebalance(bigint, jsonb) TO portfolio_user, portfolio_reader;
