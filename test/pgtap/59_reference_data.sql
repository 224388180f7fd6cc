-- Reference data has an owner (issue 14): owners read instruments and ask for new ones through
-- instrument_requests (row-level security: each sees their own); a portfolio_loader approves,
-- rejects and corrects, and a corrected currency reaches every position that uses it. Partitions:
-- the made-ahead window's warning a week before its end. The stored types' equality.
BEGIN;
SELECT plan(51);
SET LOCAL TimeZone = 'UTC';
SET LOCAL portfolio.as_of = '2024-01-10';   -- a pinned report day, not the wall clock

CREATE ROLE pgp_rd_alice NOLOGIN;
CREATE ROLE pgp_rd_bob NOLOGIN;
CREATE ROLE pgp_rd_loader NOLOGIN;
GRANT portfolio_user TO pgp_rd_alice, pgp_rd_bob;
GRANT portfolio_loader TO pgp_rd_loader;
SELECT portfolio.ensure_quote_partitions('2024-01-01', '2024-01-31') AS _made \gset
INSERT INTO portfolio.portfolios (name, owner, base_currency) VALUES ('rd bob', 'pgp_rd_bob', 'USD');
SELECT id AS bob_id FROM portfolio.portfolios WHERE name = 'rd bob' \gset

-- --- owners: read instruments, never write them; ask instead -------------------------------
SET LOCAL ROLE pgp_rd_alice;
SELECT throws_ok($$INSERT INTO portfolio.instruments (symbol, currency) VALUES ('RDNV', 'JPY')$$,
                 '42501', NULL, 'alice: cannot insert an instrument (the repro of issue 14)');
SELECT throws_ok($$UPDATE portfolio.instruments SET currency = 'JPY'$$, '42501', NULL, 'alice: cannot change instruments');
SELECT lives_ok($$INSERT INTO portfolio.instrument_requests (symbol, currency, name, note)
                  VALUES ('RDNV', 'JPY', 'Nvidia (wrong currency)', 'for my US book')$$, 'alice: requests RDNV');
SELECT throws_ok($$INSERT INTO portfolio.instrument_requests (symbol, currency, status) VALUES ('RDX', 'USD', 'approved')$$,
                 '42501', NULL, 'alice: cannot write the decision columns');
SELECT throws_ok($$INSERT INTO portfolio.instrument_requests (symbol, currency) VALUES ('RDNV', 'USD')$$,
                 '23505', NULL, 'alice: one open request per symbol');
SELECT throws_ok($$INSERT INTO portfolio.instrument_requests (symbol, currency) VALUES ('RDY', 'usd')$$,
                 '23514', NULL, 'a request''s currency is three capitals');
SELECT is((SELECT string_agg(symbol || ' ' || currency || ' ' || status || ' ' || requested_by, ', ') FROM portfolio.instrument_requests),
          'RDNV JPY pending pgp_rd_alice', 'alice sees her request, pending');
SELECT id AS req_id FROM portfolio.instrument_requests WHERE symbol = 'RDNV' \gset
SELECT throws_ok(format('SELECT portfolio.approve_instrument_request(%s)', :req_id), '42501', NULL,
                 'alice: cannot approve her own request');
RESET ROLE;
SET LOCAL ROLE pgp_rd_bob;
SELECT is((SELECT count(*) FROM portfolio.instrument_requests), 0::bigint, 'bob does not see alice''s request');
SELECT results_eq(format('WITH d AS (DELETE FROM portfolio.instrument_requests WHERE id = %s RETURNING 1) SELECT count(*) FROM d', :req_id),
                  ARRAY[0::bigint], 'bob cannot withdraw alice''s request');
RESET ROLE;

-- --- the loader decides ----------------------------------------------------------------------
SET LOCAL ROLE pgp_rd_loader;
SELECT is((SELECT count(*) FROM portfolio.instrument_requests WHERE status = 'pending'), 1::bigint, 'the loader sees every request');
SELECT is(portfolio.approve_instrument_request(:req_id, 'as asked'), 'RDNV', 'the loader approves: returns the symbol');
SELECT is((SELECT currency FROM portfolio.instruments WHERE symbol = 'RDNV'), 'JPY', 'the instrument exists as requested');
SELECT is((SELECT status || ' ' || decided_by || ' ' || decision FROM portfolio.instrument_requests WHERE id = :req_id),
          'approved pgp_rd_loader as asked', 'the request says who approved it');
SELECT throws_ok(format('SELECT portfolio.approve_instrument_request(%s)', :req_id), '55000', NULL, 'approving twice: 55000');
SELECT throws_ok('SELECT portfolio.approve_instrument_request(-1)', '22023', 'instrument request -1 not found', 'an unknown request: 22023');
SELECT throws_ok('SELECT portfolio.approve_instrument_request(NULL)', '22004', NULL, 'no request id: 22004');
SELECT throws_ok('SELECT * FROM portfolio.transactions', '42501', NULL, 'the loader reads no ledger');
SELECT lives_ok($$INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES ('RDNV', '2024-01-08 00:00+00', 500, 'test')$$,
                'the loader writes quotes');
