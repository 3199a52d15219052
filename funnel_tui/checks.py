"""`funnel check`: what it looks at in a database file, and what `--repair` mends.

`check_database` reads the file's schema and pages first; when they are sound it runs
every function in `CHECKS`, each of which returns one line per problem it finds. A new
kind of check is one more function in that tuple, after what it looks at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from funnel_tui import schema_v3, schema_v11
from funnel_tui.call_log import unreadable_undo_records
from funnel_tui.clocks import FIXED_OFFSET, UNKNOWN_ZONE, fixed_offset_region, unreadable_zone
from funnel_tui.counted import are, counted
from funnel_tui.filter_indexes import FILTER_INDEXES, FilterIndex
from funnel_tui.flag_history import flag_history_problems, repair_flag_history
from funnel_tui.foreign_values import decode_text, find_foreign_values, wrong_values_sql
from funnel_tui.funnel_triggers import REPAIR_HINT, book_triggers, wrong_triggers
from funnel_tui.migrations import (
    CALL_DAYS,
    DEAL_DAYS,
    LAST_CALL_DRIFT,
    LEAD_MARK_DAYS,
    LEAD_MARKS,
    PROSPECT_SEARCH,
    SCHEMA_TRIGGERS,
    TRIGGER_GROUPS,
    DerivedTable,
    normalised_sql,
    store_phones_in_e164,
)
from funnel_tui.moments_in_utc import store_moments_in_utc
from funnel_tui.phones import STORED_SHAPE, international_phone, phone_problem, readable_phone
from funnel_tui.queue import DISTINCT_ZONES_SQL
from funnel_tui.settings import read_settings
from funnel_tui.store.by_id import in_id_order
from funnel_tui.store.sqlite import journal_beside, read_only_connection, write_transaction

if TYPE_CHECKING:
    import sqlite_utils

Check = Callable[[sqlite3.Connection], list[str]]


T = TypeVar("T")


def _file_version(path: Path) -> tuple[int, int, int, bool] | None:
    """What changes when a program writes to the file, and whether a journal is beside it."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns, journal_beside(path)


def _read_quietly(path: Path, read: Callable[[sqlite3.Connection], T]) -> T:
    """`read` on a read-only connection that leaves no -wal or -shm beside a file that had
    none (SQLite leaves them when it cannot end a connection to a damaged file cleanly):
    an immutable one. An immutable connection does not see another program's writes, and
    pages of two versions read as damage: when the file changed meanwhile, `read` runs
    again on an ordinary read-only connection."""
    before = _file_version(path)
    pending = before is not None and before[-1]
    conn = read_only_connection(path, pending)
    try:
        found = read(conn)
    finally:
        conn.close()
    # With a journal beside it the connection was an ordinary one already.
    if before is None or pending or _file_version(path) == before:
        return found
    conn = read_only_connection(path, pending=True)
    try:
        return read(conn)
    finally:
        conn.close()


def _schema_problems(path: Path) -> list[str]:
    """The schema entries SQLite cannot read: each one hides its table from every query."""
    found = _read_quietly(path, _read_schema_entries)
    if isinstance(found, list):
        return found
    return _schema_text_problems(found)


