#!/usr/bin/env bash
# Runs the SQL examples of docs/metrics.md that end in "-- result:" lines and compares psql's
# unaligned output (columns joined by "|") to those lines, so the documentation cannot drift from
# the code. Needs PGHOST/PGPORT/PGUSER/PGDATABASE (exported by scripts/test.sh). Last line:
# "N passed, N failed".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
exec /usr/bin/python3 - docs/metrics.md <<'PY'
import re
import subprocess
import sys

from pgp_test import equal, finish

text = open(sys.argv[1]).read()
for block in re.findall(r"```sql\n(.*?)```", text, re.S):
    lines = block.rstrip("\n").split("\n")
    expected = [l[len("-- result: "):] for l in lines if l.startswith("-- result: ")]
    if not expected:
        continue  # an illustration on tables the reader has, not a runnable example
    sql = "\n".join(l for l in lines if not l.startswith("-- result: "))
    run = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         capture_output=True, text=True)
    got = run.stdout.strip("\n").split("\n") if run.returncode == 0 else ["ERROR: " + run.stderr.strip()]
    equal(sql.strip().split("\n")[0], expected, got)
sys.exit(finish())
PY
