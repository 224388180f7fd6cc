-- Two-step summaries of one series: portfolio.return_summary, built by return_stats(r) (also as a
-- moving window: OVER (... ROWS n PRECEDING) costs O(1) a row), combined exactly by
-- rollup(return_summary) (a moving window too: rolling 30 days from daily summaries), read by
-- accessors taking the one-step aggregates' trailing parameters.
-- Storage: a varlena holding a versioned little-endian encoding (65 bytes); text form
-- (version:1,n:...,mean:...,m2:...,m3:...,m4:...,log_growth:...,log_growth_error:...,total_losses:...)
-- with 17 significant digits, so text round trips are exact.
-- The aggregates are declared in 13_return_summary.aggregates (scripts/build_sql.py writes them out).
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
