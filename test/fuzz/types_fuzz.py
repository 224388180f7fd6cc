#!/usr/bin/env python3
"""Mutated text and binary input of every custom type of pg_portfolio, deterministic.

For each base type of schema portfolio that has its own input function (return_summary,
pair_summary, quantile_sketch, position, and any added later; found in the catalog, not listed
here), valid values are made with the extension's own aggregates, then mutated with a fixed seed:

  text    each value's text form, mutated (characters flipped, deleted, inserted, fields repeated
          or dropped, numbers replaced by extremes, truncated, ...), read with 'text'::type;
  binary  each value's send form, mutated (bits flipped, bytes set to 00/ff/7f/80, 4- and 8-byte
          fields overwritten with extremes, NaN and infinity, truncated, extended), read through
          the type's receive function by COPY ... FROM STDIN WITH (FORMAT binary), one value a COPY.

Every input either fails with an ERROR whose SQLSTATE is in class 22 (data exception), or is
accepted; an accepted value is then printed again (its text must read back to the same text) and
passed to every function, aggregate and operator of the extension that takes the type (found in
the catalog; other arguments get fixed values), whose errors must be class 22 too. A lost
connection (a crashed backend), an XX000 internal error, a statement timeout (a hang) or any other
SQLSTATE is a failure, printed with the input that caused it (hex) so it can be replayed.

Usage: types_fuzz.py [--seed N] [--text N] [--binary N]   (libpq settings from PG*)
Prints "ok - ..." / "not ok - ..." lines, a table of outcomes, and "N passed, N failed".
"""
import argparse
import collections
import io
import random
import struct
import sys
import time
from pathlib import Path

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lib"))
from pgp_test import check, finish  # noqa: E402

# Values made by the extension's own aggregates; the text of each is the mutations' seed.
SEED_QUERIES = {
    "return_summary": [
        "SELECT portfolio.return_stats(r) FROM (VALUES (0.01::float8), (-0.02), (0.03), (0.004)) t(r)",
        "SELECT portfolio.return_stats(r) FROM (VALUES (0.5::float8)) t(r)",
        "SELECT portfolio.return_stats(r) FROM (SELECT sin(g) / 10 FROM generate_series(1, 500) g) t(r)",
        "SELECT portfolio.return_stats(r) FROM (VALUES (-0.99::float8), (1e6), (0)) t(r)",
    ],
    "pair_summary": [
        "SELECT portfolio.pair_stats(r, r * 0.5 + 0.001) FROM (VALUES (0.01::float8), (-0.02), (0.03)) t(r)",
        "SELECT portfolio.pair_stats(sin(g) / 10, cos(g) / 20) FROM generate_series(1, 300) g",
        "SELECT portfolio.pair_stats(r, -r) FROM (VALUES (0.2::float8), (-0.1)) t(r)",
    ],
    "quantile_sketch": [
        "SELECT portfolio.quantile_sketch(r) FROM (VALUES (0.01::float8), (-0.02), (0.03), (0), (0.5)) t(r)",
        "SELECT portfolio.quantile_sketch(sin(g) / 10) FROM generate_series(1, 2000) g",
        "SELECT portfolio.quantile_sketch(r) FROM (VALUES (-1e-12::float8), (600000000), (-0.7)) t(r)",
        "SELECT portfolio.quantile_sketch(r) FROM (VALUES (0::float8)) t(r)",
    ],
    "position": [
        """SELECT portfolio.position_agg(t, k::portfolio.txn_kind, q, p, f ORDER BY t) FROM (VALUES
             ('2024-01-02'::timestamptz, 'buy', 10::numeric, 100::numeric, 1::numeric),
             ('2024-02-02', 'buy', 5, 110, 1), ('2024-03-02', 'sell', 7, 120, 1),
             ('2024-04-02', 'dividend', NULL, 3.5, 0), ('2024-05-02', 'split', 2, NULL, 0)) v(t, k, q, p, f)""",
        """SELECT portfolio.position_agg(t, k::portfolio.txn_kind, q, p, f, 'hifo' ORDER BY t) FROM (VALUES
             ('2024-01-02'::timestamptz, 'buy', 10::numeric, 100::numeric, 1::numeric),
             ('2024-02-02', 'buy', 5, 110.123456789012, 1), ('2024-03-02', 'sell', 7, 120, 1)) v(t, k, q, p, f)""",
        """SELECT portfolio.position_agg(t, k::portfolio.txn_kind, q, p, f, 'average' ORDER BY t) FROM (VALUES
             ('2020-01-02'::timestamptz, 'buy', 1e9::numeric, 0.0001::numeric, 0::numeric),
             ('2021-02-02', 'sell', 999999999, 0.0002, 0)) v(t, k, q, p, f)""",
        """SELECT portfolio.position_agg(t, k::portfolio.txn_kind, q, p, f, 'lifo' ORDER BY t) FROM (VALUES
             ('2024-01-02'::timestamptz, 'buy', 3::numeric, 10::numeric, 0::numeric),
             ('2024-01-03', 'buy', 4, 11, 0), ('2024-01-04', 'buy', 5, 12, 0),
             ('2024-01-05', 'sell', 12, 13, 0.5)) v(t, k, q, p, f)""",
    ],
}

