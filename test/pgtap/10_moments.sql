-- The moment family and the two-step summaries, checked through the catalog: every aggregate is
-- parallel safe with combine + serialize/deserialize, has a moving-window inverse, the accessors
-- are immutable and strict, the types have binary I/O; plus a few values and SQLSTATEs.
BEGIN;
SELECT plan(38);

SELECT has_type('portfolio', 'return_summary', 'type return_summary exists');
SELECT has_type('portfolio', 'pair_summary', 'type pair_summary exists');

-- every signature of the one-step family (defaults are filled by overloads)
SELECT is_aggregate('portfolio', 'annualized_return', ARRAY['double precision']);
SELECT is_aggregate('portfolio', 'annualized_return', ARRAY['double precision', 'integer']);
SELECT is_aggregate('portfolio', 'volatility', ARRAY['double precision']);
SELECT is_aggregate('portfolio', 'volatility', ARRAY['double precision', 'integer']);
SELECT is_aggregate('portfolio', 'sharpe', ARRAY['double precision']);
SELECT is_aggregate('portfolio', 'sharpe', ARRAY['double precision', 'double precision']);
SELECT is_aggregate('portfolio', 'sharpe', ARRAY['double precision', 'double precision', 'integer']);
SELECT is_aggregate('portfolio', 'sortino', ARRAY['double precision', 'double precision', 'integer']);
SELECT is_aggregate('portfolio', 'var_gaussian', ARRAY['double precision', 'double precision']);
SELECT is_aggregate('portfolio', 'cvar_gaussian', ARRAY['double precision', 'double precision']);
SELECT is_aggregate('portfolio', 'var_cornish_fisher', ARRAY['double precision', 'double precision']);
SELECT is_aggregate('portfolio', 'beta', ARRAY['double precision', 'double precision']);
SELECT is_aggregate('portfolio', 'alpha', ARRAY['double precision', 'double precision', 'double precision', 'integer']);
SELECT is_aggregate('portfolio', 'tracking_error', ARRAY['double precision', 'double precision', 'integer']);
SELECT is_aggregate('portfolio', 'information_ratio', ARRAY['double precision', 'double precision', 'integer']);
SELECT is_aggregate('portfolio', 'return_stats', ARRAY['double precision']);
SELECT is_aggregate('portfolio', 'pair_stats', ARRAY['double precision', 'double precision']);
SELECT is_aggregate('portfolio', 'rollup', ARRAY['portfolio.return_summary']);
SELECT is_aggregate('portfolio', 'rollup', ARRAY['portfolio.pair_summary']);

CREATE TEMP VIEW family AS
SELECT a.aggfnoid::regprocedure AS agg, a.*, p.proparallel
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'portfolio'::regnamespace
  AND p.proname IN ('annualized_return', 'volatility', 'sharpe', 'sortino', 'var_gaussian', 'cvar_gaussian',
                    'var_cornish_fisher', 'beta', 'alpha', 'tracking_error', 'information_ratio',
                    'return_stats', 'pair_stats', 'rollup')
  -- rollup(quantile_sketch) belongs to the historical-VaR family (test/pgtap/20_risk.sql)
  AND a.aggfnoid <> 'portfolio.rollup(portfolio.quantile_sketch)'::regprocedure;
SELECT is((SELECT count(*) FROM family), 28::bigint, '28 aggregates in the moment family');
SELECT is_empty($$SELECT agg FROM family WHERE proparallel <> 's'$$, 'every aggregate of the family is PARALLEL SAFE');
SELECT is_empty($$SELECT agg FROM family WHERE aggcombinefn = 0 OR aggserialfn = 0 OR aggdeserialfn = 0$$,
                'every aggregate has combine, serialize and deserialize functions');
SELECT is_empty($$SELECT agg FROM family WHERE aggminvtransfn = 0$$,
                'every aggregate (rollup too) has an inverse transition for moving windows');
SELECT is_empty($$SELECT agg FROM family WHERE aggmtransfn <> aggtransfn$$,
                'moving and plain transitions are the same function (one state type)');

SELECT is_empty($$SELECT agg FROM family WHERE obj_description(aggfnoid, 'pg_proc') IS NULL$$,
                'every aggregate of the family has a comment stating its formula');

-- accessors: IMMUTABLE STRICT PARALLEL SAFE
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
    WHERE p.pronamespace = 'portfolio'::regnamespace AND p.prokind = 'f'
      AND ('portfolio.return_summary'::regtype = ANY (p.proargtypes::oid[])
           OR 'portfolio.pair_summary'::regtype = ANY (p.proargtypes::oid[]))
      AND p.proname NOT LIKE '%\_out' AND p.proname NOT LIKE '%\_send'
      AND NOT 'internal'::regtype = ANY (p.proargtypes::oid[])  -- aggregate support functions
      AND NOT (p.provolatile = 'i' AND p.proisstrict AND p.proparallel = 's')
$$, 'every summary accessor is IMMUTABLE STRICT PARALLEL SAFE');
SELECT volatility_is('portfolio', 'volatility', ARRAY['portfolio.return_summary', 'integer'], 'immutable');
SELECT function_returns('portfolio', 'kurtosis', ARRAY['portfolio.return_summary'], 'double precision');
SELECT function_returns('portfolio', 'n', ARRAY['portfolio.pair_summary'], 'bigint');
SELECT is((SELECT typreceive::text || ' ' || typsend::text FROM pg_type WHERE oid = 'portfolio.return_summary'::regtype),
          'portfolio.return_summary_recv portfolio.return_summary_send', 'return_summary has binary I/O');

-- values and SQLSTATEs
SELECT results_eq($$SELECT round(portfolio.var_gaussian(r)::numeric, 6) FROM
    (VALUES (0.0119), (0.0123), (0.0078), (0.0086), (0.0156), (0.0212), (0.0193), (0.0134), (0.0122), (0.0147)) v(r)$$,
    $$SELECT round((-(avg(r) + (-1.6448536269514722) * sqrt(var_pop(r))))::numeric, 6) FROM
    (VALUES (0.0119), (0.0123), (0.0078), (0.0086), (0.0156), (0.0212), (0.0193), (0.0134), (0.0122), (0.0147)) v(r)$$,
    'var_gaussian is -(mean + z sigma) with the population sigma');
SELECT throws_ok($$SELECT portfolio.volatility(r, 0) FROM (VALUES (0.01)) v(r)$$, '22023',
                 'periods per year must be positive, got 0', 'ppy 0 is an invalid parameter');
SELECT throws_ok($$SELECT portfolio.var_cornish_fisher(r, 1.5) FROM (VALUES (0.01)) v(r)$$, '22023',
                 'confidence must be strictly between 0 and 1, got 1.5', 'confidence 1.5 is an invalid parameter');
SELECT throws_ok($$SELECT portfolio.sharpe(r) FROM (VALUES ('Infinity'::float8)) v(r)$$, '22000',
                 'return must be a finite number, got inf', 'an infinite return is a data exception');
SELECT throws_ok($$SELECT 'nonsense'::portfolio.return_summary$$, '22P02', NULL, 'malformed summary text');
SELECT is((SELECT portfolio.n(portfolio.rollup(s)) FROM (SELECT portfolio.return_stats(r) s FROM generate_series(1, 10) g,
          LATERAL (SELECT 0.001 * g AS r) x GROUP BY g % 3) y), 10::bigint, 'rollup counts every row once');

SELECT * FROM finish();
ROLLBACK;
