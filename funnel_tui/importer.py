"""Importing prospects from CRM and spreadsheet CSV: matching headers, validating, merging."""

from __future__ import annotations

import sqlite3
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import sqlite_utils

from funnel_tui.csv_read import CsvFile, CsvUnreadable, match_headers, read_csv
from funnel_tui.domain import Kind, Priority
from funnel_tui.exporter import FORMULA_STARTS
from funnel_tui.money import MAX_CENTS, AmountError, parse_amount
from funnel_tui.prospects import (
    TEXT_FIELDS,
    email_problem,
    phone_digits,
    phone_problem,
    timezone_problem,
)
from funnel_tui.storage import write_transaction
from funnel_tui.text import clean_optional, one_line
from funnel_tui.timestamps import to_stored

__all__ = ["CsvUnreadable", "ImportReport", "Rejected", "import_prospects"]

Progress = Callable[[int, int | None], None]

KIND_VALUES = frozenset(kind.value for kind in Kind)
# A CRM rating or our own priority, by the queue priority it becomes; others are ignored.
PRIORITY_WORDS = {
    "hot": Priority.HIGH, "warm": Priority.NORMAL, "medium": Priority.NORMAL,
    "cold": Priority.LOW,
    **{level.label: level for level in Priority},
    **{str(int(level)): level for level in Priority},
}  # fmt: skip
# Fields that keep a cell's line breaks; in the others a break is spreadsheet noise.
MULTILINE_FIELDS = frozenset({"needs", "pain_points", "objections", "goals"})
# What a new prospect gets for a field the file leaves empty (the schema's defaults).
NEW_PROSPECT = {"kind": Kind.NEW.value, "priority": int(Priority.NORMAL)}
PROGRESS_EVERY = 1000
SHOWN_HEADERS = 12


@dataclass(frozen=True)
class Rejected:
    """A row that was not imported: its line in the file and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did (or, when nothing was written, would have done).

    Every record is counted once: added, updated (an existing prospect, or one an earlier
    row of the file added) or rejected.
    """

    added: int
    updated: int
    rejected: list[Rejected]
    encoding: str
    delimiter: str
    # Each header that filled a field, and the headers that filled none.
    columns: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    def summary(self) -> str:
        """One line: `added 120, updated 3, rejected 2 (utf-8, comma)`."""
        read_as = f"({self.encoding}, {self.delimiter})"
        if self.dry_run:
            return (
                f"dry run, nothing written: would add {self.added}, update {self.updated}, "
                f"reject {len(self.rejected)} {read_as}"
            )
        if not self.written and self.rejected:
            return (
                f"nothing written because {len(self.rejected)} rows were rejected; the rest "
                f"would add {self.added}, update {self.updated} {read_as}"
            )
        return (
            f"added {self.added}, updated {self.updated}, rejected {len(self.rejected)} {read_as}"
        )


@cache
def _timezones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def _timezone(text: str) -> str:
    """`america/new_york` and HubSpot's `america_slash_new_york` as `America/New_York`."""
    wanted = text.lower().replace("_slash_", "/")
    return _timezones_by_lower_name().get(wanted, text)


def _kind(text: str) -> str | None:
    """Our own kinds, and any CRM lifecycle stage naming a customer; others are no kind."""
    lowered = text.lower()
    if lowered in KIND_VALUES:
        return lowered
    return Kind.CUSTOMER.value if "customer" in lowered else None


def _priority(text: str) -> Priority | None:
    """Salesforce's Hot/Warm/Cold rating, Pipedrive's `Hot lead` label, or our own priority."""
    return PRIORITY_WORDS.get(text.lower().removesuffix(" lead"))


def _first_filled(fields: list[str], positions: tuple[int, ...]) -> str:
    """The first non-empty cell, without the quote export puts before formula-like text."""
    for position in positions:
        if text := fields[position].strip():
            if text[0] == "'" and text.startswith(FORMULA_STARTS, 1):
                return text[1:]
            return text
    return ""


def _clean(text: str, multiline: bool) -> str:
    """Control characters stripped; line breaks kept only in the fields that hold prose."""
    # Printable text has no control characters and no whitespace but the plain space, so
    # most cells of a large file are already clean and skip the regular expressions.
    if text.isprintable():
        return " ".join(text.split()) if "  " in text and not multiline else text
    return (clean_optional(text) or "") if multiline else one_line(text)


