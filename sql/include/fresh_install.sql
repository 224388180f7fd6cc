-- A fresh install, whatever tests ran before (their order must not matter). Read with
-- \i sql/include/fresh_install.sql: pg_regress runs psql in the repository root, on the test's
-- standard input; under sql/include/, not a test itself. DROP ... CASCADE lists every object.
SET client_min_messages = warning;
DROP EXTENSION pg_portfolio CASCADE;
CREATE EXTENSION pg_portfolio;
RESET client_min_messages;