def _read_schema_entries(conn: sqlite3.Connection) -> list[str] | tuple[Any, ...]:
    """Nothing wrong (an empty list), the schema's problems when it cannot be read, or
    its entries as bytes when they hold some that are not text."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return []
    except sqlite3.DatabaseError as error:
        # The integrity check still names the damaged pages: writable_schema makes
        # SQLite read the schema entries it can.
        conn.execute("PRAGMA writable_schema = ON")
        conn.text_factory = decode_text
        unreadable = f"the schema cannot be read ({error}); restore a backup"
        return [unreadable, *_integrity_problems(conn)]
    except UnicodeDecodeError:
        # sqlite3 fails to decode SQLite's own message, which quotes the bad bytes.
        pass
    conn.execute("PRAGMA writable_schema = ON")
    conn.text_factory = bytes
    return tuple(conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall())


def _schema_text_problems(entries: tuple[Any, ...]) -> list[str]:
    problems = []
    for kind, name, sql in entries:
        try:
            (sql or b"").decode()
        except UnicodeDecodeError as error:
            label = f"{kind.decode(errors='replace')} {name.decode(errors='replace')}"
            problems.append(
                f"the schema of {label} is damaged: byte {error.start} of its definition is "
                "not text; restore a backup"
            )
    return problems or ["the schema holds bytes that are not text; restore a backup"]


def _page_problems(conn: sqlite3.Connection) -> list[str]:
    """The damaged pages, and the rows that lost their parent with them."""
    conn.text_factory = decode_text
    if problems := _integrity_problems(conn):
        # Damaged pages make every later answer doubtful; foreign keys still say which
        # rows lost their parent.
        try:
            return problems + _foreign_key_problems(conn)
        except sqlite3.DatabaseError:
            return problems  # the damage stops that check too
    return []


def _integrity_problems(conn: sqlite3.Connection) -> list[str]:
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        return [*_integrity_lines_before_failing(conn), f"the integrity check stopped: {error}"]
    return [] if rows == ["ok"] else _integrity_lines(rows)


def _integrity_lines_before_failing(conn: sqlite3.Connection) -> list[str]:
    """What `PRAGMA integrity_check` found before a page it cannot read failed it.

    SQLite fails the whole statement there, and sqlite3 reads a row ahead, so the rows
    come one more at a time until the statement fails (at most the pragma's 100 errors).
    """
    rows: list[str] = []
    for limit in count(1):
        try:
            found = conn.execute("SELECT * FROM pragma_integrity_check LIMIT ?", [limit]).fetchall()
        except sqlite3.DatabaseError:
            break
        rows = [row[0] for row in found]
        if len(found) < limit:
            break
    return _integrity_lines(rows)


# SQLite's integrity check lists this many problems at most; `check` shows the first few
# of a long list and counts the others, so that what comes first stays on the screen.
INTEGRITY_LISTED_AT_MOST = 100
INTEGRITY_SHOWN = 20


def _integrity_lines(rows: list[str]) -> list[str]:
    """One problem a line: a row may hold several lines, under a heading naming the
    database. Past INTEGRITY_SHOWN, one line counts the others."""
    lines = (line for row in rows for line in row.splitlines())
    found = [line for line in lines if line.strip() and not line.startswith("*** in database ")]
    if len(found) <= INTEGRITY_SHOWN:
        return found
    more = len(found) - INTEGRITY_SHOWN
    at_most = (
        f", and it stops at {INTEGRITY_LISTED_AT_MOST}"
        if len(found) >= INTEGRITY_LISTED_AT_MOST
        else ""
    )
    return [
        *found[:INTEGRITY_SHOWN],
        f"and {more} more problems SQLite's integrity check found{at_most}: the file is badly"
        " damaged; restore a backup",
    ]


def _foreign_key_problems(conn: sqlite3.Connection) -> list[str]:
    return [
        f"{table} row {rowid} points to a missing {parent} row"
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
    ]


def _trigger_problems(conn: sqlite3.Connection) -> list[str]:
    problems = []
    present = book_triggers(conn)
    for group in TRIGGER_GROUPS:
        missing, changed = wrong_triggers(present, group)
        if missing:
            problems.append(
                f"the triggers that keep {group.keeps} are missing ({', '.join(missing)}); "
                f"{REPAIR_HINT} puts them back"
            )
        if changed:
            problems.append(
                f"the triggers that keep {group.keeps} were changed ({', '.join(changed)}); "
                f"{REPAIR_HINT} puts funnel's back"
            )
    return problems


def _differing_rows(table: DerivedTable) -> str:
    """The rows of `table` that building it afresh does not give, and the other way round."""
    columns = ", ".join(table.columns)
    return f"""
    WITH fresh AS ({table.fresh}), kept AS (SELECT {columns} FROM {table.name})
    SELECT * FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh)
    UNION ALL
    SELECT * FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept)
    """


_CALL_DAYS_DRIFT_SQL = (
    f"SELECT count(DISTINCT day), min(day), max(day) FROM ({_differing_rows(CALL_DAYS)})"
)
# The prospects whose search row is missing, stale or left over.
_PROSPECT_SEARCH_DRIFT_SQL = f"SELECT count(DISTINCT id) FROM ({_differing_rows(PROSPECT_SEARCH)})"
# The prospects whose marks (when last called, reached, ...) are missing, stale or left over.
_LEAD_MARKS_DRIFT_SQL = f"SELECT count(DISTINCT prospect_id) FROM ({_differing_rows(LEAD_MARKS)})"
# The days whose won deals are missing, stale or left over.
_DEAL_DAYS_DRIFT_SQL = f"SELECT count(DISTINCT closed_on) FROM ({_differing_rows(DEAL_DAYS)})"
# The days whose counts of lead marks are missing, stale or left over.
_LEAD_MARK_DAYS_DRIFT_SQL = f"SELECT count(DISTINCT day) FROM ({_differing_rows(LEAD_MARK_DAYS)})"


def _derived_table_problems(conn: sqlite3.Connection) -> list[str]:
    problems = []
    days, first_day, last_day = conn.execute(_CALL_DAYS_DRIFT_SQL).fetchone()
    if days:
        problems.append(
            f"call_days disagrees with calls on {counted(days, 'day')} from {first_day} to "
            f"{last_day}; {REPAIR_HINT} counts it again from calls"
        )
    (prospects,) = conn.execute(_PROSPECT_SEARCH_DRIFT_SQL).fetchone()
    if prospects:
        problems.append(
            f"prospect_search disagrees with prospects for {counted(prospects, 'prospect')}, so "
            f"the queue filter may miss them; {REPAIR_HINT} builds it again"
        )
    (marked,) = conn.execute(_LEAD_MARKS_DRIFT_SQL).fetchone()
    if marked:
        problems.append(
            f"lead_marks disagrees with calls for {counted(marked, 'prospect')}, so the report's "
            f"counts of leads may be off; {REPAIR_HINT} works it out again from calls"
        )
    (days,) = conn.execute(_DEAL_DAYS_DRIFT_SQL).fetchone()
    if days:
        problems.append(
            f"deal_days disagrees with deals on {counted(days, 'day')}, so what a period won may be"
            f" off; {REPAIR_HINT} sums it again from deals"
        )
    (days,) = conn.execute(_LEAD_MARK_DAYS_DRIFT_SQL).fetchone()
    if days:
        problems.append(
            f"lead_mark_days disagrees with lead_marks on {counted(days, 'day')}, so the report's"
            f" counts of leads may be off; {REPAIR_HINT} counts it again from lead_marks"
        )
    return problems


def foreign_filter_objects(conn: sqlite3.Connection) -> list[tuple[FilterIndex, str, str]]:
    """(index, type, name) of what bears the name of a filter index's table or view but is
    not funnel's: another tool made it again as something else (a plain table, other FTS5
    settings). `--repair` drops them before it builds the indexes again."""
    found = []
    for index in FILTER_INDEXES:
        for kind, name, sql in index.objects:
            row = conn.execute("SELECT type, sql FROM sqlite_master WHERE name = ?", [name])
            stored = row.fetchone()
            if stored is not None and (
                stored[0] != kind or normalised_sql(stored[1] or "") != normalised_sql(sql)
            ):
                found.append((index, stored[0], name))
    return found


# Why a check that writes cannot run: a read-only file or folder, or a writer holding the
# book's lock (errors a repair would meet as well).
# Primary result codes: the extended ones (SQLITE_READONLY_DBMOVED...) keep them in their
# low byte, as is_damage reads them.
UNCHECKABLE_HERE = frozenset({sqlite3.SQLITE_READONLY, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def _filter_index_problems(conn: sqlite3.Connection) -> list[str]:
    """The queue filter's indexes, when one is gone, not funnel's, or no longer what
    prospect_search holds (another tool wrote prospect_search with its triggers dropped):
    the filter then falls back to reading every row, or misses prospects."""
    problems = []
    foreign = foreign_filter_objects(conn)
    for index, _, name in foreign:
        problems.append(
            f"{name}, part of {index.what}, is not funnel's; {REPAIR_HINT} builds it again"
        )
    for index in FILTER_INDEXES:
        if any(other is index for other, _, _ in foreign):
            continue
        try:
            conn.execute(index.check)
        except sqlite3.DatabaseError as error:
            message = str(error)
            if getattr(error, "sqlite_errorcode", 0) & 0xFF in UNCHECKABLE_HERE:
                # FTS5 checks an index with a write: a read-only file or a writer holding
                # the book makes the check impossible, and says nothing of the index.
                problems.append(
                    f"{index.name}, {index.what}, could not be checked: {message}"
                    " (check again where the book can be written, or once it is free)"
                )
                continue
            if "no such table" in message:
                state = "is missing"
            elif "malformed" in message or "corrupt" in message:
                state = "disagrees with prospect_search"
            else:
                state = f"could not be checked ({message})"
            problems.append(f"{index.name}, {index.what}, {state}; {REPAIR_HINT} builds it again")
    return problems


def _request_id_index_state(conn: sqlite3.Connection) -> str:
    """ "" when the unique index of each rep's request ids is funnel's, else what is wrong."""
    found = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [schema_v11.INDEX]
    ).fetchone()
    if found is None:
        return "is missing"
    if normalised_sql(found[0] or "") != normalised_sql(schema_v11.REQUEST_ID_INDEX):
        return "was changed"
    return ""


def _request_id_index_problems(conn: sqlite3.Connection) -> list[str]:
    """The index that keeps a rep's request ids to one call each (schema_v11), when another
    tool dropped or changed it: a retried `funnel log` may then write its call twice."""
    state = _request_id_index_state(conn)
    if not state:
        return []
    problem = (
        f"{schema_v11.INDEX}, the index that keeps each rep's request ids to one call, {state},"
        " so a retried `funnel log` may write its call twice"
    )
    (repeated,) = conn.execute(schema_v11.REPEATED_REQUEST_IDS).fetchone()
    if repeated:
        return [
            f"{problem}; {counted(repeated, 'request id')} {'names' if repeated == 1 else 'name'}"
            " more than one call of one rep: give"
            f" those calls other request ids, then {REPAIR_HINT} makes the index again"
        ]
    return [f"{problem}; {REPAIR_HINT} makes it again"]


def _next_task_problems(conn: sqlite3.Connection) -> list[str]:
    """The prospects whose next call is not their earliest open task: another tool wrote
    next_call_at, or tasks, with funnel's triggers dropped."""
    prospects, first = conn.execute(schema_v3.NEXT_TASK_DRIFT).fetchone()
    if not prospects:
        return []
    return [
        f"prospects.next_call_at or next_task_kind is not the earliest open task for "
        f"{counted(prospects, 'prospect')}, the first row {first}, so the queue shows the"
        f" wrong next call; {REPAIR_HINT} works them out again from tasks"
    ]


