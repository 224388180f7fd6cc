-- Live updates: NOTIFY portfolio_quotes once per transaction that loads quotes or FX rates, and
-- NOTIFY portfolio_refresh once per portfolio.refresh(). Payloads are small JSON documents, always
-- under PostgreSQL's 8000-byte limit (long symbol lists are cut and say so). docs/live-and-quality.md
--
-- How "once per transaction": PostgreSQL allows a transition table only on a trigger with a single
-- event, and the fetcher inserts new bars and updates changed ones in the same transaction. So
-- statement-level AFTER INSERT and AFTER UPDATE triggers (one each, with their NEW TABLE) add the
-- statement's symbols, row counts and latest timestamps to live_pending (keyed by the transaction
-- id), and the first of them in a transaction also puts a row into live_pending_txn. That table
-- has a DEFERRABLE INITIALLY DEFERRED constraint trigger: it fires once, at commit, sends one
-- notification summarising every statement of the transaction and deletes the pending rows. A
-- rolled-back transaction (or savepoint) takes its pending rows with it and sends nothing.

-- Unlogged: the rows live only until their transaction commits (a crash loses nothing of value).
CREATE UNLOGGED TABLE portfolio.live_pending (
    txid       xid8        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('quote', 'fx')),
    symbol     text        NOT NULL,          -- a quote symbol, or an FX pair 'EUR/USD'
    rows       bigint      NOT NULL,
    inserted   bigint      NOT NULL,
    updated    bigint      NOT NULL,
    latest     timestamptz NOT NULL,
    PRIMARY KEY (txid, kind, symbol)
);
CREATE UNLOGGED TABLE portfolio.live_pending_txn (
    txid xid8 PRIMARY KEY
);
COMMENT ON TABLE portfolio.live_pending IS
    'quotes and FX rates loaded by transactions not yet committed; emptied by the commit-time notification';

-- The byte budget for the list part of a payload (the rest is a few hundred bytes at most).
CREATE FUNCTION portfolio.live_payload_budget() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 7000;

-- Adds one statement's rows (kind, symbol, ts, inserted?) to the transaction's pending summary.
CREATE FUNCTION portfolio.live_note(kind text, is_insert boolean, items jsonb) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    me xid8 := pg_current_xact_id();
BEGIN
    IF items IS NULL OR jsonb_array_length(items) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO portfolio.live_pending AS p (txid, kind, symbol, rows, inserted, updated, latest)
    SELECT me, live_note.kind, e.symbol, e.n,
           CASE WHEN is_insert THEN e.n ELSE 0 END, CASE WHEN is_insert THEN 0 ELSE e.n END, e.latest
    FROM jsonb_to_recordset(items) AS e(symbol text, n bigint, latest timestamptz)
    ON CONFLICT (txid, kind, symbol) DO UPDATE
        SET rows = p.rows + excluded.rows, inserted = p.inserted + excluded.inserted,
            updated = p.updated + excluded.updated, latest = greatest(p.latest, excluded.latest);
    INSERT INTO portfolio.live_pending_txn (txid) VALUES (me) ON CONFLICT DO NOTHING;
END
$$;
REVOKE ALL ON FUNCTION portfolio.live_note(text, boolean, jsonb) FROM PUBLIC;

-- The loaders' statement triggers (AFTER INSERT and AFTER UPDATE on quotes and on FX rates) share
-- one function: the table says which kind of rows new_rows holds, the event whether they are new.
CREATE FUNCTION portfolio.live_rows_loaded() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_TABLE_NAME = 'fx_rates' THEN
        PERFORM portfolio.live_note('fx', TG_OP = 'INSERT',
            (SELECT jsonb_agg(jsonb_build_object('symbol', pair, 'n', n, 'latest', latest))
             FROM (SELECT n.base || '/' || n.quote AS pair, count(*) AS n,
                          max(n.day::timestamp AT TIME ZONE 'UTC') AS latest
                   FROM new_rows n GROUP BY n.base, n.quote) s));
    ELSE  -- quotes
        PERFORM portfolio.live_note('quote', TG_OP = 'INSERT',
            (SELECT jsonb_agg(jsonb_build_object('symbol', symbol, 'n', n, 'latest', latest))
             FROM (SELECT n.symbol, count(*) AS n, max(n.ts) AS latest FROM new_rows n GROUP BY n.symbol) s));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER quotes_live_insert AFTER INSERT ON portfolio.quotes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_rows_loaded();
CREATE TRIGGER quotes_live_update AFTER UPDATE ON portfolio.quotes
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_rows_loaded();
CREATE TRIGGER fx_rates_live_insert AFTER INSERT ON portfolio.fx_rates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_rows_loaded();
CREATE TRIGGER fx_rates_live_update AFTER UPDATE ON portfolio.fx_rates
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION portfolio.live_rows_loaded();

