-- Reference data with an owner (issue 14): instruments, quotes and FX rates are written only by
-- the extension owner (an admin) or members of portfolio_loader, the role portfolio-fetch runs
-- as, and read by everyone with access. An owner who needs a new instrument asks for it in
-- portfolio.instrument_requests; a loader approves the request (approve_instrument_request) or
-- rejects it. A wrong instrument is corrected by an UPDATE of portfolio.instruments as a loader;
-- a corrected currency flows into the transactions of every portfolio that holds it.
--   portfolio_loader  NOLOGIN; grant it to the login the fetcher uses (docs/operations.md).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portfolio_loader') THEN
        CREATE ROLE portfolio_loader NOLOGIN;
    END IF;
END
$$;

-- Owners no longer add instruments themselves (one owner's wrong currency was every owner's).
REVOKE INSERT ON portfolio.instruments FROM portfolio_user;

GRANT USAGE ON SCHEMA portfolio TO portfolio_loader;
GRANT SELECT, INSERT, UPDATE, DELETE ON portfolio.instruments, portfolio.quotes, portfolio.fx_rates
    TO portfolio_loader;
-- portfolio-fetch records refused rows and looks up those it recorded before
GRANT SELECT, INSERT ON portfolio.quotes_rejected TO portfolio_loader;
GRANT USAGE ON SEQUENCE portfolio.quotes_rejected_id_seq TO portfolio_loader;
-- partitions (SECURITY DEFINER, 30_quotes.sql): the loader and the owner, nobody else
REVOKE ALL ON FUNCTION portfolio.ensure_quote_partitions(date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.maintain_quote_partitions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portfolio.ensure_quote_partitions(date, date),
                          portfolio.maintain_quote_partitions() TO portfolio_loader;
REVOKE ALL ON FUNCTION portfolio.derive_cross_rates(text, text, text, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portfolio.derive_cross_rates(text, text, text, date, date) TO portfolio_loader;

-- Requests for new instruments. An owner inserts symbol, currency and the descriptive columns
-- and sees only the requests of the roles they belong to; a loader sees and decides all of them.
CREATE TABLE portfolio.instrument_requests (
    id           bigserial   PRIMARY KEY,
    symbol       text        NOT NULL CHECK (symbol ~ '^\S{1,64}$'),
    name         text,
    currency     text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    asset_class  text        NOT NULL DEFAULT 'equity',
    sector       text,
    exchange     text,
    note         text,       -- the requester's: where the data comes from, why
    requested_by name        NOT NULL DEFAULT current_user,
    requested_at timestamptz NOT NULL DEFAULT now(),
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by   name,
    decided_at   timestamptz,
    decision     text,       -- the loader's note
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- one open request per symbol and requester
CREATE UNIQUE INDEX instrument_requests_pending ON portfolio.instrument_requests (symbol, requested_by)
    WHERE status = 'pending';
COMMENT ON TABLE portfolio.instrument_requests IS
    'owners ask for a new instrument here; a portfolio_loader approves (approve_instrument_request) or rejects it';

ALTER TABLE portfolio.instrument_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY instrument_requests_own_read ON portfolio.instrument_requests FOR SELECT
    USING (requested_by = ANY ((SELECT portfolio.member_roles())::name[]));
CREATE POLICY instrument_requests_own_insert ON portfolio.instrument_requests FOR INSERT
    WITH CHECK (requested_by = current_user AND status = 'pending' AND decided_by IS NULL);
CREATE POLICY instrument_requests_own_withdraw ON portfolio.instrument_requests FOR DELETE
    USING (requested_by = ANY ((SELECT portfolio.member_roles())::name[]) AND status = 'pending');
CREATE POLICY instrument_requests_loader ON portfolio.instrument_requests FOR ALL TO portfolio_loader
    USING (true) WITH CHECK (true);
GRANT SELECT, DELETE ON portfolio.instrument_requests TO portfolio_user;
GRANT INSERT (symbol, name, currency, asset_class, sector, exchange, note)
    ON portfolio.instrument_requests TO portfolio_user;
GRANT USAGE ON SEQUENCE portfolio.instrument_requests_id_seq TO portfolio_user;
GRANT SELECT, UPDATE ON portfolio.instrument_requests TO portfolio_loader;
-- pg_dump keeps its rows: registered in 90_config_dump_0_2.sql (the order of registration
-- is part of the catalog, and an upgrade from 0.1 registers it after every 0.1 table)

-- A loader's decision. Runs with the caller's rights: a loader (or the owner) inserts the
-- instrument and marks the request. Errors: no id (22004), no such request (22023), already
-- decided (55000), the symbol exists with another currency (23505: correct it or reject).
CREATE FUNCTION portfolio.approve_instrument_request(request_id bigint, decision text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r portfolio.instrument_requests;
    existing text;
BEGIN
    IF request_id IS NULL THEN
        RAISE EXCEPTION 'approve_instrument_request: request_id must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO r FROM portfolio.instrument_requests q WHERE q.id = request_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'instrument request % not found', request_id USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF r.status <> 'pending' THEN
        RAISE EXCEPTION 'instrument request % is % already', request_id, r.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT i.currency INTO existing FROM portfolio.instruments i WHERE i.symbol = r.symbol;
    IF existing IS NULL THEN
        INSERT INTO portfolio.instruments (symbol, name, currency, asset_class, sector, exchange)
        VALUES (r.symbol, r.name, r.currency, r.asset_class, r.sector, r.exchange);
    ELSIF existing <> r.currency THEN
        RAISE EXCEPTION 'instrument % exists already, in %, not %', r.symbol, existing, r.currency
            USING ERRCODE = 'unique_violation',
                  HINT = 'Reject the request (portfolio.reject_instrument_request), or correct the instrument with UPDATE portfolio.instruments.';
    END IF;   -- the same symbol and currency exist: the request is met as it is
    UPDATE portfolio.instrument_requests q
       SET status = 'approved', decided_by = current_user, decided_at = now(),
           decision = approve_instrument_request.decision
     WHERE q.id = request_id;
    RETURN r.symbol;
END
$$;
COMMENT ON FUNCTION portfolio.approve_instrument_request(bigint, text) IS
    'a loader''s approval: creates the requested instrument (or finds it as requested) and marks the request approved; returns the symbol';

CREATE FUNCTION portfolio.reject_instrument_request(request_id bigint, decision text)
    RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    current_status text;
BEGIN
    IF request_id IS NULL THEN
        RAISE EXCEPTION 'reject_instrument_request: request_id must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT q.status INTO current_status FROM portfolio.instrument_requests q WHERE q.id = request_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'instrument request % not found', request_id USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF current_status <> 'pending' THEN
        RAISE EXCEPTION 'instrument request % is % already', request_id, current_status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE portfolio.instrument_requests q
       SET status = 'rejected', decided_by = current_user, decided_at = now(),
           decision = reject_instrument_request.decision
     WHERE q.id = request_id;
END
$$;
COMMENT ON FUNCTION portfolio.reject_instrument_request(bigint, text) IS
    'a loader''s refusal of an instrument request, with the reason';
REVOKE ALL ON FUNCTION portfolio.approve_instrument_request(bigint, text),
                       portfolio.reject_instrument_request(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION portfolio.approve_instrument_request(bigint, text),
                          portfolio.reject_instrument_request(bigint, text) TO portfolio_loader;

-- A corrected currency flows into the ledger: transactions take their currency from the
-- instrument when written (transactions_currency, 40_model.sql), so every transaction of the
-- instrument, in every portfolio, is restamped. Positions read the instrument's currency and show
-- the correction at once, cash after this restamp (same transaction); portfolio_daily after the
-- next refresh(). SECURITY DEFINER: the loader may not see (row-level security) or write other
-- owners' transactions itself. A symbol correction needs nothing here: the foreign keys of
-- transactions and watchlist cascade it.
CREATE FUNCTION portfolio.instruments_currency_corrected() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE portfolio.transactions t SET currency = NEW.currency
     WHERE t.instrument = NEW.symbol AND t.currency IS DISTINCT FROM NEW.currency;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION portfolio.instruments_currency_corrected() FROM PUBLIC;
CREATE TRIGGER instruments_currency_corrected AFTER UPDATE OF currency ON portfolio.instruments
    FOR EACH ROW WHEN (OLD.currency IS DISTINCT FROM NEW.currency)
    EXECUTE FUNCTION portfolio.instruments_currency_corrected();
-- a subscriber's transactions follow a replicated correction too (70_scale_out.sql)
ALTER TABLE portfolio.instruments ENABLE ALWAYS TRIGGER instruments_currency_corrected;
