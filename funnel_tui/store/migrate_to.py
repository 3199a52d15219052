"""`funnel migrate-to`: a rep's SQLite book copied into the team's PostgreSQL database as
that rep's book (PRODUCT 16), in one transaction: all of it, or on any failure nothing.

- Ids: the team database may hold other reps' books, so the copied prospects, calls,
  tasks and flag changes keep their ids moved up past the highest in use (the tables
  are locked against other writers meanwhile); the rows pointing at them (prospect_id,
  call_id, done_call_id, the ids inside an undo record) move with them. Deals, notes and
  emails, which nothing points at, draw new ids in their order.
- Derived rows: the row triggers of prospects, calls and tasks are off while the rows
  are copied in with COPY, so each prospect keeps its created_at, updated_at, last call
  and attempts as the book has them, and tasks their sequence; then prospect_search,
  call_days, lead_marks and each prospect's next call are built once for the copied rows
  by the statements that mirror those triggers (postgres_schema.DERIVED_ROWS). Turning
  triggers off takes the role that owns the team's tables.
- Prospects become the rep's; calls, tasks, notes, deals and emails without a rep get
  the rep, and so do the targets (a target the rep already has in the team database is
  kept). Settings are the team's: only keys it has not set are copied, and never a rep's
  own (their name, dialing and email account): once the copy is committed those go to
  the rep's user config file (own_settings.py), where a team's book reads them, when the
  book is this machine's rep's and without replacing any the file already has.
- A demo book's settings are made up: its own (the demo rep's name) never reach a config
  file, and its shared ones (the `demo_book` flag that switches the scripts to the demo's
  fictional product, its phone region) are copied only into a team's book without
  prospects (a team trying funnel out), never into one that holds real prospects.
- Calls keep their request ids, which are unique per rep (schema_v11): another rep's
  keys are no clash, but a call of the book that becomes the rep's with the key of one
  the book already gives the rep breaks the index, and nothing is copied.
- The file's suppression list joins the team's: nobody the rep forgot comes back in an
  import to the team database.
- The `book` id of the file is recorded in `migrated_books`: a book is copied once.
- A prospect of the book who is someone the team's book already has (matched as `funnel
  import` matches: same_people.py) takes in a pool prospect nobody has worked yet (the
  pool's row goes); any other is kept apart, and the closing lines name each pair, with
  the `funnel assign` that keeps other reps from calling the pool's.
- Not copied: the file's claims (leases of the moment) and its list of reps (the rep
  is added to the team's).
"""

from __future__ import annotations

import json
import shlex
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import psycopg
from psycopg import sql

from funnel_tui.counted import counted, listed
from funnel_tui.own_settings import (
    OWN_SETTINGS,
    OwnSettingsError,
    cleared_from_the_team,
    own_setting_texts,
    store_own_settings,
)
from funnel_tui.reps import RepError, add_rep, has_reps, known_rep, own_rep_name, read_rep_name
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.settings import DEMO_BOOK_KEY, is_demo_book, read_settings
from funnel_tui.store.dialect import without_password
from funnel_tui.store.postgres import (
    PostgresDatabase,
    PostgresError,
    application_name,
    connect,
    describe_postgres_error,
    migrate_tables,
    schema_version,
)
from funnel_tui.store.postgres_schema import CHANGES_CHANNEL, DERIVED_ROWS
from funnel_tui.store.same_people import SamePerson, merge_untouched, same_people
from funnel_tui.store.sqlite import Storage, StorageError, describe_sqlite_error
from funnel_tui.text import one_line

# The tables whose ids the copied rows keep (moved up by the offset): rows or undo
# records point at them.
MOVED_IDS = ("prospects", "calls", "tasks", "flag_changes")
# The tables whose row triggers keep derived rows; they are off during the copy.
TRIGGERED = ("prospects", "calls", "tasks")

# The pairs of the same person (or their ids) named in the closing lines; the rest are
# counted.
SAME_PEOPLE_NAMED = 10
Named = TypeVar("Named")

# What a book's rows become: each table of MOVED_IDS by its offset, and "rep" the name.
Moves = Mapping[str, Any]

