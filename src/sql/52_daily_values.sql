-- The daily series: per portfolio and calendar day (UTC), the value in the base currency with the
-- last quote and FX rate carried forward over weekends, holidays and gaps, the external flows, the
-- P/L parts, the daily return and whether the day was a trading day of the portfolio (a quote of an
-- instrument it held that day). A portfolio's series runs from its first transaction to its last
-- priced day: the last day with a quote of any instrument it trades, or its last transaction when
-- that is later, and never past today().
--
-- A table kept current incrementally (src/sql/53_valuation_queue.sql marks what a write changes,
-- portfolio.refresh() recomputes it, src/sql/56_refresh.sql); private: readers use the view
-- portfolio.portfolio_daily below, which filters on the portfolios the caller may see.
-- No foreign key to portfolios: checked per row it cost 14 of the 45 s a rebuild of 1,000
-- portfolios takes to write 1.8 million rows. Instead refresh locks the portfolios it writes
-- (FOR KEY SHARE, once per portfolio: a concurrent DELETE waits for it, as it would for the
-- key's check) and deleting a portfolio deletes its rows (portfolios_delete_daily below).
CREATE TABLE portfolio.daily_series (
    portfolio_id     bigint  NOT NULL,
    day              date    NOT NULL,
    market_value     numeric,
    securities_value numeric,
    cash_value       numeric,
    cost_basis       numeric,
    deposits         numeric NOT NULL,
    withdrawals      numeric NOT NULL,
    net_flow         numeric NOT NULL,
    realized_pl      numeric NOT NULL,
    income           numeric NOT NULL,
    fees             numeric NOT NULL,
    unconverted      integer NOT NULL,
    daily_return     float8,
    trading_day      boolean NOT NULL,
    PRIMARY KEY (portfolio_id, day)
);
COMMENT ON TABLE portfolio.daily_series IS
    'private: read portfolio.portfolio_daily; kept current by portfolio.refresh()';

CREATE FUNCTION portfolio.portfolios_delete_daily() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM portfolio.daily_series d USING old_rows o WHERE d.portfolio_id = o.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER portfolios_delete_daily AFTER DELETE ON portfolio.portfolios
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.portfolios_delete_daily();
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
CREATE TABLE portfolio.ledger_ends (
    portfolio_id bigint  NOT NULL REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    instrument   text,              -- NULL: a cash balance in currency
    currency     text    NOT NULL,
    quantity     numeric NOT NULL,  -- shares held, or the cash balance
    cost         numeric,           -- the holding's cost basis in currency (NULL for cash)
    first_day    date    NOT NULL,  -- the ledger's first and last transaction day (UTC)
    last_day     date    NOT NULL,
    position     portfolio.position -- the holding's whole state (lots, P/L), what positions shows
);
CREATE INDEX ledger_ends_portfolio ON portfolio.ledger_ends (portfolio_id);
COMMENT ON TABLE portfolio.ledger_ends IS
    'private: each portfolio''s holdings and cash after its last transaction; written by portfolio.refresh()';

-- The ledger end of some portfolios, computed from their transactions alone (position_agg): what
-- refresh stores from its own replay (valuation_blocks, ledger_day_ends), and what
-- test/suites/valuation.sh checks the stored ends against.
CREATE FUNCTION portfolio.ledger_end_rows(portfolio_ids bigint[]) RETURNS SETOF portfolio.ledger_ends
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH txn AS (
    SELECT t.*, p.cost_method, p.name AS portfolio_name, (t.executed_at AT TIME ZONE 'UTC')::date AS day
    FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.portfolio_id = ANY (portfolio_ids)
), extent AS (
    SELECT x.portfolio_id, min(x.day) AS first_day, max(x.day) AS last_day FROM txn x GROUP BY x.portfolio_id
)
SELECT h.portfolio_id, h.instrument, h.currency, portfolio.quantity(h.pos), portfolio.cost_basis(h.pos),
       e.first_day, e.last_day, h.pos
FROM (SELECT t.portfolio_id, t.instrument, t.currency,
             portfolio.position_agg(t.executed_at, t.kind,
                                    portfolio.position_quantity_arg(t.kind, t.quantity),
                                    portfolio.position_price_arg(t.kind, t.price, t.amount),
                                    t.fees, t.cost_method,
                                    portfolio.position_label(t.portfolio_id, t.portfolio_name, t.instrument)
                                    ORDER BY t.executed_at, portfolio.same_time_order(t.kind), t.id) AS pos
      FROM txn t WHERE t.instrument IS NOT NULL
      GROUP BY t.portfolio_id, t.instrument, t.currency) h
JOIN extent e ON e.portfolio_id = h.portfolio_id
UNION ALL
SELECT c.portfolio_id, NULL, c.currency,
       sum(portfolio.cash_effect(c.kind, c.quantity, c.price, c.fees, c.amount)), NULL, e.first_day, e.last_day, NULL
FROM txn c JOIN extent e ON e.portfolio_id = c.portfolio_id
GROUP BY c.portfolio_id, c.currency, e.first_day, e.last_day;
END;
REVOKE ALL ON FUNCTION portfolio.ledger_end_rows(bigint[]) FROM PUBLIC;

-- Per portfolio: the ledger's first and last transaction day and the instruments it ever traded,
-- from the stored ledger end where there is one (stored), else from the transactions.
CREATE FUNCTION portfolio.ledger_extents(portfolio_ids bigint[])
    RETURNS TABLE (portfolio_id bigint, first_day date, last_day date, instruments text[], stored boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT e.portfolio_id, min(e.first_day), max(e.last_day),
           coalesce(array_agg(e.instrument) FILTER (WHERE e.instrument IS NOT NULL), '{}'), true
    FROM portfolio.ledger_ends e
    WHERE e.portfolio_id = ANY (portfolio_ids)
    GROUP BY e.portfolio_id
    UNION ALL
    SELECT t.portfolio_id, min((t.executed_at AT TIME ZONE 'UTC')::date), max((t.executed_at AT TIME ZONE 'UTC')::date),
           coalesce(array_agg(DISTINCT t.instrument) FILTER (WHERE t.instrument IS NOT NULL), '{}'), false
    FROM portfolio.transactions t
    -- (a scalar subquery per id, not NOT EXISTS: as an anti join the planner hashed every stored
    -- end, 33,000 rows at 1,000 portfolios, to refresh one portfolio)
    WHERE t.portfolio_id = ANY (ARRAY(SELECT u.id FROM unnest(portfolio_ids) u(id)
                                      WHERE (SELECT count(*) FROM portfolio.ledger_ends e WHERE e.portfolio_id = u.id) = 0))
    GROUP BY t.portfolio_id;
END;
REVOKE ALL ON FUNCTION portfolio.ledger_extents(bigint[]) FROM PUBLIC;

-- The last day of each portfolio's series: its last priced day (the last quote of any instrument
-- it has traded) or its last transaction when that is later, never after today(). No row for a
-- portfolio without transactions. The one definition value_days(), refresh and series_end() use;
-- the last quotes are the stored ones (portfolio.last_quotes), one row per symbol. With the
-- ledger's extent it was computed from (ledger_extents), so value_days need not compute it again.
CREATE FUNCTION portfolio.series_ends(portfolio_ids bigint[])
    RETURNS TABLE (portfolio_id bigint, end_day date, first_day date, last_day date, stored boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH x AS MATERIALIZED (
    SELECT * FROM portfolio.ledger_extents(portfolio_ids)
)
SELECT x.portfolio_id, least(portfolio.today(), greatest(x.last_day, max((l.ts AT TIME ZONE 'UTC')::date))),
       x.first_day, x.last_day, x.stored
FROM x
LEFT JOIN LATERAL unnest(x.instruments) i(symbol) ON true
LEFT JOIN portfolio.last_quotes l ON l.symbol = i.symbol   -- each symbol's last quote (48_prices.sql)
GROUP BY x.portfolio_id, x.first_day, x.last_day, x.stored;
END;
COMMENT ON FUNCTION portfolio.series_ends(bigint[]) IS
    'the last day of each portfolio''s daily series: its last priced day or last transaction, at most today()';
CREATE FUNCTION portfolio.series_end(portfolio_id bigint) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT e.end_day FROM portfolio.series_ends(ARRAY[series_end.portfolio_id]) e);
COMMENT ON FUNCTION portfolio.series_end(bigint) IS
    'the last day of a portfolio''s daily series: its last priced day or last transaction, at most today()';

-- The daily series of some portfolios from a day on, with the ledger ends of the portfolios whose
-- ledger it replays: portfolio_ids[i] from from_days[i] (NULL or a day before the first
-- transaction: the whole series), one block per portfolio (valuation_blocks: refresh stores the
-- days, portfolio.ledger_days(block, write_from), and the ledger end, ledger_day_ends(block),
-- from one computation, so both come from one snapshot and one replay; value_days: the days
-- alone). A day's row depends only on what happened up to that day, so rows from a day on are
-- computed from the ledger's running positions (the whole history replayed, or the stored ledger
-- end when no transaction falls in the days asked for) and the prices and FX rates from the day
-- before on (plus the last ones before, carried in): the rows equal those of a full computation
-- exactly (test/suites/valuation.sh checks it after random writes).
-- The named parts: bounds (per portfolio: first day, days computed, last priced day, whether the
-- stored ledger end serves), txn (the ledgers replayed), stored_ends (the ledger ends that
-- serve instead), symbols and closes (the quotes), fx_days (FX on a day), fx_observations (where
-- a rate stops), paths (the price and FX rate on every day), ledger_rows (each transaction's
-- effects: position_agg's arguments, cash_effect, external_flow, income_effect, fee_effect; or a
-- stored end's holdings and balances), and the kernel, ledger_days_agg (47_daily_values_kernel.sql:
-- the holding spans, balances and events of each portfolio, valued day by day in C++).
CREATE FUNCTION portfolio.valuation_blocks(portfolio_ids bigint[], from_days date[])
    RETURNS TABLE (portfolio_id bigint, write_from date, first_day date, last_day date,
                   replayed boolean,   -- the ledger was replayed: the block holds its end
                   block bytea)
    LANGUAGE sql STABLE PARALLEL SAFE
    -- no SET clause, so that the query is inlined into its callers' (write_days streams its
    -- blocks instead of a function's materialized result, 270 MB at 1,000 portfolios); its callers,
    -- write_days (56_refresh.sql) and value_days, set what it needs: jit off and no nested loops
