#!/usr/bin/env bash
# ALTER EXTENSION pg_portfolio UPDATE from the frozen 0.1 (src/sql/released/) to the current
# version keeps the user's data and ends with the same objects and numbers as a fresh install.
# Two databases on the test cluster (PG* exported by test.sh): OLD installs 0.1, loads
# test/upgrade/ledger.sql, is updated; NEW installs the current version and loads the same
# ledger. Every date in the data is pinned. Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OLD=pgp_upgrade_old NEW=pgp_upgrade_new
CURRENT=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" pg_portfolio.control)
WORK=$(mktemp -d)
same_files() {  # same_files NAME FILE_EXPECTED FILE_ACTUAL: passes when equal, prints the diff otherwise
  if diff -u "$2" "$3" >"$WORK/diff"; then ok "$1"
  else fail "$1" "diff -u expected actual, first 60 lines follow"; head -n 60 "$WORK/diff"; fi
}
drop_databases() { for db in $OLD $NEW; do psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" 2>/dev/null; done; }
drop_databases
trap 'drop_databases; rm -rf "$WORK"' EXIT
for db in $OLD $NEW; do psql -X -q -d postgres -c "CREATE DATABASE $db"; done

# rows DB TABLE_OR_QUERY: every row as text, sorted, one a line (exact: floats print round-trip).
rows() { psql_at -d "$1" -c "SELECT t::text FROM ($2) t ORDER BY 1"; }

# The user's own tables: the extension's config tables (what pg_dump keeps), the partitioned
# quotes, and a table of stored summaries.
user_tables() {
  psql_at -d "$1" -c "SELECT c::regclass::text FROM pg_extension e, unnest(e.extconfig) c
             WHERE e.extname = 'pg_portfolio' AND c::regclass::text NOT LIKE '%_seq' ORDER BY 1"
  echo portfolio.quotes; echo public.stored_summaries
}
# snapshot_rows DB OUTFILE COLUMNS_FILE: every row of every user table. The first call (on 0.1)
# writes each table's columns to COLUMNS_FILE; later calls read the same columns, so a column that
# a new version adds does not count as a change to the user's rows (its values are the fresh
# install's business), while a lost or changed value does.
snapshot_rows() {
  local t cols
  if [[ ! -s $3 ]]; then
    for t in $(user_tables "$1"); do
      echo "$t $(psql_at -d "$1" -c "SELECT string_agg(quote_ident(attname), ',' ORDER BY attnum) FROM pg_attribute
                           WHERE attrelid = '$t'::regclass AND attnum > 0 AND NOT attisdropped")"
    done >"$3"
  fi
  while read -r t cols; do echo "== $t"; rows "$1" "SELECT $cols FROM $t"; done <"$3" >"$2"
}

# The numbers users read. portfolio_daily and performance run up to the current date (a date
# after the data's last quote): both databases are read within seconds of each other, and only
# equality between them is asserted here, never a figure that depends on that date.
VIEWS=(
  "SELECT * FROM portfolio.positions"
  "SELECT * FROM portfolio.cash"
  "SELECT * FROM portfolio.allocation"
  "SELECT * FROM portfolio.portfolio_daily"
  "SELECT * FROM portfolio.performance"
  "SELECT * FROM portfolio.pnl_monthly"
  "SELECT 1 AS p, * FROM portfolio.pnl_breakdown(1, '2024-01-01', '2024-03-31')"
  "SELECT 2 AS p, * FROM portfolio.pnl_breakdown(2, '2024-01-10', '2024-03-15')"
  "SELECT * FROM portfolio.risk_checks"
  "SELECT * FROM portfolio.data_quality_positions"
)
view_numbers() {  # view_numbers DB OUTFILE
  local v
  for v in "${VIEWS[@]}"; do echo "== $v"; rows "$1" "$v"; done >"$2"
}

# What a stored summary answers: its accessors, and its text form (which carries every double).
SUMMARY_READS="SELECT symbol, rs::text, ps::text, qs::text, portfolio.n(rs), portfolio.volatility(rs, 252),
    portfolio.sharpe(rs), portfolio.twr(rs), portfolio.beta(ps),
    portfolio.tracking_error(ps), portfolio.var_historical_approx(qs, 0.95), portfolio.num_values(qs)
  FROM public.stored_summaries"
summary_reads() { psql_at -d "$1" -c "$SUMMARY_READS ORDER BY symbol"; }

catalog() {  # catalog DB OUTFILE: the normalised schema dump plus the config tables' names
  { pg_dump --schema-only --binary-upgrade -d "$1" | sed -E -f test/upgrade/normalize_dump.sed | cat -s
    echo "-- config tables:"
    psql_at -d "$1" -c "SELECT c::regclass::text || ' ' || coalesce(w, '') FROM pg_extension e,
               unnest(e.extconfig, e.extcondition) u(c, w) WHERE e.extname = 'pg_portfolio' ORDER BY 1"
  } >"$2"
}

HAND_WORKED="1:AAA:150:1250:15250 1:EEE:10:0:900 2:EEE:30:90:1360"
positions() {
  psql_at -d "$1" -c "SELECT string_agg(concat_ws(':', portfolio_id, instrument, quantity, realized_pl, invested), ' '
             ORDER BY portfolio_id, instrument) FROM portfolio.positions"
}

