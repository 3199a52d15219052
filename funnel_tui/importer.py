"""Importing prospects from CRM and spreadsheet CSV: merging rows into the book, writing.

`import_rows` reads and checks the file without the database, a record at a time; this
module decides for each row whether it adds a prospect or updates one, and writes them a
batch at a time in one transaction, matching rows by the keys `import_keys` keeps in the
database. What an import holds in memory does not grow with the file or the book.
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
from funnel_tui.domain import DEFAULT_METHOD, Kind, Priority, Stage, TaskKind, TaskStatus
from funnel_tui.import_bulk import BulkWork, bulk_work
from funnel_tui.import_keys import (
    Held,
    Holder,
    ImportKeys,
    Keyed,
    Keys,
    RowKeys,
    email_key,
    executemany,
    keyed_batches,
    name_key,
    rows_for,
    same_person,
)
from funnel_tui.import_namesakes import Namesake, namesakes
from funnel_tui.import_renames import Rename, is_another_name
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
    found_wrong_for,
    kept_phone,
)
from funnel_tui.phones import phone_key
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
from funnel_tui.text import cut_for_quoting, one_line
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

# What a new prospect gets for a field the file leaves empty (the schema's defaults).
NEW_PROSPECT = {
    "kind": Kind.NEW.value,
    "stage": Stage.LEAD.value,
    "method": DEFAULT_METHOD,
    "priority": int(Priority.NORMAL),
    "do_not_call": 0,
    "wrong_number": 0,
    "nurture": 0,
    "do_not_email": 0,
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


@dataclass(frozen=True)
class RepeatedRow:
    """A row that is the same person as an earlier row of the file: the two are one
    prospect, with the later row's values."""

    line: int
    name: str
    # None: a line of an earlier batch, whose number is not kept.
    first_line: int | None

    def __str__(self) -> str:
        earlier = "an earlier line" if self.first_line is None else f"line {self.first_line}"
        return (
            f"line {self.line}: {one_line(self.name)} is the same person as {earlier}:"
            " merged into one prospect (what this row fills in replaces that row's)"
        )


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
    dry_run: bool = False
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

    def summary(self) -> str:
        """One line: `added 120, updated 3, rejected 2 (utf-8, comma)`, the columns that
        were not imported or only fill in for another, and the values not understood."""
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
                        f"{counted(count, 'phone number')} kept that phonenumbers does not"
                        " know as in use (listed below)"
                    ]
                    if (count := self.file.unknown_phone_count)
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
        if self.dry_run:
            return (
                f"dry run, nothing written: would add {self.added}, update {self.updated}"
                f"{leave}, reject {len(self.rejected)}{suppressed} {read_as}"
            )
        if not self.written and self.rejected:
            return (
                "nothing written because"
                f" {_counted(len(self.rejected), 'row was', 'rows were')} rejected; the rest "
                f"would add {self.added}, update {self.updated}{leave}{suppressed} {read_as}"
            )
        return (
            f"added {self.added}, updated {self.updated}{unchanged}, rejected"
            f" {len(self.rejected)}{suppressed} {read_as}"
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
                self.shared_phones,
                self.shared_phone_count,
                "rows kept apart from another with their number",
            ),
            (file.unknown_phones, file.unknown_phone_count, "phone numbers kept with a warning"),
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
    examples = ", ".join(map(repr, values.examples))
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


# A prospect a row can update: its database id, or the row of one this batch adds.
Target = int | dict[str, object]


@dataclass(frozen=True)
class StoredProspect:
    """What merging a row needs of a prospect in the book, as the import has left it so far."""

    email_key: str
    phone_key: str
    # Its timezone was set by the rep or a file, not guessed: a guess leaves it.
    zone_set: bool
    name: str
    # It has an open task: its tasks say when it is next called, not a file's next call.
    scheduled: bool = False
    # Its stage and kind as stored (another tool may have written a value not of ours): a
    # file never moves them back.
    stage: object = None
    kind: object = None

    @property
    def name_key(self) -> str:
        return name_key(self.name)

    def held(self, prospect_id: int) -> Held:
        """Its keys, as the prospect `prospect_id` holds them before the batch writes."""
        return Held(prospect_id, self.email_key, self.phone_key, self.name_key, self.name)