BEGIN ATOMIC
WITH req AS (         -- the days asked for: per portfolio the earliest from_day
    SELECT u.portfolio_id, min(coalesce(u.from_day, '-infinity')) AS from_day
    FROM unnest(portfolio_ids, from_days) u(portfolio_id, from_day) GROUP BY u.portfolio_id
), bounds AS MATERIALIZED (  -- per portfolio: first day, days computed (compute_from is the day
                       -- before write_from: its value gives write_from's return), last priced
                       -- day, and whether the stored ledger end serves (no transaction falls in
                       -- the days computed: from_end) or the ledger is replayed
    SELECT e.portfolio_id, e.first_day,
           greatest(r.from_day, e.first_day) AS write_from,
           greatest(r.from_day - 1, e.first_day) AS compute_from,
           e.end_day,
           e.stored AND greatest(r.from_day - 1, e.first_day) > e.last_day AS from_end,
           e.last_day AS ledger_last_day
    FROM portfolio.series_ends(portfolio_ids) e
    JOIN req r ON r.portfolio_id = e.portfolio_id
), txn AS (          -- the ledgers replayed
    SELECT t.id, t.portfolio_id, t.instrument, t.executed_at, t.kind, t.quantity, t.price, t.fees,
           t.amount, t.currency, p.base_currency, p.cost_method, p.name AS portfolio_name,
           (t.executed_at AT TIME ZONE 'UTC')::date AS day
    FROM portfolio.transactions t
    JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.portfolio_id = ANY (ARRAY(SELECT b.portfolio_id FROM bounds b WHERE NOT b.from_end))
), stored_ends AS (  -- the stored ledger ends that serve (from_end), read by the index: joined
                       -- to bounds directly, the hash join (nested loops are off) read every
                       -- stored end, 7 ms of 50 for one portfolio at 1,000 portfolios
    SELECT e.*
    FROM portfolio.ledger_ends e
    WHERE e.portfolio_id = ANY (ARRAY(SELECT b.portfolio_id FROM bounds b WHERE b.from_end))
), window_days AS (  -- the days any portfolio of the call computes
    SELECT min(b.compute_from) AS first_day, max(b.end_day) AS last_day FROM bounds b
), symbols AS (       -- the instruments of the ledgers replayed and of the stored ends that serve
    SELECT DISTINCT t.instrument AS symbol FROM txn t WHERE t.instrument IS NOT NULL
    UNION
    SELECT e.instrument FROM stored_ends e WHERE e.instrument IS NOT NULL
), closes AS (         -- the closes of those symbols from the first day computed on, and the
                       -- last one before it (carried into it); day_path_agg, fed in time order,
                       -- keeps each UTC day's last close (daily bars sit at 00:00 UTC)
    SELECT q.symbol, q.ts, (q.ts AT TIME ZONE 'UTC')::date AS day, q.close
    FROM portfolio.quotes q
    WHERE q.symbol = ANY (ARRAY(SELECT s.symbol FROM symbols s))
      AND q.ts >= (SELECT wd.first_day FROM window_days wd)::timestamp AT TIME ZONE 'UTC'
    UNION ALL
    SELECT s.symbol, l.ts, (l.ts AT TIME ZONE 'UTC')::date, l.close
    FROM symbols s
    CROSS JOIN LATERAL (SELECT q.ts, q.close FROM portfolio.quotes q
                        WHERE q.symbol = s.symbol
                          AND q.ts < (SELECT wd.first_day FROM window_days wd)::timestamp AT TIME ZONE 'UTC'
                        ORDER BY q.ts DESC LIMIT 1) l
), fx_pairs AS (       -- the currency pairs of the trades, holdings and cash balances
    SELECT t.currency, t.base_currency FROM txn t WHERE t.currency <> t.base_currency
    UNION
    SELECT e.currency, p.base_currency
    FROM bounds b
    JOIN stored_ends e ON e.portfolio_id = b.portfolio_id
    JOIN portfolio.portfolios p ON p.id = b.portfolio_id
    WHERE b.from_end AND e.currency <> p.base_currency
), fx_days AS (        -- FX on a day (portfolio.fx_days: the one rule), per pair over the days computed
    SELECT p.currency, p.base_currency, f.day, f.rate
    FROM fx_pairs p
    CROSS JOIN LATERAL portfolio.fx_days(p.currency, p.base_currency,
                                         (SELECT wd.first_day FROM window_days wd),
                                         (SELECT wd.last_day FROM window_days wd)) f
), fx_observations AS (  -- fx_days' rates, and no rate on the day after each run of days
                       -- that has one: fx_days carried each rate as far as it may
                       -- (fx_max_staleness_days), the day path must not carry it further
    SELECT f.currency, f.base_currency, f.day, f.rate FROM fx_days f
    UNION ALL
    SELECT g.currency, g.base_currency, g.day + 1, NULL
    FROM (SELECT f.currency, f.base_currency, f.day,
                 lead(f.day) OVER (PARTITION BY f.currency, f.base_currency ORDER BY f.day) AS next_day
          FROM fx_days f) g
    WHERE g.next_day IS DISTINCT FROM g.day + 1
), paths AS MATERIALIZED (  -- the day paths of the call (portfolio.day_path_agg), under their keys:
                       -- 'p <symbol>' the close carried forward to the next quote, 'r <currency>
                       -- <base>' the FX rate, 'u' 1 on every day (the price of a unit of cash).
                       -- A symbol never quoted or a pair without rates has none: its days are missing.
    SELECT array_agg(k.key) AS keys, array_agg(k.path) AS paths
    FROM (SELECT 'p ' || c.symbol AS key,
                 portfolio.day_path_agg(wd.first_day, wd.last_day, c.day, c.close ORDER BY c.ts) AS path
          FROM closes c CROSS JOIN window_days wd
          GROUP BY c.symbol
          UNION ALL
          SELECT 'r ' || f.currency || ' ' || f.base_currency,
                 portfolio.day_path_agg(wd.first_day, wd.last_day, f.day, f.rate ORDER BY f.day)
          FROM fx_observations f CROSS JOIN window_days wd
          GROUP BY f.currency, f.base_currency
          UNION ALL
          SELECT 'u', portfolio.day_path_agg(wd.first_day, wd.last_day, wd.first_day, 1) FROM window_days wd) k
), ledger_rows AS (  -- the kernel's input: the transactions replayed, and the rows of the stored
                       -- ends that serve (held_quantity)
    SELECT t.portfolio_id, t.id, t.instrument, t.currency, t.base_currency, t.day, t.executed_at, t.kind,
           t.quantity, t.price, t.fees, t.amount, t.cost_method, t.portfolio_name,
           NULL::numeric AS held_quantity, NULL::numeric AS held_cost
    FROM txn t
    UNION ALL
    SELECT e.portfolio_id, NULL, e.instrument, e.currency, p.base_currency, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, e.quantity, e.cost
    FROM stored_ends e JOIN portfolio.portfolios p ON p.id = e.portfolio_id
), blocks AS (       -- the kernel over each portfolio's rows in the order it needs (position by
                       -- position, each in time order), with each transaction's effects (the rules
                       -- of 50_transaction_effects.sql). Sorted by the subquery, not by an ORDER BY
                       -- of the aggregate, which would copy every argument, the paths too, into
                       -- its sort; the effects are computed after the sort, which then moves
                       -- narrower rows. Grouped by portfolio_id alone, the sorted input keeps its
                       -- order into the aggregate; the kernel checks it and refuses any other.
    SELECT o.portfolio_id,
           portfolio.ledger_days_agg(o.compute_from, o.end_day, (SELECT pa.keys FROM paths pa),
                                     (SELECT pa.paths FROM paths pa),
                                     o.instrument, o.currency, 'p ' || o.instrument,
                                     CASE WHEN o.currency <> o.base_currency THEN 'r ' || o.currency || ' ' || o.base_currency END,
                                     o.day, o.executed_at, o.kind,
                                     portfolio.position_quantity_arg(o.kind, o.quantity),
                                     portfolio.position_price_arg(o.kind, o.price, o.amount),
                                     o.fees, o.cost_method,
                                     portfolio.position_label(o.portfolio_id, o.portfolio_name, o.instrument),
                                     portfolio.cash_effect(o.kind, o.quantity, o.price, o.fees, o.amount),
                                     portfolio.external_flow(o.kind, o.quantity, o.price, o.amount),
                                     portfolio.income_effect(o.kind, o.amount),
                                     portfolio.fee_effect(o.kind, o.fees),
                                     o.held_quantity, o.held_cost, o.same_time_order, o.id) AS block
    FROM (SELECT b.portfolio_id, b.compute_from, b.end_day, r.id, r.instrument, r.currency, r.base_currency, r.day,
                 r.executed_at, r.kind, r.quantity, r.price, r.fees, r.amount, r.cost_method, r.portfolio_name,
                 r.held_quantity, r.held_cost, portfolio.same_time_order(r.kind) AS same_time_order
          FROM bounds b
          LEFT JOIN ledger_rows r ON r.portfolio_id = b.portfolio_id
          ORDER BY b.portfolio_id, r.instrument COLLATE "C", r.currency COLLATE "C", r.executed_at,
                   portfolio.same_time_order(r.kind), r.id) o
    GROUP BY o.portfolio_id
)
SELECT b.portfolio_id, b.write_from, b.first_day, b.ledger_last_day, NOT b.from_end, k.block
FROM bounds b JOIN blocks k ON k.portfolio_id = b.portfolio_id;
END;
COMMENT ON FUNCTION portfolio.valuation_blocks(bigint[], date[]) IS
    'per portfolio, its days of value_days() and, when its ledger was replayed, its ledger end, as one block (refresh stores both)';