-- A list of {"symbol", "latest", "rows"} objects, cut when its text would pass budget bytes.
-- Returns {"items": [...], "count": N, "truncated": bool}. Symbols in name order.
CREATE FUNCTION portfolio.live_list(me xid8, which text, budget integer) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH items AS (
        SELECT p.symbol, jsonb_build_object('symbol', p.symbol, 'latest', p.latest, 'rows', p.rows) AS item
        FROM portfolio.live_pending p WHERE p.txid = me AND p.kind = which
    ), sized AS (
        SELECT item, sum(octet_length(item::text) + 2) OVER (ORDER BY symbol) AS running, symbol
        FROM items
    )
    SELECT jsonb_build_object(
        'items', coalesce(jsonb_agg(item ORDER BY symbol) FILTER (WHERE running <= budget), '[]'::jsonb),
        'count', count(*),
        'truncated', count(*) FILTER (WHERE running > budget) > 0)
    FROM sized
$$;

-- Fires once per transaction at commit (deferred): one NOTIFY portfolio_quotes.
CREATE FUNCTION portfolio.live_send_quotes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    me xid8 := NEW.txid;
    q jsonb;
    f jsonb;
    totals record;
    payload text;
BEGIN
    SELECT coalesce(sum(rows) FILTER (WHERE kind = 'quote'), 0) AS quote_rows,
           coalesce(sum(inserted) FILTER (WHERE kind = 'quote'), 0) AS quote_inserted,
           coalesce(sum(updated) FILTER (WHERE kind = 'quote'), 0) AS quote_updated,
           coalesce(sum(rows) FILTER (WHERE kind = 'fx'), 0) AS fx_rows,
           max(latest) FILTER (WHERE kind = 'quote') AS latest
      INTO totals FROM portfolio.live_pending WHERE txid = me;
    -- quotes get most of the budget; FX pairs are few
    q := portfolio.live_list(me, 'quote', portfolio.live_payload_budget() - 1000);
    f := portfolio.live_list(me, 'fx', 800);
    payload := jsonb_build_object(
        'event', 'quotes',
        'txid', me::text,
        'at', statement_timestamp(),
        'rows', totals.quote_rows,
        'inserted', totals.quote_inserted,
        'updated', totals.quote_updated,
        'latest', totals.latest,
        'symbol_count', q->'count',
        'symbols', q->'items',
        'truncated', (q->>'truncated')::boolean OR (f->>'truncated')::boolean,
        'fx_rows', totals.fx_rows,
        'fx_pair_count', f->'count',
        'fx_pairs', f->'items')::text;
    DELETE FROM portfolio.live_pending WHERE txid = me;
    DELETE FROM portfolio.live_pending_txn WHERE txid = me;
    IF totals.quote_rows + totals.fx_rows > 0 THEN
        PERFORM pg_notify('portfolio_quotes', payload);
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER live_pending_txn_notify AFTER INSERT ON portfolio.live_pending_txn
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION portfolio.live_send_quotes();
-- Always, not only in origin sessions: on a logical-replication subscriber the apply worker runs
-- as a replica session, and replicated quotes must notify there too (70_scale_out.sql).
ALTER TABLE portfolio.live_pending_txn ENABLE ALWAYS TRIGGER live_pending_txn_notify;

-- Called at the end of portfolio.refresh(): one NOTIFY portfolio_refresh listing the views this
-- transaction refreshed (refresh_log rows started since the transaction began), their row counts,
-- durations and whether they failed. Never the error text: any role that can log in may LISTEN,
-- and a refresh error names a portfolio, an instrument and a trade (refresh_log keeps it, for the
-- operators who may read that table).
CREATE FUNCTION portfolio.notify_refresh() RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    payload text;
BEGIN
    SELECT jsonb_build_object(
        'event', 'refresh',
        'at', clock_timestamp(),
        -- ok: the run worked and no portfolio failed (which ones, and why, is for operators:
        -- valuation_status; a payload names no portfolio)
        'ok', coalesce(bool_and(l.error IS NULL AND coalesce(l.failed, 0) = 0), true),
        'views', coalesce(jsonb_agg(jsonb_build_object(
                     'view', l.view_name, 'rows', l.rows, 'concurrent', l.concurrent,
                     'seconds', round(extract(epoch FROM l.finished_at - l.started_at)::numeric, 3),
                     'failed', l.error IS NOT NULL,
                     'portfolios', l.portfolios, 'portfolios_failed', l.failed) ORDER BY l.id), '[]'::jsonb))::text
      INTO payload
      FROM (SELECT * FROM portfolio.refresh_log r WHERE r.started_at >= now() ORDER BY r.id LIMIT 10) l;
    PERFORM pg_notify('portfolio_refresh', payload);
END
$$;
REVOKE ALL ON FUNCTION portfolio.notify_refresh() FROM PUBLIC;
