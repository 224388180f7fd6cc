-- Multi-asset aggregates: each row is one period's vector of asset returns (float8[]).
-- covariance/correlation keep n, the mean vector and the co-moment matrix (8 (k^2 + 2k) bytes a
-- group), merged exactly across parallel workers. Rows with a NULL array or element are skipped.
-- The aggregates are declared in 25_multiasset.aggregates.
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
