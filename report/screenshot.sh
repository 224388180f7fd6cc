#!/usr/bin/env bash
# Renders an HTML file with headless Chromium (Debian's chromium) into a PNG.
#   bash report/screenshot.sh page.html out.png [width height]
# --no-sandbox: Chromium refuses to run as root otherwise; the page is a local file we wrote.
set -euo pipefail
html=$(realpath "$1") out=$2 width=${3:-1100} height=${4:-2900}
profile=$(mktemp -d /tmp/chromium-profile.XXXXXX)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
  --user-data-dir="$profile" \
  --window-size="$width,$height" --screenshot="$out" "file://$html" >/dev/null 2>&1
[[ -s $out ]]
