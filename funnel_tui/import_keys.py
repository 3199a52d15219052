"""The keys an import matches rows by: the book's own indexes, and temporary tables.

Each email (in any case), each phone number with each name (case and spacing ignored),
and each phone number on its own maps to the first prospect that had it: the book's
prospects first, as they were when the import began, in id order; then the file's rows
in order. The book's prospects are looked up a batch's keys at a time through
`prospects_email` and `prospects_phone`. Only what those cannot find is kept in
temporary tables: the keys of the book's prospects whose stored email or number is not
in key form (a number another tool wrote as `(617) 555-0154`, an email with a non-ASCII
letter), read from the partial indexes that hold them alone (schema_v23); what the
prospects the file changes held before; and the keys the file's rows bring. A file of
any length, into a book of any size, is merged in the same memory.

On a team's server the book's prospects are read in one snapshot taken as the import
begins, on a connection of its own (`store.snapshot.book_as_it_is`): what other reps
commit meanwhile is not seen, so a prospect another rep changes during an import is
still found by what it held.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple, TypeVar

from funnel_tui.accents import fold
from funnel_tui.phones import phone_key
from funnel_tui.schema_v23 import IRREGULAR_EMAIL, IRREGULAR_PHONE
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sql import IMPORT_KEY_TABLE, Variants, in_dialect, per_dialect
from funnel_tui.text import INVISIBLE

# Keys asked for in one statement: SQLite before 3.32 takes at most 999 `?`.
KEYS_PER_QUERY = 400
# The book's prospects keyed per page when the tables are filled.
PROSPECTS_PER_PAGE = 5_000

# The keys the file's rows bring, each to the first prospect that brought it.
EMAILS = "import_emails"
PHONE_NAMES = "import_phone_names"
PHONE_HOLDERS = "import_phone_holders"
# The keys of the book's prospects that its indexes cannot give as they were when the
# import began, each with the prospects that held it (the first is the lowest id).
BOOK_EMAILS = "import_book_emails"
BOOK_PHONE_NAMES = "import_book_phone_names"
BOOK_PHONE_HOLDERS = "import_book_phone_holders"
# The book's prospects the import has changed: their indexes' values are the file's now.
CHANGED = "import_changed"
# The line of the first row that landed on each prospect of the book: a later row that
# lands there repeats that person.
SEEN = "import_seen"
TABLES = {
    EMAILS: ("email_key TEXT NOT NULL, prospect_id BIGINT NOT NULL", "email_key"),
    # A number and a name as one key (`pair_key`): SQLite looks up `IN (...)` of one
    # column by its index, but scans the table for a pair of columns `IN (VALUES ...)`.
    PHONE_NAMES: ("pair_key TEXT NOT NULL, prospect_id BIGINT NOT NULL", "pair_key"),
    PHONE_HOLDERS: (
        "phone_key TEXT NOT NULL, name TEXT NOT NULL, prospect_id BIGINT NOT NULL",
        "phone_key",
    ),
    BOOK_EMAILS: (
        "email_key TEXT NOT NULL, prospect_id BIGINT NOT NULL",
        "email_key, prospect_id",
    ),
    BOOK_PHONE_NAMES: (
        "pair_key TEXT NOT NULL, prospect_id BIGINT NOT NULL",
        "pair_key, prospect_id",
    ),
    BOOK_PHONE_HOLDERS: (
        "phone_key TEXT NOT NULL, name TEXT NOT NULL, prospect_id BIGINT NOT NULL",
        "phone_key, prospect_id",
    ),
    CHANGED: ("prospect_id BIGINT NOT NULL", "prospect_id"),
}
# A rowid table of its own, filled in id order: in SQLite each batch's rows go at the end
# of its own b-tree, where a key of its own would be placed in a second one.
SEEN_TABLE = Variants(
    sqlite=f"CREATE TEMP TABLE {SEEN} (prospect_id INTEGER PRIMARY KEY, line INTEGER NOT NULL)",
    postgresql=f"CREATE TEMP TABLE {SEEN} (prospect_id BIGINT PRIMARY KEY, line BIGINT NOT NULL)"
    " ON COMMIT DROP",
)
# The tables of each kind of key: email, number with name, number's holders.
FILE_TABLES = (EMAILS, PHONE_NAMES, PHONE_HOLDERS)
BOOK_TABLES = (BOOK_EMAILS, BOOK_PHONE_NAMES, BOOK_PHONE_HOLDERS)
# The columns each kind of table is written by.
KEY_COLUMNS = ("email_key, prospect_id", "pair_key, prospect_id", "phone_key, prospect_id, name")


def _insert(table: str, columns: str) -> str:
    marks = ", ".join("?" * len(columns.split(",")))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"


# The book's prospects whose email or number its indexes may not find by key, read from
# the partial indexes of their ids (schema_v23), each condition as its index states it.
IRREGULAR_EMAILS = per_dialect(
    lambda dialect: (
        f"SELECT id, email FROM prospects WHERE id <= ? AND {in_dialect(IRREGULAR_EMAIL, dialect)}"
    )
)
IRREGULAR_PHONES = per_dialect(
    lambda dialect: (
        "SELECT id, name, phone FROM prospects"
        f" WHERE id <= ? AND {in_dialect(IRREGULAR_PHONE, dialect)}"
    )
)
# The book's prospects with these emails (in any ASCII case) or these numbers. Those the
# import has changed are then left out (`CHANGED`), in a query of their own: PostgreSQL
# would hash the whole of `import_changed` for a `NOT IN` in each of these.
STORED_BY_EMAIL = Variants(
    sqlite="SELECT email, id FROM prospects WHERE email COLLATE NOCASE IN ({marks}) AND id <= ?",
    postgresql="SELECT email, id FROM prospects WHERE lower(email) IN ({marks}) AND id <= ?",
)
STORED_BY_PHONE = "SELECT phone, name, id FROM prospects WHERE phone IN ({marks}) AND id <= ?"


# The characters that show as nothing, which text coming in loses (text.INVISIBLE): a
# prospect stored with one before, or by another tool, is the same person without it.
_WITHOUT_INVISIBLE = str.maketrans("", "", INVISIBLE)


def email_key(email: object) -> str:
    return _visible(str(email or "")).strip().lower()


def name_key(name: object) -> str:
    """A name with case, spacing, accents and invisible characters ignored: `Anna  berg` is
    `Anna Berg`, and so is `Anna\u200bBerg` stored before; `Zoe Muller` is Zoë Müller, as a
    file saved in an encoding without the accents writes her."""
    text = str(name or "")
    if not text.isascii():
        text = fold(_visible(text))
    return "".join(text.split()).casefold()


def _visible(text: str) -> str:
    # Text in ASCII, nearly all of it, holds none: a translation costs a microsecond.
    return text if text.isascii() else text.translate(_WITHOUT_INVISIBLE)


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


class Held(NamedTuple):
    """A prospect of the book and the keys it holds, or held before the import changed it
    (an empty key: none)."""

    prospect_id: int
    email: str
    phone: str
    name_key: str
    name: str


def _keep_first(keys: dict[Any, Any], key: Any, value: Any) -> None:
    """`value` for `key` unless it has one that comes first (a lower id)."""
    if key not in keys or value < keys[key]:
        keys[key] = value


@dataclass
class Keys:
    """Keys and the prospect each leads to: what a batch's rows found, or what they add."""

    emails: dict[str, int] = field(default_factory=dict)
    phone_names: dict[tuple[str, str], int] = field(default_factory=dict)
    phone_holders: dict[str, Holder] = field(default_factory=dict)

    def note(self, held: Held) -> None:
        """A prospect's keys, where no earlier prospect (a lower id) has them."""
        if held.email:
            _keep_first(self.emails, held.email, held.prospect_id)
        if held.phone:
            _keep_first(self.phone_names, (held.phone, held.name_key), held.prospect_id)
            _keep_first(self.phone_holders, held.phone, Holder(held.prospect_id, held.name))

    def fill_from(self, other: Keys) -> None:
        """`other`'s keys where these have none."""
        sides: tuple[tuple[dict[Any, Any], dict[Any, Any]], ...] = (
            (self.emails, other.emails),
            (self.phone_names, other.phone_names),
            (self.phone_holders, other.phone_holders),
        )
        for mine, theirs in sides:
            for key, value in theirs.items():
                mine.setdefault(key, value)

    def leading_to(self, prospect_ids: Collection[int]) -> Keys:
        """These keys less the emails and numbers with names that lead to another
        prospect than these; a number's first holder stays, only ever named."""
        return Keys(
            {key: id_ for key, id_ in self.emails.items() if id_ in prospect_ids},
            {key: id_ for key, id_ in self.phone_names.items() if id_ in prospect_ids},
            self.phone_holders,
        )

    def rows(self) -> tuple[list[tuple[object, ...]], ...]:
        """The rows of the three kinds of table, in the order of KEY_COLUMNS."""
        return (
            list(self.emails.items()),
            [(_pair_key(*pair), prospect_id) for pair, prospect_id in self.phone_names.items()],
            [
                (phone, prospect_id, name)
                for phone, (prospect_id, name) in self.phone_holders.items()
            ],
        )


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def executemany(db: Any, sql: str, rows: Sequence[Sequence[object]]) -> None:
    """Run one statement for each row, on either backend (nothing for no rows)."""
    if not rows:
        return
    if dialect_of(db) is Dialect.POSTGRESQL:
        db.executemany(sql, rows)
    else:
        db.conn.executemany(sql, rows)


