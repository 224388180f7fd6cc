-- The performance view (src/sql/55_performance.sql) on a hand-worked ledger.
-- A hand-worked ledger ending on the as-of day, pinned (never the wall clock) at 2026-01-20 so
-- that the year starts inside it: day 0 = 2025-12-11 .. day 40 = 2026-01-20.
--   day 0  deposit 1,000, buy 10 FND @ 100 (close 100)      V = 1,000
--   day 35 close 102  V = 1,020     day 36 close 99  V = 990
--   day 37 deposit 500, close 104   V = 1,540 (r = 1540 / (990 + 500) - 1)
--   day 38 withdrawal 200, close 101 V = 1,310 (r = (1310 + 200) / 1540 - 1)
--   day 39 close 106  V = 1,360;    every other day carries the last close: r = 0
-- Day 39 is the last priced day: the series ends there (the as-of day 40 has no quote).
-- Trading days (a quote of FND): days 0, 35, 36, 37, 38, 39; day 35's return compounds days 1..35.
-- Benchmark BMK (adj_close): 50.5 on day 0, 51, 50, 50.8, 50.2, 51.5 on days 35..39.
-- Expected values computed independently with numpy/scipy (script in the comment at the end):
-- TWR over the 40 calendar days; the statistics over the 6 trading-day returns, 252 periods a
-- year, sample standard deviations, VaR type-7 quantile,
-- CVaR the mean strictly below it, Sortino with the root-mean-square downside (empyrical),
-- alpha the CAPM intercept annualized (1 + a)^365 - 1, XIRR Act/365.
BEGIN;
SELECT plan(24);
SET LOCAL TimeZone = 'UTC';
SET LOCAL portfolio.as_of = '2026-01-20';
SELECT portfolio.ensure_quote_partitions(portfolio.as_of() - 40, portfolio.as_of()) AS _made \gset
INSERT INTO portfolio.instruments (symbol, currency) VALUES ('FND', 'USD'), ('BMK', 'USD');
INSERT INTO portfolio.portfolios (name, benchmark_symbol) VALUES ('perf', 'BMK');
SELECT id AS perf FROM portfolio.portfolios WHERE name = 'perf' \gset
INSERT INTO portfolio.quotes (symbol, ts, close, adj_close, source)
SELECT 'FND', (portfolio.as_of() - 40 + d)::timestamp AT TIME ZONE 'UTC', c, NULL, 'test'
FROM (VALUES (0, 100), (35, 102), (36, 99), (37, 104), (38, 101), (39, 106)) v(d, c)
UNION ALL
SELECT 'BMK', (portfolio.as_of() - 40 + d)::timestamp AT TIME ZONE 'UTC', c * 2, c, 'test'
FROM (VALUES (0, 50.5), (35, 51), (36, 50), (37, 50.8), (38, 50.2), (39, 51.5)) v(d, c);
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount)
VALUES (:perf, NULL,  (portfolio.as_of() - 40) + time '09:00', 'deposit', NULL, NULL, 1000),
       (:perf, 'FND', (portfolio.as_of() - 40) + time '15:00', 'buy', 10, 100, NULL),
       (:perf, NULL,  (portfolio.as_of() - 3) + time '09:00', 'deposit', NULL, NULL, 500),
       (:perf, NULL,  (portfolio.as_of() - 2) + time '09:00', 'withdrawal', NULL, NULL, 200);
CALL portfolio.refresh();

SELECT is((SELECT market_value FROM portfolio.portfolio_daily WHERE portfolio_id = :perf AND day = portfolio.as_of() - 1),
          1360::numeric, 'end value 1,060 in FND + 300 cash on the last priced day');
SELECT is((SELECT max(day) FROM portfolio.portfolio_daily WHERE portfolio_id = :perf), portfolio.as_of() - 1,
          'the series ends on the last priced day, not on the as-of day after it');
SELECT is((SELECT last_priced_day || ' ' || trading_days FROM portfolio.performance WHERE portfolio_id = :perf),
          (portfolio.as_of() - 1) || ' 6', 'performance says its last priced day and counts 6 trading-day returns');
SELECT is((SELECT array_agg(round(r::numeric, 12) ORDER BY day) FROM portfolio.trading_day_returns(:perf)),
          ARRAY[0, 0.02, -0.029411764706, 0.033557046980, -0.019480519481, 0.038167938931]::numeric[],
          'trading-day returns: day 35 compounds days 1..35 (1,020 / 1,000 - 1)');
SELECT is((SELECT first_day FROM portfolio.performance WHERE portfolio_id = :perf), portfolio.as_of() - 40, 'inception');
SELECT ok(abs(twr_since_inception - 0.04158204826066925) < 1e-12, 'TWR since inception') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(twr_1y - 0.04158204826066925) < 1e-12, 'TWR 1Y = since inception (40 days)') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(p.twr_ytd - (SELECT portfolio.twr(d.daily_return) FROM portfolio.portfolio_daily d
                          WHERE d.portfolio_id = :perf AND d.day >= date_trunc('year', portfolio.as_of())::date)) < 1e-12,
          'TWR YTD links the returns of this calendar year') FROM portfolio.performance p WHERE portfolio_id = :perf;
