#!/usr/bin/env python3
"""Assembles the install script: each src/sql/NN_family.sql in the order given, each followed by
what the family's tables beside it declare, written out as plain SQL statements (greppable in the
built script; no install-time EXECUTE). A family may have up to four tables, written in this order
(a later one may use what an earlier one declares):

    NN_family.types       base types with their I/O functions             (see types())
    NN_family.functions   C functions of the shared library               (see functions())
    NN_family.equality    = and <> with a hash operator class, for a type (see equality())
    NN_family.aggregates  aggregates                                      (see aggregates())

Every table is read the same way: one entry a line, # starts a comment line, and an indented line
after an entry is that entry's COMMENT. Every object is created in schema portfolio.

Usage: build_sql.py src/sql/*.sql > pg_portfolio--<version>.sql
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sql_statements  # noqa: E402


# --- what every table shares: reading it, and the statements several tables write ---------------

def table_entries(path):
    """(line number, entry, its COMMENT text or None) for each entry of a table, in order."""
    entry = None
    with open(path) as table:
        for number, raw in enumerate(table, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line.startswith((" ", "\t")):  # the comment of the entry above
                if entry is None or entry[2] is not None:
                    sys.exit(f"{path}:{number}: a comment line without an entry above it")
                entry = (entry[0], entry[1], line.strip())
                continue
            if entry is not None:
                yield entry
            entry = (number, line, None)
    if entry is not None:
        yield entry


def option_list(text):
    """'{a = 1, private}' contents -> ['a = 1', 'private'] (None or '' -> [])."""
    return [o.strip() for o in (text or "").split(",") if o.strip()]


def arg_types(args):
    """The argument types by which COMMENT and REVOKE name a function or aggregate (the one
    parser of argument lists, scripts/sql_statements.py)."""
    return sql_statements.argument_types(args)


def comment_on(what, target, text):
    """COMMENT ON <what> <target> IS '<text>' (quotes doubled)."""
    quoted = text.replace("'", "''")
    return f"COMMENT ON {what} {target} IS\n    '{quoted}';"


def revoke_public(name, args):
    """Takes PUBLIC's EXECUTE away: a function or aggregate only the extension's own SQL calls."""
    return f"REVOKE ALL ON FUNCTION portfolio.{name}({arg_types(args)}) FROM PUBLIC;"


def c_function(name, args, returns, symbol=None, strict=False, leakproof=False, rows=None):
    """CREATE FUNCTION of an entry point in the shared library (symbol pgp_<name> unless given).
    Every C function of the extension is immutable and parallel safe."""
    attributes = ["IMMUTABLE"] + ["STRICT"] * strict + ["PARALLEL SAFE"] + ["LEAKPROOF"] * leakproof
    if rows:
        attributes.append(f"ROWS {rows}")
    return (f"CREATE FUNCTION portfolio.{name}({args}) RETURNS {returns}\n"
            f"    AS 'MODULE_PATHNAME', '{symbol or 'pgp_' + name}' LANGUAGE C {' '.join(attributes)};")


# --- NN_family.functions --------------------------------------------------------------------------

FUNCTION = re.compile(
    r"^(?P<name>\w+)\((?P<args>[^)]*)\)\s*->\s*(?P<returns>.+?)(?:\s*=\s*(?P<symbol>\w+))?"
    r"\s*(?:\{(?P<options>[^}]*)\})?\s*$")


def functions(path):
    """A functions table, one C function per entry:

        moment_trans(internal, float8, int4) -> internal = pgp_moment_trans_ppy
        n(s portfolio.return_summary) -> bigint = pgp_return_summary_n {strict}
            number of returns summarised

      name(arguments): as SQL writes them (names, DEFAULT and OUT arguments included)
      -> result: what follows RETURNS (internal, float8, SETOF record, TABLE (...))
      = symbol: the C entry point, when it is not pgp_<name>
      {options}: strict, leakproof, rows N (a set-returning function's row estimate), private
          (revokes PUBLIC's EXECUTE)
    """
    out = [f"-- generated from {path} (scripts/build_sql.py)"]
    for number, line, comment in table_entries(path):
        m = FUNCTION.match(line)
        if not m:
            sys.exit(f"{path}:{number}: not a function entry: {line}")
        options = option_list(m["options"])
        rows = [o.split()[1] for o in options if re.fullmatch(r"rows \d+", o)]
        unknown = [o for o in options if o not in ("strict", "leakproof", "private") and not re.fullmatch(r"rows \d+", o)]
        if unknown:
            sys.exit(f"{path}:{number}: unknown option(s) {', '.join(unknown)}")
        out.append(c_function(m["name"], m["args"], m["returns"], m["symbol"], strict="strict" in options,
                              leakproof="leakproof" in options, rows=rows[0] if rows else None))
        if comment:
            out.append(comment_on("FUNCTION", f"portfolio.{m['name']}({arg_types(m['args'])})", comment))
        if "private" in options:
            out.append(revoke_public(m["name"], m["args"]))
    return "\n".join(out) + "\n"


# --- NN_family.types ------------------------------------------------------------------------------

TYPE = re.compile(r"^(?P<name>\w+)\s*\{(?P<options>[^}]*)\}\s*$")


def types(path):
    """A types table, one base type per entry, with the COMMENT ON TYPE:

        return_summary {internallength = variable, alignment = int4, storage = main}
            moments (n, mean, M2, M3, M4) and compounded growth of a return series: ...

      name: the type; its text and binary I/O functions are name_in, name_out, name_recv and
          name_send (C entry points pgp_name_in, ...), strict like every I/O function
      {options}: the rest of CREATE TYPE, as it spells them
    """
    out = [f"-- generated from {path} (scripts/build_sql.py)"]
    for number, line, comment in table_entries(path):
        m = TYPE.match(line)
        if not m:
            sys.exit(f"{path}:{number}: not a type entry: {line}")
        name, t = m["name"], f"portfolio.{m['name']}"
        out += [f"CREATE TYPE {t};",  # a shell, so that the I/O functions can name the type
                c_function(f"{name}_in", "cstring", t, strict=True),
                c_function(f"{name}_out", t, "cstring", strict=True),
                c_function(f"{name}_recv", "internal", t, strict=True),
                c_function(f"{name}_send", t, "bytea", strict=True),
                f"CREATE TYPE {t} (\n"
                f"    input = {t}_in, output = {t}_out,\n"
                f"    receive = {t}_recv, send = {t}_send,\n"
                f"    {', '.join(option_list(m['options']))}\n"
                f");"]
        if comment:
            out.append(comment_on("TYPE", t, comment))
    return "\n".join(out) + "\n"


# --- NN_family.equality ---------------------------------------------------------------------------

def equality(path):
    """An equality table, one type per entry, with the COMMENT of its = operator:

        return_summary
            same summary: equal canonical encodings (-0 = 0, NaN = NaN)

      gives the type = and <> operators (C entry points pgp_<type>_eq and pgp_<type>_ne) and a
      default hash operator class (pgp_<type>_hash), so that DISTINCT, UNION, GROUP BY, IN and hash
      joins work on it. The functions are LEAKPROOF: their C code must raise nothing that
      depends on its arguments.
    """
    out = [f"-- generated from {path} (scripts/build_sql.py)"]
    for number, line, comment in table_entries(path):
        if not re.fullmatch(r"\w+", line):
            sys.exit(f"{path}:{number}: not a type name: {line}")
        name, t = line, f"portfolio.{line}"
        out += [c_function(f"{name}_eq", f"{t}, {t}", "boolean", strict=True, leakproof=True),
                c_function(f"{name}_ne", f"{t}, {t}", "boolean", strict=True, leakproof=True),
                c_function(f"{name}_hash", t, "integer", strict=True, leakproof=True),
                f"CREATE OPERATOR portfolio.= (\n"
                f"    LEFTARG = {t}, RIGHTARG = {t}, FUNCTION = {t}_eq,\n"
                f"    COMMUTATOR = OPERATOR(portfolio.=), NEGATOR = OPERATOR(portfolio.<>),\n"
                f"    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);",
                f"CREATE OPERATOR portfolio.<> (\n"
                f"    LEFTARG = {t}, RIGHTARG = {t}, FUNCTION = {t}_ne,\n"
                f"    COMMUTATOR = OPERATOR(portfolio.<>), NEGATOR = OPERATOR(portfolio.=),\n"
                f"    RESTRICT = neqsel, JOIN = neqjoinsel);",
                f"CREATE OPERATOR CLASS {t}_hash_ops DEFAULT FOR TYPE {t} USING hash AS\n"
                f"    OPERATOR 1 portfolio.= ({t}, {t}),\n"
                f"    FUNCTION 1 {t}_hash({t});"]
        if comment:
            out.append(comment_on("OPERATOR", f"portfolio.= ({t}, {t})", comment))
    return "\n".join(out) + "\n"


# --- NN_family.aggregates ------------------------------------------------------------------------

ENTRY = re.compile(
    r"^(?P<name>\w+)\((?P<args>[^)]*)\):\s*(?P<sfunc>\w+)(?:\s*/\s*(?P<minv>\w+))?\s*->\s*(?P<final>\w+)"
    r"\s*\[(?P<kind>[\w-]+)\]\s*(?:\{(?P<extra>[^}]*)\})?\s*$")
STATE = re.compile(r"^state\s+(?P<kind>\w+)\s*=\s*(?P<funcs>.+)$")


def qualify(options):
    """'combinefunc moment_combine, ...' -> 'combinefunc = portfolio.moment_combine, ...'."""
    parts = [p.strip().split() for p in options.split(",") if p.strip()]
    return ", ".join(f"{key} = portfolio.{func}" for key, func in parts)


def aggregate(entry, kinds, comment):
    """The CREATE AGGREGATE of one entry (its COMMENT, its REVOKE when private)."""
    name, args = entry["name"], entry["args"]
    options = option_list(entry["extra"])
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
        lines.append(comment_on("AGGREGATE", f"portfolio.{name}({arg_types(args)})", comment))
    if private:
        lines.append(revoke_public(name, args))
    return lines


def aggregates(path):
    """An aggregates table, one aggregate per entry:

        state moment = combinefunc moment_combine, serialfunc moment_serialize, deserialfunc moment_deserialize

        volatility(r float8): moment_trans / moment_inv -> volatility_final [moment]
            annualised volatility: sample standard deviation of r times sqrt(252); NULL below 2 rows

      name(arguments): the aggregate, with its arguments as SQL writes them
          (named "r float8" or unnamed "portfolio.return_summary")
      sfunc / minvfunc: the transition and, for moving windows, the inverse transition (msfunc is
          sfunc, mfinalfunc finalfunc); without "/ minvfunc" no moving-window support
      -> finalfunc: the final function
      [kind]: a state kind declared by a "state" line: its combine/serialize/deserialize functions
          (parallel plans and partial aggregation); [-] for none (the aggregate stays whole)
      {key = value, ...}: further options, as CREATE AGGREGATE spells them (e.g. sspace = 32792);
          the word private among them revokes PUBLIC's EXECUTE (an aggregate only the extension's
          own functions call)
    The state type is internal and every aggregate is parallel safe.
    """
    kinds, out = {"-": None}, [f"-- generated from {path} (scripts/build_sql.py)"]
    for number, line, comment in table_entries(path):
        m = STATE.match(line)
        if m:
            if comment:
                sys.exit(f"{path}:{number}: a state line has no comment")
            kinds[m["kind"]] = qualify(m["funcs"])
            continue
        m = ENTRY.match(line)
        if not m:
            sys.exit(f"{path}:{number}: not an aggregate entry: {line}")
        if m["kind"] not in kinds:
            sys.exit(f"{path}:{number}: state kind [{m['kind']}] is not declared")
        out.extend(aggregate(m.groupdict(), kinds, comment))
    return "\n".join(out) + "\n"


# --- the install script ---------------------------------------------------------------------------

# A family's tables and their writers, in the order they follow the family's SQL file.
TABLES = [(".types", types), (".functions", functions), (".equality", equality), (".aggregates", aggregates)]


def family(part):
    """The install script's text of one src/sql/NN_family.sql: the file, then its tables' SQL."""
    with open(part) as f:
        text = f.read()
    for suffix, write in TABLES:
        table = os.path.splitext(part)[0] + suffix
        if os.path.exists(table):
            text += "\n" + write(table)
    return text


def main(parts):
    for part in parts:
        sys.stdout.write(family(part))


if __name__ == "__main__":
    main(sys.argv[1:])
