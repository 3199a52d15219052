"""The figures a sales manager reads (PRODUCT 9b): each one's edge cases by hand, and every
figure held to a plain count of the rows, whatever the book and the as-of date."""

from __future__ import annotations

import sqlite3
from dataclasses import astuple
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from statistics import median as plain_median
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_tui.domain import CONNECT_OUTCOMES
from funnel_tui.manager_figures import (
    LOST_REASON_NAMES,
    Breakdown,
    ManagerFigures,
    load_plan,
    load_today_activity,
    median,
    median_of_sorted,
    one_decimal,
)
from funnel_tui.pace import Pace, load_pace, set_target
from funnel_tui.settings import SettingError, Settings, load_settings, parse_setting, save_setting
from funnel_tui.store.sqlite import open_storage
from tests.conftest import empty_team_book
from tests.rows import insert_row

TODAY = date(2026, 11, 18)
NOVEMBER = 6_000_000
NO_REASONS = dict.fromkeys(LOST_REASON_NAMES, 0)


def documented(row: Breakdown) -> tuple:
    """A breakdown row as `report --json` prints it, without the counts kept for display."""
    return tuple(row.to_json().values())


@pytest.fixture
def db(book_db: Any) -> Any:
    """A book on each backend with a November target."""
    november(book_db, NOVEMBER)
    return book_db


def at(day: str, clock: str = "12:00") -> str:
    return f"{day}T{clock}:00+00:00"


def prospect(db: Any, name: str = "Ada", **columns: Any) -> int:
    row = {"name": name, "method": "solution", "created_at": at("2026-10-01"), **columns}
    return insert_row(db, "prospects", row)


def call(db: Any, who: int, day: str, outcome: str = "no_answer", **columns: Any) -> int:
    row = {"prospect_id": who, "started_at": at(day, columns.pop("clock", "12:00"))}
    return insert_row(db, "calls", {**row, "outcome": outcome, **columns})


def deal(db: Any, who: int, cents: int, closed_on: str, **columns: Any) -> None:
    row = {"prospect_id": who, "amount_cents": cents, "closed_on": closed_on}
    insert_row(db, "deals", {**row, **columns})


def november(db: Any, amount_cents: int = 1) -> None:
    row = {"period": "month", "starts_on": "2026-11-01", "ends_on": "2026-11-30"}
    insert_row(db, "targets", {**row, "amount_cents": amount_cents})


def report(db: Any, today: date = TODAY, **settings: Any) -> Pace:
    pace = load_pace(db, today, Settings(**settings), tz=UTC)
    assert pace is not None and pace.figures is not None
    return pace


def figures(db: Any, today: date = TODAY, **settings: Any) -> ManagerFigures:
    found = report(db, today, **settings).figures
    assert found is not None
    return found


# --- nothing to count -----------------------------------------------------------------------


def test_a_period_without_calls_or_deals_has_nulls_and_zeros(db: Any) -> None:
    pace = report(db)
    found = pace.figures
    assert found is not None
    assert (found.calls, found.connects, found.connect_rate) == (0, 0, 0.0)
    assert (found.leads_worked, found.reached, found.meetings_booked) == (0, 0, 0)
    assert (found.meeting_rate, found.win_rate, found.avg_deal_cents) == (None, None, None)
    assert found.sales_cycle_days_median is None
    assert found.speed_to_lead_hours_median is None
    assert (found.talk_time_s, found.deals_won) == (0, 0)
    # 13 business days from the 2nd to the 18th, none with a call.
    assert found.avg_calls_per_day == 0.0
    assert found.lost_reasons == NO_REASONS
    assert found.handed_back == []
    # No deals to go by, no open opportunity and no plan_avg_deal: no size of a deal.
    assert found.plan is None
    assert pace.to_json()["plan"] is None
    assert (pace.by_method, pace.by_source, pace.skipped) == ((), (), 0)


def test_a_period_without_business_days_has_no_calls_per_day(db: Any) -> None:
    who = prospect(db)
    call(db, who, "2026-11-03")
    holidays = tuple(date(2026, 11, day) for day in range(1, 31))
    found = figures(db, holidays=holidays)
    assert (found.calls, found.avg_calls_per_day) == (1, None)


def test_calls_per_day_are_rounded_half_up_to_two_decimals(db: Any) -> None:
    who = prospect(db)
    # 9 calls (the weekend's count too) over the 8 business days to the 11th: 9 / 8 =
    # 1.125 -> 1.13.
    for day in range(2, 11):
        call(db, who, f"2026-11-{day:02d}")
    assert figures(db, date(2026, 11, 11)).avg_calls_per_day == 1.13


# --- counted per call and per lead ------------------------------------------------------------


