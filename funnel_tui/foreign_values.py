"""Values other tools wrote with the wrong type or range, recognised in SQL and in Python.

PRODUCT section 4: such a value never crashes the app or a command. A row on screen
shows `?` where it is, the figures leave it out and say how many they left out, and
`funnel check` lists each one by table, row and column. Each kind of column is defined
once here, twice over: the reader the screens apply to the few rows they show, and the
SQL condition that the figures and `funnel check` apply to whole tables.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any, NamedTuple, TypeVar

from funnel_tui.domain import TEXT_FIELDS
from funnel_tui.money import MAX_CENTS
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.sql import (
    DAYS_BETWEEN,
    STORED_FORM_ON_POSTGRESQL,
    WRONG_ON_POSTGRESQL,
    in_dialect,
)

T = TypeVar("T")

# What a screen shows in place of a value it cannot read.
MARK = "?"

# Dates outside these years are typos or "never" markers (9999-12-31); they also lie
# beyond what date arithmetic and time-zone conversion can handle at the edges.
FIRST_DAY = "1900-01-01"
LAST_DAY = "2999-12-31"

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# As funnel stores moments (`+00:00`), and as other tools write UTC: `Z`, a space, a
# fraction of a second, no seconds, no offset, or a date alone (its midnight).
_MOMENT = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[T ]([0-9]{2}:[0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?(?:Z|\+00:00)?)?"
)


class Unreadable(ValueError):
    """A stored value of the wrong type or range; str() says what is wrong with it."""


class NotUtf8(bytes):
    """Text whose bytes are not UTF-8, as `funnel check` reads it (the app reads it with
    U+FFFD in place of the bad bytes)."""


def decode_text(raw: bytes) -> str:
    """The app's text_factory: text that is not UTF-8 (the sqlite3 shell's `.import` of a
    Windows-1252 file writes it) shows U+FFFD for each bad byte instead of failing the
    whole query."""
    return raw.decode("utf-8", "replace")


# What sqlite3 raises for text that is not UTF-8 under its own text_factory (`str`).
_NOT_UTF8 = "Could not decode to UTF-8"


def read_all(db: Any, sql: str, params: Mapping[str, Any]) -> tuple[list[str], list[Any]]:
    """The names of the columns and every row of a read. On SQLite the text is decoded by
    sqlite3's own UTF-8 path, which costs a fraction of `decode_text`'s Python call a value
    (a year's report at 1,000,000 prospects decodes about 180,000 values); a read that
    meets text that is not UTF-8 is run again with `decode_text`, as any other read is."""
    conn = getattr(db, "conn", None)
    if not isinstance(conn, sqlite3.Connection) or conn.text_factory is not decode_text:
        return _read_all(db, sql, params)
    conn.text_factory = str
    try:
        return _read_all(conn, sql, params)
    except sqlite3.OperationalError as error:
        if not str(error).startswith(_NOT_UTF8):
            raise
    finally:
        conn.text_factory = decode_text
    return _read_all(conn, sql, params)


def _read_all(db: Any, sql: str, params: Mapping[str, Any]) -> tuple[list[str], list[Any]]:
    cursor = db.execute(sql, params)
    return [column[0] for column in cursor.description], cursor.fetchall()


def fold_all(db: Any, sql: str, params: Mapping[str, Any], fold: Callable[[Iterator[Any]], T]) -> T:
    """`fold` of the rows of a read, handed over one at a time rather than as a list: what
    `fold` makes of them is all that is kept. Text is decoded as `read_all` decodes it; a
    read that meets text that is not UTF-8 is folded again from its first row."""
    conn = getattr(db, "conn", None)
    if not isinstance(conn, sqlite3.Connection) or conn.text_factory is not decode_text:
        return fold(iter(db.execute(sql, params)))
    conn.text_factory = str
    try:
        return fold(iter(conn.execute(sql, params)))
    except sqlite3.OperationalError as error:
        if not str(error).startswith(_NOT_UTF8):
            raise
    finally:
        conn.text_factory = decode_text
    return fold(iter(conn.execute(sql, params)))


def _decode_or_mark(raw: bytes) -> str | NotUtf8:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return NotUtf8(raw)


def _shown(value: object) -> str:
    text = repr(bytes(value) if isinstance(value, NotUtf8) else value)
    return text if len(text) <= 40 else f"{text[:39]}…"


def read_text(value: object) -> str | None:
    """Text, or nothing; not a BLOB nor (as `funnel check` reads it) bytes that are not UTF-8."""
    if isinstance(value, NotUtf8):
        raise Unreadable(f"{_shown(value)} is not UTF-8 text")
    if isinstance(value, bytes):
        raise Unreadable(f"{_shown(value)} is a BLOB, not text")
    return None if value is None else str(value)


def read_cents(value: object) -> int | None:
    """Whole cents from 0 to MAX_CENTS, or nothing."""
    if value is None:
        return None
    if type(value) is not int or not 0 <= value <= MAX_CENTS:
        raise Unreadable(f"{_shown(value)} is not a whole number of cents from 0 to {MAX_CENTS:,}")
    return value


def read_count(value: object) -> int | None:
    """A whole number from 0, or nothing."""
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise Unreadable(f"{_shown(value)} is not a whole number from 0")
    return value


def read_day(value: object) -> date | None:
    """A `YYYY-MM-DD` date from FIRST_DAY to LAST_DAY, or nothing."""
    if value is None:
        return None
    try:
        if not (isinstance(value, str) and _DAY.fullmatch(value)):
            raise ValueError
        day = date.fromisoformat(value)
        if not FIRST_DAY <= value <= LAST_DAY:
            raise ValueError
    except ValueError:
        raise Unreadable(
            f"{_shown(value)} is not a date (YYYY-MM-DD, years {FIRST_DAY[:4]} to {LAST_DAY[:4]})"
        ) from None
    return day


def read_moment(value: object) -> datetime | None:
    """A moment in UTC (the forms of _MOMENT) from FIRST_DAY to LAST_DAY, or nothing."""
    if value is None:
        return None
    try:
        match = _MOMENT.fullmatch(value) if isinstance(value, str) else None
        if match is None or not FIRST_DAY <= match[1] <= LAST_DAY:
            raise ValueError
        moment = datetime.fromisoformat(f"{match[1]}T{match[2] or '00:00'}:{match[3] or '00'}")
    except ValueError:
        if isinstance(value, str) and _ANOTHER_OFFSET.search(value):
            raise Unreadable(
                f"{_shown(value)} is written with another offset than UTC's, so no figure"
                " counts it: `funnel check --repair` stores it in UTC"
            ) from None
        raise Unreadable(
            f"{_shown(value)} is not a moment in UTC (YYYY-MM-DDTHH:MM:SS+00:00, years "
            f"{FIRST_DAY[:4]} to {LAST_DAY[:4]})"
        ) from None
    return moment.replace(tzinfo=UTC)


# A moment's time followed by an offset that is not UTC's (`10:00:00+01:00`).
_ANOTHER_OFFSET = re.compile(r"\d\d:\d\d(?::\d\d(?:\.\d+)?)?[+-](?!00:00$)\d\d:\d\d$")


class ValueKind(NamedTuple):
    """One kind of column: `read` takes a stored value to its Python value or raises
    Unreadable; `wrong` is SQL (`{c}` the column) true for exactly the values `read`
    refuses, except that for text it only narrows them down: SQLite cannot tell UTF-8."""

    name: str
    read: Callable[[object], Any]
    wrong: str
    problem: str


_WRONG_DAY = (
    "{c} IS NOT NULL AND NOT (typeof({c}) = 'text' AND date({c}, '+0 days') IS {c}"
    f" AND {{c}} BETWEEN '{FIRST_DAY}' AND '{LAST_DAY}')"
)
_UTC = "('', 'Z', '+00:00')"
_AFTER_SECONDS = (
    "CASE substr({c}, 20, 1) WHEN '.' THEN substr({c}, 21, 1) GLOB '[0-9]'"
    f" AND ltrim(substr({{c}}, 21), '0123456789') IN {_UTC}"
    f" ELSE substr({{c}}, 20) IN {_UTC} END"
)
_AFTER_MINUTES = (
    "CASE substr({c}, 17, 1) WHEN ':' THEN substr({c}, 18, 2) GLOB '[0-5][0-9]'"
    f" AND {_AFTER_SECONDS} ELSE substr({{c}}, 17) IN {_UTC} END"
)
_WRONG_MOMENT = (
    "{c} IS NOT NULL AND NOT (typeof({c}) = 'text'"
    " AND date(substr({c}, 1, 10), '+0 days') IS substr({c}, 1, 10)"
    f" AND substr({{c}}, 1, 10) BETWEEN '{FIRST_DAY}' AND '{LAST_DAY}'"
    " AND (length({c}) = 10 OR substr({c}, 11, 1) IN ('T', ' ')"
    " AND datetime(substr({c}, 1, 10) || ' ' || substr({c}, 12, 5), '+0 days')"
    " IS substr({c}, 1, 10) || ' ' || substr({c}, 12, 5) || ':00'"
    f" AND {_AFTER_MINUTES}))"
)

TEXT = ValueKind(
    "text",
    read_text,
    # A BLOB, or text with a byte outside printable ASCII: the reader tells UTF-8 apart.
    "typeof({c}) = 'blob' OR typeof({c}) = 'text' AND {c} GLOB '*[^ -~]*'",
    "a BLOB, or text that is not UTF-8",
)
CENTS = ValueKind(
    "cents",
    read_cents,
    f"{{c}} IS NOT NULL AND NOT (typeof({{c}}) = 'integer' AND {{c}} BETWEEN 0 AND {MAX_CENTS})",
    f"not a whole number of cents from 0 to {MAX_CENTS:,} (10^12)",
)
COUNT = ValueKind(
    "count",
    read_count,
    "{c} IS NOT NULL AND NOT (typeof({c}) = 'integer' AND {c} >= 0)",
    "not a whole number from 0 (`'1m'` and `1.5` are not)",
)
DAY = ValueKind(
    "date",
    read_day,
    _WRONG_DAY,
    f"not a date `YYYY-MM-DD` from {FIRST_DAY} to {LAST_DAY} (`2026-11-31` is not)",
)
MOMENT = ValueKind(
    "moment",
    read_moment,
    _WRONG_MOMENT,
    "not a moment in UTC, `YYYY-MM-DDTHH:MM:SS+00:00` (or with `Z`, a space, no offset,"
    f" no seconds or no time), from {FIRST_DAY[:4]} to {LAST_DAY[:4]}",
)

# Every column the app reads for what it means, by table; the other columns are its own
# bookkeeping or have CHECK constraints that stop wrong values (kind, stage, outcome,
# period).
COLUMNS: dict[str, dict[str, ValueKind]] = {
    "prospects": {
        **dict.fromkeys((*TEXT_FIELDS, "method", "last_outcome"), TEXT),
        "deal_value_cents": CENTS,
        "priority": COUNT,
        "attempts": COUNT,
        "next_call_at": MOMENT,
        "last_called_at": MOMENT,
        "lost_reason": TEXT,
        "nurtured_at": MOMENT,
        "expected_close_on": DAY,
    },
    "calls": {
        "started_at": MOMENT,
        "duration_s": COUNT,
        "method": TEXT,
        "notes": TEXT,
        "follow_up_at": MOMENT,
        "reason": TEXT,
    },
    "deals": {"amount_cents": CENTS, "closed_on": DAY},
    "tasks": {
        "due_at": MOMENT,
        "note": TEXT,
        "created_at": MOMENT,
        "done_at": MOMENT,
        "sequence": COUNT,
    },
    "flag_changes": {"changed_at": MOMENT},
    "targets": {"starts_on": DAY, "ends_on": DAY, "amount_cents": CENTS, "calls_per_day": COUNT},
    "notes": {"created_at": MOMENT, "body": TEXT},
    "emails": {
        "sent_at": MOMENT,
        **dict.fromkeys(("template", "to_address", "subject", "body", "via"), TEXT),
    },
    # Read by their rowid; `funnel check` also says which values cannot be used.
    "settings": {"key": TEXT, "value": TEXT},
}

# Checks across the columns of a row: (the column named, SQL true when wrong with `{a}`
# the table's alias, what is wrong). A target's dates must make a period: at most a year
# long, not ending before it starts.
ROW_CHECKS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "targets": (
        (
            "ends_on",
            "NOT ({days} BETWEEN 0 AND 366)",
            "ends before the target starts, or more than a year after",
        ),
    )
}


def wrong_value_sql(
    table: str, column: str, alias: str = "", dialect: Dialect = Dialect.SQLITE
) -> str:
    """SQL true when the row's `column` holds a value of the wrong type or range (for the
    kinds other than text: exactly when the screens would show `?`)."""
    kind = COLUMNS[table][column]
    wrong = WRONG_ON_POSTGRESQL[kind.name] if dialect is Dialect.POSTGRESQL else kind.wrong
    return f"({wrong.format(c=f'{alias}{column}')})"


def _row_check_sql(check: str, alias: str, dialect: Dialect) -> str:
    return check.format(a=alias, days=in_dialect(DAYS_BETWEEN, dialect).format(a=alias))


def _wrong_conditions(table: str, alias: str, dialect: Dialect) -> tuple[list[str], list[str]]:
    """SQL true when a row's value is wrong, one per column; and SQL true when its values
    are wrong together (NULL when they cannot be compared), one per check across them."""
    wrong = [wrong_value_sql(table, column, alias, dialect) for column in COLUMNS[table]]
    across = [_row_check_sql(sql, alias, dialect) for _, sql, _ in ROW_CHECKS.get(table, ())]
    return wrong, across


def wrong_values_sql(table: str, alias: str = "", dialect: Dialect = Dialect.SQLITE) -> str:
    """SQL counting a row's values of the wrong type or range (0 for a good row)."""
    wrong, across = _wrong_conditions(table, alias, dialect)
    if dialect is Dialect.POSTGRESQL:
        # PostgreSQL adds no booleans: each condition counts as an integer.
        wrong = [f"{condition}::int" for condition in wrong]
        across = [f"({condition})::int" for condition in across]
    wrong += [f"coalesce({condition}, 0)" for condition in across]
    return f"({' + '.join(wrong)})"


