"""The prospects' flags against their history in flag_changes: what `funnel check` lists
where they disagree, and what `funnel check --repair` sets back or records.

The trigger `prospects_flags_changed` writes a flag_changes row at every UPDATE that
changes a flag, whoever makes it (the app, an import, `sqlite-utils update`, Datasette),
so the last row written for a prospect's flag holds its value now. A row written anew
(`sqlite-utils insert --replace` deletes the row and inserts it again) fires no UPDATE:
its flags are whatever the new row says, usually the column's default 0, and nothing is
recorded. A prospect marked do not call is then called again, and nothing in the book
says the mark was lifted. The history is what to trust: every clear funnel or any tool
makes by UPDATE is in it.

Repair never clears a flag. Where the history says set and the row says not, the flag
is set back, and that is not recorded again (the history already holds the set: the
timeline would show the prospect marked a second time, today). Where the row says set
and the history cleared (a row written anew with the flag, or set while the trigger was
dropped), the row is kept and the set recorded, so that the two agree again.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from funnel_tui.counted import counted
from funnel_tui.funnel_triggers import REPAIR_HINT
from funnel_tui.prospects import FLAG_FIELDS

# What each flag being lost by a row written anew does, in `funnel check`'s words.
_WHAT_A_LOST_FLAG_DOES = {
    "do_not_call": "the app would call them",
    "wrong_number": "the queue offers them to call again",
    "nurture": "they leave nurture",
    "do_not_email": "funnel would email them",
}
# The columns a flag's recorded set brings back with it where the row written anew has
# none: when the prospect went into nurture, which the report's nurtured count reads.
_SET_AT = {"nurture": "nurtured_at"}


def _last_recorded(flag: str) -> str:
    """The last value flag_changes records for each prospect's `flag` (the row written
    last: ids grow with every row), of the rows whose value reads as a flag."""
    return (
        "SELECT prospect_id, value, max(id) AS id FROM flag_changes"
        f" WHERE flag = '{flag}' AND value IN (0, 1) GROUP BY prospect_id"
    )


# Each flag's prospects whose flag is not the last value recorded, counted by that value
# (1: the row lost a set; 0: the row was set with nothing recorded), with the first row.
# One pass over flag_changes for the four flags, then one primary-key lookup a prospect
# with a history.
_DRIFT_SQL = f"""
WITH last AS (
    SELECT prospect_id, flag, value, max(id) AS id FROM flag_changes
    WHERE flag IN ({", ".join(f"'{flag}'" for flag in FLAG_FIELDS)}) AND value IN (0, 1)
    GROUP BY prospect_id, flag
)
SELECT last.flag, last.value, count(*), min(p.id)
FROM last JOIN prospects p ON p.id = last.prospect_id
WHERE CASE last.flag {" ".join(f"WHEN '{flag}' THEN p.{flag}" for flag in FLAG_FIELDS)} END
    = 1 - last.value
GROUP BY last.flag, last.value
ORDER BY last.flag, last.value DESC
"""


def flag_history_problems(conn: sqlite3.Connection) -> list[str]:
    """One line per flag and way they disagree: the prospects whose flag another tool
    cleared by writing their row anew, and those set with nothing recorded."""
    problems = []
    for flag, recorded, prospects, first in conn.execute(_DRIFT_SQL):
        whom = f"for {counted(prospects, 'prospect')}, the first row {first}"
        if recorded:
            problems.append(
                f"prospects.{flag} is 0 where flag_changes last recorded it set, {whom} (a row"
                " written anew, as `sqlite-utils insert --replace` writes it, records nothing),"
                f" so {_WHAT_A_LOST_FLAG_DOES[flag]}; {REPAIR_HINT} sets it back"
            )
        else:
            problems.append(
                f"prospects.{flag} is 1 where flag_changes last recorded it cleared, {whom} (a"
                " row written anew with it, or set while funnel's triggers were dropped);"
                f" {REPAIR_HINT} records it set, as the row says"
            )
    return problems


@dataclass(frozen=True)
class FlagRepair:
    """What `repair_flag_history` did, flag by flag: the prospects whose flag it set back
    from the history, and those whose set it recorded."""

    set_back: dict[str, int]
    recorded: dict[str, int]


def repair_flag_history(conn: sqlite3.Connection) -> FlagRepair:
    """Set each flag another tool cleared by writing the row anew back to the history's
    value, without recording it again, and record each set the history lacks. Runs inside
    the caller's transaction, with the flags' trigger in place."""
    set_back: dict[str, int] = {}
    recorded: dict[str, int] = {}
    for flag in FLAG_FIELDS:
        last = _last_recorded(flag)
        (before,) = conn.execute("SELECT coalesce(max(id), 0) FROM flag_changes").fetchone()
        also = ""
        if column := _SET_AT.get(flag):
            also = (
                f", {column} = coalesce({column}, (SELECT changed_at FROM flag_changes f"
                f" WHERE f.prospect_id = prospects.id AND f.flag = '{flag}' AND f.value = 1"
                " ORDER BY f.id DESC LIMIT 1))"
            )
        put = conn.execute(
            f"UPDATE prospects SET {flag} = 1{also} WHERE {flag} = 0"
            f" AND id IN (SELECT prospect_id FROM ({last}) WHERE value = 1)"
        )
        if put.rowcount:
            set_back[flag] = put.rowcount
            # The trigger recorded each as set today: the history has it set already.
            conn.execute("DELETE FROM flag_changes WHERE id > ?", [before])
        phone = "p.phone" if flag == "wrong_number" else "NULL"
        kept = conn.execute(
            f"INSERT INTO flag_changes (prospect_id, flag, value, phone)"
            f" SELECT p.id, '{flag}', 1, {phone} FROM ({last}) AS last"
            f" JOIN prospects p ON p.id = last.prospect_id WHERE last.value = 0 AND p.{flag} = 1"
            " ORDER BY p.id"
        )
        if kept.rowcount:
            recorded[flag] = kept.rowcount
    return FlagRepair(set_back, recorded)
