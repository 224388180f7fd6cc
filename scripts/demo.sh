#!/usr/bin/env bash
# The main job: install what is missing, build, start the private cluster with pg_cron, install
# pg_portfolio, load sample quotes with the fetcher, schedule the refresh and print analytics.
# Safe to re-run. Each stage lives in scripts/demo.d/NN-*.sh and runs in name order.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

bash scripts/deps.sh
say "building the core, the fetcher and their tools"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
bash scripts/cluster.sh install
bash scripts/cluster.sh start
export_connection
psql_cluster -d "$DB_NAME" -qc "CREATE EXTENSION IF NOT EXISTS pg_portfolio" 2>&1 | grep -v NOTICE || true
psql_cluster -d "$DB_NAME" -qc "ALTER EXTENSION pg_portfolio UPDATE" 2>&1 | grep -v NOTICE || true

for stage in scripts/demo.d/*.sh; do
  [[ -e $stage ]] || continue
  source "$stage"
done

say "connect with:  eval \"\$(bash scripts/cluster.sh env)\" && psql"
say "or, from Grafana, Metabase, JDBC, psycopg2: postgresql://postgres@127.0.0.1:$PORT/$DB_NAME"
