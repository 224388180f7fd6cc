-- A series against a benchmark: beta(r, rb) and alpha(r, rb [, rf [, ppy]]).
-- State: co-moments of the excess returns r - rf and rb - rf (rf per row, 0 when not given) and the
-- group's constant ppy. Parallel and moving-window capable like the moment family (11_moments.sql).
-- The aggregates are declared in 12_pair_moments.aggregates.

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
