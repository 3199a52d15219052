"""Quota and pace follow the formulas of PRODUCT section 9 on hand-checked calendars."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.domain import PERIOD_KINDS
from funnel_tui.figure_sql import calls_in_window_sql
from funnel_tui.gauge_figures import load_gauge_figures
from funnel_tui.manager_figures import (
    CALL_DAYS_BY_ROW_SQL,
    CALL_DAYS_TOTALS_SQL,
    DEALS_SQL,
    EDGE_CALLS_SQL,
    FIRST_CALLS_SQL,
    HANDED_BACK_SQL,
    LEADS_SQL,
    REP_COUNTS,
    UNREADABLE_NURTURED_SQL,
    WON_LEADS_SQL,
    Window,
    count_params,
)
from funnel_tui.pace import (
    WON_SQL,
    Breakdown,
    Pace,
    compute_pace,
    find_target,
    load_pace,
    set_target,
)
from funnel_tui.periods import period_bounds
from funnel_tui.rep_figures import (
    REP_FIRST_CALLS_SQL,
    REP_LEADS_SQL,
    REP_MEETING_LEADS_SQL,
    REP_REFUSING_BUYERS_SQL,
)
from funnel_tui.settings import Settings, load_settings
from funnel_tui.store import open_team_book
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.sqlite import Storage, open_storage
from tests.app_support import FROZEN_NOW
from tests.book_copy import copy_book_to_team
from tests.cli_support import REPORT_KEYS
from tests.rows import count_rows, insert_row

MON_TO_FRI = (0, 1, 2, 3, 4)
THANKSGIVING = date(2026, 11, 26)
NEW_YORK = ZoneInfo("America/New_York")

# November 2026 starts on a Sunday and has 21 weekdays; a target of $21,000.00 makes
# every business day worth exactly $1,000.00.
NOVEMBER_TARGET = 2_100_000


def documented(row: Breakdown) -> tuple:
    """A breakdown row as `report --json` prints it, without the counts kept for display."""
    return tuple(row.to_json().values())


def november(**overrides: object) -> Pace:
    arguments: dict = {
        "kind": "month",
        "starts_on": date(2026, 11, 1),
        "ends_on": date(2026, 11, 30),
        "target_cents": NOVEMBER_TARGET,
        "calls_per_day": 60,
        "won_cents": 0,
        "calls_today": 0,
        "today": date(2026, 11, 14),
        "weekdays": MON_TO_FRI,
        "holidays": (),
    }
    arguments.update(overrides)
    return compute_pace(**arguments)


def figures(pace: Pace) -> tuple:
    return (
        pace.business_days,
        pace.elapsed_business_days,
        pace.remaining_business_days,
        pace.expected_to_date_cents,
        pace.pace_gap_cents,
        pace.status,
        pace.needed_per_day_cents,
        pace.projection_cents,
    )


@pytest.mark.parametrize(
    ("today", "won", "holidays", "expected"),
    [
        pytest.param(
            date(2026, 11, 1),
            0,
            (),
            (21, 0, 21, 0, 0, "on_track", 100_000, 0),
            id="period start on a Sunday",
        ),
        pytest.param(
            date(2026, 11, 2),
            0,
            (),
            (21, 0, 21, 0, 0, "on_track", 100_000, 0),
            id="first business day, nothing won",
        ),
        pytest.param(
            date(2026, 11, 2),
            5_000,
            (),
            (21, 0, 21, 0, 5_000, "ahead", 99_762, 5_000),
            id="first business day, already won",
        ),
        pytest.param(
            date(2026, 11, 14),
            1_000_000,
            (),
            (21, 10, 11, 1_000_000, 0, "on_track", 100_000, 2_100_000),
            id="Saturday mid-month, exactly on pace",
        ),
        pytest.param(
            date(2026, 11, 16),
            1_000_000,
            (),
            (21, 10, 11, 1_000_000, 0, "on_track", 100_000, 2_100_000),
            id="Monday after: today counts as remaining",
        ),
        pytest.param(
            date(2026, 11, 30),
            1_500_000,
            (),
            (21, 20, 1, 2_000_000, -500_000, "behind", 600_000, 1_575_000),
            id="last day of the month",
        ),
        pytest.param(
            date(2026, 11, 16),
            2_500_000,
            (),
            (21, 10, 11, 1_000_000, 1_500_000, "ahead", 0, 5_250_000),
            id="over target",
        ),
        pytest.param(
            date(2026, 11, 27),
            1_800_000,
            (THANKSGIVING,),
            (20, 18, 2, 1_890_000, -90_000, "on_track", 150_000, 2_000_000),
            id="after a holiday",
        ),
        pytest.param(
            date(2026, 11, 26),
            0,
            (THANKSGIVING,),
            (20, 18, 2, 1_890_000, -1_890_000, "behind", 1_050_000, 0),
            id="today is the holiday",
        ),
        pytest.param(
            date(2026, 12, 1),
            1_000_000,
            (),
            (21, 21, 0, 2_100_000, -1_100_000, "behind", 1_100_000, 1_000_000),
            id="after the period: no remaining days, all of it is needed",
        ),
        pytest.param(
            date(2026, 10, 20),
            0,
            (),
            (21, 0, 21, 0, 0, "on_track", 100_000, 0),
            id="before the period",
        ),
    ],
)
def test_pace_on_november_2026(
    today: date, won: int, holidays: tuple[date, ...], expected: tuple
) -> None:
    assert figures(november(today=today, won_cents=won, holidays=holidays)) == expected


@pytest.mark.parametrize(
    ("won", "status"),
    [
        (1_050_000, "ahead"),
        (1_049_999, "on_track"),
        (1_000_000, "on_track"),
        (950_000, "on_track"),
        (949_999, "behind"),
    ],
)
def test_five_percent_band_edges(won: int, status: str) -> None:
    pace = november(today=date(2026, 11, 14), won_cents=won)
    assert pace.expected_to_date_cents == 1_000_000
    assert pace.status == status


@pytest.mark.parametrize(
    ("won", "status"), [(0, "on_track"), (1, "ahead")], ids=["nothing won", "anything won"]
)
def test_zero_expected_rule(won: int, status: str) -> None:
    assert november(today=date(2026, 11, 2), won_cents=won).status == status


def test_expected_and_projection_round_half_up() -> None:
    # 20 business days, 10 elapsed: 2,000,001 x 10 / 20 = 1,000,000.5 cents.
    pace = november(target_cents=2_000_001, holidays=(THANKSGIVING,), won_cents=1)
    assert pace.expected_to_date_cents == 1_000_001
    assert pace.pace_gap_cents == 1 - 1_000_001
    # 1 x 20 / 10 = 2 exactly; 3 cents still to win over 2 days = 1.5 -> 2.
    assert pace.projection_cents == 2
    late = november(target_cents=3, today=date(2026, 11, 27), holidays=(THANKSGIVING,), won_cents=0)
    assert late.remaining_business_days == 2
    assert late.needed_per_day_cents == 2


def test_attainment_is_the_share_of_the_target_won() -> None:
    assert november(won_cents=525_000).attainment == pytest.approx(0.25)
    assert november(won_cents=4_200_000).attainment == pytest.approx(2.0)
    assert november(won_cents=0).attainment == 0.0


@pytest.mark.parametrize(("won", "status"), [(0, "on_track"), (100, "ahead")])
def test_a_target_of_nothing_has_no_attainment(won: int, status: str) -> None:
    pace = november(target_cents=0, won_cents=won)
    assert (pace.attainment, pace.status) == (None, status)
    assert pace.to_json()["attainment"] is None


def test_period_without_business_days_expects_nothing() -> None:
    pace = november(holidays=tuple(date(2026, 11, day) for day in range(1, 31)), won_cents=0)
    assert (pace.business_days, pace.expected_to_date_cents, pace.status) == (0, 0, "on_track")
    assert pace.needed_per_day_cents == NOVEMBER_TARGET


def test_report_json_has_exactly_the_documented_keys_in_order() -> None:
    method = Breakdown(
        "solution",
        calls=10,
        connects=4,
        connect_rate=0.4,
        leads=5,
        reached=3,
        meetings=2,
        meeting_rate=2 / 3,
        won=1,
        won_cents=50_000,
        win_rate=0.5,
    )
    pace = november(won_cents=1_000_000, calls_today=12, by_method=[method])
    report = pace.to_json()
    assert list(report) == REPORT_KEYS
    assert report["period"] == "month"
    assert (report["starts_on"], report["ends_on"]) == ("2026-11-01", "2026-11-30")
    assert isinstance(report["attainment"], float)
    assert report["by_method"] == [
        {
            "name": "solution",
            "calls": 10,
            "connects": 4,
            "connect_rate": 0.4,
            "leads": 5,
            "reached": 3,
            "meetings": 2,
            "meeting_rate": 2 / 3,
            "won": 1,
            "won_cents": 50_000,
            "win_rate": 0.5,
        }
    ]
    assert report["by_source"] == []
    assert json.loads(json.dumps(report)) == report
    assert pace.period_name == "November 2026"


@st.composite
def pace_inputs(draw: st.DrawFn) -> dict:
    kind = draw(st.sampled_from(PERIOD_KINDS))
    starts_on, ends_on = period_bounds(
        kind, draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
    )
    length = (ends_on - starts_on).days
    target = draw(st.integers(min_value=1, max_value=10**10))
    return {
        "kind": kind,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "target_cents": target,
        "calls_per_day": 60,
        "won_cents": draw(st.integers(min_value=0, max_value=2 * target)),
        "calls_today": 0,
        "today": starts_on + timedelta(days=draw(st.integers(-3, length + 3))),
        "weekdays": tuple(sorted(draw(st.sets(st.integers(0, 6), min_size=1)))),
        "holidays": tuple(
            starts_on + timedelta(days=offset)
            for offset in draw(st.sets(st.integers(0, length), max_size=15))
        ),
    }


@given(pace_inputs())
def test_elapsed_and_remaining_add_up_to_the_period(inputs: dict) -> None:
    pace = compute_pace(**inputs)
    assert 0 <= pace.elapsed_business_days <= pace.business_days
    assert pace.elapsed_business_days + pace.remaining_business_days == pace.business_days


@given(pace_inputs())
def test_needed_per_day_covers_what_is_left_within_rounding(inputs: dict) -> None:
    pace = compute_pace(**inputs)
    still_to_win = max(0, pace.target_cents - pace.won_cents)
    days_left = max(1, pace.remaining_business_days)
    if 0 < still_to_win * 2 < days_left:
        # Under half a cent a day: a cent, never nothing while anything is left to win.
        assert pace.needed_per_day_cents == 1
    else:
        # Each day's amount is off by at most half a cent.
        assert abs(pace.needed_per_day_cents * days_left - still_to_win) * 2 <= days_left


@pytest.fixture
def db(tmp_path: Path) -> sqlite_utils.Database:
    """A SQLite file, for the tests of SQLite's query plans."""
    return open_storage(tmp_path / "t.db").db


