#!/usr/bin/env bash
# Loads the demo's data (sample quotes with portfolio-fetch, roles alice/bob/grafana, two
# portfolios and their ledger) into the cluster selected by the environment, then refreshes
# portfolio_daily. Idempotent: the demo stages are, and so is this.
#
#   bash test/load_demo_data.sh     from a suite (scripts/test.sh exports PGP_PROFILE=test);
#                                   without PGP_PROFILE it also targets the test cluster
# Progress goes to stderr; exits non-zero if a step fails or the refresh logs an error. The
# database is pinned to report as of the sample data's last day (portfolio.as_of).
#
# Suites that read the demo data must call it themselves: each suite has a database of its own
# (scripts/test.sh).
export PGP_PROFILE=${PGP_PROFILE:-test}
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
(
  cd "$REPO"
  export PGOPTIONS="-c client_min_messages=warning"
  [[ -x build/fetcher/portfolio-fetch ]] || {
    say "build/fetcher/portfolio-fetch is missing: run cmake --build build first"
    exit 1
  }
  psql_cluster -d "$DB_NAME" -qc "SET client_min_messages = warning" \
    -c "CREATE EXTENSION IF NOT EXISTS pg_portfolio"
  # The suites compare values computed from the fixed sample data in examples/data (2022-2025),
  # not from the demo's market, which grows every day (scripts/demo.d/05-quotes.sh).
  build/fetcher/portfolio-fetch --provider csv --file examples/data/quotes.csv --no-progress \
    --dsn "host=$SOCKET_DIR port=$PORT user=postgres dbname=$DB_NAME" >/dev/null
  # That data ends on 2025-12-31: so that later days' values still convert, FX rates may be
  # carried forward 400 days (default 7); its prices are flagged stale, as they should be.
  psql_cluster -d "$DB_NAME" -qc "INSERT INTO portfolio.settings (key, value) VALUES ('fx_max_staleness_days', 400)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value"
  # The demo fragment prints its summary tables; a suite wants only its own lines.
  source scripts/demo.d/20-portfolios.sh >/dev/null
  psql_cluster -d "$DB_NAME" -q -c "SET client_min_messages = warning" -c "CALL portfolio.refresh()"
  errors=$(psql_cluster -d "$DB_NAME" -Atc "
    SELECT count(*) FROM (SELECT DISTINCT ON (view_name) error FROM portfolio.refresh_log
                          ORDER BY view_name, id DESC) l WHERE error IS NOT NULL")
  if [[ $errors != 0 ]]; then
    say "portfolio.refresh() logged an error (see portfolio.refresh_log)"
    exit 1
  fi
  # The suites report as of the sample data's last day, for every role and client library that
  # connects to this database: what they check must not change with the wall clock (a year on,
  # the demo's FX rates would be too old to convert, and every weight would be NULL).
  psql_cluster -d "$DB_NAME" -q -c "
    DO \$\$ BEGIN
        EXECUTE format('ALTER DATABASE %I SET portfolio.as_of = %L', current_database(),
                       (SELECT (max(ts) AT TIME ZONE 'UTC')::date FROM portfolio.quotes));
    END \$\$"
) >&2
