"""Splits an SQL script into statements and names the object each one creates or comments on.

An upgrade script refers to the current definition of an object by that name (scripts/upgrade_sql.py),
so the name must be found the same way in the install script's pieces and in the upgrade script.
Only what pg_portfolio's scripts use is understood: -- and /* */ comments, '...' strings (with ''),
"..." identifiers, $tag$...$tag$ bodies, and psql backslash lines (\\echo ... \\quit), which end a
statement of their own, and SQL-standard BEGIN ATOMIC ... END bodies.
"""
import re

DOLLAR = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")


class Statement:
    """One statement: `lead` is the comments and blank lines before it, `text` the statement
    itself with its semicolon (or a whole backslash line)."""

    def __init__(self, lead, text):
        self.lead, self.text = lead, text

    @property
    def key(self):
        return object_key(self.text)


def split(script):
    """The statements of script, in order, each with the comments before it; what follows the
    last statement (comments only) comes back as a Statement with empty text."""
    out, i, n = [], 0, len(script)
    lead_start = 0
    stmt_start = None
    depth, previous = 0, ""  # BEGIN ATOMIC ... END bodies hold semicolons of their own
    while i < n:
        c = script[i]
        if stmt_start is None:
            if c in " \t\r\n":
                i += 1
                continue
            if script.startswith("--", i):
                i = _line_end(script, i)
                continue
            if script.startswith("/*", i):
                i = script.index("*/", i) + 2
                continue
            stmt_start = i
            if c == "\\":  # a psql line is a statement of its own
                i = _line_end(script, i)
                out.append(Statement(script[lead_start:stmt_start], script[stmt_start:i]))
                lead_start, stmt_start = i, None
                continue
        if script.startswith("--", i):
            i = _line_end(script, i)
        elif script.startswith("/*", i):
            i = script.index("*/", i) + 2
        elif c == "'":
            i = _quoted_end(script, i, "'")
        elif c == '"':
            i = _quoted_end(script, i, '"')
        elif c == "$" and DOLLAR.match(script, i):
            tag = DOLLAR.match(script, i).group(0)
            i = script.index(tag, i + len(tag)) + len(tag)
        elif c == ";" and depth == 0:
            i += 1
            out.append(Statement(script[lead_start:stmt_start], script[stmt_start:i]))
            lead_start, stmt_start = i, None
        elif c.isalpha() or c == "_":
            m = WORD.match(script, i)
            depth = _depth_after(m.group(0).upper(), depth, previous)
            previous = m.group(0).upper()
            i = m.end()
        else:
            i += 1
    if stmt_start is not None:
        raise ValueError(f"unterminated statement: {script[stmt_start:stmt_start + 80]!r}")
    out.append(Statement(script[lead_start:], ""))
    return out


WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _depth_after(word, depth, previous):
    """The nesting inside a BEGIN ATOMIC body after word: CASE ... END nests in it too."""
    if word == "ATOMIC" and previous == "BEGIN":
        return depth + 1
    if depth and word == "CASE":
        return depth + 1
    if depth and word == "END":
        return depth - 1
    return depth


def _line_end(script, i):
    j = script.find("\n", i)
    return len(script) if j < 0 else j


def _quoted_end(script, i, quote):
    j = i + 1
    while True:
        j = script.index(quote, j)
        if script.startswith(quote * 2, j):
            j += 2
            continue
        return j + 1


NAME = r'((?:"[^"]+"|\w+)(?:\.(?:"[^"]+"|\w+))?)'
ROUTINE = r"(?:FUNCTION|PROCEDURE|AGGREGATE)"
RELATION = r"(?:VIEW|MATERIALIZED VIEW|TABLE|UNLOGGED TABLE|TYPE|SEQUENCE)"
KEYS = [
    # (pattern on the folded text, kind, how the object is named)
    (rf"^CREATE (?:OR REPLACE )?{ROUTINE} {NAME}\s*\(", "routine", 1),
    (rf"^COMMENT ON {ROUTINE} {NAME}\s*\(", "routine", 1),
    (rf"^CREATE (?:OR REPLACE )?{RELATION} (?:IF NOT EXISTS )?{NAME}", "relation", 1),
    (rf"^COMMENT ON (?:VIEW|MATERIALIZED VIEW|TABLE|TYPE|SEQUENCE) {NAME}", "relation", 1),
    (rf"^COMMENT ON COLUMN {NAME}\.(?:\"[^\"]+\"|\w+) IS", "relation", 1),
    (rf"^CREATE (?:OR REPLACE )?(?:CONSTRAINT )?TRIGGER (\w+) .*? ON {NAME}", "trigger", 2),
    (rf"^COMMENT ON TRIGGER (\w+) ON {NAME}", "trigger", 2),
    (rf"^CREATE POLICY (\w+) ON {NAME}", "policy", 2),
    (rf"^COMMENT ON POLICY (\w+) ON {NAME}", "policy", 2),
]


def _match(text):
    """(kind, name, folded text, match) of the first KEYS pattern that names text's object."""
    folded = " ".join(text.split())
    for pattern, kind, groups in KEYS:
        m = re.match(pattern, folded)
        if m:
            return kind, m.group(1) if groups == 1 else f"{m.group(1)} ON {m.group(2)}", folded, m
    return None


def object_key(text):
    """('routine', 'portfolio.health_rows'), ('trigger', 'name ON table'), ... for a statement that
    creates or comments on a named object; None for anything else (GRANT, ALTER, DO, ...)."""
    found = _match(text)
    return found[:2] if found else None


# Words a type's name may start with: an argument of two or more words that starts with any other
# word is "name type".
TYPE_START = {"double", "character", "timestamp", "time", "bit", "interval", "national"}


def argument_types(args):
    """The types of an argument list as SQL writes it, by which COMMENT, REVOKE and an overload's
    identity name a routine: 'r float8, ppy int4 DEFAULT 252, OUT x numeric' -> 'float8, int4'
    (names, IN/INOUT/VARIADIC and defaults dropped; OUT arguments are not part of it)."""
    parts, depth, current = [], 0, ""
    for c in args:
        depth += {"(": 1, ")": -1}.get(c, 0)
        if c == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += c
    parts.append(current)
    types = []
    for arg in parts:
        words = re.split(r"\s+(?:DEFAULT\b|=).*", " ".join(arg.split()), flags=re.I)[0].split()
        if words and words[0].upper() == "OUT":
            continue
        if words and words[0].upper() in ("IN", "INOUT", "VARIADIC"):
            words = words[1:]
        if len(words) >= 2 and words[0].lower() not in TYPE_START:
            words = words[1:]
        if words:
            types.append(" ".join(words))
    return ", ".join(types)


def routine_types(text):
    """'float8, int4' for a statement on a routine: the argument types in its parentheses, in
    lower case; None for any other statement."""
    found = _match(text)
    if found is None or found[0] != "routine":
        return None
    folded, start = found[2], found[3].end() - 1  # the routine patterns end at the "("
    depth, end = 0, start
    while True:
        depth += {"(": 1, ")": -1}.get(folded[end], 0)
        if depth == 0:
            break
        end += 1
    return argument_types(folded[start + 1:end]).lower()


def is_create(text):
    return text.lstrip().upper().startswith("CREATE")
