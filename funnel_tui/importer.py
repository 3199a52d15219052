"""Importing prospects from CRM and spreadsheet CSV: merging rows into the book, writing.

`import_rows` reads and checks the file without the database; this module decides for
each row whether it adds a prospect or updates one, and writes them in one transaction.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from funnel_tui.csv_read import CsvUnreadable
from funnel_tui.domain import DEFAULT_METHOD, Kind, Priority, Stage
from funnel_tui.import_rows import (
    NotUnderstood,
    Progress,
    ProspectFile,
    Rejected,
    read_prospect_file,
    shown_headers,
)
from funnel_tui.phones import phone_key
from funnel_tui.prospects import TEXT_FIELDS
from funnel_tui.settings import load_settings
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.suppression import Contact, suppressed_hashes
from funnel_tui.text import one_line
from funnel_tui.timestamps import to_stored

if TYPE_CHECKING:
    from funnel_tui.store.postgres import PostgresDatabase

__all__ = [
    "CsvUnreadable",
    "ImportReport",
    "Rejected",
    "SharedPhone",
    "apply_import",
    "import_prospects",
    "read_prospect_file",
]

# What a new prospect gets for a field the file leaves empty (the schema's defaults).
NEW_PROSPECT = {
    "kind": Kind.NEW.value,
    "stage": Stage.LEAD.value,
    "method": DEFAULT_METHOD,
    "priority": int(Priority.NORMAL),
    "do_not_call": 0,
    "wrong_number": 0,
    "nurture": 0,
    "timezone_guessed": 0,
}


@dataclass(frozen=True)
class SharedPhone:
    """A row added as a prospect of its own although another has its phone number."""

    line: int
    name: str
    other: str

    def __str__(self) -> str:
        return (
            f"line {self.line}: {one_line(self.name)} has the phone number of "
            f"{one_line(self.other)}; kept as a separate prospect"
        )


@dataclass
class ImportReport:
    """What an import did (or, when nothing was written, would have done).

    Every record is counted once: added, updated (an existing prospect, or one an earlier
    row of the file added) or rejected. What reading the file found is in `file`.
    """

    file: ProspectFile
    added: int
    updated: int
    shared_phones: list[SharedPhone] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    # The lines left out because their email or phone is on the suppression list.
    suppressed: list[int] = field(default_factory=list)

    @property
    def rejected(self) -> list[Rejected]:
        return self.file.rejected

    @property
    def encoding(self) -> str:
        return self.file.encoding

    @property
    def delimiter(self) -> str:
        return self.file.delimiter

    @property
    def columns(self) -> dict[str, str]:
        """Each header that filled a field."""
        return self.file.columns

    @property
    def ignored(self) -> list[str]:
        """The headers that filled no field."""
        return self.file.ignored

    def summary(self) -> str:
        """One line: `added 120, updated 3, rejected 2 (utf-8, comma)`, the columns that
        were not imported or only fill in for another, and the values not understood."""
        read_as = "; ".join(
            [
                f"({self.encoding}, {self.delimiter})",
                *([f"columns not imported: {shown_headers(self.ignored)}"] if self.ignored else []),
                *self.file.fallbacks,
                *map(_not_understood, self.file.not_understood),
                *(
                    [
                        f"{count} phone number(s) kept that phonenumbers does not know as in"
                        " use (listed below)"
                    ]
                    if (count := self.file.unknown_phone_count)
                    else []
                ),
            ]
        )
        suppressed = f", suppressed {len(self.suppressed)}" if self.suppressed else ""
        if self.dry_run:
            return (
                f"dry run, nothing written: would add {self.added}, update {self.updated}, "
                f"reject {len(self.rejected)}{suppressed} {read_as}"
            )
        if not self.written and self.rejected:
            return (
                f"nothing written because {len(self.rejected)} rows were rejected; the rest "
                f"would add {self.added}, update {self.updated}{suppressed} {read_as}"
            )
        return (
            f"added {self.added}, updated {self.updated}, rejected {len(self.rejected)}"
            f"{suppressed} {read_as}"
        )

    def notices(self) -> list[str]:
        """The rows worth a look besides the rejected ones, one line each."""
        notices = [
            f"line {line}: not imported: its email or phone belongs to a prospect forgotten on"
            " request (the suppression list)"
            for line in self.suppressed
        ]
        notices += [str(shared) for shared in self.shared_phones]
        notices += [str(phone) for phone in self.file.unknown_phones]
        if (more := self.file.unknown_phone_count - len(self.file.unknown_phones)) > 0:
            notices.append(f"… and {more} more phone numbers kept with a warning")
        notices += [str(cell) for cell in self.file.set_aside]
        if (more := self.file.set_aside_count - len(self.file.set_aside)) > 0:
            notices.append(
                f"… and {more} more cells not imported because an earlier column was filled"
            )
        return notices


def _not_understood(values: NotUnderstood) -> str:
    """`Stage: 3 values not understood ('bogus', …), stage left as it was (lead for a new
    prospect)`."""
    default = NEW_PROSPECT[values.field]
    if values.field == "priority":
        default = Priority(default).label
    examples = ", ".join(map(repr, values.examples))
    if values.more_values:
        examples += ", …"
    plural = "value" if values.rows == 1 else "values"
    return (
        f"{values.header}: {values.rows} {plural} not understood ({examples}),"
        f" {values.field} left as it was ({default} for a new prospect)"
    )


# A prospect a row can update: its database id, or the row of one this import adds.
Target = int | dict[str, object]


def _email_key(email: object) -> str:
    return str(email or "").strip().lower()


def _name_key(name: object) -> str:
    """A name with case and spacing ignored: `Anna  berg` is `Anna Berg`."""
    return "".join(str(name or "").split()).casefold()


class _Merger:
    """Decides for each valid row whether it adds a prospect or updates one.

    A row updates the prospect with the same email (in any case), else the one with the
    same phone number (its E.164 form and extension) and the same name (case and spacing
    ignored) whose email does not conflict with the row's. Two people who share a
    switchboard number stay two prospects. Rows match the database and the rows before
    them in the file. A timezone guessed from a row's number never replaces one the rep
    or a file set.
    """

    def __init__(self, db: sqlite_utils.Database, phone_region: str) -> None:
        self.by_email: dict[str, Target] = {}
        self.by_phone_and_name: dict[tuple[str, str], Target] = {}
        # The name of the first prospect with each number, for the report.
        self.phone_holders: dict[str, str] = {}
        # The email of each stored prospect that has a phone number, to see conflicts.
        self.stored_emails: dict[int, str] = {}
        self.added: list[dict[str, object]] = []
        self.updates: dict[int, dict[str, object]] = {}
        self.updated = 0
        self.shared_phones: list[SharedPhone] = []
        # The stored prospects whose timezone was set, not guessed: a guess leaves it.
        self.zone_set: set[int] = set()
        # Each stored prospect's number (its key), to see a row change it.
        self.stored_phones: dict[int, str] = {}
        query = (
            "SELECT id, name, email, phone, timezone IS NOT NULL AND timezone_guessed = 0"
            " FROM prospects"
        )
        for prospect_id, name, email, phone, zone_set in db.execute(query):
            if zone_set:
                self.zone_set.add(prospect_id)
            phone = phone if isinstance(phone, str) else None
            if key := phone_key(phone, phone_region):
                self.stored_phones[prospect_id] = key
            self._remember(prospect_id, name, _email_key(email), key)

    def _remember(self, target: Target, name: object, email_key: str, phone: str) -> None:
        if email_key:
            self.by_email.setdefault(email_key, target)
        if phone:
            self.by_phone_and_name.setdefault((phone, _name_key(name)), target)
            self.phone_holders.setdefault(phone, str(name))
            if email_key and isinstance(target, int):
                self.stored_emails[target] = email_key

    def _email_of(self, target: Target) -> str:
        if isinstance(target, int):
            return self.stored_emails.get(target, "")
        return _email_key(target.get("email"))

    def _match(self, row: dict[str, object], email_key: str, phone: str) -> Target | None:
        if email_key and (target := self.by_email.get(email_key)) is not None:
            return target
        if not phone:
            return None
        target = self.by_phone_and_name.get((phone, _name_key(row["name"])))
        if target is None:
            return None
        other_email = self._email_of(target)
        return None if email_key and other_email and other_email != email_key else target

    def _keeps_zone(self, target: Target, pending: dict[str, object]) -> bool:
        """Whether a prospect's timezone was set by the rep or a file, so no guess
        replaces it."""
        if pending.get("timezone_guessed") == 0 and pending.get("timezone"):
            return True
        return target in self.zone_set if isinstance(target, int) else False

    def merge(self, line: int, row: dict[str, object]) -> None:
        email_key = _email_key(row.get("email"))
        # The row's phone is stored in E.164 already: it is its own key.
        phone = str(row.get("phone", ""))
        target = self._match(row, email_key, phone)
        if target is None:
            target = {**NEW_PROSPECT, **row}
            self.added.append(target)
            if phone in self.phone_holders:
                self.shared_phones.append(
                    SharedPhone(line, str(row["name"]), self.phone_holders[phone])
                )
        else:
            pending = self.updates.setdefault(target, {}) if isinstance(target, int) else target
            if row.get("timezone_guessed") and self._keeps_zone(target, pending):
                row = {name: value for name, value in row.items() if "timezone" not in name}
            elif phone and "timezone" not in row and not self._keeps_zone(target, pending):
                # A guess moves with the number, as in the form: a new number that names
                # no single zone clears the old number's guess.
                current = (
                    pending.get("phone", self.stored_phones.get(target, ""))
                    if isinstance(target, int)
                    else pending.get("phone", "")
                )
                if phone != current:
                    row = {**row, "timezone": None, "timezone_guessed": 0}
            for name, value in row.items():
                # The source that brought a prospect in keeps the credit for its calls.
                if name == "source":
                    pending.setdefault(name, value)
                else:
                    pending[name] = value
            self.updated += 1
        self._remember(target, row["name"], email_key, phone)


IMPORTED_COLUMNS = (
    *TEXT_FIELDS,
    *("kind", "stage", "method", "priority", "deal_value_cents", "next_call_at"),
    *("do_not_call", "wrong_number", "nurture", "timezone_guessed"),
)
# A new prospect's owner: the rep the import is for, or none (a team's pool).
INSERTED_COLUMNS = (*IMPORTED_COLUMNS, "created_at", "updated_at", "owner")
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


def _insert(
    db: sqlite_utils.Database, rows: list[dict[str, object]], stamp: str, owner: str | None
) -> None:
    """Add the new prospects to the SQLite file, in the file's order."""
    variables = db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    size = min(ROWS_PER_INSERT, variables // len(INSERTED_COLUMNS))
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        parameters = [
            value
            for row in chunk
            for value in (*map(row.get, IMPORTED_COLUMNS), stamp, stamp, owner)
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
    # Only the fields the file filled in are set, so an empty cell never wipes a stored value
    # and a flag is only ever set; a stored source is never replaced.
    assignments = ", ".join(
        "source = coalesce(source, ?)" if name == "source" else f"{name} = ?" for name in names
    )
    return f"UPDATE prospects SET {assignments}, updated_at = ? WHERE id = ?"


def _write(db: sqlite_utils.Database, merger: _Merger, now: datetime, owner: str | None) -> None:
    stamp = to_stored(now)
    # Rows of one file mostly fill the same fields: one statement per set of fields.
    updates: dict[tuple[str, ...], list[list[object]]] = defaultdict(list)
    for prospect_id, changes in merger.updates.items():
        updates[tuple(changes)].append([*changes.values(), stamp, prospect_id])
    if dialect_of(db) is Dialect.POSTGRESQL:
        _write_team_book(db, merger.added, updates, stamp, owner)
        return
    with _page_cache(db, IMPORT_PAGE_CACHE_KIB), write_transaction(db):
        _insert(db, merger.added, stamp, owner)
        for names, parameters in updates.items():
            db.conn.executemany(_update_statement(names), parameters)


def _write_team_book(
    db: PostgresDatabase,
    added: list[dict[str, object]],
    updates: dict[tuple[str, ...], list[list[object]]],
    stamp: str,
    owner: str | None,
) -> None:
    """The same writes to a team's PostgreSQL database in one transaction: the new
    prospects by COPY, in the file's order, and the updates in batches."""
    with write_transaction(db):
        rows = ((*map(row.get, IMPORTED_COLUMNS), stamp, stamp, owner) for row in added)
        db.copy_rows("prospects", INSERTED_COLUMNS, rows)
        for names, parameters in updates.items():
            db.executemany(_update_statement(names), parameters)


def apply_import(
    db: sqlite_utils.Database,
    prospects: ProspectFile,
    *,
    now: datetime,
    dry_run: bool = False,
    skip_invalid: bool = False,
    owner: str | None = None,
) -> ImportReport:
    """Merge a file's rows into the book in one transaction, and report what happened.

    A row whose email or phone is on the suppression list (a prospect forgotten on
    request) is left out, and counted.

    Any rejected row means nothing is written unless `skip_invalid`; `dry_run` never writes.
    The new prospects are `owner`'s, or with none a team's pool's (PRODUCT 16); a prospect
    already in the book keeps its owner.
    """
    merger = _Merger(db, prospects.phone_region)
    listed = suppressed_hashes(db)
    suppressed = []
    for line, row in prospects.rows:
        contact = Contact(row.get("email"), row.get("phone"))
        if listed and not listed.isdisjoint(contact.hashes(prospects.phone_region).values()):
            suppressed.append(line)
            continue
        merger.merge(line, row)
    write = not dry_run and (skip_invalid or not prospects.rejected)
    if write:
        _write(db, merger, now, owner)
    return ImportReport(
        file=prospects,
        added=len(merger.added),
        updated=merger.updated,
        shared_phones=merger.shared_phones,
        dry_run=dry_run,
        written=write,
        suppressed=suppressed,
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
    owner: str | None = None,
) -> ImportReport:
    """Import prospects from a CSV file in one transaction, numbers without a country code
    read as the book's phone_region's; raises CsvUnreadable."""
    region = load_settings(db).phone_region
    prospects = read_prospect_file(path, phone_region=region, source=source, progress=progress)
    return apply_import(
        db, prospects, now=now, dry_run=dry_run, skip_invalid=skip_invalid, owner=owner
    )