def add_target(db: Any, period: str, day: date, amount: int) -> None:
    starts_on, ends_on = period_bounds(period, day)
    insert_row(
        db,
        "targets",
        {
            "period": period,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "amount_cents": amount,
        },
    )


def add_prospect(db: Any, name: str, *, method: str = "solution", source: str | None = None) -> int:
    return insert_row(db, "prospects", {"name": name, "method": method, "source": source})


def add_call(
    db: Any,
    prospect_id: int,
    started_at: str,
    outcome: str = "no_answer",
    method: str | None = None,
) -> int:
    row = {"prospect_id": prospect_id, "started_at": started_at, "outcome": outcome}
    return insert_row(db, "calls", {**row, "method": method})


def add_deal(
    db: Any,
    prospect_id: int,
    amount: int,
    closed_on: str,
    call_id: int | None = None,
) -> None:
    row = {"prospect_id": prospect_id, "amount_cents": amount, "closed_on": closed_on}
    insert_row(db, "deals", {**row, "call_id": call_id})


def test_find_target_prefers_the_shortest_period(book_db: Any) -> None:
    today = date(2026, 11, 26)
    for period, amount in [("year", 1), ("quarter", 2), ("month", 3)]:
        add_target(book_db, period, today, amount)
    add_target(book_db, "week", date(2026, 11, 16), 99)  # another week: does not contain today
    assert find_target(book_db, today)["period"] == "month"
    add_target(book_db, "week", today, 4)
    assert find_target(book_db, today)["amount_cents"] == 4
    assert find_target(book_db, today, "quarter")["amount_cents"] == 2
    assert find_target(book_db, date(2027, 1, 1)) is None
    with pytest.raises(ValueError):
        find_target(book_db, today, "decade")


