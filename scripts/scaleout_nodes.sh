# Nodes of a multi-node layout on loopback, made from the private install tree in a work folder
# and removed on exit: for test/suites/scaleout.sh and bench/scaleout.sh. Source it after
# scripts/lib.sh. Every node runs with wal_level = logical (any may publish) and has a database
# "portfolio" holding pg_portfolio.
#
#   nodes_init                     the work folder, removed with its nodes on exit
#   node_create NAME               a new node (PORTS[NAME] is its port)
#   node_psql ROLE NODE SQL [...]  one unaligned result (stderr too) as ROLE; psql options after SQL
#   node_wait NODE SQL EXPECTED [SECONDS]   polls until the query returns EXPECTED, prints the last
#   shard_range K                  "first, last": the portfolio ids of shard K ([K 10^9 + 1, (K + 1) 10^9])
#   node_subscribe NODE PUBLISHER FIRST_DAY LAST_DAY
#                                  NODE subscribes to PUBLISHER's reference data (its quote
#                                  partitions for the days already published made first)
#   coordinator_sql SHARD K [ROLE...]
#                                  the coordinator's SQL for shard K on node SHARD: its server,
#                                  user mappings (postgres and each ROLE to itself) and shard_attach
# A node may also be an existing server: set PORTS, HOSTS and DBS for its name.
# SCALEOUT_KEEP=1 keeps the nodes running after exit, to look at them.
declare -A PORTS HOSTS DBS
NODES=()

nodes_init() {
  WORK=$CLUSTER_BASE/scaleout.$$
  mkdir -p "$WORK"
  [[ $EUID -ne 0 ]] || chown "$CLUSTER_USER:" "$WORK"
  trap nodes_remove EXIT
}

nodes_remove() {
  if [[ -n ${SCALEOUT_KEEP:-} ]]; then echo "# kept: $WORK ($(declare -p PORTS))"; return; fi
  local n
  for n in "${NODES[@]}"; do
    as_cluster_user "$PG_BIN/pg_ctl" -D "$WORK/$n" -m immediate -w stop >/dev/null 2>&1
  done
  rm -rf "$WORK"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# node_settings NAME: what every node runs with (a standby made by pg_basebackup gets it too).
node_settings() {
  as_cluster_user tee -a "$WORK/$1/postgresql.conf" >/dev/null <<CONF
port = ${PORTS[$1]}
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
max_worker_processes = 16
max_logical_replication_workers = 8
hot_standby_feedback = on
fsync = off
shared_buffers = ${SCALEOUT_SHARED_BUFFERS:-32MB}
logging_collector = off
CONF
}

node_start() {
  as_cluster_user "$PG_BIN/pg_ctl" -D "$WORK/$1" -l "$WORK/$1.log" -w -t 60 start >/dev/null
}

node_create() {
  PORTS[$1]=$(free_port)
  as_cluster_user "$PG_BIN/initdb" -D "$WORK/$1" -U postgres -A trust -E UTF8 --no-locale >/dev/null || return 1
  node_settings "$1"
  node_start "$1" || return 1
  NODES+=("$1")
  node_psql postgres "$1" "CREATE DATABASE portfolio" -d postgres >/dev/null &&
    node_psql postgres "$1" "CREATE EXTENSION pg_portfolio" >/dev/null
}

node_psql() {
  local role=$1 node=$2 sql=$3; shift 3
  "$SYSTEM_PG_LIB/bin/psql" -X -At -v ON_ERROR_STOP=1 -h "${HOSTS[$node]:-$WORK}" -p "${PORTS[$node]}" \
    -U "$role" -d "${DBS[$node]:-portfolio}" "$@" -c "$sql" 2>&1
}

node_wait() {
  local got i
  for ((i = 0; i < ${4:-60} * 5; i++)); do
    got=$(node_psql postgres "$1" "$2")
    [[ $got == "$3" ]] && break
    sleep 0.2
  done
  printf '%s' "$got"
}

SHARD_SPAN=1000000000
shard_range() { echo "$(($1 * SHARD_SPAN + 1)), $((($1 + 1) * SHARD_SPAN))"; }

node_subscribe() {
  local node=$1 publisher=$2 r
  r=$(node_psql postgres "$node" "SELECT portfolio.ensure_quote_partitions('$3', '$4')") || { echo "$r"; return 1; }
  # one subscription (and replication slot on the publisher) per subscriber: names must differ
  node_psql postgres "$node" "CREATE SUBSCRIPTION portfolio_reference_$node
    CONNECTION 'host=127.0.0.1 port=${PORTS[$publisher]} dbname=portfolio user=postgres'
    PUBLICATION portfolio_reference"
}

coordinator_sql() {
  local shard=$1 k=$2 role; shift 2
  echo "CREATE SERVER $shard FOREIGN DATA WRAPPER postgres_fdw
          OPTIONS (host '127.0.0.1', port '${PORTS[$shard]}', dbname 'portfolio');
        CREATE USER MAPPING FOR postgres SERVER $shard OPTIONS (user 'postgres');"
  for role in "$@"; do
    # trust on loopback here; production mappings carry a password or a certificate
    echo "CREATE USER MAPPING FOR $role SERVER $shard OPTIONS (user '$role', password_required 'false');"
  done
  echo "SELECT portfolio.shard_attach('$shard', $(shard_range "$k"));"
}
