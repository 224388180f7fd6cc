-- var_historical / cvar_historical: exact historical VaR and expected shortfall.
-- The state holds every value (8 bytes a row, one growable chunk, at most ~134 million values a
-- group under PostgreSQL's 1 GB allocation limit: SQLSTATE 54000 beyond). The final function finds
-- the quantile with nth_element, O(n).
-- No combine function (so no parallel workers and no partial partitionwise aggregation), on
-- purpose: the exact quantile needs every value, so a partial state is the rows themselves, and
-- copying them to the leader (serialize, tuple queue, deserialize, concatenate) cost more than the
-- workers saved: 2 workers took 2.0-2.1 s against 1.0-1.2 s for 1 on 10M rows (issue 15), 0.84x
-- on 2M (docs/benchmarks.md). The functions stay PARALLEL SAFE (they are): a parallel query may
-- still run the whole aggregate inside one worker. var_historical_approx is the parallel form.
-- The aggregates are declared in 20_var_historical.aggregates (scripts/build_sql.py writes them out).
CREATE FUNCTION portfolio.var_historical_trans(internal, float8, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_var_historical_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.var_historical_trans(internal, float8) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_var_historical_trans_default' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.var_historical_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_var_historical_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.cvar_historical_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_cvar_historical_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
