#!/usr/bin/env bash
# The Debian packages: built from a clean copy of this tree with dpkg-buildpackage (which also
# runs the regression suite against the built extension, pg_buildext installcheck), checked by
# lintian, installed into the system's PostgreSQL 15 with apt, and used in a throw-away cluster
# (pg_createcluster on a free port): CREATE EXTENSION, a ledger with hand-worked numbers, the
# 0.1 -> 0.2 update from the packaged scripts, and portfolio-fetch loading rows into it.
# Needs root or sudo (installs packages). Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REPO=$PWD
source scripts/lib.sh
set +e  # lib.sh sets -e; here a failed step is a failed check, and the suite goes on to clean up
# this suite talks to its own cluster, never to the test cluster test.sh exported
unset PGHOST PGPORT PGUSER PGDATABASE PGOPTIONS
VERSION=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" pg_portfolio.control)
EXT_PKG=postgresql-$PG_MAJOR-pg-portfolio FETCH_PKG=pg-portfolio-fetch
CLUSTER=pgp_pkg_$$
WORK=$(mktemp -d /var/tmp/pgp-package.XXXXXX)
chmod 755 "$WORK"

# Packages this suite installs are removed again at the end; ones that were there before stay.
preinstalled=()
for p in $EXT_PKG $FETCH_PKG; do
  [[ $(dpkg-query -W -f='${Status}' $p 2>/dev/null) == "install ok installed" ]] && preinstalled+=("$p")
