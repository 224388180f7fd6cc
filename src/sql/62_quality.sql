-- Data quality: per instrument (held or watched) and per portfolio position. docs/live-and-quality.md

-- Settings used here (table and defaults: portfolio.settings and portfolio.setting(), 40_model.sql):
--   stale_business_days (3)    a quote older than this many business days (Mon-Fri) is stale
--   gap_window_days     (30)   gaps and suspicious moves are looked for in the last N calendar days
--   suspicious_move_pct (25)   a one-day close-to-close change beyond this percentage is suspicious
--   rebalance_cost_bps  (0)    estimated trading cost of rebalance(), basis points of the value

-- business_days_between() and quote_is_stale(), the staleness rule: 49_staleness.sql

-- Instruments a portfolio watches without holding them (row-level security as transactions).
CREATE TABLE portfolio.watchlist (
    portfolio_id bigint NOT NULL REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,
    symbol       text   NOT NULL REFERENCES portfolio.instruments (symbol) ON UPDATE CASCADE,
    PRIMARY KEY (portfolio_id, symbol)
);
COMMENT ON TABLE portfolio.watchlist IS 'instruments a portfolio follows without holding (data_quality covers them)';
SELECT pg_catalog.pg_extension_config_dump('portfolio.watchlist', '');
ALTER TABLE portfolio.watchlist ENABLE ROW LEVEL SECURITY;
-- through its portfolio, by the access rule (44_access_rule.sql)
CREATE POLICY watchlist_read ON portfolio.watchlist FOR SELECT
    USING (portfolio_id IN (SELECT r.id FROM portfolio.readable_portfolios r));
CREATE POLICY watchlist_write ON portfolio.watchlist FOR ALL
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w))
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));

-- What the fetcher quarantined in [since, until), per symbol: the count and the distinct reasons
-- (at most 5, shortest first). quotes_rejected itself stays private (it keeps raw provider text);
-- this summary is market data, not portfolio data. The one-argument form (0.1) means "until now".
CREATE FUNCTION portfolio.quarantine_summary(since timestamptz, until timestamptz)
    RETURNS TABLE (symbol text, rejected bigint, reasons text[])
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT r.symbol, count(*),
           (array_agg(DISTINCT r.reason))[1:5]
    FROM portfolio.quotes_rejected r
    WHERE r.seen_at >= since AND r.seen_at < until
    GROUP BY r.symbol
$$;
CREATE FUNCTION portfolio.quarantine_summary(since timestamptz)
    RETURNS TABLE (symbol text, rejected bigint, reasons text[])
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM portfolio.quarantine_summary(since, 'infinity')
$$;

CREATE VIEW portfolio.data_quality WITH (security_invoker = true) AS
WITH held AS (
    SELECT ps.instrument AS symbol, count(*) AS portfolios
    FROM portfolio.positions ps WHERE ps.quantity <> 0 GROUP BY ps.instrument
), watched AS (
    SELECT w.symbol FROM portfolio.watchlist w
    UNION
    SELECT p.benchmark_symbol FROM portfolio.portfolios p WHERE p.benchmark_symbol IS NOT NULL
), subject AS (
    SELECT coalesce(h.symbol, w.symbol) AS symbol, coalesce(h.portfolios, 0) AS held_in,
           w.symbol IS NOT NULL AS watched
    FROM held h FULL JOIN watched w ON w.symbol = h.symbol
), params AS (
    -- "today" of this view is the as-of day; ages count from its end (or from now, for today)
    SELECT portfolio.as_of() AS today, portfolio.as_of_cutoff() AS cutoff, portfolio.as_of_instant() AS instant,
           portfolio.setting('gap_window_days') AS window_days,
           portfolio.setting('suspicious_move_pct')::numeric / 100 AS move_limit
)
SELECT s.symbol, i.name AS instrument_name, s.held_in, s.watched,
       last.ts AS last_quote_at,
       pr.instant - last.ts AS quote_age,
       portfolio.business_days_between((last.ts AT TIME ZONE 'UTC')::date, pr.today) AS business_days_old,
       portfolio.quote_is_stale(last.ts) AS stale,
       pr.window_days AS window_days,
       gaps.missing_days AS missing_business_days,
       gaps.first_missing[1:10] AS missing_days,
       moves.n AS suspicious_moves,
       moves.days AS suspicious_days,
       coalesce(rj.rejected, 0) AS rejected_last_day,
       rj.reasons AS reject_reasons