def test_calls_count_per_call_and_leads_per_prospect(db: Any) -> None:
    ada = prospect(db, "Ada", source="webinar")
    bob = prospect(db, "Bob", source="webinar")
    cy = prospect(db, "Cy")
    for outcome in ("no_answer", "callback", "meeting", "meeting"):
        call(db, ada, "2026-11-03", outcome)
    call(db, bob, "2026-11-04", "meeting_held", duration_s=600)
    call(db, bob, "2026-11-05", "proposal_sent", duration_s=300)
    call(db, bob, "2026-11-06", "not_interested", reason="budget")
    call(db, cy, "2026-11-06", "voicemail", duration_s=45)
    call(db, cy, "2026-10-30", "meeting")  # before the period
    found = figures(db)
    assert (found.calls, found.connects, found.connect_rate) == (8, 6, 0.75)
    # Three prospects worked, two reached; one of them (Ada) with a meeting booked.
    assert (found.leads_worked, found.reached, found.meeting_leads) == (3, 2, 1)
    assert found.meeting_rate == 0.5
    assert (found.meetings_booked, found.meetings_held, found.proposals) == (2, 1, 1)
    assert found.talk_time_s == 945
    # No deal; Bob said no: a win rate of 0 out of 1.
    assert (found.deals_won, found.won_leads, found.win_rate) == (0, 0, 0.0)


def test_a_prospect_called_with_two_methods_is_one_lead_and_a_lead_of_each_method(
    db: Any,
) -> None:
    ada = prospect(db, "Ada", method="solution", source="referral")
    call(db, ada, "2026-11-02", "callback")
    won_call = call(db, ada, "2026-11-09", "won", method="benefits")
    call(db, ada, "2026-11-10", "not_interested", method="inbound")
    deal(db, ada, 100_000, "2026-11-09", call_id=won_call)
    pace = report(db)
    # name, calls, connects, rate, leads, reached, meetings, meeting rate, won, cents, win
    assert [documented(row) for row in pace.by_method] == [
        ("benefits", 1, 1, 1.0, 1, 1, 0, 0.0, 1, 100_000, 1.0),
        # She said no on an inbound call and bought nothing that way: lost for inbound.
        ("inbound", 1, 1, 1.0, 1, 1, 0, 0.0, 0, 0, 0.0),
        ("solution", 1, 1, 1.0, 1, 1, 0, 0.0, 0, 0, None),
    ]
    # Over every method she bought: won, not lost.
    assert [documented(row) for row in pace.by_source] == [
        ("referral", 3, 3, 1.0, 1, 1, 0, 0.0, 1, 100_000, 1.0)
    ]
    found = pace.figures
    assert found is not None
    assert (found.leads_worked, found.win_rate) == (1, 1.0)


def test_calls_of_no_method_count_under_the_default_method_whose_script_is_used(
    db: Any,
) -> None:
    """A prospect whose method is '' (sqlite-utils writes it for an empty cell) is worked
    with the Solution script; its calls stored with no method (by another tool, or by
    funnel before it stored the method used) counted under a method with no name."""
    ada = prospect(db, "Ada", method="", source="referral")
    bob = prospect(db, "Bob", method="solution", source="referral")
    won_call = call(db, ada, "2026-11-09", "won", method="")
    call(db, bob, "2026-11-10", "callback")
    deal(db, ada, 100_000, "2026-11-09", call_id=won_call)
    pace = report(db)
    # name, calls, connects, rate, leads, reached, meetings, meeting rate, won, cents, win
    assert [documented(row) for row in pace.by_method] == [
        ("solution", 2, 2, 1.0, 2, 2, 0, 0.0, 1, 100_000, 1.0),
    ]
    assert [row["name"] for row in pace.to_json()["by_method"]] == ["solution"]


def test_calls_after_the_as_of_date_count_in_no_lead(db: Any) -> None:
    ada = prospect(db, "Ada")
    bob = prospect(db, "Bob")
    call(db, ada, "2026-11-10", "no_answer")
    call(db, ada, "2026-11-20", "meeting")  # after the 18th: the marks lie after the window
    call(db, bob, "2026-11-20", "callback")
    found = figures(db)
    assert (found.calls, found.leads_worked, found.reached, found.meeting_leads) == (1, 1, 0, 0)
    later = figures(db, date(2026, 11, 20))
    assert (later.leads_worked, later.reached, later.meeting_leads) == (2, 2, 1)