# --- 0.1, filled with data --------------------------------------------------------------------
psql_at -d $OLD -c "CREATE EXTENSION pg_portfolio VERSION '0.1'"
check "0.1 installs from the frozen script" 0.1 \
  "$(psql_at -d $OLD -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_portfolio'")"
psql_at -d $OLD -f test/upgrade/ledger.sql >/dev/null
# hand-worked in ledger.sql: average cost 30,500 / 300, sold 150 @ 110; FIFO through a 2:1 split
check "0.1 positions are the hand-worked ones" "$HAND_WORKED" "$(positions $OLD)"
check "0.1 refresh filled portfolio_daily without error" "0 true" \
  "$(psql_at -d $OLD -c "SELECT count(error) || ' ' || bool_and(rows > 0) FROM portfolio.refresh_log")"
snapshot_rows $OLD "$WORK/rows_before" "$WORK/columns"
summary_reads $OLD >"$WORK/summaries_before"
# binary COPY goes through 0.1's send functions; reading it back below goes through 0.2's receive
psql_at -d $OLD -c "\\copy public.stored_summaries TO '$WORK/summaries.bin' WITH (FORMAT binary)"
view_numbers $OLD "$WORK/views_before"

# --- the update -------------------------------------------------------------------------------
if psql_at -d $OLD -c "ALTER EXTENSION pg_portfolio UPDATE" 2>"$WORK/update.err"; then
  check "ALTER EXTENSION pg_portfolio UPDATE runs" "" ""
else
  check "ALTER EXTENSION pg_portfolio UPDATE runs" "" "$(cat "$WORK/update.err")"
fi
check "the extension is at the current version" "$CURRENT $CURRENT" \
  "$(psql_at -d $OLD -c "SELECT extversion || ' ' || portfolio.version() FROM pg_extension WHERE extname = 'pg_portfolio'")"

# --- the fresh install, same data -------------------------------------------------------------
psql_at -d $NEW -c "CREATE EXTENSION pg_portfolio"
psql_at -d $NEW -f test/upgrade/ledger.sql >/dev/null

# (a) the catalog
catalog $OLD "$WORK/catalog_upgraded"
catalog $NEW "$WORK/catalog_fresh"
check "the dumps hold the extension's members (binary-upgrade form)" true \
  "$(grep -q '^ALTER EXTENSION pg_portfolio ADD VIEW portfolio.positions;' "$WORK/catalog_fresh" && echo true)"
