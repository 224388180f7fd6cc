-- xirr(amount, at): Excel's XIRR (Act/365 from the earliest flow); the state holds every flow
-- (16 bytes a flow).
-- No combine function (so no parallel workers and no partial partitionwise aggregation), on
-- purpose: a partial state is every flow, and copying them to the leader cost more than the
-- workers saved (2 workers slower than 1 on 10M rows, issue 15; docs/benchmarks.md), while the
-- root search, the larger part of the time, runs in one process either way. The functions stay
-- PARALLEL SAFE (they are): a parallel query may still run the whole aggregate inside one worker.
-- The aggregates are declared in 23_xirr.aggregates (scripts/build_sql.py writes them out).
CREATE FUNCTION portfolio.xirr_trans(internal, float8, date) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_xirr_date_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.xirr_trans(internal, float8, timestamptz) RETURNS internal
    AS 'MODULE_PATHNAME', 'pgp_xirr_timestamptz_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION portfolio.xirr_final(internal) RETURNS float8
    AS 'MODULE_PATHNAME', 'pgp_xirr_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