def test_a_lead_called_again_after_the_window_counts_by_its_calls_in_it(db: Any) -> None:
    """Marks that lie after the window are checked against the prospect's calls of the
    window, read by their moment whatever UTC form another tool stored them in."""
    ada, bob, cy, dee = (prospect(db, name) for name in ("Ada", "Bob", "Cy", "Dee"))
    stored = [
        (ada, "2026-11-10 12:00:00", "meeting"),
        (bob, "2026-11-19 00:00:00", "callback"),  # the first second after the window
        (cy, "2026-10-20T12:00:00Z", "not_interested"),  # before the window
        (dee, "2026-11-18T23:59:59Z", "not_interested"),  # its last second
    ]
    for who, started_at, outcome in stored:
        insert_row(db, "calls", {"prospect_id": who, "started_at": started_at, "outcome": outcome})
    for who in (ada, bob, cy, dee):
        call(db, who, "2026-11-25", "no_answer")  # every mark now lies after the window
    found = figures(db)
    assert (found.calls, found.leads_worked, found.reached, found.meeting_leads) == (2, 2, 2, 1)
    # Dee said no in the window and bought nothing: a win rate of 0 out of 1.
    assert found.win_rate == 0.0


def test_win_rate_counts_prospects_with_a_deal_against_those_who_said_no(
    db: Any,
) -> None:
    ada, bob, cy, dee = (prospect(db, name) for name in ("Ada", "Bob", "Cy", "Dee"))
    call(db, ada, "2026-11-03", "not_interested")
    deal(db, ada, 50_000, "2026-11-12")  # changed her mind: won, not lost
    deal(db, ada, 25_000, "2026-11-13", kind="expansion")
    call(db, bob, "2026-11-04", "not_interested")
    call(db, cy, "2026-11-05", "not_interested")
    deal(db, dee, 30_001, "2026-11-16")  # a deal without a call
    found = figures(db)
    # W = {Ada, Dee}, L = {Bob, Cy}: 2 / 4. Three deals (new and expansion).
    assert (found.won_leads, found.deals_won, found.win_rate) == (2, 3, 0.5)
    # 105,001 / 3 = 35,000.33 -> 35,000.
    assert found.avg_deal_cents == 35_000


def test_a_lead_whose_deals_fall_around_anothers_is_one_lead_in_every_row(db: Any) -> None:
    """Each lead is counted once wherever its deals fall among other leads' in the window:
    Ada's two deals come before and after Bob's, the second on a call of no method (the
    default's, which her own method is)."""
    ada = prospect(db, "Ada", method="solution", source="referral")
    bob = prospect(db, "Bob", method="solution", source="referral")
    deal(db, ada, 10_000, "2026-11-03")
    deal(db, bob, 20_000, "2026-11-05")
    won_call = call(db, ada, "2026-11-07", "won", method="")
    deal(db, ada, 30_000, "2026-11-07", call_id=won_call, kind="expansion")
    pace = report(db)
    found = pace.figures
    assert found is not None
    assert (found.deals_won, found.won_leads) == (3, 2)
    rows = [*pace.by_method, *pace.by_source]
    assert [(row.name, row.won, row.won_cents, row.won_leads) for row in rows] == [
        ("solution", 3, 60_000, 2),
        ("referral", 3, 60_000, 2),
    ]


def test_the_sales_cycle_is_the_median_of_new_deals_from_the_first_call_ever(
    db: Any,
) -> None:
    ada, bob, cy = (prospect(db, name) for name in ("Ada", "Bob", "Cy"))
    call(db, ada, "2026-09-01")  # long before the period: her first call ever
    deal(db, ada, 10_000, "2026-11-02")  # 62 days
    call(db, bob, "2026-11-10")
    deal(db, bob, 10_000, "2026-11-13")  # 3 days
    deal(db, bob, 10_000, "2026-11-14", kind="expansion")  # not a first sale
    call(db, cy, "2026-11-17")
    deal(db, cy, 10_000, "2026-11-16")  # no earlier call: 0 days
    assert figures(db).sales_cycle_days_median == 3.0
    # Without Cy's deal the count is even: (3 + 62) / 2 = 32.5.
    db.execute("DELETE FROM deals WHERE prospect_id = ?", [cy])
    assert figures(db).sales_cycle_days_median == 32.5


