-- What a write changes in the daily series: every change to transactions, quotes, FX rates,
-- instruments, portfolios or settings marks (portfolio, from_day) in valuation_queue, and
-- portfolio.refresh() recomputes exactly those days (56_refresh.sql). One row per portfolio: a
-- second mark keeps the earlier day. A day's row depends only on what happened up to that day,
-- so a change on day d leaves the days before d as they are.
--
-- What marks what (docs/data-model.md, "The daily valuation engine"):
--   transactions    its portfolio, from the day of the transaction (old and new day of an update)
--   quotes          every portfolio with a transaction in the symbol or benchmarked against it,
--                   from the quote's day
--   fx_rates        every portfolio whose base currency is one side of the pair and that has
--                   transactions in the other, from the rate's day
--   instruments     a change of currency: the portfolios trading it, from their start
--   portfolios      a change of base currency or cost method: that portfolio, from its start
--   settings        a change of fx_max_staleness_days: every portfolio, from its start

CREATE SEQUENCE portfolio.valuation_queue_generation;
CREATE TABLE portfolio.valuation_queue (
    portfolio_id bigint      PRIMARY KEY REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    from_day     date        NOT NULL,
    marked_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- a refresh deletes the row only when it is the generation it computed: a mark that commits
    -- while a refresh runs survives it
    generation   bigint      NOT NULL DEFAULT nextval('portfolio.valuation_queue_generation'),
    -- a mark that changed the ledger (transactions, cost method, currencies): the stored ledger
    -- end (portfolio.ledger_ends) no longer serves, and refresh replays the ledger
    ledger_changed boolean   NOT NULL DEFAULT true
);
COMMENT ON TABLE portfolio.valuation_queue IS
    'portfolios whose daily series must be recomputed from from_day on (refresh() empties it)';

-- Per portfolio: the stored series' span, its last trading day, and the outcome of the last
-- attempt. A failure is recorded here (and shown by portfolio.health) while the other portfolios
-- carry on; the portfolio keeps its last good rows and stays queued, so the next refresh retries.
-- Written by portfolio.refresh() (write_days, 56_refresh.sql).
CREATE TABLE portfolio.valuation_status (
    portfolio_id    bigint      PRIMARY KEY REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    first_day       date,
    valued_through  date,       -- the last day of the stored series
    last_priced_day date,       -- its last trading day (a quote of a held instrument)
    refreshed_at    timestamptz,  -- the last successful recomputation
    failed_at       timestamptz,  -- the last failed one, when it is later than refreshed_at
    error           text
);
COMMENT ON TABLE portfolio.valuation_status IS
    'per portfolio: days stored, last priced day, last refresh and the error of a failed one';

-- The portfolios trading a symbol, and those holding cash or trades in a currency ...
CREATE INDEX transactions_instrument ON portfolio.transactions (instrument, portfolio_id);
CREATE INDEX transactions_currency ON portfolio.transactions (currency, portfolio_id);
-- ... and those benchmarked against a symbol
CREATE INDEX portfolios_benchmark ON portfolio.portfolios (benchmark_symbol);

-- Marks portfolio_ids[i] dirty from from_days[i] ('-infinity': from its start). Portfolios that
-- no longer exist (a cascaded delete) are skipped. ledger_changed (the default): the write changed
-- the ledger, so the stored ledger ends of those portfolios go too; new quotes and FX rates leave
-- the ledger as it was (false).
CREATE FUNCTION portfolio.mark_dirty(portfolio_ids bigint[], from_days date[], ledger_changed boolean DEFAULT true)
    RETURNS void
    LANGUAGE sql VOLATILE
BEGIN ATOMIC
    DELETE FROM portfolio.ledger_ends e
     WHERE mark_dirty.ledger_changed AND e.portfolio_id = ANY (mark_dirty.portfolio_ids);
    INSERT INTO portfolio.valuation_queue AS q (portfolio_id, from_day, ledger_changed)
    SELECT u.portfolio_id, min(u.from_day), mark_dirty.ledger_changed
    FROM unnest(portfolio_ids, from_days) u(portfolio_id, from_day)
    WHERE u.portfolio_id IS NOT NULL AND u.from_day IS NOT NULL
      AND EXISTS (SELECT 1 FROM portfolio.portfolios p WHERE p.id = u.portfolio_id)
    GROUP BY u.portfolio_id
    ORDER BY u.portfolio_id          -- one lock order for concurrent markers
    ON CONFLICT (portfolio_id) DO UPDATE
        SET from_day = least(q.from_day, excluded.from_day), marked_at = excluded.marked_at,
            generation = excluded.generation, ledger_changed = q.ledger_changed OR excluded.ledger_changed;
