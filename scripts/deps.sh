#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, only those missing (sudo when not root).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(
  # build (python3: scripts/build_sql.py assembles the install script)
  g++ make cmake pkg-config python3
  # PostgreSQL 15 with the extensions we use at run time and in tests
  postgresql-15 postgresql-server-dev-15 postgresql-15-cron postgresql-15-pgtap
  libtap-parser-sourcehandler-pgtap-perl
  # libraries
  libeigen3-dev libpq-dev libcurl4-openssl-dev libcpp-httplib-dev nlohmann-json3-dev
  googletest libgtest-dev
  # independent reference values and client-library tests
  python3-numpy python3-scipy python3-psycopg2
  default-jdk-headless libpostgresql-jdbc-java
  # the Debian packages (debian/, test/suites/package.sh)
  build-essential dpkg-dev debhelper postgresql-server-dev-all lintian
  # test/suites/style.sh: the C++ formatting check (.clang-format) and the fetcher's function
  # length limit (clang-tidy readability-function-size)
  clang-format clang-tidy
  # small tools the scripts use; faketime runs a test server at a chosen instant
  procps curl ca-certificates iproute2 man-db faketime
  # test/suites/fuzz.sh: random SQL queries against the extension
  sqlsmith
  # the tearsheet: charts (matplotlib) and its rendering test (headless Chromium)
  python3-matplotlib chromium
)
# npm and node for test/suites/grafana_schema.sh (Grafana's dashboard types from the npm registry):
# Debian's npm, unless a node that ships its own npm is installed already (NodeSource's nodejs
# does, and conflicts with Debian's npm package)
command -v npm >/dev/null || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  say "all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi
say "installing ${#missing[@]} Debian packages: ${missing[*]}"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