def test_speed_to_lead_is_the_median_wait_for_a_first_call_in_the_window(
    db: Any,
) -> None:
    ada = prospect(db, "Ada", source="webinar", created_at=at("2026-11-02", "09:00"))
    bob = prospect(db, "Bob", source="webinar", created_at=at("2026-11-03", "09:00"))
    cy = prospect(db, "Cy", created_at=at("2026-11-05", "12:00"))
    old = prospect(db, "Old", created_at=at("2026-10-01"))
    call(db, ada, "2026-11-02", clock="10:30")  # 1.5 h
    call(db, bob, "2026-11-03", clock="09:05")  # 5 min
    call(db, cy, "2026-11-05", clock="11:00")  # before its creation (an import): 0
    call(db, old, "2026-10-20")  # first called before the period
    call(db, old, "2026-11-10")
    found = figures(db)
    # 0, 1/12 and 1.5 hours: the middle one, 0.0833 -> 0.1.
    assert found.speed_to_lead_hours_median == 0.1
    assert found.speed_to_lead_by_source == [
        {"source": "(none)", "hours_median": 0.0, "leads": 1},
        # (1/12 + 1.5) / 2 = 0.79 -> 0.8; Old was first called before the period.
        {"source": "webinar", "hours_median": 0.8, "leads": 2},
    ]


def test_lost_reasons_and_prospects_handed_back(db: Any) -> None:
    ada = prospect(db, "Ada", source="webinar")
    for reason in ("budget", "budget", None, "", "price too high", "other", "competitor"):
        call(db, ada, "2026-11-04", "not_interested", reason=reason)
    call(db, ada, "2026-10-04", "not_interested", reason="timing")  # before the period
    nurtured = {"nurtured_at": at("2026-11-09")}
    prospect(db, "Gone", source="webinar", lost_reason="unreachable", **nurtured)
    prospect(db, "Quiet", source="webinar", lost_reason="unreachable", **nurtured)
    prospect(db, "Later", lost_reason="timing", **nurtured)
    prospect(db, "Earlier", lost_reason="unreachable", nurtured_at=at("2026-10-30"))
    found = figures(db)
    assert found.lost_reasons == {
        **NO_REASONS,
        "budget": 2,
        "competitor": 1,
        # A reason funnel does not know counts as other.
        "other": 2,
        "unspecified": 2,
        "unreachable": 2,
    }
    assert found.handed_back == [
        {"source": "webinar", "count": 2},
        {"source": "(none)", "count": 1},
    ]


# --- the plan -------------------------------------------------------------------------------


def plan_for(db: Any, remaining: int = 2_700_000, days: int = 9, **settings: Any):
    return load_plan(
        db,
        today=TODAY,
        remaining_cents=remaining,
        remaining_business_days=days,
        daily_call_goal=40,
        settings=Settings(**settings),
        tz=UTC,
    )


def test_without_history_the_plan_takes_every_rate_from_the_settings(
    db: Any,
) -> None:
    plan = plan_for(db, plan_avg_deal=1_000_000)
    assert plan is not None
    assert plan.rate_sources == dict.fromkeys(("avg_deal", "win", "meeting", "connect"), "default")
    assert plan.rates == {"win": 0.2, "meeting": 0.25, "connect": 0.1}
    # 2,700,000 / 1,000,000 -> 3 deals; / 0.20 = 15 meetings; / 0.25 = 60 connects;
    # / 0.10 = 600 dials. Over 9 days: 1, 2, 7 and 67, more than 40 dials a day.
    assert (plan.deals, plan.meetings, plan.connects, plan.dials) == (3, 15, 60, 600)
    assert plan.per_day == {"deals": 1, "meetings": 2, "connects": 7, "dials": 67}
    assert plan.reachable_by_calls is False


def test_the_median_open_opportunity_sizes_a_deal_without_history_or_setting(
    db: Any,
) -> None:
    for name, cents, stage in (
        ("A", 100_000, "meeting"),
        ("B", 200_101, "proposal"),
        ("C", 900_000, "won"),  # not open
        ("D", 0, "qualified"),  # no value
    ):
        prospect(db, name, deal_value_cents=cents, stage=stage)
    plan = plan_for(db)
    assert plan is not None
    # (100,000 + 200,101) / 2 = 150,050.5 -> 150,051.
    assert (plan.avg_deal_cents, plan.rate_sources["avg_deal"]) == (150_051, "open pipeline")
    assert plan.deals == 18  # 2,700,000 / 150,051 = 17.99...
    # PRODUCT 9b marks each rate `history` or `default`: the JSON said `open pipeline`.
    assert plan.to_json()["rate_sources"] == {
        "avg_deal": "default",
        "win": "default",
        "meeting": "default",
        "connect": "default",
    }


