"""The burn-up series: cumulative won per business day against the expected line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import plotext
import pytest
import sqlite_utils

from funnel_tui.burnup import BurnUp, load_burnup
from funnel_tui.charts import compact_money, draw_burnup, money_step
from funnel_tui.pace import load_pace
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import open_storage
from tests.rows import insert_row
from tests.test_pace import add_deal, add_prospect, add_target

# November 2026: 21 business days, Mon 2 to Mon 30.
NOVEMBER_DAYS = 21


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    return open_storage(tmp_path / "t.db").db


def november_burnup(db: sqlite_utils.Database, today: date, **settings: object) -> BurnUp:
    pace = load_pace(db, today, Settings(**settings))  # type: ignore[arg-type]
    assert pace is not None
    burnup = load_burnup(db, pace, Settings(**settings))  # type: ignore[arg-type]
    # The last point is the report's `won`, to the cent.
    assert [won for won in burnup.won_cents if won is not None][-1:] in ([pace.won_cents], [])
    return burnup


def test_won_accumulates_by_business_day_and_stops_at_the_as_of_date(book_db: Any) -> None:
    db = book_db
    insert_row(
        db,
        "targets",
        {"starts_on": "2026-11-01", "ends_on": "2026-11-30", "amount_cents": 2_100_000},
    )
    prospect = insert_row(db, "prospects", {"name": "Ada"})
    for cents, closed_on in (
        (100_000, "2026-11-01"),  # a Sunday before the first business day
        (50_000, "2026-11-03"),
        (25_000, "2026-11-07"),  # a Saturday: counts on Monday the 9th
        (99_999, "2026-11-10"),  # after the as-of date
        (77_777, "2026-10-30"),  # the month before
    ):
        row = {"prospect_id": prospect, "amount_cents": cents, "closed_on": closed_on}
        insert_row(db, "deals", row)
    burnup = november_burnup(db, date(2026, 11, 9))
    assert len(burnup.days) == NOVEMBER_DAYS
    assert burnup.days[0] == date(2026, 11, 2) and burnup.days[-1] == date(2026, 11, 30)
    assert burnup.today_index == 5
    assert burnup.won_cents[:6] == (100_000, 150_000, 150_000, 150_000, 150_000, 175_000)
    assert burnup.won_cents[6:] == (None,) * 15
    # $21,000 over 21 days: $1,000 a day.
    assert burnup.expected_cents[:3] == (100_000, 200_000, 300_000)
    assert burnup.expected_cents[-1] == 2_100_000


def test_a_reps_burnup_counts_their_own_deals_as_their_won_does(book_db: Any) -> None:
    """In a team's book the burn-up of a rep's pace ends on the rep's won, not the team's."""
    insert_row(
        book_db,
        "targets",
        {
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-30",
            "amount_cents": 2_100_000,
            "rep": "alex",
        },
    )
    prospect = insert_row(book_db, "prospects", {"name": "Ada"})
    for cents, rep in ((40_000, "alex"), (900_000, "blake")):
        row = {"prospect_id": prospect, "amount_cents": cents, "closed_on": "2026-11-03"}
        insert_row(book_db, "deals", {**row, "rep": rep})
    pace = load_pace(book_db, date(2026, 11, 9), Settings(), rep="alex")
    assert pace is not None and pace.won_cents == 40_000
    burnup = load_burnup(book_db, pace, Settings(), rep="alex")
    assert burnup.won_cents[burnup.today_index] == 40_000


def test_a_weekend_as_of_date_marks_friday_and_counts_the_weekend(
    db: sqlite_utils.Database,
) -> None:
    add_target(db, "month", date(2026, 11, 1), 6_000_000)
    prospect = add_prospect(db, "Ada")
    add_deal(db, prospect, 40_000, "2026-11-13")
    add_deal(db, prospect, 2_000, "2026-11-14")  # Saturday, the as-of date
    burnup = november_burnup(db, date(2026, 11, 14))
    assert burnup.days[burnup.today_index] == date(2026, 11, 13)
    assert burnup.won_cents[burnup.today_index] == 42_000


def test_expected_rounds_half_up(db: sqlite_utils.Database) -> None:
    add_target(db, "month", date(2026, 11, 1), 6_000_000)
    burnup = november_burnup(db, date(2026, 11, 18))
    # 6,000,000 x 1 / 21 = 285,714.28...; x 2 / 21 = 571,428.57...; x 12 / 21 = 3,428,571.43
    assert burnup.expected_cents[:2] == (285_714, 571_429)
    assert burnup.expected_cents[11] == 3_428_571


def test_deals_other_tools_wrote_with_wrong_types_are_left_out(
    db: sqlite_utils.Database,
) -> None:
    add_target(db, "month", date(2026, 11, 1), 6_000_000)
    prospect = add_prospect(db, "Ada")
    add_deal(db, prospect, 10_000, "2026-11-03")
    db.execute(
        "INSERT INTO deals (prospect_id, amount_cents, closed_on) VALUES (?, '12k', '2026-11-04')",
        [prospect],
    )
    db.execute(
        "INSERT INTO deals (prospect_id, amount_cents, closed_on) VALUES (?, 5, '2026-11-31')",
        [prospect],
    )
    burnup = november_burnup(db, date(2026, 11, 18))
    assert burnup.won_cents[burnup.today_index] == 10_000


def test_before_the_first_business_day_nothing_is_won_yet(db: sqlite_utils.Database) -> None:
    add_target(db, "month", date(2026, 11, 1), 6_000_000)
    burnup = november_burnup(db, date(2026, 11, 1))
    assert burnup.today_index is None
    assert set(burnup.won_cents) == {None}


def test_a_period_without_business_days_has_an_empty_burnup(db: sqlite_utils.Database) -> None:
    add_target(db, "week", date(2026, 11, 16), 100_000)
    burnup = november_burnup(db, date(2026, 11, 18), business_days=(5,), holidays=())
    assert burnup.days == (date(2026, 11, 21),)
    burnup = november_burnup(
        db, date(2026, 11, 18), business_days=(5,), holidays=(date(2026, 11, 21),)
    )
    assert burnup.days == () and burnup.expected_cents == () and burnup.today_index is None


@pytest.mark.parametrize(
    ("cents", "text"),
    [(0, "$0"), (80_000, "$800"), (2_000_000, "$20k"), (150_000_000, "$1.5M")],
)
def test_axis_money_is_compact(cents: int, text: str) -> None:
    assert compact_money(cents, "$") == text


def test_axis_steps_are_round_and_cover_the_top() -> None:
    assert money_step(6_000_000) == 2_000_000
    assert money_step(1) == 100
    assert money_step(7_000_000) == 5_000_000


def drawn_at_80_by_12(db: sqlite_utils.Database) -> list[str]:
    """The burn-up of a $60k November target on the 18th, drawn 80 by 12 without colour."""
    add_target(db, "month", date(2026, 11, 1), 6_000_000)
    burnup = november_burnup(db, date(2026, 11, 18))
    plotext.clf()
    plotext.plotsize(80, 12)
    plotext.theme("clear")
    draw_burnup(plotext, burnup, "$")
    return plotext.uncolorize(plotext.build()).splitlines()


def test_the_chart_is_as_wide_as_asked_and_marks_today(db: sqlite_utils.Database) -> None:
    lines = drawn_at_80_by_12(db)
    assert {len(line) for line in lines} == {80}
    assert "Nov 2" in lines[-1] and "Nov 30" in lines[-1]
    assert any("$60k" in line for line in lines)
    assert any("expected" in line for line in lines) and any("won" in line for line in lines)


def test_the_legend_tells_won_from_expected_without_colour(db: sqlite_utils.Database) -> None:
    """Both lines were braille, told apart only by green and blue."""
    lines = drawn_at_80_by_12(db)

    def marker_of(series: str) -> str:
        line = next(line for line in lines if f" {series}" in line)
        return line[line.index(f" {series}") - 2 : line.index(f" {series}")]

    assert marker_of("expected") == "··"
    assert marker_of("won") != marker_of("expected")
