-- portfolio.position: text and binary forms, accessors, argument errors, and pg_cron absent.
SET TimeZone = 'UTC';
\i sql/include/fresh_install.sql
CREATE TEMP TABLE ledger (t timestamptz, k portfolio.txn_kind, q numeric, p numeric, f numeric);
INSERT INTO ledger VALUES
    ('2024-01-02', 'buy', 10, 100, 5),        -- cost 1,005
    ('2024-01-03', 'buy', 5, 110.50, 0),      -- cost 552.50
    ('2024-02-01', 'sell', 4, 120, 3),        -- proceeds 477, FIFO cost 4/10 * 1,005 = 402: +75
    ('2024-03-15', 'dividend', NULL, 11, 1.65),  -- 11 gross, 1.65 withheld
    ('2024-06-10', 'split', 2, NULL, 0),      -- 2-for-1: 22 shares, cost 1,155.50
    ('2024-07-01', 'fee', NULL, NULL, 2.5);
CREATE TEMP TABLE pos AS
SELECT portfolio.position_agg(t, k, q, p, f ORDER BY t) AS p FROM ledger;
SELECT p FROM pos;
SELECT portfolio.quantity(p), portfolio.cost_basis(p), portfolio.average_cost(p), portfolio.realized_pl(p),
       portfolio.income(p), portfolio.fees(p), portfolio.transaction_count(p), portfolio.cost_method(p),
       portfolio.market_value(p, 60), portfolio.unrealized_pl(p, 60)
FROM pos;
SELECT * FROM portfolio.open_lots((SELECT p FROM pos));
-- text round trip, and the stored form starts with its version byte
SELECT p::text::portfolio.position::text = p::text AS text_round_trip,
       get_byte(portfolio.position_send(p), 0) AS format_version FROM pos;
-- binary round trip through COPY (send/recv)
SELECT '/tmp/pg_portfolio_position_' || current_setting('port') || '.bin' AS binfile \gset
COPY pos TO :'binfile' (FORMAT binary);
CREATE TEMP TABLE pos2 (p portfolio.position);
COPY pos2 FROM :'binfile' (FORMAT binary);
SELECT (SELECT p::text FROM pos2) = (SELECT p::text FROM pos) AS binary_round_trip;
-- nothing held: no average cost; an empty set: NULL
SELECT portfolio.average_cost(portfolio.position_agg(t, k, q, p, f ORDER BY t)) IS NULL AS no_average
FROM (VALUES ('2024-01-02'::timestamptz, 'buy'::portfolio.txn_kind, 1::numeric, 10::numeric, 0::numeric),
             ('2024-01-03', 'sell', 1, 12, 0)) v(t, k, q, p, f);
SELECT portfolio.position_agg(t, k, q, p, f) IS NULL AS empty_is_null FROM ledger WHERE false;
-- a running position per transaction (the aggregate as a window function)
SELECT t, k, portfolio.quantity(portfolio.position_agg(t, k, q, p, f) OVER w) AS held,
       portfolio.realized_pl(portfolio.position_agg(t, k, q, p, f) OVER w) AS realized
FROM ledger WINDOW w AS (ORDER BY t ROWS UNBOUNDED PRECEDING) ORDER BY t;

-- errors
SELECT portfolio.position_agg(t, k, q, p, f, 'fofi' ORDER BY t) FROM ledger;
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.position_agg(t, k, q, p, f ORDER BY t DESC) FROM ledger;
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.position_agg(t, k, q, p, f ORDER BY t)
FROM (VALUES ('2024-01-02'::timestamptz, 'buy'::portfolio.txn_kind, 1::numeric, 1e30::numeric, 0::numeric)) v(t, k, q, p, f);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.position_agg(t, k, q, p, f ORDER BY t)
FROM (VALUES ('2024-01-02'::timestamptz, 'buy'::portfolio.txn_kind, 1::numeric, 'NaN'::numeric, 0::numeric)) v(t, k, q, p, f);
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.position_agg(t, k, q, p, f ORDER BY t)
FROM (VALUES ('2024-01-02'::timestamptz, 'buy'::portfolio.txn_kind, 1::numeric, 10::numeric, 0::numeric),
             ('2024-01-03', 'sell', 1.5, 10, 0)) v(t, k, q, p, f);
