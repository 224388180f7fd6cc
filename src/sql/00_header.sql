-- pg_portfolio install script, assembled by the Makefile from src/sql/*.sql in name order, each
-- followed by the aggregates of its .aggregates table (scripts/build_sql.py).
-- Every object lives in schema portfolio (created by CREATE EXTENSION from the control file).
\echo Use "CREATE EXTENSION pg_portfolio" to load this file. \quit