def _last_call_problems(conn: sqlite3.Connection) -> list[str]:
    """The prospects whose last call and outcome are not their calls' last."""
    prospects, first = conn.execute(LAST_CALL_DRIFT).fetchone()
    if not prospects:
        return []
    return [
        f"prospects.last_called_at or last_outcome is not the last call for "
        f"{counted(prospects, 'prospect')}, the first row {first} (a row written again by"
        " another tool, as `sqlite-utils insert --replace` does, or calls written without"
        " funnel's triggers), so the queue, the card and the script show the wrong last call;"
        f" {REPAIR_HINT} works them out again from calls"
    ]


def _setting_problems(conn: sqlite3.Connection) -> list[str]:
    return read_settings(conn)[1]


def _foreign_value_problems(conn: sqlite3.Connection) -> list[str]:
    return [str(found) for found in find_foreign_values(conn)]


def _undo_record_problems(conn: sqlite3.Connection) -> list[str]:
    return [
        f"undo_log row {call_id}, prospect_before: not an undo record funnel wrote ({why}); "
        "that call cannot be undone"
        for call_id, why in unreadable_undo_records(conn)
    ]


# Two readable targets of one period kind and one owner (the team, or one rep) with days
# in common: on those days the report and the gauge use one of them (find_target's order:
# the later start, else the later row) and the other goes unseen. The team's target and a
# rep's for the same month are no overlap: each is read for its own.
_OVERLAPPING_TARGETS_SQL = f"""
SELECT a.id, b.id, a.period, max(a.starts_on, b.starts_on), min(a.ends_on, b.ends_on),
    CASE WHEN b.starts_on >= a.starts_on THEN b.id ELSE a.id END
FROM targets a JOIN targets b ON b.period = a.period AND b.rep IS a.rep AND b.id > a.id
WHERE a.starts_on <= b.ends_on AND b.starts_on <= a.ends_on
    AND {wrong_values_sql("targets", "a.")} = 0 AND {wrong_values_sql("targets", "b.")} = 0
ORDER BY a.id, b.id
"""


