-- Version and build information.
CREATE FUNCTION portfolio.version() RETURNS text
    AS 'MODULE_PATHNAME', 'pgp_version'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.version() IS 'pg_portfolio version of the loaded library';

-- STABLE, not IMMUTABLE: a reinstalled library may report another build within a session's life.
CREATE FUNCTION portfolio.build_info() RETURNS jsonb
    AS 'MODULE_PATHNAME', 'pgp_build_info'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION portfolio.build_info() IS 'version, PostgreSQL, compiler and library versions of this build';

-- Boundary diagnostics (used by the test suites; superuser only).
CREATE FUNCTION portfolio.boundary_selftest(kind text, max_seconds float8 DEFAULT 10)
    RETURNS text
    AS 'MODULE_PATHNAME', 'pgp_boundary_selftest'
    LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
CREATE FUNCTION portfolio.boundary_probes_destroyed() RETURNS bigint
    AS 'MODULE_PATHNAME', 'pgp_boundary_probes_destroyed'
    LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION portfolio.boundary_selftest(text, float8) FROM PUBLIC;
REVOKE ALL ON FUNCTION portfolio.boundary_probes_destroyed() FROM PUBLIC;
COMMENT ON FUNCTION portfolio.boundary_selftest(text, float8) IS
    'diagnostic: throws a C++ exception of the given kind deep in the core to test error handling';
