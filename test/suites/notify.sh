#!/usr/bin/env bash
# Live updates: a separate client (Python + psycopg2) LISTENs on portfolio_quotes and
# portfolio_refresh while portfolio-fetch loads CSV files in small batches, while SQL sessions
# load quotes and FX rates, and while portfolio.refresh() runs. It must receive exactly one
# notification per committed batch / transaction / refresh, none for a rolled-back one, each a
# valid JSON document under PostgreSQL's 8000-byte payload limit (truncated, and saying so, for a
# batch of 600 symbols). PG* are exported by scripts/test.sh. Last line: "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REPO=$PWD
BIN=$REPO/build/fetcher/portfolio-fetch
fetcher_binaries portfolio-fetch
WORK=$(mktemp -d /tmp/notify-suite.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
export NOTIFY_WORK=$WORK NOTIFY_BIN=$BIN

/usr/bin/python3 - <<'PY'
import json, os, select, subprocess, sys, time
import psycopg2

work, fetch = os.environ["NOTIFY_WORK"], os.environ["NOTIFY_BIN"]
from pgp_test import check, finish

listener = psycopg2.connect("")
listener.autocommit = True
lc = listener.cursor()
lc.execute("LISTEN portfolio_quotes; LISTEN portfolio_refresh;")
admin = psycopg2.connect("")
admin.autocommit = True
ac = admin.cursor()
ac.execute("SET client_min_messages = warning")

def cleanup():
    ac.execute("DELETE FROM portfolio.quotes WHERE symbol LIKE 'NT%'")
    ac.execute("DELETE FROM portfolio.quotes_rejected WHERE symbol LIKE 'NT%'")
    ac.execute("DELETE FROM portfolio.fx_rates WHERE source = 'notify-test'")

def drain(wait=1.0):
    """Notifications received within `wait` seconds after the last one (by channel)."""
    got = []
    deadline = time.time() + wait
    while time.time() < deadline:
        if select.select([listener], [], [], max(0.0, deadline - time.time()))[0]:
            listener.poll()
            while listener.notifies:
                n = listener.notifies.pop(0)
                got.append((n.channel, n.payload))
                deadline = time.time() + wait
    return got

def parse_all(got, channel):
    docs = []
    for ch, payload in got:
        if ch != channel:
            continue
        check(f"{channel} payload is under 8000 bytes ({len(payload.encode())})", len(payload.encode()) < 8000)
        try:
            docs.append(json.loads(payload))
        except ValueError as e:
            check(f"{channel} payload is valid JSON", False, str(e))
    return docs

def run_fetch(path, batch):
    r = subprocess.run([fetch, "--provider", "csv", "--file", path, "--batch-size", str(batch), "--no-progress"],
                       capture_output=True, text=True)
    return r.returncode

def write_csv(name, rows):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("symbol,date,open,high,low,close,volume,adj_close\n")
        for r in rows:
            f.write(",".join(str(x) for x in r) + "\n")
    return path

cleanup()
drain(0.3)

# 1. 3 symbols x 10 days = 30 rows in batches of 7: 5 transactions, 5 notifications.
days = [f"2021-03-{d:02d}" for d in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12)]
rows = [(s, d, 10, 100, 1, 10 + i, 100, 10 + i) for s in ("NTA", "NTB", "NTC") for i, d in enumerate(days)]
path = write_csv("first.csv", rows)
rc = run_fetch(path, 7)
check("portfolio-fetch loads the first file", rc == 0, f"exit {rc}")
docs = parse_all(drain(), "portfolio_quotes")
check("one notification per batch: 5 batches of at most 7 rows", len(docs) == 5, f"got {len(docs)}")
check("the batches' rows add up to 30 inserted", sum(d["rows"] for d in docs) == 30 and sum(d["inserted"] for d in docs) == 30,
      str([(d["rows"], d["inserted"]) for d in docs]))
check("every batch names its symbols, none truncated",
      all(not d["truncated"] and d["symbol_count"] == len(d["symbols"]) for d in docs))
latest = {}
for d in docs:
    for s in d["symbols"]:
        latest[s["symbol"]] = max(latest.get(s["symbol"], ""), s["latest"])
check("the latest timestamps per symbol are the last day", latest == {s: "2021-03-12T00:00:00+00:00" for s in ("NTA", "NTB", "NTC")}, str(latest))
ac.execute("SELECT count(*) FROM portfolio.live_pending")
check("nothing is left pending after commit", ac.fetchone()[0] == 0)