# Fixed values for a function's other arguments, by type.
ARG_VALUES = {
    "double precision": "0.95", "integer": "12", "bigint": "12", "numeric": "101.5",
    "text": "'fifo'", "boolean": "true", "date": "'2024-06-28'",
    "timestamp with time zone": "'2024-06-28 00:00+00'",
}
EXTREMES = ["0", "-0", "1", "-1", "nan", "NaN", "inf", "-Infinity", "1e308", "-1e308", "1e-320",
            "4.9e-324", "1.7976931348623157e309", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "18446744073709551616", "4294967296", "2147483648", "99999999999999999999999999",
            "0.000000000001", "1e", "e5", "--1", "0x10", "1.2.3", "", " ", "+", "1_000", "١٢", "9" * 400]
ALPHABET = "0123456789-+.eE:,;=()/ TZnamixfolqutyscbrpgvwhd\t\n\\'\"%{}[]*é\x01\x7f"


class Outcomes:
    def __init__(self):
        self.counts = collections.Counter()
        self.failures = []

    def add(self, key):
        self.counts[key] += 1

    def fail(self, what):
        self.failures.append(what)


def connect():
    c = psycopg2.connect("")
    c.autocommit = True
    cur = c.cursor()
    cur.execute("SET statement_timeout = '5s'")
    cur.execute("SET client_min_messages = warning")
    cur.execute("SET lc_messages = 'C'")
    return c


def catalog(cur):
    """Custom base types of schema portfolio with their functions, aggregates and operators."""
    cur.execute("""SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                   WHERE n.nspname = 'portfolio' AND t.typtype = 'b' AND t.typinput <> 0
                     AND t.typreceive <> 0 AND t.typname NOT LIKE '\\_%' ORDER BY 1""")
    types = [r[0] for r in cur.fetchall()]
    calls = {}
    for t in types:
        cur.execute("""
            SELECT p.proname, p.prokind, array(SELECT format_type(a, NULL) FROM unnest(p.proargtypes::oid[]) a),
                   p.proretset
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'portfolio' AND %s::regtype = ANY (p.proargtypes::oid[])
              AND NOT 'internal'::regtype = ANY (p.proargtypes::oid[])
              AND p.prorettype <> 'cstring'::regtype
            ORDER BY 1, 3""", (f"portfolio.{t}",))
        cs = []
        for name, kind, args, retset in cur.fetchall():
            full = f"portfolio.{t}" if t != "position" else 'portfolio."position"'
            vals = []
            for a in args:
                if a in (f"portfolio.{t}", full):
                    vals.append("v")
                elif a in ARG_VALUES:
                    vals.append(ARG_VALUES[a])
                else:
                    vals = None
                    break
            if vals is None:
                continue
            call = f"portfolio.{name}({', '.join(vals)})"
            if kind == "a":
                cs.append(f"SELECT {call}::text FROM (VALUES ($V), ($V)) x(v)")
            elif retset:
                cs.append(f"SELECT count(*) FROM (SELECT ($V) AS v) x, LATERAL {call}")
            else:
                cs.append(f"SELECT {call}::text FROM (SELECT ($V) AS v) x")
        cur.execute("""SELECT n.nspname, o.oprname FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
                       WHERE o.oprleft = %s::regtype AND o.oprright = o.oprleft""",
                    (f"portfolio.{t}",))
        for nsp, op in cur.fetchall():   # schema-qualified: portfolio need not be on the search_path
            cs.append(f"SELECT (v OPERATOR({nsp}.{op}) v)::text FROM (SELECT ($V) AS v) x")
        calls[t] = cs
    return types, calls


