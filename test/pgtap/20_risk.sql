-- Risk aggregates (issue 3, part B): signatures, labels, parallel capability and error SQLSTATEs.
BEGIN;
SELECT plan(34);

SELECT is_aggregate('portfolio', 'var_historical', ARRAY['double precision', 'double precision']);
SELECT is_aggregate('portfolio', 'var_historical', ARRAY['double precision']);
SELECT is_aggregate('portfolio', 'cvar_historical', ARRAY['double precision', 'double precision']);
SELECT is_aggregate('portfolio', 'cvar_historical', ARRAY['double precision']);
SELECT is_aggregate('portfolio', 'var_historical_approx', ARRAY['double precision', 'double precision']);
SELECT is_aggregate('portfolio', 'cvar_historical_approx', ARRAY['double precision']);
SELECT is_aggregate('portfolio', 'max_drawdown', ARRAY['double precision']);
SELECT is_aggregate('portfolio', 'calmar', ARRAY['double precision', 'integer']);
SELECT is_aggregate('portfolio', 'calmar', ARRAY['double precision']);
SELECT is_aggregate('portfolio', 'xirr', ARRAY['double precision', 'date']);
SELECT is_aggregate('portfolio', 'xirr', ARRAY['double precision', 'timestamp with time zone']);
SELECT is_aggregate('portfolio', 'twr', ARRAY['double precision', 'double precision']);
SELECT is_aggregate('portfolio', 'covariance', ARRAY['double precision[]']);
SELECT is_aggregate('portfolio', 'correlation', ARRAY['double precision[]']);
SELECT is_aggregate('portfolio', 'var_monte_carlo',
    ARRAY['double precision[]', 'double precision[]', 'double precision', 'integer', 'integer', 'bigint']);
SELECT is_aggregate('portfolio', 'var_monte_carlo', ARRAY['double precision[]', 'double precision[]']);
SELECT is_aggregate('portfolio', 'component_var', ARRAY['double precision[]', 'double precision[]', 'double precision']);
SELECT has_type('portfolio', 'quantile_sketch', 'the storable sketch type exists');
SELECT is_aggregate('portfolio', 'rollup', ARRAY['portfolio.quantile_sketch']);
SELECT function_returns('portfolio', 'var_historical_approx', ARRAY['portfolio.quantile_sketch', 'double precision'], 'double precision');
SELECT function_returns('portfolio', 'covariance', ARRAY['double precision[]'], 'double precision[]');

-- fixed-state order-independent aggregates combine (parallel-capable); order-dependent ones must
-- not, nor those whose partial state is every row (parallel plans lost, issue 15)
SELECT is_empty($$
    SELECT aggfnoid::regprocedure::text FROM pg_aggregate
    WHERE aggfnoid::regproc::text IN ('portfolio.var_historical_approx', 'portfolio.cvar_historical_approx',
          'portfolio.covariance', 'portfolio.correlation', 'portfolio.var_monte_carlo', 'portfolio.component_var')
      AND (aggcombinefn = 0 OR aggserialfn = 0 OR aggdeserialfn = 0)
$$, 'every fixed-state risk aggregate has combine, serialize and deserialize functions');
SELECT is_empty($$
    SELECT aggfnoid::regprocedure::text FROM pg_aggregate
    WHERE (aggfnoid IN ('portfolio.max_drawdown(float8)'::regprocedure, 'portfolio.calmar(float8)'::regprocedure,
                        'portfolio.calmar(float8, integer)'::regprocedure, 'portfolio.twr(float8, float8)'::regprocedure)
           OR aggfnoid::regproc::text IN ('portfolio.var_historical', 'portfolio.cvar_historical', 'portfolio.xirr'))
      AND (aggcombinefn <> 0 OR aggserialfn <> 0 OR aggdeserialfn <> 0)
$$, 'order-dependent and whole-history aggregates have no combine, serialize or deserialize function');
SELECT volatility_is('portfolio', 'var_historical_trans', ARRAY['internal', 'double precision', 'double precision'], 'immutable');

-- published figures
SELECT is((SELECT round(portfolio.max_drawdown(r ORDER BY t)::numeric, 10)
           FROM unnest(ARRAY[0.01, 0.10, -0.04, 0.02, 0.03, 0.02, 0.01, -0.10]) WITH ORDINALITY v(r, t)),
          0.1000000000, 'empyrical max_drawdown fixture');
SELECT is((SELECT round(portfolio.xirr(a, d)::numeric, 9)
           FROM (VALUES (-1560.94, date '2019-05-24'), (-1160, date '2020-01-13'), (42.80, date '2020-06-29')) v(a, d)),
          -0.999251643, 'Portfolio Performance IRR of a near-total loss');

-- error SQLSTATEs
SELECT throws_ok($$SELECT portfolio.var_historical(r, 1.5) FROM (VALUES (0.01)) v(r)$$, '22023',
                 'confidence must be strictly between 0 and 1, got 1.5', 'confidence out of range');
SELECT throws_ok($$SELECT portfolio.cvar_historical(r) FROM (VALUES ('Infinity'::float8)) v(r)$$, '22000',
                 NULL, 'infinite return');
SELECT throws_ok($$SELECT portfolio.max_drawdown(r) FROM (VALUES ('NaN'::float8)) v(r)$$, '22000', NULL, 'NaN return');
SELECT throws_ok($$SELECT portfolio.covariance(r) FROM (VALUES (ARRAY[0.1, 0.2]), (ARRAY[0.1])) v(r)$$, '22023',
                 NULL, 'vector length mismatch');
SELECT throws_ok($$SELECT portfolio.var_monte_carlo(ARRAY[0.1, 0.2], ARRAY[1.0]) FROM generate_series(1, 3)$$, '22023',
                 NULL, 'weights length mismatch');
SELECT throws_ok($$SELECT portfolio.var_monte_carlo(ARRAY[0.1], ARRAY[1.0], 0.95, 1, 10000001) FROM generate_series(1, 3)$$,
                 '22023', NULL, 'too many simulations');
SELECT throws_ok($$SELECT portfolio.component_var(ARRAY[0.1 * i, 0.2], ARRAY[1.0, i]) FROM generate_series(1, 3) i$$,
                 '22023', NULL, 'weights changing within a group');
SELECT throws_ok($$SELECT portfolio.calmar(r, -12) FROM (VALUES (0.01)) v(r)$$, '22023', NULL, 'negative ppy');

SELECT * FROM finish();
ROLLBACK;
