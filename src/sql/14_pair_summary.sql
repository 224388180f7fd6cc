-- Two-step summaries of a series against a benchmark: portfolio.pair_summary, built by
-- pair_stats(r, rb) (moving windows too), combined by rollup(pair_summary), read by beta, alpha,
-- correlation, tracking_error, information_ratio. Text form
-- (version:1,n:...,mean_r:...,mean_rb:...,mean_diff:...,m2_r:...,m2_rb:...,m2_diff:...,c_r_rb:...).
-- The aggregates are declared in 14_pair_summary.aggregates (scripts/build_sql.py writes them out).
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