done
cleanup() {
  if pg_lsclusters -h 2>/dev/null | awk '{print $2}' | grep -qx "$CLUSTER"; then
    as_root pg_dropcluster --stop "$PG_MAJOR" "$CLUSTER"
  fi
  local p remove=()
  for p in $EXT_PKG $FETCH_PKG; do
    [[ " ${preinstalled[*]} " == *" $p "* ]] || remove+=("$p")
  done
  [[ ${#remove[@]} -eq 0 ]] || as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "${remove[@]}" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- build, from a copy holding exactly what git would (tracked and new files, no build output) --
mkdir -p "$WORK/src"
git ls-files -z --cached --others --exclude-standard | tar -c --null -T - | tar -x -C "$WORK/src"
start=$SECONDS
if (cd "$WORK/src" && nice -n 10 dpkg-buildpackage -us -uc -b -j2) >"$WORK/build.log" 2>&1; then
  ok "dpkg-buildpackage -us -uc -b builds from a clean copy ($((SECONDS - start)) s)"
else
  fail "dpkg-buildpackage -us -uc -b" "last lines of its log follow"; tail -n 40 "$WORK/build.log"; finish
fi
check "the build ran the regression suite (pg_buildext installcheck) and it passed" 1 \
  "$(grep -cE '^ *All [0-9]+ tests passed\.' "$WORK/build.log")"
check "the build ran the fetcher's unit tests" 1 "$(grep -c '^\[  PASSED  \]' "$WORK/build.log")"
ext_deb=$(ls "$WORK"/${EXT_PKG}_${VERSION}_*.deb 2>/dev/null)
fetch_deb=$(ls "$WORK"/${FETCH_PKG}_${VERSION}_*.deb 2>/dev/null)
check "both packages were built" "2" "$( (ls $ext_deb $fetch_deb 2>/dev/null) | wc -l)"
check "the extension package holds the .so, 0.1, 0.1--0.2 and $VERSION scripts" 4 \
  "$(dpkg-deb -c "$ext_deb" | grep -cE "lib/pg_portfolio\.so$|extension/pg_portfolio--(0\.1|0\.1--0\.2|$VERSION)\.sql$")"
check "the fetcher package holds the binary and its man page" 2 \
  "$(dpkg-deb -c "$fetch_deb" | grep -cE 'usr/bin/portfolio-fetch$|man1/portfolio-fetch\.1\.gz$')"

# --- lintian: no errors; the warnings are printed for the record --------------------------------
lintian --pedantic "$WORK"/pg-portfolio_${VERSION}_*.changes >"$WORK/lintian.log" 2>&1
sed -n 's/^/  lintian: /p' "$WORK/lintian.log"
check "lintian reports no errors" 0 "$(grep -c '^E:' "$WORK/lintian.log")"

# --- install into the system's PostgreSQL and use it in a throw-away cluster --------------------
if as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
     "$ext_deb" "$fetch_deb" >"$WORK/apt.log" 2>&1; then
  ok "apt-get install of both packages"
else
  fail "apt-get install" "$(tail -n 5 "$WORK/apt.log")"; finish
fi
# A free port, above the range the project's own clusters use (54000-55801, see lib.sh): not
# used by another cluster and nothing listening. Other programs may take a port between the check
# and the start (it happened: a cluster of another checkout), so a failed start moves on.
port_is_free() {
  ! pg_lsclusters -h | awk '{print $3}' | grep -qx "$1" && ! ss -Hltn "sport = :$1" | grep -q .
}
port=$((56000 + $$ % 500 * 2)) started=no
for attempt in 1 2 3 4 5; do
  while ! port_is_free $port; do port=$((port + 1)); done
  as_root pg_createcluster -q -p $port "$PG_MAJOR" "$CLUSTER" >/dev/null -- --auth-local=peer --auth-host=scram-sha-256
  if as_root pg_ctlcluster "$PG_MAJOR" "$CLUSTER" start 2>"$WORK/start.err"; then started=yes; break; fi
  echo "  port $port: start failed ($(grep -m1 -o 'Address already in use' "$WORK/start.err" || echo see below)), trying another"
  grep -q 'Address already in use' "$WORK/start.err" || cat "$WORK/start.err"
  as_root pg_dropcluster "$PG_MAJOR" "$CLUSTER"
  port=$((port + 1))
done
check "throw-away cluster $CLUSTER runs on port $port" online \
  "$(pg_lsclusters -h | awk -v c="$CLUSTER" '$2 == c {print $4}')"
[[ $started == yes ]] || finish
pq() { as_root runuser -u postgres -- psql -X -q -At -v ON_ERROR_STOP=1 -h /var/run/postgresql -p $port "$@"; }
pq -d postgres -c "CREATE DATABASE smoke" -c "CREATE DATABASE smoke_upgrade"

pq -d smoke -c "CREATE EXTENSION pg_portfolio" 2>"$WORK/create.err"
check "CREATE EXTENSION pg_portfolio (from the package, at $VERSION)" "$VERSION $VERSION" \
  "$(pq -d smoke -c "SELECT extversion || ' ' || portfolio.version() FROM pg_extension WHERE extname = 'pg_portfolio'")"
# 1.10 × 0.95 × 1.02 − 1 = 0.06590
check "an aggregate gives its hand-worked value" 0.065900 \
  "$(pq -d smoke -c "SELECT round(portfolio.twr(r)::numeric, 6) FROM (VALUES (0.10), (-0.05), (0.02)) v(r)")"
# average cost: bought 100 @ 95 + 200 @ 105 = 30,500 for 300; sold 150 @ 110 → realized 1,250
check "a ledger gives its hand-worked position" "150 1250 15250" \
  "$(pq -d smoke <<'SQL'
\o /dev/null
INSERT INTO portfolio.instruments (symbol, currency) VALUES ('AAA', 'USD');
INSERT INTO portfolio.portfolios (name, owner, cost_method) VALUES ('main', 'postgres', 'average');
INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price, amount) VALUES
    (1, NULL,  '2024-01-02 09:00+00', 'deposit', NULL, NULL, 40000),
    (1, 'AAA', '2024-01-02 15:00+00', 'buy',     100,  95,   NULL),
    (1, 'AAA', '2024-01-03 15:00+00', 'buy',     200,  105,  NULL),
    (1, 'AAA', '2024-01-04 15:00+00', 'sell',    150,  110,  NULL);
\o
SELECT concat_ws(' ', quantity, realized_pl, invested) FROM portfolio.positions;
SQL
)"
pq -d smoke_upgrade -c "CREATE EXTENSION pg_portfolio VERSION '0.1'" -c "ALTER EXTENSION pg_portfolio UPDATE"
check "the packaged 0.1 script and 0.1--0.2 update work" "$VERSION" \
  "$(pq -d smoke_upgrade -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_portfolio'")"

# --- portfolio-fetch, from the package ----------------------------------------------------------
check "portfolio-fetch is on the PATH at /usr/bin" /usr/bin/portfolio-fetch "$(command -v portfolio-fetch)"
help=$(portfolio-fetch --help); rc=$?
check "portfolio-fetch --help exits 0 and says what it is" \
  "0 portfolio-fetch: load daily quotes into pg_portfolio's portfolio.quotes and portfolio.fx_rates" \
  "$rc $(head -n 1 <<<"$help")"
check "man portfolio-fetch finds the page" 1 "$(man -w portfolio-fetch 2>/dev/null | grep -c 'man1/portfolio-fetch.1')"
printf 'symbol,date,open,high,low,close,volume\nAAA,2024-01-02,96,97.5,95,96.5,1000\nAAA,2024-01-03,96.5,99,96,98.25,1200\n' \
  | as_root runuser -u postgres -- portfolio-fetch --provider csv --file - --no-progress \
      --dsn "host=/var/run/postgresql port=$port dbname=smoke" >"$WORK/fetch.log" 2>&1
check "portfolio-fetch loads CSV rows into the cluster (exit 0)" "0 2 194.75" \
  "$? $(pq -d smoke -c "SELECT count(*) || ' ' || sum(close) FROM portfolio.quotes WHERE symbol = 'AAA'")"
finish
