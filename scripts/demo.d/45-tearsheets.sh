# Demo stage: one HTML tearsheet per owner, written by report/portfolio-report connected as that
# owner (row-level security: each file holds only what the owner may see). Self-contained files:
# open them in any browser, offline. Sourced by scripts/demo.sh.
say "tearsheets (HTML, charts inline; SYNTHETIC market data), one per owner, written as that owner:"
mkdir -p build/reports
for owner in alice bob; do
  /usr/bin/python3 report/portfolio-report --output-dir build/reports \
    --dsn "host=$SOCKET_DIR port=$PORT user=$owner dbname=$DB_NAME" |
    sed "s|^|    $owner: $REPO/|"
done
