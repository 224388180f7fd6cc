-- pg_portfolio upgrade from 0.1 to 0.2, written by hand.
--
-- Rules for this file (docs/operations.md "Upgrading", test/suites/upgrade.sh):
--   * Every change to src/sql/*.sql since 0.1 (commit 83d85d6) has its step here, so that
--     0.1 + this script ends with exactly the objects of a fresh 0.2 install; the upgrade test
--     diffs the two catalogs and fails on any difference.
--   * A step that (re)creates an object as src/sql now defines it names it instead of copying
--     it: "-- @include NN_piece.sql: KIND NAME" (a new object), "-- @replace ...: KIND NAME"
--     (CREATE OR REPLACE of one that exists), "-- @include NN_piece.sql" (a new piece, whole).
--     scripts/upgrade_sql.py writes the definitions in at build time (its header lists the kinds).
--     Write out by hand only what a piece does not say: ALTERs, DROPs, data moves, checks.
--     Until 0.2 is released the built script follows the pieces; at the release it is frozen.
--   * One section per change, headed by a comment saying which change (issue) it belongs to and
--     why; append new sections at the end, in the order the changes landed.
--   * Never change users' rows silently: data that 0.2 would refuse stops the upgrade with an
--     error naming the rows (section "Data checks"), so the user fixes them and runs it again.
--   * The script runs in one transaction: an error anywhere leaves 0.1 exactly as it was.
\echo Use "ALTER EXTENSION pg_portfolio UPDATE TO '0.2'" to load this file. \quit

-- === Data checks (run first, before anything changes) ========================================
-- When a change makes 0.2 refuse rows that 0.1 accepted, put its check here as a DO block that
-- collects the offending rows and raises, like:
--
--   DO $check$
--   DECLARE bad text;
--   BEGIN
--       SELECT string_agg(format('transaction %s (portfolio %s)', id, portfolio_id), ', ')
--         INTO bad FROM portfolio.transactions WHERE <the new rule is broken>;
--       IF bad IS NOT NULL THEN
--           RAISE EXCEPTION 'pg_portfolio 0.2 refuses these rows: %', bad
--               USING ERRCODE = 'check_violation',
--                     HINT = 'Correct or delete them, then run ALTER EXTENSION pg_portfolio UPDATE again.';
--       END IF;
--   END
--   $check$;
--
-- and a case in test/suites/upgrade.sh that proves the upgrade stops and names the rows.

-- 0.2 validates holdings when they are written (issue 18): a ledger that sells more than it holds
-- at some point is refused, naming the positions.
DO $check$
DECLARE
    bad text := NULL;
    pos record;
BEGIN
    FOR pos IN SELECT DISTINCT t.portfolio_id, t.instrument FROM portfolio.transactions t
               WHERE t.instrument IS NOT NULL ORDER BY 1, 2 LOOP
        BEGIN
            PERFORM portfolio.position_agg(t.executed_at, t.kind,
                        CASE WHEN t.kind IN ('dividend', 'interest') THEN NULL ELSE t.quantity END,
                        CASE WHEN t.kind IN ('dividend', 'interest') THEN t.amount ELSE t.price END,
                        t.fees, p.cost_method
                        ORDER BY t.executed_at,
                                 CASE t.kind WHEN 'split' THEN 0 WHEN 'buy' THEN 1 WHEN 'transfer_in' THEN 1
                                             WHEN 'sell' THEN 3 WHEN 'transfer_out' THEN 3 ELSE 2 END, t.id)
            FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
            WHERE t.portfolio_id = pos.portfolio_id AND t.instrument = pos.instrument;
        EXCEPTION WHEN SQLSTATE 'PF001' THEN
            bad := concat_ws('; ', bad, format('portfolio %s, instrument %s: %s', pos.portfolio_id, pos.instrument, SQLERRM));
        END;
    END LOOP;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'pg_portfolio 0.2 refuses these rows: %', bad
            USING ERRCODE = 'check_violation',
                  HINT = 'Correct or delete them, then run ALTER EXTENSION pg_portfolio UPDATE again.';
    END IF;
END
$check$;

-- === Releases (issue 13) ======================================================================
-- Versioning itself changes no SQL object: portfolio.version() reports the library's version,
-- which the 0.2 build compiles in from pg_portfolio.control. Nothing to do.

-- === One "today" and as-of dates (issue 12) ===================================================
-- Every date-dependent object takes its day from portfolio.today() (the UTC date) or, for what
-- users read, portfolio.as_of() (the setting portfolio.as_of, else today); partition upkeep and
-- health share quote_partition_months(). src/sql/29_today.sql and the pieces named below.

-- 29_today.sql: new (the reasons are written there)
-- @include 29_today.sql: routine portfolio.today

-- PL/pgSQL for the message: an unset or RESET setting reads as '' (or NULL before any SET).
-- No exception block (a subtransaction is not allowed in a parallel worker): the format is
-- checked by pattern, and an impossible day such as 2025-02-30 fails in the cast itself (22008).
-- @include 29_today.sql: routine portfolio.as_of

-- The first instant after the as-of day: views see transactions and quotes strictly before it.
-- @include 29_today.sql: routine portfolio.as_of_cutoff

-- The instant ages are measured from: now, or the end of the as-of day when that is earlier
-- (a quote's age and the fetcher's rejections "in the last day" as of a past date).
-- @include 29_today.sql: routine portfolio.as_of_instant

-- 30_quotes.sql: one bound for a plausible history (also benchmark_daily_returns', below); month
-- arithmetic without the session's time zone; the months to keep, and their upkeep
-- The longest range of days a quote history can plausibly span (200 years). Longer ranges are
-- typing mistakes ('4713-01-01 BC'): functions that make a row or a partition per day or month
-- refuse them at once instead of running until statement_timeout.
-- @include 30_quotes.sql: routine portfolio.max_history_days

-- @comment 30_quotes.sql: routine portfolio.ensure_quote_partitions

-- The months whose partitions must exist at any time: today's (UTC) and the next three. The one
-- definition behind both the upkeep (maintain_quote_partitions, the pg_cron job) and the check
-- (portfolio.health), so the two agree on every day and in every session time zone.
-- @include 30_quotes.sql: routine portfolio.quote_partition_months

-- @include 30_quotes.sql: routine portfolio.maintain_quote_partitions

-- 50_positions.sql: cash and positions up to the as-of day (same columns)

-- @comment 57_positions.sql: relation portfolio.cash

-- @comment 57_positions.sql: relation portfolio.positions

-- 52_daily_values.sql: the materialized view's days ran to current_date; it is replaced by a
-- table in the valuation engine's section below, which also points portfolio_daily at today().

-- 56_refresh.sql: the partition job is maintain_quote_partitions(), hourly

COMMENT ON FUNCTION portfolio.schedule_refresh(text, interval) IS
    'schedules portfolio.refresh(), partition upkeep and a purge of cron history with pg_cron (idempotent)';
-- a database that has the jobs already gets the new partition job now (same name: updated in place)
-- (dynamic SQL: without pg_cron there is no cron.job to plan a query against)
DO $upgrade$
BEGIN
    IF to_regclass('cron.job') IS NOT NULL THEN
        EXECUTE $q$SELECT cron.schedule('pg_portfolio_partitions', '17 * * * *',
                                        'SELECT portfolio.maintain_quote_partitions()')
                   FROM cron.job WHERE jobname = 'pg_portfolio_partitions'$q$;
    END IF;
END
$upgrade$;

-- 62_quality.sql: staleness and the quality view as of the as-of day; quarantine_summary gets an
-- upper bound (the one-argument form stays, meaning "until now")
-- @replace 49_staleness.sql: routine portfolio.quote_is_stale

-- @include 62_quality.sql: routine portfolio.quarantine_summary(timestamptz, timestamptz)
-- @replace 62_quality.sql: routine portfolio.quarantine_summary(timestamptz)

-- @replace 62_quality.sql: relation portfolio.data_quality

-- 64_health.sql: the partition months by the upkeep's own definition

-- 68_rebalance.sql: prices up to the as-of day
-- @replace 68_rebalance.sql: routine portfolio.rebalance

-- === Hardening, first part (issue 14) =========================================================
-- 60_live.sql: a refresh notification says whether each view failed, never the error text (any
-- role may LISTEN, and the text names a portfolio, an instrument and a trade)

-- 64_health.sql: health calls cron_job_state() with the reader's own EXECUTE right
GRANT EXECUTE ON FUNCTION portfolio.cron_job_state() TO portfolio_reader;

-- 62_quality.sql: business days by arithmetic (any span at once); an infinite bound is an error
-- @replace 49_staleness.sql: routine portfolio.business_days_between

-- 55_performance.sql: no benchmark series over millennia
-- @replace 55_performance.sql: routine portfolio.benchmark_daily_returns

-- 54_pnl.sql: a portfolio the caller cannot see is "not found", not a row of zeros
-- @replace 54_pnl.sql: routine portfolio.pnl_breakdown

-- 64_health.sql: health tells whether pg_cron is there from the catalogs (to_regclass of a cron
-- table raised for a reader without USAGE on schema cron)
-- Whether pg_cron's tables are in this database, read from the catalogs: to_regclass('cron.x')
-- raises for a role without USAGE on schema cron (a BI role reading health); a catalog read does not.
-- @include 64_health.sql: routine portfolio.pg_cron_installed

-- === Hardening part 2 (issue 14: reference data owners, partitions ahead, type equality) ======
-- 30_quotes.sql: a new partition is made as a table and attached (SHARE UPDATE EXCLUSIVE on
-- quotes, which readers do not wait for or queue behind); SECURITY DEFINER for portfolio_loader
-- DDL that never queues readers: each partition is made as a table of its own, then attached.
-- ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on portfolio.quotes, which neither readers
-- (ACCESS SHARE) nor writers (ROW EXCLUSIVE) conflict with, so it neither waits for a long
-- dashboard query nor makes the queries after it wait; CREATE TABLE ... PARTITION OF would take
-- ACCESS EXCLUSIVE, wait behind the long query, and queue every new reader behind itself. (Only
-- VACUUM, ANALYZE and other DDL on quotes can still make it wait: callers set a lock_timeout.)
-- SECURITY DEFINER: creating and attaching a partition needs the owner of portfolio.quotes; it is
-- granted to portfolio_loader (the fetcher's role), not to PUBLIC (58_security.sql).

-- 42_type_equality.sql: new (= and <> with hash operator classes for the four stored types)
-- @include 42_type_equality.sql

-- 59_reference_data.sql: new (portfolio_loader, instrument requests, currency corrections)
-- @include 59_reference_data.sql

-- 64_health.sql: a week's warning before the made-ahead quote partitions run out
-- How far ahead quote partitions exist, seen from on_day: the made-ahead window runs from on_day's
-- month to the first month after it without a partition. ok while that is more than 7 days away;
-- warn within the last week (the pg_portfolio_partitions job, which keeps 3 months ahead, has not
-- run for months: a loader would soon have to create a partition itself); error when on_day's own
-- month has none. health reads it for today(); tests ask for any day.
-- @include 64_health.sql: routine portfolio.quote_partition_window

COMMENT ON VIEW portfolio.health IS
    'operators: last refresh per view, last fetch per provider, pg_cron jobs, quote partitions for this month and the next 3, and how far ahead they are made';

-- === The daily valuation engine (issue 18) ====================================================
-- Holdings are validated at commit; the materialized view portfolio_daily_mv becomes the table
-- daily_series, kept incrementally (valuation_queue) and recomputed per portfolio by refresh();
-- performance's statistics run over trading days. The data check at the top refuses an upgrade
-- of a ledger that oversells. The series is computed at the end of this section (as long as a
-- full refresh takes), so portfolio_daily is never empty after the upgrade.

-- 41_position.sql: the same-instant order and the label of an oversell
-- The order of a position's transactions: by executed_at, then, at the same instant, splits first
-- (a split takes effect at the start of its day: a trade on the ex-date is at the new ratio), then
-- what adds shares (buy, transfer_in), then income and fees, then what removes them (sell,
-- transfer_out); then by id. A date-only import thus books a day's buys before its sells, in
-- whatever order it inserted them. Every ORDER BY of position_agg over the ledger uses it.
-- @include 41_position.sql: routine portfolio.same_time_order

-- How an oversell error names the position: 'portfolio 3 (Main), instrument AAPL'.
-- @include 41_position.sql: routine portfolio.position_label

-- 50_positions.sql: positions in that order

-- 51_holdings_check.sql
-- Replays one position's whole ledger through position_agg, which raises PF001 at the first
-- transaction that sells more than is held. Concurrent writers of one portfolio are serialized
-- here (a transaction-scoped advisory lock, taken before the ledger is read), so two sells that
-- are each fine alone cannot both commit.
-- @include 51_holdings_check.sql: routine portfolio.check_holdings

-- The positions a writing transaction touched, one row per statement and position, checked (and
-- deleted) by a deferred trigger at commit. Rows live only inside their writing transaction: the
-- table never holds a committed row.
-- @include 51_holdings_check.sql: relation portfolio.holdings_to_check
CREATE INDEX holdings_to_check_position ON portfolio.holdings_to_check (portfolio_id, instrument);

-- At commit, once per position: the first event of a position deletes all of its pending rows and
-- checks it; the later events of the same position find nothing left. A statement after
-- SET CONSTRAINTS ... IMMEDIATE adds rows again, so it is checked again.
-- @include 51_holdings_check.sql: routine portfolio.holdings_check
-- @include 51_holdings_check.sql: trigger holdings_check ON portfolio.holdings_to_check

-- Which writes can leave a position short: an inserted sell or transfer_out; a deleted buy,
-- transfer_in or split; any update (old and new position). Buys inserted in bulk cost no check.
-- @include 51_holdings_check.sql: routine portfolio.transactions_queue_checks
-- @include 51_holdings_check.sql: trigger transactions_check_insert ON portfolio.transactions
-- @include 51_holdings_check.sql: trigger transactions_check_update ON portfolio.transactions
-- @include 51_holdings_check.sql: trigger transactions_check_delete ON portfolio.transactions
REVOKE ALL ON FUNCTION portfolio.holdings_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.transactions_queue_checks() FROM PUBLIC;

-- 48_prices.sql: each symbol's last quote, kept by the quotes' triggers; the price before an instant
-- Each symbol's last quote. Kept by quotes_changed() (53_valuation_queue.sql), which every write
-- to quotes calls, from the statement triggers and, on a subscriber, from the replicated rows'
-- triggers (70_scale_out.sql). Readable like quotes; written only by that function.
-- @include 48_prices.sql: relation portfolio.last_quotes

-- Sets the last quote of the given symbols from portfolio.quotes (no row: a symbol without quotes).
-- @include 48_prices.sql: routine portfolio.last_quotes_changed
REVOKE ALL ON FUNCTION portfolio.last_quotes_changed(text[]) FROM PUBLIC;

-- The symbol's last quote before an instant, from portfolio.quotes. PL/pgSQL, so the planner of
-- a view that calls it per holding sees one call of known cost (a SQL lookup across the monthly
-- partitions is estimated at the cost of scanning every partition).
-- @include 48_prices.sql: routine portfolio.quote_before

SELECT portfolio.last_quotes_changed(ARRAY(SELECT DISTINCT q.symbol FROM portfolio.quotes q));
GRANT SELECT ON portfolio.last_quotes TO portfolio_user, portfolio_reader;

-- 50_positions.sql: FX on a day, one rule for fx_rate() and the daily series
-- FX on a day, the one rule: the rate converting 1 unit of from_ccy into to_ccy on each day of a
-- range is the latest rate on or before the day, at most setting('fx_max_staleness_days') old,
-- from the stored pair or else its inverse (1 / rate; on a day with both, the stored pair).
-- Days with no such rate have no row: never 1, never an unconverted amount. fx_rate() (one day)
-- and the daily series (value_days(), a range per currency pair) both read it.
-- PL/pgSQL, with the staleness limit read once: as a SQL function the planner evaluated setting()
-- in generate_series' arguments once per observation, and fx_rate() re-planned the body at every
-- call (0.5 ms a call; the positions of one portfolio make one call per currency).
-- @include 50_transaction_effects.sql: routine portfolio.fx_days

-- The income and fees a transaction brings, one rule each (the daily series' events).
-- @include 50_transaction_effects.sql: routine portfolio.income_effect
-- @include 50_transaction_effects.sql: routine portfolio.fee_effect

-- One day of fx_days(), and 1 between a currency and itself. PL/pgSQL: it keeps its plan for the
-- session (it is called per holding and per cash currency).
-- @replace 50_transaction_effects.sql: routine portfolio.fx_rate

-- 52_daily_values.sql: the table replaces the materialized view. portfolio_daily is pointed at the
-- table first (the same columns and trading_day at the end), so views built on it stay.
-- No foreign key to portfolios: checked per row it cost 14 of the 45 s a rebuild of 1,000
-- portfolios takes to write 1.8 million rows. Instead refresh locks the portfolios it writes
-- (FOR KEY SHARE, once per portfolio: a concurrent DELETE waits for it, as it would for the
-- key's check) and deleting a portfolio deletes its rows (portfolios_delete_daily below).
-- @include 52_daily_values.sql: relation portfolio.daily_series

-- @include 52_daily_values.sql: routine portfolio.portfolios_delete_daily
-- @include 52_daily_values.sql: trigger portfolios_delete_daily ON portfolio.portfolios
REVOKE ALL ON FUNCTION portfolio.portfolios_delete_daily() FROM PUBLIC;
-- The end of each portfolio's ledger, stored by refresh: per instrument it ever traded the
-- quantity and cost held after its last transaction, per currency the cash balance (instrument
-- NULL), and the ledger's first and last transaction day. A refresh that only has days after the
-- last transaction to compute (new quotes, FX rates) starts from it instead of replaying the
-- ledger. Rows are deleted by every mark that changes the ledger (mark_dirty, 53_valuation_queue
-- .sql) and written again by the next refresh (write_days, 56_refresh.sql); a portfolio without
-- rows is replayed. The positions and cash views read it too, instead of replaying the ledger at
-- every read, while no ledger change is queued (portfolio.ledger_ends_current, 57_positions.sql).
-- Private, like daily_series.
-- @include 52_daily_values.sql: relation portfolio.ledger_ends
CREATE INDEX ledger_ends_portfolio ON portfolio.ledger_ends (portfolio_id);

-- The ledger end of some portfolios, computed from their transactions (what refresh stores).
-- @include 52_daily_values.sql: routine portfolio.ledger_end_rows
REVOKE ALL ON FUNCTION portfolio.ledger_end_rows(bigint[]) FROM PUBLIC;

-- Per portfolio: the ledger's first and last transaction day and the instruments it ever traded,
-- from the stored ledger end where there is one (stored), else from the transactions.
-- @include 52_daily_values.sql: routine portfolio.ledger_extents
REVOKE ALL ON FUNCTION portfolio.ledger_extents(bigint[]) FROM PUBLIC;

-- The last day of each portfolio's series: its last priced day (the last quote of any instrument
-- it has traded) or its last transaction when that is later, never after today(). No row for a
-- portfolio without transactions. The one definition value_days(), refresh and series_end() use;
-- the last quote is looked up once per symbol, not once per portfolio and symbol. With the
-- ledger's extent it was computed from (ledger_extents), so value_days need not compute it again.
-- @include 52_daily_values.sql: routine portfolio.series_ends

-- @include 52_daily_values.sql: routine portfolio.series_end

-- The valuation kernel in C++ (src/core/daily_values.hpp and src/core/ledger_days.hpp, glue
-- src/pg/daily_values.cpp and src/pg/ledger_days.cpp), used by valuation_blocks() below and
-- private like it (what each part does: 47_daily_values_kernel.sql).
-- @include 47_daily_values_kernel.sql: routine portfolio.day_path_trans
-- @include 47_daily_values_kernel.sql: routine portfolio.day_path_final
-- @include 47_daily_values_kernel.sql: routine portfolio.day_path_agg
-- @include 47_daily_values_kernel.sql: routine portfolio.ledger_days_trans
-- @include 47_daily_values_kernel.sql: routine portfolio.ledger_days_final
-- @include 47_daily_values_kernel.sql: routine portfolio.ledger_days_agg
-- @include 47_daily_values_kernel.sql: routine portfolio.ledger_days
-- @include 47_daily_values_kernel.sql: routine portfolio.ledger_day_ends
REVOKE ALL ON FUNCTION portfolio.day_path_agg(date, date, date, numeric) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.ledger_days_agg(date, date, text[], bytea[], text, text, text, text, date, timestamptz,
                                                 portfolio.txn_kind, numeric, numeric, numeric, text, text, numeric,
                                                 numeric, numeric, numeric, numeric, numeric, integer, bigint)
    FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.ledger_days(bytea, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.ledger_day_ends(bytea) FROM PUBLIC;

-- The daily series of some portfolios from a day on, and the ledger ends of those it replays
-- (52_daily_values.sql says how, part by part).
-- @include 52_daily_values.sql: routine portfolio.valuation_blocks
REVOKE ALL ON FUNCTION portfolio.valuation_blocks(bigint[], date[]) FROM PUBLIC;
-- @include 52_daily_values.sql: routine portfolio.value_days

REVOKE ALL ON FUNCTION portfolio.value_days(bigint[], date[]) FROM PUBLIC;

-- @replace 52_daily_values.sql: relation portfolio.portfolio_daily

DROP MATERIALIZED VIEW portfolio.portfolio_daily_mv;

-- 53_valuation_queue.sql
-- @include 53_valuation_queue.sql: relation portfolio.valuation_queue_generation
-- @include 53_valuation_queue.sql: relation portfolio.valuation_queue

-- The portfolios trading a symbol, and those holding cash or trades in a currency.
CREATE INDEX transactions_instrument ON portfolio.transactions (instrument, portfolio_id);
CREATE INDEX transactions_currency ON portfolio.transactions (currency, portfolio_id);

-- Marks portfolio_ids[i] dirty from from_days[i] ('-infinity': from its start). Portfolios that
-- no longer exist (a cascaded delete) are skipped. ledger_changed (the default): the write changed
-- the ledger, so the stored ledger ends of those portfolios go too; new quotes and FX rates leave
-- the ledger as it was (false).
-- @include 53_valuation_queue.sql: routine portfolio.mark_dirty

REVOKE ALL ON FUNCTION portfolio.mark_dirty(bigint[], date[], boolean) FROM PUBLIC;

-- @include 53_valuation_queue.sql: routine portfolio.transactions_mark_dirty
-- @include 53_valuation_queue.sql: trigger transactions_dirty_insert ON portfolio.transactions
-- @include 53_valuation_queue.sql: trigger transactions_dirty_update ON portfolio.transactions
-- @include 53_valuation_queue.sql: trigger transactions_dirty_delete ON portfolio.transactions

-- Quotes: per symbol the first day changed, then every portfolio trading the symbol.
-- @include 53_valuation_queue.sql: routine portfolio.quotes_mark_dirty
-- @include 53_valuation_queue.sql: trigger quotes_dirty_insert ON portfolio.quotes
-- @include 53_valuation_queue.sql: trigger quotes_dirty_update ON portfolio.quotes
-- @include 53_valuation_queue.sql: trigger quotes_dirty_delete ON portfolio.quotes

-- FX rates: a rate of base/quote on a day converts quote-currency amounts of base-currency
-- portfolios (by its inverse) and base-currency amounts of quote-currency portfolios.
-- @include 53_valuation_queue.sql: routine portfolio.fx_rates_mark_dirty
-- @include 53_valuation_queue.sql: trigger fx_rates_dirty_insert ON portfolio.fx_rates
-- @include 53_valuation_queue.sql: trigger fx_rates_dirty_update ON portfolio.fx_rates
-- @include 53_valuation_queue.sql: trigger fx_rates_dirty_delete ON portfolio.fx_rates

-- Row triggers for the rare changes that revalue whole series.
-- @include 53_valuation_queue.sql: routine portfolio.reference_mark_dirty
-- @include 53_valuation_queue.sql: trigger instruments_dirty ON portfolio.instruments
-- @include 53_valuation_queue.sql: trigger portfolios_dirty ON portfolio.portfolios
-- @include 53_valuation_queue.sql: trigger settings_dirty ON portfolio.settings
REVOKE ALL ON FUNCTION portfolio.transactions_mark_dirty() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.quotes_mark_dirty() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.fx_rates_mark_dirty() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.reference_mark_dirty() FROM PUBLIC;

-- 55_performance.sql: statistics over trading days (one definition, performance_between), last_priced_day
-- and trading_days added
-- A portfolio's return per trading day (a day with a quote of an instrument it held that day):
-- the calendar days' returns compounded from the day after the previous trading day through this
-- one (so a weekend's deposit is counted, and nothing is lost), and the benchmark's price change
-- between the same two trading days. Days after the last trading day belong to no period. The
-- first trading day has no return (r is NULL) when nothing was valued before it.
-- Worked example (docs/data-model.md): a portfolio valued Friday 100, Saturday and Sunday 100
-- (carried), Monday 103: trading days Friday and Monday, Monday's r = 1.00 * 1.00 * 1.03 - 1 = 0.03.
-- @include 55_performance.sql: routine portfolio.trading_day_returns

-- The return statistics of a portfolio between two days, over its trading days in the range (the
-- first one's return reaches back to the trading day before), with 252 periods a year; the
-- benchmark's over the same periods. The one definition the performance view and the tearsheet's
-- period figures use.
-- @include 55_performance.sql: routine portfolio.performance_between

-- 56_refresh.sql: refresh_log counts portfolios; per-portfolio status; refresh() and refresh(id)
ALTER TABLE portfolio.refresh_log ADD COLUMN portfolios integer, ADD COLUMN failed integer;
-- @comment 56_refresh.sql: relation portfolio.refresh_log
-- Per portfolio: the stored series' span, its last trading day, and the outcome of the last
-- attempt. A failure is recorded here (and shown by portfolio.health) while the other portfolios
-- carry on; the portfolio keeps its last good rows and stays queued, so the next refresh retries.
-- @include 53_valuation_queue.sql: relation portfolio.valuation_status

-- Writes the days of portfolio_ids[i] from from_days[i] on ('-infinity': the whole series) and
-- their status; returns the rows written. Raises whatever the computation raises (the caller
-- isolates failures).
-- @include 56_refresh.sql: routine portfolio.write_days
REVOKE ALL ON FUNCTION portfolio.write_days(bigint[], date[]) FROM PUBLIC;

-- Recomputes the queued days of the given portfolios (NULL: every queued portfolio) whose
-- from_day has come (a mark dated after today waits for its day). Portfolios go in chunks of 1,000
-- through one set-based computation; when a chunk fails, its portfolios are redone one by one,
-- each in a subtransaction of its own, so a failure is recorded against its portfolio and the
-- others are written. Queue rows are deleted only if no new mark came since they were read.
-- @include 56_refresh.sql: routine portfolio.analyze_if_rewritten
REVOKE ALL ON FUNCTION portfolio.analyze_if_rewritten(regclass, bigint) FROM PUBLIC;
-- @include 56_refresh.sql: routine portfolio.revalue

REVOKE ALL ON FUNCTION portfolio.revalue(bigint[]) FROM PUBLIC;

-- One run of revalue() with its log row and notification. Runs concurrently with readers (they
-- keep the rows of their snapshot) and with writers (a mark made meanwhile stays queued).
-- @include 56_refresh.sql: routine portfolio.refresh_run
REVOKE ALL ON FUNCTION portfolio.refresh_run(bigint[]) FROM PUBLIC;
-- Every portfolio's queued days. One refresh at a time (a second one waits); refresh(id) of an
-- owner runs beside others but not beside this one.
-- @replace 56_refresh.sql: routine portfolio.refresh()

-- An owner's own portfolio, at once. SECURITY DEFINER (the series is private): the caller must be
-- a member of the portfolio's owner role, judged on session_user, the role that logged in (inside
-- a SECURITY DEFINER routine current_user is the definer; a session may always act as its login).
-- @replace 56_refresh.sql: routine portfolio.refresh(bigint)
REVOKE ALL ON PROCEDURE portfolio.refresh(bigint) FROM PUBLIC;

-- 58_security.sql (its REVOKE ... ON ALL TABLES/SEQUENCES leaves owner-only privileges recorded)
REVOKE ALL ON portfolio.daily_series, portfolio.ledger_ends, portfolio.valuation_queue,
              portfolio.holdings_to_check, portfolio.valuation_status FROM PUBLIC;
REVOKE ALL ON SEQUENCE portfolio.valuation_queue_generation FROM PUBLIC;
GRANT SELECT ON portfolio.valuation_status TO portfolio_reader;
GRANT EXECUTE ON PROCEDURE portfolio.refresh(bigint) TO portfolio_user;

-- 60_live.sql: the refresh notification counts portfolios recomputed and failed
-- @replace 60_live.sql: routine portfolio.notify_refresh

-- 64_health.sql: failed portfolios and the refresh queue

COMMENT ON VIEW portfolio.health IS
    'operators: last refresh, failed portfolios and the refresh queue, last fetch per provider, pg_cron jobs, '
    'quote partitions for this month and the next 3, and how far ahead they are made';

-- Staleness in one place (49_staleness.sql, moved there from 62_quality.sql unchanged): positions'
-- price_stale is quote_is_stale() (stale_business_days), no longer its own stale_quote_days rule;
-- data_quality_positions reads positions' flag
-- @replace 62_quality.sql: relation portfolio.data_quality_positions

-- @comment 40_model.sql: relation portfolio.settings

-- the series of every portfolio, now (refresh() would do it at its next run)
DO $$ BEGIN PERFORM portfolio.revalue(); END $$;

-- 90_config_dump_0_2.sql: pg_dump keeps the instrument requests
SELECT pg_catalog.pg_extension_config_dump('portfolio.instrument_requests', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.instrument_requests_id_seq', '');

-- ===== scale-out (issue 15): replication of reference data, shards, standby guard =====

-- Every monthly partition ensure_quote_partitions() made, appended as it makes it. Published with
-- the quotes (70_scale_out.sql), it reaches a subscriber ahead of the first quote of its month, in
-- the same transaction, and a trigger there makes the partition: replication never stops at a
-- quote for a month the subscriber has no partition for. No key on purpose: a month logged on
-- both sides (a subscriber's own upkeep job) must not make the replicated insert conflict.
-- @include 30_quotes.sql: relation portfolio.quote_partition_log

REVOKE ALL ON portfolio.quote_partition_log FROM PUBLIC;   -- as 58_security.sql does to every table
-- the partitions made before the log existed, so a subscriber made later learns of them too
INSERT INTO portfolio.quote_partition_log (month)
SELECT to_date(substr(c.relname, 8), 'YYYY_MM')
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'portfolio.quotes'::regclass AND c.relname ~ '^quotes_[0-9]{4}_[0-9]{2}$'
ORDER BY 1;

-- @replace 30_quotes.sql: routine portfolio.ensure_quote_partitions

-- What a change of market data marks, in one place: the statement triggers below and the
-- row triggers that see replicated changes on a subscriber (70_scale_out.sql) both call these.
-- Quotes of a symbol from a day on: every portfolio trading the symbol, from that day.
-- @include 53_valuation_queue.sql: routine portfolio.quotes_changed
REVOKE ALL ON FUNCTION portfolio.quotes_changed(text[], date[]) FROM PUBLIC;

-- FX rates of base/quote from a day on: a rate converts quote-currency amounts of base-currency
-- portfolios (by its inverse) and base-currency amounts of quote-currency portfolios.
-- @include 53_valuation_queue.sql: routine portfolio.fx_rates_changed
REVOKE ALL ON FUNCTION portfolio.fx_rates_changed(text[], text[], date[]) FROM PUBLIC;

-- reference data a subscriber receives by replication: its triggers fire in replica sessions too
ALTER TABLE portfolio.instruments ENABLE ALWAYS TRIGGER instruments_dirty;
ALTER TABLE portfolio.instruments ENABLE ALWAYS TRIGGER instruments_currency_corrected;
ALTER TABLE portfolio.live_pending_txn ENABLE ALWAYS TRIGGER live_pending_txn_notify;

-- Refreshes write: on a hot standby they cannot, so they say where to run instead of failing on
-- their first lock or write with an error about recovery.
-- @include 56_refresh.sql: routine portfolio.require_primary

-- @replace 64_health.sql: relation portfolio.health

-- 70_scale_out.sql
-- Scale-out on PostgreSQL's own machinery (docs/scale-out.md): portfolios sharded by id range over
-- nodes that are each a whole pg_portfolio, reference data (instruments, quotes, FX rates)
-- published by the node the fetcher loads, and a coordinator that sees the shards as partitioned
-- tables of postgres_fdw foreign partitions. The layout is Citus's: portfolios, transactions and
-- everything derived from them are distributed by portfolio; instruments, quotes and FX rates are
-- reference tables present on every node.

-- --- ids unique across nodes ----------------------------------------------------------------------
-- Each node draws portfolio and transaction ids from its own range, so an id names one portfolio
-- in the whole cluster and the coordinator's partitions by id range find it on one node.
-- @include 70_scale_out.sql: routine portfolio.set_node_id_range

REVOKE ALL ON FUNCTION portfolio.set_node_id_range(bigint, bigint) FROM PUBLIC;

-- --- periods that push down --------------------------------------------------------------------
-- date_trunc('month', day) is not shipped by postgres_fdw (nor extract(), with its text field
-- argument); a function of this extension is, when the server lists the extension. In C, so the
-- planner does not inline it back into those (src/pg/periods.cpp).
-- @include 71_periods.sql: routine portfolio.month_start

-- @include 71_periods.sql: routine portfolio.year_start

-- --- reference data by logical replication -----------------------------------------------------
-- The publication a subscriber needs, in one place: quotes through their root (one table however
-- many monthly partitions), and the partition log, so partitions are made ahead of their quotes.
-- @include 70_scale_out.sql: routine portfolio.publish_reference_data

REVOKE ALL ON FUNCTION portfolio.publish_reference_data(name) FROM PUBLIC;

-- On a subscriber: a replicated partition-log row makes its partition before the first quote of
-- the month arrives (they come in the same transaction, the log row first).
-- @include 70_scale_out.sql: routine portfolio.quote_partition_replicated
REVOKE ALL ON FUNCTION portfolio.quote_partition_replicated() FROM PUBLIC;
-- @include 70_scale_out.sql: trigger quote_partition_replicated ON portfolio.quote_partition_log

-- On a subscriber, replicated quotes and FX rates mark the valuation queue and notify listeners
-- as loaded ones do. The apply worker fires no statement triggers (the loaders' path, 53 and 60),
-- so this is a row trigger that fires only in replica sessions: on the node that loads, it
-- never fires and adds nothing to a bulk load. One function for both tables (TG_TABLE_NAME).
-- It fires in the initial table sync too (its COPY runs as a replica session).
-- @include 70_scale_out.sql: routine portfolio.market_row_replicated
REVOKE ALL ON FUNCTION portfolio.market_row_replicated() FROM PUBLIC;
-- @include 70_scale_out.sql: trigger quotes_replicated ON portfolio.quotes
-- @include 70_scale_out.sql: trigger fx_rates_replicated ON portfolio.fx_rates
-- replica sessions only (partitions made later inherit the setting from the root's trigger)
ALTER TABLE portfolio.quote_partition_log ENABLE REPLICA TRIGGER quote_partition_replicated;
ALTER TABLE portfolio.quotes ENABLE REPLICA TRIGGER quotes_replicated;
ALTER TABLE portfolio.fx_rates ENABLE REPLICA TRIGGER fx_rates_replicated;

-- --- the coordinator: shards as foreign partitions ---------------------------------------------
-- @include 70_scale_out.sql: relation portfolio.shards

-- The relations a coordinator mirrors from every shard: its name in portfolio_all, the shard's
-- relation in portfolio, and the portfolio id column the partitions are ranged on.
-- @include 70_scale_out.sql: routine portfolio.sharded_relations

-- User mappings to shard servers that would let one role read through another: a PUBLIC mapping,
-- or a role mapped to a remote role of another name (row-level security on the shard sees the
-- remote role, so alice mapped to a shared login sees every portfolio that login sees). A shard
-- server is one in portfolio.shards or one whose extensions option lists pg_portfolio.
-- @include 70_scale_out.sql: routine portfolio.shard_mapping_problems

-- @include 70_scale_out.sql: routine portfolio.check_shard_mappings

-- Refuses, as they are made, mappings that would bypass row-level security on a shard.
-- @include 70_scale_out.sql: routine portfolio.shard_mapping_guard
CREATE EVENT TRIGGER portfolio_shard_mapping_guard ON ddl_command_end
    WHEN TAG IN ('CREATE USER MAPPING', 'ALTER USER MAPPING', 'ALTER SERVER', 'CREATE SERVER')
    EXECUTE FUNCTION portfolio.shard_mapping_guard();

-- Writes through the coordinator are refused: postgres_fdw commits each shard's part separately
-- (no two-phase commit), so a transfer between portfolios on two shards could commit one leg only.
-- @include 70_scale_out.sql: routine portfolio.coordinator_write_refused

-- The coordinator's tables in schema portfolio_all (once) and the two-step views over them.
-- @include 70_scale_out.sql: routine portfolio.coordinator_tables
REVOKE ALL ON FUNCTION portfolio.coordinator_tables() FROM PUBLIC;

-- Attaches a postgres_fdw server holding the portfolios with ids in [first_id, last_id]: checks
-- its user mappings, sets the options that make pushdown happen, and adds a foreign partition
-- per sharded relation. Run on the coordinator, as a superuser.
-- @include 70_scale_out.sql: routine portfolio.shard_attach

REVOKE ALL ON FUNCTION portfolio.shard_attach(name, bigint, bigint) FROM PUBLIC;

-- --- refresh of every shard from the coordinator ------------------------------------------------
-- @include 70_scale_out.sql: relation portfolio.shard_refresh_log

-- CALL portfolio.refresh() on every shard at once (dblink's asynchronous queries, through each
-- server's user mapping), then one row per shard in shard_refresh_log. A shard that cannot be
-- reached or whose refresh fails is logged with its error; the others carry on.
-- @include 70_scale_out.sql: routine portfolio.refresh_shards

REVOKE ALL ON PROCEDURE portfolio.refresh_shards() FROM PUBLIC;

-- 60_live.sql: the four near-copy trigger functions of 0.1 become one (issue 17, item 3)
-- The loaders' statement triggers (AFTER INSERT and AFTER UPDATE on quotes and on FX rates) share
-- one function: the table says which kind of rows new_rows holds, the event whether they are new.
-- @include 60_live.sql: routine portfolio.live_rows_loaded

DROP TRIGGER quotes_live_insert ON portfolio.quotes;
DROP TRIGGER quotes_live_update ON portfolio.quotes;
DROP TRIGGER fx_rates_live_insert ON portfolio.fx_rates;
DROP TRIGGER fx_rates_live_update ON portfolio.fx_rates;
-- @include 60_live.sql: trigger quotes_live_insert ON portfolio.quotes
-- @include 60_live.sql: trigger quotes_live_update ON portfolio.quotes
-- @include 60_live.sql: trigger fx_rates_live_insert ON portfolio.fx_rates
-- @include 60_live.sql: trigger fx_rates_live_update ON portfolio.fx_rates
DROP FUNCTION portfolio.live_quotes_inserted(), portfolio.live_quotes_updated(),
    portfolio.live_fx_inserted(), portfolio.live_fx_updated();

-- 90_config_dump_0_2.sql: the tables of the scale-out section, in the fresh install's order
SELECT pg_catalog.pg_extension_config_dump('portfolio.quote_partition_log', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.shards', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.shard_refresh_log', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.shard_refresh_log_id_seq', '');

-- Issue 15: parallel plans never lose. var_historical, cvar_historical and xirr lose their
-- combine, serialize and deserialize functions (20_var_historical.sql and 23_xirr.sql say why: a
-- partial state is every row, and copying it to the leader was slower than one worker). ALTER
-- AGGREGATE cannot change those, so the aggregates are dropped and made again, and with them what
-- depends on them (pg_depend in an upgraded database): performance_between() and the performance
-- view, recreated as 55_performance.sql has them, with 58_security.sql's grants. The C entry points
-- stay in the library for 0.1's script.
DROP VIEW portfolio.performance;
DROP FUNCTION portfolio.performance_between(bigint, date, date);
DROP AGGREGATE portfolio.var_historical(float8, float8);
DROP AGGREGATE portfolio.var_historical(float8);
DROP AGGREGATE portfolio.cvar_historical(float8, float8);
DROP AGGREGATE portfolio.cvar_historical(float8);
DROP AGGREGATE portfolio.xirr(float8, date);
DROP AGGREGATE portfolio.xirr(float8, timestamptz);
DROP FUNCTION portfolio.var_historical_combine(internal, internal);
DROP FUNCTION portfolio.var_historical_serialize(internal);
DROP FUNCTION portfolio.var_historical_deserialize(bytea, internal);
DROP FUNCTION portfolio.xirr_combine(internal, internal);
DROP FUNCTION portfolio.xirr_serialize(internal);
DROP FUNCTION portfolio.xirr_deserialize(bytea, internal);

-- @include 20_var_historical.sql: routine portfolio.var_historical(float8, float8)
-- @include 20_var_historical.sql: routine portfolio.var_historical(float8)
-- @include 20_var_historical.sql: routine portfolio.cvar_historical(float8, float8)
-- @include 20_var_historical.sql: routine portfolio.cvar_historical(float8)
-- @comment 20_var_historical.sql: routine portfolio.var_historical(float8, float8)

-- @comment 20_var_historical.sql: routine portfolio.cvar_historical(float8, float8)

-- @include 23_xirr.sql: routine portfolio.xirr(float8, date)
-- @include 23_xirr.sql: routine portfolio.xirr(float8, timestamptz)
-- @comment 23_xirr.sql: routine portfolio.xirr(float8, date)

-- @include 55_performance.sql: routine portfolio.performance_between

-- 44_access_rule.sql: the access rule written once, as two views the policies and views read
-- The rule as relations: the portfolios the calling role may read, and those it may change.
-- Not security_invoker: owned by the extension's owner, which owns portfolios, they read it past
-- its row-level security and apply the rule themselves, for the calling role (current_user), the
-- same as portfolios' policies (test/pgtap/40_model_security.sql). Both scalar subqueries of the rule
-- stay InitPlans: one check per query (test/pgtap/40_model_security.sql asserts the plan).
-- @include 44_access_rule.sql: relation portfolio.readable_portfolios

-- @include 44_access_rule.sql: relation portfolio.writable_portfolios

GRANT SELECT ON portfolio.readable_portfolios, portfolio.writable_portfolios TO portfolio_user, portfolio_reader;
ALTER POLICY portfolios_read ON portfolio.portfolios
    USING ((SELECT portfolio.reads_all()) OR owner = ANY ((SELECT portfolio.member_roles())::name[]));
ALTER POLICY portfolios_insert ON portfolio.portfolios
    WITH CHECK (owner = ANY ((SELECT portfolio.member_roles())::name[]));
ALTER POLICY portfolios_update ON portfolio.portfolios
    USING (owner = ANY ((SELECT portfolio.member_roles())::name[]))
    WITH CHECK (owner = ANY ((SELECT portfolio.member_roles())::name[]));
ALTER POLICY portfolios_delete ON portfolio.portfolios
    USING (owner = ANY ((SELECT portfolio.member_roles())::name[]));
ALTER POLICY transactions_read ON portfolio.transactions
    USING (portfolio_id IN (SELECT r.id FROM portfolio.readable_portfolios r));
ALTER POLICY transactions_insert ON portfolio.transactions
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
ALTER POLICY transactions_update ON portfolio.transactions
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w))
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
ALTER POLICY transactions_delete ON portfolio.transactions
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
ALTER POLICY watchlist_read ON portfolio.watchlist
    USING (portfolio_id IN (SELECT r.id FROM portfolio.readable_portfolios r));
ALTER POLICY watchlist_write ON portfolio.watchlist
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w))
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
ALTER POLICY risk_limits_read ON portfolio.risk_limits
    USING (portfolio_id IS NULL OR portfolio_id IN (SELECT r.id FROM portfolio.readable_portfolios r));
ALTER POLICY risk_limits_write ON portfolio.risk_limits
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w))
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
-- @replace 52_daily_values.sql: relation portfolio.portfolio_daily
-- the access rule (44_access_rule.sql)

-- 57_positions.sql: positions and cash read the stored ledger ends while they are current
-- A portfolio's ledger replayed up to the as-of day, for the portfolios without a current stored
-- end: per instrument its position (position_agg in the same-instant order), per currency its
-- cash balance. Functions the planner does not inline: a view over many portfolios is planned with
-- one call of known cost per portfolio it needs, instead of a replay costed for every portfolio
-- (which made the BI role's all-portfolio reads look expensive enough to JIT-compile: seconds).
-- @include 57_positions.sql: routine portfolio.ledger_positions
-- @include 57_positions.sql: routine portfolio.ledger_cash

-- The stored ledger ends (portfolio.ledger_ends, written by refresh) that are current: no ledger
-- change is queued for the portfolio (every write to its ledger queues one, in the writer's own
-- transaction, and only the refresh that stores the new end removes it), and the ledger ends by
-- the as-of day. The positions and cash views read these instead of replaying the ledger: one row
-- per holding instead of every transaction (at 1,000 portfolios x 1,081 transactions the BI
-- role's totals replayed 1.1 million rows at every read). A portfolio without a current end is
-- replayed, so the views never depend on a refresh having run.
-- Not security_invoker, like portfolio_daily: it reads the private table with its owner's rights
-- and applies the portfolios' access rule to the joined portfolio row (44_access_rule.sql says
-- why not through readable_portfolios; security_barrier: no leaky function sees rows before the
-- filter).
-- @include 57_positions.sql: relation portfolio.ledger_ends_current
-- the access rule (44_access_rule.sql)

-- @replace 57_positions.sql: relation portfolio.cash
-- @replace 57_positions.sql: relation portfolio.positions
GRANT SELECT ON portfolio.ledger_ends_current TO portfolio_user, portfolio_reader;

-- 53_valuation_queue.sql: a changed quote of a portfolio's benchmark marks it too
-- ... and those benchmarked against a symbol
CREATE INDEX portfolios_benchmark ON portfolio.portfolios (benchmark_symbol);
-- Quotes of a symbol from a day on: the symbol's last quote (portfolio.last_quotes), and every
-- portfolio trading the symbol or benchmarked against it (its performance figures compare with
-- the benchmark's quotes), from that day.
REVOKE ALL ON FUNCTION portfolio.quotes_changed(text[], date[]) FROM PUBLIC;

-- 55_performance.sql: stored performance figures, used while they stand
-- One portfolio's figures, computed from its days in portfolio_daily (so as of the as-of day and
-- for the caller): the one computation behind the view and its stored figures. Every part reads
-- only that portfolio's days and its benchmark's quotes.
-- @include 55_performance.sql: routine portfolio.performance_of

-- The figures of each portfolio as computed after its last refresh (portfolio.refresh_figures()),
-- so that reading them costs a row, not a pass over the portfolio's days: 17 ms a portfolio at
-- 5 years, 16 s for the BI role's averages over 1,000 portfolios. Private, like daily_series.
-- A stored row stands for exactly what performance_of() would compute while
--   * the series is the one it was computed from (refreshed_at equals valuation_status'),
--   * the benchmark symbol is the same and none of its quotes up to last_day is queued as changed
--     (a changed quote of a portfolio's benchmark marks it, 53_valuation_queue.sql), nor anything
--     else up to last_day,
--   * and the as-of day does not cut the series (last_day <= as_of()).
-- Otherwise the view computes the portfolio's figures as it reads them.
-- @include 55_performance.sql: relation portfolio.performance_figures

REVOKE ALL ON portfolio.performance_figures FROM PUBLIC;

-- The stored figures that stand (see above), of the portfolios the caller may read (the access
-- rule on the joined portfolio row). Not security_invoker, like portfolio_daily (the table is
-- private); security_barrier.
-- @include 55_performance.sql: relation portfolio.performance_stored
-- the access rule (44_access_rule.sql)

-- Stores the figures of the given portfolios (NULL: all) whose stored row is missing or no longer
-- stands, computed for today (whatever the caller's portfolio.as_of); returns how many. Scheduled
-- every minute by schedule_refresh() (pg_portfolio_figures), and run by refresh(portfolio) for
-- that portfolio. A run beside a refresh may store figures of the series before it: they do not
-- stand (refreshed_at differs), and the next run replaces them.
-- @include 55_performance.sql: routine portfolio.refresh_figures

REVOKE ALL ON FUNCTION portfolio.refresh_figures(bigint[]) FROM PUBLIC;

-- Per portfolio the stored figures where they stand, else computed as the view is read.
-- @replace 55_performance.sql: relation portfolio.performance
GRANT SELECT ON portfolio.performance_stored TO portfolio_user, portfolio_reader;
GRANT SELECT ON portfolio.performance TO portfolio_user, portfolio_reader;

-- 56_refresh.sql: refresh(portfolio) stores its performance figures; the pg_portfolio_figures job
-- An owner's own portfolio, at once. SECURITY DEFINER (the series is private): the caller must be
-- a member of the portfolio's owner role, judged on session_user, the role that logged in (inside
-- a SECURITY DEFINER routine current_user is the definer; a session may always act as its login).

-- Registers the jobs with pg_cron under stable names: cron.schedule(name, ...) updates a job of
-- that name, so running this again changes the schedule and never adds a duplicate.
--   pg_portfolio_refresh      CALL portfolio.refresh()                         (schedule)
--   pg_portfolio_figures      refresh_figures(): the performance figures of refreshed portfolios (every minute)
--   pg_portfolio_partitions   maintain_quote_partitions(): this month (UTC) and the next 3 (hourly, :17)
--   pg_portfolio_purge        cron.job_run_details rows older than keep_history (daily 03:47)
-- @replace 56_refresh.sql: routine portfolio.schedule_refresh

-- @replace 56_refresh.sql: routine portfolio.unschedule_refresh

-- a database whose refresh is scheduled gets the figures job now
DO $upgrade$
BEGIN
    IF to_regclass('cron.job') IS NOT NULL THEN
        EXECUTE $q$SELECT cron.schedule('pg_portfolio_figures', '* * * * *', 'SELECT portfolio.refresh_figures()')
                   FROM cron.job WHERE jobname = 'pg_portfolio_refresh'$q$;
    END IF;
END
$upgrade$;
