-- One notion of "today", and the as-of date that reports are computed for. docs/operations.md,
-- "Today and as-of dates".
--
-- Portfolio days are UTC days everywhere in the model: a daily bar sits at 00:00 UTC of its
-- trading date, a transaction belongs to the UTC day of executed_at, FX rates are per UTC day.
-- So "today" is the UTC date of the transaction's start (now()), never current_date, which follows
-- the session's TimeZone: a Pacific session at 02:30 UTC on the 1st of a month would still be on
-- the last day of the previous month, and a pg_cron worker uses the server's time zone.
--
-- Two dates, each with one job:
--   today()   the real business date. Refresh, partition upkeep and health use it: what the
--             server must hold now does not change with a reader's report date.
--   as_of()   the date the views report for: the setting portfolio.as_of when a session (or a
--             role, or a function's SET clause) sets it, else today(). Positions, cash,
--             allocation, portfolio_daily, P/L, performance, data quality, risk checks and
--             rebalance read transactions and quotes up to the end of that day only, so
--                 SET portfolio.as_of = '2025-12-31';
--             gives the month-end statement that was true then, and a test pins its day with it.
-- Both are STABLE (fixed for a transaction: now() is its start). Views call them as scalar
-- subqueries, (SELECT portfolio.as_of()), so that a query evaluates them once (an InitPlan), not
-- once per row.

CREATE FUNCTION portfolio.today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (pg_catalog.now() AT TIME ZONE 'UTC')::date;
COMMENT ON FUNCTION portfolio.today() IS
    'the business date: the UTC date of the transaction''s start, whatever the session''s TimeZone';

-- PL/pgSQL for the message: an unset or RESET setting reads as '' (or NULL before any SET).
-- No exception block (a subtransaction is not allowed in a parallel worker): the format is
-- checked by pattern, and an impossible day such as 2025-02-30 fails in the cast itself (22008).
CREATE FUNCTION portfolio.as_of() RETURNS date
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    wanted text := current_setting('portfolio.as_of', true);
    today date := portfolio.today();
    day date;
BEGIN
    IF wanted IS NULL OR btrim(wanted) = '' THEN
        RETURN today;
    END IF;
    IF btrim(wanted) !~ '^\d{4}-\d{2}-\d{2}$' THEN
        RAISE EXCEPTION 'portfolio.as_of must be a date written YYYY-MM-DD, not "%"', wanted
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SET portfolio.as_of = ''2025-12-31''; RESET portfolio.as_of reports for today.';
    END IF;
    day := btrim(wanted)::date;
    IF day > today THEN
        RAISE EXCEPTION 'portfolio.as_of % is after today, % (UTC)', day, today
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Reports can be asked for today or a past day; portfolio_daily ends today.';
    END IF;
    RETURN day;
END
$$;
COMMENT ON FUNCTION portfolio.as_of() IS
    'the date reports are computed for: the setting portfolio.as_of (YYYY-MM-DD) when set, else today()';

-- The first instant after the as-of day: views see transactions and quotes strictly before it.
CREATE FUNCTION portfolio.as_of_cutoff() RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (portfolio.as_of() + 1)::timestamp AT TIME ZONE 'UTC';
COMMENT ON FUNCTION portfolio.as_of_cutoff() IS
    'the end of the as-of day (00:00 UTC of the next day): rows at or after it are not reported';

-- The instant ages are measured from: now, or the end of the as-of day when that is earlier
-- (a quote's age and the fetcher's rejections "in the last day" as of a past date).
CREATE FUNCTION portfolio.as_of_instant() RETURNS timestamptz
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN least(pg_catalog.now(), portfolio.as_of_cutoff());
COMMENT ON FUNCTION portfolio.as_of_instant() IS
    'now(), or the end of the as-of day when portfolio.as_of names a past day';