END;
COMMENT ON FUNCTION portfolio.mark_dirty(bigint[], date[], boolean) IS
    'queues portfolio_ids[i] for recomputation from from_days[i] on (ledger_changed: the ledger changed too)';
REVOKE ALL ON FUNCTION portfolio.mark_dirty(bigint[], date[], boolean) FROM PUBLIC;

CREATE FUNCTION portfolio.transactions_mark_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM portfolio.mark_dirty(array_agg(n.portfolio_id), array_agg((n.executed_at AT TIME ZONE 'UTC')::date))
        FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM portfolio.mark_dirty(array_agg(o.portfolio_id), array_agg((o.executed_at AT TIME ZONE 'UTC')::date))
        FROM old_rows o;
    ELSE
        PERFORM portfolio.mark_dirty(array_agg(x.portfolio_id), array_agg((x.executed_at AT TIME ZONE 'UTC')::date))
        FROM (SELECT o.portfolio_id, o.executed_at FROM old_rows o
              UNION ALL SELECT n.portfolio_id, n.executed_at FROM new_rows n) x;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER transactions_dirty_insert AFTER INSERT ON portfolio.transactions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_mark_dirty();
CREATE TRIGGER transactions_dirty_update AFTER UPDATE ON portfolio.transactions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_mark_dirty();
CREATE TRIGGER transactions_dirty_delete AFTER DELETE ON portfolio.transactions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_mark_dirty();

