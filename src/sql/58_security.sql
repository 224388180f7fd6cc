-- Multi-user isolation: group roles, row-level security and minimal grants.
--
-- Roles are cluster-wide, not part of the extension: they are created here only if missing and
-- survive DROP EXTENSION (docs/operations.md).
--   portfolio_user    NOLOGIN; grant it to each login that keeps portfolios. Its members read and
--                     change the portfolios (and their transactions) whose owner role they belong to.
--   portfolio_reader  NOLOGIN; read-only, every portfolio: for BI tools (Grafana, Metabase).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portfolio_user') THEN
        CREATE ROLE portfolio_user NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portfolio_reader') THEN
        CREATE ROLE portfolio_reader NOLOGIN;
    END IF;
END
$$;

ALTER TABLE portfolio.portfolios ENABLE ROW LEVEL SECURITY;
ALTER TABLE portfolio.transactions ENABLE ROW LEVEL SECURITY;

-- The access rule (44_access_rule.sql). On portfolios it is written on the row itself, in the
-- form that costs one check per query (InitPlans): a policy reading readable_portfolios would not
-- see a row the same statement inserts (INSERT ... RETURNING would fail its read policy). Every
-- row that belongs to a portfolio is seen when its portfolio is in readable_portfolios and changed
-- when it is in writable_portfolios. INSERT and UPDATE are checked too: nobody creates a
-- portfolio for another role, hands one over, or moves rows into someone else's portfolio.
CREATE POLICY portfolios_read ON portfolio.portfolios FOR SELECT
    USING ((SELECT portfolio.reads_all()) OR owner = ANY ((SELECT portfolio.member_roles())::name[]));
CREATE POLICY portfolios_insert ON portfolio.portfolios FOR INSERT
    WITH CHECK (owner = ANY ((SELECT portfolio.member_roles())::name[]));
CREATE POLICY portfolios_update ON portfolio.portfolios FOR UPDATE
    USING (owner = ANY ((SELECT portfolio.member_roles())::name[]))
    WITH CHECK (owner = ANY ((SELECT portfolio.member_roles())::name[]));
CREATE POLICY portfolios_delete ON portfolio.portfolios FOR DELETE
    USING (owner = ANY ((SELECT portfolio.member_roles())::name[]));

-- A transaction belongs to a portfolio: the same rule through its portfolio.
CREATE POLICY transactions_read ON portfolio.transactions FOR SELECT
    USING (portfolio_id IN (SELECT r.id FROM portfolio.readable_portfolios r));
CREATE POLICY transactions_insert ON portfolio.transactions FOR INSERT
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
CREATE POLICY transactions_update ON portfolio.transactions FOR UPDATE
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w))
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));
CREATE POLICY transactions_delete ON portfolio.transactions FOR DELETE
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));

-- Grants: nothing for PUBLIC on tables; the two roles get exactly what they need.
REVOKE ALL ON ALL TABLES IN SCHEMA portfolio FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA portfolio FROM PUBLIC;
GRANT USAGE ON SCHEMA portfolio TO portfolio_user, portfolio_reader;
-- the policies read the rule's relations as the calling role
GRANT SELECT ON portfolio.readable_portfolios, portfolio.writable_portfolios TO portfolio_user, portfolio_reader;

GRANT SELECT, INSERT, UPDATE, DELETE ON portfolio.portfolios, portfolio.transactions TO portfolio_user;
GRANT USAGE ON SEQUENCE portfolio.portfolios_id_seq, portfolio.transactions_id_seq TO portfolio_user;
GRANT SELECT, INSERT ON portfolio.instruments TO portfolio_user;   -- add new symbols, not change others'
GRANT SELECT ON portfolio.quotes, portfolio.last_quotes, portfolio.fx_rates, portfolio.settings TO portfolio_user;
GRANT SELECT ON portfolio.positions, portfolio.cash, portfolio.allocation, portfolio.portfolio_daily,
                portfolio.pnl_monthly, portfolio.performance TO portfolio_user;

GRANT SELECT ON portfolio.portfolios, portfolio.transactions, portfolio.instruments, portfolio.quotes, portfolio.last_quotes,
                portfolio.fx_rates, portfolio.settings, portfolio.refresh_log,
                portfolio.positions, portfolio.cash, portfolio.allocation, portfolio.portfolio_daily,
                portfolio.pnl_monthly, portfolio.performance, portfolio.valuation_status TO portfolio_reader;
-- The views above read the stored ledger ends and figures through these (each applies the
-- access rule itself).
GRANT SELECT ON portfolio.ledger_ends_current, portfolio.performance_stored TO portfolio_user, portfolio_reader;
-- Owners recompute their own portfolios at once (the procedure checks the owner).
GRANT EXECUTE ON PROCEDURE portfolio.refresh(bigint) TO portfolio_user;
-- portfolio.daily_series, ledger_ends, performance_figures, valuation_queue, holdings_to_check,
-- quotes_rejected: no grants
-- (the owner only).
