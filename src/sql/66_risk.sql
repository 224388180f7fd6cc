-- Risk rules: limits as data (defaults + per-portfolio overrides) and the risk_checks view.

CREATE TABLE portfolio.risk_limits (
    id           bigserial PRIMARY KEY,
    portfolio_id bigint    REFERENCES portfolio.portfolios (id) ON DELETE CASCADE,  -- NULL: the default
    rule         text      NOT NULL CHECK (rule IN (
                     'position_concentration', 'sector_concentration', 'asset_class_concentration',
                     'currency_concentration', 'cash_share', 'stale_price_share')),
    warn_at      numeric   CHECK (warn_at >= 0),      -- status warn when value > warn_at (NULL: never)
    breach_at    numeric   CHECK (breach_at >= 0),    -- status breach when value > breach_at (NULL: never)
    CHECK (warn_at IS NULL OR breach_at IS NULL OR warn_at <= breach_at),
    UNIQUE NULLS NOT DISTINCT (portfolio_id, rule)
);
COMMENT ON TABLE portfolio.risk_limits IS
    'limits of the risk_checks rules: rows with portfolio_id NULL are the defaults, others override them '
    'for one portfolio; a value above warn_at is warn, above breach_at breach; all values are fractions (0.25 = 25 %)';
INSERT INTO portfolio.risk_limits (portfolio_id, rule, warn_at, breach_at) VALUES
    (NULL, 'position_concentration',    0.20, 0.30),
    (NULL, 'sector_concentration',      0.40, 0.60),
    (NULL, 'asset_class_concentration', 0.80, 0.95),
    (NULL, 'currency_concentration',    0.30, 0.50),
    (NULL, 'cash_share',                0.20, 0.50),
    (NULL, 'stale_price_share',         0,    0.25);
-- The defaults come with the extension; pg_dump keeps the per-portfolio rows.
SELECT pg_catalog.pg_extension_config_dump('portfolio.risk_limits', 'WHERE portfolio_id IS NOT NULL');
SELECT pg_catalog.pg_extension_config_dump('portfolio.risk_limits_id_seq', '');

ALTER TABLE portfolio.risk_limits ENABLE ROW LEVEL SECURITY;
-- a portfolio's limits through its portfolio, by the access rule (44_access_rule.sql); the
-- defaults (no portfolio) are read by all and changed only by the extension owner (and superusers)
CREATE POLICY risk_limits_read ON portfolio.risk_limits FOR SELECT
    USING (portfolio_id IS NULL OR portfolio_id IN (SELECT r.id FROM portfolio.readable_portfolios r));
CREATE POLICY risk_limits_write ON portfolio.risk_limits FOR ALL
    USING (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w))
    WITH CHECK (portfolio_id IN (SELECT w.id FROM portfolio.writable_portfolios w));

-- The status of a value against its limits (strictly above a limit passes it; NULL value: unknown).
CREATE FUNCTION portfolio.risk_status(value numeric, warn_at numeric, breach_at numeric) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN value IS NULL THEN 'unknown'
                WHEN breach_at IS NOT NULL AND value > breach_at THEN 'breach'
                WHEN warn_at IS NOT NULL AND value > warn_at THEN 'warn'
                ELSE 'ok' END;

