"""Schema v28: an empty next call another tool writes is no next call given: over one it
keeps it and its tasks, and a prospect added with it has none.

sqlite-utils writes '' for every empty cell of a CSV file (`sqlite-utils upsert BOOK
prospects FILE --csv --pk id` with a `next_call_at` column left empty), and a user may
write it by hand (`update prospects set next_call_at = ''`). Up to v27 the triggers that
make a next call written to `prospects` a task took '' for a time: writing it moved the
earliest open task, a meeting too, to '', and a prospect added with it got an open `call`
task due ''. Both kept next_call_at '', which the queue's partial indexes (`next_call_at
IS NOT NULL`) read as a call due before any moment: the prospect came first in the queue,
`callback due ?`. A next call that is empty, or only spaces, tabs and line breaks, is now
no next call given: written over one, the tasks stay as they were and next_call_at is
their earliest open one's due again, as the tasks' triggers keep it; a prospect added
with it gets no task, and NULL. NULL alone clears a next call, cancelling the open tasks.
The triggers are made again here; a team's database changes the one function both of its
triggers run.

The upgrade repairs the books already hit, in both dialects. A task due '' gets a time
that can be read, the one its call booked (`calls.follow_up_at`) or else when it was
made, and keeps its status: an open one was open before the empty next call came. The
triggers on `tasks` then make each prospect's next call their earliest open task's; a
prospect whose next call is still '' (no open task) gets it as its tasks say, NULL.
"""

from __future__ import annotations

from collections.abc import Callable

from funnel_tui.domain import TaskKind, TaskStatus
from funnel_tui.schema_v3 import TASK_ORDER, earliest_open_task, utc_sql
from funnel_tui.store.sql import Variants

# True for empty text or text of spaces, tabs and line breaks alone; never NULL. No
# backslash: a PostgreSQL server without standard_conforming_strings would read one as an
# escape.
BLANK = Variants(
    sqlite="(typeof({value}) = 'text' AND trim({value}, ' ' || char(9, 10, 13)) = '')",
    postgresql="({value} IS NOT NULL AND btrim({value}, ' ' || chr(9) || chr(10) || chr(13)) = '')",
)

_OPEN = f"'{TaskStatus.OPEN.value}'"
_CANCELLED = f"'{TaskStatus.CANCELLED.value}'"
_CALL = f"'{TaskKind.CALL.value}'"


def _blank(value: str) -> str:
    return BLANK.sqlite.format(value=value)


_WANTED = f"coalesce({utc_sql('NEW.next_call_at')}, NEW.next_call_at)"
_EARLIEST_DUE = f"(SELECT due FROM ({earliest_open_task('NEW.id')}))"
# An empty next call written is the earliest open task's due again (none for a prospect
# just added): the triggers on `tasks` keep it so.
_PUT_BACK = f"""UPDATE prospects SET next_call_at = {_EARLIEST_DUE}
    WHERE {_blank("NEW.next_call_at")} AND id = NEW.id;"""

# v3's two triggers, made again: an empty value is no next call given, and is not stored.
NEXT_CALL_TRIGGERS = f"""
-- A prospect another tool (or an import) adds with a next call gets a call task then.
CREATE TRIGGER prospects_next_call_inserted AFTER INSERT ON prospects
WHEN NEW.next_call_at IS NOT NULL BEGIN
    INSERT INTO tasks (prospect_id, kind, due_at)
    SELECT NEW.id, {_CALL}, {_WANTED} WHERE NOT {_blank("NEW.next_call_at")};
    {_PUT_BACK}
END;

-- Writing next_call_at itself (the edit form, an import, another tool) moves the earliest
-- open task, makes a call task when none is open, or, when cleared (NULL), cancels the
-- open ones. Empty text (as sqlite-utils writes an empty cell) is no next call given: the
-- tasks stay, and next_call_at is their earliest open one's due again.
CREATE TRIGGER prospects_next_call_written AFTER UPDATE OF next_call_at ON prospects
WHEN NEW.next_call_at IS NOT OLD.next_call_at AND {_WANTED} IS NOT {_EARLIEST_DUE}
BEGIN
    UPDATE tasks SET status = {_CANCELLED}
    WHERE NEW.next_call_at IS NULL AND prospect_id = NEW.id AND status = {_OPEN};
    {_PUT_BACK}
    UPDATE tasks SET due_at = {_WANTED}
    WHERE NEW.next_call_at IS NOT NULL AND NOT {_blank("NEW.next_call_at")} AND id = (
        SELECT t.id FROM tasks t WHERE t.prospect_id = NEW.id AND t.status = {_OPEN}
        ORDER BY {TASK_ORDER} LIMIT 1);
    INSERT INTO tasks (prospect_id, kind, due_at)
    SELECT NEW.id, {_CALL}, {_WANTED}
    WHERE NEW.next_call_at IS NOT NULL AND NOT {_blank("NEW.next_call_at")} AND NOT EXISTS (
        SELECT 1 FROM tasks WHERE prospect_id = NEW.id AND status = {_OPEN});
END;
"""


def blank_due_tasks(blank: str) -> str:
    """The tasks due at empty text (`blank`: BLANK in a dialect)."""
    return blank.format(value="due_at")


def give_due_times(blank: str, utc: Callable[[str], str], now: str) -> str:
    """Each task due at empty text gets the time its call booked, else when it was made
    (else now), and keeps its status; `utc` is a dialect's moment in UTC."""
    return (
        "UPDATE tasks SET due_at = coalesce("
        f"(SELECT {utc('c.follow_up_at')} FROM calls c WHERE c.id = tasks.call_id),"
        f" {utc('tasks.created_at')}, {now})"
        f" WHERE {blank_due_tasks(blank)}"
    )


def empty_next_calls(blank: str) -> str:
    """The prospects whose next call is empty text (`blank`: BLANK in a dialect)."""
    return blank.format(value="next_call_at")


def follow_tasks(blank: str, earliest: str) -> str:
    """Those prospects' next call and task kind as their open tasks say (`earliest`: a
    dialect's SQL of the earliest open task of prospects.id, its due and kind)."""
    return (
        f"UPDATE prospects SET (next_call_at, next_task_kind) = ({earliest})"
        f" WHERE {empty_next_calls(blank)}"
    )
