"""The pipeline: open opportunities by stage, weighted by stage, and when they should close.

PRODUCT section 9b: an open opportunity is a prospect with `deal_value_cents` > 0 at stage
meeting, qualified or proposal. The pipeline is as of now, not windowed; the period only
says which expected closes fall within it. Every figure reads the prospects_pipeline
index, so the cost follows the size of the pipeline, not of the book.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from funnel_tui.domain import PIPELINE_STAGES, sql_list
from funnel_tui.figure_sql import indexed_by
from funnel_tui.foreign_values import readable_row, wrong_value_sql
from funnel_tui.money import round_half_up
from funnel_tui.rep_rows import FigureRows, RepStatement, Whose
from funnel_tui.settings import StageWeights
from funnel_tui.store.dialect import Dialect

if TYPE_CHECKING:
    import sqlite_utils

# How many of the opportunities closing soonest the pace screen lists.
SOONEST_SHOWN = 5

# The prospects_pipeline index's own condition, so that every query here reads it; in a
# team's book a rep's pipeline is the prospects they own (`:rep`).
_OPEN = f"stage IN ({sql_list(PIPELINE_STAGES)}) AND deal_value_cents > 0"


def _open(whose: Whose) -> str:
    return f"{_OPEN} AND {whose.of('owner')}"


def _open_prospects(dialect: Dialect) -> str:
    return f"prospects {indexed_by('prospects_pipeline', dialect)}"


def _wrong_value(dialect: Dialect) -> str:
    """A value of the wrong type or range (text, a fraction, past MAX_CENTS) is greater
    than 0 in SQLite, so it is in the index: it is left out of the figures and counted. A
    negative value, like 0, makes no opportunity (`funnel check` lists it)."""
    return wrong_value_sql("prospects", "deal_value_cents", "", dialect)


def _dated(dialect: Dialect) -> str:
    wrong_close = wrong_value_sql("prospects", "expected_close_on", "", dialect)
    return f"expected_close_on IS NOT NULL AND NOT {wrong_close}"


# Per stage: the good opportunities, their value, those expected to close by the end of
# the period (and how many of them are overdue), those without a close date, and the
# values left out.
def _by_stage_sql(dialect: Dialect, whose: Whose) -> str:
    return f"""
SELECT {whose.key("rep")}stage,
    count(*) FILTER (WHERE NOT wrong_value) AS count,
    coalesce(sum(deal_value_cents) FILTER (WHERE NOT wrong_value), 0) AS cents,
    count(*) FILTER (WHERE NOT wrong_value AND dated AND expected_close_on <= :closing_by)
        AS closing_count,
    coalesce(sum(deal_value_cents) FILTER (
        WHERE NOT wrong_value AND dated AND expected_close_on <= :closing_by), 0)
        AS closing_cents,
    count(*) FILTER (WHERE NOT wrong_value AND dated AND expected_close_on < :today)
        AS overdue,
    count(*) FILTER (WHERE NOT wrong_value AND expected_close_on IS NULL) AS undated,
    count(*) FILTER (WHERE wrong_value) + count(*) FILTER (
        WHERE NOT wrong_value AND expected_close_on IS NOT NULL AND NOT dated) AS skipped
FROM (
    SELECT {whose.key("owner")}stage, deal_value_cents, expected_close_on,
        {_wrong_value(dialect)} AS wrong_value, {_dated(dialect)} AS dated
    FROM {_open_prospects(dialect)}
    WHERE {_open(whose)}
) AS opportunities
GROUP BY {whose.group("rep")}stage
"""


BY_STAGE_SQL = RepStatement(_by_stage_sql)


# The opportunities closing soonest; of every rep, each one's first `:limit`.
def _soonest_sql(dialect: Dialect, whose: Whose) -> str:
    columns = "id, name, stage, deal_value_cents, expected_close_on"
    soonest = f"""
FROM {_open_prospects(dialect)}
WHERE {_open(whose)} AND NOT {_wrong_value(dialect)} AND {_dated(dialect)}"""
    if whose is Whose.ONE:
        return f"SELECT {columns}{soonest}\nORDER BY expected_close_on, id\nLIMIT :limit\n"
    return f"""
