#!/usr/bin/env bash
# The project's private PostgreSQL 15 cluster (see lib.sh for where it lives and why).
#
#   cluster.sh install   build pg_portfolio and install it into the private install tree
#   cluster.sh start     create the cluster if needed and start it (idempotent)
#   cluster.sh stop      stop it (idempotent)
#   cluster.sh status    say whether it runs, and how to connect
#   cluster.sh env       print PG* variables to eval: eval "$(scripts/cluster.sh env)"
#   cluster.sh psql ...  run psql against it
#   cluster.sh destroy   stop it and remove its data
# PGP_PROFILE=test selects the test suites' cluster instead of the demo's; PGP_FAKETIME starts the
# server with a faked wall clock (lib.sh).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The install tree: real copies of the binaries (PostgreSQL finds its share and lib directories
# relative to its own executable), links to every other system file, and our build on top.
sync_install_tree() {
  mkdir -p "$INSTALL_ROOT$SYSTEM_PG_LIB" "$(dirname "$INSTALL_ROOT$SYSTEM_PG_SHARE")"
  if [[ ! -x $PG_BIN/postgres || $SYSTEM_PG_LIB/bin/postgres -nt $PG_BIN/postgres ]]; then
    rm -rf "$PG_BIN"
    cp -a "$SYSTEM_PG_LIB/bin" "$PG_BIN"
  fi
  link_tree "$SYSTEM_PG_LIB/lib" "$INSTALL_ROOT$SYSTEM_PG_LIB/lib"
  link_tree "$SYSTEM_PG_SHARE" "$INSTALL_ROOT$SYSTEM_PG_SHARE"
}

# Mirror a directory as real directories holding symbolic links, leaving our own files alone.
link_tree() {
  local from=$1 to=$2
  mkdir -p "$to"
  (cd "$from" && find . -type d) | while read -r d; do mkdir -p "$to/$d"; done
  (cd "$from" && find . ! -type d ! -name 'pg_portfolio*') | while read -r f; do
    [[ -e $to/$f || -L $to/$f ]] || ln -s "$from/${f#./}" "$to/$f"
  done
}

cmd_install() {
  sync_install_tree
  say "building pg_portfolio"
  make -C "$REPO" -j"$(nproc)" -s >/dev/null
  make -C "$REPO" -s install DESTDIR="$INSTALL_ROOT" >/dev/null
  say "installed pg_portfolio $(make -C "$REPO" -s print-extversion) into $INSTALL_ROOT"
}

is_running() {
  [[ -f $DATA_DIR/postmaster.pid ]] && as_cluster_user "$PG_BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1
}

write_settings() {
  as_cluster_user tee "$DATA_DIR/pg_portfolio.conf" >/dev/null <<CONF
# Written by scripts/cluster.sh on every start; edit that script, not this file.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKET_DIR'
shared_preload_libraries = 'pg_cron'
cron.database_name = '$DB_NAME'
cron.use_background_workers = on
max_worker_processes = 16
max_parallel_workers_per_gather = 2
logging_collector = off
CONF
}

cmd_start() {
  sync_install_tree
  [[ -f $INSTALL_ROOT$SYSTEM_PG_LIB/lib/pg_portfolio.so ]] || cmd_install
  mkdir -p "$CLUSTER_ROOT"
  if [[ $EUID -eq 0 ]]; then chmod 755 "$CLUSTER_BASE" "$CLUSTER_ROOT"; fi
  for d in "$SOCKET_DIR" "$LOG_DIR"; do
    mkdir -p "$d"
    [[ $EUID -ne 0 ]] || chown "$CLUSTER_USER:" "$d"
  done
  if [[ ! -f $DATA_DIR/PG_VERSION ]]; then
    say "creating the private cluster in $DATA_DIR"
    mkdir -p "$DATA_DIR"
    [[ $EUID -ne 0 ]] || chown "$CLUSTER_USER:" "$DATA_DIR"
    chmod 700 "$DATA_DIR"
    # trust on the Unix socket and loopback only: a private development cluster (see README).
    as_cluster_user "$PG_BIN/initdb" -D "$DATA_DIR" -U postgres -A trust -E UTF8 --no-locale >/dev/null
    echo "include_if_exists = 'pg_portfolio.conf'" | as_cluster_user tee -a "$DATA_DIR/postgresql.conf" >/dev/null
  fi
  if is_running; then
    say "cluster already running on port $PORT"
  else
    write_settings
    local clock=()
    if [[ -n ${PGP_FAKETIME:-} ]]; then
      [[ -f $FAKETIME_LIB ]] || { say "PGP_FAKETIME needs Debian's faketime package ($FAKETIME_LIB)"; exit 1; }
      # FAKETIME_DONT_RESET: every backend goes on from the postmaster's clock instead of
      # starting again at the given instant
      clock=(env LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$PGP_FAKETIME" FAKETIME_DONT_RESET=1)
    fi
    as_cluster_user "${clock[@]}" "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_DIR/postgres.log" -w -t 60 start >/dev/null
    say "cluster started on port $PORT${PGP_FAKETIME:+ with the clock at $PGP_FAKETIME} (log: $LOG_DIR/postgres.log)"
  fi
  if [[ $(psql_cluster -d postgres -Atc "SELECT count(*) FROM pg_database WHERE datname = '$DB_NAME'") == 0 ]]; then
    psql_cluster -d postgres -qc "CREATE DATABASE $DB_NAME"
  fi
  psql_cluster -d "$DB_NAME" -qc "CREATE EXTENSION IF NOT EXISTS pg_cron" 2>/dev/null
}

cmd_stop() {
  if is_running; then
    as_cluster_user "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m fast -w stop >/dev/null
    say "cluster stopped"
  fi
}

cmd_status() {
  if is_running; then
    say "running: $DATA_DIR"
    cmd_env
  else
    say "not running ($DATA_DIR)"
    return 3
  fi
}

cmd_env() {
  cat <<ENV
export PGHOST='$SOCKET_DIR' PGPORT=$PORT PGUSER=postgres PGDATABASE=$DB_NAME
# libpq URI over TCP (Grafana, Metabase, JDBC, psycopg2): postgresql://postgres@127.0.0.1:$PORT/$DB_NAME
ENV
}

cmd_destroy() {
  cmd_stop
  rm -rf "$CLUSTER_ROOT"
  say "removed $CLUSTER_ROOT"
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  psql) shift; export_connection; exec "$SYSTEM_PG_LIB/bin/psql" "$@" ;;
  destroy) cmd_destroy ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