def _streamed(db: Any, sql: str, params: Sequence[object]) -> Iterator[tuple[Any, ...]]:
    """A query's rows as they are read: psycopg's usual cursor would hold them all."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        return db.execute_streamed(sql, params)
    return iter(db.execute(sql, params))


def rows_for(db: Any, sql: str, values: Iterable[object], *after: object) -> Iterator[Any]:
    """The rows `sql` gives for `values`, its `IN ({marks})` list, KEYS_PER_QUERY of them
    at a time in order; `after`: the parameters that follow the list."""
    for chunk in _chunks(sorted(values), KEYS_PER_QUERY):  # type: ignore[type-var]
        yield from db.execute(sql.format(marks=", ".join("?" * len(chunk))), [*chunk, *after])


class ImportKeys:
    """The keys of one import, inside its write transaction (`write_transaction`)."""

    def __init__(self, db: Any, phone_region: str, book: Any = None) -> None:
        """`book` reads the book as it was when the import began (book_as_it_is); `db`
        itself when not given."""
        self.db = db
        self.book = db if book is None else book
        self.phone_region = phone_region
        for table, (columns, key) in TABLES.items():
            db.execute(IMPORT_KEY_TABLE.for_db(db).format(table=table, columns=columns, key=key))
        db.execute(SEEN_TABLE.for_db(db))
        # The book's prospects are those there before the import: later ids are its rows'
        # (and on a team's server, what other reps add meanwhile, which it does not see).
        (last,) = self.book.execute("SELECT coalesce(max(id), 0) FROM prospects").fetchone()
        self.last_stored_id = int(last)
        if self.last_stored_id:
            self._add_irregular_prospects()

    def _add_irregular_prospects(self) -> None:
        """The book's prospects that its indexes may not find by key."""
        emails = _streamed(self.book, IRREGULAR_EMAILS.for_db(self.db), [self.last_stored_id])
        while page := list(islice(emails, PROSPECTS_PER_PAGE)):
            self._add(BOOK_TABLES, [Held(id_, email_key(email), "", "", "") for id_, email in page])
        phones = _streamed(self.book, IRREGULAR_PHONES.for_db(self.db), [self.last_stored_id])
        while page := list(islice(phones, PROSPECTS_PER_PAGE)):
            held = []
            for prospect_id, name, phone in page:
                key = phone_key(phone if isinstance(phone, str) else None, self.phone_region)
                held.append(Held(prospect_id, "", key, name_key(name), str(name)))
            self._add(BOOK_TABLES, held)

    def _add(self, tables: tuple[str, ...], held: Iterable[Held]) -> None:
        keys = Keys()
        for one in held:
            keys.note(one)
        self._write(tables, keys)

    def _write(self, tables: tuple[str, ...], keys: Keys) -> None:
        for table, columns, rows in zip(tables, KEY_COLUMNS, keys.rows(), strict=True):
            executemany(self.db, _insert(table, columns), rows)

    def add(self, keys: Keys) -> None:
        """Keys the file's rows bring; a key already known keeps its own."""
        self._write(FILE_TABLES, keys)

    def changing(self, held: Iterable[Held]) -> None:
        """Prospects of the book whose keys a batch has just changed, with what they held
        before it did: what they held when the import began, unless an earlier batch
        changed them already."""
        # The prospects an earlier batch added are found by the keys their rows brought.
        held = [one for one in held if one.prospect_id <= self.last_stored_id]
        earlier = self._changed_among({one.prospect_id for one in held})
        first_time = [one for one in held if one.prospect_id not in earlier]
        self._add(BOOK_TABLES, first_time)
        executemany(
            self.db,
            _insert(CHANGED, "prospect_id"),
            [(one.prospect_id,) for one in first_time],
        )

    def find(self, emails: set[str], phone_names: set[tuple[str, str]]) -> Keys:
        """The prospects these emails and these numbers with names lead to, and the first
        holder of each of the numbers; keys that lead nowhere are left out."""
        found = self._find_in_book(emails, phone_names) if self.last_stored_id else Keys()
        found.fill_from(self._find_in_tables(FILE_TABLES, emails, phone_names))
        return found

    def _find_in_tables(
        self, tables: tuple[str, ...], emails: set[str], phone_names: set[tuple[str, str]]
    ) -> Keys:
        """What the tables lead to, the first (lowest id) of each key's prospects."""
        found = Keys()
        email_table, pair_table, holder_table = tables
        sql = f"SELECT email_key, prospect_id FROM {email_table} WHERE email_key IN ({{marks}})"
        for email, prospect_id in rows_for(self.db, sql, emails):
            _keep_first(found.emails, email, prospect_id)
        pairs = {_pair_key(*pair): pair for pair in phone_names}
        sql = f"SELECT pair_key, prospect_id FROM {pair_table} WHERE pair_key IN ({{marks}})"
        for pair_key, prospect_id in rows_for(self.db, sql, pairs):
            _keep_first(found.phone_names, pairs[pair_key], prospect_id)
        phones = {phone for phone, _ in phone_names}
        sql = (
            f"SELECT phone_key, prospect_id, name FROM {holder_table}"
            " WHERE phone_key IN ({marks})"
        )
        for phone, prospect_id, name in rows_for(self.db, sql, phones):
            _keep_first(found.phone_holders, phone, Holder(prospect_id, name))
        return found

    def _find_in_book(self, emails: set[str], phone_names: set[tuple[str, str]]) -> Keys:
        """The first of the book's prospects with each key, as they were when the import
        began: through its indexes those it has not changed, each key confirmed in
        Python; through the tables what the indexes cannot give."""
        found = self._find_in_tables(BOOK_TABLES, emails, phone_names)
        phones = {phone for phone, _ in phone_names}
        held = [*self._by_email(self.book, emails), *self._by_phone(self.book, phones)]
        if self.book is not self.db:
            # On a team's server a key no prospect held when the import began may be one
            # another rep has given a prospect since (a corrected email the file repeats).
            known = {one.email for one in held} | {one.phone for one in held}
            known |= found.emails.keys() | found.phone_holders.keys()
            held += [
                *self._by_email(self.db, emails - known),
                *self._by_phone(self.db, phones - known),
            ]
        changed = self._changed_among({one.prospect_id for one in held})
        for one in held:
            if one.prospect_id not in changed:
                found.note(one)
        # The pairs of a number's other holders lead nowhere the rows asked.
        for pair in [pair for pair in found.phone_names if pair not in phone_names]:
            del found.phone_names[pair]
        return found

    def _by_email(self, db: Any, emails: set[str]) -> Iterator[Held]:
        by_email = STORED_BY_EMAIL.for_db(self.db)
        for email, prospect_id in rows_for(db, by_email, emails, self.last_stored_id):
            if (key := email_key(email)) in emails:
                yield Held(prospect_id, key, "", "", "")

    def _by_phone(self, db: Any, phones: set[str]) -> Iterator[Held]:
        found = rows_for(db, STORED_BY_PHONE, phones, self.last_stored_id)
        for phone, name, prospect_id in found:
            # A number not in stored form is keyed in the tables, by its own key.
            if phone_key(phone, self.phone_region) == phone:
                yield Held(prospect_id, "", phone, name_key(name), str(name))

    def first_lines(self, prospect_ids: Collection[int]) -> dict[int, int]:
        """The line of the first row of an earlier batch that landed on each of these
        prospects, for those one did."""
        sql = f"SELECT prospect_id, line FROM {SEEN} WHERE prospect_id IN ({{marks}})"
        return dict(rows_for(self.db, sql, prospect_ids))

    def landed(self, first_lines: Iterable[tuple[int, int]]) -> None:
        """Each prospect a batch's rows landed on, with the line of the first of them: those
        of the book are kept (one an earlier batch's row landed on keeps that row's line);
        those the import added are not, most of a first import's rows."""
        book = [(pid, line) for pid, line in first_lines if pid <= self.last_stored_id]
        executemany(self.db, _insert(SEEN, "prospect_id, line"), sorted(book))

    def _changed_among(self, prospect_ids: set[int]) -> set[int]:
        """Which of these prospects of the book the import has changed already."""
        sql = f"SELECT prospect_id FROM {CHANGED} WHERE prospect_id IN ({{marks}})"
        return {prospect_id for (prospect_id,) in rows_for(self.db, sql, prospect_ids)}

    def drop(self) -> None:
        """Drop the tables before the transaction commits (PostgreSQL's go on commit)."""
        if dialect_of(self.db) is Dialect.SQLITE:
            for table in (*TABLES, SEEN):
                self.db.execute(f"DROP TABLE temp.{table}")