def test_set_target_replaces_the_target_of_the_same_period(book_db: Any) -> None:
    first = set_target(book_db, amount_cents=5_000_000, period="month", today=date(2026, 11, 14))
    assert (first["starts_on"], first["ends_on"]) == ("2026-11-01", "2026-11-30")
    again = set_target(
        book_db, amount_cents=6_000_000, period="month", today=date(2026, 11, 30), calls_per_day=80
    )
    assert again["id"] == first["id"]
    assert (again["amount_cents"], again["calls_per_day"]) == (6_000_000, 80)
    set_target(book_db, amount_cents=1_000_000, period="week", today=date(2026, 11, 14))
    set_target(book_db, amount_cents=7_000_000, period="month", today=date(2026, 12, 1))
    assert count_rows(book_db, "targets") == 3
    assert find_target(book_db, date(2026, 11, 20), "month")["amount_cents"] == 6_000_000


@pytest.mark.parametrize("amount", [0, -100])
def test_set_target_refuses_a_target_of_nothing(book_db: Any, amount: int) -> None:
    with pytest.raises(ValueError):
        set_target(book_db, amount_cents=amount, period="month", today=date(2026, 11, 14))
    assert count_rows(book_db, "targets") == 0


def test_load_pace_without_target_is_none(book_db: Any) -> None:
    assert load_pace(book_db, date(2026, 11, 14), Settings()) is None


