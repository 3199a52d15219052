"""Schema v3: tasks, the stage `meeting`, lost reasons and deal kinds (PRODUCT sections 4, 14).

SQLite cannot change a CHECK constraint in place, so v3 builds `prospects` and `calls`
again with the new stages and outcomes and copies every row across; `migrations.py` runs
it. The open tasks of a v2 book are made from its `next_call_at` and last outcomes.
"""

from __future__ import annotations

from funnel_tui.domain import (
    CADENCE_OUTCOMES,
    CONNECT_OUTCOMES,
    DealKind,
    Kind,
    Outcome,
    Stage,
    TaskKind,
    TaskStatus,
    sql_list,
)
from funnel_tui.foreign_values import FIRST_DAY, LAST_DAY

NOW_UTC = "(strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))"


def utc_sql(moment: str) -> str:
    """SQL for a stored moment in UTC ISO 8601 (`+00:00`), whatever offset it was written
    with; NULL for what is not a moment from 1900 to 2999.

    strftime alone takes `2026-02-30` as it is and a number as a Julian day, so the day
    is checked first: a day SQLite would have to move (to 2 March) is no day.
    """
    day = f"substr({moment}, 1, 10)"
    return (
        f"CASE WHEN typeof({moment}) = 'text' AND date({day}, '+0 days') IS {day}"
        f" AND {day} BETWEEN '{FIRST_DAY}' AND '{LAST_DAY}'"
        f" THEN strftime('%Y-%m-%dT%H:%M:%S+00:00', {moment}) END"
    )


PROSPECTS_V3 = f"""
CREATE TABLE prospects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    first_name TEXT,
    title TEXT,
    company TEXT,
    phone TEXT,
    email TEXT,
    timezone TEXT,
    kind TEXT NOT NULL DEFAULT 'new' CHECK (kind IN ({sql_list(Kind)})),
    stage TEXT NOT NULL DEFAULT 'lead' CHECK (stage IN ({sql_list(Stage)})),
    method TEXT NOT NULL DEFAULT 'solution',
    needs TEXT,
    pain_points TEXT,
    objections TEXT,
    goals TEXT,
    deal_value_cents INTEGER,
    expected_close_on TEXT,
    source TEXT,
    priority INTEGER NOT NULL DEFAULT 1,
    next_call_at TEXT,
    next_task_kind TEXT,
    do_not_call INTEGER NOT NULL DEFAULT 0 CHECK (do_not_call IN (0, 1)),
    wrong_number INTEGER NOT NULL DEFAULT 0 CHECK (wrong_number IN (0, 1)),
    nurture INTEGER NOT NULL DEFAULT 0 CHECK (nurture IN (0, 1)),
    nurtured_at TEXT,
    lost_reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_called_at TEXT,
    last_outcome TEXT,
    created_at TEXT NOT NULL DEFAULT {NOW_UTC},
    updated_at TEXT NOT NULL DEFAULT {NOW_UTC}
)
"""

CALLS_V3 = f"""
CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    prospect_id INTEGER NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    started_at TEXT NOT NULL DEFAULT {NOW_UTC},
    duration_s INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL CHECK (outcome IN ({sql_list(Outcome)})),
    method TEXT,
    notes TEXT,
    follow_up_at TEXT,
    reason TEXT
)
"""

# The columns v2 had, copied across as they are.
PROSPECT_COLUMNS_V2 = (
    "id, name, title, company, phone, email, timezone, kind, stage, method, needs, "
    "pain_points, objections, goals, deal_value_cents, source, priority, next_call_at, "
    "do_not_call, wrong_number, nurture, attempts, last_called_at, last_outcome, "
    "created_at, updated_at"
)
CALL_COLUMNS_V2 = "id, prospect_id, started_at, duration_s, outcome, method, notes, follow_up_at"

_OPEN = f"'{TaskStatus.OPEN}'"

# A task's due_at as next_call_at holds it: in UTC, or as written when it is not a moment
# (another tool's "next week"), so the prospect still shows it as unreadable (a `?`)
# instead of losing its next call.
_TASK_DUE = f"coalesce({utc_sql('t.due_at')}, t.due_at)"
# Readable due dates first, the earliest of them first.
TASK_ORDER = f"{utc_sql('t.due_at')} IS NULL, {utc_sql('t.due_at')}, t.id"