def test_with_enough_history_the_plan_uses_the_reps_own_rates(db: Any) -> None:
    # The lookback is the 90 days to the 18th: August 21st to November 18th.
    leads = [prospect(db, f"P{number}") for number in range(10)]
    for number, who in enumerate(leads):
        # 40 calls: 4 each, the first 3 unanswered; 10 connects, 5 of them meetings.
        for day in range(3):
            call(db, who, f"2026-10-{day + 10:02d}")
        call(db, who, "2026-10-20", "meeting" if number < 5 else "callback")
    for who in leads[:2]:
        deal(db, who, 1_000_000, "2026-11-01")
    deal(db, leads[9], 400_000, "2026-11-02")  # a deal without a meeting
    deal(db, leads[9], 9_999_999, "2026-08-20")  # before the lookback
    call(db, leads[0], "2026-11-19", "meeting")  # after the as-of date
    plan = plan_for(db)
    assert plan is not None
    assert plan.rate_sources == dict.fromkeys(("avg_deal", "win", "meeting", "connect"), "history")
    # 2,400,000 / 3 deals; 2 of 5 prospects with a meeting bought; 5 meetings of 10
    # connects; 10 connects of 40 calls.
    assert plan.avg_deal_cents == 800_000
    assert plan.rates == {"win": 0.4, "meeting": 0.5, "connect": 0.25}
    # 2,700,000 / 800,000 -> 4 deals; / 0.4 = 10 meetings; / 0.5 = 20 connects; / 0.25 =
    # 80 dials.
    assert (plan.deals, plan.meetings, plan.connects, plan.dials) == (4, 10, 20, 80)
    assert plan.per_day == {"deals": 1, "meetings": 2, "connects": 3, "dials": 9}
    assert plan.reachable_by_calls is True


def test_a_sample_under_its_minimum_or_a_rate_of_zero_takes_the_setting(
    db: Any,
) -> None:
    leads = [prospect(db, f"P{number}") for number in range(4)]
    for who in leads:
        # 15 calls in all (under 30), 12 connects but no meeting (a rate of 0), no
        # prospect with a meeting (under 5).
        for outcome in ("callback", "callback", "callback", "no_answer"):
            call(db, who, "2026-11-02", outcome)
    db.execute("DELETE FROM calls WHERE id = (SELECT max(id) FROM calls)")
    for who in leads[:2]:
        deal(db, who, 500_000, "2026-11-05")  # two deals: under 3
    plan = plan_for(db, plan_avg_deal=900_000, plan_win_rate=Decimal("0.5"))
    assert plan is not None
    assert plan.rate_sources == dict.fromkeys(("avg_deal", "win", "meeting", "connect"), "default")
    assert (plan.avg_deal_cents, plan.rates["win"]) == (900_000, 0.5)


def test_no_remaining_business_day_leaves_the_plan_without_days(
    db: Any,
) -> None:
    plan = plan_for(db, days=0, plan_avg_deal=1_000_000)
    assert plan is not None
    assert plan.deals == 3
    assert plan.per_day == dict.fromkeys(("deals", "meetings", "connects", "dials"), None)
    assert plan.reachable_by_calls is None


def test_nothing_left_to_win_needs_no_activity(db: Any) -> None:
    plan = plan_for(db, remaining=0, plan_avg_deal=1_000_000)
    assert plan is not None
    assert (plan.deals, plan.meetings, plan.connects, plan.dials) == (0, 0, 0, 0)
    assert plan.per_day == dict.fromkeys(("deals", "meetings", "connects", "dials"), 0)
    assert plan.reachable_by_calls is True


def test_a_target_of_zero_plans_nothing(book_db: Any) -> None:
    book = book_db
    november(book, amount_cents=0)
    save_setting(book, "plan_avg_deal", "5000")
    pace = load_pace(book, TODAY, load_settings(book), tz=UTC)
    assert pace is not None and pace.figures is not None and pace.figures.plan is not None
    assert (pace.attainment, pace.figures.plan.remaining_cents, pace.figures.plan.deals) == (
        None,
        0,
        0,
    )


def test_the_plan_is_in_report_json_in_the_documented_shape(db: Any) -> None:
    plan = report(db, plan_avg_deal=1_000_000).to_json()["plan"]
    assert list(plan) == [
        "remaining_cents",
        "avg_deal_cents",
        "rates",
        "rate_sources",
        "deals",
        "meetings",
        "connects",
        "dials",
        "per_day",
        "reachable_by_calls",
    ]
    assert list(plan["rates"]) == ["win", "meeting", "connect"]
    assert list(plan["rate_sources"]) == ["avg_deal", "win", "meeting", "connect"]
    assert list(plan["per_day"]) == ["deals", "meetings", "connects", "dials"]


# --- today, settings, rounding ----------------------------------------------------------------