def qualified(t):
    return 'portfolio."position"' if t == "position" else f"portfolio.{t}"


# --- mutations -----------------------------------------------------------------------------------
def mutate_text(rng, s):
    s = list(s)
    for _ in range(rng.choice((1, 1, 1, 2, 3, 5))):
        op = rng.randrange(11)
        n = len(s)
        i = rng.randrange(n + 1) if n else 0
        if op == 0 and n:                       # replace a character
            s[min(i, n - 1)] = rng.choice(ALPHABET)
        elif op == 1 and n:                     # delete a run
            del s[i:i + rng.randrange(1, 8)]
        elif op == 2:                           # insert characters
            s[i:i] = [rng.choice(ALPHABET) for _ in range(rng.randrange(1, 4))]
        elif op == 3 and n:                     # duplicate a run
            j = min(n, i + rng.randrange(1, 40))
            s[i:i] = s[i:j]
        elif op == 4 and n:                     # truncate
            s = s[:i]
        elif op in (5, 6, 7):                   # a number replaced by an extreme
            text = "".join(s)
            spans, k = [], 0
            while k < len(text):
                if text[k] in "0123456789":
                    st = k
                    while k < len(text) and text[k] in "0123456789.e-+":
                        k += 1
                    spans.append((st, k))
                k += 1
            if spans:
                a, b = rng.choice(spans)
                text = text[:a] + rng.choice(EXTREMES) + text[b:]
            s = list(text)
        elif op == 8:                           # a field (between separators) repeated many times
            text = "".join(s)
            seps = [k for k, ch in enumerate(text) if ch in ",;"]
            if seps:
                k = rng.choice(seps)
                nxt = next((m for m in seps if m > k), len(text))
                text = text[:nxt] + text[k:nxt] * rng.choice((2, 10, 1000, 5000)) + text[nxt:]
            s = list(text)
        elif op == 9:                           # swap two fields
            text = "".join(s)
            parts = text.replace(";", ",").split(",")
            if len(parts) > 2:
                a, b = rng.randrange(len(parts)), rng.randrange(len(parts))
                parts[a], parts[b] = parts[b], parts[a]
                text = ",".join(parts)
            s = list(text)
        else:                                   # a random short string
            s = [rng.choice(ALPHABET) for _ in range(rng.randrange(0, 30))]
    return "".join(s)


def mutate_binary(rng, b):
    b = bytearray(b)
    for _ in range(rng.choice((1, 1, 1, 2, 4))):
        n = len(b)
        op = rng.randrange(9)
        i = rng.randrange(n) if n else 0
        if op == 0 and n:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1 and n:
            b[i] = rng.choice((0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE))
        elif op == 2 and n >= 4:
            i = rng.randrange(n - 3)
            b[i:i + 4] = struct.pack("<I", rng.choice((0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 65, 4096, 1 << 20)))
        elif op == 3 and n >= 8:
            i = rng.randrange(n - 7)
            v = rng.choice((struct.pack("<d", float("nan")), struct.pack("<d", float("inf")),
                            struct.pack("<d", -float("inf")), struct.pack("<d", 1e308), struct.pack("<d", -0.0),
                            struct.pack("<d", 5e-324), struct.pack("<q", -1), struct.pack("<q", 1 << 62),
                            struct.pack("<Q", 1 << 63), struct.pack("<q", 0)))
            b[i:i + 8] = v
        elif op == 4:
            b = b[:rng.randrange(n + 1)]
        elif op == 5:
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        elif op == 6:
            b += bytes(rng.randrange(256) for _ in range(rng.choice((1, 7, 8, 100, 5000))))
        elif op == 7 and n:
            b[0] = rng.randrange(256)             # the format version
        elif op == 8 and n >= 16:
            i = rng.randrange(n - 15)            # a 16-byte field (a 128-bit fixed point amount)
            b[i:i + 16] = rng.choice((b"\xff" * 16, b"\x00" * 15 + b"\x80", b"\xff" * 15 + b"\x7f", bytes(16)))
    return bytes(b)