# What `StoredProspect` holds of a prospect `p`, after its id.
STORED_COLUMNS = (
    "p.id, p.email, p.phone, p.timezone IS NOT NULL AND p.timezone_guessed = 0, p.name,"
    " p.next_call_at IS NOT NULL, p.stage, p.kind"
)
STORED_STATE = f"SELECT {STORED_COLUMNS} FROM prospects p WHERE p.id IN ({{marks}})"


def _stored_prospects(
    db: sqlite_utils.Database, ids: set[int], region: str
) -> dict[int, StoredProspect]:
    return {
        prospect_id: _stored_prospect(state, region)
        for prospect_id, *state in rows_for(db, STORED_STATE, ids)
    }


def _stored_prospect(state: Sequence[Any], region: str) -> StoredProspect:
    """A prospect as STORED_COLUMNS read it, less its id."""
    email, phone, zone_set, name, scheduled, stage, kind = state
    phone = phone if isinstance(phone, str) else None
    return StoredProspect(
        email_key(email),
        phone_key(phone, region),
        bool(zone_set),
        str(name),
        bool(scheduled),
        stage,
        kind,
    )


# The prospect of the book a number was found wrong for, by the number's key and their
# name's: a row added with both is them.
FoundWrongFor = dict[tuple[str, str], int]


def _found_wrong_for(
    db: sqlite_utils.Database, numbers: set[str], region: str
) -> tuple[FoundWrongFor, dict[int, StoredProspect]]:
    """The prospects of the book these numbers (keys) were found wrong for, by number and
    name (the first by id when two of one name were), and what merging needs of each."""
    found: FoundWrongFor = {}
    stored: dict[int, StoredProspect] = {}
    for number, (prospect_id, *state) in found_wrong_for(db, numbers, region, STORED_COLUMNS):
        prospect = stored.setdefault(int(prospect_id), _stored_prospect(state, region))
        found.setdefault((number, prospect.name_key), int(prospect_id))
    return found, stored


_UNSET = object()

# The order a file may move a prospect's stage and kind in: forward, never back.
FORWARD_ORDER: dict[str, tuple[str, ...]] = {"stage": tuple(Stage), "kind": tuple(Kind)}
# A prospect won or lost is the rep's own outcome, which a file does not change.
OUTCOME_STAGES = (Stage.WON, Stage.LOST)
# What a row from before the prospect's stage or kind also says of that time: the open
# opportunity's value and close, and the next call. An older export imported again gave
# a customer won since their open deal back, and a call, and a prospect lost since the
# meeting they declined.
OF_THAT_TIME = ("deal_value_cents", "expected_close_on", "next_call_at")


def _moves_back(name: str, current: object, wanted: object) -> bool:
    """Whether a file's `wanted` stage or kind would move a prospect's `current` one back,
    or change the stage of one won or lost. One not of ours (another tool's) may go."""
    order = FORWARD_ORDER[name]
    if current == wanted or current not in order:
        return False
    if name == "stage" and current in OUTCOME_STAGES:
        return True
    return order.index(wanted) < order.index(current)


def _without_the_number(row: dict[str, object]) -> dict[str, object]:
    """The row less its phone and what it says of that number: its wrong-number flag and
    the timezone guessed from it."""
    of_the_number = {"phone", "wrong_number"}
    if row.get("timezone_guessed"):
        of_the_number |= {"timezone", "timezone_guessed"}
    return {name: value for name, value in row.items() if name not in of_the_number}


