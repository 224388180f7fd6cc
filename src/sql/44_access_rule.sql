-- Who may see and change a portfolio, the one rule. Written for many rows: in the policies of
-- portfolios itself (58_security.sql: on the row, since a policy cannot read a row its own
-- statement inserts); in readable_portfolios / writable_portfolios below, which every other policy
-- (transactions, watchlist, risk_limits) reads; and on the joined portfolio row in the views that
-- run with their owner's rights (portfolio_daily, ledger_ends_current, performance_stored): joined
-- through readable_portfolios, a security barrier inside theirs, a lookup of one portfolio's
-- stored end scanned every portfolio (the BI role's positions total went from 0.46 s to 3.9 s).

-- Who may read / change a portfolio: members of its owner role (the owner itself included);
-- members of portfolio_reader read every portfolio. A dropped owner role matches nobody.
-- Plain expressions of built-in functions and no SET clause, so the planner inlines them (the
-- SQL-standard body is bound at creation: no search_path risk). For your own queries.
CREATE FUNCTION portfolio.may_write(owner name) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN owner = CURRENT_USER
        OR coalesce(pg_catalog.pg_has_role(pg_catalog.to_regrole(owner::text), 'MEMBER'), false);
CREATE FUNCTION portfolio.reads_all() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce(pg_catalog.pg_has_role(pg_catalog.to_regrole('portfolio_reader'), 'MEMBER'), false);
CREATE FUNCTION portfolio.may_read(owner name) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN portfolio.reads_all() OR portfolio.may_write(owner);

-- The same rule for row-level security, where it runs once per portfolio row: the names of the
-- roles current_user is a member of, directly or through other roles, itself included (the
-- owners for which may_write() is true, for a role that is not a superuser; superusers and the
-- tables' owner bypass row-level security, and superusers are members of portfolio_reader).
-- The relations below write the rule as
--     (SELECT portfolio.reads_all()) OR owner = ANY ((SELECT portfolio.member_roles())::name[])
-- (the cast makes "ANY (...)" take an array expression, not a subquery of rows).
-- Both scalar subqueries are independent of the row, so the planner runs each once per query (an
-- InitPlan) and a row costs one comparison with a few names, instead of a role lookup by name
-- (to_regrole) and a membership test. bench/model.sh, positions of one portfolio among 1,000:
-- 21 ms -> 7 ms as portfolio_reader. (A function with a subquery is not inlined, so this cannot
-- live inside may_write.) test/pgtap/40_model_security.sql checks both forms agree.
-- PL/pgSQL: its plan is kept for the session (a SQL function would plan the recursive query again
-- in every InitPlan, about 1 ms each, and a policy query has several).
CREATE FUNCTION portfolio.member_roles() RETURNS name[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (WITH RECURSIVE member_of(role_id) AS (
                SELECT r.oid FROM pg_roles r WHERE r.rolname = CURRENT_USER
                UNION
                SELECT m.roleid FROM pg_auth_members m JOIN member_of ON m.member = member_of.role_id)
            SELECT array_agg(r.rolname) FROM member_of JOIN pg_roles r ON r.oid = member_of.role_id);
END
$$;

-- The rule as relations: the portfolios the calling role may read, and those it may change.
-- Not security_invoker: owned by the extension's owner, which owns portfolios, they read it past
-- its row-level security and apply the rule themselves, for the calling role (current_user), the
-- same as portfolios' policies (test/pgtap/40_model_security.sql). Both scalar subqueries of the rule
-- stay InitPlans: one check per query (test/pgtap/40_model_security.sql asserts the plan).
CREATE VIEW portfolio.readable_portfolios WITH (security_barrier = true) AS
SELECT p.* FROM portfolio.portfolios p
WHERE (SELECT portfolio.reads_all()) OR p.owner = ANY ((SELECT portfolio.member_roles())::name[]);
COMMENT ON VIEW portfolio.readable_portfolios IS 'the portfolios the calling role may read (the access rule)';
CREATE VIEW portfolio.writable_portfolios WITH (security_barrier = true) AS
SELECT p.* FROM portfolio.portfolios p
WHERE p.owner = ANY ((SELECT portfolio.member_roles())::name[]);
COMMENT ON VIEW portfolio.writable_portfolios IS 'the portfolios the calling role may change (the access rule)';