same_files "catalog after the update = catalog of a fresh install" "$WORK/catalog_fresh" "$WORK/catalog_upgraded"
# the normalisation must not hide real differences: change one comment and the diff shows it
psql_at -d $NEW -c "COMMENT ON FUNCTION portfolio.version() IS 'changed on purpose'"
catalog $NEW "$WORK/catalog_changed"
check "a changed object shows in the catalog diff" 2 \
  "$(diff "$WORK/catalog_fresh" "$WORK/catalog_changed" | grep -c '^[<>] COMMENT ON FUNCTION portfolio.version()')"
psql_at -d $NEW -c "COMMENT ON FUNCTION portfolio.version() IS 'pg_portfolio version of the loaded library'"

# (b) the user's rows and the numbers
snapshot_rows $OLD "$WORK/rows_after" "$WORK/columns"
same_files "every user row is still there, unchanged" "$WORK/rows_before" "$WORK/rows_after"
check "user tables compared" 11 "$(grep -c '^== ' "$WORK/rows_after")"
check "positions after the update are the hand-worked ones" "$HAND_WORKED" "$(positions $OLD)"
view_numbers $OLD "$WORK/views_upgraded"
view_numbers $NEW "$WORK/views_fresh"
# (0.2 changes what portfolio_daily and performance say, by design: the series ends on the last
# priced day, and performance's statistics run over trading days; the other views stay)
same_files "views after the update, before a refresh = before the update (positions, cash, allocation)" \
  <(sed -n '/^== portfolio.positions/,/^== portfolio.portfolio_daily/p' "$WORK/views_before" | grep -v '^== portfolio.portfolio_daily') \
  <(sed -n '/^== portfolio.positions/,/^== portfolio.portfolio_daily/p' "$WORK/views_upgraded" | grep -v '^== portfolio.portfolio_daily')
same_files "views after the update = a fresh install with the same data" "$WORK/views_fresh" "$WORK/views_upgraded"
psql_at -d $OLD -c "CALL portfolio.refresh()"
view_numbers $OLD "$WORK/views_refreshed"
same_files "views after the update and a refresh = a fresh install" "$WORK/views_fresh" "$WORK/views_refreshed"
# portfolio 1 on 2024-01-02: cash 40,000 - 100 × 95 + 1,000 EUR × 1.0878 = 31,587.8, plus AAA
# 100 × 102.56 = 41,843.8; portfolio 2 on 2024-01-05: 5,000 - 20 × 88 + 20 × 92.09 = 5,081.8 (EUR).
check "portfolio_daily after the update and a refresh, hand-worked first days" \
  "1 2024-01-02 41843.8 41087.8 88, 2 2024-01-05 5081.8 5000 85" \
  "$(psql_at -d $OLD -c "SELECT string_agg(concat_ws(' ', portfolio_id, day, market_value, net_flow, n), ', ' ORDER BY portfolio_id)
     FROM (SELECT *, count(*) OVER (PARTITION BY portfolio_id) AS n, min(day) OVER (PARTITION BY portfolio_id) AS first
           FROM portfolio.portfolio_daily WHERE day <= '2024-03-31') d WHERE day = first")"

# (c) summaries stored by 0.1
summary_reads $OLD >"$WORK/summaries_after"
summary_reads $NEW >"$WORK/summaries_fresh"
same_files "stored 0.1 summaries read the same after the update" "$WORK/summaries_before" "$WORK/summaries_after"
same_files "stored 0.1 summaries = the same summaries made by $CURRENT" "$WORK/summaries_fresh" "$WORK/summaries_after"
check "0.1 text form carries format version 1" 2 \
  "$(grep -c '(version:1,n:63,' "$WORK/summaries_after")"