SELECT lives_ok($$INSERT INTO portfolio.fx_rates (day, base, quote, rate) VALUES ('2024-01-08', 'USD', 'JPY', 145)$$,
                'the loader writes FX rates');
SELECT is(portfolio.ensure_quote_partitions('2001-03-01', '2001-04-30'), 2, 'the loader makes partitions');
RESET ROLE;

-- bob buys it: stamped JPY, as the instrument says
SET LOCAL ROLE pgp_rd_bob;
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price)
VALUES (:bob_id, 'RDNV', '2024-01-08 15:00+00', 'buy', 2, 480);
SELECT is((SELECT currency || ' ' || quantity FROM portfolio.positions WHERE instrument = 'RDNV'), 'JPY 2', 'bob''s position is in JPY, the wrong currency');
SELECT is((SELECT string_agg(currency || ' ' || balance, ', ') FROM portfolio.cash), 'JPY -960', 'bob''s cash moved in JPY');
RESET ROLE;

-- the loader corrects the instrument: every position that uses it follows
SET LOCAL ROLE pgp_rd_loader;
UPDATE portfolio.instruments SET currency = 'USD' WHERE symbol = 'RDNV';
RESET ROLE;
SET LOCAL ROLE pgp_rd_bob;
SELECT is((SELECT currency || ' ' || quantity || ' ' || market_value FROM portfolio.positions WHERE instrument = 'RDNV'),
          'USD 2 1000', 'after the correction bob''s position is in USD (2 x 500)');
SELECT is((SELECT string_agg(currency || ' ' || balance, ', ') FROM portfolio.cash), 'USD -960', 'and his cash too');
SELECT is((SELECT string_agg(DISTINCT currency, ',') FROM portfolio.transactions WHERE instrument = 'RDNV'), 'USD',
          'his transactions are restamped');
SELECT lives_ok(format($$INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price)
                         VALUES (%s, 'RDNV', '2024-01-09 15:00+00', 'sell', 1, 510)$$, :bob_id), 'and he trades on in USD');
SELECT is((SELECT currency FROM portfolio.transactions WHERE instrument = 'RDNV' AND kind = 'sell'), 'USD', 'stamped USD');
RESET ROLE;

-- a request for a symbol that exists in another currency, and a rejection
SET LOCAL ROLE pgp_rd_alice;
INSERT INTO portfolio.instrument_requests (symbol, currency) VALUES ('RDNV', 'EUR'), ('RDZZ', 'USD');
SELECT id AS clash_id FROM portfolio.instrument_requests WHERE symbol = 'RDNV' AND status = 'pending' \gset
SELECT id AS zz_id FROM portfolio.instrument_requests WHERE symbol = 'RDZZ' \gset
RESET ROLE;
SET LOCAL ROLE pgp_rd_loader;
SELECT throws_ok(format('SELECT portfolio.approve_instrument_request(%s)', :clash_id), '23505',
                 'instrument RDNV exists already, in USD, not EUR', 'a clash with an existing instrument: 23505');
SELECT lives_ok(format($$SELECT portfolio.reject_instrument_request(%s, 'RDNV trades in USD')$$, :clash_id), 'the loader rejects it');
RESET ROLE;
SET LOCAL ROLE pgp_rd_alice;
SELECT is((SELECT status || ': ' || decision FROM portfolio.instrument_requests WHERE id = :clash_id), 'rejected: RDNV trades in USD',
          'alice reads the reason');
SELECT results_eq(format('WITH d AS (DELETE FROM portfolio.instrument_requests WHERE id IN (%s, %s) RETURNING 1) SELECT count(*) FROM d', :zz_id, :clash_id),
                  ARRAY[1::bigint], 'alice withdraws her pending request, not a decided one');
SELECT throws_ok($$SELECT portfolio.ensure_quote_partitions('2001-05-01', '2001-05-31')$$, '42501', NULL,
                 'an owner cannot make partitions');
RESET ROLE;

-- grants: exactly these
SELECT is((SELECT string_agg(column_name::text, ',' ORDER BY column_name) FROM information_schema.column_privileges
           WHERE table_schema = 'portfolio' AND table_name = 'instrument_requests' AND grantee = 'portfolio_user'
             AND privilege_type = 'INSERT'),
          'asset_class,currency,exchange,name,note,sector,symbol', 'owners insert the request''s columns only');
SELECT set_eq($$SELECT table_name || ' ' || privilege_type FROM information_schema.role_table_grants
                WHERE table_schema = 'portfolio' AND grantee = 'portfolio_loader'$$,
              $$SELECT t || ' ' || p FROM unnest(ARRAY['instruments', 'quotes', 'fx_rates']) t,
                       unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p
                UNION ALL VALUES ('quotes_rejected SELECT'), ('quotes_rejected INSERT'),
                                 ('instrument_requests SELECT'), ('instrument_requests UPDATE')$$,
              'the loader''s table grants are exactly the documented ones');

