"""A prospect's tasks: reading them, and rescheduling, completing or cancelling one
(PRODUCT section 14). Logging a call makes and completes tasks in `call_log`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from funnel_tui.domain import CALL_TASKS, TaskKind, TaskStatus, sql_list
from funnel_tui.foreign_values import readable_row
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.timestamps import from_stored, to_stored

if TYPE_CHECKING:
    import sqlite_utils

TASK_COLUMNS = (
    "id",
    "prospect_id",
    "kind",
    "due_at",
    "status",
    "note",
    "created_at",
    "call_id",
    "done_call_id",
    "done_at",
)


class TaskChangeRefused(ValueError):
    """The task cannot be changed as asked; str() says why in one line."""


class Task(NamedTuple):
    """One task as stored; kind and status are None when another tool wrote a value funnel
    does not know, and `unreadable` names the columns a screen shows as `?`."""

    id: int
    prospect_id: int
    kind: TaskKind | None
    due_at: datetime | None
    status: TaskStatus | None
    note: str | None
    created_at: datetime | None
    call_id: int | None
    done_call_id: int | None
    done_at: datetime | None
    unreadable: frozenset[str] = frozenset()

    @property
    def is_open(self) -> bool:
        return self.status is TaskStatus.OPEN


def _known(enum: type[TaskKind] | type[TaskStatus], value: object) -> object:
    try:
        return enum(value)
    except ValueError:
        return None


def task_from_row(stored: tuple[object, ...]) -> Task:
    """A task from its stored values, in the order of TASK_COLUMNS."""
    values, unreadable = readable_row("tasks", dict(zip(TASK_COLUMNS, stored, strict=True)))
    kind, status = _known(TaskKind, values["kind"]), _known(TaskStatus, values["status"])
    unreadable |= {
        column for column, known in (("kind", kind), ("status", status)) if known is None
    }
    return Task(
        id=values["id"],
        prospect_id=values["prospect_id"],
        kind=kind,  # type: ignore[arg-type]
        due_at=from_stored(values["due_at"]),
        status=status,  # type: ignore[arg-type]
        note=values["note"],
        created_at=from_stored(values["created_at"]),
        call_id=values["call_id"],
        done_call_id=values["done_call_id"],
        done_at=from_stored(values["done_at"]),
        unreadable=frozenset(unreadable),
    )


_SELECT = f"SELECT {', '.join(TASK_COLUMNS)} FROM tasks"


# The tasks of prospect `?` in status `?` (open), soonest first (a task with an
# unreadable date last).
OPEN_TASKS = f"{_SELECT} WHERE prospect_id = ? AND status = ? ORDER BY due_at IS NULL, due_at, id"
# The tasks of prospect `?` with these ids (`{marks}`), whatever their status.
TASKS_OF_IDS = f"{_SELECT} WHERE prospect_id = ? AND id IN ({{marks}}) ORDER BY id"


def open_tasks(db: sqlite_utils.Database, prospect_id: int) -> list[Task]:
    """The prospect's open tasks, soonest first (a task with an unreadable date last)."""
    rows = db.execute(OPEN_TASKS, [prospect_id, TaskStatus.OPEN.value])
    return [task_from_row(row) for row in rows]


def soonest_open_tasks(
    db: sqlite_utils.Database, prospect_id: int, limit: int
) -> tuple[list[Task], int]:
    """The prospect's `limit` soonest open tasks, and how many are open in all: one query
    on the index of a prospect's tasks, for the card drawn on every cursor move."""
    rows = db.execute(
        f"SELECT {', '.join(TASK_COLUMNS)}, count(*) OVER () FROM tasks"
        " WHERE prospect_id = ? AND status = ? ORDER BY due_at IS NULL, due_at, id LIMIT ?",
        [prospect_id, TaskStatus.OPEN.value, limit],
    ).fetchall()
    return [task_from_row(row[:-1]) for row in rows], rows[0][-1] if rows else 0


def prospect_tasks(db: sqlite_utils.Database, prospect_id: int) -> list[Task]:
    """Every task of the prospect, newest due first."""
    rows = db.execute(
        f"{_SELECT} WHERE prospect_id = ? ORDER BY due_at DESC, id DESC", [prospect_id]
    )
    return [task_from_row(row) for row in rows]