def _overlapping_target_problems(conn: sqlite3.Connection) -> list[str]:
    return [
        f"targets rows {first} and {second} are both {period} targets from {start} to {end}; "
        f"the figures use row {used} on those days"
        for first, second, period, start, end, used in conn.execute(_OVERLAPPING_TARGETS_SQL)
    ]


# Longer stored values are cut to this many characters in a line of `funnel check`.
SHOWN_VALUE = 40


def _shown(value: str) -> str:
    """The stored value as Python writes it, escapes and all (`'   '`, `'\\x1b[31m+1…'`):
    what is there, not a cleaned copy that may read like a good value."""
    return repr(value if len(value) <= SHOWN_VALUE else f"{value[: SHOWN_VALUE - 1]}…")


def _utf8_phones(conn: sqlite3.Connection) -> Iterator[tuple[int, str]]:
    """Each prospect's text phone, in row order, a chunk of rows at a time (a million
    numbers held at once took 250 MB); a phone that is not UTF-8 is left out:
    _foreign_value_problems lists it once."""
    phones = "SELECT id, phone FROM prospects WHERE typeof(phone) = 'text' AND phone != ''"
    for rows in in_id_order(conn, phones, text_factory=bytes):
        for prospect_id, raw in rows:
            try:
                yield prospect_id, raw.decode("utf-8")
            except UnicodeDecodeError:
                continue