_TO_PROSPECT = "prospect_id + :prospects"
_REP = "coalesce(rep, :rep)"


@dataclass(frozen=True)
class _Copied:
    """One table as it is copied: the columns given another value (an SQLite expression
    over the book's row; None leaves the column to its default, a new id)."""

    table: str
    changed: Mapping[str, str | None]
    order: str = "id"


COPIED_TABLES = (
    _Copied("prospects", {"id": "id + :prospects", "owner": ":rep"}),
    _Copied("calls", {"id": "id + :calls", "prospect_id": _TO_PROSPECT, "rep": _REP}),
    _Copied(
        "tasks",
        {
            "id": "id + :tasks",
            "prospect_id": _TO_PROSPECT,
            "call_id": "call_id + :calls",
            "done_call_id": "done_call_id + :calls",
            "rep": _REP,
        },
    ),
    _Copied(
        "deals",
        {"id": None, "prospect_id": _TO_PROSPECT, "call_id": "call_id + :calls", "rep": _REP},
    ),
    _Copied("notes", {"id": None, "prospect_id": _TO_PROSPECT, "rep": _REP}),
    _Copied("emails", {"id": None, "prospect_id": _TO_PROSPECT, "rep": _REP}),
    _Copied("flag_changes", {"id": "id + :flag_changes", "prospect_id": _TO_PROSPECT}),
    _Copied("undo_log", {"call_id": "call_id + :calls"}, order="call_id"),
)


@dataclass(frozen=True)
class Migrated:
    """What `migrate_book` copied, for the closing lines."""

    source: str
    location: str
    rep: str
    rows: dict[str, int]
    settings_copied: tuple[tuple[str, str], ...] = ()
    """The shared settings copied, (key, value): said with their values, so that a team
    sees what it now reads numbers and money with (the demo's phone region, GB)."""
    settings_kept: tuple[str, ...] = ()
    settings_left_out: tuple[str, ...] = ()
    """A demo book's shared settings, not copied into a team's book that has prospects."""
    demo: bool = False
    """The book is a demo book (`funnel demo`): its settings are made up."""
    own_settings: tuple[tuple[str, str], ...] = ()
    """The rep's own settings the book holds, (key, value): not the team's to share."""
    own_settings_said: str = ""
    """What became of them, once the copy is committed."""
    targets_kept: int = 0
    cleared_from_the_team: tuple[str, ...] = ()
    """Reps' own settings an older book kept in the team's table, cleared by v13."""
    merged: tuple[SamePerson, ...] = ()
    """The pool prospects nobody had worked, merged into the copied ones."""
    same_people: tuple[SamePerson, ...] = ()
    """The copied prospects who are people the team's book already had, kept apart."""
    marked_do_not_call: tuple[int, ...] = ()
    """Those of them that took the team's do-not-call mark."""

    def summary(self) -> list[str]:
        """One line of what was copied, then one on settings and targets if there is
        anything to say."""
        counts = [
            counted(self.rows.get(table, 0), noun)
            for table, noun in (
                ("prospects", "prospect"),
                ("calls", "call"),
                ("tasks", "task"),
                ("deals", "deal"),
                ("notes", "note"),
            )
        ]
        lines = [f"Copied {self.source} to {self.location} as {self.rep}'s book: {listed(counts)}."]
        said = []
        if self.settings_copied:
            copied = ", ".join(f"{key} = {_shown(value)}" for key, value in self.settings_copied)
            said.append(f"copied {copied}")
        if self.settings_kept:
            said.append(f"kept the team's {', '.join(self.settings_kept)}")
        if said:
            lines.append(f"Settings (the team shares them): {'; '.join(said)}.")
        if self.settings_left_out:
            lines.append(
                f"Left out the demo's {', '.join(self.settings_left_out)}: the team's book"
                " already held prospects, so it keeps its own settings."
            )
        elif self.demo and any(key == DEMO_BOOK_KEY for key, _ in self.settings_copied):
            lines.append(
                "The team's book had no prospects, so it is a demo book now: the scripts"
                " talk about the demo's fictional product until you write your profile.toml."
            )
        if self.own_settings_said:
            lines.append(self.own_settings_said)
        if self.cleared_from_the_team:
            lines.append(cleared_from_the_team(self.cleared_from_the_team))
        if self.merged:
            lines.append(self._merged_said())
        if self.same_people:
            lines.append(self._same_people_said())
        if marked := self.marked_do_not_call:
            ids = _named(marked, str)
            lines.append(
                f"Marked do-not-call {counted(len(marked), 'copied prospect')} the team's book"
                f" has marked so: {', '.join(ids)}."
            )
        if self.targets_kept:
            lines.append(
                f"Kept {counted(self.targets_kept, 'target')} {self.rep} already had in the"
                " team database instead of the book's for the same period."
            )
        return lines

    def _merged_said(self) -> str:
        pairs = _named(
            self.merged, lambda match: f"{match.copied_id} took in the pool's {match.team_id}"
        )
        return (
            f"Merged {counted(len(self.merged), 'prospect')} of the team's pool that nobody had"
            " worked into the copied ones who are the same people (same email, or same phone"
            " and name; their empty fields filled from the pool's, a do-not-call mark kept):"
            f" {', '.join(pairs)}."
        )

    def _same_people_said(self) -> str:
        named = self.same_people[:SAME_PEOPLE_NAMED]
        more = len(self.same_people) - len(named)
        pairs = _named(
            self.same_people,
            lambda match: f"{match.copied_id} is {_whose(match.owner)} {match.team_id}",
        )
        are = "is a person" if len(self.same_people) == 1 else "are people"
        said = (
            f"{counted(len(self.same_people), 'copied prospect')} {are} the team's book already"
            " had (same email, or same phone and name) and someone had worked or owns, kept"
            f" apart: {', '.join(pairs)}."
        )
        pooled = [str(match.team_id) for match in named if match.owner is None]
        if pooled:
            said += (
                f" To keep other reps from calling the pool's{' named' if more else ''}:"
                f" funnel assign {' '.join(pooled)} --to {shlex.quote(self.rep)}"
            )
        return said