-- Per portfolio and rule: the current value, the bucket it comes from (subject), the limits in
-- force (the portfolio's own, else the default) and the status ok / warn / breach (unknown while a
-- price or FX rate is missing, so that a weight cannot be computed).
CREATE VIEW portfolio.risk_checks WITH (security_invoker = true) AS
WITH alloc AS (
    SELECT a.portfolio_id, a.dimension, a.bucket, a.weight, a.market_value_base
    FROM portfolio.allocation a
), largest AS (
    -- the largest bucket per dimension, cash left out of the concentration rules
    SELECT DISTINCT ON (a.portfolio_id, a.dimension) a.portfolio_id, a.dimension, a.bucket, a.weight
    FROM alloc a
    WHERE NOT (a.dimension = 'instrument' AND a.bucket LIKE 'cash %')
      AND NOT (a.dimension = 'sector' AND a.bucket = '(cash)')
      AND NOT (a.dimension = 'asset_class' AND a.bucket = 'cash')
    ORDER BY a.portfolio_id, a.dimension, a.weight DESC NULLS FIRST, a.bucket
), foreign_ccy AS (
    SELECT DISTINCT ON (a.portfolio_id) a.portfolio_id, a.bucket, a.weight
    FROM alloc a JOIN portfolio.portfolios p ON p.id = a.portfolio_id
    WHERE a.dimension = 'currency' AND a.bucket <> p.base_currency
    ORDER BY a.portfolio_id, a.weight DESC NULLS FIRST, a.bucket
), unknown AS (
    -- a portfolio some of whose weights are NULL (missing price or FX rate)
    SELECT a.portfolio_id, bool_or(a.weight IS NULL) AS any_null FROM alloc a GROUP BY a.portfolio_id
), stale AS (
    SELECT d.portfolio_id, count(*) AS open_positions, count(*) FILTER (WHERE NOT d.ok) AS stale_positions
    FROM portfolio.data_quality_positions d WHERE d.instrument IS NOT NULL GROUP BY d.portfolio_id
), measured AS (
    SELECT p.id AS portfolio_id, p.name AS portfolio_name, r.rule, r.subject, r.value
    FROM portfolio.portfolios p
    LEFT JOIN unknown u ON u.portfolio_id = p.id
    CROSS JOIN LATERAL (
        SELECT 'position_concentration'::text AS rule, l.bucket AS subject, l.weight AS value
        FROM (SELECT 1) one LEFT JOIN largest l ON l.portfolio_id = p.id AND l.dimension = 'instrument'
        UNION ALL
        SELECT 'sector_concentration', l.bucket, l.weight
        FROM (SELECT 1) one LEFT JOIN largest l ON l.portfolio_id = p.id AND l.dimension = 'sector'
        UNION ALL
        SELECT 'asset_class_concentration', l.bucket, l.weight
        FROM (SELECT 1) one LEFT JOIN largest l ON l.portfolio_id = p.id AND l.dimension = 'asset_class'
        UNION ALL
        SELECT 'currency_concentration', f.bucket,
               CASE WHEN f.portfolio_id IS NOT NULL THEN f.weight WHEN NOT coalesce(u.any_null, false) THEN 0 END
        FROM (SELECT 1) one LEFT JOIN foreign_ccy f ON f.portfolio_id = p.id
        UNION ALL
        SELECT 'cash_share', 'cash',
               CASE WHEN coalesce(u.any_null, false) THEN NULL
                    ELSE coalesce((SELECT a.weight FROM alloc a WHERE a.portfolio_id = p.id
                                   AND a.dimension = 'asset_class' AND a.bucket = 'cash'), 0) END
        UNION ALL
        SELECT 'stale_price_share', format('%s of %s open positions', coalesce(s.stale_positions, 0),
                                           coalesce(s.open_positions, 0)),
               CASE WHEN coalesce(s.open_positions, 0) = 0 THEN 0
                    ELSE round(s.stale_positions::numeric / s.open_positions, 6) END
        FROM (SELECT 1) one LEFT JOIN stale s ON s.portfolio_id = p.id
    ) r
)
SELECT m.portfolio_id, m.portfolio_name, m.rule, m.subject, m.value,
       CASE WHEN own.id IS NOT NULL THEN own.warn_at ELSE def.warn_at END AS warn_at,
       CASE WHEN own.id IS NOT NULL THEN own.breach_at ELSE def.breach_at END AS breach_at,
       CASE WHEN own.id IS NOT NULL THEN 'portfolio' ELSE 'default' END AS limit_source,
       portfolio.risk_status(m.value,
                             CASE WHEN own.id IS NOT NULL THEN own.warn_at ELSE def.warn_at END,
                             CASE WHEN own.id IS NOT NULL THEN own.breach_at ELSE def.breach_at END) AS status
FROM measured m
LEFT JOIN portfolio.risk_limits own ON own.portfolio_id = m.portfolio_id AND own.rule = m.rule
LEFT JOIN portfolio.risk_limits def ON def.portfolio_id IS NULL AND def.rule = m.rule;
COMMENT ON VIEW portfolio.risk_checks IS
    'per portfolio and rule: current value, limits (portfolio override or default from risk_limits) and status ok/warn/breach/unknown';

GRANT SELECT, INSERT, UPDATE, DELETE ON portfolio.risk_limits TO portfolio_user;
GRANT USAGE ON SEQUENCE portfolio.risk_limits_id_seq TO portfolio_user;
GRANT SELECT ON portfolio.risk_limits, portfolio.risk_checks TO portfolio_user, portfolio_reader;
