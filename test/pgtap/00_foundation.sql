-- Foundation: the extension's schema, labels and first aggregate, checked through the catalog.
BEGIN;
SELECT plan(12);

SELECT has_schema('portfolio');
SELECT has_extension('pg_portfolio');
SELECT is(portfolio.version(), (SELECT extversion FROM pg_extension WHERE extname = 'pg_portfolio'),
          'version() matches the installed extension');
SELECT function_returns('portfolio', 'build_info', ARRAY[]::name[], 'jsonb');

-- Labels: every C function of the extension is PARALLEL SAFE and none is left VOLATILE by accident
SELECT is_empty($$
    SELECT p.proname FROM pg_proc p
    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_portfolio'
    WHERE p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c') AND p.proparallel <> 's'
$$, 'every C function of pg_portfolio is PARALLEL SAFE');
SELECT volatility_is('portfolio', 'version', ARRAY[]::name[], 'immutable');
SELECT volatility_is('portfolio', 'growth_trans', ARRAY['internal', 'double precision'], 'immutable');
SELECT is_aggregate('portfolio', 'twr', ARRAY['double precision']);

SELECT is((SELECT aggcombinefn::text FROM pg_aggregate WHERE aggfnoid = 'portfolio.twr(float8)'::regprocedure),
          'portfolio.growth_combine', 'twr(r) has a combine function for parallel plans');
SELECT is((SELECT aggminvtransfn::text FROM pg_aggregate WHERE aggfnoid = 'portfolio.twr(float8)'::regprocedure),
          'portfolio.growth_inv', 'twr(r) has an inverse transition for moving windows');

SELECT throws_ok($$SELECT portfolio.twr(r) FROM (VALUES ('NaN'::float8)) v(r)$$, '22000',
                 'return must be a finite number, got nan', 'NaN is an error, not a number');
SELECT results_eq($$SELECT round(portfolio.twr(r)::numeric, 10) FROM (VALUES (0.1), (-0.1)) v(r)$$,
                  $$VALUES (-0.0100000000::numeric)$$, '+10 % then -10 % is -1 %');

SELECT * FROM finish();
ROLLBACK;