def _named(found: Sequence[Named], said: Callable[[Named], str]) -> list[str]:
    """The first SAME_PEOPLE_NAMED of `found`, each as `said`, and how many more."""
    named = [said(each) for each in found[:SAME_PEOPLE_NAMED]]
    if len(found) > SAME_PEOPLE_NAMED:
        named.append(f"and {len(found) - SAME_PEOPLE_NAMED:,} more")
    return named


def _whose(owner: str | None) -> str:
    return "the pool's" if owner is None else f"{owner}'s"


def migrate_book(storage: Storage, url: str, rep: str) -> Migrated:
    """Copy the book in `storage` into the team database at `url` as `rep`'s book, in one
    transaction. StorageError with one line (never the password) when it cannot; the
    team database is then as it was."""
    try:
        rep = read_rep_name(rep)
    except RepError as error:
        raise StorageError(str(error)) from None
    book = storage.db.conn
    try:
        team = connect(url, application_name("migrate-to", rep))
    except PostgresError as error:
        raise StorageError(str(error)) from None
    try:
        # One snapshot of the file, however long the copy takes and whoever writes to it.
        book.execute("BEGIN")
        try:
            with team.transaction():
                migrated = _copy(book, team, url, rep, source=str(storage.path))
        finally:
            book.execute("ROLLBACK")
    except PostgresError as error:
        raise StorageError(f"{error}; nothing was copied") from None
    except psycopg.OperationalError as error:
        # Connected, then lost: the server rolls the transaction back.
        reason = " ".join(str(error).split())
        lost = f"lost the connection to {without_password(url)} ({reason})"
        raise StorageError(f"{lost}; nothing was copied") from None
    except psycopg.Error as error:
        raise StorageError(f"{describe_postgres_error(url, error)}; nothing was copied") from None
    except sqlite3.Error as error:
        reason = describe_sqlite_error(storage.path, error)
        raise StorageError(f"{reason}; nothing was copied") from None
    finally:
        team.close()
    return replace(migrated, own_settings_said=keep_own_settings(migrated))


