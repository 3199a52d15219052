"""A prospect's whole story, newest first: calls, emails, notes, closed tasks, deals and
flag changes (PRODUCT sections 14 and 15), read a page at a time so thousands of calls
stay quick.

Each kind of entry is read from its own table through the index on (prospect, moment),
newest first, and the kinds are merged. A page remembers how many entries of each kind it
has taken, so the next page carries on where each kind left off: paging never depends on
comparing moments across tables, which other tools may have written in any shape.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from funnel_tui.domain import DealKind, LostReason, Outcome
from funnel_tui.foreign_values import Unreadable, read_day, read_moment, readable_row
from funnel_tui.rep_names import named_rep
from funnel_tui.tasks import TASK_COLUMNS, Task, open_tasks, task_from_row

if TYPE_CHECKING:
    import sqlite_utils

PAGE_SIZE = 100


class EntryKind(StrEnum):
    """Which table an entry of the timeline comes from."""

    CALL = "call"
    EMAIL = "email"
    NOTE = "note"
    TASK = "task"
    DEAL = "deal"
    FLAG = "flag"


_Enum = TypeVar("_Enum", bound=StrEnum)


def _known(enum: type[_Enum], value: object) -> _Enum | None:
    try:
        return enum(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class CallEntry:
    """A logged call; `unreadable` names the columns shown as `?`, as on the others."""

    id: int
    at: datetime | None
    outcome: Outcome | None
    """None for an outcome funnel does not know (`outcome_text` has it)."""
    outcome_text: str | None
    duration_s: int | None
    notes: str | None
    reason: LostReason | None
    unreadable: frozenset[str] = frozenset()
    # The callback or meeting the call booked, for when.
    follow_up_at: datetime | None = None
    # The rep who made it, in a team's book.
    rep: str | None = None


@dataclass(frozen=True)
class EmailEntry:
    """An email sent (`via` smtp) or handed to the mail app (`via` mailto)."""

    id: int
    at: datetime | None
    template: str | None
    subject: str | None
    to_address: str | None
    via: str | None
    unreadable: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NoteEntry:
    """A note added without a call."""

    id: int
    at: datetime | None
    body: str | None
    unreadable: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TaskEntry:
    """A task that is no longer open, at the moment it was closed (or was due, when the
    closing did not say when)."""

    task: Task

    @property
    def at(self) -> datetime | None:
        return self.task.done_at or self.task.due_at

    @property
    def id(self) -> int:
        return self.task.id


@dataclass(frozen=True)
class DealEntry:
    """A win; at the moment of the call that won it, else the start of its day (placed
    there in the story, and shown as the day alone: `day`)."""

    id: int
    at: datetime | None
    amount_cents: int | None
    kind: DealKind | None
    unreadable: frozenset[str] = frozenset()
    day: date | None = None


@dataclass(frozen=True)
class FlagEntry:
    """A flag set (value True) or cleared, by whoever changed it."""

    id: int
    at: datetime | None
    flag: str
    """do_not_call, wrong_number, nurture or do_not_email."""
    value: bool
    unreadable: frozenset[str] = frozenset()


Entry = CallEntry | EmailEntry | NoteEntry | TaskEntry | DealEntry | FlagEntry


def _call(row: Mapping[str, Any]) -> CallEntry:
    values, unreadable = readable_row("calls", row)
    outcome = _known(Outcome, values["outcome"])
    reason = _known(LostReason, values["reason"])
    if reason is None and values["reason"] is not None:
        unreadable |= {"reason"}  # a reason funnel does not know: shown as `?`
    return CallEntry(
        id=values["id"],
        at=read_moment(values["started_at"]),
        outcome=outcome,
        outcome_text=None if values["outcome"] is None else str(values["outcome"]),
        duration_s=values["duration_s"],
        notes=values["notes"],
        reason=reason,
        unreadable=unreadable,
        follow_up_at=read_moment(values["follow_up_at"]),
        rep=named_rep(values["rep"]),
    )


def _email(row: Mapping[str, Any]) -> EmailEntry:
    values, unreadable = readable_row("emails", row)
    return EmailEntry(
        values["id"],
        read_moment(values["sent_at"]),
        values["template"],
        values["subject"],
        values["to_address"],
        values["via"],
        unreadable,
    )


def _note(row: Mapping[str, Any]) -> NoteEntry:
    values, unreadable = readable_row("notes", row)
    return NoteEntry(values["id"], read_moment(values["created_at"]), values["body"], unreadable)


def _deal(row: Mapping[str, Any]) -> DealEntry:
    call_started = row["call_started_at"]
    values, unreadable = readable_row(
        "deals", {key: value for key, value in row.items() if key != "call_started_at"}
    )
    try:
        at = read_moment(call_started)
    except Unreadable:
        at = None
    day = None
    if at is None and (day := read_day(values["closed_on"])) is not None:
        at = datetime.combine(day, time(), UTC)
    return DealEntry(
        values["id"],
        at,
        values["amount_cents"],
        _known(DealKind, values["kind"]),
        unreadable,
        day,
    )


def _flag(row: Mapping[str, Any]) -> FlagEntry:
    values, unreadable = readable_row("flag_changes", row)
    return FlagEntry(
        values["id"],
        read_moment(values["changed_at"]),
        str(values["flag"]),
        bool(values["value"]),
        unreadable,
    )


def _task_entry(row: Mapping[str, Any]) -> TaskEntry:
    return TaskEntry(task_from_row(tuple(row[column] for column in TASK_COLUMNS)))


# Per kind: the query for one prospect's entries newest first, on the index of that
# table by prospect, and how a row becomes an entry (`?` for the values it cannot read).
_SOURCES = {
    EntryKind.CALL: (
        "SELECT id, started_at, duration_s, outcome, notes, reason, follow_up_at, rep FROM calls"
        " WHERE prospect_id = ? ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?",
        _call,
    ),
    EntryKind.EMAIL: (
        "SELECT id, sent_at, template, subject, to_address, via FROM emails"
        " WHERE prospect_id = ? ORDER BY sent_at DESC, id DESC LIMIT ? OFFSET ?",
        _email,
    ),
    EntryKind.NOTE: (
        "SELECT id, created_at, body FROM notes"
        " WHERE prospect_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        _note,
    ),
    EntryKind.TASK: (
        f"SELECT {', '.join(TASK_COLUMNS)} FROM tasks WHERE prospect_id = ? AND status != 'open'"
        " ORDER BY coalesce(done_at, due_at) DESC, id DESC LIMIT ? OFFSET ?",
        _task_entry,
    ),
    EntryKind.DEAL: (
        "SELECT d.id, d.amount_cents, d.closed_on, d.kind, c.started_at AS call_started_at"
        " FROM deals d LEFT JOIN calls c ON c.id = d.call_id"
        " WHERE d.prospect_id = ? ORDER BY d.closed_on DESC, d.id DESC LIMIT ? OFFSET ?",
        _deal,
    ),
    EntryKind.FLAG: (
        "SELECT id, changed_at, flag, value FROM flag_changes"
        " WHERE prospect_id = ? ORDER BY changed_at DESC, id DESC LIMIT ? OFFSET ?",
        _flag,
    ),
}

# At the same moment, what a call or an email led to (its deal, the task it closed, a flag
# it set) is listed above it: newest first.
_AT_A_TIE = (
    EntryKind.FLAG,
    EntryKind.DEAL,
    EntryKind.TASK,
    EntryKind.NOTE,
    EntryKind.EMAIL,
    EntryKind.CALL,
)

# An entry whose moment cannot be read sorts as the oldest.
_NO_MOMENT = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class TimelinePage:
    """Entries newest first, and where the next page starts."""

    entries: list[Entry]
    taken: Mapping[EntryKind, int] = field(default_factory=dict)
    """How many entries of each kind this page and the ones before it hold."""
    more: bool = False
    """Whether older entries are left for a next page."""


def _entries(
    db: sqlite_utils.Database, prospect_id: int, kind: EntryKind, limit: int, offset: int
) -> Iterator[tuple[datetime, EntryKind, Entry]]:
    sql, make = _SOURCES[kind]
    cursor = db.execute(sql, [prospect_id, limit, offset])
    columns = [description[0] for description in cursor.description]
    for stored in cursor:
        entry = make(dict(zip(columns, stored, strict=True)))
        yield entry.at or _NO_MOMENT, kind, entry


def read_history(
    db: sqlite_utils.Database,
    prospect_id: int,
    *,
    after: TimelinePage | None = None,
    limit: int = PAGE_SIZE,
) -> TimelinePage:
    """The next `limit` entries of the prospect's story, newest first, after the page
    `after` (from the newest when None). Open tasks are not in it: `open_tasks` has them."""
    taken = dict(after.taken) if after else {}
    # One more than a page from each kind says whether anything is left after the page.
    streams = [_entries(db, prospect_id, kind, limit + 1, taken.get(kind, 0)) for kind in _AT_A_TIE]
    merged = heapq.merge(*streams, key=lambda item: item[0], reverse=True)
    entries: list[Entry] = []
    more = False
    for _, kind, entry in merged:
        if len(entries) == limit:
            more = True
            break
        entries.append(entry)
        taken[kind] = taken.get(kind, 0) + 1
    return TimelinePage(entries, taken, more)


@dataclass(frozen=True)
class Timeline:
    """What the timeline screen shows first: the open tasks, soonest first, and the first
    page of the story."""

    open_tasks: list[Task]
    history: TimelinePage


def read_timeline(
    db: sqlite_utils.Database, prospect_id: int, *, limit: int = PAGE_SIZE
) -> Timeline:
    return Timeline(open_tasks(db, prospect_id), read_history(db, prospect_id, limit=limit))
