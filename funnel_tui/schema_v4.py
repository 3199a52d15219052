"""Schema v4: what the manager's report (PRODUCT 9b) reads instead of every call.

Two tables that triggers keep in step with `calls` and `prospects`, as `call_days` has
been since v2:

- `call_days` counts more of each UTC day's calls by method and source: meetings held,
  proposals, talk time and the `not_interested` calls by reason, besides calls, connects,
  meetings and wins. A report adds up the whole days of its window and reads the calls
  of the two partial days at its edges.
- `lead_marks` holds, for each prospect, the first and last moments it was called, and
  the last moments it was reached, booked a meeting and said no (and how long after its
  creation the first call came, for speed to lead): once for its calls of every method
  (`per_method` 0, with `only_method` naming the method when all its calls count under
  one, as most do) and, for a prospect called with several, once for each method. A
  prospect had such a call in a window [start, end) exactly when the last one is in it,
  or, when the last one comes after the window, when a look at its calls finds one; so
  the distinct-prospect counts of a report read one row per prospect called since the
  window began, not every call.

`migrations.py` runs it; `funnel check` compares both tables with a fresh count.
"""

from __future__ import annotations

from collections.abc import Iterable

from funnel_tui.domain import CONNECT_OUTCOMES, NO_SOURCE, PICKED_REASONS, Outcome, sql_list
from funnel_tui.foreign_values import stored_form_sql, wrong_value_sql

_CONNECTS = sql_list(sorted(CONNECT_OUTCOMES))
UNSPECIFIED_REASON = "unspecified"
# The day call_days counts a call whose start is not a moment on.
UNREADABLE_DAY = "unreadable"
# The name a prospect's method that is a BLOB counts under.
UNREADABLE_METHOD = "(unreadable)"
# The lost reasons call_days counts, each in a column `lost_<reason>`.
COUNTED_REASONS = (*(str(reason) for reason in PICKED_REASONS), UNSPECIFIED_REASON)


def method_name_sql(call: str, prospect: str) -> str:
    """The method a call counts under: its own, else its prospect's (the report's names);
    a method that is a BLOB cannot be read, so a call's is passed over and a prospect's
    counts as UNREADABLE_METHOD."""
    own, theirs = f"{call}.method", f"{prospect}.method"
    return (
        f"CASE WHEN {own} IS NOT NULL AND {own} <> '' AND typeof({own}) <> 'blob' THEN {own}"
        f" WHEN typeof({theirs}) = 'blob' THEN '{UNREADABLE_METHOD}' ELSE {theirs} END"
    )


def call_day_sql(call: str) -> str:
    """The UTC day call_days counts a call on: the first ten characters of its start, or
    UNREADABLE_DAY for a start that is not a moment, which no report window holds."""
    return (
        f"CASE WHEN {wrong_value_sql('calls', 'started_at', f'{call}.')}"
        f" THEN '{UNREADABLE_DAY}' ELSE substr({call}.started_at, 1, 10) END"
    )


def source_name_sql(prospect: str) -> str:
    """The source a call counts under: its prospect's, trimmed, else NO_SOURCE (also for
    a BLOB, which cannot be read)."""
    source = f"{prospect}.source"
    return (
        f"CASE WHEN typeof({source}) = 'blob' THEN '{NO_SOURCE}'"
        f" ELSE coalesce(nullif(trim({source}), ''), '{NO_SOURCE}') END"
    )


def reason_name_sql(call: str) -> str:
    """The lost reason a `not_interested` call counts under (NULL for a BLOB, which cannot
    be read): a reason the rep picks, `unspecified` when there is none, else `other`."""
    reason = f"{call}.reason"
    return (
        f"CASE WHEN typeof({reason}) = 'blob' THEN NULL"
        f" WHEN {reason} IS NULL OR trim({reason}) = '' THEN '{UNSPECIFIED_REASON}'"
        f" WHEN {reason} IN ({sql_list(PICKED_REASONS)}) THEN {reason} ELSE 'other' END"
    )


def _wrong_duration(call: str) -> str:
    return wrong_value_sql("calls", "duration_s", f"{call}.")


def _refused(call: str) -> str:
    return f"{call}.outcome = '{Outcome.NOT_INTERESTED}'"


