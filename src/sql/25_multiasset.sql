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
