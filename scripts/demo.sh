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
# A development build may change the install script without changing the version: then the demo
# database is set up again from scratch (its data is the demo's own, reloaded below).
script_sum=$(md5sum "$REPO/pg_portfolio--$(make -C "$REPO" -s print-extversion).sql" | cut -d' ' -f1)
stamp=$CLUSTER_ROOT/extension-script.md5
if [[ -f $stamp && $(cat "$stamp") != "$script_sum" ]]; then
  say "the extension's install script changed since the last run: recreating it in the demo database"
  psql_cluster -d "$DB_NAME" -qc "DROP EXTENSION IF EXISTS pg_portfolio CASCADE" 2>&1 | grep -v NOTICE || true
fi
psql_cluster -d "$DB_NAME" -qc "CREATE EXTENSION IF NOT EXISTS pg_portfolio" 2>&1 | grep -v NOTICE || true
echo "$script_sum" > "$stamp"

for stage in scripts/demo.d/*.sh; do
  [[ -e $stage ]] || continue
  source "$stage"
done

say "connect with psql:  eval \"\$(bash scripts/cluster.sh env)\" && psql      (superuser postgres)"
say "as an owner:        psql 'postgresql://alice@127.0.0.1:$PORT/$DB_NAME'     (sees only her portfolio)"
say "BI tools (Grafana, Metabase, JDBC, psycopg2), read-only: postgresql://grafana:grafana@127.0.0.1:$PORT/$DB_NAME"