def _phone_problems(conn: sqlite3.Connection) -> list[str]:
    """The numbers phonenumbers cannot read as ones that can be dialled (read against the
    book's phone_region): the form and the import refuse them, so another tool wrote them,
    or they were there before v5 read every number."""
    region = read_settings(conn)[0].phone_region
    return [
        f"prospects row {prospect_id}, phone: {_shown(phone)} cannot be dialled: {reason}"
        for prospect_id, phone in _utf8_phones(conn)
        if (reason := phone_problem(phone, region))
    ]


def _phones_not_in_e164(conn: sqlite3.Connection, region: str) -> tuple[int, int]:
    """How many rows' numbers read (against `region`) but are not stored in E.164: those
    in national form, whose country is `region`'s guess, and those written
    internationally."""
    national = international = 0
    for _, phone in _utf8_phones(conn):
        if STORED_SHAPE.fullmatch(phone) or (number := readable_phone(phone, region)) is None:
            continue
        if international_phone(phone) is None:
            national += 1
        elif number.stored != phone:
            international += 1
    return national, international


def _unstored_phone_problems(conn: sqlite3.Connection) -> list[str]:
    """Numbers that are read, but not as stored: in national form (from v4, which kept
    them as typed, or written by another tool), read as the book's phone_region's; or
    written internationally by another tool."""
    region = read_settings(conn)[0].phone_region
    national, international = _phones_not_in_e164(conn, region)
    problems = []
    if national:
        problems.append(
            f"{counted(national, 'phone number')} {are(national)} stored in national form"
            f" (read as {region} numbers); `funnel check --repair` stores them in E.164"
        )
    if international:
        problems.append(
            f"{counted(international, 'phone number')} {are(international)} written internationally"
            " but not in"
            " E.164; `funnel check --repair` stores them in E.164"
        )
    return problems


# The distinct zones of the book that are text, read through prospects_timezone.
_TEXT_ZONES_SQL = f"SELECT zone FROM ({DISTINCT_ZONES_SQL}) WHERE typeof(zone) = 'text'"