SELECT ok(abs(annualized_return - 4.53511209028548) < 1e-9, 'annualized return (1 + twr)^(252/6) - 1 over trading days') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(volatility - 0.44457896970319516) < 1e-9, 'volatility') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(sharpe - 4.046465521392078) < 1e-9, 'Sharpe, rf 0') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(sortino - 7.86855963685265) < 1e-9, 'Sortino, MAR 0') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(max_drawdown - 0.02941176470588236) < 1e-12, 'max drawdown 1 - 99/102') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(var_95 - 0.026928953399541627) < 1e-12, 'VaR 95 %: the type-7 5 % quantile of 6 trading-day returns') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(cvar_95 - 0.02941176470588236) < 1e-12, 'CVaR 95 %: the one loss below it') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(beta - 1.6072697942311225) < 1e-9, 'beta against BMK (adj_close)') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(alpha - 0.6610749341181055) < 1e-9, 'alpha, annualized') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(tracking_error - 0.19682635217226319) < 1e-9, 'tracking error') FROM portfolio.performance WHERE portfolio_id = :perf;
SELECT ok(abs(xirr - 0.7073832724520596) < 1e-7, 'XIRR: -1000 day 0, -500 day 37, +200 day 38, +1360 day 39') FROM portfolio.performance WHERE portfolio_id = :perf;

-- benchmark_daily_returns: a range starting after the last quote carries it in (adj_close, not close)
SELECT results_eq(
    $$SELECT day - portfolio.as_of(), price, r FROM portfolio.benchmark_daily_returns('BMK', portfolio.as_of() - 7, portfolio.as_of() - 3)$$,
    $$VALUES (-7, 50.5, NULL::float8), (-6, 50.5, 0), (-5, 51, 51 / 50.5 - 1), (-4, 50, 50 / 51.0 - 1), (-3, 50.8, 50.8 / 50 - 1)$$,
    'benchmark returns: seeded from the last quote before the range, adj_close, carried over days without a quote');
SELECT is((SELECT count(*)::int FROM portfolio.benchmark_daily_returns('BMK', portfolio.as_of() - 40, portfolio.as_of())
           WHERE r = 0), 35, 'a day without a quote carries the last price (r = 0): days 1..34 and day 40');
SELECT is((SELECT count(*)::int FROM portfolio.benchmark_daily_returns('NOPE', portfolio.as_of() - 5, portfolio.as_of())
           WHERE price IS NULL AND r IS NULL), 6, 'an unknown symbol gives every day with NULL price and return');
SELECT is((SELECT count(*)::int FROM portfolio.benchmark_daily_returns('BMK', portfolio.as_of(), portfolio.as_of() - 1)),
          0, 'a range that ends before it starts gives no rows');
SELECT throws_ok($$SELECT * FROM portfolio.benchmark_daily_returns('BMK', '-infinity', portfolio.as_of())$$,
                 '22023', NULL, 'an infinite bound is an error, not an endless series');

SELECT * FROM finish();
ROLLBACK;
/* The expected values (run with /usr/bin/python3):
import numpy as np
from scipy.optimize import brentq
N=40  # days d0 .. d39: the series ends on the last priced day (d39); the as-of day d40 has no quote
close={0:100,35:102,36:99,37:104,38:101,39:106}
bmk={0:50.5,35:51,36:50,37:50.8,38:50.2,39:51.5}
dep={0:1000,37:500}; wd={38:200}
qty=10
V=[];F=[]
c=0; p=None; b=None; B=[]
for t in range(N):
    if t in close: p=close[t]
    if t in bmk: b=bmk[t]
    c+=dep.get(t,0)-wd.get(t,0)-(1000 if t==0 else 0)
    V.append(qty*p+c); F.append(dep.get(t,0)-wd.get(t,0)); B.append(b)
rc=[];prev=0
for v,f in zip(V,F):
    rc.append((v+max(-f,0))/(prev+max(f,0))-1); prev=v
rc=np.array(rc)
# trading days: days with a quote of the held FND; a period compounds the calendar days since the last one
T=sorted(close)
r=[];last=-1
for t in T:
    r.append(np.prod(1+rc[last+1:t+1])-1); last=t
r=np.array(r); rb=np.array([np.nan]+[bmk[T[i]]/bmk[T[i-1]]-1 for i in range(1,len(T))])
ppy=252
out={}
out['twr_since_inception']=np.prod(1+rc)-1
out['annualized_return']=np.prod(1+r)**(ppy/len(r))-1
out['volatility']=np.std(r,ddof=1)*np.sqrt(ppy)
out['sharpe']=np.mean(r)/np.std(r,ddof=1)*np.sqrt(ppy)
out['sortino']=np.mean(r)*ppy/(np.sqrt(np.mean(np.minimum(r,0)**2))*np.sqrt(ppy))
w=np.cumprod(1+r); peak=np.maximum.accumulate(np.concatenate([[1],w]))[1:]
out['max_drawdown']=np.max(1-w/peak)
q=np.quantile(r,0.05); out['var_95']=-q; out['cvar_95']=-np.mean(r[r<q]) if (r<q).any() else None
m=~np.isnan(rb); x=r[m]; y=rb[m]
beta=np.cov(x,y,ddof=1)[0,1]/np.var(y,ddof=1); out['beta']=beta
out['alpha']=(1+np.mean(x)-beta*np.mean(y))**ppy-1
out['tracking_error']=np.std(x-y,ddof=1)*np.sqrt(ppy)
flows=[(-1000,0),(-500,37),(200,38),(V[-1],39)]
out['xirr']=brentq(lambda z: sum(a/(1+z)**(t/365) for a,t in flows),-0.99,1e6)
print("V end",V[-1], "trading returns", list(r))
for k,v in out.items(): print(f"{k} {v!r}")
*/