def keep_own_settings(migrated: Migrated) -> str:
    """Put the book's own settings (its rep's name, dialing, email account) into this
    machine's config file, keeping any it already has, when the book is this machine's
    rep's; what was done, in one line ("" when the book has none)."""
    if not migrated.own_settings:
        return ""
    keys = ", ".join(key for key, _ in migrated.own_settings)
    if migrated.demo:
        return f"Left out the demo's made-up {keys}: set your own with funnel config set."
    try:
        this_rep = own_rep_name()
    except RepError:
        this_rep = None
    if this_rep is None or this_rep.casefold() != migrated.rep.casefold():
        return (
            f"Left out {migrated.rep}'s own {keys}: each rep's are kept in their user config"
            f" file; {migrated.rep} sets them with funnel config set."
        )
    kept, _ = own_setting_texts()
    new = {key: value for key, value in migrated.own_settings if key not in kept}
    already = [key for key, _ in migrated.own_settings if key in kept]
    said = []
    if new:
        try:
            path = store_own_settings(new)
        except OwnSettingsError as error:
            return f"Your own {keys} were not copied ({error}); set them with funnel config set."
        said.append(f"copied {', '.join(new)} to {path}")
    if already:
        said.append(f"kept your config file's {', '.join(already)}")
    return f"Your own settings: {'; '.join(said)}."


def _copy(
    book: sqlite3.Connection, team: psycopg.Connection[Any], url: str, rep: str, *, source: str
) -> Migrated:
    where = without_password(url)
    (book_id,) = book.execute("SELECT id FROM book").fetchone()
    cleared = migrate_tables(team, url) if schema_version(team, url) != LATEST_VERSION else ()
    # Other reps' writes wait until the commit: the ids above the highest stay free.
    team.execute(
        "LOCK TABLE migrated_books, prospects, calls, tasks, flag_changes"
        " IN SHARE ROW EXCLUSIVE MODE"
    )
    done = team.execute(
        "SELECT rep, substr(migrated_at, 1, 10) FROM migrated_books WHERE book_id = %s",
        [book_id],
    ).fetchone()
    if done is not None:
        raise PostgresError(
            f"this book was already copied to {where} (as {done[0]}'s book, on {done[1]})"
        )
    # The rep as the team knows them ("Alex" for alex). The first book of a team with no
    # reps yet adds its rep; after that a name the team does not know is refused, so a
    # typo never makes a rep.
    known = known_rep(PostgresDatabase(team, url=url), rep)
    if known is None:
        if has_reps(team):
            raise PostgresError(
                f"no rep named {rep!r} in {where}; add them with: funnel rep add {shlex.quote(rep)}"
            )
        known, _ = add_rep(PostgresDatabase(team, url=url), rep)
    rep = known
    demo = is_demo_book(book)
    (team_was_empty,) = team.execute("SELECT NOT EXISTS (SELECT FROM prospects)").fetchone()
    team.execute("INSERT INTO migrated_books (book_id, rep) VALUES (%s, %s)", [book_id, rep])
    offsets = {table: _highest_id(team, table) for table in MOVED_IDS}
    matched = [] if team_was_empty else _same_people(book, team, url, offsets["prospects"])
    switch_triggers(team, "DISABLE", where)
    moves = {**offsets, "rep": rep}
    rows = {copied.table: _copy_table(book, team, copied, moves) for copied in COPIED_TABLES}
    targets, targets_kept = _copy_targets(book, team, rep)
    rows["targets"] = targets
    rows["suppressions"] = _copy_suppressions(book, team)
    copied_keys, kept_keys, left_out, own = _copy_settings(
        book, team, shared=not demo or team_was_empty
    )
    build_derived_rows(team, after=offsets["prospects"])
    switch_triggers(team, "ENABLE", where)
    for table in MOVED_IDS:
        restart_ids(team, table)
    # Their statement triggers were off with the rest: every rep's app reads again.
    found = merge_untouched(PostgresDatabase(team, url=url), matched)
    for table in TRIGGERED:
        team.execute("SELECT pg_notify(%s, %s)", [CHANGES_CHANNEL, table])
    return Migrated(
        source,
        where,
        rep,
        rows,
        copied_keys,
        kept_keys,
        left_out,
        demo,
        own,
        targets_kept=targets_kept,
        cleared_from_the_team=cleared,
        merged=tuple(found.merged),
        same_people=tuple(found.kept_apart),
        marked_do_not_call=tuple(found.marked_do_not_call),
    )


