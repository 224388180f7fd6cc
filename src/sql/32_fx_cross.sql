-- Cross rates: portfolios often need a pair no source quotes (EUR/CAD when the feed has EUR/USD and
-- USD/CAD). derive_cross_rates stores base/quote = base/via x via/quote for every day both legs
-- have a rate (each leg direct or inverted), marked source 'cross:<via>'. Stored rates from a real
-- source are never overwritten; re-running refreshes earlier derived ones.
CREATE FUNCTION portfolio.derive_cross_rates(base text, quote text, via text DEFAULT 'USD',
                                             from_day date DEFAULT '-infinity',
                                             to_day date DEFAULT 'infinity')
    RETURNS integer
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    stored integer;
BEGIN
    IF base = quote OR via IN (base, quote) THEN
        RAISE EXCEPTION 'derive_cross_rates: % / % via % is not a cross', base, quote, via
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    WITH legs AS (      -- every stored rate as (from, to, rate), both directions
        SELECT day, f.base AS c_from, f.quote AS c_to, f.rate FROM portfolio.fx_rates f
        WHERE f.day BETWEEN from_day AND to_day AND f.source NOT LIKE 'cross:%'
        UNION ALL
        SELECT day, f.quote, f.base, 1 / f.rate FROM portfolio.fx_rates f
        WHERE f.day BETWEEN from_day AND to_day AND f.source NOT LIKE 'cross:%'
    ), crossed AS (
        SELECT a.day, round(a.rate * b.rate, 12) AS rate
        FROM legs a JOIN legs b ON b.day = a.day
        WHERE a.c_from = base AND a.c_to = via AND b.c_from = via AND b.c_to = quote
    )
    INSERT INTO portfolio.fx_rates AS r (day, base, quote, rate, source)
    SELECT day, derive_cross_rates.base, derive_cross_rates.quote, rate, 'cross:' || via FROM crossed
    ON CONFLICT (day, base, quote) DO UPDATE SET rate = excluded.rate, fetched_at = now()
        WHERE r.source LIKE 'cross:%' AND r.rate IS DISTINCT FROM excluded.rate;
    GET DIAGNOSTICS stored = ROW_COUNT;
    RETURN stored;
END
$$;
COMMENT ON FUNCTION portfolio.derive_cross_rates(text, text, text, date, date) IS
    'stores base/quote cross rates derived through a third currency (default USD) for every day both legs exist';
