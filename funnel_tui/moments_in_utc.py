"""Moments another tool wrote with an offset other than UTC's (`2026-12-07T10:00:00+01:00`).

The book keeps its moments in UTC, and every figure compares them as text: one written
with another offset is left out of every window (`funnel check` names it). `funnel check
--repair` stores each in UTC, the same instant, so the figures count it.
"""

from __future__ import annotations

import sqlite3

from funnel_tui.foreign_values import COLUMNS, FIRST_DAY, LAST_DAY, MOMENT, wrong_value_sql

# A date, a time and an offset of hours and minutes that is not UTC's.
_WITH_AN_OFFSET = (
    "{c} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]*"
    "[+-][0-9][0-9]:[0-9][0-9]' AND substr({c}, -6) NOT IN ('+00:00', '-00:00')"
)
# The same instant in the form funnel stores, by SQLite's own reading of the offset.
_IN_UTC = "strftime('%Y-%m-%dT%H:%M:%S+00:00', {c})"
# A real day (SQLite's reading would roll 30 February into March), and in UTC a day of
# the years a book keeps.
_READABLE = (
    "date(substr({c}, 1, 10), '+0 days') IS substr({c}, 1, 10)"
    f" AND substr({_IN_UTC}, 1, 10) BETWEEN '{FIRST_DAY}' AND '{LAST_DAY}'"
)


def moment_columns() -> list[tuple[str, str]]:
    """Every (table, column) the app reads as a moment."""
    return [
        (table, column)
        for table, columns in COLUMNS.items()
        for column, kind in columns.items()
        if kind is MOMENT
    ]


def _other_offset_sql(table: str, column: str) -> str:
    """SQL true for a moment of `column` that another offset keeps out of the figures and
    that can be stored in UTC."""
    return (
        f"{wrong_value_sql(table, column)} AND {_WITH_AN_OFFSET.format(c=column)}"
        f" AND {_READABLE.format(c=column)}"
    )


def store_moments_in_utc(conn: sqlite3.Connection) -> int:
    """Store in UTC each moment written with another offset; how many were. Inside the
    caller's transaction: funnel's triggers keep what they keep as for any change."""
    stored = 0
    for table, column in moment_columns():
        stored += conn.execute(
            f"UPDATE {table} SET {column} = {_IN_UTC.format(c=column)}"
            f" WHERE {_other_offset_sql(table, column)}"
        ).rowcount
    return stored
