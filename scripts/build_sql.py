#!/usr/bin/env python3
"""Assembles the install script: each src/sql/NN_family.sql in the order given, each followed by
the aggregates its table src/sql/NN_family.aggregates declares, written out as plain CREATE
AGGREGATE and COMMENT statements (greppable in the built script; no install-time EXECUTE).

A table, one aggregate per entry (# starts a comment line):

    state moment = combinefunc moment_combine, serialfunc moment_serialize, deserialfunc moment_deserialize

    volatility(r float8): moment_trans / moment_inv -> volatility_final [moment]
        annualised volatility: sample standard deviation of r times sqrt(252); NULL below 2 rows

  name(arguments): the aggregate, in schema portfolio, with its arguments as SQL writes them
      (named "r float8" or unnamed "portfolio.return_summary")
  sfunc / minvfunc: the transition and, for moving windows, the inverse transition (msfunc is
      sfunc, mfinalfunc finalfunc); without "/ minvfunc" no moving-window support
  -> finalfunc: the final function
  [kind]: a state kind declared by a "state" line: its combine/serialize/deserialize functions
      (parallel plans and partial aggregation); [-] for none (the aggregate stays whole)
  {key = value, ...}: further options, as CREATE AGGREGATE spells them (e.g. sspace = 32792);
      the word private among them revokes PUBLIC's EXECUTE (an aggregate only the extension's
      own functions call)
  the indented line after it: the COMMENT, when the aggregate has one
The state type is internal and every aggregate is parallel safe.

Usage: build_sql.py src/sql/*.sql > pg_portfolio--<version>.sql
"""
import os
import re
import sys

ENTRY = re.compile(
    r"^(?P<name>\w+)\((?P<args>[^)]*)\):\s*(?P<sfunc>\w+)(?:\s*/\s*(?P<minv>\w+))?\s*->\s*(?P<final>\w+)"
    r"\s*\[(?P<kind>[\w-]+)\]\s*(?:\{(?P<extra>[^}]*)\})?\s*$")
STATE = re.compile(r"^state\s+(?P<kind>\w+)\s*=\s*(?P<funcs>.+)$")


def arg_types(args):
    """'r float8, ppy int4' -> 'float8, int4' (an argument is 'name type', or an unnamed 'type')."""
    words = [a.split(None, 1) for a in args.split(",") if a.strip()]
    return ", ".join(w[-1].strip() for w in words)


def qualify(options):
    """'combinefunc moment_combine, ...' -> 'combinefunc = portfolio.moment_combine, ...'."""
    parts = [p.strip().split() for p in options.split(",") if p.strip()]
    return ", ".join(f"{key} = portfolio.{func}" for key, func in parts)


def aggregates(path):
    kinds, out, entry = {"-": None}, [f"-- generated from {path} (scripts/build_sql.py)"], None

    def flush(comment=None):
        name, args = entry["name"], entry["args"]
        options = [o.strip() for o in (entry["extra"] or "").split(",") if o.strip()]
        private = "private" in options
        options = [o for o in options if o != "private"]
        lines = [f"CREATE AGGREGATE portfolio.{name}({args}) (",
                 f"    sfunc = portfolio.{entry['sfunc']}, stype = internal, finalfunc = portfolio.{entry['final']},"]
        if options:
            lines.append(f"    {', '.join(options)},")
        if kinds[entry["kind"]]:
            lines.append(f"    {kinds[entry['kind']]},")
        if entry["minv"]:
            lines.append(f"    msfunc = portfolio.{entry['sfunc']}, minvfunc = portfolio.{entry['minv']}, "
                         f"mstype = internal, mfinalfunc = portfolio.{entry['final']},")
        lines += ["    parallel = safe", ");"]
        if comment:
            text = comment.replace("'", "''")
            lines.append(f"COMMENT ON AGGREGATE portfolio.{name}({arg_types(args)}) IS\n    '{text}';")
        if private:
            lines.append(f"REVOKE ALL ON FUNCTION portfolio.{name}({arg_types(args)}) FROM PUBLIC;")
        out.extend(lines)

    with open(path) as table:
        for number, raw in enumerate(table, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith((" ", "\t")):  # the comment of the entry above
                if entry is None:
                    sys.exit(f"{path}:{number}: a comment line without an aggregate above it")
                flush(line.strip())
                entry = None
                continue
            if entry is not None:
                flush()
                entry = None
            m = STATE.match(line)
            if m:
                kinds[m["kind"]] = qualify(m["funcs"])
                continue
            m = ENTRY.match(line)
            if not m:
                sys.exit(f"{path}:{number}: not an aggregate entry: {line}")
            if m["kind"] not in kinds:
                sys.exit(f"{path}:{number}: state kind [{m['kind']}] is not declared")
            entry = m.groupdict()
    if entry is not None:
        flush()
    return "\n".join(out) + "\n"


def part_text(part):
    """What the install script holds of one src/sql/NN_family.sql: the file, then its aggregates."""
    with open(part) as f:
        text = f.read()
    table = os.path.splitext(part)[0] + ".aggregates"
    if os.path.exists(table):
        text += "\n" + aggregates(table)
    return text


def main(parts):
    for part in parts:
        sys.stdout.write(part_text(part))


if __name__ == "__main__":
    main(sys.argv[1:])
