-- One "today" and the as-of date (src/sql/29_today.sql). The as-of check: portfolio "full" has a
-- ledger and quotes running past 2025-12-31; portfolio "cut" holds only the transactions of
-- "full" up to the end of that UTC day. As of 2025-12-31 every view must show the two alike, and
-- the prices of that day, not the later ones. The session runs in Los Angeles on purpose: the
-- trade at 2026-01-01 00:30 UTC is still 31 December there, and must not count.
BEGIN;
SELECT plan(33);
SET LOCAL TimeZone = 'America/Los_Angeles';
SET LOCAL client_min_messages = warning;

-- today(): the UTC date of the transaction's start in every session time zone
SELECT is(portfolio.today(), (now() AT TIME ZONE 'UTC')::date, 'today() in Los Angeles is the UTC date');
SET LOCAL TimeZone = 'Pacific/Auckland';
SELECT is(portfolio.today(), (now() AT TIME ZONE 'UTC')::date, 'today() in Auckland is the UTC date');
SET LOCAL TimeZone = 'UTC';
SELECT is(portfolio.today(), current_date, 'today() in UTC is current_date');
SET LOCAL TimeZone = 'America/Los_Angeles';
SELECT is(
    (SELECT string_agg(format('%s %s %s', proname, provolatile, proparallel), ', ' ORDER BY proname) FROM pg_proc
     WHERE pronamespace = 'portfolio'::regnamespace
       AND proname IN ('today', 'as_of', 'as_of_cutoff', 'as_of_instant', 'quote_partition_months')),
    'as_of s s, as_of_cutoff s s, as_of_instant s s, quote_partition_months s s, today s s',
    'STABLE (fixed within a transaction) and PARALLEL SAFE');

-- as_of(): the setting, else today(); bad settings are clear errors
SELECT is(portfolio.as_of(), portfolio.today(), 'as_of() is today() when portfolio.as_of is not set');
SET LOCAL portfolio.as_of = '2025-12-31';
SELECT is(portfolio.as_of(), '2025-12-31'::date, 'as_of() reads portfolio.as_of');
SELECT is(portfolio.as_of_cutoff(), '2026-01-01 00:00+00'::timestamptz, 'the cutoff is the end of the UTC day');
SELECT is(portfolio.as_of_instant(), '2026-01-01 00:00+00'::timestamptz, 'ages of a past day count from its end');
RESET portfolio.as_of;
SELECT is(portfolio.as_of(), portfolio.today(), 'RESET goes back to today()');
SELECT is(portfolio.as_of_instant(), now(), 'ages count from now when reporting for today');
SET LOCAL portfolio.as_of = 'last tuesday';
SELECT throws_ok('SELECT portfolio.as_of()', '22023', NULL, 'a setting that is not YYYY-MM-DD: 22023');
SET LOCAL portfolio.as_of = 'infinity';
SELECT throws_ok('SELECT portfolio.as_of()', '22023', NULL, 'infinity is not a report day: 22023');
SET LOCAL portfolio.as_of = '2025-02-30';
SELECT throws_ok('SELECT portfolio.as_of()', '22008', NULL, 'a day that does not exist: 22008');
SET LOCAL portfolio.as_of = '2999-01-01';
SELECT throws_ok('SELECT portfolio.as_of()', '22023', NULL, 'a day after today: 22023');
SET LOCAL portfolio.as_of = '2024-02-29';
SELECT is(portfolio.as_of_cutoff(), '2024-03-01 00:00+00'::timestamptz, '29 February: the cutoff is 1 March');

-- the two ledgers: EUR/USD 1.10 until 2025-12-31, 1.30 from 2026-01-02; closes change after it
SELECT portfolio.ensure_quote_partitions('2025-12-01', '2026-01-31') AS _made \gset
INSERT INTO portfolio.instruments (symbol, currency, asset_class) VALUES
    ('ASOF_US', 'USD', 'equity'), ('ASOF_EU', 'EUR', 'equity'), ('ASOF_BM', 'USD', 'index');
INSERT INTO portfolio.quotes (symbol, ts, close, source)
SELECT s.symbol, d::date::timestamp AT TIME ZONE 'UTC',
       s.base * (1 + 0.01 * extract(day FROM d)) * CASE WHEN d >= '2026-01-01' THEN 1.5 ELSE 1 END, 'test'
FROM generate_series('2025-12-01'::date, '2026-01-20'::date, interval '1 day') d,
     (VALUES ('ASOF_US', 100.0), ('ASOF_EU', 40.0), ('ASOF_BM', 1000.0)) s(symbol, base)