-- --- partitions: the made-ahead window (2001-03 and 2001-04 exist, 2001-05 does not) -----------
SELECT is((SELECT status || ' ' || days_left FROM portfolio.quote_partition_window('2001-04-23')), 'ok 8', '8 days before the window ends: ok');
SELECT is((SELECT status || ' ' || days_left FROM portfolio.quote_partition_window('2001-04-24')), 'warn 7', 'a week before: warn');
SELECT is((SELECT status || ' ' || days_left || ' ' || detail FROM portfolio.quote_partition_window('2001-04-25')),
          'warn 6 partitions made ahead up to 2001-04-30, 6 days from 2001-04-25: SELECT portfolio.maintain_quote_partitions()',
          '6 days before: warn, saying how to fix it');
SELECT is((SELECT status || ' ' || window_end FROM portfolio.quote_partition_window('2001-05-02')), 'error 2001-05-01', 'past the end: error');
SELECT throws_ok($$SELECT * FROM portfolio.quote_partition_window('infinity')$$, '22023', NULL, 'an infinite day: 22023');
SELECT results_eq($$SELECT status, detail FROM portfolio.health WHERE area = 'partition_window'$$,
                  $$SELECT status, detail FROM portfolio.quote_partition_window(portfolio.today())$$,
                  'health reports the window for today');

-- --- equality of the stored types -------------------------------------------------------------
CREATE TEMP TABLE rd_returns AS
SELECT k, (g % 5) / 100.0 - 0.02 AS r FROM generate_series(1, 3) k, generate_series(1, 20 + k) g;
CREATE TEMP TABLE rd_summaries AS
SELECT k, portfolio.return_stats(r) AS rs, portfolio.pair_stats(r, r / 2) AS ps, portfolio.quantile_sketch(r) AS qs,
       portfolio.position_agg('2024-01-01'::timestamptz + k * interval '1 day', 'buy', k::numeric, 10, 0) AS pos
FROM rd_returns GROUP BY k;
-- every summary twice: 6 rows, 3 values of each type
CREATE TEMP VIEW rd_twice AS SELECT * FROM rd_summaries UNION ALL SELECT * FROM rd_summaries;
SELECT is((SELECT count(*) FROM (SELECT DISTINCT rs FROM rd_twice) d), 3::bigint, 'DISTINCT return_summary: 3 of 6');
SELECT is((SELECT count(*) FROM (SELECT DISTINCT ps FROM rd_twice) d), 3::bigint, 'DISTINCT pair_summary: 3 of 6');
SELECT is((SELECT count(*) FROM (SELECT DISTINCT qs FROM rd_twice) d), 3::bigint, 'DISTINCT quantile_sketch: 3 of 6');
SELECT is((SELECT count(*) FROM (SELECT DISTINCT pos FROM rd_twice) d), 3::bigint, 'DISTINCT position: 3 of 6');
SELECT is((SELECT count(*) FROM (SELECT rs, ps, qs, pos FROM rd_summaries UNION SELECT rs, ps, qs, pos FROM rd_summaries
                                 UNION SELECT rs, ps, qs, pos FROM rd_summaries WHERE k = 1) u), 3::bigint, 'UNION of all four types: 3 rows');
SELECT is((SELECT string_agg(n::text, ',' ORDER BY n) FROM (SELECT count(*) AS n FROM rd_twice GROUP BY rs, ps, qs, pos) g),
          '2,2,2', 'GROUP BY all four types: 3 groups of 2');
SELECT is((SELECT count(*) FROM rd_summaries a JOIN rd_summaries b ON a.rs OPERATOR(portfolio.=) b.rs
                                                    AND a.qs OPERATOR(portfolio.=) b.qs
                                                    AND a.pos OPERATOR(portfolio.<>) b.pos), 0::bigint,
          'equal summaries of one row never pair with another row''s position');
SELECT is((SELECT count(*) FROM rd_summaries a JOIN rd_summaries b ON a.ps OPERATOR(portfolio.<>) b.ps), 6::bigint, '<>: 3 x 3 - 3');
-- the same value in different bytes: -0 and 0
SELECT ok('(version:1,n:1,mean:-0,m2:0,m3:-0,m4:0,log_growth:0,log_growth_error:-0,total_losses:0)'::portfolio.return_summary
          OPERATOR(portfolio.=) '(version:1,n:1,mean:0,m2:0,m3:0,m4:0,log_growth:0,log_growth_error:0,total_losses:0)'::portfolio.return_summary
          AND portfolio.return_summary_hash('(version:1,n:1,mean:-0,m2:0,m3:-0,m4:0,log_growth:0,log_growth_error:-0,total_losses:0)')
              = portfolio.return_summary_hash('(version:1,n:1,mean:0,m2:0,m3:0,m4:0,log_growth:0,log_growth_error:0,total_losses:0)'),
          '-0 = 0, with the same hash');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'portfolio'::regnamespace AND proleakproof
             AND provolatile = 'i' AND proisstrict AND proparallel = 's'
             AND proname ~ '^(return_summary|pair_summary|quantile_sketch|position)_(eq|ne|hash)$'), 12::bigint,
          'the 12 equality and hash functions are IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF');

SELECT * FROM finish();
ROLLBACK;
