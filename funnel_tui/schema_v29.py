"""Schema v29: `calendar_cancellations`, the meetings and callbacks deleted from the book,
which the next calendar file cancels.

`funnel calendar` writes each meeting and callback with its task's UID, and a task
cancelled since as a cancelled event, so a calendar that imported an earlier file drops
it. A task deleted instead left nothing to write: a meeting undone with `u`, and every
appointment of a prospect forgotten (`funnel forget`), stayed in the rep's calendar for
good, the forgotten person's name with it. A trigger now keeps, for each meeting or
callback deleted, what its cancellation needs and nothing of the person: the task's and
the prospect's ids (its UID), its kind, when it was due, its next SEQUENCE, the rep whose
prospect it was (a team's calendar is each rep's) and when it was deleted. A task written
back with its id (another tool restoring a backup's row) is no longer cancelled.
"""

from __future__ import annotations

from funnel_tui.domain import TaskKind
from funnel_tui.schema_v3 import NOW_UTC

# The kinds of task a calendar file carries as events.
APPOINTMENT_KINDS = f"'{TaskKind.MEETING.value}', '{TaskKind.CALLBACK.value}'"

# No foreign keys: the task and the prospect are gone. A task's id is never given twice
# (schema_v25), so one cancellation a task.
TABLE = f"""
CREATE TABLE calendar_cancellations (
    task_id INTEGER PRIMARY KEY,
    prospect_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    due_at TEXT,
    sequence INTEGER NOT NULL DEFAULT 0,
    owner TEXT,
    removed_at TEXT NOT NULL DEFAULT {NOW_UTC}
)"""
# The files written in the days after a removal read the removals since a moment.
INDEX = "CREATE INDEX calendar_cancellations_removed ON calendar_cancellations (removed_at)"

# A task written again with the id of one deleted (another tool putting back a backup's
# row): no longer cancelled, and a newer version of the event than the cancellation, which
# a calendar would keep over an older one.
RESTORED_TRIGGER = """
CREATE TRIGGER tasks_back_in_calendar AFTER INSERT ON tasks
WHEN EXISTS (SELECT 1 FROM calendar_cancellations WHERE task_id = NEW.id)
BEGIN
    UPDATE tasks SET sequence = max(coalesce(sequence, 0),
        (SELECT sequence + 1 FROM calendar_cancellations WHERE task_id = NEW.id))
    WHERE id = NEW.id;
    DELETE FROM calendar_cancellations WHERE task_id = NEW.id;
END;
"""

# The prospect is still there when a task is deleted alone (an undo, forget's own
# delete); deleted with the prospect, the task has no owner to name, and every rep's
# calendar gets the cancellation.
TRIGGER = f"""
CREATE TRIGGER tasks_removed_from_calendar AFTER DELETE ON tasks
WHEN OLD.kind IN ({APPOINTMENT_KINDS})
BEGIN
    INSERT OR REPLACE INTO calendar_cancellations
        (task_id, prospect_id, kind, due_at, sequence, owner)
    VALUES (OLD.id, OLD.prospect_id, OLD.kind, OLD.due_at, coalesce(OLD.sequence, 0) + 1,
        (SELECT owner FROM prospects WHERE id = OLD.prospect_id));
END;
"""
