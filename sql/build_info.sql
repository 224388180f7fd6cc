-- The path from the core to SQL: version and build information.
SELECT portfolio.version() = extversion AS version_matches_catalog
FROM pg_extension WHERE extname = 'pg_portfolio';
SELECT portfolio.build_info() ->> 'version' AS version,
       portfolio.build_info() ->> 'cplusplus' AS cplusplus,
       portfolio.build_info() ? 'eigen' AS has_eigen,
       portfolio.build_info() ->> 'postgres' LIKE 'PostgreSQL 15.%' AS built_for_pg15;
-- every object of the extension sits in schema portfolio
SELECT DISTINCT n.nspname
FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'pg_portfolio');