WHERE extract(isodow FROM d) < 6;
INSERT INTO portfolio.fx_rates (day, base, quote, rate)
SELECT d, 'EUR', 'USD', CASE WHEN d >= '2026-01-02' THEN 1.30 ELSE 1.10 END
FROM generate_series('2025-12-01'::date, '2026-01-20'::date, interval '1 day') d;
INSERT INTO portfolio.portfolios (name, benchmark_symbol) VALUES ('asof full', 'ASOF_BM'), ('asof cut', 'ASOF_BM');
SELECT id AS full_id FROM portfolio.portfolios WHERE name = 'asof full' \gset
SELECT id AS cut_id FROM portfolio.portfolios WHERE name = 'asof cut' \gset
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount, currency) VALUES
    (:full_id, NULL,      '2025-12-01 14:00+00', 'deposit',    NULL, NULL, 20000, 'USD'),
    (:full_id, NULL,      '2025-12-01 14:00+00', 'deposit',    NULL, NULL, 5000, 'EUR'),
    (:full_id, 'ASOF_US', '2025-12-02 15:00+00', 'buy',        50, 102, NULL, NULL),
    (:full_id, 'ASOF_EU', '2025-12-03 15:00+00', 'buy',        40, 41.2, NULL, NULL),
    (:full_id, 'ASOF_US', '2025-12-15 15:00+00', 'sell',       20, 115, NULL, NULL),
    (:full_id, NULL,      '2025-12-19 10:00+00', 'withdrawal', NULL, NULL, 1000, 'USD'),
    (:full_id, 'ASOF_US', '2025-12-31 23:30+00', 'buy',        5, 131, NULL, NULL),     -- 31 Dec UTC: in
    (:full_id, 'ASOF_US', '2026-01-01 00:30+00', 'buy',        7, 131, NULL, NULL),     -- 1 Jan UTC: out
    (:full_id, 'ASOF_EU', '2026-01-05 15:00+00', 'sell',       40, 63, NULL, NULL),
    (:full_id, NULL,      '2026-01-06 10:00+00', 'deposit',    NULL, NULL, 3000, 'USD');
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount, currency)
SELECT :cut_id, instrument, executed_at, kind, quantity, price, amount, currency
FROM portfolio.transactions WHERE portfolio_id = :full_id AND executed_at < '2026-01-01 00:00+00';
SELECT is((SELECT count(*)::int FROM portfolio.transactions WHERE portfolio_id = :cut_id), 7,
          'the cut ledger holds the 7 transactions up to the end of 31 December (UTC)');

-- as of 2025-12-31: positions, cash and allocation of "full" equal those of "cut"
SET LOCAL portfolio.as_of = '2025-12-31';
SELECT results_eq(
    format($$SELECT instrument, quantity, average_cost, invested, market_price, price_at, price_stale,
                    market_value, unrealized_pl, realized_pl, income, fees, fx_rate, market_value_base, weight
             FROM portfolio.positions WHERE portfolio_id = %s ORDER BY instrument$$, :full_id),
    format($$SELECT instrument, quantity, average_cost, invested, market_price, price_at, price_stale,
                    market_value, unrealized_pl, realized_pl, income, fees, fx_rate, market_value_base, weight
             FROM portfolio.positions WHERE portfolio_id = %s ORDER BY instrument$$, :cut_id),
    'positions as of 31 December = positions of the ledger cut there');
-- 31 Dec 2025 is a Wednesday: closes 100 * 1.31 and 40 * 1.31; 50 - 20 + 5 = 35 ASOF_US
SELECT results_eq(
    format($$SELECT instrument, quantity, market_price, price_at, fx_rate FROM portfolio.positions
             WHERE portfolio_id = %s ORDER BY instrument$$, :full_id),
    $$VALUES ('ASOF_EU', 40::numeric, 52.400::numeric, '2025-12-31 00:00+00'::timestamptz, 1.10::numeric),
             ('ASOF_US', 35, 131.000, '2025-12-31 00:00+00', 1)$$,
    'as of 31 December: that day''s closes and rate, not the later ones; the trade at 00:30 UTC on 1 January not held');
SELECT results_eq(
    format('SELECT currency, balance, fx_rate, balance_base FROM portfolio.cash WHERE portfolio_id = %s ORDER BY currency', :full_id),
    format('SELECT currency, balance, fx_rate, balance_base FROM portfolio.cash WHERE portfolio_id = %s ORDER BY currency', :cut_id),
    'cash as of 31 December = cash of the cut ledger');
SELECT results_eq(
    format('SELECT dimension, bucket, market_value_base, weight FROM portfolio.allocation WHERE portfolio_id = %s ORDER BY 1, 2', :full_id),
    format('SELECT dimension, bucket, market_value_base, weight FROM portfolio.allocation WHERE portfolio_id = %s ORDER BY 1, 2', :cut_id),
    'allocation as of 31 December = allocation of the cut ledger');

-- refreshing while a session reports for a past day still computes up to today
CALL portfolio.refresh();
SELECT is((SELECT max(day) FROM portfolio.daily_series WHERE portfolio_id = :full_id),
          (SELECT least(portfolio.today(), greatest(max((t.executed_at AT TIME ZONE 'UTC')::date),
                                                    (SELECT max((q.ts AT TIME ZONE 'UTC')::date) FROM portfolio.quotes q
                                                     WHERE q.symbol IN (SELECT instrument FROM portfolio.transactions
                                                                        WHERE portfolio_id = :full_id))))
           FROM portfolio.transactions t WHERE t.portfolio_id = :full_id),
          'refresh() ignores portfolio.as_of: the stored days run to the last priced day');
