-- The C++/PostgreSQL boundary: a C++ exception thrown three frames deep in the core becomes a
-- SQL ERROR with the right SQLSTATE, only after every C++ destructor ran; the session goes on.
CREATE FUNCTION pg_temp.rss_kb() RETURNS bigint LANGUAGE sql AS $$
    SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmRSS:\s+(\d+)'))[1]::bigint
$$;
SELECT portfolio.boundary_selftest('ok');
SELECT portfolio.boundary_probes_destroyed() AS probes_before \gset

SELECT portfolio.boundary_selftest('invalid_parameter');
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.boundary_selftest('data');
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.boundary_selftest('bad_alloc');
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.boundary_selftest('length');
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.boundary_selftest('overflow');
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.boundary_selftest('internal');
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.boundary_selftest('foreign');
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.boundary_selftest('no such kind');
\echo :LAST_ERROR_SQLSTATE

-- three probes per call, destroyed before each error was reported
SELECT portfolio.boundary_probes_destroyed() - :probes_before AS probes_destroyed;
SELECT 'session still works' AS after_errors;

-- Real time on purpose: statement_timeout is a real timer, so test/suites/instants.sh (a faked
-- server clock) leaves this test out.
-- Cancellation: statement_timeout stops a long core loop; the core unwinds, then PostgreSQL
-- reports the cancel itself (57014). Repeated, it leaks nothing: each call holds 3 MiB, so twenty
-- calls whose destructors were skipped would grow the backend by 60 MiB. Cancelled aggregates come
-- first: they warm up the allocator (generate_series' tuplestores) before the baseline is read.
SET statement_timeout = '100ms';
SELECT portfolio.twr(0.0001) FROM generate_series(1, 100000) a, generate_series(1, 100000) b;
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.twr(0.0001) FROM generate_series(1, 100000) a, generate_series(1, 100000) b;
SELECT portfolio.boundary_selftest('spin', 30);
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.rss_kb() AS rss_before \gset
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
SELECT portfolio.boundary_selftest('spin', 30);
RESET statement_timeout;
SELECT portfolio.boundary_probes_destroyed() - :probes_before AS probes_destroyed_after_cancels;
SELECT pg_temp.rss_kb() - :rss_before < 16384 AS rss_grew_less_than_16mib;
SELECT portfolio.twr(r) FROM (VALUES (0.1), (0.2)) v(r);
-- numeric -> Decimal -> numeric (src/pg/decimal_numeric.cpp): the stored digits, short and long
-- form (a display scale over 63), exactly; past 12 decimals rounded (text path); a result whose
-- mantissa passes 63 bits built as text; each the value round(v, 12) with its shortest scale
SELECT x.v, portfolio.quantity(x.p) AS quantity, portfolio.cost_basis(x.p) AS cost,
       portfolio.quantity(x.p) = round(x.v, 12) AS exact
FROM (SELECT v.v, portfolio.position_agg(now(), 'buy', v.v, v.v, 0) AS p
      FROM (VALUES (0.000000000001), (1.5), (1750.000), (123456789.123456789012), (0.0000000000015),
                   (('1.' || repeat('0', 70))::numeric), (99999999999.999999999999)) v(v)
      GROUP BY v.v) x
ORDER BY x.v;