def _changes_nothing(pending: dict[str, object], row: dict[str, object]) -> bool:
    """Whether a row sets only what the rows before it set already (a source only ever
    fills a blank one)."""
    return all(
        name in pending if name == "source" else pending.get(name, _UNSET) == value
        for name, value in row.items()
    )


class _Merger:
    """Decides for each valid row of a batch whether it adds a prospect or updates one.

    A row updates the prospect with the same email (in any case), else the one with the
    same phone number (its E.164 form and extension) and the same name (case and spacing
    ignored) whose email does not conflict with the row's. Two people who share a
    switchboard number stay two prospects; a row matched by its email that gives another
    name is said (`import_renames`). Rows match the book (with the rows of earlier
    batches in it: `found`, the keys the batch's rows lead to there) and the rows before
    them in the batch. A timezone guessed from a row's number never replaces one the rep
    or a file set, an update never moves a stage or kind back (`_moves_back`), and never
    gives a prospect a number found wrong for them (`wrong_numbers`) over another
    (`import_wrong_numbers`); a row that matches no one and has a number found wrong for
    a prospect of its name (`found_wrong_for`) is them.
    """

    def __init__(
        self,
        found: Keys,
        stored: dict[int, StoredProspect],
        last_stored_id: int,
        method_for: Callable[[Mapping[str, object]], str],
        wrong_numbers: WrongNumbers,
        said_kept: Callable[..., KeptPhone],
        found_wrong_for: FoundWrongFor,
    ) -> None:
        self.found = found
        # The book's prospects are those up to it; later ids are earlier batches' rows.
        self.last_stored_id = last_stored_id
        self.by_email: dict[str, Target] = dict(found.emails)
        self.by_phone_and_name: dict[tuple[str, str], Target] = dict(found.phone_names)
        # The name of the first prospect with each number, for the report, and who the
        # batch's own rows made the first.
        self.phone_holders = {phone: holder.name for phone, holder in found.phone_holders.items()}
        self.first_holders: dict[str, Target] = {}
        self.stored = stored
        # The selling method a new prospect gets when the file names none.
        self.method_for = method_for
        # The email a stored prospect was given by a row of this batch.
        self.emails_given: dict[int, str] = {}
        self.added: list[dict[str, object]] = []
        self.added_lines: list[int] = []
        # What the batch's rows set on each prospect of the book, all together (what
        # the rows after them see), and row by row, in the file's order: each row is
        # its own update, which tells whether it changed anything (`_Written`).
        self.updates: dict[int, dict[str, object]] = {}
        self.row_updates: dict[int, list[dict[str, object]]] = {}
        # The rows that changed a prospect this batch adds, and those that set nothing
        # the rows before them had not.
        self.updated = 0
        self.unchanged = 0
        self.shared_phones: list[SharedPhone] = []
        self.renames: list[Rename] = []
        # The numbers each prospect of the book was found a wrong number on, as far as
        # they are known (`_merge_batch`), and the rows that gave one back, said with
        # `said_kept`; the numbers the rows give each prospect of the book in place of
        # the one it has, which tell which prospects to look up.
        self.wrong_numbers = wrong_numbers
        self.said_kept = said_kept
        self.kept_phones: list[KeptPhone] = []
        self.numbers_given: dict[int, set[str]] = {}
        # The prospects of the book the numbers of the rows that match no one were found
        # wrong for, as far as they are known (`_merge_batch`).
        self.found_wrong_for = found_wrong_for
        # The rows whose stage or kind would have moved their prospect back.
        self.moved_back = 0
        # The next call's kind the batch's last row for each prospect sets with its next
        # call (by the prospect's id, or the new row's identity): the task the next call
        # makes is a plain call until it is given its kind.
        self.task_kinds: dict[int, tuple[Target, TaskKind]] = {}
        # Each prospect the batch's rows land on (by id, or the new row's identity) with
        # the line of the first of them, and each row that lands on one another row of
        # the batch landed on first, or a prospect of the book: it may repeat an earlier
        # batch's row.
        self.first_lines: dict[int, int] = {}
        self.landings: list[tuple[int, str, int]] = []
        # The prospects of the book (or of an earlier batch) the rows land on, by id.
        self.landed_on: set[int] = set()

    def _remember(self, target: Target, row: RowKeys) -> None:
        email, phone = row.email, row.phone
        if email:
            self.by_email.setdefault(email, target)
        if phone:
            self.by_phone_and_name.setdefault((phone, row.name), target)
            if phone not in self.phone_holders:
                self.phone_holders[phone] = str(row.row["name"])
                self.first_holders[phone] = target
            if email and isinstance(target, int):
                self.emails_given[target] = email

    def _email_of(self, target: Target) -> str:
        if isinstance(target, int):
            return self.emails_given.get(target) or self.stored[target].email_key
        return email_key(target.get("email"))

    def _match(self, row: RowKeys) -> Target | None:
        if (named := self._named(row)) is not None:
            return named
        target = same_person(
            row.email, row.phone, row.name, self.by_email, self.by_phone_and_name, self._email_of
        )
        if target is None and self.found_wrong_for:
            return self._found_wrong_for(row)
        return target

    def _found_wrong_for(self, row: RowKeys) -> int | None:
        """The prospect of the row's name its number was found wrong for, who has another
        number now (or none), unless the two give different emails: as a number and a name
        match a prospect (`same_person`)."""
        prospect_id = self.found_wrong_for.get((row.phone, row.name))
        if prospect_id is None:
            return None
        email = self._email_of(prospect_id)
        return None if row.email and email and row.email != email else prospect_id

    def _named(self, row: RowKeys) -> int | None:
        """The prospect the row's `id` names, when it is the same person by the rules that
        match the others: a book that keeps two prospects with one email (two reps' copies
        of a person, kept apart by `funnel migrate-to`) gets its own export back row by
        row, instead of every copy's row landing on the first."""
        if row.file_id is None or (stored := self.stored.get(row.file_id)) is None:
            return None
        own = self.updates.get(row.file_id, {})
        phone = str(own.get("phone", stored.phone_key) or "")
        name = name_key(own["name"]) if "name" in own else stored.name_key
        by_email = {self._email_of(row.file_id): row.file_id}
        by_pair = {(phone, name): row.file_id}
        return same_person(row.email, row.phone, row.name, by_email, by_pair, self._email_of)

    def _keeps_zone(self, target: Target, pending: dict[str, object]) -> bool:
        """Whether a prospect's timezone was set by the rep or a file, so no guess
        replaces it."""
        if pending.get("timezone_guessed") == 0 and pending.get("timezone"):
            return True
        return self.stored[target].zone_set if isinstance(target, int) else False

    def merge(self, line: int, keyed: RowKeys) -> None:
        row, phone = keyed.row, keyed.phone
        task_kind = row.get("next_task_kind")
        if task_kind is not None:
            # Not a column the import writes: the prospect's earliest open task says it.
            row = {name: value for name, value in row.items() if name != "next_task_kind"}
        target = self._match(keyed)
        if isinstance(target, int) and self.stored[target].scheduled and "next_call_at" in row:
            # A prospect with tasks booked: those say when they are called next. An older
            # file's next call moved their earliest task (a meeting) there, as its kind.
            row = {name: value for name, value in row.items() if name != "next_call_at"}
            task_kind = None
        if target is None:
            target = {**NEW_PROSPECT, **row}
            if "method" not in row:
                # The method the picker suggests for their kind, stage and source: an
                # inbound lead's script opens as a reply to them.
                target["method"] = self.method_for(target)
            self.added.append(target)
            self.added_lines.append(line)
            if phone in self.phone_holders:
                self.shared_phones.append(
                    SharedPhone(line, str(row["name"]), self.phone_holders[phone])
                )
        else:
            self._say_if_renamed(line, keyed, target)
            pending = self.updates.setdefault(target, {}) if isinstance(target, int) else target
            row = self._not_moving_back(target, pending, row)
            current = (
                pending.get("phone", self.stored[target].phone_key)
                if isinstance(target, int)
                else pending.get("phone", "")
            )
            new_number = bool(phone) and phone != current
            if new_number and isinstance(target, int):
                self.numbers_given.setdefault(target, set()).add(phone)
                if (flagged := self.wrong_numbers.get(target, {}).get(phone)) is not None:
                    name = str(pending.get("name", self.stored[target].name))
                    said = self.said_kept(line, phone, name, target, flagged, str(current or ""))
                    self.kept_phones.append(said)
                    row = _without_the_number(row)
                    new_number = False
            if row.get("timezone_guessed") and self._keeps_zone(target, pending):
                row = {name: value for name, value in row.items() if "timezone" not in name}
            elif new_number and "timezone" not in row and not self._keeps_zone(target, pending):
                # A guess moves with the number, as in the form: a new number that names
                # no single zone clears the old number's guess.
                row = {**row, "timezone": None, "timezone_guessed": 0}
            if new_number and not row.get("wrong_number"):
                # What a wrong-number flag waits for, as in the form: the flag goes.
                row = {**row, "wrong_number": 0}
            if isinstance(target, int):
                self.row_updates.setdefault(target, []).append(row)
            elif _changes_nothing(pending, row):
                self.unchanged += 1
            else:
                self.updated += 1
            for name, value in row.items():
                # The source that brought a prospect in keeps the credit for its calls.
                if name == "source":
                    pending.setdefault(name, value)
                else:
                    pending[name] = value
        key = target if isinstance(target, int) else id(target)
        if isinstance(task_kind, TaskKind) and row.get("next_call_at"):
            self.task_kinds[key] = (target, task_kind)
        first_line = self.first_lines.setdefault(key, line)
        if isinstance(target, int):
            self.landed_on.add(target)
            self.landings.append((line, str(keyed.row["name"]), key))
        elif first_line != line:
            self.landings.append((line, str(keyed.row["name"]), key))
        self._remember(target, keyed)

    def _not_moving_back(
        self, target: Target, pending: dict[str, object], row: dict[str, object]
    ) -> dict[str, object]:
        """The row less a stage or kind that would move its prospect back, as the book or
        the rows before it left them; such a row is counted."""
        stored = self.stored[target] if isinstance(target, int) else None
        back = {
            name
            for name in FORWARD_ORDER
            if name in row
            and _moves_back(name, pending.get(name, getattr(stored, name, None)), row[name])
        }
        if not back:
            return row
        self.moved_back += 1
        return {
            name: value
            for name, value in row.items()
            if name not in back and name not in OF_THAT_TIME
        }

    def _say_if_renamed(self, line: int, keyed: RowKeys, target: Target) -> None:
        """A row with an email that gives the prospect it updates another name is said:
        its email matched it, since a number matches only with the name."""
        if not keyed.email:
            return
        if isinstance(target, int):
            current = str(self.updates.get(target, {}).get("name", self.stored[target].name))
        else:
            current = str(target["name"])
        name = str(keyed.row["name"])
        # Most rows give the name the prospect has: the one check they cost.
        if name_key(current) == keyed.name or not is_another_name(name, current):
            return
        if not isinstance(target, int):
            rename = Rename(line, name, current, other_line=self.first_lines[id(target)])
        elif target <= self.last_stored_id:
            rename = Rename(line, name, current, other_id=target)
        else:
            rename = Rename(line, name, current)  # added by an earlier batch
        self.renames.append(rename)

    def repeated_rows(self, earlier: Mapping[int, int], last_stored_id: int) -> list[RepeatedRow]:
        """The batch's rows that land on a prospect an earlier row landed on: in this
        batch, or in an earlier one (`earlier`: the line of its first row, for the book's
        prospects; one an earlier batch added, past `last_stored_id`, has no line kept)."""
        repeated = []
        for line, name, key in self.landings:
            first_line: int | None = earlier.get(key, self.first_lines[key])
            if first_line == line and key > last_stored_id and key not in earlier:
                first_line = None  # added by an earlier batch: an earlier line
            if first_line != line:
                repeated.append(RepeatedRow(line, name, first_line))
        return repeated

    def landed(self) -> Iterator[tuple[int, int]]:
        """Each prospect of the book (or of an earlier batch) the batch's rows landed on,
        with its first row's line. The prospects the batch adds are left out: keeping
        each one's line, for the few a later batch repeats, made a first import a fifth
        slower in the benchmark."""
        for prospect_id in self.landed_on:
            yield prospect_id, self.first_lines[prospect_id]

    def new_keys(self) -> Keys:
        """The keys this batch's rows lead to that the book did not have, once the new
        prospects have their ids."""

        def prospect_id(target: Target) -> int:
            return target if isinstance(target, int) else int(target["id"])  # type: ignore[call-overload]

        return Keys(
            emails={
                key: prospect_id(target)
                for key, target in self.by_email.items()
                if key not in self.found.emails
            },
            phone_names={
                key: prospect_id(target)
                for key, target in self.by_phone_and_name.items()
                if key not in self.found.phone_names
            },
            phone_holders={
                phone: Holder(prospect_id(target), self.phone_holders[phone])
                for phone, target in self.first_holders.items()
            },
        )

    def held(self, changed: set[int]) -> list[Held]:
        """What each prospect of the book whose email, number or name the batch changed
        held before it did."""
        held = []
        for prospect_id in changed:
            stored, pending = self.stored[prospect_id], self.updates[prospect_id]
            now = (
                email_key(pending["email"]) if "email" in pending else stored.email_key,
                str(pending.get("phone") or "") if "phone" in pending else stored.phone_key,
                name_key(pending["name"]) if "name" in pending else stored.name_key,
            )
            if now != (stored.email_key, stored.phone_key, stored.name_key):
                held.append(stored.held(prospect_id))
        return held


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


