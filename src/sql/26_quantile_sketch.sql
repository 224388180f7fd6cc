-- var_historical_approx / cvar_historical_approx: bounded memory (a fixed 32 KiB sketch per group,
-- whatever the row count), mergeable across workers and partitions. Each order statistic is
-- estimated within 1 % of its value (plus 1e-9 absolute); see docs/metrics.md.
-- The aggregates are declared in 26_quantile_sketch.aggregates (scripts/build_sql.py writes them out).
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

CREATE FUNCTION portfolio.var_historical_approx(sketch portfolio.quantile_sketch, confidence float8 DEFAULT 0.95)
    RETURNS float8 AS 'MODULE_PATHNAME', 'pgp_sketch_var' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.cvar_historical_approx(sketch portfolio.quantile_sketch, confidence float8 DEFAULT 0.95)
    RETURNS float8 AS 'MODULE_PATHNAME', 'pgp_sketch_cvar' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.quantile(sketch portfolio.quantile_sketch, p float8)
    RETURNS float8 AS 'MODULE_PATHNAME', 'pgp_sketch_quantile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.num_values(sketch portfolio.quantile_sketch)
    RETURNS bigint AS 'MODULE_PATHNAME', 'pgp_sketch_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