# What call_days counts of each call `{c}`, by column, in the order of its columns.
CALL_DAY_COUNTS: dict[str, str] = {
    "calls": "1",
    "connects": f"{{c}}.outcome IN ({_CONNECTS})",
    "meetings": f"{{c}}.outcome = '{Outcome.MEETING}'",
    "won": f"{{c}}.outcome = '{Outcome.WON}'",
    "meetings_held": f"{{c}}.outcome = '{Outcome.MEETING_HELD}'",
    "proposals": f"{{c}}.outcome = '{Outcome.PROPOSAL_SENT}'",
    # A duration of the wrong type is left out of talk time and counted.
    "talk_s": "CASE WHEN {wrong_duration} THEN 0 ELSE coalesce({c}.duration_s, 0) END",
    "unreadable_durations": "{wrong_duration}",
    **{f"lost_{reason}": f"{{refused}} AND {{reason}} IS '{reason}'" for reason in COUNTED_REASONS},
    "unreadable_reasons": "{refused} AND typeof({c}.reason) = 'blob'",
    # A call's own method that is a BLOB: it counts under its prospect's.
    "unreadable_methods": "typeof({c}.method) = 'blob'",
}
CALL_DAY_COLUMNS = ("day", "method", "source", *CALL_DAY_COUNTS)


def call_day_count_sql(column: str, call: str) -> str:
    """What call_days' `column` counts of the one call `call` (an alias, NEW or OLD)."""
    return CALL_DAY_COUNTS[column].format(
        c=call,
        wrong_duration=_wrong_duration(call),
        refused=_refused(call),
        reason=reason_name_sql(call),
    )


def call_day_sums(call: str) -> str:
    """`sum(...) AS column` for every count of call_days, over calls aliased `call`."""
    return ", ".join(
        f"sum({call_day_count_sql(column, call)}) AS {column}" for column in CALL_DAY_COUNTS
    )


CALL_DAYS_FROM_CALLS = f"""
SELECT {call_day_sql("c")} AS day, {method_name_sql("c", "p")} AS method,
    {source_name_sql("p")} AS source, {call_day_sums("c")}
FROM calls c JOIN prospects p ON p.id = c.prospect_id
GROUP BY 1, 2, 3
"""

_COUNT_COLUMNS = ", ".join(CALL_DAY_COUNTS)


def add_to_call_days(select: str, *, by_rep: bool = False) -> str:
    """An upsert adding the counts `select` yields to call_days (negative ones subtract);
    `by_rep`, to rep_call_days (schema_v8), whose rows start with the rep.

    `select` needs a WHERE clause: without one, SQLite reads ON CONFLICT as a join's ON.
    """
    updates = ",\n        ".join(
        f"{column} = {column} + excluded.{column}" for column in CALL_DAY_COUNTS
    )
    table, key = ("rep_call_days", "rep, ") if by_rep else ("call_days", "")
    return f"""INSERT INTO {table} ({key}day, method, source, {_COUNT_COLUMNS})
    {select}
    ON CONFLICT ({key}day, method, source) DO UPDATE SET
        {updates};"""


def count_call(row: str, sign: str, *, by_rep: bool = False) -> str:
    """Add (sign "") or take away (sign "-") the one call `row` (NEW or OLD); `by_rep`,
    to its rep's counts, when it has a rep.

    A call whose prospect is missing counts nowhere, as in a join: during a cascading
    delete the prospect is already gone, and its BEFORE DELETE trigger took its calls away.
    """
    counts = ", ".join(f"{sign}({call_day_count_sql(column, row)})" for column in CALL_DAY_COUNTS)
    rep, of_rep = (f"{row}.rep, ", f" AND {row}.rep IS NOT NULL") if by_rep else ("", "")
    return add_to_call_days(
        f"""SELECT {rep}{call_day_sql(row)}, {method_name_sql(row, "p")},
        {source_name_sql("p")}, {counts}
    FROM prospects p WHERE p.id = {row}.prospect_id{of_rep}""",
        by_rep=by_rep,
    )


def count_prospect_calls(row: str, sign: str, *, by_rep: bool = False) -> str:
    """Add or take away every call of the prospect `row` (NEW or OLD), named by that row;
    `by_rep`, its calls with a rep, to their reps' counts."""
    counts = ", ".join(
        f"{sign}sum({call_day_count_sql(column, 'c')})" for column in CALL_DAY_COUNTS
    )
    if by_rep:
        rep, of_rep, group = "c.rep, ", " AND c.rep IS NOT NULL", "1, 2, 3"
    else:
        rep, of_rep, group = "", "", "1, 2"
    return add_to_call_days(
        f"""SELECT {rep}{call_day_sql("c")}, {method_name_sql("c", row)},
        {source_name_sql(row)}, {counts}
    FROM calls c WHERE c.prospect_id = {row}.id{of_rep}
    GROUP BY {group}""",
        by_rep=by_rep,
    )