FROM subject s
CROSS JOIN params pr
LEFT JOIN portfolio.instruments i ON i.symbol = s.symbol
LEFT JOIN LATERAL (
    SELECT q.ts FROM portfolio.quotes q WHERE q.symbol = s.symbol AND q.ts < pr.cutoff
    ORDER BY q.ts DESC LIMIT 1) last ON true
-- business days of the window (today excluded: its bar may not be in yet) without any bar
LEFT JOIN LATERAL (
    SELECT count(*)::integer AS missing_days, array_agg(d::date ORDER BY d) AS first_missing
    FROM generate_series(pr.today - pr.window_days, pr.today - 1, interval '1 day') d
    WHERE extract(isodow FROM d) < 6
      AND NOT EXISTS (SELECT 1 FROM portfolio.quotes q
                      WHERE q.symbol = s.symbol
                        AND q.ts >= d::timestamp AT TIME ZONE 'UTC'
                        AND q.ts < (d + interval '1 day')::timestamp AT TIME ZONE 'UTC')) gaps ON true
-- one-day changes beyond the limit with no split of the instrument recorded between the two bars
LEFT JOIN LATERAL (
    SELECT count(*)::integer AS n, array_agg(m.day ORDER BY m.day) AS days
    FROM (SELECT (q.ts AT TIME ZONE 'UTC')::date AS day, q.close,
                 lag(q.close) OVER (ORDER BY q.ts) AS prev_close,
                 lag(q.ts) OVER (ORDER BY q.ts) AS prev_ts, q.ts
          FROM portfolio.quotes q
          WHERE q.symbol = s.symbol
            AND q.ts >= ((pr.today - pr.window_days - 10)::timestamp AT TIME ZONE 'UTC')
            AND q.ts < pr.cutoff) m
    WHERE m.prev_close IS NOT NULL
      AND m.day >= pr.today - pr.window_days
      AND abs(m.close / m.prev_close - 1) > pr.move_limit
      AND NOT EXISTS (SELECT 1 FROM portfolio.transactions t
                      WHERE t.instrument = s.symbol AND t.kind = 'split'
                        AND t.executed_at > m.prev_ts
                        AND (t.executed_at AT TIME ZONE 'UTC')::date <= m.day)) moves ON true
LEFT JOIN portfolio.quarantine_summary(pr.instant - interval '1 day', pr.cutoff) rj ON rj.symbol = s.symbol;
COMMENT ON VIEW portfolio.data_quality IS
    'per instrument held or watched: last quote and its age, stale flag, missing business days and '
    'suspicious one-day moves in the last gap_window_days, rows quarantined by the fetcher in the last day';

-- Per portfolio: open positions and cash balances whose value rests on a stale or missing price
-- or a missing FX rate. ok = nothing wrong.
CREATE VIEW portfolio.data_quality_positions WITH (security_invoker = true) AS
SELECT ps.portfolio_id, ps.portfolio_name, ps.instrument, ps.currency, ps.base_currency,
       ps.quantity, ps.price_at,
       ps.market_price IS NULL AS price_missing,
       -- positions' flag is quote_is_stale(), the one rule (computed there once a position)
       ps.market_price IS NOT NULL AND ps.price_stale AS price_stale,
       ps.fx_missing,
       ps.market_price IS NOT NULL AND NOT ps.price_stale AND NOT ps.fx_missing AS ok
FROM portfolio.positions ps
WHERE ps.quantity <> 0
UNION ALL
SELECT c.portfolio_id, p.name, NULL, c.currency, c.base_currency, c.balance, NULL,
       false, false, c.fx_rate IS NULL, c.fx_rate IS NOT NULL
FROM portfolio.cash c JOIN portfolio.portfolios p ON p.id = c.portfolio_id
WHERE c.balance <> 0;
COMMENT ON VIEW portfolio.data_quality_positions IS
    'per portfolio: open positions (instrument set) and cash balances (instrument NULL) with flags for '
    'missing or stale prices and missing FX rates';

GRANT SELECT, INSERT, UPDATE, DELETE ON portfolio.watchlist TO portfolio_user;
GRANT SELECT ON portfolio.watchlist, portfolio.data_quality, portfolio.data_quality_positions
    TO portfolio_user, portfolio_reader;