def _timezone_problems(conn: sqlite3.Connection) -> list[str]:
    """The timezones no zone funnel knows names (`PST`, `Europe/Londn`): another tool wrote
    them, and funnel takes them as none, as it does an empty one; and those it reads as a
    fixed offset named like a region's standard time (`EST`). One line a zone, with
    how many prospects hold it and the first (a CRM export writes its `PST` on thousands
    of rows): each distinct zone is tested once, and only those that fail are counted. A
    zone that is not UTF-8 is left out: _foreign_value_problems lists it."""
    factory = conn.text_factory
    conn.text_factory = bytes
    try:
        raw_zones = [raw for (raw,) in conn.execute(_TEXT_ZONES_SQL)]
    finally:
        conn.text_factory = factory
    problems = []
    for raw in raw_zones:
        try:
            zone = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if unreadable_zone(zone):
            what, fix = UNKNOWN_ZONE, "give a name like Europe/London or America/New_York"
        elif region := fixed_offset_region(zone):
            what = FIXED_OFFSET
            fix = (
                "their calling hours are an hour off in summer where clocks change; write the"
                f" place's zone, such as {region}"
            )
        else:
            continue
        rows, first = conn.execute(
            "SELECT count(*), min(id) FROM prospects WHERE timezone = ?", [zone]
        ).fetchone()
        problems.append(
            f"prospects: timezone {_shown(zone)} is {what} ({counted(rows, 'row')}, the first"
            f" row {first}): {fix}"
        )
    return problems


@dataclass(frozen=True)
class TimezoneGuess:
    """A prospect whose timezone was guessed from the phone number: no problem, but worth
    a look, as the number may be a mobile that moved or a head office's."""

    row: int
    timezone: str
    phone: str

    def __str__(self) -> str:
        return (
            f"prospects row {self.row}, timezone: {_shown(self.timezone)} guessed from the "
            f"number {_shown(self.phone)}"
        )


_GUESSED = "FROM prospects WHERE timezone_guessed = 1 AND typeof(timezone) = 'text'"


def timezone_guesses(path: Path) -> Iterator[TimezoneGuess]:
    """The timezones guessed from phone numbers (`timezone_guessed = 1`), in row order,
    read a chunk at a time (an imported list of a million numbers has as many); they stop
    where damage stops the read (check_database lists the damage)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.text_factory = decode_text
    try:
        for rows in in_id_order(conn, f"SELECT id, timezone, phone {_GUESSED}"):
            for row, zone, phone in rows:
                yield TimezoneGuess(row, zone, str(phone or ""))
    except sqlite3.DatabaseError:
        return
    finally:
        conn.close()


def count_timezone_guesses(path: Path) -> int:
    """How many timezones were guessed from phone numbers; 0 where damage stops the read."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return int(conn.execute(f"SELECT count(*) {_GUESSED}").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0
    finally:
        conn.close()


# Run in order on a file whose schema and pages are sound.
# Each check, after what it looks at (`funnel check` says so on a terminal as it goes: a
# large book's takes minutes).
CHECKS: tuple[tuple[str, Check], ...] = (
    ("the rows the tables refer to", _foreign_key_problems),
    ("funnel's triggers", _trigger_problems),
    ("the counts the triggers keep, against every call and deal", _derived_table_problems),
    ("the filter's indexes", _filter_index_problems),
    ("the calls' request ids", _request_id_index_problems),
    ("the next calls", _next_task_problems),
    ("the last calls", _last_call_problems),
    ("the flags, against their history", flag_history_problems),
    ("the settings", _setting_problems),
    ("the values other tools wrote", _foreign_value_problems),
    ("the time zones", _timezone_problems),
    ("the phone numbers", _phone_problems),
    ("how the phone numbers are stored", _unstored_phone_problems),
    ("the targets", _overlapping_target_problems),
    ("the undo records", _undo_record_problems),
)


def unknown_method_problems(conn: sqlite3.Connection, known: Collection[str]) -> list[str]:
    """The selling methods stored on prospects and calls that are neither built in nor one
    of the rep's own scripts (`known`): another tool wrote them, or a script was removed.
    The script pane has nothing to show for them, and the picker never offers them."""
    problems = []
    for table in ("prospects", "calls"):
        rows = conn.execute(
            f"SELECT method, count(*), min(id) FROM {table}"
            " WHERE typeof(method) = 'text' AND method <> '' GROUP BY method ORDER BY method"
        ).fetchall()
        problems.extend(
            f"{table}: method {_shown(method)} is neither built in nor one of your scripts"
            f" ({counted(count, 'row')}, the first row {first}): add a script of that name, or"
            " change the method"
            for method, count, first in rows
            if method not in known
        )
    return problems