def test_today_activity_counts_dials_connects_and_meetings_of_the_local_day(
    db: Any,
) -> None:
    ada = prospect(db)
    call(db, ada, "2026-11-18", "no_answer", clock="08:00")
    call(db, ada, "2026-11-18", "callback", clock="09:00")
    call(db, ada, "2026-11-18", "meeting", clock="23:30")
    call(db, ada, "2026-11-17", "meeting")
    assert astuple(load_today_activity(db, TODAY, UTC)) == (3, 2, 1)


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("plan_win_rate", "0.3", Decimal("0.3")),
        ("plan_meeting_rate", "1", Decimal("1")),
        ("plan_connect_rate", " 0.05 ", Decimal("0.05")),
        ("plan_connect_rate", ".001", Decimal("0.001")),
        ("plan_avg_deal", "12k", 1_200_000),
        ("plan_avg_deal", "$1,500.50", 150_050),
        ("plan_avg_deal", "", None),
    ],
)
def test_plan_settings_read_rates_and_amounts(key: str, text: str, value: object) -> None:
    assert parse_setting(key, text) == value


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("plan_win_rate", "0"),
        ("plan_win_rate", "1.5"),
        ("plan_meeting_rate", "a lot"),
        ("plan_connect_rate", "NaN"),
        # Far too small for a plan: the dials it would ask for could not be printed.
        ("plan_connect_rate", "1e-99999"),
        ("plan_connect_rate", "0.0009"),
        ("plan_connect_rate", "-0.5"),
        ("plan_connect_rate", "٠.٥"),
        ("plan_avg_deal", "0"),
        ("plan_avg_deal", "lots"),
    ],
)
def test_plan_settings_refuse_what_cannot_be_used(key: str, text: str) -> None:
    with pytest.raises(SettingError) as error:
        parse_setting(key, text)
    assert "\n" not in str(error.value)


def test_a_stored_avg_deal_setting_reads_back_as_cents(db: Any) -> None:
    save_setting(db, "plan_avg_deal", "12,345.67")
    assert load_settings(db).plan_avg_deal == 1_234_567
    save_setting(db, "plan_avg_deal", "")
    assert load_settings(db).plan_avg_deal is None


@pytest.mark.parametrize(
    ("values", "middle"),
    [([], None), ([3], Fraction(3)), ([4, 1, 3], Fraction(3)), ([1, 2, 4, 3], Fraction(5, 2))],
)
def test_a_median_of_an_even_count_is_the_mean_of_the_middle_two(
    values: list[int], middle: Fraction | None
) -> None:
    assert median(values) == middle


@pytest.mark.parametrize(
    ("value", "shown"), [(Fraction(5, 100), 0.1), (Fraction(25, 100), 0.3), (Fraction(1, 3), 0.3)]
)
def test_one_decimal_rounds_half_up(value: Fraction, shown: float) -> None:
    assert one_decimal(value) == shown


# --- values other tools wrote ----------------------------------------------------------------


def test_values_of_the_wrong_type_are_left_out_and_counted_once(tmp_path: Path) -> None:
    path = tmp_path / "foreign.db"
    book = open_storage(path).db
    set_target(book, amount_cents=NOVEMBER, period="month", today=TODAY)
    ada = prospect(book, "Ada")
    call(book, ada, "2026-11-03", duration_s=120)
    book.conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO prospects (name, created_at) VALUES ('Zed', 'last spring')")
    zed = conn.execute("SELECT max(id) FROM prospects").fetchone()[0]
    conn.execute(
        "INSERT INTO calls (prospect_id, started_at, outcome, duration_s, reason)"
        " VALUES (?, '2026-11-04T12:00:00+00:00', 'not_interested', '1m', X'FF')",
        [zed],
    )
    conn.execute("UPDATE prospects SET nurtured_at = 'soon' WHERE id = ?", [ada])
    conn.close()
    found_pace = load_pace(open_storage(path).db, TODAY, Settings(), tz=UTC)
    assert found_pace is not None and found_pace.figures is not None
    found = found_pace.figures
    # The duration '1m', the BLOB reason, the nurture date 'soon' and the creation date
    # 'last spring' (Zed's speed to lead): each left out once.
    assert found_pace.skipped == 4
    assert found.talk_time_s == 120
    assert found.lost_reasons == NO_REASONS
    assert (found.calls, found.leads_worked) == (2, 2)
    # Ada waited 33 days, from October 1st to November 3rd, both at noon.
    assert found.speed_to_lead_hours_median == 792.0


# --- every figure against a plain count of the rows ------------------------------------------

METHODS = ("solution", "benefits", "inbound")
SOURCES = (None, "webinar", "referral", " ")
OUTCOMES = (
    "no_answer",
    "busy",
    "callback",
    "meeting",
    "meeting_held",
    "proposal_sent",
    "won",
    "not_interested",
    "do_not_call",
)
REASONS = (None, "", "budget", "timing", "other", "price")
FIRST = datetime(2026, 10, 20, tzinfo=UTC)