# The earliest open task of prospect `prospect` (SQL naming its id), as (due, kind); a
# task whose due_at is not a moment comes only after every one that is.
_EARLIEST_OPEN_TASK = f"""SELECT {_TASK_DUE} AS due, t.kind AS kind FROM tasks t
    WHERE t.prospect_id = {{prospect}} AND t.status = {_OPEN}
    ORDER BY {TASK_ORDER} LIMIT 1"""


def earliest_open_task(prospect: str) -> str:
    return _EARLIEST_OPEN_TASK.format(prospect=prospect)


def _follow_tasks(prospect: str) -> str:
    """Set next_call_at and next_task_kind of one prospect from its open tasks, writing
    (and so stamping) the row only when they change."""
    earliest = earliest_open_task(prospect)
    return f"""UPDATE prospects SET (next_call_at, next_task_kind) = ({earliest})
    WHERE id = {prospect} AND (next_call_at, next_task_kind) IS NOT ({earliest});"""


SCHEMA_V3_TABLES = f"""
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    prospect_id INTEGER NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ({sql_list(TaskKind)})),
    due_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT {_OPEN} CHECK (status IN ({sql_list(TaskStatus)})),
    note TEXT,
    created_at TEXT NOT NULL DEFAULT {NOW_UTC},
    call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,
    done_call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,
    done_at TEXT
);

-- Every change of do_not_call, wrong_number and nurture, whoever made it: the timeline.
CREATE TABLE flag_changes (
    id INTEGER PRIMARY KEY,
    prospect_id INTEGER NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    flag TEXT NOT NULL,
    value INTEGER NOT NULL,
    changed_at TEXT NOT NULL DEFAULT {NOW_UTC}
);

ALTER TABLE deals ADD COLUMN kind TEXT NOT NULL DEFAULT '{DealKind.NEW}'
    CHECK (kind IN ({sql_list(DealKind)}));
"""

SCHEMA_V3_INDEXES = """
CREATE INDEX tasks_prospect ON tasks (prospect_id, status, due_at);
CREATE INDEX tasks_call ON tasks (call_id);
CREATE INDEX tasks_done_call ON tasks (done_call_id);
CREATE INDEX flag_changes_prospect ON flag_changes (prospect_id, changed_at);
-- Queue buckets (PRODUCT section 5), each read in order straight off an index that
-- covers every column the bucket's query names, so no table row is read.
CREATE INDEX prospects_due ON prospects (
    next_call_at, id, next_task_kind, timezone, stage, do_not_call, wrong_number)
    WHERE next_call_at IS NOT NULL AND do_not_call = 0 AND wrong_number = 0;
CREATE INDEX prospects_never_called ON prospects (
    priority DESC, created_at DESC, id DESC, timezone, next_call_at, last_called_at, stage,
    kind, nurture, do_not_call, wrong_number)
    WHERE next_call_at IS NULL AND last_called_at IS NULL AND nurture = 0
      AND do_not_call = 0 AND wrong_number = 0 AND stage NOT IN ('lost', 'won')
      AND kind != 'customer';
CREATE INDEX prospects_pipeline ON prospects (stage, deal_value_cents)
    WHERE stage IN ('meeting', 'qualified', 'proposal') AND deal_value_cents > 0;
"""

_FLAGS = ("do_not_call", "wrong_number", "nurture")


def flags_trigger(flags: tuple[str, ...], *, phone_kept_by: str | None = None) -> str:
    """The trigger that records each change of these flags in flag_changes (v24 makes it
    again with do_not_email); with `phone_kept_by` (v26: wrong_number), the setting of
    that flag also records the prospect's phone then."""
    recorded = "\n    ".join(
        f"INSERT INTO flag_changes (prospect_id, flag, value, phone) SELECT NEW.id,"
        f" '{flag}', NEW.{flag}, CASE WHEN NEW.{flag} = 1 THEN NEW.phone END"
        f" WHERE NEW.{flag} IS NOT OLD.{flag};"
        if flag == phone_kept_by
        else f"INSERT INTO flag_changes (prospect_id, flag, value) SELECT NEW.id, '{flag}',"
        f" NEW.{flag} WHERE NEW.{flag} IS NOT OLD.{flag};"
        for flag in flags
    )
    return f"""CREATE TRIGGER prospects_flags_changed AFTER UPDATE OF {", ".join(flags)}
ON prospects BEGIN
    {recorded}
END;"""