# 2. the same file with NTB's closes changed: UPDATEs, notified only by the batches holding them
rows2 = [(s, d, o, h, l, c + (1 if s == "NTB" else 0), v, a) for (s, d, o, h, l, c, v, a) in rows]
path = write_csv("second.csv", rows2)
rc = run_fetch(path, 7)
check("portfolio-fetch loads the changed file", rc == 0, f"exit {rc}")
docs = parse_all(drain(), "portfolio_quotes")
expected_batches = len({i // 7 for i, r in enumerate(rows2) if r[0] == "NTB"})
check(f"one notification per batch that changed rows ({expected_batches})", len(docs) == expected_batches, f"got {len(docs)}")
check("10 rows updated, none inserted", sum(d["updated"] for d in docs) == 10 and sum(d["inserted"] for d in docs) == 0,
      str([(d["updated"], d["inserted"]) for d in docs]))
check("only NTB is named", {s["symbol"] for d in docs for s in d["symbols"]} == {"NTB"})

# 3. an unchanged re-run changes nothing and notifies nothing
rc = run_fetch(path, 7)
docs = parse_all(drain(0.7), "portfolio_quotes")
check("an unchanged re-run sends no notification", rc == 0 and len(docs) == 0, f"exit {rc}, {len(docs)} notifications")

# 4. 600 symbols in one batch: one notification, truncated, under the limit, with the real count
rows3 = [(f"NTX{k:04d}", "2021-03-15", 1, 1, 1, 1, 1, 1) for k in range(600)]
path = write_csv("many.csv", rows3)
rc = run_fetch(path, 1000)
got = drain()
docs = parse_all(got, "portfolio_quotes")
check("600 symbols in one batch: one notification", rc == 0 and len(docs) == 1, f"exit {rc}, {len(docs)}")
if docs:
    d = docs[0]
    check("the symbol list is truncated and says so", d["truncated"] is True and d["symbol_count"] == 600
          and 0 < len(d["symbols"]) < 600 and d["rows"] == 600, f"{d['truncated']} {d['symbol_count']} {len(d['symbols'])}")
    check("the listed symbols are the first in name order", [s["symbol"] for s in d["symbols"]] ==
          [f"NTX{k:04d}" for k in range(len(d["symbols"]))])

# 5. SQL: one transaction with an INSERT, an UPDATE and FX rates: one notification
s = psycopg2.connect("")
c = s.cursor()
c.execute("SET client_min_messages = warning")
c.execute("INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES ('NTA', '2021-03-16', 20, 'notify-test'), ('NTD', '2021-03-16', 5, 'notify-test')")
c.execute("UPDATE portfolio.quotes SET close = close + 1 WHERE symbol = 'NTC' AND ts >= '2021-03-10'")
c.execute("INSERT INTO portfolio.fx_rates (day, base, quote, rate, source) VALUES ('2021-03-16', 'NTE', 'NTU', 1.5, 'notify-test') ON CONFLICT DO NOTHING")
check("nothing is sent before commit", len(drain(0.5)) == 0)
s.commit()
docs = parse_all(drain(), "portfolio_quotes")
check("one transaction with INSERT, UPDATE and FX: one notification", len(docs) == 1, f"got {len(docs)}")
if docs:
    d = docs[0]
    check("its counts: 5 quote rows (2 inserted, 3 updated), 1 FX rate", (d["rows"], d["inserted"], d["updated"], d["fx_rows"]) == (5, 2, 3, 1),
          str((d["rows"], d["inserted"], d["updated"], d["fx_rows"])))
    check("its symbols and pair", [x["symbol"] for x in d["symbols"]] == ["NTA", "NTC", "NTD"] and [x["symbol"] for x in d["fx_pairs"]] == ["NTE/NTU"],
          str(d["symbols"]))
# a rolled-back transaction sends nothing
c.execute("INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES ('NTA', '2021-03-17', 20, 'notify-test')")
s.rollback()
check("a rolled-back load sends nothing", len(drain(0.7)) == 0)
# a savepoint rolled back takes its rows out of the summary
c.execute("INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES ('NTA', '2021-03-17', 20, 'notify-test')")
c.execute("SAVEPOINT sp")
c.execute("INSERT INTO portfolio.quotes (symbol, ts, close, source) VALUES ('NTB', '2021-03-17', 20, 'notify-test')")
c.execute("ROLLBACK TO SAVEPOINT sp")
s.commit()
docs = parse_all(drain(), "portfolio_quotes")
check("a rolled-back savepoint's rows are not reported", len(docs) == 1 and [x["symbol"] for x in docs[0]["symbols"]] == ["NTA"] and docs[0]["rows"] == 1,
      str(docs))
s.close()

# 6. refresh(): exactly one portfolio_refresh with the views and their row counts
ac.execute("CALL portfolio.refresh()")
got = drain()
docs = parse_all(got, "portfolio_refresh")
check("one notification per refresh()", len(docs) == 1 and len(got) == 1, f"got {got}")
if docs:
    ac.execute("SELECT rows, portfolios FROM portfolio.refresh_log ORDER BY id DESC LIMIT 1")
    n, np = ac.fetchone()
    views = docs[0]["views"]
    check("it lists the daily series with the rows written and the portfolios recomputed",
          len(views) == 1 and views[0]["view"] == "portfolio.daily_series"
          and views[0]["rows"] == n and views[0]["portfolios"] == np and views[0]["portfolios_failed"] == 0
          and views[0]["failed"] is False and docs[0]["ok"] is True, f"{views} vs {n} {np}")
ac.execute("CALL portfolio.refresh()")
check("a second refresh(): one more", len(parse_all(drain(), "portfolio_refresh")) == 1)

# 7. any role may LISTEN: a role with no grants hears a failed refresh and quote loads, and learns
# no portfolio, instrument, trade or holding from them; the owner reads the reason in refresh_log
ac.execute("DROP ROLE IF EXISTS nt_nobody")
ac.execute("CREATE ROLE nt_nobody LOGIN")
nobody = psycopg2.connect("user=nt_nobody")
nobody.autocommit = True
nobody.cursor().execute("LISTEN portfolio_quotes; LISTEN portfolio_refresh;")
ac.execute("INSERT INTO portfolio.instruments (symbol, currency) VALUES ('NTSECRET', 'USD')")
ac.execute("INSERT INTO portfolio.portfolios (name) VALUES ('nt private book') RETURNING id")
secret_id = ac.fetchone()[0]
# an oversold ledger is refused when written; one stored past the triggers (restored, or from
# before validation) makes that portfolio's valuation fail
ac.execute("ALTER TABLE portfolio.transactions DISABLE TRIGGER USER")
ac.execute("""INSERT INTO portfolio.transactions (portfolio_id, instrument, executed_at, kind, quantity, price)
              VALUES (%s, 'NTSECRET', '2021-03-01 12:00+00', 'sell', 987654, 1)""", (secret_id,))
ac.execute("ALTER TABLE portfolio.transactions ENABLE TRIGGER USER")
ac.execute("SELECT portfolio.mark_dirty(ARRAY[%s::bigint], ARRAY['-infinity'::date])", (secret_id,))
ac.execute("CALL portfolio.refresh()")
time.sleep(0.5)
nobody.poll()
heard = [(n.channel, n.payload) for n in nobody.notifies]
drain(0.3)
leaks = [p for _, p in heard if any(w in p for w in ("NTSECRET", "nt private book", "987654", "PF001", f"portfolio {secret_id}"))]
failed_doc = [json.loads(p) for ch, p in heard if ch == "portfolio_refresh"]
check("a role with no grants hears the refresh with a failed portfolio (a count, no id)", len(failed_doc) == 1
      and failed_doc[0]["ok"] is False and failed_doc[0]["views"][0]["portfolios_failed"] == 1, str(heard))
check("and nothing in it names the portfolio, instrument, trade or holding", not leaks and heard, str(heard))
ac.execute("SELECT error FROM portfolio.valuation_status WHERE portfolio_id = %s", (secret_id,))
check("the reason is in valuation_status for the operators", "NTSECRET" in (ac.fetchone()[0] or ""))
try:
    nobody.cursor().execute("SELECT error FROM portfolio.valuation_status")
    denied = False
except psycopg2.Error as e:
    denied = e.pgcode == "42501"
check("a role with no grants cannot read valuation_status (42501)", denied)
ac.execute("DELETE FROM portfolio.portfolios WHERE id = %s", (secret_id,))
ac.execute("DELETE FROM portfolio.instruments WHERE symbol = 'NTSECRET'")
nobody.close()
ac.execute("DROP ROLE nt_nobody")

cleanup()
drain(0.3)
sys.exit(finish())
PY
rc=$?
exit $rc
