"""Whether a book still has funnel's triggers as funnel wrote them. A tool that builds a
table again (`sqlite-utils transform`) leaves its triggers out, and what they keep (the
day counts, the filter's index, each prospect's last call and next task) goes wrong from
then on without a word: the app and the commands say so, `funnel check` lists them and
`funnel check --repair` puts them back."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from functools import cache

from funnel_tui.migrations import SCHEMA_TRIGGERS, TRIGGER_GROUPS, TriggerGroup, normalised_sql

REPAIR_HINT = "`funnel check --repair`"

_TABLE_OF_TRIGGER = re.compile(r"\bON\s+(\w+)", re.IGNORECASE)


def book_triggers(conn: sqlite3.Connection) -> dict[str, str]:
    """Every trigger of the book, by name, with its SQL."""
    return {
        name: sql or ""
        for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    }


def wrong_triggers(present: Mapping[str, str], group: TriggerGroup) -> tuple[list[str], list[str]]:
    """The triggers of `group` missing from `present`, and those whose SQL is not funnel's."""
    funnels = _funnels_triggers()
    missing = sorted(name for name in group.names if name not in present)
    changed = sorted(
        name
        for name in group.names
        if name in present and normalised_sql(present[name]) != funnels[name]
    )
    return missing, changed


def triggers_warning(conn: sqlite3.Connection) -> str | None:
    """One line saying which of funnel's triggers the book has lost or holds changed, on
    which tables, what they keep and what puts them back; None when every one is
    funnel's."""
    present = book_triggers(conn)
    # Every trigger of funnel's belongs to one group (a test makes sure).
    missing: list[str] = []
    changed: list[str] = []
    keeps: list[str] = []
    for group in TRIGGER_GROUPS:
        lost, rewritten = wrong_triggers(present, group)
        missing += lost
        changed += rewritten
        if lost or rewritten:
            keeps.append(group.keeps)
    if not missing and not changed:
        return None
    tables = ", ".join(sorted({_table_of(SCHEMA_TRIGGERS[name]) for name in missing + changed}))
    if missing and changed:
        what = f"has lost {len(missing)} of funnel's triggers and holds {len(changed)} changed"
    elif missing:
        what = f"has lost {len(missing)} of funnel's triggers"
    else:
        what = f"holds {len(changed)} of funnel's triggers changed"
    # A table built again loses its triggers; only a hand changes one.
    how = (
        "a table built again by another tool, as sqlite-utils transform does"
        if missing
        else "rewritten by another tool"
    )
    return (
        f"This book {what}, on {tables} ({how}): what they keep goes wrong until funnel"
        f" check --repair puts funnel's back ({'; '.join(keeps)})"
    )


@cache
def _funnels_triggers() -> dict[str, str]:
    return {name: normalised_sql(sql) for name, sql in SCHEMA_TRIGGERS.items()}


def _table_of(trigger_sql: str) -> str:
    found = _TABLE_OF_TRIGGER.search(trigger_sql)
    return found[1] if found else "?"


def triggers_warning_since(
    conn: sqlite3.Connection, seen: int | None
) -> tuple[int, str | None] | None:
    """The book's schema version and its `triggers_warning`, read again only when the
    schema changed since version `seen` (a table built again by another program while the
    app runs); None when it did not. The version is one read of the file's header."""
    (version,) = conn.execute("PRAGMA schema_version").fetchone()
    if version == seen:
        return None
    return version, triggers_warning(conn)
