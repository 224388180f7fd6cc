#!/usr/bin/env bash
# The documentation cannot drift from the product: every ```sql block of README.md and docs/*.md
# runs on the demo data (test/load_demo_data.sh) plus the tables the examples name
# (test/docs/tables.sql), and a block that shows its result is compared with psql's
# (test/docs/run_blocks.py says how a block shows one, and how one is marked not runnable).
# Runs against $PGDATABASE (scripts/test.sh gives the suite its own); each page in a transaction
# that is rolled back. Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export PGOPTIONS="-c client_min_messages=warning"

load_demo_data
psql_at -f test/docs/tables.sql >/dev/null || bail "test/docs/tables.sql loads"
log=$(mktemp); trap 'rm -f "$log"' EXIT
/usr/bin/python3 test/docs/run_blocks.py README.md docs/*.md >"$log" 2>&1
grep -vE '^[0-9]+ passed, [0-9]+ failed' "$log"
count_log "$log" run_blocks.py
finish
