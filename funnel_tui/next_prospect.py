"""The prospect to call next, the head of today's queue (PRODUCT section 5): what `funnel
next` prints, and what a team backend will claim before it hands the prospect out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from funnel_tui.claims import claim_head, claim_queue_head
from funnel_tui.clocks import known_zone
from funnel_tui.dates import describe_when
from funnel_tui.domain import APPOINTMENT_TASKS, Kind, Priority, TaskKind
from funnel_tui.foreign_values import MARK, readable_row
from funnel_tui.phones import international
from funnel_tui.prospects import get_prospect
from funnel_tui.queue import QueueMode, read_order, todays_head
from funnel_tui.settings import Settings
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.text import clean_text, one_line
from funnel_tui.timestamps import from_stored, to_stored

if TYPE_CHECKING:
    import sqlite_utils


class Why(StrEnum):
    """Which part of today's queue the prospect comes from, in the queue's order."""

    APPOINTMENT = "appointment"
    RETRY = "retry"
    NEW_LEAD = "new_lead"
    REVISIT = "revisit"
    LATER_TODAY = "later_today"


# The keys of the prospect in `funnel next --json`, in order: documented in the README, so
# scripts can rely on them; a key is added at the end, never renamed or dropped.
JSON_KEYS = (
    "id",
    "name",
    "company",
    "title",
    "phone",
    "email",
    "timezone",
    "kind",
    "stage",
    "method",
    "priority",
    "attempts",
    "why",
    "task",
    "due_at",
)
TEXT_KEYS = ("name", "company", "title", "phone", "email", "timezone", "kind", "stage", "method")
# How often the head of the queue is read again when its prospect went (deleted by another
# program) between reading the order and reading the prospect.
READ_TRIES = 3
# How many of the first prospects of a rep's queue are tried in one claim: enough that
# twenty reps asking at once each find one the others are not taking.
CLAIM_WINDOW = 32
# On PostgreSQL one try is one statement: the prospect it finds may be claimed by another
# rep between its snapshot and its lock, and the next try's snapshot sees that claim. A
# queue with prospects in it must not come back empty because a few tries lost such races.
CLAIM_TRIES_ON_POSTGRESQL = 10


@dataclass(frozen=True)
class NextProspect:
    """The head of today's queue: who, how to reach them, and why they are next.

    Text is cleaned of terminal escapes; a value of the wrong type another tool stored, or
    text it left empty, is None. `task` is the kind of the task they are next for (None
    for a lead never called) and `due_at` its time in the prospect's zone where it is
    known, else the rep's.
    """

    id: int
    name: str | None
    company: str | None
    title: str | None
    phone: str | None
    email: str | None
    timezone: str | None
    kind: str | None
    stage: str | None
    method: str | None
    priority: int | None
    attempts: int | None
    why: Why
    task: str | None
    due_at: datetime | None
    unreadable: frozenset[str] = frozenset()
    """The columns whose stored value is of the wrong type: shown as MARK, where a value
    none set is shown as none."""

    def to_json(self) -> dict[str, Any]:
        """The prospect as `funnel next --json` prints it, with exactly JSON_KEYS."""
        priority = Priority(self.priority).label if self.priority in set(Priority) else None
        values = {
            **{key: getattr(self, key) for key in JSON_KEYS},
            "priority": priority,
            "why": self.why.value,
            "due_at": self.due_at.isoformat() if self.due_at else None,
        }
        return {key: values[key] for key in JSON_KEYS}

    def describe(self, now: datetime, phone_region: str = "US") -> list[str]:
        """A short block for a person: name and company, phone (in the international
        format, a number in national form read as `phone_region`'s), email, who they are,
        and why they are next."""
        heading = one_line(self.name) or MARK
        if self.company:
            heading += f" · {one_line(self.company)}"
        kind = Kind(self.kind).label if self.kind in set(Kind) else one_line(self.kind) or MARK
        return [
            f"{heading} (id {self.id})",
            f"  phone   {one_line(international(self.phone, phone_region)) if self.phone else '-'}",
            f"  email   {one_line(self.email) or '-'}",
            f"  who     {kind}, stage {one_line(self.stage) or MARK},"
            f" method {self._method_shown()}",
            f"  next    {self.reason(now)}",
        ]

    def _method_shown(self) -> str:
        """The method as stored; `-` for none set (NULL, or '' as sqlite-utils writes an
        empty cell: the default's script is used), as for a phone or email, and MARK for
        one of the wrong type."""
        if self.method:
            return one_line(self.method)
        return MARK if "method" in self.unreadable else "-"

    def reason(self, now: datetime) -> str:
        """Why they are next: the task and when it is due (their time too, where known)."""
        if self.why is Why.NEW_LEAD:
            priority = Priority(self.priority).label if self.priority in set(Priority) else MARK
            return f"never called, a new lead (priority {priority})"
        task = one_line(self.task) or "task"
        when = describe_when(self.due_at, now, self.timezone) if self.due_at else MARK
        if self.why is Why.LATER_TODAY:
            return f"{task} later today: {when}"
        return f"{task} due {when}"


def _why(next_call_at: object, task_kind: object, now: datetime) -> Why:
    """The queue bucket of a prospect in today's queue, by the clauses of queue.BUCKETS."""
    if next_call_at is None:
        return Why.NEW_LEAD
    if isinstance(next_call_at, str) and next_call_at > to_stored(now):
        return Why.LATER_TODAY
    if task_kind in APPOINTMENT_TASKS:
        return Why.APPOINTMENT
    if task_kind == TaskKind.REVISIT:
        return Why.REVISIT
    return Why.RETRY


def _text(value: object) -> str | None:
    """Text cleaned of terminal escapes; None for none, or for text left empty (another
    tool's empty cell: sqlite-utils writes '' for one), which says nothing is known."""
    text = None if value is None else clean_text(str(value))
    return text if text and text.strip() else None


def _next_prospect(stored: dict[str, Any], now: datetime) -> NextProspect:
    values, unreadable = readable_row("prospects", stored)
    due = from_stored(values["next_call_at"])
    known = known_zone(values["timezone"])
    zone = known or now.tzinfo
    texts = {key: _text(values[key]) for key in TEXT_KEYS}
    # An IANA name or none: a zone another tool wrote that funnel cannot read (`PST`) is
    # no zone to a script either.
    texts["timezone"] = None if known is None else known.key
    return NextProspect(
        id=values["id"],
        **texts,
        priority=values["priority"],
        attempts=values["attempts"],
        why=_why(stored["next_call_at"], stored["next_task_kind"], now),
        task=_text(values["next_task_kind"]),
        due_at=due.astimezone(zone) if due else None,
        unreadable=unreadable,
    )


def next_prospect(
    db: sqlite_utils.Database, *, now: datetime, settings: Settings, rep: str | None = None
) -> NextProspect | None:
    """The first prospect of today's queue as the app orders it now (holding back those
    outside their calling hours), or None when the queue is empty. Without a rep it only
    reads; a rep of a team's book is handed the first prospect of their queue that they
    can claim (PRODUCT 16), and holds it from then on."""
    if rep is not None:
        return _claim_next(db, now=now, settings=settings, rep=rep)
    for _ in range(READ_TRIES):
        order = read_order(db, now=now, mode=QueueMode.TODAY, text="", settings=settings, limit=1)
        if not order.ids:
            return None
        stored = get_prospect(db, order.ids[0])
        if stored is not None:
            return _next_prospect(stored, now)
    return None


def _claim_next(
    db: sqlite_utils.Database, *, now: datetime, settings: Settings, rep: str
) -> NextProspect | None:
    """Claim the head of `rep`'s queue: a few of its first prospects are read, and the
    first that nobody else is taking at this instant is claimed, in one transaction (on
    PostgreSQL, one statement that reads them too). When all of those went to other reps
    meanwhile, the queue is read again."""
    on_postgresql = dialect_of(db) is Dialect.POSTGRESQL
    for _ in range(CLAIM_TRIES_ON_POSTGRESQL if on_postgresql else READ_TRIES):
        if on_postgresql:
            head, params = todays_head(db, now=now, settings=settings, rep=rep, limit=CLAIM_WINDOW)
            found = claim_queue_head(db, head, params, rep, now)
            if not found.queued:
                return None
            if found.prospect is not None:
                return _next_prospect(found.prospect, now)
            continue
        order = read_order(
            db,
            now=now,
            mode=QueueMode.TODAY,
            text="",
            settings=settings,
            limit=CLAIM_WINDOW,
            rep=rep,
        )
        if not order.ids:
            return None
        stored = claim_head(db, order.ids, rep, now)
        if stored is not None:
            return _next_prospect(stored, now)
    return None