def row_changed_sql(columns: Iterable[str]) -> str:
    """An update trigger's WHEN: true when the row's `columns` are not all as they were
    (NULL counts as a value)."""
    return " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)


_DROP_EMPTY_DAY_OF_CALL = f"DELETE FROM call_days WHERE day = {call_day_sql('OLD')} AND calls = 0;"
_DROP_EMPTY_DAYS_OF_PROSPECT = f"""DELETE FROM call_days WHERE calls = 0
        AND day IN (SELECT {call_day_sql("calls")} FROM calls WHERE prospect_id = OLD.id);"""
CALL_DAY_COUNT_DEFINITIONS = ",\n    ".join(
    f"{column} INTEGER NOT NULL DEFAULT 0" for column in CALL_DAY_COUNTS
)
# The call columns call_days reads: a change to another leaves the counts as they are.
COUNTED_CALL_COLUMNS = ("started_at", "outcome", "method", "prospect_id", "duration_s", "reason")
_CALL_CHANGED = row_changed_sql(COUNTED_CALL_COLUMNS)

CALL_DAYS_TABLE = f"""
CREATE TABLE call_days (
    day TEXT NOT NULL,
    method TEXT NOT NULL,
    source TEXT NOT NULL,
    {CALL_DAY_COUNT_DEFINITIONS},
    PRIMARY KEY (day, method, source)
) WITHOUT ROWID
"""

# The triggers touch call_days only, which has none, so they never fire each other
# whether or not recursive_triggers is on.
CALL_DAYS_TRIGGERS = f"""
CREATE TRIGGER call_days_after_call_insert AFTER INSERT ON calls BEGIN
    {count_call("NEW", "")}
END;

CREATE TRIGGER call_days_after_call_delete AFTER DELETE ON calls BEGIN
    {count_call("OLD", "-")}
    {_DROP_EMPTY_DAY_OF_CALL}
END;

CREATE TRIGGER call_days_after_call_update
AFTER UPDATE OF {", ".join(COUNTED_CALL_COLUMNS)} ON calls
WHEN {_CALL_CHANGED} BEGIN
    {count_call("OLD", "-")}
    {count_call("NEW", "")}
    {_DROP_EMPTY_DAY_OF_CALL}
END;

-- Calls can only be waiting for their prospect when foreign keys were off.
CREATE TRIGGER call_days_after_prospect_insert AFTER INSERT ON prospects BEGIN
    {count_prospect_calls("NEW", "")}
END;

CREATE TRIGGER call_days_after_prospect_update AFTER UPDATE OF id, method, source ON prospects
WHEN OLD.id IS NOT NEW.id OR OLD.method IS NOT NEW.method OR OLD.source IS NOT NEW.source BEGIN
    {count_prospect_calls("OLD", "-")}
    {count_prospect_calls("NEW", "")}
    {_DROP_EMPTY_DAYS_OF_PROSPECT}
END;

-- BEFORE: by the time a cascade deletes the calls, their prospect is gone.
CREATE TRIGGER call_days_before_prospect_delete BEFORE DELETE ON prospects BEGIN
    {count_prospect_calls("OLD", "-")}
    {_DROP_EMPTY_DAYS_OF_PROSPECT}
END;
"""


# --- lead_marks ---------------------------------------------------------------------------

# Each mark: the latest moment of the calls that make it.
LEAD_MARKS = {
    "last_call_at": "1",
    "last_connect_at": f"c.outcome IN ({_CONNECTS})",
    "last_meeting_at": f"c.outcome = '{Outcome.MEETING}'",
    "last_refusal_at": _refused("c"),
}
LEAD_MARK_COLUMNS = (
    "prospect_id",
    "per_method",
    "method",
    "only_method",
    "source",
    "first_call_at",
    *LEAD_MARKS,
    "wait_s",
)
# v18's, with the rep of all the prospect's calls.
LEAD_MARK_COLUMNS_WITH_REP = (*LEAD_MARK_COLUMNS, "only_rep")
# Seconds from a prospect's creation to its first call (speed to lead); NULL when either
# moment cannot be read.
_WAIT_S = (
    "CAST(strftime('%s', min(c.started_at)) AS INTEGER)"
    " - CAST(strftime('%s', p.created_at) AS INTEGER)"
)


