"""Schema v28: blank text another tool writes to a prospect's typed columns is no value:
over a value it keeps the value, in a new row it is none.

sqlite-utils writes '' for every empty cell of a CSV file. A round trip (`sqlite-utils
rows BOOK prospects --csv`, then `sqlite-utils upsert BOOK prospects FILE --csv --pk id`)
so writes '' over every NULL it read, and a file of changes with an empty `next_call_at`
column writes it over every next call; Excel's exports carry no-break spaces (U+00A0)
and ideographic spaces (U+3000) in cells that look empty. Up to v27 such text was
stored as it came: `funnel check` listed each value, the card showed `Deal value ?`, the
report left them out, and an empty next call moved the earliest open task, a meeting
too, to a time of '', which put the prospect first in the queue.

Text that is empty or blank (of BLANKS alone, as Python's `str.strip()` sees it) written
to one of TYPED_COLUMNS is now:
- over a value (an UPDATE), no value given: the value stays. An empty next call leaves
  the tasks as they were, and next_call_at the earliest open one's due, as the tasks'
  triggers keep it; NULL still clears it and cancels the open tasks. updated_at, a
  stamp, is now, as a change stamps it.
- in a new row (an INSERT), none: NULL, or the column's default where it is NOT NULL
  (priority 1); an empty next call makes no task.
The columns of plain text (company, needs) keep empty text: it is text there.

A SQLite file puts the values right with AFTER triggers whose WHEN looks for blank text
in the typed columns written, and the next call's own triggers leave blank text to them;
a team's database sets the row right before it is written (BEFORE triggers), so that
its next call's triggers never see the blank text.

The upgrade repairs the books the triggers before it left so, in both dialects. A task
due at blank text (the earliest open task an empty next call moved) gets the time its
call booked (`calls.follow_up_at`), else the time it was made, and keeps its status: an
open one was open before the bad write. next_call_at and next_task_kind then follow the
tasks, last_called_at and last_outcome the calls, and every other blank value becomes
NULL or the default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from funnel_tui.domain import TaskKind, TaskStatus
from funnel_tui.schema_v3 import NOW_UTC, TASK_ORDER, earliest_open_task, utc_sql
from funnel_tui.store.sql import Variants

# Every character Python's str.isspace() holds true for (tests/test_schema_v28.py makes
# sure), so that SQL and `str.strip()` see the same blank text: ASCII's spaces, tabs and
# line breaks, and Unicode's, the no-break and ideographic spaces among them.
BLANKS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


# SQL true for text of BLANKS alone (the empty text too), and never NULL. SQLite has them
# as their UTF-8 bytes, in one constant; PostgreSQL in one escape string, `E'...'`, which
# reads backslashes as escapes whatever standard_conforming_strings says.
BLANK = Variants(
    sqlite=f"(typeof({{value}}) = 'text' AND trim({{value}}, CAST(x'{BLANKS.encode().hex()}'"
    " AS TEXT)) = '')",
    postgresql="({value} IS NOT NULL AND btrim({value}, E'"
    + "".join(f"\\u{ord(character):04x}" for character in BLANKS)
    + "') = '')",
)


class TypedColumn(NamedTuple):
    """A column of prospects where blank text is no value. `empty` is SQL for what such
    text becomes where no value is kept (in a new row): NULL, or the default of a NOT NULL
    column (`{now}`, each dialect's now); `number` for an integer column, which a team's
    database types, so that no text reaches it there."""

    name: str
    empty: str = "NULL"
    number: bool = False


NEXT_CALL = "next_call_at"
STAMP = "updated_at"
TYPED_COLUMNS = (
    TypedColumn("deal_value_cents", number=True),
    TypedColumn("expected_close_on"),
    TypedColumn("priority", "1", number=True),
    TypedColumn(NEXT_CALL),
    TypedColumn("next_task_kind"),
    TypedColumn("nurtured_at"),
    TypedColumn("lost_reason"),
    TypedColumn("attempts", "0", number=True),
    TypedColumn("last_called_at"),
    TypedColumn("last_outcome"),
    TypedColumn("created_at", "{now}"),
    TypedColumn(STAMP, "{now}"),
    TypedColumn("timezone_guessed", "0", number=True),
)
# Those the upgrade sets from what the triggers keep them from rather than to `empty`.
_FOLLOWED = ("next_call_at", "next_task_kind", "last_called_at", "last_outcome")


def any_blank(columns: tuple[TypedColumn, ...], blank: str, row: str = "NEW.") -> str:
    """SQL true when one of `columns` of `row` holds blank text (`blank`: BLANK in a
    dialect)."""
    return " OR ".join(blank.format(value=f"{row}{column.name}") for column in columns)


def _blank(value: str) -> str:
    return BLANK.sqlite.format(value=value)


def over_a_value(column: TypedColumn, blank: str, now: str, earliest_due: str) -> str:
    """SQL for what blank text written over the value of `column` becomes: the value kept
    (OLD's, or `empty` where that was blank too), except the next call, the earliest open
    task's due (`earliest_due`, a dialect's SQL of it for NEW.id) as the tasks' triggers
    keep it, and updated_at, now, as a change stamps it."""
    if column.name == NEXT_CALL:
        return earliest_due
    if column.name == STAMP:
        return now
    old = f"OLD.{column.name}"
    return f"CASE WHEN {blank.format(value=old)} THEN {column.empty.format(now=now)} ELSE {old} END"


# The earliest open task's due for NEW, as the tasks' triggers keep next_call_at.
_EARLIEST_DUE = f"(SELECT due FROM ({earliest_open_task('NEW.id')}))"


def _in_a_new_row(column: TypedColumn) -> str:
    # A next call follows the tasks: none for a new prospect (unless tasks named its id
    # first, with foreign keys off).
    return _EARLIEST_DUE if column.name == NEXT_CALL else column.empty.format(now=NOW_UTC)


def _written(column: TypedColumn) -> str:
    """The trigger that puts back the value of `column` where blank text is written over
    it: one a column, so that a statement that writes others (a call writes the last call
    and attempts) neither runs nor carries it."""
    name = column.name
    when = _blank(f"NEW.{name}")
    if name == NEXT_CALL:
        # Not when it is the tasks' own (a task another tool made due ''): putting that
        # back would fire the trigger again, and again, under recursive_triggers.
        when += f" AND NEW.{name} IS NOT {_EARLIEST_DUE}"
    kept = over_a_value(column, BLANK.sqlite, NOW_UTC, _EARLIEST_DUE)
    return f"""CREATE TRIGGER prospects_empty_{name}_written AFTER UPDATE OF {name} ON prospects
WHEN {when} BEGIN
    UPDATE prospects SET {name} = {kept} WHERE id = NEW.id AND {_blank(name)};
END;"""


_PUT_RIGHT = ",\n        ".join(
    f"{column.name} = CASE WHEN {_blank(column.name)} THEN {_in_a_new_row(column)}"
    f" ELSE {column.name} END"
    for column in TYPED_COLUMNS
)

EMPTY_VALUE_TRIGGERS = f"""
-- A prospect added with blank text in a typed column has no value there: NULL, or the
-- column's default (and prospects_next_call_inserted books no task for a blank next call).
CREATE TRIGGER prospects_empty_values_inserted AFTER INSERT ON prospects
WHEN {any_blank(TYPED_COLUMNS, BLANK.sqlite)} BEGIN
    UPDATE prospects SET
        {_PUT_RIGHT}
    WHERE id = NEW.id;
END;

-- Blank text written over the value of a typed column (a CSV's empty cell) is no value
-- given: the value stays. A blank next call leaves the tasks as they were (its own
-- trigger leaves it to this one) and is their earliest open one's due again.
{chr(10).join(_written(column) for column in TYPED_COLUMNS)}
"""

_OPEN = f"'{TaskStatus.OPEN.value}'"
_WANTED = f"coalesce({utc_sql('NEW.next_call_at')}, NEW.next_call_at)"
_NOT_BLANK = f"NOT {_blank('NEW.next_call_at')}"

# v3's two triggers, made again to leave blank text to the prospects_empty_* ones.
NEXT_CALL_TRIGGERS = f"""
-- A prospect another tool (or an import) adds with a next call gets a call task then.
CREATE TRIGGER prospects_next_call_inserted AFTER INSERT ON prospects
WHEN NEW.next_call_at IS NOT NULL AND {_NOT_BLANK} BEGIN
    INSERT INTO tasks (prospect_id, kind, due_at)
    VALUES (NEW.id, '{TaskKind.CALL.value}', {_WANTED});
END;

-- Writing next_call_at itself (the edit form, an import, another tool) moves the earliest
-- open task, makes a call task when none is open, or, when cleared (NULL), cancels the
-- open ones. Blank text is no next call given: prospects_empty_next_call_at_written's.
CREATE TRIGGER prospects_next_call_written AFTER UPDATE OF next_call_at ON prospects
WHEN NEW.next_call_at IS NOT OLD.next_call_at AND {_NOT_BLANK}
  AND {_WANTED} IS NOT (SELECT due FROM ({earliest_open_task("NEW.id")}))
BEGIN
    UPDATE tasks SET status = '{TaskStatus.CANCELLED.value}'
    WHERE NEW.next_call_at IS NULL AND prospect_id = NEW.id AND status = {_OPEN};
    UPDATE tasks SET due_at = {_WANTED}
    WHERE NEW.next_call_at IS NOT NULL AND id = (
        SELECT t.id FROM tasks t WHERE t.prospect_id = NEW.id AND t.status = {_OPEN}
        ORDER BY {TASK_ORDER} LIMIT 1);
    INSERT INTO tasks (prospect_id, kind, due_at)
    SELECT NEW.id, '{TaskKind.CALL.value}', {_WANTED}
    WHERE NEW.next_call_at IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM tasks WHERE prospect_id = NEW.id AND status = {_OPEN});
END;
"""


# --- the upgrade's repairs, in either dialect ------------------------------------------


class Repair(NamedTuple):
    """An UPDATE of prospects, and the condition of the rows it changes."""

    rows: str
    statement: str


def blank_due_tasks(blank: str) -> str:
    """The tasks due at blank text (`blank`: BLANK in a dialect)."""
    return blank.format(value="due_at")


def give_due_times(blank: str, utc: Callable[[str], str], now: str) -> str:
    """Each task due at blank text gets the time its call booked, else when it was made
    (else now), and keeps its status; `utc` is a dialect's moment in UTC."""
    return (
        "UPDATE tasks SET due_at = coalesce("
        f"(SELECT {utc('c.follow_up_at')} FROM calls c WHERE c.id = tasks.call_id),"
        f" {utc('tasks.created_at')}, {now})"
        f" WHERE {blank_due_tasks(blank)}"
    )


def repairs(blank: str, earliest: str, now: str, *, numbers: bool) -> tuple[Repair, ...]:
    """The blank values of prospects put right, in order: the next calls and task kinds as
    the open tasks say (`earliest`: a dialect's SQL of the earliest open task of
    prospects.id, its due and kind), the last calls as the calls say, the other typed
    columns NULL or their default (`now`: a dialect's now); `numbers` where the integer
    columns can hold text (SQLite)."""
    columns = tuple(column for column in TYPED_COLUMNS if numbers or not column.number)
    next_calls = any_blank(_named(columns, "next_call_at", "next_task_kind"), blank, "")
    last_calls = any_blank(_named(columns, "last_called_at", "last_outcome"), blank, "")
    others = tuple(column for column in columns if column.name not in _FOLLOWED)
    set_others = ", ".join(
        f"{column.name} = CASE WHEN {blank.format(value=column.name)}"
        f" THEN {column.empty.format(now=now)} ELSE {column.name} END"
        for column in others
    )
    return (
        Repair(
            next_calls,
            f"UPDATE prospects SET (next_call_at, next_task_kind) = ({earliest})"
            f" WHERE {next_calls}",
        ),
        Repair(
            last_calls,
            "UPDATE prospects SET last_called_at = (SELECT max(c.started_at) FROM calls c"
            " WHERE c.prospect_id = prospects.id), last_outcome = (SELECT c.outcome"
            " FROM calls c WHERE c.prospect_id = prospects.id"
            f" ORDER BY c.started_at DESC, c.id DESC LIMIT 1) WHERE {last_calls}",
        ),
        Repair(
            any_blank(others, blank, ""),
            f"UPDATE prospects SET {set_others} WHERE {any_blank(others, blank, '')}",
        ),
    )


def _named(columns: tuple[TypedColumn, ...], *names: str) -> tuple[TypedColumn, ...]:
    return tuple(column for column in columns if column.name in names)