SELECT is((SELECT max(day) FROM portfolio.portfolio_daily WHERE portfolio_id = :full_id), '2025-12-31'::date,
          'portfolio_daily ends on the as-of day');
SELECT results_eq(
    format($$SELECT day, market_value, securities_value, cash_value, cost_basis, deposits, withdrawals, realized_pl,
                    income, fees, unconverted, daily_return
             FROM portfolio.portfolio_daily WHERE portfolio_id = %s ORDER BY day$$, :full_id),
    format($$SELECT day, market_value, securities_value, cash_value, cost_basis, deposits, withdrawals, realized_pl,
                    income, fees, unconverted, daily_return
             FROM portfolio.portfolio_daily WHERE portfolio_id = %s ORDER BY day$$, :cut_id),
    'portfolio_daily as of 31 December = that of the cut ledger, day by day');
SELECT results_eq(
    format($$SELECT first_day, last_day, twr_since_inception, twr_ytd, twr_1y, annualized_return, volatility, sharpe,
                    sortino, max_drawdown, var_95, cvar_95, beta, alpha, tracking_error, xirr
             FROM portfolio.performance WHERE portfolio_id = %s$$, :full_id),
    format($$SELECT first_day, last_day, twr_since_inception, twr_ytd, twr_1y, annualized_return, volatility, sharpe,
                    sortino, max_drawdown, var_95, cvar_95, beta, alpha, tracking_error, xirr
             FROM portfolio.performance WHERE portfolio_id = %s$$, :cut_id),
    'performance as of 31 December = that of the cut ledger');
SELECT is((SELECT last_day FROM portfolio.performance WHERE portfolio_id = :full_id), '2025-12-31'::date,
          'performance ends on the as-of day');
SELECT results_eq(
    format('SELECT * FROM portfolio.pnl_breakdown(%s, %L, %L)', :full_id, '2025-12-01', '2025-12-31'),
    format('SELECT * FROM portfolio.pnl_breakdown(%s, %L, %L)', :cut_id, '2025-12-01', '2025-12-31'),
    'the December P/L breakdown as of 31 December = that of the cut ledger');
SELECT results_eq(
    format('SELECT month, end_value FROM portfolio.pnl_monthly WHERE portfolio_id = %s ORDER BY month', :full_id),
    format('SELECT month, end_value FROM portfolio.pnl_monthly WHERE portfolio_id = %s ORDER BY month', :cut_id),
    'pnl_monthly as of 31 December: December only, equal');
SELECT results_eq(
    $$SELECT symbol, last_quote_at FROM portfolio.data_quality WHERE symbol LIKE 'ASOF%' ORDER BY symbol$$,
    $$VALUES ('ASOF_BM', '2025-12-31 00:00+00'::timestamptz), ('ASOF_EU', '2025-12-31 00:00+00'), ('ASOF_US', '2025-12-31 00:00+00')$$,
    'data_quality as of 31 December: the last quote of that day');
SELECT is((SELECT count(*)::int FROM portfolio.data_quality_positions WHERE portfolio_id = :full_id AND NOT ok), 0,
          'as of 31 December nothing is stale (the quotes are that day''s)');
SELECT results_eq(
    format($$SELECT symbol, side, quantity FROM portfolio.rebalance(%s, '{"ASOF_US": 0.5, "ASOF_EU": 0.5}')$$, :full_id),
    format($$SELECT symbol, side, quantity FROM portfolio.rebalance(%s, '{"ASOF_US": 0.5, "ASOF_EU": 0.5}')$$, :cut_id),
    'rebalance as of 31 December = that of the cut ledger');

-- as of 5 January (a Monday) the ledgers differ: the test above could fail
SET LOCAL portfolio.as_of = '2026-01-05';
SELECT results_eq(
    format($$SELECT instrument, quantity, market_price FROM portfolio.positions WHERE portfolio_id = %s ORDER BY instrument$$, :full_id),
    $$VALUES ('ASOF_EU', 0::numeric, 63.000::numeric), ('ASOF_US', 42, 157.5)$$,
    'as of 5 January: the later trades and closes (100 * 1.05 * 1.5 = 157.5)');
SELECT isnt((SELECT market_value FROM portfolio.portfolio_daily WHERE portfolio_id = :full_id AND day = '2026-01-05'),
            (SELECT market_value FROM portfolio.portfolio_daily WHERE portfolio_id = :cut_id AND day = '2026-01-05'),
            'as of 5 January the full ledger is worth something else');

-- without a setting every view reports for today
RESET portfolio.as_of;
SELECT is((SELECT max(day) FROM portfolio.portfolio_daily WHERE portfolio_id = :full_id),
          (SELECT max(day) FROM portfolio.daily_series WHERE portfolio_id = :full_id),
          'without portfolio.as_of, portfolio_daily runs to the last stored (priced) day, cutting nothing');

SELECT * FROM finish();
ROLLBACK;