def test_load_pace_sums_only_deals_closed_in_the_period(book_db: Any) -> None:
    set_target(book_db, amount_cents=NOVEMBER_TARGET, period="month", today=date(2026, 11, 14))
    ada = add_prospect(book_db, "Ada")
    for amount, closed_on in [
        (100, "2026-10-31"),
        (2_000, "2026-11-01"),
        (30_000, "2026-11-13"),
        (400_000, "2026-11-30"),
        (5_000_000, "2026-12-01"),
    ]:
        add_deal(book_db, ada, amount, closed_on)
    pace = load_pace(book_db, date(2026, 11, 14), Settings(calls_per_day=45), tz=UTC)
    # As of the 14th: the deal of the 30th has not happened yet.
    assert pace.won_cents == 32_000
    assert pace.calls_per_day == 45
    assert pace.period_name == "November 2026"
    assert figures(pace)[:4] == (21, 10, 11, 1_000_000)
    assert load_pace(book_db, date(2026, 11, 30), Settings(), tz=UTC).won_cents == 432_000


def test_load_pace_uses_holidays_and_the_targets_calls_per_day(book_db: Any) -> None:
    set_target(
        book_db,
        amount_cents=NOVEMBER_TARGET,
        period="month",
        today=date(2026, 11, 1),
        calls_per_day=80,
    )
    settings = Settings(holidays=(THANKSGIVING,), calls_per_day=45)
    pace = load_pace(book_db, date(2026, 11, 27), settings, tz=UTC)
    assert (pace.calls_per_day, pace.business_days, pace.elapsed_business_days) == (80, 20, 18)


def test_calls_today_counts_by_local_day_across_utc_midnight(book_db: Any) -> None:
    set_target(book_db, amount_cents=NOVEMBER_TARGET, period="month", today=date(2026, 11, 20))
    ada = add_prospect(book_db, "Ada")
    for started_at in [
        "2026-11-20T04:30:00+00:00",  # 23:30 on the 19th in New York
        "2026-11-20T05:00:00+00:00",  # midnight starting the 20th
        "2026-11-21T03:30:00+00:00",  # 22:30 on the 20th
        "2026-11-21T04:59:59+00:00",  # the last second of the 20th
        "2026-11-21T05:00:00+00:00",  # midnight starting the 21st
    ]:
        add_call(book_db, ada, started_at)
    assert load_pace(book_db, date(2026, 11, 20), Settings(), tz=NEW_YORK).calls_today == 3
    assert load_pace(book_db, date(2026, 11, 20), Settings(), tz=UTC).calls_today == 2


@pytest.fixture
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_new_york")
def test_calls_today_defaults_to_the_machines_zone(book_db: Any) -> None:
    set_target(book_db, amount_cents=NOVEMBER_TARGET, period="month", today=date(2026, 11, 20))
    ada = add_prospect(book_db, "Ada")
    add_call(book_db, ada, "2026-11-20T04:30:00+00:00")  # 23:30 on the 19th in New York
    add_call(book_db, ada, "2026-11-21T03:30:00+00:00")  # 22:30 on the 20th
    add_call(book_db, ada, "2026-11-21T04:00:00+00:00")  # 23:00 on the 20th
    assert load_pace(book_db, date(2026, 11, 20), Settings()).calls_today == 2


