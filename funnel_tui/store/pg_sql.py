"""The core's SQL as psycopg takes it: SQLite's `?` and `:name` parameters become `%s` and
`%(name)s`, and every `%` becomes `%%` (psycopg reads a `%` as a mark wherever it is, also
inside quotes). Marks inside quotes and comments are left as they are, and a PostgreSQL
cast (`::text`) is not a parameter."""

from __future__ import annotations

import re
from functools import lru_cache

# One token at a time: a quoted string or identifier, a comment, a cast, a named or
# positional parameter, a percent sign; anything else passes through.
_TOKEN = re.compile(
    r"""
      (?P<quoted>'(?:[^']|'')*'|"(?:[^"]|"")*")
    | (?P<comment>--[^\n]*|/\*.*?\*/)
    | (?P<cast>::)
    | :(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<positional>\?)
    | (?P<percent>%)
    """,
    re.VERBOSE | re.DOTALL,
)


@lru_cache(maxsize=1024)
def to_psycopg(sql: str) -> str:
    """The same statement with psycopg's parameter marks."""

    def replace(match: re.Match[str]) -> str:
        if match["name"]:
            return f"%({match['name']})s"
        if match["positional"]:
            return "%s"
        if match["percent"]:
            return "%%"
        return match[0].replace("%", "%%")

    return _TOKEN.sub(replace, sql)
