"""The keys an import matches rows by, kept in temporary tables of the book, not in memory.

Each email (in any case), each phone number with each name (case and spacing ignored),
and each phone number on its own maps to the first prospect that had it: the book's
prospects first, in id order, then the file's rows in order. A row is matched by asking
for its batch's keys; the keys of the rows after it are added once its batch is
written. A file of any length, into a book of any size, is merged in the same memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple, TypeVar

from funnel_tui.phones import phone_key
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sql import IMPORT_KEY_TABLE

# Keys asked for in one statement: SQLite before 3.32 takes at most 999 `?`.
KEYS_PER_QUERY = 400
# Stored prospects read per page when the tables are filled.
PROSPECTS_PER_PAGE = 5_000

EMAILS = "import_emails"
PHONE_NAMES = "import_phone_names"
PHONE_HOLDERS = "import_phone_holders"
TABLES = {
    EMAILS: ("email_key TEXT NOT NULL, prospect_id BIGINT NOT NULL", "email_key"),
    # A number and a name as one key (`pair_key`): SQLite looks up `IN (...)` of one
    # column by its index, but scans the table for a pair of columns `IN (VALUES ...)`.
    PHONE_NAMES: ("pair_key TEXT NOT NULL, prospect_id BIGINT NOT NULL", "pair_key"),
    PHONE_HOLDERS: ("phone_key TEXT NOT NULL, name TEXT NOT NULL", "phone_key"),
}
INSERTS = {
    EMAILS: f"INSERT INTO {EMAILS} (email_key, prospect_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
    PHONE_NAMES: f"INSERT INTO {PHONE_NAMES} (pair_key, prospect_id) VALUES (?, ?)"
    " ON CONFLICT DO NOTHING",
    PHONE_HOLDERS: f"INSERT INTO {PHONE_HOLDERS} (phone_key, name) VALUES (?, ?)"
    " ON CONFLICT DO NOTHING",
}
STORED_PAGE = (
    "SELECT id, name, email, phone FROM prospects WHERE id > ? ORDER BY id LIMIT "
    f"{PROSPECTS_PER_PAGE}"
)


def email_key(email: object) -> str:
    return str(email or "").strip().lower()


def name_key(name: object) -> str:
    """A name with case and spacing ignored: `Anna  berg` is `Anna Berg`."""
    return "".join(str(name or "").split()).casefold()


Person = TypeVar("Person")


def same_person(
    email: str,
    phone: str,
    name: str,
    by_email: Mapping[str, Person],
    by_phone_and_name: Mapping[tuple[str, str], Person],
    email_of: Callable[[Person], str],
) -> Person | None:
    """Who a person with these keys is, as an import matches a row to a prospect: the one
    with the same email (in any case), else the one with the same phone number and the
    same name whose own email (`email_of`) does not conflict: two people who share a
    switchboard number stay two."""
    if email and (found := by_email.get(email)) is not None:
        return found
    if not phone:
        return None
    found = by_phone_and_name.get((phone, name))
    if found is None:
        return None
    other_email = email_of(found)
    return None if email and other_email and other_email != email else found


def _pair_key(phone: str, name: str) -> str:
    # Neither key holds whitespace: a space keeps them apart.
    return f"{phone} {name}"


@dataclass
class Keys:
    """Keys and the prospect each leads to: what a batch's rows found, or what they add."""

    emails: dict[str, int] = field(default_factory=dict)
    phone_names: dict[tuple[str, str], int] = field(default_factory=dict)
    # The name of the first prospect with each number, for the report.
    phone_holders: dict[str, str] = field(default_factory=dict)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _executemany(db: Any, sql: str, rows: Sequence[Sequence[object]]) -> None:
    if not rows:
        return
    if dialect_of(db) is Dialect.POSTGRESQL:
        db.executemany(sql, rows)
    else:
        db.conn.executemany(sql, rows)