def check_database(
    path: Path,
    methods: Collection[str] | None = None,
    *,
    checking: Callable[[str], None] | None = None,
) -> list[str]:
    """Every problem `funnel check` finds in the file, one line each; empty when all is well.
    Given the rep's `methods` (built in and their own scripts), the methods stored that are
    neither are listed too. `checking` is told what each step looks at as it begins.

    Reads only: a damaged file is described, never changed.
    """
    say = checking or (lambda _: None)
    say("the schema")
    if problems := _schema_problems(path):
        return problems
    say("every page of the file")
    if problems := _read_quietly(path, _page_problems):
        return problems
    # FTS5's own check writes (an INSERT of 'integrity-check'): a sound file is read on a
    # connection that may write.
    conn = sqlite3.connect(path, isolation_level=None)
    # Text that is not UTF-8 is listed by _foreign_value_problems, not a failed check.
    conn.text_factory = decode_text
    try:
        problems = []
        for what, check in CHECKS:
            say(what)
            problems += check(conn)
        if methods is not None:
            say("the selling methods")
            problems += unknown_method_problems(conn, methods)
        return problems
    finally:
        conn.close()


@dataclass(frozen=True)
class Repair:
    """What `repair_database` did: the triggers it put back, and what it worked out again."""

    triggers: tuple[str, ...]
    recomputed: tuple[str, ...]
    # Numbers stored in E.164 (read with the book's phone_region), and that region.
    phones: int = 0
    region: str = ""
    # The indexes made again (funnel's, missing or changed).
    indexes: tuple[str, ...] = ()
    # Each flag's prospects set back from flag_changes, and those whose set was recorded.
    flags_set_back: dict[str, int] = field(default_factory=dict)
    flags_recorded: dict[str, int] = field(default_factory=dict)
    # Moments another tool wrote with another offset than UTC's, stored in UTC.
    moments: int = 0


def repair_database(db: sqlite_utils.Database) -> Repair:
    """Put back funnel's triggers where they are missing or changed, work out again what
    the ones put back keep, build call_days, prospect_search and the filter's indexes afresh
    from calls and prospects, store in UTC the moments another tool wrote with another
    offset, set next_call_at and next_task_kind from tasks, and set each flag another tool
    cleared back from flag_changes, in one transaction."""
    triggers: list[str] = []
    recomputed: list[str] = []
    with write_transaction(db):
        # What another tool made under the filter indexes' names goes: the indexes' own
        # group below makes funnel's again.
        for _, kind, name in foreign_filter_objects(db.conn):
            db.execute(f"DROP {kind.upper()} {name}")
        present = book_triggers(db.conn)
        for group in TRIGGER_GROUPS:
            missing, changed = wrong_triggers(present, group)
            for name in changed:
                db.execute(f"DROP TRIGGER {name}")
            for name in missing + changed:
                db.execute(SCHEMA_TRIGGERS[name])
            triggers += missing + changed
            drifted = group.drift is not None and db.execute(group.drift).fetchone()[0] > 0
            if group.recompute and (missing or changed or group.recompute_always or drifted):
                for statement in group.recompute:
                    db.execute(statement)
                recomputed.append(group.keeps)
        # With funnel's triggers in place (one another tool changed would fail, or keep
        # what it keeps wrong): they keep what they keep as for any change.
        moments = store_moments_in_utc(db.conn)
        # With the flags' trigger back in place: the sets it records are taken back.
        flags = repair_flag_history(db.conn)
        # Numbers in national form are read with the region the rep chose now; the zone
        # of each rewritten one is guessed as the upgrade to v5 does, and no prospect
        # looks edited.
        region = read_settings(db.conn)[0].phone_region
        phones = store_phones_in_e164(
            db.conn, lambda text: readable_phone(text, region), guess_all=False
        )
        indexes = []
        # Not while calls break it: check says which to change first.
        if (
            _request_id_index_state(db.conn)
            and not db.execute(schema_v11.REPEATED_REQUEST_IDS).fetchone()[0]
        ):
            db.execute(f"DROP INDEX IF EXISTS {schema_v11.INDEX}")
            db.execute(schema_v11.REQUEST_ID_INDEX)
            indexes.append(schema_v11.INDEX)
    return Repair(
        tuple(triggers),
        tuple(recomputed),
        phones,
        region,
        tuple(indexes),
        flags.set_back,
        flags.recorded,
        moments,
    )