_CONNECTS = sql_list(sorted(CONNECT_OUTCOMES))
_ATTEMPTS = sql_list(sorted(CADENCE_OUTCOMES))

# Another busy signal from the prospect of NEW on its local day, with no connect since.
_BUSY_EARLIER_TODAY = f"""SELECT 1 FROM calls c WHERE c.prospect_id = NEW.prospect_id
        AND c.id != NEW.id AND c.outcome = 'busy'
        AND date(c.started_at, 'localtime') = date(NEW.started_at, 'localtime')
        AND NOT EXISTS (SELECT 1 FROM calls k WHERE k.prospect_id = NEW.prospect_id
            AND k.outcome IN ({_CONNECTS})
            AND k.started_at BETWEEN c.started_at AND NEW.started_at)"""

SCHEMA_V3_TRIGGERS = f"""
-- prospects.next_call_at and next_task_kind follow the earliest open task, whoever
-- writes the tasks, so the queue indexes and other tools keep reading next_call_at.
CREATE TRIGGER tasks_after_insert AFTER INSERT ON tasks WHEN NEW.status = {_OPEN} BEGIN
    {_follow_tasks("NEW.prospect_id")}
END;

CREATE TRIGGER tasks_after_update AFTER UPDATE OF prospect_id, kind, due_at, status ON tasks
BEGIN
    {_follow_tasks("OLD.prospect_id")}
    {_follow_tasks("NEW.prospect_id")}
END;

CREATE TRIGGER tasks_after_delete AFTER DELETE ON tasks WHEN OLD.status = {_OPEN} BEGIN
    {_follow_tasks("OLD.prospect_id")}
END;

-- A prospect another tool (or an import) adds with a next call gets a call task then.
CREATE TRIGGER prospects_next_call_inserted AFTER INSERT ON prospects
WHEN NEW.next_call_at IS NOT NULL BEGIN
    INSERT INTO tasks (prospect_id, kind, due_at)
    VALUES (NEW.id, '{TaskKind.CALL}', coalesce({utc_sql("NEW.next_call_at")}, NEW.next_call_at));
END;

-- Writing next_call_at itself (the edit form, an import, another tool) moves the earliest
-- open task, makes a call task when none is open, or, when cleared, cancels the open ones.
CREATE TRIGGER prospects_next_call_written AFTER UPDATE OF next_call_at ON prospects
WHEN NEW.next_call_at IS NOT OLD.next_call_at
  AND coalesce({utc_sql("NEW.next_call_at")}, NEW.next_call_at)
    IS NOT (SELECT due FROM ({earliest_open_task("NEW.id")}))
BEGIN
    UPDATE tasks SET status = '{TaskStatus.CANCELLED}'
    WHERE NEW.next_call_at IS NULL AND prospect_id = NEW.id AND status = {_OPEN};
    UPDATE tasks SET due_at = coalesce({utc_sql("NEW.next_call_at")}, NEW.next_call_at)
    WHERE NEW.next_call_at IS NOT NULL AND id = (
        SELECT t.id FROM tasks t WHERE t.prospect_id = NEW.id AND t.status = {_OPEN}
        ORDER BY {TASK_ORDER} LIMIT 1);
    INSERT INTO tasks (prospect_id, kind, due_at)
    SELECT NEW.id, '{TaskKind.CALL}', coalesce({utc_sql("NEW.next_call_at")}, NEW.next_call_at)
    WHERE NEW.next_call_at IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM tasks WHERE prospect_id = NEW.id AND status = {_OPEN});
END;

-- Replaces v1's: only an unanswered attempt counts (a busy line once a local day), a
-- connect starts the count again, and the other outcomes (a no-show, a wrong number)
-- leave it alone.
CREATE TRIGGER calls_after_insert AFTER INSERT ON calls BEGIN
    UPDATE prospects SET
        last_called_at = NEW.started_at,
        last_outcome = NEW.outcome,
        attempts = CASE WHEN NEW.outcome IN ({_CONNECTS}) THEN 0
                        WHEN NEW.outcome = 'busy' AND EXISTS ({_BUSY_EARLIER_TODAY}) THEN attempts
                        WHEN NEW.outcome IN ({_ATTEMPTS}) THEN attempts + 1
                        ELSE attempts END
    WHERE id = NEW.prospect_id
      AND (last_called_at IS NULL OR last_called_at <= NEW.started_at);
END;

{flags_trigger(_FLAGS)}
"""

