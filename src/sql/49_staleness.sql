-- Staleness, the one rule (positions.price_stale, data_quality, data_quality_positions and
-- risk_checks all use quote_is_stale()): a quote is stale when it is more than
-- setting('stale_business_days') (default 3) business days before the as-of day.

-- Business days (Monday to Friday; no holiday calendar) in (from_day, to_day]; 0 when to_day is
-- not after from_day. By arithmetic, not by listing the days: five a whole week, then the weekdays
-- among the (at most 6) days left, so any span costs the same. An infinite bound is an error.
CREATE FUNCTION portfolio.business_days_between(from_day date, to_day date) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
-- Expressions only (no query, no SET clause: it names nothing outside pg_catalog): it runs per
-- quote in data_quality and per position in data_quality_positions, 1.4 us a call here, where
-- counting the leftover days with a generate_series subquery took 32 us.
DECLARE
    span integer;
    dow integer;    -- ISO day of week of from_day (1 = Monday)
    rest integer;   -- days after the whole weeks: ISO weekdays dow + 1 .. dow + rest, past 7 wrapping
BEGIN
    IF NOT isfinite(from_day) OR NOT isfinite(to_day) THEN
        RAISE EXCEPTION 'business_days_between: the range % .. % must have finite dates', from_day, to_day
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    span := to_day - from_day;
    IF span <= 0 THEN
        RETURN 0;
    END IF;
    dow := extract(isodow FROM from_day)::integer;
    rest := span % 7;
    -- the weekdays among dow + 1 .. dow + rest: those up to 5 (Friday), and 8 .. 12 (Monday to
    -- Friday of the next week)
    RETURN span / 7 * 5 + greatest(0, least(5, dow + rest) - dow)
                        + greatest(0, least(12, dow + rest) - greatest(8, dow + 1) + 1);
END
$$;

-- A quote (its bar time) is stale when it is missing or more than stale_business_days business
-- days before the as-of day (UTC days; today unless portfolio.as_of is set).
CREATE FUNCTION portfolio.quote_is_stale(ts timestamptz) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN ts IS NULL OR portfolio.business_days_between((ts AT TIME ZONE 'UTC')::date, portfolio.as_of())
                         > portfolio.setting('stale_business_days');