psql_at -d $OLD -c "CREATE TABLE public.summaries_from_binary (LIKE public.stored_summaries)"
psql_at -d $OLD -c "\\copy public.summaries_from_binary FROM '$WORK/summaries.bin' WITH (FORMAT binary)"
check "0.1 binary form (version byte 1) reads in $CURRENT" "2 0" \
  "$(psql_at -d $OLD -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE a.rs::text <> b.rs::text OR a.ps::text <> b.ps::text
                OR a.qs::text <> b.qs::text) FROM public.stored_summaries a JOIN public.summaries_from_binary b USING (symbol)")"
check "a format version this build does not know is refused" 1 \
  "$(psql_at -d $OLD -c "SELECT '(version:9,n:0,mean:0,m2:0,m3:0,m4:0,log_growth:0,log_growth_error:0,total_losses:0)'::portfolio.return_summary" 2>&1 \
     | grep -c 'unsupported version 9')"

# (d) pg_cron jobs scheduled by 0.1 are brought to 0.2's commands. Only the database named in
# cron.database_name has pg_cron: the test's default database. One transaction, rolled back, so
# it leaves that database as it was.
CRON_DB=${PGP_CRON_DATABASE:-portfolio}
check "the 0.1 partition job becomes 0.2's (hourly maintain_quote_partitions)" \
  "17 3 * * * SELECT portfolio.ensure_quote_partitions(current_date, (current_date + interval '3 months')::date)|17 * * * * SELECT portfolio.maintain_quote_partitions()" \
  "$(psql_at -d "$CRON_DB" <<'SQL'
SET client_min_messages = warning;
BEGIN;
DROP EXTENSION IF EXISTS pg_portfolio CASCADE;
CREATE EXTENSION pg_portfolio VERSION '0.1';
SELECT count(*) FROM portfolio.schedule_refresh() \g /dev/null
SELECT schedule || ' ' || command AS before FROM cron.job WHERE jobname = 'pg_portfolio_partitions' \gset
ALTER EXTENSION pg_portfolio UPDATE;
SELECT :'before' || '|' || schedule || ' ' || command FROM cron.job WHERE jobname = 'pg_portfolio_partitions';
ROLLBACK;
SQL
)"

# Data checks: the upgrade script refuses rows the new version would not accept ("Data checks"
# in src/sql/upgrades/pg_portfolio--0.1--0.2.sql): bad rows in 0.1, the update fails naming them,
# the extension stays at 0.1; once they are corrected the update runs.
# 0.2 validates holdings when written: a 0.1 ledger that sells more than it holds is refused.
oversold=$(psql_at -d $OLD 2>&1 <<'SQL'
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS pg_portfolio CASCADE;
CREATE EXTENSION pg_portfolio VERSION '0.1';
INSERT INTO portfolio.instruments (symbol, currency) VALUES ('OVR', 'USD');
INSERT INTO portfolio.portfolios (id, name) VALUES (1, 'oversold');
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price)
VALUES (1, 'OVR', '2024-01-02 00:00+00', 'buy', 3, 10), (1, 'OVR', '2024-02-01 00:00+00', 'sell', 5, 11);
\set ON_ERROR_STOP 0
ALTER EXTENSION pg_portfolio UPDATE;
\set ON_ERROR_STOP 1
SELECT 'version ' || extversion FROM pg_extension WHERE extname = 'pg_portfolio';
UPDATE portfolio.transactions SET quantity = 3 WHERE kind = 'sell';
ALTER EXTENSION pg_portfolio UPDATE;
SELECT 'version ' || extversion FROM pg_extension WHERE extname = 'pg_portfolio';
SQL
)
check "an oversold 0.1 ledger stops the update, naming the position; 0.1 stays; corrected, it updates" \
  "ERROR:  pg_portfolio 0.2 refuses these rows: portfolio 1, instrument OVR: sell of 5 on 2024-02-01 exceeds the quantity held, 3|version 0.1|version $CURRENT" \
  "$(grep -E '^(ERROR|version)' <<<"$oversold" | paste -sd'|')"

finish