def copy_binary(value):
    """A COPY BINARY stream of one row holding one field."""
    return (b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0) + struct.pack("!h", 1)
            + struct.pack("!i", len(value)) + value + struct.pack("!h", -1))


# --- running inputs ------------------------------------------------------------------------------
class Runner:
    def __init__(self, out):
        self.out = out
        self.conn = connect()
        self.cur = self.conn.cursor()
        self.lost = 0
        self.current = "return_summary"

    def reconnect(self):
        self.lost += 1
        try:
            self.conn.close()
        except Exception:
            pass
        for _ in range(120):        # the server restarts after a crash: wait for it (60 s at most)
            try:
                self.conn = connect()
                break
            except psycopg2.OperationalError:
                time.sleep(0.5)
        else:
            raise SystemExit("the server did not come back after a lost connection")
        self.cur = self.conn.cursor()
        self.cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS fuzz_{self.current} (v {qualified(self.current)})")

    def run(self, label, fn, detail):
        """Runs fn(cur); returns (ok, result). Classifies errors; reconnects after a lost connection."""
        try:
            return True, fn(self.cur)
        except psycopg2.Error as e:
            state = e.pgcode
            if state is None:                       # no SQLSTATE: the connection is gone
                self.out.add(f"{label}: connection lost")
                self.out.fail(f"{label}: connection lost ({str(e).strip()[:200]}) on {detail}")
                self.reconnect()
                return False, None
            self.out.add(f"{label}: {state}")
            if not state.startswith("22"):
                msg = (e.pgerror or "").strip().replace("\n", " ")[:300]
                self.out.fail(f"{label}: SQLSTATE {state} ({msg}) on {detail}")
            return False, None


