#!/usr/bin/env python3
"""Builds an upgrade script from its hand-written source in src/sql/upgrades/, which names the
current definitions it needs instead of copying them:

    -- @include 29_today.sql                           every statement of that piece
    -- @include 48_prices.sql: relation portfolio.last_quotes
    -- @replace 64_health.sql: routine portfolio.health_rows
    -- @comment 40_model.sql: relation portfolio.settings

A named include writes the piece's CREATE statement(s) of that object (every overload of a
routine, or the one named with its argument types: "routine portfolio.refresh(bigint)") and the
COMMENT statements on it, in the piece's order, as the install script has them;
@replace writes CREATE OR REPLACE instead of CREATE (routines, views and triggers that 0.1 already
has); @comment writes only the COMMENT statements (an object whose description alone changed).
The kinds are those of scripts/sql_statements.py: routine, relation, trigger ("name ON table"),
policy ("name ON table"). Everything else in the source is copied as it is, so the
order of the steps, the data checks and the statements that only an upgrade needs stay written
by hand; the upgrade suite proves the result (0.1 + this script = a fresh install).

An upgrade script is built from the current pieces only until its version is released; then the
built script is frozen in src/sql/released/ (README there).

Usage: upgrade_sql.py src/sql/upgrades/pg_portfolio--0.1--0.2.sql > pg_portfolio--0.1--0.2.sql
"""
import functools
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_sql  # noqa: E402
import sql_statements  # noqa: E402

DIRECTIVE = re.compile(r"^-- @(include|replace|comment) (\S+\.sql)(?:: (\w+) (.+?))?\s*$")
OR_REPLACE = re.compile(r"^CREATE (?=(?:CONSTRAINT )?TRIGGER |FUNCTION |PROCEDURE |VIEW )")


@functools.lru_cache(maxsize=None)
def piece(pieces, name):
    """The statements of one piece as the install script has them (read once per build)."""
    path = os.path.join(pieces, name)
    if not os.path.exists(path):
        raise SystemExit(f"@include: no piece {path}")
    return sql_statements.split(build_sql.family(path))


def expand(pieces, how, piece_name, kind, obj):
    statements = piece(pieces, piece_name)
    if kind is None:
        return "".join(s.lead + s.text for s in statements).strip("\n") + "\n"
    name, _, types = obj.partition("(")
    chosen = [s.text for s in statements if s.text and s.key == (kind, name)
              and (not types or sql_statements.routine_types(s.text) == types.rstrip(")"))]
    if how == "comment":
        chosen = [t for t in chosen if not sql_statements.is_create(t)]
    elif not any(sql_statements.is_create(t) for t in chosen):
        raise SystemExit(f"@{how} {piece_name}: {kind} {obj} is not created there")
    if not chosen:
        raise SystemExit(f"@{how} {piece_name}: nothing there for {kind} {obj}")
    if how == "replace":
        chosen = [OR_REPLACE.sub("CREATE OR REPLACE ", t) for t in chosen]
    return "\n".join(chosen) + "\n"


def main(source):
    pieces = os.path.dirname(os.path.dirname(os.path.abspath(source)))
    out = [f"-- Built by scripts/upgrade_sql.py from {os.path.relpath(source, os.path.dirname(pieces))}:"
           " edit that file, not this one.\n"]
    with open(source) as f:
        for line in f:
            out.append(line)
            m = DIRECTIVE.match(line)
            if m:
                out.append(expand(pieces, *m.groups()))
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