def _sources_kept(db: sqlite_utils.Database, merger: _Merger) -> int:
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


def _update_turns(merger: _Merger, stamp: str) -> list[dict[tuple[str, ...], list[list[object]]]]:
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
    merger: _Merger,
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
) -> _Merger:
    emails = {row.email for _, row in keyed if row.email}
    phone_names = {(row.phone, row.name) for _, row in keyed if row.phone}
    found = keys.find(emails, phone_names)
    named = {row.file_id for _, row in keyed if row.file_id is not None}
    stored = _stored_prospects(
        db, {*found.emails.values(), *found.phone_names.values(), *named}, region
    )
    said_kept = partial(kept_phone, region=region, now=now)
    wrong_for: FoundWrongFor = {}

    def merged(wrong_numbers: WrongNumbers) -> _Merger:
        # On a team's server a prospect the book held when the import began may be gone
        # since (another rep forgot them): their keys lead nowhere now.
        merger = _Merger(
            found.leading_to(stored),
            stored,
            keys.last_stored_id,
            method_for,
            wrong_numbers,
            said_kept,
            wrong_for,
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
            found_for, stored_for = _found_wrong_for(db, numbers, region)
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


def _repeated_rows(keys: ImportKeys, merger: _Merger) -> list[RepeatedRow]:
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
        dry_run=dry_run,
        written=written,
        suppressed=totals.suppressed,
        sources_kept=totals.sources_kept,
        calls_cancelled=totals.calls_cancelled,
        emails_cancelled=totals.emails_cancelled,
        moved_back=totals.moved_back,
    )


def _marked(db: sqlite_utils.Database, merger: _Merger, flag: str) -> list[int]:
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