def exercise(r, t, calls, literal_sql, params, detail):
    """Text round trip and every function of the type on an accepted value."""
    ok, text = r.run(f"{t} re-read", lambda c: (c.execute(f"SELECT ({literal_sql})::text", tuple(params) or None), c.fetchone()[0])[1], detail)
    if ok and text is not None:
        # what the type prints must read back as the same value (pg_dump writes text): an accepted
        # value whose text is refused, with any SQLSTATE, is a failure
        n_before = len(r.out.failures)
        ok2, again = r.run(f"{t} re-read", lambda c: (c.execute(f"SELECT %s::{qualified(t)}::text", (text,)), c.fetchone()[0])[1], detail)
        if not ok2 and len(r.out.failures) == n_before:
            r.out.fail(f"{t}: an accepted value prints text that does not read back: {text[:200]!r} ({detail})")
        if ok2 and again != text:
            r.out.fail(f"{t}: printed text does not read back the same: {text[:200]!r} -> {again[:200]!r} ({detail})")
    for sql in calls:
        q = sql.replace("$V", literal_sql)
        args = tuple(params) * q.count("%s") or None
        r.run(f"{t} functions", lambda c: (c.execute(q, args), c.fetchall()), f"{q[:120]} with {detail}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--text", type=int, default=3000, help="text inputs per type")
    ap.add_argument("--binary", type=int, default=2000, help="binary inputs per type")
    a = ap.parse_args()
    out = Outcomes()
    r = Runner(out)
    types, calls = catalog(r.cur)
    check("the custom types are found in the catalog (at least the four of 0.2)",
          {"return_summary", "pair_summary", "quantile_sketch", "position"} <= set(types), str(types))
    for t in types:
        r.current = t
        seeds_text, seeds_bin = [], []
        for q in SEED_QUERIES.get(t, []):
            r.cur.execute(f"SELECT v::text, {'portfolio.' + t + '_send'}(v) FROM ({q}) s(v)")
            txt, binv = r.cur.fetchone()
            seeds_text.append(txt)
            seeds_bin.append(bytes(binv))
        check(f"{t}: {len(seeds_text)} valid seed values, {len(calls[t])} functions/operators to call on it",
              len(seeds_text) >= 3 and len(calls[t]) >= 3, f"{len(seeds_text)} seeds, {calls[t]}")
        if not seeds_text:
            continue
        # the seeds themselves read back, in both forms (a positive control for the harness)
        r.cur.execute(f"CREATE TEMP TABLE fuzz_{t} (v {qualified(t)})")
        ok_seeds = 0
        for txt, binv in zip(seeds_text, seeds_bin):
            ok1, back = r.run(f"{t} seed", lambda c: (c.execute(f"SELECT %s::{qualified(t)}::text", (txt,)), c.fetchone()[0])[1], txt)
            ok2, _ = r.run(f"{t} seed", lambda c: c.copy_expert(f"COPY fuzz_{t} FROM STDIN WITH (FORMAT binary)", io.BytesIO(copy_binary(binv))), binv.hex())
            ok_seeds += ok1 and ok2 and back == txt
        r.cur.execute(f"SELECT count(*) FROM fuzz_{t} WHERE v::text = ANY (%s)", (seeds_text,))
        check(f"{t}: the unmutated seeds read back in text and binary form", ok_seeds == len(seeds_text)
              and r.cur.fetchone()[0] == len(seeds_text))
        r.cur.execute(f"TRUNCATE fuzz_{t}")

        rng = random.Random(f"{a.seed}:{t}:text")
        before = len(out.failures)
        accepted = 0
        for k in range(a.text):
            s = mutate_text(rng, rng.choice(seeds_text)).replace("\x00", "")
            detail = f"text input #{k} {s[:160]!r}{'...' if len(s) > 160 else ''} (len {len(s)})"
            ok, _ = r.run(f"{t} text", lambda c: (c.execute(f"SELECT %s::{qualified(t)}", (s,)), c.fetchone()), detail)
            out.add(f"{t} text: {'accepted' if ok else 'rejected'}")
            if ok:
                accepted += 1
                exercise(r, t, calls[t], f"%s::{qualified(t)}", (s,), detail)
        check(f"{t}: {a.text} mutated text inputs ({accepted} accepted): only class-22 errors, no crash",
              len(out.failures) == before, "; ".join(out.failures[before:before + 5]))

        rng = random.Random(f"{a.seed}:{t}:binary")
        before = len(out.failures)
        accepted = 0
        for k in range(a.binary):
            b = mutate_binary(rng, rng.choice(seeds_bin))
            detail = f"binary input #{k} {b[:96].hex()}{'...' if len(b) > 96 else ''} (len {len(b)})"
            ok, _ = r.run(f"{t} binary", lambda c: c.copy_expert(f"COPY fuzz_{t} FROM STDIN WITH (FORMAT binary)",
                                                                 io.BytesIO(copy_binary(b))), detail)
            out.add(f"{t} binary: {'accepted' if ok else 'rejected'}")
            if ok:
                accepted += 1
                exercise(r, t, calls[t], f"(SELECT v FROM fuzz_{t} LIMIT 1)", (), detail)
                # send it again: binary COPY TO must work on what receive accepted
                r.run(f"{t} re-send", lambda c: c.copy_expert(f"COPY fuzz_{t} TO STDOUT WITH (FORMAT binary)", io.BytesIO()), detail)
                r.cur.execute(f"TRUNCATE fuzz_{t}")
        check(f"{t}: {a.binary} mutated binary inputs ({accepted} accepted): only class-22 errors, no crash",
              len(out.failures) == before, "; ".join(out.failures[before:before + 5]))

    check("no connection was lost", r.lost == 0, f"{r.lost} lost")
    r.cur.execute("SELECT 1")
    check("the server still answers", r.cur.fetchone()[0] == 1)
    print("# outcomes (input or call: accepted / rejected / SQLSTATE of the error):")
    for key in sorted(out.counts):
        print(f"#   {key:45s} {out.counts[key]:7d}")
    if out.failures:
        print(f"# {len(out.failures)} failures, the first 40:")
        for f in out.failures[:40]:
            print(f"#   {f}")
    return finish()


if __name__ == "__main__":
    sys.exit(main())