def good_values_sql(table: str, alias: str = "", dialect: Dialect = Dialect.SQLITE) -> str:
    """SQL true for a row with no value of the wrong type or range, for a WHERE or a
    FILTER: it keeps the rows `wrong_values_sql(...) = 0` keeps, as one condition per value
    joined by AND, which PostgreSQL's planner can estimate where it guesses a fixed share
    for the sum (docs/performance.md). Not for use under NOT: where a condition were NULL
    the two would differ there (none of foreign_values' conditions is)."""
    wrong, across = _wrong_conditions(table, alias, dialect)
    no_verdict = "FALSE" if dialect is Dialect.POSTGRESQL else "0"
    good = [f"NOT {condition}" for condition in wrong]
    good += [f"NOT coalesce({condition}, {no_verdict})" for condition in across]
    return f"({' AND '.join(good)})"


def readable_row(table: str, row: Mapping[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    """The row as stored, with None for each value of the wrong type or range, and the
    columns that held one: a screen shows MARK there."""
    kinds = COLUMNS[table]
    values = dict(row)
    unreadable = []
    for column, value in row.items():
        if column in kinds:
            try:
                kinds[column].read(value)
            except Unreadable:
                values[column] = None
                unreadable.append(column)
    return values, frozenset(unreadable)


class ForeignValue(NamedTuple):
    """One stored value of the wrong type or range."""

    table: str
    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        return f"{self.table} row {self.row}, {self.column}: {self.problem}"


def _table_findings(conn: sqlite3.Connection, table: str) -> Iterator[ForeignValue]:
    kinds = COLUMNS[table]
    row_checks = ROW_CHECKS.get(table, ())
    # One pass over the table: SQL picks the rows with a suspect value, Python decides.
    suspects = [wrong_value_sql(table, column) for column in kinds]
    across = [f"coalesce({_row_check_sql(sql, '', Dialect.SQLITE)}, 0)" for _, sql, _ in row_checks]
    suspects += across
    selected = [*kinds, *across]
    cursor = conn.execute(
        f"SELECT rowid, {', '.join(selected)} FROM {table} WHERE {' OR '.join(suspects)}"
        " ORDER BY rowid"
    )
    for row_id, *values in cursor:
        for (column, kind), value in zip(kinds.items(), values[: len(kinds)], strict=True):
            try:
                kind.read(value)
            except Unreadable as error:
                yield ForeignValue(table, row_id, column, str(error))
        for (column, _, problem), wrong in zip(row_checks, values[len(kinds) :], strict=True):
            if wrong:
                yield ForeignValue(table, row_id, column, problem)


def find_foreign_values(conn: sqlite3.Connection) -> list[ForeignValue]:
    """Every value of the wrong type or range in the tables the app reads, by table and row."""
    factory = conn.text_factory
    conn.text_factory = _decode_or_mark
    try:
        return [found for table in COLUMNS for found in _table_findings(conn, table)]
    finally:
        conn.text_factory = factory


_STORED_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]+00:00"


def stored_form_sql(moment: str) -> str:
    """SQL for a moment known to be readable (one `funnel check` accepts) in the stored
    form, so that text comparison keeps time order also for the other forms other tools
    write and funnel reads (a space, `Z`, no seconds, only a date)."""
    return (
        f"CASE WHEN {moment} GLOB '{_STORED_GLOB}' THEN {moment}"
        f" ELSE strftime('%Y-%m-%dT%H:%M:%S+00:00', {moment}) END"
    )


def other_form_sql(moment: str) -> str:
    """SQL true for a moment text not in the form funnel stores, as far as one GLOB tells
    (an index of the calls so written holds them alone: none in a book only funnel
    writes)."""
    return f"{moment} NOT GLOB '{_STORED_GLOB}'"


def in_funnels_form_sql(moment: str) -> str:
    """SQL true for a moment written in exactly the form funnel stores, a valid one (a
    real date from 1900 to 2999, a real time of day): what `stored_moment_sql` gives back
    unchanged. One GLOB and one datetime(), a tenth of the whole check, which a query of
    thousands of calls need then make only for the others."""
    return (
        f"({moment} GLOB '{_STORED_GLOB}'"
        f" AND datetime(substr({moment}, 1, 19), '+0 days')"
        f" IS substr({moment}, 1, 10) || ' ' || substr({moment}, 12, 8)"
        f" AND substr({moment}, 1, 4) BETWEEN '1900' AND '2999'"
        f" AND substr({moment}, 18, 1) < '6')"
    )


def stored_moment_sql(
    table: str, column: str, alias: str = "", dialect: Dialect = Dialect.SQLITE
) -> str:
    """SQL for a moment column in the stored form (stored_form_sql); NULL for a value
    `funnel check` names as not a moment."""
    if dialect is Dialect.POSTGRESQL:
        return STORED_FORM_ON_POSTGRESQL.format(m=f"{alias}{column}")
    wrong = wrong_value_sql(table, column, alias)
    return f"CASE WHEN {wrong} THEN NULL ELSE {stored_form_sql(f'{alias}{column}')} END"