# v2 kept one next call per prospect: it becomes an open task of the kind its last
# outcome promised, made by that call.
SEED_TASKS = f"""
INSERT INTO tasks (prospect_id, kind, due_at, status, created_at, call_id)
SELECT p.id,
    CASE p.last_outcome WHEN 'callback' THEN '{TaskKind.CALLBACK}'
        WHEN 'meeting' THEN '{TaskKind.MEETING}' ELSE '{TaskKind.CALL}' END,
    coalesce({utc_sql("p.next_call_at")}, p.next_call_at), {_OPEN},
    coalesce(last.started_at, p.updated_at), last.id
FROM prospects p LEFT JOIN calls last ON last.id = (
    SELECT c.id FROM calls c WHERE c.prospect_id = p.id ORDER BY c.started_at DESC, c.id DESC
    LIMIT 1)
WHERE p.next_call_at IS NOT NULL
"""

# What v2 could not say (PRODUCT section 14): a reached `new` prospect is `known`; a
# customer's deal value was their last win, not an open opportunity; the prospects the
# cadence gave up on were unreachable, nurtured when last called; a later deal of a
# prospect is an expansion.
V3_CORRECTIONS = (
    f"""UPDATE prospects SET kind = '{Kind.KNOWN}' WHERE kind = '{Kind.NEW}' AND EXISTS (
        SELECT 1 FROM calls c WHERE c.prospect_id = prospects.id AND c.outcome IN ({_CONNECTS}))""",
    f"""UPDATE prospects SET deal_value_cents = NULL WHERE kind = '{Kind.CUSTOMER}'
        AND deal_value_cents = (SELECT d.amount_cents FROM deals d
            WHERE d.prospect_id = prospects.id ORDER BY d.closed_on DESC, d.id DESC LIMIT 1)""",
    f"""UPDATE prospects SET lost_reason = 'unreachable', nurtured_at = last_called_at
        WHERE nurture = 1 AND stage = '{Stage.LOST}'
          AND last_outcome NOT IN ({_CONNECTS})""",
    f"""UPDATE deals SET kind = '{DealKind.EXPANSION}' WHERE EXISTS (
        SELECT 1 FROM deals earlier WHERE earlier.prospect_id = deals.prospect_id
          AND (earlier.closed_on, earlier.id) < (deals.closed_on, deals.id))""",
)

# What the tasks triggers keep, worked out again from the tasks; only the prospects whose
# columns differ are written.
NEXT_TASK_FROM_TASKS = f"""
SELECT p.id, e.due AS next_call_at, e.kind AS next_task_kind
FROM prospects p LEFT JOIN (
    SELECT prospect_id, due, kind FROM (
        SELECT t.prospect_id, {_TASK_DUE} AS due, t.kind,
            row_number() OVER (PARTITION BY t.prospect_id ORDER BY {TASK_ORDER}) AS n
        FROM tasks t WHERE t.status = {_OPEN})
    WHERE n = 1) e ON e.prospect_id = p.id
"""

RECOMPUTE_NEXT_TASK = f"""
WITH fresh AS ({NEXT_TASK_FROM_TASKS})
UPDATE prospects SET next_call_at = fresh.next_call_at, next_task_kind = fresh.next_task_kind
FROM fresh
WHERE fresh.id = prospects.id AND (prospects.next_call_at IS NOT fresh.next_call_at
    OR prospects.next_task_kind IS NOT fresh.next_task_kind)
"""

# The prospects whose next_call_at or next_task_kind is not their earliest open task's.
NEXT_TASK_DRIFT = f"""
WITH fresh AS ({NEXT_TASK_FROM_TASKS})
SELECT count(*), min(p.id) FROM prospects p JOIN fresh ON fresh.id = p.id
WHERE p.next_call_at IS NOT fresh.next_call_at OR p.next_task_kind IS NOT fresh.next_task_kind
"""