def test_breakdowns_by_method_and_source(book_db: Any) -> None:
    set_target(book_db, amount_cents=NOVEMBER_TARGET, period="month", today=date(2026, 11, 20))
    ada = add_prospect(book_db, "Ada", method="solution", source="webinar")
    bob = add_prospect(book_db, "Bob", method="benefits", source="webinar")
    cy = add_prospect(book_db, "Cy", method="inbound")
    dee = add_prospect(book_db, "Dee", method="conceptual", source="referral")
    eve = add_prospect(book_db, "Eve", method="solution", source=" ")
    add_call(book_db, ada, "2026-11-02T15:00:00+00:00", "no_answer")
    add_call(book_db, ada, "2026-11-03T15:00:00+00:00", "meeting")
    won_call = add_call(book_db, ada, "2026-11-10T15:00:00+00:00", "won")
    add_deal(book_db, ada, 250_000, "2026-11-10", call_id=won_call)
    # Bob's calls were made with the value proposition method though his default is benefits.
    add_call(book_db, bob, "2026-11-04T15:00:00+00:00", "callback", method="value_proposition")
    add_call(
        book_db, bob, "2026-11-05T15:00:00+00:00", "not_interested", method="value_proposition"
    )
    add_call(book_db, cy, "2026-11-06T15:00:00+00:00", "voicemail")
    add_call(book_db, eve, "2026-11-06T16:00:00+00:00", "gatekeeper")
    # 22:00 on October 31st in New York: before the period.
    add_call(book_db, cy, "2026-11-01T02:00:00+00:00", "won")
    # A deal without a call still credits its prospect's source.
    add_deal(book_db, dee, 40_000, "2026-11-12")
    add_deal(book_db, dee, 99_000, "2026-10-12")

    pace = load_pace(book_db, date(2026, 11, 20), Settings(), tz=NEW_YORK)

    # Columns: calls, connects, connect rate, leads, reached, meetings, meeting rate,
    # won, won cents, win rate. A deal counts under the method of the call that won it
    # (else its prospect's); sorted by won, then leads, then name.
    assert [documented(row) for row in pace.by_method] == [
        ("solution", 4, 2, 0.5, 2, 1, 1, 1.0, 1, 250_000, 1.0),
        ("conceptual", 0, 0, 0.0, 0, 0, 0, None, 1, 40_000, 1.0),
        ("inbound", 1, 0, 0.0, 1, 0, 0, None, 0, 0, None),
        # Bob said no and bought nothing: a win rate of 0 out of 1.
        ("value_proposition", 2, 2, 1.0, 1, 1, 0, 0.0, 0, 0, 0.0),
    ]
    assert [documented(row) for row in pace.by_source] == [
        ("webinar", 5, 4, 0.8, 2, 2, 1, 0.5, 1, 250_000, 0.5),
        ("referral", 0, 0, 0.0, 0, 0, 0, None, 1, 40_000, 1.0),
        ("(none)", 2, 0, 0.0, 2, 0, 0, None, 0, 0, None),
    ]
    assert pace.won_cents == sum(source.won_cents for source in pace.by_source)


def test_calls_and_deals_after_the_as_of_date_count_in_no_figure(
    book_db: Any,
) -> None:
    set_target(book_db, amount_cents=NOVEMBER_TARGET, period="month", today=date(2026, 11, 20))
    ada = add_prospect(book_db, "Ada", method="solution", source="webinar")
    add_call(book_db, ada, "2026-11-10T15:00:00+00:00", "meeting")
    later = add_call(book_db, ada, "2026-11-12T15:00:00+00:00", "won", method="benefits")
    add_deal(book_db, ada, 250_000, "2026-11-12", call_id=later)
    add_call(book_db, ada, "2026-11-11T04:30:00+00:00", "busy")  # 23:30 on the 10th in New York

    pace = load_pace(book_db, date(2026, 11, 10), Settings(), tz=NEW_YORK)

    assert (pace.won_cents, pace.calls_today) == (0, 2)
    assert [documented(row) for row in pace.by_method] == [
        ("solution", 2, 1, 0.5, 1, 1, 1, 1.0, 0, 0, None)
    ]
    assert [documented(row) for row in pace.by_source] == [
        ("webinar", 2, 1, 0.5, 1, 1, 1, 1.0, 0, 0, None)
    ]
    assert load_pace(book_db, date(2026, 11, 12), Settings(), tz=NEW_YORK).won_cents == 250_000


