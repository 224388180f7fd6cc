-- The moment family: one-step aggregates over periodic simple returns r.
-- annualized_return, volatility, sharpe, sortino, var_gaussian, cvar_gaussian, var_cornish_fisher,
-- tracking_error, information_ratio. Aggregates cannot have DEFAULT arguments, so each comes in
-- overloads that fill the defaults (ppy 252, rf 0, mar 0, confidence 0.95).
-- All: NULL rows skipped; combine + serialize/deserialize (parallel plans); an inverse transition
-- (moving windows) that returns NULL to make PostgreSQL recompute a frame when cancellation
-- could have cost accuracy. Formulas and conventions: docs/metrics.md. The aggregates themselves
-- are declared in 11_moments.aggregates, one line each (scripts/build_sql.py writes them out).

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

-- annualized_return: state growth (compensated log sum) + ppy
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

-- sortino: state downside moments of r - mar (mar per row) + ppy
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