# Where the reader puts the prospect id a row names (the `id` column of funnel's own
# export); taken out of the row with its keys, so it is never stored as the row's id.
FILE_ID = "funnel_file_id"
# Where it puts the row's other emails and numbers, the ones not imported (a second in a
# cell, another column's), as (field, text) pairs: the suppression list is asked about
# them too, so a person forgotten on request never comes back beside a new address.
OTHER_CONTACTS = "funnel_other_contacts"


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
    # The row's emails and numbers not imported, as (field, text) (`OTHER_CONTACTS`).
    others: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, row: dict[str, object]) -> RowKeys:
        file_id = row.pop(FILE_ID, None)
        others = row.pop(OTHER_CONTACTS, ())
        email, phone = email_key(row.get("email")), str(row.get("phone", ""))
        return cls(row, email, phone, name_key(row["name"]), file_id, others)  # type: ignore[arg-type]


# A row's line in the file, and the row with its keys.
Keyed = tuple[int, RowKeys]


def keyed_batches(
    rows: Iterator[tuple[int, dict[str, object]]], size: int
) -> Iterator[list[Keyed]]:
    """The rows `size` at a time, with their keys: worked out where the file is read,
    which waits for the writing side."""
    while batch := [(line, RowKeys.of(row)) for line, row in islice(rows, size)]:
        yield batch