class ImportKeys:
    """The key tables of one import, inside its write transaction (`write_transaction`)."""

    def __init__(self, db: Any, phone_region: str) -> None:
        self.db = db
        self.phone_region = phone_region
        for table, (columns, key) in TABLES.items():
            db.execute(IMPORT_KEY_TABLE.for_db(db).format(table=table, columns=columns, key=key))
        self._add_stored_prospects()

    def _add_stored_prospects(self) -> None:
        """The book's prospects, a page at a time in id order, so the first one with a key
        keeps it."""
        last = 0
        while page := self.db.execute(STORED_PAGE, [last]).fetchall():
            keys = Keys()
            for prospect_id, name, email, phone in page:
                key = phone_key(phone if isinstance(phone, str) else None, self.phone_region)
                self._note(keys, prospect_id, name, email_key(email), key)
            self.add(keys)
            last = page[-1][0]

    @staticmethod
    def _note(keys: Keys, prospect_id: int, name: object, email: str, phone: str) -> None:
        if email:
            keys.emails.setdefault(email, prospect_id)
        if phone:
            keys.phone_names.setdefault((phone, name_key(name)), prospect_id)
            keys.phone_holders.setdefault(phone, str(name))

    def add(self, keys: Keys) -> None:
        """Keys that lead to a prospect from now on; a key already known keeps its own."""
        _executemany(self.db, INSERTS[EMAILS], list(keys.emails.items()))
        _executemany(
            self.db,
            INSERTS[PHONE_NAMES],
            [(_pair_key(*pair), prospect_id) for pair, prospect_id in keys.phone_names.items()],
        )
        _executemany(self.db, INSERTS[PHONE_HOLDERS], list(keys.phone_holders.items()))

    def find(self, emails: set[str], phone_names: set[tuple[str, str]]) -> Keys:
        """The prospects these emails and these numbers with names lead to, and the first
        holder of each of the numbers; keys that lead nowhere are left out."""
        found = Keys()
        for chunk in _chunks(sorted(emails), KEYS_PER_QUERY):
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT email_key, prospect_id FROM {EMAILS} WHERE email_key IN ({marks})"
            found.emails.update(self.db.execute(sql, chunk).fetchall())
        pairs = {_pair_key(*pair): pair for pair in phone_names}
        for chunk in _chunks(sorted(pairs), KEYS_PER_QUERY):
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT pair_key, prospect_id FROM {PHONE_NAMES} WHERE pair_key IN ({marks})"
            for pair_key, prospect_id in self.db.execute(sql, chunk).fetchall():
                found.phone_names[pairs[pair_key]] = prospect_id
        phones = sorted({phone for phone, _ in phone_names})
        for chunk in _chunks(phones, KEYS_PER_QUERY):
            marks = ", ".join("?" * len(chunk))
            sql = f"SELECT phone_key, name FROM {PHONE_HOLDERS} WHERE phone_key IN ({marks})"
            found.phone_holders.update(self.db.execute(sql, chunk).fetchall())
        return found

    def drop(self) -> None:
        """Drop the tables before the transaction commits (PostgreSQL's go on commit)."""
        if dialect_of(self.db) is Dialect.SQLITE:
            for table in TABLES:
                self.db.execute(f"DROP TABLE temp.{table}")


# Where the reader puts the prospect id a row names (the `id` column of funnel's own
# export); taken out of the row with its keys, so it is never stored as the row's id.
FILE_ID = "funnel_file_id"


class RowKeys(NamedTuple):
    """A valid row of a file and the keys it is matched by, worked out once where the file
    is read. A named tuple: a large file's batches cross from the reading process as
    these, and a tuple is the quickest of Python's objects to unpickle."""

    row: dict[str, object]
    email: str
    # The row's phone is stored in E.164 already: it is its own key.
    phone: str
    name: str
    # The prospect the file's `id` column names, if it has one: the row updates that
    # prospect when it is the same person, before the first with the same email.
    file_id: int | None = None

    @classmethod
    def of(cls, row: dict[str, object]) -> RowKeys:
        file_id = row.pop(FILE_ID, None)
        email, phone = email_key(row.get("email")), str(row.get("phone", ""))
        return cls(row, email, phone, name_key(row["name"]), file_id)  # type: ignore[arg-type]


# A row's line in the file, and the row with its keys.
Keyed = tuple[int, RowKeys]


def keyed_batches(
    rows: Iterator[tuple[int, dict[str, object]]], size: int
) -> Iterator[list[Keyed]]:
    """The rows `size` at a time, with their keys: worked out where the file is read,
    which waits for the writing side."""
    while batch := [(line, RowKeys.of(row)) for line, row in islice(rows, size)]:
        yield batch