class _RowReader:
    """Reads the records of one file as prospect rows.

    What depends only on the header is worked out once, before the first record. The
    checks are the add/edit form's, plus: a row needs a phone or an email.
    """

    def __init__(self, columns: Mapping[str, list[int]], source: str) -> None:
        self.columns = [
            (name, tuple(positions), name in MULTILINE_FIELDS)
            for name, positions in columns.items()
        ]
        self.source = source
        # A file repeats a handful of timezones: each is normalised and checked once.
        self.timezones: dict[str, tuple[str, str | None]] = {}

    def read(self, fields: list[str]) -> tuple[dict[str, object], list[str]]:
        """A record as the columns to store, and the reasons (if any) it cannot be imported."""
        cells: dict[str, str] = {}
        for name, positions, multiline in self.columns:
            if (text := _first_filled(fields, positions)) and (text := _clean(text, multiline)):
                cells[name] = text
        first, last = cells.pop("first_name", ""), cells.pop("last_name", "")
        if first or last:
            cells.setdefault("name", f"{first} {last}".strip())
        if self.source:
            cells["source"] = self.source
        kind, priority = cells.pop("kind", ""), cells.pop("priority", "")
        deal_value, cents = cells.pop("deal_value", ""), cells.pop("deal_value_cents", "")
        # The text fields are what is left, stored as they were read.
        row: dict[str, object] = dict(cells)
        reasons = []
        if "name" not in cells:
            reasons.append("a name is needed")
        email, phone = cells.get("email"), cells.get("phone")
        if not (phone or email):
            reasons.append("a phone or an email is needed")
        if email and (reason := email_problem(email)):
            reasons.append(f"email {email!r}: {reason}")
        if phone and (reason := phone_problem(phone)):
            reasons.append(f"phone {phone!r}: {reason}")
        if zone := cells.get("timezone"):
            row["timezone"], reason = self._timezone(zone)
            if reason:
                reasons.append(f"timezone {row['timezone']!r}: {reason}")
        if kind and (known_kind := _kind(kind)):
            row["kind"] = known_kind
        if priority and (level := _priority(priority)) is not None:
            row["priority"] = int(level)
        if deal_value:
            try:
                row["deal_value_cents"] = parse_amount(deal_value)
            except AmountError as error:
                reasons.append(f"deal value: {error}")
        if cents:
            if cents.isdigit() and int(cents) <= MAX_CENTS:
                row["deal_value_cents"] = int(cents)
            else:
                reasons.append(
                    f"deal value cents {cents!r}: a whole number of cents up to {MAX_CENTS:,}"
                )
        return row, reasons

    def _timezone(self, text: str) -> tuple[str, str | None]:
        """The zone's stored name, and why it is refused (None when it is known)."""
        if (known := self.timezones.get(text)) is None:
            name = _timezone(text)
            known = self.timezones[text] = (name, timezone_problem(name))
        return known