def test_as_of_a_period_first_day_shorter_than_a_utc_day_counts_each_call_once(
    book_db: Any,
) -> None:
    """London's 29 March 2026 lasts 23 hours, 00:00 to 23:00 UTC: its window lies within
    one UTC day."""
    insert_row(
        book_db,
        "targets",
        {"period": "week", "starts_on": "2026-03-29", "ends_on": "2026-04-04", "amount_cents": 1},
    )
    ada = add_prospect(book_db, "Ada")
    add_call(book_db, ada, "2026-03-29T00:30:00+00:00")
    add_call(book_db, ada, "2026-03-29T22:30:00+00:00")  # 23:30 BST on the 29th
    add_call(book_db, ada, "2026-03-29T23:30:00+00:00")  # 00:30 BST on the 30th: after the window
    pace = load_pace(book_db, date(2026, 3, 29), Settings(), tz=ZoneInfo("Europe/London"))
    assert pace.calls_today == 2
    assert [row.calls for row in pace.by_method] == [2]


# The statements a rep's report and a team report share with the book's, as one report
# runs them and for every rep at once.
REP_STATEMENTS = [
    WON_SQL,
    DEALS_SQL,
    HANDED_BACK_SQL,
    UNREADABLE_NURTURED_SQL,
    # A rep's own, in a team's book.
    REP_COUNTS.by_row,
    REP_COUNTS.totals,
    REP_COUNTS.edges,
    REP_COUNTS.outside,
    REP_COUNTS.rate_outside,
    REP_LEADS_SQL,
    REP_REFUSING_BUYERS_SQL,
    REP_MEETING_LEADS_SQL,
    REP_FIRST_CALLS_SQL,
]


@pytest.mark.parametrize(
    "sql",
    [
        CALL_DAYS_BY_ROW_SQL,
        CALL_DAYS_TOTALS_SQL,
        EDGE_CALLS_SQL.sqlite,
        WON_LEADS_SQL.sqlite,
        FIRST_CALLS_SQL.sqlite,
        *(statement.one.sqlite for statement in REP_STATEMENTS),
        *(statement.every_rep.sqlite for statement in REP_STATEMENTS),
    ],
)
def test_pace_queries_read_calls_and_deals_through_indexes(
    db: sqlite_utils.Database, sql: str
) -> None:
    # Both edges partial and counted whole, less their calls outside the window.
    november = Window(
        date(2026, 11, 1),
        date(2026, 12, 1),
        "2026-11-01T04:00:00+00:00",
        "2026-12-01T13:00:00+00:00",
    )
    window = {**count_params(november, "alex"), "won": "[]"}
    assert window["first_out_to"] and window["last_out_from"]
    plan = " | ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", window))
    for table in ("calls", "c", "deals", "d", "prospects", "p", "call_days", "m"):
        assert f"SCAN {table} " not in f"{plan} ", plan