# The marks compare and keep moments in the stored form, whatever form other tools wrote,
# and pass over a start that is not a moment. Since v18 they also read who made each call.
_CALLS_IN_STORED_FORM = f"""(
    SELECT id, prospect_id, outcome, method, reason,
        {stored_form_sql("started_at")} AS started_at
    FROM calls WHERE NOT {wrong_value_sql("calls", "started_at")})"""
_CALLS_WITH_REP_IN_STORED_FORM = _CALLS_IN_STORED_FORM.replace("reason,", "reason, rep,", 1)


def only_rep_sql(call: str) -> str:
    """The rep who made every one of a group's calls `call` (v18's only_rep); NULL when
    several did, or one has no rep."""
    return (
        f"CASE WHEN count({call}.rep) = count(*) AND min({call}.rep) = max({call}.rep)"
        f" THEN min({call}.rep) END"
    )


def _marks_from_calls(where: str, *, with_rep: bool = False) -> str:
    """The marks of the prospects `where` picks (a condition on calls `c`): over every
    method (with `method` '' and `only_method` the one method all its calls count under,
    if they do) and, for a prospect called with more than one, per method; `with_rep`
    adds each row's only_rep, the rep of all the prospect's calls (v18)."""
    marks = ", ".join(
        f"max(c.started_at) FILTER (WHERE {condition})" for condition in LEAD_MARKS.values()
    )
    method = method_name_sql("c", "p")
    calls = _CALLS_WITH_REP_IN_STORED_FORM if with_rep else _CALLS_IN_STORED_FORM
    rep = f", {only_rep_sql('c')}" if with_rep else ""
    prospects_rep = (
        f", (SELECT {only_rep_sql('r')} FROM {calls} r WHERE r.prospect_id = c.prospect_id)"
        if with_rep
        else ""
    )
    return f"""
SELECT c.prospect_id, 0, '', CASE WHEN count(DISTINCT {method}) = 1 THEN max({method}) END,
    {source_name_sql("p")}, min(c.started_at), {marks}, {_WAIT_S}{rep}
FROM {calls} c JOIN prospects p ON p.id = c.prospect_id
WHERE {where}
GROUP BY c.prospect_id
UNION ALL
SELECT c.prospect_id, 1, {method}, NULL, {source_name_sql("p")}, min(c.started_at), {marks}, NULL{
        prospects_rep
    }
FROM {calls} c JOIN prospects p ON p.id = c.prospect_id
WHERE {where}
GROUP BY c.prospect_id, {method}
HAVING EXISTS (
    SELECT 1 FROM {calls} o WHERE o.prospect_id = c.prospect_id
        AND {method_name_sql("o", "p")} IS NOT {method}
)
"""


LEAD_MARKS_FROM_CALLS = _marks_from_calls("1")
LEAD_MARKS_WITH_REP_FROM_CALLS = _marks_from_calls("1", with_rep=True)


def _mark_prospect(prospect_id: str, *, with_rep: bool = False) -> str:
    """Work out the marks of one prospect again from its calls (few, by calls_prospect)."""
    columns = LEAD_MARK_COLUMNS_WITH_REP if with_rep else LEAD_MARK_COLUMNS
    return f"""DELETE FROM lead_marks WHERE prospect_id = {prospect_id};
    INSERT INTO lead_marks ({", ".join(columns)})
    {_marks_from_calls(f"c.prospect_id = {prospect_id}", with_rep=with_rep)};"""


LEAD_MARKS_TABLE = """
CREATE TABLE lead_marks (
    prospect_id INTEGER NOT NULL,
    per_method INTEGER NOT NULL,
    method TEXT NOT NULL,
    only_method TEXT,
    source TEXT NOT NULL,
    first_call_at TEXT NOT NULL,
    last_call_at TEXT NOT NULL,
    last_connect_at TEXT,
    last_meeting_at TEXT,
    last_refusal_at TEXT,
    wait_s INTEGER,
    PRIMARY KEY (prospect_id, per_method, method)
) WITHOUT ROWID
"""

# The report reads the marks in the order of its groups (so no sort), and the first calls
# that fall in its window (speed to lead), each off an index that holds every column it
# needs.
LEAD_MARKS_INDEXES = """
CREATE INDEX lead_marks_grouped ON lead_marks (
    per_method, method, only_method, source, last_call_at, last_connect_at,
    last_meeting_at, last_refusal_at, prospect_id);
CREATE INDEX lead_marks_first ON lead_marks (first_call_at, source, wait_s)
    WHERE per_method = 0;
-- Handed back to nurture in a window, by source and reason.
CREATE INDEX prospects_nurtured ON prospects (nurtured_at, lost_reason, source)
    WHERE nurtured_at IS NOT NULL;
"""

