"""Schema v28: an empty next call that another tool writes clears it, as NULL does.

sqlite-utils writes '' for every empty cell of a CSV file (`sqlite-utils insert --csv`),
and a user may write it by hand (`update prospects set next_call_at = ''`). Up to v27 the
triggers that make a next call written to `prospects` a task took '' for a time: writing
it moved the earliest open task to '' instead of cancelling the open ones, and a prospect
added with it got an open `call` task due ''. Both kept next_call_at '', which the
queue's partial indexes (`next_call_at IS NOT NULL`) read as a call due before any
moment: the prospect came first in the queue, `callback due ?`. A next call that is
empty, or only spaces, tabs and line breaks, now clears it exactly as NULL: the open
tasks are cancelled, a prospect added with it gets no task, and next_call_at is stored
NULL. The triggers are made again here; a team's database changes the one function both
of its triggers run.

The upgrade repairs the books already hit, in both dialects. A task due '' gets a time
that can be read, the one its call booked (`calls.follow_up_at`) or else when it was
made, and an open one is cancelled: the triggers on `tasks` then make each prospect's
next call their earliest open task left, one with a real time, or none. A prospect left
with next_call_at '' and no open task gets NULL.
"""

from __future__ import annotations

from collections.abc import Callable

from funnel_tui.domain import TaskKind, TaskStatus
from funnel_tui.schema_v3 import TASK_ORDER, earliest_open_task, utc_sql
from funnel_tui.store.sql import Variants

# True for a value that clears the next call: NULL, empty text, or text of spaces, tabs
# and line breaks alone. No backslash: a PostgreSQL server without
# standard_conforming_strings would read one as an escape.
CLEARS = Variants(
    sqlite="coalesce(trim({value}, ' ' || char(9, 10, 13)), '') = ''",
    postgresql="coalesce(btrim({value}, ' ' || chr(9) || chr(10) || chr(13)), '') = ''",
)

_OPEN = f"'{TaskStatus.OPEN.value}'"
_CANCELLED = f"'{TaskStatus.CANCELLED.value}'"
_CALL = f"'{TaskKind.CALL.value}'"


def _clears(value: str) -> str:
    return CLEARS.sqlite.format(value=value)


_WANTED = f"coalesce({utc_sql('NEW.next_call_at')}, NEW.next_call_at)"
# An empty next call written: stored as NULL once the open tasks are cancelled (which
# clears it already when there were any).
_STORE_NULL = f"""UPDATE prospects SET next_call_at = NULL
    WHERE {_clears("NEW.next_call_at")} AND id = NEW.id AND next_call_at IS NOT NULL;"""

# v3's two triggers, made again: an empty value is a clear, and is not stored.
NEXT_CALL_TRIGGERS = f"""
-- A prospect another tool (or an import) adds with a next call gets a call task then.
CREATE TRIGGER prospects_next_call_inserted AFTER INSERT ON prospects
WHEN NEW.next_call_at IS NOT NULL BEGIN
    INSERT INTO tasks (prospect_id, kind, due_at)
    SELECT NEW.id, {_CALL}, {_WANTED} WHERE NOT {_clears("NEW.next_call_at")};
    {_STORE_NULL}
END;

-- Writing next_call_at itself (the edit form, an import, another tool) moves the earliest
-- open task, makes a call task when none is open, or, when cleared (NULL, or empty text
-- as sqlite-utils writes an empty cell), cancels the open ones.
CREATE TRIGGER prospects_next_call_written AFTER UPDATE OF next_call_at ON prospects
WHEN NEW.next_call_at IS NOT OLD.next_call_at
  AND {_WANTED} IS NOT (SELECT due FROM ({earliest_open_task("NEW.id")}))
BEGIN
    UPDATE tasks SET status = {_CANCELLED}
    WHERE {_clears("NEW.next_call_at")} AND prospect_id = NEW.id AND status = {_OPEN};
    {_STORE_NULL}
    UPDATE tasks SET due_at = {_WANTED}
    WHERE NOT {_clears("NEW.next_call_at")} AND id = (
        SELECT t.id FROM tasks t WHERE t.prospect_id = NEW.id AND t.status = {_OPEN}
        ORDER BY {TASK_ORDER} LIMIT 1);
    INSERT INTO tasks (prospect_id, kind, due_at)
    SELECT NEW.id, {_CALL}, {_WANTED}
    WHERE NOT {_clears("NEW.next_call_at")} AND NOT EXISTS (
        SELECT 1 FROM tasks WHERE prospect_id = NEW.id AND status = {_OPEN});
END;
"""


def blank_due_tasks(clears: str) -> str:
    """The tasks due at an empty time (`clears`: CLEARS in a dialect)."""
    return f"due_at IS NOT NULL AND {clears.format(value='due_at')}"


def empty_next_calls(clears: str) -> str:
    """The prospects whose next call is empty with no open task left (one with an open
    task has its time, which the tasks' triggers keep)."""
    return (
        f"next_call_at IS NOT NULL AND {clears.format(value='next_call_at')} AND NOT EXISTS ("
        f"SELECT 1 FROM tasks t WHERE t.prospect_id = prospects.id AND t.status = {_OPEN})"
    )


def give_due_times(clears: str, utc: Callable[[str], str], now: str) -> str:
    """Each task due at an empty time gets the time its call booked, else when it was
    made (else now), and is cancelled when open; `utc` is a dialect's moment in UTC."""
    return (
        "UPDATE tasks SET due_at = coalesce("
        f"(SELECT {utc('c.follow_up_at')} FROM calls c WHERE c.id = tasks.call_id),"
        f" {utc('tasks.created_at')}, {now}),"
        f" status = CASE WHEN status = {_OPEN} THEN {_CANCELLED} ELSE status END,"
        f" done_at = CASE WHEN status = {_OPEN} THEN {now} ELSE done_at END"
        f" WHERE {blank_due_tasks(clears)}"
    )


def clear_next_calls(clears: str) -> str:
    """Those prospects' next call NULL, as their open tasks say."""
    return (
        "UPDATE prospects SET next_call_at = NULL, next_task_kind = NULL"
        f" WHERE {empty_next_calls(clears)}"
    )