\echo :LAST_ERROR_SQLSTATE
SELECT 'method=fifo quantity=2 cost_basis=10 realized_pl=0 income=0 fees=0 transactions=1 lots=2024-01-01T00:00:00Z/1/10'::portfolio.position;
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.position_agg(t, k, q, p, f ORDER BY t)
FROM (VALUES (NULL::timestamptz, 'buy'::portfolio.txn_kind, 1::numeric, 10::numeric, 0::numeric)) v(t, k, q, p, f);
\echo :LAST_ERROR_SQLSTATE
-- 12 decimals: a third of 301 is rounded half away from zero, once; the last share takes the rest
SELECT portfolio.cost_basis(portfolio.position_agg(t, k, q, p, f ORDER BY t)) AS left_after_one,
       portfolio.average_cost(portfolio.position_agg(t, k, q, p, f ORDER BY t)) AS unit
FROM (VALUES ('2024-01-02'::timestamptz, 'buy'::portfolio.txn_kind, 3::numeric, 100::numeric, 1::numeric),
             ('2024-01-03', 'sell', 1, 0, 0)) v(t, k, q, p, f);
SELECT portfolio.cost_basis(portfolio.position_agg(t, k, q, p, f ORDER BY t)) AS left_after_all,
       portfolio.realized_pl(portfolio.position_agg(t, k, q, p, f ORDER BY t)) AS realized
FROM (VALUES ('2024-01-02'::timestamptz, 'buy'::portfolio.txn_kind, 3::numeric, 100::numeric, 1::numeric),
             ('2024-01-03', 'sell', 1, 0, 0), ('2024-01-04', 'sell', 2, 0, 0)) v(t, k, q, p, f);

-- pg_cron is not installed in this database: scheduling says how to enable it; the rest works
SELECT portfolio.schedule_refresh();
\echo :LAST_ERROR_SQLSTATE
SELECT portfolio.unschedule_refresh() AS jobs_removed;
CALL portfolio.refresh();
SELECT view_name, error IS NULL AS ok FROM portfolio.refresh_log ORDER BY id DESC LIMIT 1;

-- Order-dependent: no combine function, so neither parallel workers nor partitionwise aggregation
-- can split one position; a ledger spread over two partitions still gives the serial answer.
SELECT count(*) AS overloads, bool_and(aggcombinefn = 0) AS no_combine, bool_and(aggfinalmodify = 'r') AS final_read_only
FROM pg_aggregate WHERE aggfnoid::regproc::text = 'portfolio.position_agg';
CREATE TEMP TABLE split_ledger (t timestamptz, k portfolio.txn_kind, q numeric, p numeric, f numeric)
    PARTITION BY RANGE (t);
CREATE TEMP TABLE split_ledger_1 PARTITION OF split_ledger FOR VALUES FROM ('2024-01-01') TO ('2024-01-04');
CREATE TEMP TABLE split_ledger_2 PARTITION OF split_ledger FOR VALUES FROM ('2024-01-04') TO ('2025-01-01');
INSERT INTO split_ledger VALUES ('2024-01-02', 'buy', 100, 95, 0), ('2024-01-03', 'buy', 200, 105, 0),
                                ('2024-01-04', 'buy', 100, 107, 0), ('2024-02-01', 'sell', 150, 110, 0);
SET enable_partitionwise_aggregate = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT portfolio.realized_pl(portfolio.position_agg(t, k, q, p, f ORDER BY t)) AS fifo_across_partitions FROM split_ledger;
RESET enable_partitionwise_aggregate;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
