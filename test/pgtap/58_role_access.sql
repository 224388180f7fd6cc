-- Every view granted to a role works for that role, read whole (no filter): as a member of
-- portfolio_user, of portfolio_reader, and as a role with no grants (refused, 42501). A view
-- that calls a function the role may not execute fails here (health and cron_job_state did).
BEGIN;
SELECT plan(4);
SET LOCAL client_min_messages = warning;
CREATE ROLE pgp_acc_user NOLOGIN IN ROLE portfolio_user;
CREATE ROLE pgp_acc_reader NOLOGIN IN ROLE portfolio_reader;
CREATE ROLE pgp_acc_nobody NOLOGIN;

-- reads every view of the schema the role may select from; returns the ones that failed
CREATE FUNCTION pg_temp.unreadable_views(who name) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    v regclass;
    bad text[] := '{}';
BEGIN
    FOR v IN SELECT c.oid::regclass FROM pg_class c
             WHERE c.relnamespace = 'portfolio'::regnamespace AND c.relkind IN ('v', 'm')
               AND has_table_privilege(who, c.oid, 'SELECT') ORDER BY 1 LOOP
        BEGIN
            EXECUTE format('SET LOCAL ROLE %I', who);
            EXECUTE format('SELECT count(*) FROM %s', v);
            RESET ROLE;
        EXCEPTION WHEN OTHERS THEN
            RESET ROLE;
            bad := bad || format('%s: %s', v, SQLERRM);
        END;
    END LOOP;
    RETURN bad;
END $$;

SELECT is(pg_temp.unreadable_views('pgp_acc_user'), '{}'::text[], 'portfolio_user reads every view granted to it');
SELECT is(pg_temp.unreadable_views('pgp_acc_reader'), '{}'::text[], 'portfolio_reader reads every view granted to it, health included');
SELECT is((SELECT count(*)::int FROM pg_class c WHERE c.relnamespace = 'portfolio'::regnamespace
           AND c.relkind IN ('v', 'm') AND has_table_privilege('pgp_acc_reader', c.oid, 'SELECT')
           AND c.relname IN ('health', 'positions', 'performance', 'data_quality', 'risk_checks')), 5,
          'the reader is granted the views dashboards use');
SET LOCAL ROLE pgp_acc_nobody;
SELECT throws_ok('SELECT count(*) FROM portfolio.positions', '42501', NULL, 'a role with no grants reads nothing');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