books = st.fixed_dictionaries(
    {
        "prospects": st.lists(
            st.tuples(st.sampled_from(METHODS), st.sampled_from(SOURCES), st.integers(0, 800)),
            min_size=1,
            max_size=5,
        ),
        "calls": st.lists(
            st.tuples(
                st.integers(0, 4),
                st.integers(0, 50 * 24),
                st.sampled_from(OUTCOMES),
                st.sampled_from((None, "", *METHODS)),
                st.sampled_from(REASONS),
                st.integers(0, 900),
            ),
            max_size=25,
        ),
        "deals": st.lists(
            st.tuples(
                st.integers(0, 4),
                st.integers(0, 45),
                st.integers(1, 10**7),
                st.sampled_from(("new", "expansion")),
                st.booleans(),
            ),
            max_size=5,
        ),
        "today": st.integers(1, 30).map(lambda day: date(2026, 11, day)),
    }
)


def stored(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def write_book(db: Any, book: dict) -> None:
    ids = []
    for number, (method, source, hours) in enumerate(book["prospects"]):
        created = stored(FIRST + timedelta(hours=hours))
        ids.append(prospect(db, f"P{number}", method=method, source=source, created_at=created))
    calls = []
    for who, hours, outcome, method, reason, duration in book["calls"]:
        row = {
            "prospect_id": ids[who % len(ids)],
            "started_at": stored(FIRST + timedelta(hours=hours)),
            "outcome": outcome,
            "method": method,
            "reason": reason,
            "duration_s": duration,
        }
        calls.append(insert_row(db, "calls", row))
    for who, day, cents, kind, on_a_call in book["deals"]:
        prospect_id = ids[who % len(ids)]
        theirs = [
            row["id"]
            for row in db.query("SELECT id FROM calls WHERE prospect_id = ?", [prospect_id])
        ]
        closed_on = (FIRST.date() + timedelta(days=day)).isoformat()
        call_id = theirs[0] if on_a_call and theirs else None
        deal(db, prospect_id, cents, closed_on, kind=kind, call_id=call_id)


def plain_figures(db: Any, today: date) -> dict[str, Any]:
    """The figures of PRODUCT 9b counted straight from the rows, in UTC."""
    start, end = (
        stored(datetime(2026, 11, 1, tzinfo=UTC)),
        stored(datetime.combine(today + timedelta(days=1), datetime.min.time(), tzinfo=UTC)),
    )
    people = {row["id"]: row for row in db.query("SELECT * FROM prospects")}
    every_call = list(db.query("SELECT * FROM calls ORDER BY started_at"))
    calls = [row for row in every_call if start <= row["started_at"] < end]
    by_id = {row["id"]: row for row in every_call}

    def method(row: dict) -> str:
        return row["method"] or people[row["prospect_id"]]["method"]

    def source(prospect_id: int) -> str:
        return (people[prospect_id]["source"] or "").strip() or "(none)"

    deals = [
        row
        for row in db.query("SELECT * FROM deals")
        if "2026-11-01" <= row["closed_on"] <= today.isoformat()
    ]

    def deal_method(row: dict) -> str:
        return (
            method(by_id[row["call_id"]])
            if row["call_id"]
            else people[row["prospect_id"]]["method"]
        )

    def rows(name_of_call, name_of_deal) -> list[tuple]:
        names = {name_of_call(row) for row in calls} | {name_of_deal(row) for row in deals}
        found = []
        for name in names:
            mine = [row for row in calls if name_of_call(row) == name]
            won = [row for row in deals if name_of_deal(row) == name]
            leads = {row["prospect_id"] for row in mine}
            reached = {row["prospect_id"] for row in mine if row["outcome"] in CONNECT_OUTCOMES}
            met = {row["prospect_id"] for row in mine if row["outcome"] == "meeting"}
            buyers = {row["prospect_id"] for row in won}
            lost = {r["prospect_id"] for r in mine if r["outcome"] == "not_interested"} - buyers
            connects = len([row for row in mine if row["outcome"] in CONNECT_OUTCOMES])
            found.append(
                (
                    name,
                    len(mine),
                    connects,
                    connects / len(mine) if mine else 0.0,
                    len(leads),
                    len(reached),
                    len([row for row in mine if row["outcome"] == "meeting"]),
                    len(met) / len(reached) if reached else None,
                    len(won),
                    sum(row["amount_cents"] for row in won),
                    len(buyers) / (len(buyers) + len(lost)) if buyers or lost else None,
                )
            )
        return sorted(found, key=lambda row: (-row[8], -row[4], row[0]))

    reached = {row["prospect_id"] for row in calls if row["outcome"] in CONNECT_OUTCOMES}
    met = {row["prospect_id"] for row in calls if row["outcome"] == "meeting"}
    buyers = {row["prospect_id"] for row in deals}
    lost = {row["prospect_id"] for row in calls if row["outcome"] == "not_interested"} - buyers
    first_calls: dict[int, str] = {}
    for row in every_call:
        first_calls.setdefault(row["prospect_id"], row["started_at"])
    cycles = [
        max(
            0,
            (
                date.fromisoformat(row["closed_on"])
                - date.fromisoformat(first_calls[row["prospect_id"]][:10])
            ).days,
        )
        if row["prospect_id"] in first_calls
        else 0
        for row in deals
        if row["kind"] == "new"
    ]
    waits = [
        max(
            0,
            (
                datetime.fromisoformat(first) - datetime.fromisoformat(people[who]["created_at"])
            ).total_seconds(),
        )
        for who, first in first_calls.items()
        if start <= first < end
    ]
    reasons = dict(NO_REASONS)
    for row in calls:
        if row["outcome"] == "not_interested":
            reason = row["reason"] or "unspecified"
            reasons[reason if reason in NO_REASONS else "other"] += 1
    return {
        "by_method": rows(method, deal_method),
        "by_source": rows(
            lambda row: source(row["prospect_id"]), lambda row: source(row["prospect_id"])
        ),
        "calls": len(calls),
        "leads_worked": len({row["prospect_id"] for row in calls}),
        "reached": len(reached),
        "meeting_leads": len(met),
        "meetings_held": len([row for row in calls if row["outcome"] == "meeting_held"]),
        "proposals": len([row for row in calls if row["outcome"] == "proposal_sent"]),
        "win_rate": len(buyers) / (len(buyers) + len(lost)) if buyers or lost else None,
        "talk_time_s": sum(row["duration_s"] for row in calls),
        "lost_reasons": reasons,
        "sales_cycle_days_median": None if not cycles else float(round_up(plain_median(cycles))),
        "speed_to_lead_hours_median": (
            None if not waits else float(round_up(Fraction(plain_median(waits)) / 3600))
        ),
    }


def round_up(value: float | Fraction) -> Decimal:
    """Half up to one decimal, by hand."""
    return (Decimal(Fraction(value).numerator) / Decimal(Fraction(value).denominator)).quantize(
        Decimal("0.1"), rounding="ROUND_HALF_UP"
    )


def core_figures(pace: Pace) -> dict[str, Any]:
    found = pace.figures
    assert found is not None
    return {
        "by_method": [documented(row) for row in pace.by_method],
        "by_source": [documented(row) for row in pace.by_source],
        "calls": found.calls,
        "leads_worked": found.leads_worked,
        "reached": found.reached,
        "meeting_leads": found.meeting_leads,
        "meetings_held": found.meetings_held,
        "proposals": found.proposals,
        "win_rate": found.win_rate,
        "talk_time_s": found.talk_time_s,
        "lost_reasons": found.lost_reasons,
        "sales_cycle_days_median": found.sales_cycle_days_median,
        "speed_to_lead_hours_median": found.speed_to_lead_hours_median,
    }


def check_every_figure(db: Any, book: dict) -> None:
    november(db)
    write_book(db, book)
    pace = load_pace(db, book["today"], Settings(), tz=UTC)
    assert pace is not None
    assert core_figures(pace) == plain_figures(db, book["today"])
    # The per-source rows add up to the totals.
    assert pace.figures is not None
    assert sum(row.leads for row in pace.by_source) == pace.figures.leads_worked
    assert sum(row.won_cents for row in pace.by_source) == pace.won_cents


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(book=books)
def test_every_figure_matches_a_plain_count_of_the_rows(tmp_path: Path, book: dict) -> None:
    path = tmp_path / "book.db"
    for leftover in tmp_path.glob("book.db*"):
        leftover.unlink()
    storage = open_storage(path)
    try:
        check_every_figure(storage.db, book)
    finally:
        storage.close()


# Fewer books on a team database: each is written through its PL/pgSQL triggers, and the
# SQL the two dialects share is the same; the 30 above explore the figures themselves.
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(book=books)
def test_every_figure_matches_a_plain_count_of_the_rows_on_a_team_database(
    postgres_url: str, book: dict
) -> None:
    from funnel_tui.store import open_team_book

    storage = open_team_book(postgres_url)
    empty_team_book(postgres_url)
    try:
        check_every_figure(storage.db, book)
    finally:
        storage.close()


@given(st.lists(st.lists(st.integers(min_value=0, max_value=10**9), max_size=30), max_size=6))
def test_the_median_of_sorted_runs_is_the_median_of_them_all(runs: list[list[int]]) -> None:
    ordered = [sorted(run) for run in runs]
    assert median_of_sorted(ordered) == median(value for run in runs for value in run)
