# Shared settings for the project's scripts. Source it; do not run it.
#
# The private cluster runs Debian's PostgreSQL 15 from a private install tree (a copy of the
# system binaries plus this build of pg_portfolio, the way PostgreSQL's own `make check` works),
# so nothing is written into /usr and several checkouts can run side by side.
#
#   profile   PGP_PROFILE=demo (default) for the main job, test for the test suites, bench for bench/
#   where     non-root: <repo>/.cluster/<profile>; root: /var/tmp/pg_portfolio-<hash>/<profile>,
#             owned by the postgres OS user, because PostgreSQL refuses to run as root
#             instants for test/suites/instants.sh (a server under a faked clock), kill for
#             test/suites/kill.sh (a server it stops with -m immediate)
#   port      PGP_PORT, else derived from the checkout's path (test = demo + 1, bench = demo + 2,
#             instants = demo + 3, kill = demo + 4)
#   clock     PGP_FAKETIME='@2027-03-01 02:30:00' starts the server with that wall clock, running
#             on from there (Debian's libfaketime); for testing what the server takes as "today"
#             (statement_timeout and other timers do not follow a faked clock)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_MAJOR=15
SYSTEM_PG_LIB=/usr/lib/postgresql/$PG_MAJOR
SYSTEM_PG_SHARE=/usr/share/postgresql/$PG_MAJOR
PGP_PROFILE=${PGP_PROFILE:-demo}
FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
repo_hash=$(printf %s "$REPO" | md5sum | cut -c1-8)

if [[ $EUID -eq 0 ]]; then
  CLUSTER_USER=postgres
  CLUSTER_BASE=${PGP_CLUSTER_BASE:-/var/tmp/pg_portfolio-$repo_hash}
else
  CLUSTER_USER=$(id -un)
  CLUSTER_BASE=${PGP_CLUSTER_BASE:-$REPO/.cluster}
fi
CLUSTER_ROOT=$CLUSTER_BASE/$PGP_PROFILE
INSTALL_ROOT=$CLUSTER_BASE/install          # shared by the profiles: one build, one install
PG_BIN=$INSTALL_ROOT$SYSTEM_PG_LIB/bin
DATA_DIR=$CLUSTER_ROOT/data
SOCKET_DIR=$CLUSTER_ROOT/run
LOG_DIR=$CLUSTER_ROOT/log
DB_NAME=${PGP_DATABASE:-portfolio}

base_port=$((54000 + 0x${repo_hash:0:4} % 900 * 2))
if [[ -n ${PGP_PORT:-} ]]; then
  PORT=$PGP_PORT
elif [[ $PGP_PROFILE == test ]]; then
  PORT=$((base_port + 1))
elif [[ $PGP_PROFILE == bench ]]; then
  PORT=$((base_port + 2))
elif [[ $PGP_PROFILE == instants ]]; then
  PORT=$((base_port + 3))
elif [[ $PGP_PROFILE == kill ]]; then
  PORT=$((base_port + 4))
else
  PORT=$base_port
fi

# Run a command as the OS user that owns the cluster.
as_cluster_user() {
  if [[ $EUID -eq 0 ]]; then runuser -u "$CLUSTER_USER" -- "$@"; else "$@"; fi
}

# Run a command as root (package installation): directly, or through sudo.
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# libpq settings for clients of the private cluster (superuser postgres over the Unix socket).
export_connection() {
  export PGHOST=$SOCKET_DIR PGPORT=$PORT PGUSER=postgres PGDATABASE=$DB_NAME
}

psql_cluster() {
  "$SYSTEM_PG_LIB/bin/psql" -X -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PORT" -U postgres "$@"
}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
