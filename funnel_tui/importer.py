"""Importing prospects from CRM and spreadsheet CSV: merging rows into the book, writing.

`import_rows` reads and checks the file without the database, a record at a time;
`import_merge` decides for each row whether it adds a prospect or updates one, matching
rows by the keys `import_keys` keeps in the database; this module runs the import and
writes what each batch's merge decided, a batch at a time in one transaction. What an
import holds in memory does not grow with the file or the book.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from funnel_tui.counted import counted
from funnel_tui.csv_read import CsvUnreadable
from funnel_tui.domain import Priority, TaskKind, TaskStatus
from funnel_tui.import_bulk import BulkWork, bulk_work
from funnel_tui.import_keys import (
    ImportKeys,
    Keyed,
    RowKeys,
    executemany,
    keyed_batches,
    rows_for,
)
from funnel_tui.import_merge import (
    NEW_PROSPECT,
    FoundWrongFor,
    Merger,
    RepeatedRow,
    ReplacedPhone,
    SharedPhone,
    stored_prospects,
    wrong_numbers_for,
)
from funnel_tui.import_namesakes import Namesake, namesakes
from funnel_tui.import_renames import Rename
from funnel_tui.import_rows import (
    BUILTIN_METHOD_NAMES,
    SHOWN_SET_ASIDE,
    NotUnderstood,
    Progress,
    ProspectFile,
    ProspectReader,
    Rejected,
    shown_headers,
)
from funnel_tui.import_wrong_numbers import (
    KeptPhone,
    WrongNumbers,
    found_wrong,
    kept_phone,
)
from funnel_tui.phones import international
from funnel_tui.prospects import TEXT_FIELDS
from funnel_tui.read_ahead import read_ahead
from funnel_tui.read_process import read_in_process
from funnel_tui.scripts.situation import suggested_method
from funnel_tui.settings import load_settings
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.snapshot import book_as_it_is
from funnel_tui.store.sql import JSON_PAIRS, NEW_PROSPECT_IDS, PAIR_ID, in_dialect
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.suppression import Contact, listed_hashes
from funnel_tui.tasks import cancel_call_tasks, cancel_email_tasks
from funnel_tui.text import cut_for_quoting, quoted
from funnel_tui.timestamps import to_stored

if TYPE_CHECKING:
    import sqlite_utils

__all__ = [
    "CsvUnreadable",
    "ImportReport",
    "ProspectReader",
    "Rejected",
    "SharedPhone",
    "import_file",
    "import_prospects",
]


@dataclass
class ImportReport:
    """What an import did (or, when nothing was written, would have done).

    Every record is counted once: added, updated (an existing prospect, or one an earlier
    row of the file added), unchanged (a row that left its prospect as it was) or
    rejected. What reading the file found is in `file`.
    """

    file: ProspectFile
    added: int
    updated: int
    unchanged: int = 0
    # The first SHOWN_SET_ASIDE rows kept apart from another with their number, and how
    # many there were in all.
    shared_phones: list[SharedPhone] = field(default_factory=list)
    shared_phone_count: int = 0
    # The first SHOWN_SET_ASIDE rows that repeat a person of an earlier row, and how many
    # there were in all.
    repeated_rows: list[RepeatedRow] = field(default_factory=list)
    repeated_row_count: int = 0
    # The first SHOWN_SET_ASIDE rows added with the name of a prospect the book had, that
    # nothing tells apart from them, and how many there were in all.
    namesakes: list[Namesake] = field(default_factory=list)
    namesake_count: int = 0
    # The first SHOWN_SET_ASIDE rows that updated a prospect of another name by its email,
    # and how many there were in all.
    renames: list[Rename] = field(default_factory=list)
    rename_count: int = 0
    # The first SHOWN_SET_ASIDE rows whose number was found wrong for the prospect they
    # updated, which kept its own, and how many there were in all.
    kept_phones: list[KeptPhone] = field(default_factory=list)
    kept_phone_count: int = 0
    # The first SHOWN_SET_ASIDE rows that gave a prospect of the book another phone
    # number, and how many there were in all.
    replaced: list[ReplacedPhone] = field(default_factory=list)
    replaced_count: int = 0
    dry_run: bool = False
    # Whether the rows rejected leave the others to be written (--skip-invalid).
    skip_invalid: bool = False
    written: bool = False
    # The lines left out because their email or phone is on the suppression list.
    suppressed: list[int] = field(default_factory=list)
    # The matched prospects whose file named another source than the one they keep.
    sources_kept: int = 0
    # The open calls, callbacks and revisits of the prospects the file marked do not call,
    # cancelled (or that would be, in a dry run); and the open email tasks of those it
    # marked do not email.
    calls_cancelled: int = 0
    emails_cancelled: int = 0
    # The rows whose stage or kind would have moved their prospect back, left as it was.
    moved_back: int = 0

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

    def summary(self, skipping: str = "--skip-invalid") -> str:
        """One line: `added 120, updated 3, rejected 2 (utf-8, comma)`, the columns that
        were not imported or only fill in for another, and the values not understood;
        `skipping` names how to import the valid rows alone (the app's tick)."""
        not_understood = self.file.not_understood
        read_as = "; ".join(
            [
                f"({self.encoding}, {self.delimiter})",
                *([_footer(self.file)] if self.file.footer_lines else []),
                *([f"columns not imported: {shown_headers(self.ignored)}"] if self.ignored else []),
                *self.file.fallbacks,
                *(_not_understood(values, self.file.phone_region) for values in not_understood),
                *(
                    [
                        f"source kept for {count} matched prospect{'s' if count != 1 else ''}"
                        " (the one that first brought them in)"
                    ]
                    if (count := self.sources_kept)
                    else []
                ),
                *(
                    [
                        f"{_counted(count, 'row', 'rows')} would have moved a prospect back"
                        " (stage or kind): kept as"
                        f" {'it is' if count == 1 else 'they are'}, with the deal value, close"
                        " date and next call they have"
                    ]
                    if (count := self.moved_back)
                    else []
                ),
                *(
                    [
                        f"{'cancelled' if self.written else 'would cancel'}"
                        f" {_counted(count, CALL_TASK, CALL_TASKS)} of prospects the file"
                        " marks do not call (meetings stand)"
                    ]
                    if (count := self.calls_cancelled)
                    else []
                ),
                *(
                    [
                        f"{'cancelled' if self.written else 'would cancel'}"
                        f" {_counted(count, 'open email task', 'open email tasks')} of"
                        " prospects the file marks do not email"
                    ]
                    if (count := self.emails_cancelled)
                    else []
                ),
                *(
                    [
                        f"{_counted(count, 'row repeats', 'rows repeat')} a person of an"
                        " earlier line, merged into one prospect (listed below)"
                    ]
                    if (count := self.repeated_row_count)
                    else []
                ),
                *(
                    [
                        f"{_counted(count, 'row', 'rows')} added with the name of a prospect"
                        " of the book or of an earlier line (listed below)"
                    ]
                    if (count := self.namesake_count)
                    else []
                ),
                *(
                    [
                        f"{_counted(count, 'row', 'rows')} with the email of a prospect of"
                        " another name, updated as the same person (listed below)"
                    ]
                    if (count := self.rename_count)
                    else []
                ),
                *(
                    [
                        f"{_counted(count, 'row', 'rows')} with a number found wrong for the"
                        " prospect it updates: the prospect's phone kept (listed below)"
                    ]
                    if (count := self.kept_phone_count)
                    else []
                ),
                *(
                    [
                        f"{_counted(count, 'row gives', 'rows give')} a prospect another phone"
                        " number (listed below)"
                    ]
                    if (count := self.replaced_count)
                    else []
                ),
                *(
                    [
                        f"{counted(count, 'phone number')} kept that phonenumbers does not"
                        " know as in use (listed below)"
                    ]
                    if (count := self.file.unknown_phone_count)
                    else []
                ),
                *(
                    [
                        f"{counted(count, 'name or company', 'names or companies')} with a ?"
                        " where the file's encoding may have lost a letter (listed below: fix"
                        " them with e, and save such a file as CSV UTF-8)"
                    ]
                    if (count := self.file.lost_letter_count)
                    else []
                ),
                *(
                    [
                        f"{_counted(count, 'cell holds', 'cells hold')} several phone numbers"
                        " or emails: the first imported, the others not (listed below)"
                    ]
                    if (count := self.file.several_value_count)
                    else []
                ),
            ]
        )
        suppressed = f", suppressed {len(self.suppressed)}" if self.suppressed else ""
        unchanged = f", unchanged {self.unchanged}" if self.unchanged else ""
        leave = f", leave {self.unchanged} unchanged" if self.unchanged else ""
        if self.dry_run and self.rejected and not self.skip_invalid:
            # As the import itself would end: a rejected row writes nothing.
            return (
                f"dry run, nothing written: {_counted(len(self.rejected), 'row', 'rows')}"
                f" would be rejected, so the import would write nothing; with {skipping}"
                f" the rest would add {self.added}, update {self.updated}{leave}{suppressed}"
                f" {read_as}"
            )
        if self.dry_run:
            return (
                f"dry run, nothing written: would add {self.added}, update {self.updated}"
                f"{leave}, reject {len(self.rejected)}{suppressed} {read_as}"
            )
        if not self.written and self.rejected:
            return (
                "nothing written because"
                f" {_counted(len(self.rejected), 'row was', 'rows were')} rejected; with"
                f" {skipping} the rest would add {self.added}, update {self.updated}{leave}"
                f"{suppressed} {read_as}"
            )
        return (
            f"added {self.added}, updated {self.updated}{unchanged}, rejected"
            f" {len(self.rejected)}{suppressed} {read_as}"
        )

    @property
    def rows_read(self) -> int:
        """The file's rows after its header, each counted once."""
        return (
            self.added + self.updated + self.unchanged + len(self.rejected) + len(self.suppressed)
        )

    def notices(self) -> list[str]:
        """The rows worth a look besides the rejected ones, one line each."""
        notices = [
            f"line {line}: not imported: its email or phone belongs to a prospect forgotten on"
            " request (the suppression list)"
            for line in self.suppressed
        ]
        file, left_out = self.file, set(self.suppressed)
        for shown, count, more in (
            (
                self.repeated_rows,
                self.repeated_row_count,
                "rows that repeat a person of an earlier line",
            ),
            (self.namesakes, self.namesake_count, "rows added with the name of another prospect"),
            (self.renames, self.rename_count, "rows with the email of a prospect of another name"),
            (
                self.kept_phones,
                self.kept_phone_count,
                "rows with a number found wrong, the prospect's phone kept",
            ),
            (
                self.replaced,
                self.replaced_count,
                "rows that give a prospect another phone number",
            ),
            (
                self.shared_phones,
                self.shared_phone_count,
                "rows kept apart from another with their number",
            ),
            (file.unknown_phones, file.unknown_phone_count, "phone numbers kept with a warning"),
            (
                file.lost_letters,
                file.lost_letter_count,
                "names and companies with a ? where a letter may be lost",
            ),
            (
                file.set_aside,
                file.set_aside_count,
                "cells not imported because another column was used",
            ),
            (
                file.several_values,
                file.several_value_count,
                "cells that hold several values, the first imported",
            ),
        ):
            # Nothing of a row left out for the suppression list is said back: its cells
            # are a forgotten person's.
            kept = [one for one in shown if one.line not in left_out]
            notices += _listed(kept, count - (len(shown) - len(kept)), more)
        return notices


def _shown_first(shown: list[Any], found: Sequence[Any]) -> int:
    """Keep the first of a batch's `found` rows of a kind, to SHOWN_SET_ASIDE in all the
    import's `shown`; how many were found."""
    shown += found[: max(SHOWN_SET_ASIDE - len(shown), 0)]
    return len(found)


def _listed(shown: Sequence[object], count: int, more: str) -> list[str]:
    """Each of the first rows of a kind (SHOWN_SET_ASIDE at most), one line each, then how
    many more of them there were: `… and 12 more rows kept apart from another …`."""
    lines = [str(one) for one in shown]
    if (left := count - len(shown)) > 0:
        lines.append(f"… and {left:,} more {more}")
    return lines


def _footer(file: ProspectFile) -> str:
    """`4 lines after the last row left out: a report's footer ("Copyright (c) …")`."""
    lines = "1 line" if file.footer_lines == 1 else f"{file.footer_lines} lines"
    return (
        f"{lines} after the last row left out: a report's footer"
        f' ("{cut_for_quoting(file.footer_start)}")'
    )


def _not_understood(values: NotUnderstood, phone_region: str) -> str:
    """`Stage: 3 values not understood ('bogus', …), stage left as it was (lead for a new
    prospect)`; for a country, how the numbers of those rows were read."""
    examples = ", ".join(map(quoted, values.examples))
    if values.more_values:
        examples += ", …"
    plural = "value" if values.rows == 1 else "values"
    said = f"{values.header}: {values.rows} {plural} not understood ({examples})"
    if values.field == "country":
        read = (
            "its row imported, its number read as in a row"
            if values.rows == 1
            else "those rows imported, their numbers read as in rows"
        )
        return f"{said}, {read} without a country (phone_region {phone_region})"
    default = NEW_PROSPECT[values.field]
    if values.field == "priority":
        default = Priority(default).label
    elif values.field == "method":
        default = "the one the method picker suggests"
    return f"{said}, {values.field} left as it was ({default} for a new prospect)"


IMPORTED_COLUMNS = (
    *TEXT_FIELDS,
    *("kind", "stage", "method", "priority", "deal_value_cents", "next_call_at"),
    "expected_close_on",
    *("do_not_call", "wrong_number", "nurture", "do_not_email", "timezone_guessed"),
)
# A new prospect's owner: the rep the import is for, or none (a team's pool). Its id is
# given before it is written, so that the keys of the rows after it lead to it.
INSERTED_COLUMNS = ("id", *IMPORTED_COLUMNS, "created_at", "updated_at", "owner")
# Rows read, merged and written at a time, and the batches read ahead of the one being
# written: what an import holds in memory.
ROWS_PER_BATCH = 5_000
BATCHES_AHEAD = 2
# From this many lines a file is read in a process of its own (`read_process`), which
# takes a fresh interpreter 150 to 300 ms to start: about what reading 10,000 rows beside
# the writes, rather than in turn with them, saves. A smaller file is read in a thread.
READ_IN_PROCESS_FROM_LINES = 10_000
# New prospects per INSERT. SQLite builds the value lists of the table's CHECK constraints
# each time a statement runs, so with one row per statement that outweighs storing the row.
# SQLite also limits the ? in one statement (to 999 before its version 3.32).
ROWS_PER_INSERT = 500
# New rows land all over the name, email and phone indexes; with SQLite's default page
# cache of 2 MiB a large import keeps writing those pages out and reading them back.
IMPORT_PAGE_CACHE_KIB = 8 * 1024


def _insert_statement(rows: int) -> str:
    values = f"({', '.join('?' * len(INSERTED_COLUMNS))})"
    return (
        f"INSERT INTO prospects ({', '.join(INSERTED_COLUMNS)}) VALUES {', '.join([values] * rows)}"
    )


def _inserted(row: dict[str, object], stamp: str, owner: str | None) -> tuple[object, ...]:
    return (row["id"], *map(row.get, IMPORTED_COLUMNS), stamp, stamp, owner)


def _insert(
    db: sqlite_utils.Database,
    rows: list[dict[str, object]],
    stamp: str,
    owner: str | None,
    bulk: BulkWork,
) -> None:
    """Add the new prospects to the SQLite file, in the file's order, each statement's
    followed by what the triggers dropped for the import would have done for them."""
    variables = db.conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    size = min(ROWS_PER_INSERT, variables // len(INSERTED_COLUMNS))
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        parameters = [value for row in chunk for value in _inserted(row, stamp, owner)]
        db.conn.execute(_insert_statement(len(chunk)), parameters)
        # Statement by statement: the trigram index writes what it holds in memory to
        # the file at the start of each statement, so its pages come out as before.
        bulk.added(int(chunk[0]["id"]), int(chunk[-1]["id"]))  # type: ignore[call-overload]


@contextmanager
def _page_cache(db: sqlite_utils.Database, kib: int) -> Iterator[None]:
    """A larger page cache for the connection while one large write runs."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        yield
        return
    (before,) = db.execute("PRAGMA cache_size").fetchone()
    db.execute(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {before}")


# A prospect's source that an import keeps: one that is not NULL or blank.
_KEPT_SOURCE = "CASE WHEN trim({p}source) <> '' THEN {p}source END"


def _update_statement(names: tuple[str, ...], dialect: Dialect) -> str:
    """Only the fields the file filled in are set, so an empty cell never wipes a stored
    value and a flag is only ever set; a stored source is never replaced, a blank one is.
    A prospect the row leaves as it was is not written (nor stamped `updated_at`): the
    book's own export imported back changes nothing. Its parameters: `_update_values`."""
    values = {
        name: f"coalesce({_KEPT_SOURCE.format(p='')}, ?)" if name == "source" else "?"
        for name in names
    }
    differs = "IS DISTINCT FROM" if dialect is Dialect.POSTGRESQL else "IS NOT"
    assignments = ", ".join(f"{name} = {value}" for name, value in values.items())
    changed = " OR ".join(f"{name} {differs} {value}" for name, value in values.items())
    return (
        f"UPDATE prospects SET {assignments}, updated_at = ? WHERE id = ? AND ({changed})"
        " RETURNING id"
    )


def _update_values(changes: dict[str, object], stamp: str, prospect_id: int) -> list[object]:
    """The parameters of `_update_statement`: the values, the stamp and the id, then the
    values again for the test of whether anything changes."""
    return [*changes.values(), stamp, prospect_id, *changes.values()]


def _sources_kept(db: sqlite_utils.Database, merger: Merger) -> int:
    """How many of the batch's updates name a source other than the one their prospect
    keeps (read before the updates are written)."""
    pairs = [
        [prospect_id, changes["source"]]
        for prospect_id, changes in merger.updates.items()
        if "source" in changes
    ]
    if not pairs:
        return 0
    dialect = dialect_of(db)
    kept = _KEPT_SOURCE.format(p="p.")
    (count,) = db.execute(
        f"SELECT count(*) FROM {in_dialect(JSON_PAIRS, dialect).format(pairs=':pairs')}"
        f" JOIN prospects p ON p.id = {in_dialect(PAIR_ID, dialect)}"
        f" WHERE {kept} IS NOT NULL AND {kept} <> (h.value ->> 1)",
        {"pairs": json.dumps(pairs)},
    ).fetchone()
    return int(count)


@dataclass
class _Written:
    """What writing a batch did beyond adding its new prospects."""

    sources_kept: int
    # The prospects already written its rows changed, and how many of those rows changed
    # their prospect; an update that would leave one as it was writes nothing
    # (`_update_statement`).
    changed: set[int] = field(default_factory=set)
    rows_changed: int = 0
    rows_unchanged: int = 0
    # The open calls, callbacks and revisits of the prospects its rows marked do not call,
    # and the open email tasks of those they marked do not email.
    calls_cancelled: int = 0
    emails_cancelled: int = 0

    def count(self, sent: int, changed_ids: list[int]) -> None:
        self.changed.update(changed_ids)
        self.rows_changed += len(changed_ids)
        self.rows_unchanged += sent - len(changed_ids)


def _update_turns(merger: Merger, stamp: str) -> list[dict[tuple[str, ...], list[list[object]]]]:
    """The batch's updates as statements to run in turn: each prospect's first row in the
    first, its second in the second, and so on, so that each row is written after the
    rows before it, and tells whether it changed anything. Within a turn, one statement
    per set of fields (rows of one file mostly fill the same)."""
    turns: list[dict[tuple[str, ...], list[list[object]]]] = []
    for prospect_id, rows in merger.row_updates.items():
        for turn, changes in enumerate(rows):
            if turn == len(turns):
                turns.append(defaultdict(list))
            turns[turn][tuple(changes)].append(_update_values(changes, stamp, prospect_id))
    return turns


def _write(
    db: sqlite_utils.Database,
    merger: Merger,
    now: datetime,
    owner: str | None,
    bulk: BulkWork | None,
) -> _Written:
    """A batch's new prospects, in the file's order, and its updates, in the import's
    transaction: on PostgreSQL the new ones by COPY; on SQLite with the work of the
    triggers dropped for the import done before the updates, whose own triggers expect
    it done. A prospect the rows mark do not call has their calls cancelled, as the
    edit form's mark does."""
    stamp = to_stored(now)
    if merger.added:
        new_ids = db.execute(NEW_PROSPECT_IDS.for_db(db), [len(merger.added)]).fetchall()
        for (prospect_id,), row in zip(sorted(new_ids), merger.added, strict=True):
            row["id"] = prospect_id
    written = _Written(_sources_kept(db, merger))
    marked = _marked(db, merger, "do_not_call")
    marked_no_email = _marked(db, merger, "do_not_email")
    dialect = dialect_of(db)
    if dialect is Dialect.POSTGRESQL:
        rows = (_inserted(row, stamp, owner) for row in merger.added)
        db.copy_rows("prospects", INSERTED_COLUMNS, rows)
    else:
        assert bulk is not None
        _insert(db, merger.added, stamp, owner, bulk)
    for turn in _update_turns(merger, stamp):
        for names, parameters in turn.items():
            if not names:
                # Rows that set nothing the prospect has not (its name in another case).
                written.count(len(parameters), [])
                continue
            statement = _update_statement(names, dialect)
            if dialect is Dialect.POSTGRESQL:
                returned = db.executemany_returning(statement, parameters)
            else:
                # One at a time: sqlite3's executemany runs no statement that returns rows.
                returned = [
                    row for values in parameters for row in db.conn.execute(statement, values)
                ]
            written.count(len(parameters), [prospect_id for (prospect_id,) in returned])
    for prospect_id in marked:
        written.calls_cancelled += cancel_call_tasks(db, prospect_id, now)
    for prospect_id in marked_no_email:
        written.emails_cancelled += cancel_email_tasks(db, prospect_id, now)
    kinds = [
        [str(kind), target if isinstance(target, int) else target["id"], TaskStatus.OPEN]
        for target, kind in merger.task_kinds.values()
        # A new prospect's next call is a call task already.
        if isinstance(target, int) or kind is not TaskKind.CALL
    ]
    executemany(db, NEXT_TASK_KIND_SQL, kinds)
    return written


# The kind of the open task a row's next call is, once written: the one due then (the
# triggers make it, or move the earliest open task there).
NEXT_TASK_KIND_SQL = """
UPDATE tasks SET kind = ? WHERE id = (
    SELECT t.id FROM tasks t JOIN prospects p ON p.id = t.prospect_id
    WHERE t.prospect_id = ? AND t.status = ? AND t.due_at = p.next_call_at
    ORDER BY t.id LIMIT 1
)"""


def _read_batches(reader: ProspectReader, progress: Progress | None) -> Iterator[list[Keyed]]:
    """The file's batches, read ahead of the writes: a large file in a process of its own,
    a small one in a thread."""
    if reader.line_count >= READ_IN_PROCESS_FROM_LINES:
        return read_in_process(reader, partial(keyed_batches, size=ROWS_PER_BATCH), progress)
    batches = keyed_batches(reader.rows(progress), size=ROWS_PER_BATCH)
    return read_ahead(batches, ahead=BATCHES_AHEAD, name="import-read")


@contextmanager
def _bulk_work(db: sqlite_utils.Database) -> Iterator[BulkWork | None]:
    """On SQLite, the insert triggers (and in an empty book the indexes) whose work the
    import does in bulk (`import_bulk`); PostgreSQL's triggers fire per row, as they must
    for the other reps, whose writes go on while a team's import runs."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        yield None
        return
    with bulk_work(db.conn) as work:
        yield work


class _RolledBack(Exception):
    """Ends an import's transaction without writing: a dry run, or rows rejected."""


@dataclass
class _Totals:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    shared_phones: list[SharedPhone] = field(default_factory=list)
    shared_phone_count: int = 0
    repeated_rows: list[RepeatedRow] = field(default_factory=list)
    repeated_row_count: int = 0
    namesakes: list[Namesake] = field(default_factory=list)
    namesake_count: int = 0
    renames: list[Rename] = field(default_factory=list)
    rename_count: int = 0
    kept_phones: list[KeptPhone] = field(default_factory=list)
    kept_phone_count: int = 0
    replaced: list[ReplacedPhone] = field(default_factory=list)
    replaced_count: int = 0
    suppressed: list[int] = field(default_factory=list)
    sources_kept: int = 0
    calls_cancelled: int = 0
    emails_cancelled: int = 0
    moved_back: int = 0


def _not_suppressed(
    db: sqlite_utils.Database, batch: list[Keyed], region: str, suppressed: list[int]
) -> list[Keyed]:
    """The rows whose email and phone are not on the suppression list (a prospect forgotten
    on request); the lines of the others go to `suppressed`. Only the batch's own hashes
    are looked up."""
    hashes = [(line, keyed, _contact_hashes(keyed, region)) for line, keyed in batch]
    listed = listed_hashes(db, {value for _, _, found in hashes for value in found})
    kept = []
    for line, keyed, found in hashes:
        if listed.isdisjoint(found):
            kept.append((line, keyed))
        else:
            suppressed.append(line)
    return kept


def _contact_hashes(keyed: RowKeys, region: str) -> list[str]:
    """The suppression list's hashes of the row's email and number, and of those it gives
    that are not imported (a second in a cell, another column's)."""
    row = keyed.row
    contacts = [Contact(row.get("email"), row.get("phone"))]
    contacts += [
        Contact(text, None) if field == "email" else Contact(None, text)
        for field, text in keyed.others
    ]
    return [value for contact in contacts for value in contact.hashes(region).values()]


def _merge_batch(
    db: sqlite_utils.Database,
    keys: ImportKeys,
    keyed: list[Keyed],
    region: str,
    method_for: Callable[[Mapping[str, object]], str],
    now: datetime,
) -> Merger:
    emails = {row.email for _, row in keyed if row.email}
    phone_names = {(row.phone, row.name) for _, row in keyed if row.phone}
    found = keys.find(emails, phone_names)
    named = {row.file_id for _, row in keyed if row.file_id is not None}
    stored = stored_prospects(
        db, {*found.emails.values(), *found.phone_names.values(), *named}, region
    )
    said_kept = partial(kept_phone, region=region, now=now)
    wrong_for: FoundWrongFor = {}

    def merged(wrong_numbers: WrongNumbers) -> Merger:
        # On a team's server a prospect the book held when the import began may be gone
        # since (another rep forgot them): their keys lead nowhere now.
        merger = Merger(
            found.leading_to(stored),
            stored,
            keys.last_stored_id,
            method_for,
            wrong_numbers,
            said_kept,
            wrong_for,
            partial(international, region=region),
        )
        for line, row in keyed:
            merger.merge(line, row)
        return merger

    merger = merged({})
    # Only the numbers of the rows the batch would add are looked up. When one was found
    # wrong for a prospect of the row's name (rare), the batch is merged again knowing
    # it, the row updating them.
    if merger.added and keys.last_stored_id:
        added = set(merger.added_lines)
        numbers = {row.phone for line, row in keyed if row.phone and line in added}
        if numbers:
            found_for, stored_for = wrong_numbers_for(db, numbers, region)
            if found_for:
                wrong_for.update(found_for)
                stored = {**stored_for, **stored}
                merger = merged({})
    # Only the prospects the rows give another number are looked up. When a row gives
    # one back a number found wrong for them (rare), the batch is merged again knowing
    # it: what each row does depends on the rows before it.
    given = merger.numbers_given
    wrong_numbers = found_wrong(db, given, region) if given else {}
    if any(given[prospect_id] & numbers.keys() for prospect_id, numbers in wrong_numbers.items()):
        merger = merged(wrong_numbers)
    return merger


def _repeated_rows(keys: ImportKeys, merger: Merger) -> list[RepeatedRow]:
    """The batch's rows that repeat a person of an earlier line of the file."""
    return merger.repeated_rows(keys.first_lines(merger.landed_on), keys.last_stored_id)


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
    methods: Mapping[str, str] = BUILTIN_METHOD_NAMES,
) -> ImportReport:
    """Import prospects from a CSV file in one transaction (`import_file`), numbers
    without a country code read as the book's phone_region's, a CRM's methods as those
    of `methods` (method -> name); raises CsvUnreadable."""
    settings = load_settings(db)
    reader = ProspectReader(
        path,
        phone_region=settings.phone_region,
        currency=settings.currency,
        source=source,
        methods=methods,
        day_first=settings.day_first,
    )
    return import_file(
        db,
        reader,
        now=now,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        progress=progress,
        owner=owner,
    )


def import_file(
    db: sqlite_utils.Database,
    reader: ProspectReader,
    *,
    now: datetime,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    owner: str | None = None,
) -> ImportReport:
    """Merge a file's rows into the book in one transaction, and report what happened.

    The next batch of rows is read and checked while this one merges and writes the last:
    in a process of its own for a large file, else in a thread (`_read_batches`). A row
    whose email or phone is on the suppression list (a prospect forgotten on request) is
    left out, and counted. Any rejected row means the transaction is rolled back unless
    `skip_invalid`; `dry_run` always rolls it back; a file that cannot be read to its end
    (CsvUnreadable) too. The new prospects are `owner`'s, or with none a team's pool's
    (PRODUCT 16); a prospect already in the book keeps its owner.
    """
    region = reader.file.phone_region
    method_for = partial(suggested_method, settings=load_settings(db))
    totals = _Totals()
    written = False
    batches = _read_batches(reader, progress)
    try:
        with (
            _page_cache(db, IMPORT_PAGE_CACHE_KIB),
            write_transaction(db),
            _bulk_work(db) as bulk,
            book_as_it_is(db) as book,
        ):
            keys = ImportKeys(db, region, book)
            for batch in batches:
                # Asked again for each batch: on a team's server another rep may forget
                # someone while the import runs.
                if db.execute("SELECT 1 FROM suppressions LIMIT 1").fetchone():
                    batch = _not_suppressed(db, batch, region, totals.suppressed)
                merger = _merge_batch(db, keys, batch, region, method_for, now)
                repeated = _repeated_rows(keys, merger)
                added = list(zip(merger.added_lines, merger.added, strict=True))
                namesakes_found = list(namesakes(db, added, keys.last_stored_id))
                written_batch = _write(db, merger, now, owner, bulk)
                keys.landed(merger.landed())
                keys.changing(merger.held(written_batch.changed))
                keys.add(merger.new_keys())
                totals.sources_kept += written_batch.sources_kept
                totals.calls_cancelled += written_batch.calls_cancelled
                totals.emails_cancelled += written_batch.emails_cancelled
                totals.moved_back += merger.moved_back
                totals.added += len(merger.added)
                totals.updated += merger.updated + written_batch.rows_changed
                totals.unchanged += merger.unchanged + written_batch.rows_unchanged
                totals.shared_phone_count += _shown_first(
                    totals.shared_phones, merger.shared_phones
                )
                totals.repeated_row_count += _shown_first(totals.repeated_rows, repeated)
                totals.namesake_count += _shown_first(totals.namesakes, namesakes_found)
                totals.rename_count += _shown_first(totals.renames, merger.renames)
                totals.kept_phone_count += _shown_first(totals.kept_phones, merger.kept_phones)
                totals.replaced_count += _shown_first(totals.replaced, merger.replaced)
            keys.drop()
            if dry_run or (reader.file.rejected and not skip_invalid):
                raise _RolledBack
            written = True
    except _RolledBack:
        pass
    finally:
        batches.close()
    return ImportReport(
        file=reader.file,
        added=totals.added,
        updated=totals.updated,
        unchanged=totals.unchanged,
        shared_phones=totals.shared_phones,
        shared_phone_count=totals.shared_phone_count,
        repeated_rows=totals.repeated_rows,
        repeated_row_count=totals.repeated_row_count,
        namesakes=totals.namesakes,
        namesake_count=totals.namesake_count,
        renames=totals.renames,
        rename_count=totals.rename_count,
        kept_phones=totals.kept_phones,
        kept_phone_count=totals.kept_phone_count,
        replaced=totals.replaced,
        replaced_count=totals.replaced_count,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        written=written,
        suppressed=totals.suppressed,
        sources_kept=totals.sources_kept,
        calls_cancelled=totals.calls_cancelled,
        emails_cancelled=totals.emails_cancelled,
        moved_back=totals.moved_back,
    )


def _marked(db: sqlite_utils.Database, merger: Merger, flag: str) -> list[int]:
    """The prospects of the batch's updates that a row marks with `flag` (do_not_call or
    do_not_email) and that were not so already, read before the updates are written."""
    marking = {
        prospect_id
        for prospect_id, rows in merger.row_updates.items()
        if any(row.get(flag) for row in rows)
    }
    return [prospect_id for (prospect_id,) in rows_for(db, NOT_MARKED_YET[flag], marking)]


NOT_MARKED_YET = {
    flag: f"SELECT id FROM prospects WHERE id IN ({{marks}}) AND {flag} = 0"
    for flag in ("do_not_call", "do_not_email")
}


# What an update that marks a prospect do not call cancels, said in the summary.
CALL_TASK, CALL_TASKS = "open call, callback or revisit", "open calls, callbacks and revisits"


def _counted(count: int, one: str, many: str) -> str:
    """`1 row repeats`, `1,200 rows repeat`."""
    return f"1 {one}" if count == 1 else f"{count:,} {many}"
