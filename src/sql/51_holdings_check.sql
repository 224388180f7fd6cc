-- Holdings are validated when written: a transaction that would leave a position short is refused
-- when the writing transaction commits (SQLSTATE PF001, the message position_agg gives), so no
-- view and no refresh ever meets an oversold position (docs/data-model.md, "Validated when written").

-- Replays one position's whole ledger through position_agg, which raises PF001 at the first
-- transaction that sells more than is held. Concurrent writers of one portfolio are serialized
-- here (a transaction-scoped advisory lock, taken before the ledger is read), so two sells that
-- are each fine alone cannot both commit.
CREATE FUNCTION portfolio.check_holdings(portfolio_id bigint, instrument text) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1886154849, hashint8(check_holdings.portfolio_id));
    PERFORM portfolio.position_agg(t.executed_at, t.kind,
                                   portfolio.position_quantity_arg(t.kind, t.quantity),
                                   portfolio.position_price_arg(t.kind, t.price, t.amount), t.fees,
                                   p.cost_method, portfolio.position_label(p.id, p.name, t.instrument)
                                   ORDER BY t.executed_at, portfolio.same_time_order(t.kind), t.id)
    FROM portfolio.transactions t JOIN portfolio.portfolios p ON p.id = t.portfolio_id
    WHERE t.portfolio_id = check_holdings.portfolio_id AND t.instrument = check_holdings.instrument;
END
$$;
COMMENT ON FUNCTION portfolio.check_holdings(bigint, text) IS
    'raises PF001 when the ledger of (portfolio, instrument) sells more than it holds at some point';

-- The positions a writing transaction touched, one row per statement and position, checked (and
-- deleted) by a deferred trigger at commit. Rows live only inside their writing transaction: the
-- table never holds a committed row.
CREATE TABLE portfolio.holdings_to_check (
    portfolio_id bigint NOT NULL,
    instrument   text   NOT NULL
);
CREATE INDEX holdings_to_check_position ON portfolio.holdings_to_check (portfolio_id, instrument);
COMMENT ON TABLE portfolio.holdings_to_check IS
    'private: positions to check at commit (never holds a committed row)';

-- At commit, once per position: the first event of a position deletes all of its pending rows and
-- checks it; the later events of the same position find nothing left. A statement after
-- SET CONSTRAINTS ... IMMEDIATE adds rows again, so it is checked again.
CREATE FUNCTION portfolio.holdings_check() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM portfolio.holdings_to_check c
     WHERE c.portfolio_id = NEW.portfolio_id AND c.instrument = NEW.instrument;
    IF FOUND THEN
        PERFORM portfolio.check_holdings(NEW.portfolio_id, NEW.instrument);
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER holdings_check AFTER INSERT ON portfolio.holdings_to_check
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION portfolio.holdings_check();

-- Which writes can leave a position short: an inserted sell or transfer_out; a deleted buy,
-- transfer_in or split; any update (old and new position). Buys inserted in bulk cost no check.
CREATE FUNCTION portfolio.transactions_queue_checks() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO portfolio.holdings_to_check (portfolio_id, instrument)
        SELECT DISTINCT n.portfolio_id, n.instrument FROM new_rows n
        WHERE n.instrument IS NOT NULL AND n.kind IN ('sell', 'transfer_out');
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO portfolio.holdings_to_check (portfolio_id, instrument)
        SELECT DISTINCT o.portfolio_id, o.instrument FROM old_rows o
        WHERE o.instrument IS NOT NULL AND o.kind IN ('buy', 'transfer_in', 'split');
    ELSE
        INSERT INTO portfolio.holdings_to_check (portfolio_id, instrument)
        SELECT o.portfolio_id, o.instrument FROM old_rows o WHERE o.instrument IS NOT NULL
        UNION
        SELECT n.portfolio_id, n.instrument FROM new_rows n WHERE n.instrument IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER transactions_check_insert AFTER INSERT ON portfolio.transactions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_queue_checks();
CREATE TRIGGER transactions_check_update AFTER UPDATE ON portfolio.transactions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_queue_checks();
CREATE TRIGGER transactions_check_delete AFTER DELETE ON portfolio.transactions
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio.transactions_queue_checks();
REVOKE ALL ON FUNCTION portfolio.holdings_check() FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.transactions_queue_checks() FROM PUBLIC;
