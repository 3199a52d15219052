"""The keys an import matches rows by: the book's own indexes, and temporary tables.

Each email (in any case), each phone number with each name (case and spacing ignored),
and each phone number on its own maps to the first prospect that had it: the book's
prospects first, in id order, then the file's rows in order. The book's prospects are
looked up a batch's keys at a time through `prospects_email` and `prospects_phone`;
only those whose stored email or number is not already in key form (a number a tool
wrote as `(617) 555-0154`, an email with a space or a non-ASCII letter) are keyed up
front, into a temporary table, with the keys of the file's rows as each batch is
written. A file of any length, into a book of any size, is merged in the same memory,
and the book is read once only for what its indexes cannot find.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple, TypeVar

from funnel_tui.phones import phone_key
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sql import IMPORT_KEY_TABLE, Variants

# Keys asked for in one statement: SQLite before 3.32 takes at most 999 `?`.
KEYS_PER_QUERY = 400
# Stored prospects keyed per page when the tables are filled.
PROSPECTS_PER_PAGE = 5_000

EMAILS = "import_emails"
PHONE_NAMES = "import_phone_names"
PHONE_HOLDERS = "import_phone_holders"
TABLES = {
    EMAILS: ("email_key TEXT NOT NULL, prospect_id BIGINT NOT NULL", "email_key"),
    # A number and a name as one key (`pair_key`): SQLite looks up `IN (...)` of one
    # column by its index, but scans the table for a pair of columns `IN (VALUES ...)`.
    PHONE_NAMES: ("pair_key TEXT NOT NULL, prospect_id BIGINT NOT NULL", "pair_key"),
    PHONE_HOLDERS: (
        "phone_key TEXT NOT NULL, name TEXT NOT NULL, prospect_id BIGINT NOT NULL",
        "phone_key",
    ),
}
INSERTS = {
    EMAILS: f"INSERT INTO {EMAILS} (email_key, prospect_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
    PHONE_NAMES: f"INSERT INTO {PHONE_NAMES} (pair_key, prospect_id) VALUES (?, ?)"
    " ON CONFLICT DO NOTHING",
    PHONE_HOLDERS: f"INSERT INTO {PHONE_HOLDERS} (phone_key, name, prospect_id) VALUES (?, ?, ?)"
    " ON CONFLICT DO NOTHING",
}
# The book's prospects whose email or number its indexes may not find by key, in id
# order: an email with a letter outside ASCII (`Å`, which SQLite's NOCASE does not fold)
# or with a space or a control character at either end (which `email_key` strips); a
# number not in the form `phones` stores, `+` and 2 to 15 digits (one with an extension
# is keyed here too). SQLite reads the index alone for them (`+id` keeps it from
# reading the table by id instead), then the table for the few it finds.
IRREGULAR_EMAILS = Variants(
    sqlite="SELECT id, email FROM prospects WHERE id IN (SELECT id FROM prospects"
    " WHERE +id <= ? AND email <> '' AND (length(CAST(email AS BLOB)) <> length(email)"
    " OR substr(email, 1, 1) <= ' ' OR substr(email, -1) <= ' ')) ORDER BY id",
    postgresql="SELECT id, email FROM prospects WHERE id <= ? AND email <> ''"
    r" AND email ~ '[^\x21-\x7e]|^[\x01-\x20]|[\x01-\x20]$' ORDER BY id",
)
IRREGULAR_PHONES = Variants(
    sqlite="SELECT id, name, phone FROM prospects WHERE id IN (SELECT id FROM prospects"
    " WHERE +id <= ? AND phone <> '' AND NOT (phone GLOB '+[1-9]*'"
    " AND length(phone) BETWEEN 3 AND 16"
    " AND CAST(CAST(substr(phone, 2) AS INTEGER) AS TEXT) = substr(phone, 2))) ORDER BY id",
    postgresql="SELECT id, name, phone FROM prospects WHERE id <= ? AND phone <> ''"
    r" AND phone !~ '^\+[1-9][0-9]{1,14}$' ORDER BY id",
)
# The book's prospects with these emails (in any ASCII case) or these numbers.
STORED_BY_EMAIL = Variants(
    sqlite="SELECT email, id FROM prospects WHERE email COLLATE NOCASE IN ({marks}) AND id <= ?",
    postgresql="SELECT email, id FROM prospects WHERE lower(email) IN ({marks}) AND id <= ?",
)
STORED_BY_PHONE = "SELECT phone, name, id FROM prospects WHERE phone IN ({marks}) AND id <= ?"


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


class Holder(NamedTuple):
    """The first prospect with a number, and its name, for the report of shared numbers."""

    prospect_id: int
    name: str


@dataclass
class Keys:
    """Keys and the prospect each leads to: what a batch's rows found, or what they add."""

    emails: dict[str, int] = field(default_factory=dict)
    phone_names: dict[tuple[str, str], int] = field(default_factory=dict)
    phone_holders: dict[str, Holder] = field(default_factory=dict)

    def keep_first(self, other: Keys) -> None:
        """Take `other`'s keys where it leads to an earlier prospect (a lower id)."""
        for mine, theirs in (
            (self.emails, other.emails),
            (self.phone_names, other.phone_names),
        ):
            for key, prospect_id in theirs.items():
                if key not in mine or prospect_id < mine[key]:
                    mine[key] = prospect_id
        for phone, holder in other.phone_holders.items():
            if phone not in self.phone_holders or holder < self.phone_holders[phone]:
                self.phone_holders[phone] = holder


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
    """The keys of one import, inside its write transaction (`write_transaction`)."""

    def __init__(self, db: Any, phone_region: str) -> None:
        self.db = db
        self.phone_region = phone_region
        for table, (columns, key) in TABLES.items():
            db.execute(IMPORT_KEY_TABLE.for_db(db).format(table=table, columns=columns, key=key))
        # The book's prospects are those there before the import: later ids are its rows'
        # (and on a team's server, what other reps add meanwhile, which it does not see).
        self.last_stored_id = int(
            db.execute("SELECT coalesce(max(id), 0) FROM prospects").fetchone()[0]
        )
        if self.last_stored_id:
            self._add_irregular_prospects()

    def _add_irregular_prospects(self) -> None:
        """The book's prospects that its indexes may not find by key, in id order, so the
        first one with a key keeps it."""
        emails = self.db.execute(IRREGULAR_EMAILS.for_db(self.db), [self.last_stored_id])
        while page := emails.fetchmany(PROSPECTS_PER_PAGE):
            keys = Keys()
            for prospect_id, email in page:
                if key := email_key(email):
                    keys.emails.setdefault(key, prospect_id)
            self.add(keys)
        phones = self.db.execute(IRREGULAR_PHONES.for_db(self.db), [self.last_stored_id])
        while page := phones.fetchmany(PROSPECTS_PER_PAGE):
            keys = Keys()
            for prospect_id, name, phone in page:
                key = phone_key(phone if isinstance(phone, str) else None, self.phone_region)
                if key:
                    keys.phone_names.setdefault((key, name_key(name)), prospect_id)
                    keys.phone_holders.setdefault(key, Holder(prospect_id, str(name)))
            self.add(keys)

    def add(self, keys: Keys) -> None:
        """Keys that lead to a prospect from now on; a key already known keeps its own."""
        _executemany(self.db, INSERTS[EMAILS], list(keys.emails.items()))
        _executemany(
            self.db,
            INSERTS[PHONE_NAMES],
            [(_pair_key(*pair), prospect_id) for pair, prospect_id in keys.phone_names.items()],
        )
        _executemany(
            self.db,
            INSERTS[PHONE_HOLDERS],
            [
                (phone, name, prospect_id)
                for phone, (prospect_id, name) in keys.phone_holders.items()
            ],
        )

    def find(self, emails: set[str], phone_names: set[tuple[str, str]]) -> Keys:
        """The prospects these emails and these numbers with names lead to, and the first
        holder of each of the numbers; keys that lead nowhere are left out."""
        found = self._find_added(emails, phone_names)
        if self.last_stored_id:
            found.keep_first(self._find_stored(emails, phone_names))
        return found

    def _find_added(self, emails: set[str], phone_names: set[tuple[str, str]]) -> Keys:
        """What the tables lead to: the file's rows so far, and the irregular prospects."""
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
            sql = (
                f"SELECT phone_key, prospect_id, name FROM {PHONE_HOLDERS}"
                f" WHERE phone_key IN ({marks})"
            )
            for phone, prospect_id, name in self.db.execute(sql, chunk).fetchall():
                found.phone_holders[phone] = Holder(prospect_id, name)
        return found

    def _find_stored(self, emails: set[str], phone_names: set[tuple[str, str]]) -> Keys:
        """What the book's own indexes lead to, each key confirmed in Python: the first of
        the prospects there before the import, as they are now."""
        found = Keys()
        by_email = STORED_BY_EMAIL.for_db(self.db)
        for chunk in _chunks(sorted(emails), KEYS_PER_QUERY):
            sql = by_email.format(marks=", ".join("?" * len(chunk)))
            for email, prospect_id in self.db.execute(sql, [*chunk, self.last_stored_id]):
                key = email_key(email)
                if key in emails and prospect_id < found.emails.get(key, prospect_id + 1):
                    found.emails[key] = prospect_id
        phones = sorted({phone for phone, _ in phone_names})
        for chunk in _chunks(phones, KEYS_PER_QUERY):
            sql = STORED_BY_PHONE.format(marks=", ".join("?" * len(chunk)))
            for phone, name, prospect_id in self.db.execute(sql, [*chunk, self.last_stored_id]):
                key = phone_key(phone, self.phone_region)
                if key != phone:
                    continue  # keyed up front, as irregular
                holder = Holder(prospect_id, str(name))
                if key not in found.phone_holders or holder < found.phone_holders[key]:
                    found.phone_holders[key] = holder
                pair = (key, name_key(name))
                if pair in phone_names and prospect_id < found.phone_names.get(
                    pair, prospect_id + 1
                ):
                    found.phone_names[pair] = prospect_id
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
