#!/usr/bin/env bash
# The date-sensitive tests with the server's clock at chosen instants (libfaketime): the start of a
# UTC month while Los Angeles is still on the previous day, a Saturday 1 January, 29 February late
# in the UTC day, the US and EU daylight-saving change days (a few seconds before the change, so
# the run crosses it), and one minute before the new year. At each instant, on a throw-away server
# of its own (PGP_PROFILE=instants, PGP_FAKETIME):
#   1. the server's clock is at the instant, and portfolio.today() is that instant's UTC date;
#   2. the pg_cron partition job's own command, run in a session of each time zone UTC,
#      Pacific/Auckland and America/Los_Angeles, leaves portfolio.health with every partition ok,
#      seen from each of those time zones, for exactly this UTC month and the next three;
#   3. the model's pg_regress tests (live_health first, while the clock is still near the instant,
#      then the others in reverse order: their order must not matter) and pgTAP files pass.
# PGP_INSTANTS (a list separated by ";") chooses other instants. Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export PGP_PROFILE=instants PGP_DATABASE=portfolio
source scripts/lib.sh
set +e   # lib.sh sets -e; here every step is counted, none ends the suite
LOGS=$REPO/build/test-logs/instants
mkdir -p "$LOGS"

DEFAULT_INSTANTS='2027-03-01 02:30:00;2028-01-01 12:00:00;2028-02-29 23:30:00;2027-03-14 09:59:30;2027-03-28 00:59:30;2026-12-31 23:59:00'
IFS=';' read -r -a INSTANTS <<<"${PGP_INSTANTS:-$DEFAULT_INSTANTS}"
ZONES=(UTC Pacific/Auckland America/Los_Angeles)
# Run in this order: the health test reads the clock and must run while it is still near the
# instant; the others pin their day with portfolio.as_of.
REGRESS_TESTS="live_health risk_rules rebalance model_position_type model_ledgers live_quality fx_cross"
PGTAP_FILES=(test/pgtap/40_model_security.sql test/pgtap/41_performance.sql test/pgtap/45_today_as_of.sql
             test/pgtap/60_live_risk.sql)

# The partition names the upkeep must keep at an instant: its UTC month and the next three.
expected_partitions() {
  local month; month=$(date -u -d "$1" +%Y-%m-01)
  for k in 0 1 2 3; do date -u -d "$month + $k month" +quotes_%Y_%m; done | paste -sd, -
}

for instant in "${INSTANTS[@]}"; do
  tag=$(tr -c '0-9\n' '-' <<<"$instant")
  out=$LOGS/$tag
  rm -rf "$out"; mkdir -p "$out"
  echo "# instant $instant UTC"
  bash scripts/cluster.sh destroy >/dev/null 2>&1
  if ! PGP_FAKETIME="@$instant" bash scripts/cluster.sh start >"$out/start.log" 2>&1; then
    fail "$instant: server starts with the faked clock" "$(tail -3 "$out/start.log")"
    continue
  fi
  export_connection

  # 1. the clock and today()
  age=$(psql_at -c "SELECT extract(epoch FROM now() - '$instant+00'::timestamptz)::int")
  if [[ $age =~ ^[0-9]+$ && $age -lt 120 ]]; then ok "$instant: server clock at the instant (+${age} s)"
  else fail "$instant: server clock at the instant" "now() is $age s after it"; fi
  psql_at -c "CREATE DATABASE instants_check" -d postgres
  psql_at -d instants_check -c "SET client_min_messages = warning" -c "CREATE EXTENSION pg_portfolio"
  check "$instant: today() is the UTC date in Los Angeles" "$(date -u -d "$instant" +%F)" \
    "$(PGTZ=America/Los_Angeles psql_at -d instants_check -c "SELECT portfolio.today()")"

  # 2. the pg_cron job's command in each session time zone, then health from each time zone
  psql_at -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS pg_portfolio" \
    -c "SELECT count(*) FROM portfolio.schedule_refresh()" >/dev/null
  job=$(psql_at -c "SELECT command FROM cron.job WHERE jobname = 'pg_portfolio_partitions'")
  want=$(expected_partitions "$instant")
  for zone in "${ZONES[@]}"; do
    psql_at -d instants_check -c "SET client_min_messages = warning" -c "DROP EXTENSION pg_portfolio CASCADE" \
      -c "CREATE EXTENSION pg_portfolio"
    PGTZ=$zone psql_at -d instants_check -c "$job" >/dev/null
    seen=""
    for viewer in "${ZONES[@]}"; do
      seen+="$(PGTZ=$viewer psql_at -d instants_check -c "
        SELECT string_agg(item, ',' ORDER BY item) || ' ' || bool_and(status = 'ok')
        FROM portfolio.health WHERE area = 'partitions'");"
    done
    check "$instant: job run in $zone, health from UTC, Auckland, Los Angeles" \
      "$want true;$want true;$want true;" "$seen"
  done
  psql_at -c "DROP DATABASE instants_check" -d postgres

  # 3. pg_regress and pgTAP
  make -s installcheck REGRESS="$REGRESS_TESTS" \
    REGRESS_OPTS="--load-extension=pg_portfolio --dbname=contrib_regression --outputdir=$out" >"$out/regress.log" 2>&1
  good=$(grep -cE '^(test| ) .*\.\.\. ok' "$out/regress.log")
  bad=$(grep -cE '\.\.\. (FAILED|failed)' "$out/regress.log")
  add_counts "$good" "$bad"
  echo "# $instant: pg_regress $good ok, $bad failed"
  [[ $good -gt 0 || $bad -gt 0 ]] || fail "$instant: pg_regress ran" "see $out/regress.log"
  [[ $bad -eq 0 ]] || sed -n '1,60p' "$out/regression.diffs"
  psql_at -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS pgtap"
  pg_prove --verbose -h "$PGHOST" -p "$PGPORT" -U postgres -d "$DB_NAME" "${PGTAP_FILES[@]}" >"$out/pgtap.log" 2>&1
  good=$(grep -cE '^ok [0-9]+' "$out/pgtap.log")
  bad=$(grep -cE '^not ok [0-9]+' "$out/pgtap.log")
  add_counts "$good" "$bad"
  echo "# $instant: pgTAP $good ok, $bad not ok"
  grep -q '^Result: PASS' "$out/pgtap.log" || { fail "$instant: pgTAP passes whole" "see $out/pgtap.log"; grep -E '^not ok|^# ' "$out/pgtap.log" | head -20; }
  bash scripts/cluster.sh stop >/dev/null 2>&1
done
bash scripts/cluster.sh destroy >/dev/null 2>&1
finish