REVOKE ALL ON FUNCTION portfolio.valuation_blocks(bigint[], date[]) FROM PUBLIC;

CREATE FUNCTION portfolio.value_days(portfolio_ids bigint[], from_days date[])
    RETURNS SETOF portfolio.daily_series
    LANGUAGE sql STABLE PARALLEL SAFE
    -- valuation_blocks' settings (write_days sets the same)
    SET jit = off
    SET enable_nestloop = off
BEGIN ATOMIC
    SELECT v.portfolio_id, d.day, d.market_value, d.securities_value, d.cash_value, d.cost_basis, d.deposits,
           d.withdrawals, d.net_flow, d.realized_pl, d.income, d.fees, d.unconverted, d.daily_return, d.trading_day
    FROM portfolio.valuation_blocks(portfolio_ids, from_days) v
    CROSS JOIN LATERAL portfolio.ledger_days(v.block, v.write_from) d;
END;
COMMENT ON FUNCTION portfolio.value_days(bigint[], date[]) IS
    'the daily series of portfolio_ids[i] from from_days[i] on (NULL: all of it), as portfolio.refresh() stores it';
REVOKE ALL ON FUNCTION portfolio.value_days(bigint[], date[]) FROM PUBLIC;

-- Not security_invoker on purpose: it reads the private daily_series with its owner's
-- rights and applies the portfolios' access rule (readable_portfolios) for the calling role.
-- security_barrier keeps a caller's leaky functions from seeing rows before the filter.
CREATE VIEW portfolio.portfolio_daily WITH (security_barrier = true) AS
SELECT d.*
FROM portfolio.daily_series d
JOIN portfolio.portfolios p ON p.id = d.portfolio_id
WHERE d.day <= (SELECT portfolio.as_of())
  AND ((SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]));   -- the access rule (44_access_rule.sql)
COMMENT ON VIEW portfolio.portfolio_daily IS
    'per portfolio and day up to portfolio.as_of(): value in base currency (last quote and FX carried '
    'forward), flows, P/L parts, daily return; only the portfolios the caller may read; as of the last '
    'portfolio.refresh()';