SELECT owner, {columns} FROM (
    SELECT owner, {columns},
        row_number() OVER (PARTITION BY owner ORDER BY expected_close_on, id) AS place{soonest}
) AS opportunities
WHERE place <= :limit
ORDER BY owner, expected_close_on, id
"""


SOONEST_SQL = RepStatement(_soonest_sql)


@dataclass(frozen=True)
class StageTotal:
    """The open opportunities at one stage."""

    stage: str
    count: int
    cents: int
    # The share of the value the weighted pipeline counts, in percent.
    weight: int

    @property
    def weighted(self) -> Fraction:
        return Fraction(self.cents * self.weight, 100)

    @property
    def weighted_cents(self) -> int:
        """This stage's weighted value on its own, rounded half up (the total is rounded
        once, so the stages may add up to a cent more or less)."""
        return round_half_up(self.weighted)

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "count": self.count, "cents": self.cents}


@dataclass(frozen=True)
class Opportunity:
    """One open opportunity with a readable expected close date."""

    prospect_id: int
    # None when another tool stored a name that cannot be read.
    name: str | None
    stage: str
    cents: int
    expected_close_on: date


@dataclass(frozen=True)
class Pipeline:
    """The open opportunities, by stage and by when they should close."""

    by_stage: tuple[StageTotal, ...]
    # The earliest expected closes first, overdue ones included.
    soonest: tuple[Opportunity, ...]
    # The last day of the period: what is expected to close by then.
    closing_by: date
    closing_count: int
    closing_cents: int
    closing_weighted_cents: int
    # Expected to close by closing_by, on a day before the as-of date.
    overdue: int
    # Open opportunities without an expected close date.
    undated: int
    # Stored values of the wrong type or range the figures left out.
    skipped: int = 0

    @property
    def count(self) -> int:
        return sum(stage.count for stage in self.by_stage)

    @property
    def pipeline_cents(self) -> int:
        return sum(stage.cents for stage in self.by_stage)

    @property
    def weighted(self) -> Fraction:
        """The exact weighted pipeline: coverage is taken from this, not the rounded cents."""
        return sum((stage.weighted for stage in self.by_stage), Fraction(0))

    @property
    def weighted_pipeline_cents(self) -> int:
        return round_half_up(self.weighted)

    def coverage_ratio(self, remaining_cents: int) -> Fraction | None:
        """The exact weighted pipeline over what is left to win; None when nothing is."""
        return self.weighted / remaining_cents if remaining_cents > 0 else None


def load_pipeline(
    db: sqlite_utils.Database,
    weights: StageWeights,
    *,
    today: date,
    closing_by: date,
    soonest: int = SOONEST_SHOWN,
    rep: str | None = None,
    rows: FigureRows | None = None,
) -> Pipeline:
    """The pipeline as it stands, with the opportunities expected to close by `closing_by`
    and those overdue as of `today`; in a team's book, of the prospects `rep` owns (read
    from `rows` when given)."""
    figure_rows = rows or FigureRows(db, rep)
    params = {"today": today.isoformat(), "closing_by": closing_by.isoformat()}
    rows_by_stage = {row["stage"]: row for row in figure_rows.dicts(BY_STAGE_SQL, params)}
    empty = dict.fromkeys(
        ("count", "cents", "closing_count", "closing_cents", "overdue", "undated", "skipped"), 0
    )
    stages = [rows_by_stage.get(stage, empty) for stage in PIPELINE_STAGES]
    closing_weighted = sum(
        (
            Fraction(row["closing_cents"] * weights.of(stage), 100)
            for stage, row in zip(PIPELINE_STAGES, stages, strict=True)
        ),
        Fraction(0),
    )
    return Pipeline(
        by_stage=tuple(
            StageTotal(str(stage), row["count"], row["cents"], weights.of(stage))
            for stage, row in zip(PIPELINE_STAGES, stages, strict=True)
        ),
        soonest=tuple(
            _opportunity(row) for row in figure_rows.dicts(SOONEST_SQL, {"limit": soonest})
        ),
        closing_by=closing_by,
        closing_count=sum(row["closing_count"] for row in stages),
        closing_cents=sum(row["closing_cents"] for row in stages),
        closing_weighted_cents=round_half_up(closing_weighted),
        overdue=sum(row["overdue"] for row in stages),
        undated=sum(row["undated"] for row in stages),
        skipped=sum(row["skipped"] for row in stages),
    )


def _opportunity(row: dict[str, Any]) -> Opportunity:
    readable, _ = readable_row("prospects", {"name": row["name"]})
    return Opportunity(
        prospect_id=row["id"],
        name=readable["name"],
        stage=row["stage"],
        cents=row["deal_value_cents"],
        expected_close_on=date.fromisoformat(row["expected_close_on"]),
    )