def _same_people(
    book: sqlite3.Connection, team: psycopg.Connection[Any], url: str, offset: int
) -> list[SamePerson]:
    """The book's prospects who are people the team's book already has, by their ids
    once copied (moved up by `offset`); read before the copy, as the team's book was."""
    team_db = PostgresDatabase(team, url=url)
    region = read_settings(team_db)[0].phone_region
    prospects = book.execute(
        "SELECT id + ?, name, email, phone FROM prospects ORDER BY id", [offset]
    )
    return same_people(team_db, prospects, region)


def _copy_suppressions(book: sqlite3.Connection, team: psycopg.Connection[Any]) -> int:
    """Add the book's suppression list to the team's (a hash both have is kept once)."""
    rows = book.execute("SELECT hash, kind, added_at FROM suppressions").fetchall()
    with team.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO suppressions (hash, kind, added_at) VALUES (%s, %s, %s)"
            " ON CONFLICT (hash) DO NOTHING",
            rows,
        )
    return len(rows)


def _highest_id(team: psycopg.Connection[Any], table: str) -> int:
    query = sql.SQL("SELECT coalesce(max(id), 0) FROM {}").format(sql.Identifier(table))
    return int(team.execute(query).fetchone()[0])


def switch_triggers(team: psycopg.Connection[Any], switch: str, where: str) -> None:
    """Turn the row triggers of TRIGGERED off (`DISABLE`) or on again (`ENABLE`), in the
    caller's transaction; PostgresError when the role does not own the tables."""
    for table in TRIGGERED:
        statement = sql.SQL("ALTER TABLE {} {} TRIGGER USER").format(
            sql.Identifier(table), sql.SQL(switch)
        )
        try:
            with team.transaction():
                team.execute(statement)
        except psycopg.errors.InsufficientPrivilege:
            owner = team.execute(
                "SELECT tableowner FROM pg_tables WHERE tablename = %s", [table]
            ).fetchone()[0]
            raise PostgresError(
                f"{where}: copying a book in takes the database role that owns the team's"
                f" tables ({owner}); connect as it"
            ) from None


def _book_columns(book: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in book.execute(f"PRAGMA table_info({table})")]


def _copy_table(
    book: sqlite3.Connection, team: psycopg.Connection[Any], copied: _Copied, moves: Moves
) -> int:
    """COPY one table's rows into the team database; how many."""
    columns = [
        column
        for column in _book_columns(book, copied.table)
        if copied.changed.get(column, column) is not None
    ]
    selected = ", ".join(copied.changed.get(column) or column for column in columns)
    rows: Iterable[tuple[Any, ...]] = book.execute(
        f"SELECT {selected} FROM {copied.table} ORDER BY {copied.order}", moves
    )
    if copied.table == "undo_log":
        rows = _moved_undo_records(rows, columns.index("prospect_before"), moves)
    return copy_rows(team, copied.table, columns, rows)


