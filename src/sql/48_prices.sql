-- The price of a holding, the one rule: the close of the symbol's last quote before an instant
-- (positions use the end of the as-of day). Two ways to the same answer:
--   * portfolio.last_quotes keeps each symbol's last quote of all, so a read for today (or any
--     day after it) is one row by key: the BI role's positions of 1,000 portfolios look up
--     30,000 prices, and a lookup across the monthly partitions made PostgreSQL estimate the
--     query at millions and spend seconds compiling it (JIT);
--   * portfolio.quote_before(symbol, before) finds the quote in portfolio.quotes, for an instant
--     before the symbol's last quote (an as-of day in the past).

-- Each symbol's last quote. Kept by quotes_changed() (53_valuation_queue.sql), which every write
-- to quotes calls, from the statement triggers and, on a subscriber, from the replicated rows'
-- triggers (70_scale_out.sql). Readable like quotes; written only by that function.
CREATE TABLE portfolio.last_quotes (
    symbol text        PRIMARY KEY,
    ts     timestamptz NOT NULL,
    close  numeric     NOT NULL
);
COMMENT ON TABLE portfolio.last_quotes IS
    'each symbol''s last quote (ts, close); kept by the triggers on portfolio.quotes';

-- Sets the last quote of the given symbols from portfolio.quotes (no row: a symbol without quotes).
CREATE FUNCTION portfolio.last_quotes_changed(symbols text[]) RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    DELETE FROM portfolio.last_quotes l
     WHERE l.symbol = ANY (last_quotes_changed.symbols)
       AND NOT EXISTS (SELECT 1 FROM portfolio.quotes q WHERE q.symbol = l.symbol);
    INSERT INTO portfolio.last_quotes AS l (symbol, ts, close)
    SELECT s.symbol, q.ts, q.close
    FROM (SELECT DISTINCT u.symbol FROM unnest(last_quotes_changed.symbols) u(symbol) ORDER BY 1) s
    CROSS JOIN LATERAL (SELECT qq.ts, qq.close FROM portfolio.quotes qq
                        WHERE qq.symbol = s.symbol ORDER BY qq.ts DESC LIMIT 1) q
    ON CONFLICT (symbol) DO UPDATE SET ts = excluded.ts, close = excluded.close
        WHERE (l.ts, l.close) IS DISTINCT FROM (excluded.ts, excluded.close);
END;
REVOKE ALL ON FUNCTION portfolio.last_quotes_changed(text[]) FROM PUBLIC;

-- The symbol's last quote before an instant, from portfolio.quotes. PL/pgSQL, so the planner of
-- a view that calls it per holding sees one call of known cost (a SQL lookup across the monthly
-- partitions is estimated at the cost of scanning every partition).
CREATE FUNCTION portfolio.quote_before(symbol text, before timestamptz)
    RETURNS TABLE (ts timestamptz, close numeric)
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE ROWS 1
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY SELECT q.ts, q.close FROM portfolio.quotes q
                 WHERE q.symbol = quote_before.symbol AND q.ts < quote_before.before
                 ORDER BY q.ts DESC LIMIT 1;
END
$$;
COMMENT ON FUNCTION portfolio.quote_before(text, timestamptz) IS
    'the time and close of a symbol''s last quote before an instant';