_MARKED_CALL_COLUMNS = ("started_at", "outcome", "method", "prospect_id")


# A call of the one method a prospect's calls count under: the usual call, which only
# moves the prospect's marks on (the one trigger that applies runs; once it has, the
# other's condition is false, or it changes nothing).
_MARKS_TAKE_THE_CALL = f"""EXISTS (
    SELECT 1 FROM lead_marks m JOIN prospects p ON p.id = NEW.prospect_id
    WHERE m.prospect_id = NEW.prospect_id AND m.per_method = 0
        AND m.only_method IS {method_name_sql("NEW", "p")})"""


# The trigger that reads it runs only for a start that is a moment.
_NEW_STARTED_AT = stored_form_sql("NEW.started_at")


def _moved_on(column: str, condition: str) -> str:
    """`column` after the call NEW, when NEW meets `condition` (a condition on calls `c`)."""
    met = condition.replace("c.", "NEW.")
    return (
        f"{column} = CASE WHEN {met} THEN max(coalesce({column}, {_NEW_STARTED_AT}),"
        f" {_NEW_STARTED_AT}) ELSE {column} END"
    )


_MOVE_MARKS_ON = ",\n        ".join(
    _moved_on(column, condition) for column, condition in LEAD_MARKS.items()
)
# v18: the rep of all the prospect's calls stays theirs when the new call is too.
_MOVE_REP_ON = ",\n        only_rep = CASE WHEN only_rep = NEW.rep THEN only_rep END"


def lead_marks_triggers(*, with_rep: bool = False) -> str:
    """lead_marks' triggers: v4's, or with `with_rep` v18's, which also keep only_rep (and
    so also follow a call given to another rep)."""
    columns = (*_MARKED_CALL_COLUMNS, "rep") if with_rep else _MARKED_CALL_COLUMNS

    def mark(prospect_id: str) -> str:
        return _mark_prospect(prospect_id, with_rep=with_rep)

    return f"""
CREATE TRIGGER lead_marks_after_call_insert AFTER INSERT ON calls
WHEN NOT {_MARKS_TAKE_THE_CALL} BEGIN
    {mark("NEW.prospect_id")}
END;

CREATE TRIGGER lead_marks_after_call_added AFTER INSERT ON calls
WHEN {_MARKS_TAKE_THE_CALL} AND NOT {wrong_value_sql("calls", "started_at", "NEW.")} BEGIN
    UPDATE lead_marks SET
        first_call_at = min(first_call_at, {_NEW_STARTED_AT}),
        {_MOVE_MARKS_ON},
        wait_s = CASE WHEN {_NEW_STARTED_AT} < first_call_at
            THEN CAST(strftime('%s', NEW.started_at) AS INTEGER) - (
                SELECT CAST(strftime('%s', p.created_at) AS INTEGER) FROM prospects p
                WHERE p.id = NEW.prospect_id)
            ELSE wait_s END{_MOVE_REP_ON if with_rep else ""}
    WHERE prospect_id = NEW.prospect_id AND per_method = 0;
END;

CREATE TRIGGER lead_marks_after_call_delete AFTER DELETE ON calls BEGIN
    {mark("OLD.prospect_id")}
END;

CREATE TRIGGER lead_marks_after_call_update
AFTER UPDATE OF {", ".join(columns)} ON calls
WHEN {row_changed_sql(columns)} BEGIN
    {mark("OLD.prospect_id")}
    {mark("NEW.prospect_id")}
END;

-- Calls can only be waiting for their prospect when foreign keys were off.
CREATE TRIGGER lead_marks_after_prospect_insert AFTER INSERT ON prospects BEGIN
    {mark("NEW.id")}
END;

CREATE TRIGGER lead_marks_after_prospect_update
AFTER UPDATE OF id, method, source, created_at ON prospects
WHEN OLD.id IS NOT NEW.id OR OLD.method IS NOT NEW.method OR OLD.source IS NOT NEW.source
  OR OLD.created_at IS NOT NEW.created_at BEGIN
    {mark("OLD.id")}
    {mark("NEW.id")}
END;

CREATE TRIGGER lead_marks_after_prospect_delete AFTER DELETE ON prospects BEGIN
    DELETE FROM lead_marks WHERE prospect_id = OLD.id;
END;
"""


LEAD_MARKS_TRIGGERS = lead_marks_triggers()

SCHEMA_V4_TRIGGERS = CALL_DAYS_TRIGGERS + LEAD_MARKS_TRIGGERS