def copy_rows(
    conn: psycopg.Connection[Any],
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """COPY rows into `table`, in their order; how many."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _moved_undo_records(
    rows: Iterable[tuple[Any, ...]], at: int, moves: Moves
) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        yield (*row[:at], moved_undo_record(row[at], moves), *row[at + 1 :])


def moved_undo_record(text: Any, moves: Moves) -> Any:
    """An undo record (call_log's) with the ids it names moved as the rows were, and the
    prospect the rep's; text that is no record funnel wrote stays as it is (undo refuses
    it, and `funnel check` lists it)."""
    try:
        record = json.loads(text)
    except (TypeError, ValueError):
        return text
    if not isinstance(record, dict):
        return text
    # Before schema v3 the record was the prospect row itself.
    before = record["before"] if {"before", "wrote"} <= record.keys() else record
    if isinstance(before, dict):
        _move(before, "id", moves["prospects"])
        if "owner" in before:
            before["owner"] = moves["rep"]
    tasks = record.get("tasks")
    if isinstance(tasks, dict):
        for made in _objects(tasks.get("created")):
            _move(made, "id", moves["tasks"])
        for closed in _objects(tasks.get("closed")):
            _move(closed, "id", moves["tasks"])
            _move(closed, "done_call_id", moves["calls"])
    changes = record.get("flag_changes")
    if isinstance(changes, list):
        record["flag_changes"] = [
            change + moves["flag_changes"] if _is_id(change) else change for change in changes
        ]
    return json.dumps(record)


def _objects(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _move(row: dict[str, Any], key: str, offset: int) -> None:
    if _is_id(row.get(key)):
        row[key] += offset


def _copy_targets(
    book: sqlite3.Connection, team: psycopg.Connection[Any], rep: str
) -> tuple[int, int]:
    """The book's targets as the rep's; (copied, kept: the rep had one for that period)."""
    copied = kept = 0
    for period, starts_on, ends_on, amount_cents, calls_per_day in book.execute(
        "SELECT period, starts_on, ends_on, amount_cents, calls_per_day FROM targets ORDER BY id"
    ):
        inserted = team.execute(
            "INSERT INTO targets (period, starts_on, ends_on, amount_cents, calls_per_day, rep)"
            " VALUES (%s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (period, starts_on, (coalesce(rep, ''))) DO NOTHING",
            [period, starts_on, ends_on, amount_cents, calls_per_day, rep],
        ).rowcount
        copied += inserted
        kept += 1 - inserted
    return copied, kept


# How long a copied setting's value is shown in the closing lines.
_SHOWN_VALUE_CHARS = 40


def _shown(value: str) -> str:
    text = one_line(value)
    return text if len(text) <= _SHOWN_VALUE_CHARS else f"{text[: _SHOWN_VALUE_CHARS - 1]}…"


def _copy_settings(
    book: sqlite3.Connection, team: psycopg.Connection[Any], *, shared: bool
) -> tuple[
    tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]
]:
    """The book's settings the team has not set, unless not `shared`; (copied as (key,
    value), kept as the team has them, left out as not shared, the rep's own as (key,
    value), never the team's)."""
    copied: list[tuple[str, str]] = []
    kept: list[str] = []
    left_out: list[str] = []
    own: list[tuple[str, str]] = []
    for key, value in book.execute("SELECT key, value FROM settings ORDER BY key"):
        if key in OWN_SETTINGS:
            if isinstance(value, str):
                own.append((key, value))
            continue
        if not shared:
            left_out.append(key)
            continue
        inserted = team.execute(
            "INSERT INTO settings (key, value) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
            [key, value],
        ).rowcount
        if inserted:
            copied.append((key, str(value)))
        else:
            kept.append(key)
    return tuple(copied), tuple(kept), tuple(left_out), tuple(own)


def build_derived_rows(team: psycopg.Connection[Any], *, after: int) -> None:
    """Build what the triggers of TRIGGERED keep (prospect_search, next calls, call_days,
    lead_marks) for the prospects whose id is above `after`, copied in with them off."""
    for statement in DERIVED_ROWS:
        team.execute(statement, {"after": after})


def restart_ids(team: psycopg.Connection[Any], table: str) -> None:
    """Hand out new ids above the copied rows' (transactional, unlike setval)."""
    (sequence,) = team.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table]).fetchone()
    query = sql.SQL("SELECT last_value + is_called::int FROM {}").format(
        sql.Identifier(*sequence.split("."))
    )
    (following,) = team.execute(query).fetchone()
    wanted = max(following, _highest_id(team, table) + 1)
    if wanted != following:
        team.execute(
            sql.SQL("ALTER SEQUENCE {} RESTART WITH {}").format(
                sql.Identifier(*sequence.split(".")), sql.Literal(wanted)
            )
        )