def test_breakdowns_read_call_days_and_only_the_calls_at_the_edges_or_behind_deals(
    db: sqlite_utils.Database,
) -> None:
    window = {
        "start": "2026-01-01T00:00:00+00:00",
        "end": "2027-01-01T00:00:00+00:00",
        "first_day": "2026-01-02",
        "after_last_day": "2027-01-01",
        "starts_on": "2026-01-01",
        "after_end": "2027-01-01",
        "start_day": "2026-01-01",
        "after_end_day": "2027-01-02",
        "rep": None,
    }

    def plan(sql: str) -> list[str]:
        return [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", window)]

    assert "SEARCH call_days USING PRIMARY KEY (day>? AND day<?)" in plan(CALL_DAYS_BY_ROW_SQL)
    assert "MULTI-INDEX OR" in plan(EDGE_CALLS_SQL.sqlite)
    # The distinct-prospect counts read one row of lead_marks per prospect (or method), in
    # the order of their groups: no calls unless a mark lies after the window, no sort.
    leads = plan(LEADS_SQL.sqlite)
    assert leads[0] == "SCAN m USING COVERING INDEX lead_marks_grouped", leads
    assert not any("TEMP B-TREE" in step for step in leads), leads
    # A mark after the window: the prospect's calls of the window's days alone.
    window_of_calls = "calls_prospect (prospect_id=? AND started_at>? AND started_at<?)"
    assert any(window_of_calls in step for step in leads), leads
    # Deals first, each one's call by its id: never a range over the window's calls.
    won = plan(DEALS_SQL.one.sqlite)
    assert won[0].startswith("SEARCH d "), won
    assert "SEARCH c USING INTEGER PRIMARY KEY (rowid=?) LEFT-JOIN" in won, won


def test_a_call_is_in_a_window_on_postgresql_exactly_when_its_stored_moment_is(
    postgres_url: str,
) -> None:
    """The window's test makes funnel_utc's check of the form once for both bounds: it
    keeps every call funnel_utc's moment keeps, whatever text another tool stored."""
    in_window = calls_in_window_sql(Dialect.POSTGRESQL)
    sql = (
        f"SELECT coalesce({in_window}, FALSE), coalesce(funnel_utc(c.started_at) >= :start"
        " AND funnel_utc(c.started_at) < :end, FALSE)"
        " FROM (SELECT CAST(:moment AS TEXT) AS started_at) AS c"
    )
    window = {"start": "2026-11-01T05:00:00+00:00", "end": "2026-12-01T05:00:00+00:00"}
    team = open_team_book(postgres_url)
    try:
        for moment in (
            "2026-11-05T10:00:00+00:00",
            "2026-11-01T04:59:59+00:00",
            "2026-12-01T05:00:00+00:00",
            "2026-11-30T23:30:00-05:00",
            "2026-11-01T01:00:00-05:00",
            "2026-11-30T10:00:00+00:00",
            "2026-11-31T10:00:00+00:00",
            "2026-11-05 10:00:00",
            "2026-11-05",
            "soon",
            None,
        ):
            found, expected = team.db.execute(sql, {**window, "moment": moment}).fetchone()
            assert found == expected, moment
    finally:
        team.close()


def test_a_team_database_gives_the_figures_of_the_same_book_in_a_file(
    demo_storage: Storage, postgres_url: str
) -> None:
    """The demo book's month of calls and deals, in the file and copied into a team
    database: the gauge's figures and the report's are the same on both."""
    copy_book_to_team(demo_storage.path, postgres_url)
    team = open_team_book(postgres_url)
    try:
        books = (demo_storage.db, team.db)
        settings = [load_settings(db) for db in books]
        on_file, on_team = (
            load_gauge_figures(db, FROZEN_NOW, book_settings, None)
            for db, book_settings in zip(books, settings, strict=True)
        )
        assert on_file.pace is not None and on_file.pace.calls_today > 0
        assert on_team == on_file
        today, zone = FROZEN_NOW.date(), FROZEN_NOW.tzinfo
        file_report, team_report = (
            load_pace(db, today, book_settings, tz=zone)
            for db, book_settings in zip(books, settings, strict=True)
        )
        assert team_report == file_report
    finally:
        team.close()


def test_the_gauge_makes_its_plan_again_when_the_daily_call_goal_changes(
    demo_storage: Storage,
) -> None:
    """The target dialog (or `funnel target set --calls-per-day`) changed the goal, and the
    gauge kept the plan made for the old one: `calling alone cannot reach the target` stayed
    on, or off, until the next call was logged."""
    db = demo_storage.db
    settings = load_settings(db)
    first = load_gauge_figures(db, FROZEN_NOW, settings, None)
    assert first.plan is not None and first.plan.plan is not None
    dials = first.plan.plan.per_day["dials"]
    assert dials is not None and dials > 5
    db.execute("UPDATE targets SET calls_per_day = 5")
    again = load_gauge_figures(db, FROZEN_NOW, settings, first.plan)
    assert again.plan is not None and again.plan.plan is not None
    assert again.plan.plan.reachable_by_calls is False
    db.execute(f"UPDATE targets SET calls_per_day = {dials + 10}")
    back = load_gauge_figures(db, FROZEN_NOW, settings, again.plan)
    assert back.plan is not None and back.plan.plan is not None
    assert back.plan.plan.reachable_by_calls is True
