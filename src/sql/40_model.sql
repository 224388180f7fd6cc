-- The portfolio data model: portfolios, instruments, transactions, settings.
-- Money and quantities are numeric (exact). Conventions are in docs/data-model.md.

CREATE TYPE portfolio.txn_kind AS ENUM (
    'buy', 'sell', 'dividend', 'interest', 'fee', 'deposit', 'withdrawal', 'split',
    'transfer_in', 'transfer_out');
COMMENT ON TYPE portfolio.txn_kind IS
    'what a transaction does; split: quantity = new shares per old share';

CREATE TABLE portfolio.portfolios (
    id               bigserial   PRIMARY KEY,
    name             text        NOT NULL,
    owner            name        NOT NULL DEFAULT current_user,
    base_currency    text        NOT NULL DEFAULT 'USD' CHECK (base_currency ~ '^[A-Z]{3}$'),
    benchmark_symbol text,
    cost_method      text        NOT NULL DEFAULT 'fifo'
                                 CHECK (cost_method IN ('fifo', 'lifo', 'average', 'hifo')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner, name)
);
COMMENT ON TABLE portfolio.portfolios IS
    'one row per portfolio; owner is the role whose members see and change it (row-level security)';

CREATE TABLE portfolio.instruments (
    symbol      text PRIMARY KEY,
    name        text,
    currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    asset_class text NOT NULL DEFAULT 'equity',
    sector      text,
    exchange    text
);
COMMENT ON TABLE portfolio.instruments IS
    'tradable instruments; symbol is the key of portfolio.quotes; prices are in currency';

CREATE TABLE portfolio.transactions (
    id           bigserial   PRIMARY KEY,
    portfolio_id bigint      NOT NULL REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    instrument   text        REFERENCES portfolio.instruments (symbol) ON UPDATE CASCADE,
    executed_at  timestamptz NOT NULL,
    kind         portfolio.txn_kind NOT NULL,
    quantity     numeric,    -- shares (> 0) for trades; the ratio for a split
    price        numeric,    -- per share, in the instrument's currency
    fees         numeric     NOT NULL DEFAULT 0 CHECK (fees >= 0),
    amount       numeric,    -- the cash amount of dividend, interest, deposit, withdrawal
    currency     text        CHECK (currency ~ '^[A-Z]{3}$'),  -- filled by a trigger when NULL
    external_id  text,       -- the importer's id: unique per portfolio, so imports are idempotent
    note         text,
    UNIQUE (portfolio_id, external_id),
    CONSTRAINT transactions_shape CHECK (coalesce(CASE kind
        WHEN 'buy'          THEN instrument IS NOT NULL AND quantity > 0 AND price >= 0
        WHEN 'sell'         THEN instrument IS NOT NULL AND quantity > 0 AND price >= 0
        WHEN 'transfer_in'  THEN instrument IS NOT NULL AND quantity > 0 AND price >= 0
        WHEN 'transfer_out' THEN instrument IS NOT NULL AND quantity > 0 AND (price IS NULL OR price >= 0)
        WHEN 'split'        THEN instrument IS NOT NULL AND quantity > 0
        WHEN 'dividend'     THEN instrument IS NOT NULL AND amount IS NOT NULL
        WHEN 'interest'     THEN amount IS NOT NULL
        WHEN 'fee'          THEN fees > 0
        WHEN 'deposit'      THEN instrument IS NULL AND amount > 0
        WHEN 'withdrawal'   THEN instrument IS NULL AND amount > 0
    END, false))
);
CREATE INDEX transactions_position ON portfolio.transactions (portfolio_id, instrument, executed_at, id);
COMMENT ON TABLE portfolio.transactions IS
    'the ledger; positions, cash and P/L are computed from it (docs/data-model.md)';
COMMENT ON COLUMN portfolio.transactions.quantity IS
    'shares (> 0) for buy, sell, transfer_in, transfer_out; for split the ratio: new shares per old share';

-- A transaction's cash currency: the instrument's currency (anything else is refused: prices and
-- cost bases are kept in the instrument's currency), else the portfolio's base currency.
CREATE FUNCTION portfolio.transactions_currency() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ccy text;
BEGIN
    IF NEW.instrument IS NOT NULL THEN
        SELECT i.currency INTO ccy FROM portfolio.instruments i WHERE i.symbol = NEW.instrument;
        IF NEW.currency IS NOT NULL AND NEW.currency <> ccy THEN
            RAISE EXCEPTION 'a % of % must be in %, the instrument''s currency, not %',
                NEW.kind, NEW.instrument, ccy, NEW.currency
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        NEW.currency := ccy;
    ELSIF NEW.currency IS NULL THEN
        SELECT p.base_currency INTO NEW.currency FROM portfolio.portfolios p WHERE p.id = NEW.portfolio_id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER transactions_currency BEFORE INSERT OR UPDATE ON portfolio.transactions
    FOR EACH ROW EXECUTE FUNCTION portfolio.transactions_currency();

-- Settings: an empty table means every default. Values are validated by the CHECK.
CREATE TABLE portfolio.settings (
    key   text PRIMARY KEY CONSTRAINT settings_key_check CHECK (key IN (
              'stale_quote_days', 'fx_max_staleness_days', 'refresh_work_mem_mb',
              'stale_business_days', 'gap_window_days', 'suspicious_move_pct', 'rebalance_cost_bps')),
    value integer NOT NULL CHECK (value >= 0)
);
COMMENT ON TABLE portfolio.settings IS
    'stale_quote_days: no longer used (since 0.2 positions use stale_business_days, as data_quality); '
    'fx_max_staleness_days (default 7): how long an FX rate is carried forward over gaps; '
    'refresh_work_mem_mb (default 256): work_mem for portfolio.refresh(); '
    'stale_business_days (3): a quote older than this many business days is stale (positions, data_quality); '
    'gap_window_days (30), suspicious_move_pct (25): data_quality; '
    'rebalance_cost_bps (0): estimated trading cost in rebalance()';

-- PL/pgSQL, not SQL: fx_rate() and the views call it once or more per row, and a SQL function
-- with a SET clause is planned again in every query; PL/pgSQL keeps the plan for the session.
CREATE FUNCTION portfolio.setting(key text) RETURNS integer
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN coalesce((SELECT s.value FROM portfolio.settings s WHERE s.key = setting.key),
                    CASE key WHEN 'stale_quote_days' THEN 5 WHEN 'fx_max_staleness_days' THEN 7
                             WHEN 'refresh_work_mem_mb' THEN 256
                             WHEN 'stale_business_days' THEN 3 WHEN 'gap_window_days' THEN 30
                             WHEN 'suspicious_move_pct' THEN 25 WHEN 'rebalance_cost_bps' THEN 0 END);
END
$$;
COMMENT ON FUNCTION portfolio.setting(text) IS 'the value of a setting, or its default';

SELECT pg_catalog.pg_extension_config_dump('portfolio.portfolios', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.portfolios_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.instruments', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.transactions', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.transactions_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('portfolio.settings', '');