-- What a change of market data marks, in one place: the statement triggers below and the
-- row triggers that see replicated changes on a subscriber (70_scale_out.sql) both call these.
-- Quotes of a symbol from a day on: the symbol's last quote (portfolio.last_quotes), and every
-- portfolio trading the symbol or benchmarked against it (its performance figures compare with
-- the benchmark's quotes), from that day.
CREATE FUNCTION portfolio.quotes_changed(symbols text[], days date[]) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT portfolio.last_quotes_changed(symbols);   -- 48_prices.sql
    SELECT portfolio.mark_dirty(array_agg(t.portfolio_id), array_agg(s.day), false)  -- ledgers unchanged
    FROM unnest(symbols, days) s(symbol, day)
    JOIN LATERAL (SELECT t.portfolio_id FROM portfolio.transactions t WHERE t.instrument = s.symbol
                  UNION
                  SELECT p.id FROM portfolio.portfolios p WHERE p.benchmark_symbol = s.symbol) t ON true
$$;
REVOKE ALL ON FUNCTION portfolio.quotes_changed(text[], date[]) FROM PUBLIC;

-- FX rates of base/quote from a day on: a rate converts quote-currency amounts of base-currency
-- portfolios (by its inverse) and base-currency amounts of quote-currency portfolios.
CREATE FUNCTION portfolio.fx_rates_changed(bases text[], quotes text[], days date[]) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT portfolio.mark_dirty(array_agg(t.portfolio_id), array_agg(c.day), false)  -- ledgers unchanged
    FROM unnest(bases, quotes, days) c(base, quote, day)
    CROSS JOIN LATERAL (VALUES (c.base, c.quote), (c.quote, c.base)) side(ccy, base_ccy)
    JOIN LATERAL (SELECT DISTINCT t.portfolio_id FROM portfolio.transactions t
                  JOIN portfolio.portfolios p ON p.id = t.portfolio_id
                  WHERE t.currency = side.ccy AND p.base_currency = side.base_ccy) t ON true
$$;
REVOKE ALL ON FUNCTION portfolio.fx_rates_changed(text[], text[], date[]) FROM PUBLIC;

-- Quotes: per symbol the first day changed, then every portfolio trading the symbol.
CREATE FUNCTION portfolio.quotes_mark_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    symbols text[];   -- each changed symbol with the first UTC day changed
    days date[];
BEGIN
    -- the transition tables a statement has depend on its event; the rest is one query
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(x.symbol), array_agg(x.day) INTO symbols, days
        FROM (SELECT n.symbol, min((n.ts AT TIME ZONE 'UTC')::date) AS day FROM new_rows n GROUP BY n.symbol) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(x.symbol), array_agg(x.day) INTO symbols, days
        FROM (SELECT o.symbol, min((o.ts AT TIME ZONE 'UTC')::date) AS day FROM old_rows o GROUP BY o.symbol) x;
    ELSE
        SELECT array_agg(x.symbol), array_agg(x.day) INTO symbols, days
        FROM (SELECT r.symbol, min((r.ts AT TIME ZONE 'UTC')::date) AS day
              FROM (SELECT o.symbol, o.ts FROM old_rows o UNION ALL SELECT n.symbol, n.ts FROM new_rows n) r
              GROUP BY r.symbol) x;
    END IF;
    PERFORM portfolio.quotes_changed(symbols, days);
    RETURN NULL;
END
$$;
CREATE TRIGGER quotes_dirty_insert AFTER INSERT ON portfolio.quotes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.quotes_mark_dirty();
CREATE TRIGGER quotes_dirty_update AFTER UPDATE ON portfolio.quotes
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.quotes_mark_dirty();
CREATE TRIGGER quotes_dirty_delete AFTER DELETE ON portfolio.quotes
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.quotes_mark_dirty();

-- FX rates: per pair the first day changed (fx_rates_changed says what that marks).
CREATE FUNCTION portfolio.fx_rates_mark_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bases text[];     -- each changed pair with the first day changed
    quotes text[];
    days date[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(x.base), array_agg(x.quote), array_agg(x.day) INTO bases, quotes, days
        FROM (SELECT n.base, n.quote, min(n.day) AS day FROM new_rows n GROUP BY n.base, n.quote) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(x.base), array_agg(x.quote), array_agg(x.day) INTO bases, quotes, days
        FROM (SELECT o.base, o.quote, min(o.day) AS day FROM old_rows o GROUP BY o.base, o.quote) x;
    ELSE
        SELECT array_agg(x.base), array_agg(x.quote), array_agg(x.day) INTO bases, quotes, days
        FROM (SELECT r.base, r.quote, min(r.day) AS day
              FROM (SELECT o.base, o.quote, o.day FROM old_rows o UNION ALL SELECT n.base, n.quote, n.day FROM new_rows n) r
              GROUP BY r.base, r.quote) x;
    END IF;
    PERFORM portfolio.fx_rates_changed(bases, quotes, days);
    RETURN NULL;
END
$$;
CREATE TRIGGER fx_rates_dirty_insert AFTER INSERT ON portfolio.fx_rates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.fx_rates_mark_dirty();
CREATE TRIGGER fx_rates_dirty_update AFTER UPDATE ON portfolio.fx_rates
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.fx_rates_mark_dirty();
CREATE TRIGGER fx_rates_dirty_delete AFTER DELETE ON portfolio.fx_rates
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.fx_rates_mark_dirty();

-- Row triggers for the rare changes that revalue whole series.
CREATE FUNCTION portfolio.reference_mark_dirty() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_TABLE_NAME = 'instruments' THEN
        PERFORM portfolio.mark_dirty(array_agg(t.portfolio_id), array_agg('-infinity'::date))
        FROM (SELECT DISTINCT t.portfolio_id FROM portfolio.transactions t
              WHERE t.instrument IN (OLD.symbol, NEW.symbol)) t;
    ELSIF TG_TABLE_NAME = 'portfolios' THEN
        PERFORM portfolio.mark_dirty(ARRAY[NEW.id], ARRAY['-infinity'::date]);
    ELSIF TG_TABLE_NAME = 'settings'
          AND 'fx_max_staleness_days' IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.key END,
                                          CASE WHEN TG_OP <> 'DELETE' THEN NEW.key END) THEN
        PERFORM portfolio.mark_dirty(array_agg(p.id), array_agg('-infinity'::date), false) FROM portfolio.portfolios p;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER instruments_dirty AFTER UPDATE OF currency ON portfolio.instruments
    FOR EACH ROW WHEN (OLD.currency IS DISTINCT FROM NEW.currency)
    EXECUTE FUNCTION portfolio.reference_mark_dirty();
-- instruments are reference data a subscriber receives by replication (70_scale_out.sql)
ALTER TABLE portfolio.instruments ENABLE ALWAYS TRIGGER instruments_dirty;
CREATE TRIGGER portfolios_dirty AFTER UPDATE OF base_currency, cost_method ON portfolio.portfolios
    FOR EACH ROW WHEN (OLD.base_currency IS DISTINCT FROM NEW.base_currency
                       OR OLD.cost_method IS DISTINCT FROM NEW.cost_method)
    EXECUTE FUNCTION portfolio.reference_mark_dirty();
CREATE TRIGGER settings_dirty AFTER INSERT OR UPDATE OR DELETE ON portfolio.settings
    FOR EACH ROW EXECUTE FUNCTION portfolio.reference_mark_dirty();
REVOKE ALL ON FUNCTION portfolio.transactions_mark_dirty() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.quotes_mark_dirty() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.fx_rates_mark_dirty() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.reference_mark_dirty() FROM PUBLIC;
