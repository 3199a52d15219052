"""Every target of the book, for `funnel target list`: the team's (or a one-rep book's)
and each rep's, the latest period first, with the one each report uses today marked; a
value another tool wrote with the wrong type or range is shown as stored, and said to be
left out of every figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table
from rich.text import Text

from funnel_tui.foreign_values import MARK, good_values_sql, readable_row
from funnel_tui.money import NO_FIGURE, format_money
from funnel_tui.pace import SHORTEST_FIRST, WHOSE_TARGET, find_target
from funnel_tui.periods import period_name
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.sql import per_dialect
from funnel_tui.text import one_line

if TYPE_CHECKING:
    import sqlite_utils


def _targets_sql(dialect: Dialect) -> str:
    return f"""
SELECT id, period, starts_on, ends_on, amount_cents, calls_per_day, rep,
    {good_values_sql("targets", "", dialect)} AS readable
FROM targets
ORDER BY rep IS NOT NULL, rep, starts_on DESC, CASE period {SHORTEST_FIRST} END DESC, id
"""


_TARGETS_SQL = per_dialect(_targets_sql)
COLUMNS = ("period", "starts_on", "ends_on", "amount_cents", "calls_per_day", "rep")


@dataclass(frozen=True)
class ListedTarget:
    """One target as stored, whether a report uses it today, and which of its values are
    of the wrong type or range (a report leaves the target out)."""

    id: int
    stored: dict[str, Any]
    in_use: bool
    unreadable: frozenset[str]

    def to_json(self) -> dict[str, Any]:
        values = {column: _json_value(self.stored[column]) for column in COLUMNS}
        return {
            "id": self.id,
            **values,
            "in_use": self.in_use,
            "unreadable": sorted(self.unreadable),
        }


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, int | str):
        return value
    return repr(value)


def list_targets(db: sqlite_utils.Database, today: date) -> list[ListedTarget]:
    """Every target, the team's (no rep) first, then each rep's by name, each the latest
    period first (of two that start together, the longer: the quarter, then its first
    month); `in_use` for the one each report uses on `today`."""
    rows = [dict(row) for row in db.query(_TARGETS_SQL.for_db(db))]
    in_use = set()
    for rep in {row["rep"] for row in rows if row["rep"] is None or isinstance(row["rep"], str)}:
        used = find_target(db, today, rep=rep)
        if used is not None:
            in_use.add(used["id"])
    listed = []
    for row in rows:
        readable = row.pop("readable")
        _, unreadable = readable_row("targets", row)
        if not readable and not unreadable:
            # Dates that make no period: ending before the start, or over a year after.
            unreadable = frozenset({"ends_on"})
        listed.append(ListedTarget(row["id"], row, row["id"] in in_use, unreadable))
    return listed


def _overlapping_sql(dialect: Dialect) -> str:
    return f"""
SELECT starts_on, ends_on, amount_cents FROM targets
WHERE id <> :id AND period = :period AND {WHOSE_TARGET}
    AND starts_on <= :ends_on AND ends_on >= :starts_on
    AND {good_values_sql("targets", "", dialect)}
ORDER BY starts_on, id
"""


_OVERLAPPING_SQL = per_dialect(_overlapping_sql)


def overlapping(db: sqlite_utils.Database, target: dict[str, Any]) -> list[dict[str, Any]]:
    """The other targets of the same kind and whose (the same rep, or the team) that cover
    a day of `target`'s period: another tool wrote them, with other dates. A day both cover
    is measured against the one that starts later (pace.find_target)."""
    return [dict(row) for row in db.query(_OVERLAPPING_SQL.for_db(db), target)]


def targets_table(targets: list[ListedTarget], currency: str) -> Table:
    """The targets, one a line: a rep's column only in a book where some target has one,
    and `in use` by the target each report uses on the day (the shortest period's)."""
    with_reps = any(target.stored["rep"] is not None for target in targets)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    if with_reps:
        table.add_column("rep", no_wrap=True)
    for header in ("period", "from", "to"):
        table.add_column(header, no_wrap=True)
    table.add_column("target", justify="right", no_wrap=True)
    table.add_column("calls/day", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for target in targets:
        cells = _cells(target, currency)
        if with_reps:
            rep = target.stored["rep"]
            cells.insert(0, Text("team", "dim") if rep is None else _shown(rep))
        table.add_row(*cells)
    return table


def _cells(target: ListedTarget, currency: str) -> list[Text]:
    stored, unreadable = target.stored, target.unreadable
    if unreadable:
        wrong = ", ".join(sorted(unreadable))
        note = Text(f"{MARK} {wrong} unreadable: left out of every figure", "red")
        values = [stored[column] for column in COLUMNS[1:-1]]
        return [_period_shown(stored, unreadable), *map(_shown, values), note]
    starts_on = date.fromisoformat(stored["starts_on"])
    goal = stored["calls_per_day"]
    return [
        Text(period_name(stored["period"], starts_on)),
        Text(stored["starts_on"]),
        Text(stored["ends_on"]),
        Text(format_money(stored["amount_cents"], currency)),
        # No goal of its own: the calls_per_day setting's applies.
        Text(NO_FIGURE if goal is None else f"{goal:,}"),
        Text("in use", "bold green") if target.in_use else Text(""),
    ]


def _period_shown(stored: dict[str, Any], unreadable: frozenset[str]) -> Text:
    """The period's name (`December 2026`) where its kind and first day read, whatever
    else does not; else the kind as stored."""
    if not unreadable & {"period", "starts_on"}:
        try:
            return Text(period_name(stored["period"], date.fromisoformat(stored["starts_on"])))
        except (TypeError, ValueError):
            pass
    return _shown(stored["period"])


def _shown(value: Any) -> Text:
    """A stored value as text (never markup), on one line."""
    return Text("" if value is None else one_line(str(value)))