def get_task(db: sqlite_utils.Database, task_id: int) -> Task | None:
    row = db.execute(f"{_SELECT} WHERE id = ?", [task_id]).fetchone()
    return task_from_row(row) if row else None


def _open_task(db: sqlite_utils.Database, task_id: int) -> Task:
    task = get_task(db, task_id)
    if task is None:
        raise TaskChangeRefused("that task no longer exists (another program removed it)")
    if not task.is_open:
        status = task.status.value if task.status else "unknown"
        raise TaskChangeRefused(f"that task is already {status}; only an open task can change")
    return task


def reschedule_task(db: sqlite_utils.Database, task_id: int, due_at: datetime) -> Task:
    """Move an open task to `due_at`; the prospect's next call follows (triggers)."""
    with write_transaction(db):
        _open_task(db, task_id)
        db.execute("UPDATE tasks SET due_at = ? WHERE id = ?", [to_stored(due_at), task_id])
        task = get_task(db, task_id)
    assert task is not None
    return task


def close_task(
    db: sqlite_utils.Database, task_id: int, status: TaskStatus, *, now: datetime
) -> Task:
    """Mark an open task done or cancelled (or missed) by hand, at `now`."""
    if status is TaskStatus.OPEN:
        raise TaskChangeRefused("a task is closed as done, missed or cancelled")
    with write_transaction(db):
        _open_task(db, task_id)
        db.execute(
            "UPDATE tasks SET status = ?, done_at = ? WHERE id = ?",
            [status.value, to_stored(now), task_id],
        )
        task = get_task(db, task_id)
    assert task is not None
    return task


def cancel_call_tasks(db: sqlite_utils.Database, prospect_id: int, now: datetime | None) -> int:
    """Cancel the prospect's open call, callback and revisit tasks, at `now` (in the
    caller's transaction): marked do not call, they are never phoned again. A meeting or an
    email stays. Returns how many were cancelled."""
    return _cancel_open(db, prospect_id, CALL_TASKS, now)


def cancel_email_tasks(db: sqlite_utils.Database, prospect_id: int, now: datetime | None) -> int:
    """Cancel the prospect's open email tasks, at `now` (in the caller's transaction):
    marked do not email, they are sent nothing. Returns how many were cancelled."""
    return _cancel_open(db, prospect_id, (TaskKind.EMAIL,), now)


def _cancel_open(
    db: sqlite_utils.Database, prospect_id: int, kinds: Iterable[TaskKind], now: datetime | None
) -> int:
    return db.execute(
        "UPDATE tasks SET status = ?, done_at = ?"
        f" WHERE prospect_id = ? AND status = ? AND kind IN ({sql_list(kinds)})",
        [
            TaskStatus.CANCELLED.value,
            None if now is None else to_stored(now),
            prospect_id,
            TaskStatus.OPEN.value,
        ],
    ).rowcount


def reopen_call_tasks(
    db: sqlite_utils.Database, prospect_id: int, since: str | None, now: datetime | None
) -> int:
    """Do not call cleared: reopen the call, callback and revisit tasks the mark cancelled
    (the prospect's last cancelled together, if after their last call, `since`) that are
    still to come after `now`, so a mark ticked by mistake and cleared loses no callback
    booked. Returns how many were reopened (in the caller's transaction)."""
    kinds = sql_list(CALL_TASKS)
    cancelled = TaskStatus.CANCELLED.value
    (batch,) = db.execute(
        "SELECT max(done_at) FROM tasks"
        f" WHERE prospect_id = ? AND status = ? AND kind IN ({kinds})",
        [prospect_id, cancelled],
    ).fetchone()
    if batch is None or (since is not None and batch < since):
        return 0
    return int(
        db.execute(
            "UPDATE tasks SET status = ?, done_at = NULL"
            f" WHERE prospect_id = ? AND status = ? AND kind IN ({kinds})"
            " AND done_at = ? AND due_at > ?",
            [
                TaskStatus.OPEN.value,
                prospect_id,
                cancelled,
                batch,
                "" if now is None else to_stored(now),
            ],
        ).rowcount
    )