class _Merger:
    """Decides for each valid row whether it adds a prospect or updates one.

    Rows match by email (case-insensitively), else by phone digits, against the
    database and the rows before them in the file. The indexes hold a database id for
    an existing prospect, or the pending row itself for one this import adds.
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.by_email: dict[str, int | dict[str, object]] = {}
        self.by_phone: dict[str, int | dict[str, object]] = {}
        self.added: list[dict[str, object]] = []
        self.updates: dict[int, dict[str, object]] = {}
        self.updated = 0
        for prospect_id, email, phone in db.execute("SELECT id, email, phone FROM prospects"):
            self._remember(
                prospect_id, str(email or "").strip().lower(), phone_digits(str(phone or ""))
            )

    def _remember(self, target: int | dict[str, object], email_key: str, phone_key: str) -> None:
        if email_key:
            self.by_email.setdefault(email_key, target)
        if phone_key:
            self.by_phone.setdefault(phone_key, target)

    def merge(self, row: dict[str, object]) -> None:
        email_key = str(row.get("email", "")).lower()
        phone_key = phone_digits(str(row.get("phone", "")))
        target = self.by_email.get(email_key) if email_key else None
        if target is None and phone_key:
            target = self.by_phone.get(phone_key)
        if target is None:
            target = {**NEW_PROSPECT, **row}
            self.added.append(target)
        else:
            pending = self.updates.setdefault(target, {}) if isinstance(target, int) else target
            for name, value in row.items():
                # The source that brought a prospect in keeps the credit for its calls.
                if name == "source":
                    pending.setdefault(name, value)
                else:
                    pending[name] = value
            self.updated += 1
        self._remember(target, email_key, phone_key)


IMPORTED_COLUMNS = (*TEXT_FIELDS, "kind", "priority", "deal_value_cents")
INSERTED_COLUMNS = (*IMPORTED_COLUMNS, "created_at", "updated_at")
# New prospects per INSERT. SQLite builds the value lists of the table's CHECK constraints
# each time a statement runs, so with one row per statement that outweighs storing the row.
# SQLite also limits the ? in one statement (to 999 before its version 3.32).
ROWS_PER_INSERT = 500
# New rows land all over the name, email and phone indexes; with SQLite's default page
# cache of 2 MiB a large import keeps writing those pages out and reading them back.
IMPORT_PAGE_CACHE_KIB = 64 * 1024


def _insert_statement(rows: int) -> str:
    values = f"({', '.join('?' * len(INSERTED_COLUMNS))})"
    return (
        f"INSERT INTO prospects ({', '.join(INSERTED_COLUMNS)}) VALUES {', '.join([values] * rows)}"
    )


def _insert(db: sqlite_utils.Database, rows: list[dict[str, object]], stamp: str) -> None:
    """Add the new prospects, in the file's order."""
    variables = db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    size = min(ROWS_PER_INSERT, variables // len(INSERTED_COLUMNS))
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        parameters = [
            value for row in chunk for value in (*map(row.get, IMPORTED_COLUMNS), stamp, stamp)
        ]
        db.conn.execute(_insert_statement(len(chunk)), parameters)


@contextmanager
def _page_cache(db: sqlite_utils.Database, kib: int) -> Iterator[None]:
    """A larger page cache for the connection while one large write runs."""
    (before,) = db.execute("PRAGMA cache_size").fetchone()
    db.execute(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {before}")


def _update_statement(names: tuple[str, ...]) -> str:
    # Only the fields the file filled in are set, so an empty cell never wipes a stored value;
    # a stored source is never replaced.
    assignments = ", ".join(
        "source = coalesce(source, ?)" if name == "source" else f"{name} = ?" for name in names
    )
    return f"UPDATE prospects SET {assignments}, updated_at = ? WHERE id = ?"


def _write(db: sqlite_utils.Database, merger: _Merger, now: datetime) -> None:
    stamp = to_stored(now)
    # Rows of one file mostly fill the same fields: one statement per set of fields.
    updates: dict[tuple[str, ...], list[list[object]]] = defaultdict(list)
    for prospect_id, changes in merger.updates.items():
        updates[tuple(changes)].append([*changes.values(), stamp, prospect_id])
    with _page_cache(db, IMPORT_PAGE_CACHE_KIB), write_transaction(db):
        _insert(db, merger.added, stamp)
        for names, parameters in updates.items():
            db.conn.executemany(_update_statement(names), parameters)


def _columns_found(csv_file: CsvFile, columns: Mapping[str, list[int]]) -> dict[str, str]:
    return {
        csv_file.header[position]: name
        for name, positions in columns.items()
        for position in positions
    }


def _check_columns(csv_file: CsvFile, columns: Mapping[str, list[int]]) -> None:
    """Refuse a file that could not give a single valid row, naming the headers it has."""
    missing = []
    if not columns.keys() & {"name", "first_name", "last_name"}:
        missing.append("name column")
    if not columns.keys() & {"phone", "email"}:
        missing.append("phone or email column")
    if missing:
        found = [one_line(text) for text in csv_file.header if one_line(text)]
        shown = ", ".join(found[:SHOWN_HEADERS]) + (", ..." if len(found) > SHOWN_HEADERS else "")
        raise CsvUnreadable(
            f"{csv_file.path} has no {' or '.join(missing)} (headers found: {shown or 'none'})"
        )


def import_prospects(
    db: sqlite_utils.Database,
    path: Path | str,
    *,
    now: datetime,
    source: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import prospects from a CSV file in one transaction; raises CsvUnreadable.

    Any rejected row means nothing is written unless `skip_invalid`; `dry_run` never writes.
    """
    csv_file = read_csv(path)
    columns = match_headers(csv_file.header)
    _check_columns(csv_file, columns)
    merger = _Merger(db)
    reader = _RowReader(columns, one_line(source or ""))
    rejected: list[Rejected] = []
    width = len(csv_file.header)
    total = csv_file.record_count if progress else None
    done = 0
    for record in csv_file.records():
        if len(record.fields) != width:
            rejected.append(
                Rejected(record.line, f"{len(record.fields)} fields, the header has {width}")
            )
        else:
            row, reasons = reader.read(record.fields)
            if reasons:
                rejected.append(Rejected(record.line, "; ".join(reasons)))
            else:
                merger.merge(row)
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if progress:
        progress(done, total)
    write = not dry_run and (skip_invalid or not rejected)
    if write:
        _write(db, merger, now)
    found = _columns_found(csv_file, columns)
    return ImportReport(
        added=len(merger.added),
        updated=merger.updated,
        rejected=rejected,
        encoding=csv_file.encoding_name,
        delimiter=csv_file.delimiter_name,
        columns=found,
        ignored=[text for text in csv_file.header if text not in found],
        dry_run=dry_run,
        written=write,
    )
