"""Every figure of `funnel report --json` (PRODUCT 9 and 9b) on small books built by hand,
against values worked out by hand: each expected value is written out with its arithmetic,
never computed by the code under test.

All books are in December 2026 unless said otherwise: it starts on a Tuesday and has 23
weekdays (1-4, 7-11, 14-18, 21-25, 28-31), so a target of $23,000.00 is worth $1,000.00
a business day. The rep is in New York (UTC-5 all month): local day D runs from
D 05:00 UTC to D+1 05:00 UTC.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from funnel_tui.cli import cli
from funnel_tui.store.sqlite import open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.performance_screen import PerformanceScreen
from tests.app_support import FrozenClock, settle
from tests.cli_support import REPORT_KEYS
from tests.report_books import (
    OPTIONAL_KEYS,
    PLAN_KEYS,
    REP_ZONE,
    ROW_KEYS,
    Book,
    machine_zone,
    report_json,
    utc,
)

DECEMBER = {"period": "month", "starts_on": "2026-12-01", "ends_on": "2026-12-31"}
DECEMBER_TARGET = 2_300_000


def row(
    name: str,
    calls: int,
    connects: int,
    connect_rate: float,
    leads: int,
    reached: int,
    meetings: int,
    meeting_rate: float | None,
    won: int,
    won_cents: int,
    win_rate: float | None,
) -> dict[str, Any]:
    """One by_method or by_source row, its values in the documented order."""
    values = (
        name,
        calls,
        connects,
        connect_rate,
        leads,
        reached,
        meetings,
        meeting_rate,
        won,
        won_cents,
        win_rate,
    )
    return dict(zip(ROW_KEYS, values, strict=True))


def stages(
    meeting: tuple[int, int] = (0, 0),
    qualified: tuple[int, int] = (0, 0),
    proposal: tuple[int, int] = (0, 0),
) -> list[dict[str, Any]]:
    """pipeline_by_stage: (count, cents) of each open stage, zero rows included."""
    return [
        {"stage": stage, "count": count, "cents": cents}
        for stage, (count, cents) in (
            ("meeting", meeting),
            ("qualified", qualified),
            ("proposal", proposal),
        )
    ]


def plan(
    *,
    remaining: int,
    avg_deal: int,
    rates: tuple[float, float, float],
    sources: tuple[str, str, str, str],
    totals: tuple[int, int, int, int],
    per_day: tuple[int | None, ...],
    reachable: bool | None,
) -> dict[str, Any]:
    """The plan object: rates (win, meeting, connect); sources (avg_deal, win, meeting,
    connect); totals and per_day (deals, meetings, connects, dials)."""
    deals, meetings, connects, dials = totals
    return {
        "remaining_cents": remaining,
        "avg_deal_cents": avg_deal,
        "rates": dict(zip(("win", "meeting", "connect"), rates, strict=True)),
        "rate_sources": dict(zip(("avg_deal", "win", "meeting", "connect"), sources, strict=True)),
        "deals": deals,
        "meetings": meetings,
        "connects": connects,
        "dials": dials,
        "per_day": dict(zip(("deals", "meetings", "connects", "dials"), per_day, strict=True)),
        "reachable_by_calls": reachable,
    }


LOST_REASONS = {
    "budget",
    "no_need",
    "timing",
    "competitor",
    "no_authority",
    "other",
    "unspecified",
    "unreachable",
}
# Every rate the setting's; or, with no plan_avg_deal, the deal's size from the median
# open opportunity, which PRODUCT 9b marks `default` too.
ALL_DEFAULT = ("default", "default", "default", "default")
DEFAULT_RATES = (0.20, 0.25, 0.10)


@dataclass(frozen=True)
class Scenario:
    """One book built by hand, the date it is read as of, and every figure worked out."""

    name: str
    today: str
    build: Callable[[Book], None]
    expected: dict[str, Any]
    # Extra keys the spec allows, checked when the report prints them.
    optional: dict[str, Any]
    # `funnel config set` arguments applied before the report.
    settings: tuple[tuple[str, str], ...] = ()


# --- 1. Mid-period, as of Wednesday 16 December -----------------------------------------


def build_mid_period(book: Book) -> None:
    book.target("2026-12-01", "2026-12-31", DECEMBER_TARGET)
    ada = book.prospect("Ada", created_at="2026-12-01 14:00", source="webinar")
    book.call(ada, "2026-12-01 16:15", "no_answer")  # her first call, 2.25 h after she came in
    book.call(ada, "2026-12-03 15:00", "meeting", duration_s=300)
    book.call(ada, "2026-12-07 15:00", "meeting_held", duration_s=900)
    book.call(ada, "2026-12-09 15:00", "proposal_sent", duration_s=400)
    won = book.call(ada, "2026-12-10 15:00", "won", duration_s=600)
    book.deal(ada, 500_000, "2026-12-10", call_id=won)

    bo = book.prospect("Bo", created_at="2026-11-20 10:00", source="webinar", method="benefits")
    book.call(bo, "2026-11-20 12:00", "no_answer")  # before the period
    book.call(bo, "2026-12-02 15:00", "callback", duration_s=120, method="value_proposition")
    book.call(
        bo,
        "2026-12-08 15:00",
        "not_interested",
        duration_s=60,
        method="value_proposition",
        reason="budget",
    )

    cy = book.prospect("Cy", created_at="2026-12-14 20:00", method="inbound")
    book.call(cy, "2026-12-15 04:30", "callback", duration_s=90)  # 23:30 on the 14th in NY
    book.call(cy, "2026-12-17 04:30", "meeting", duration_s=200)  # 23:30 on the 16th: today
    # 00:30 on the 17th in NY: after the as-of date, in no figure.
    late = book.call(cy, "2026-12-17 05:30", "won", duration_s=700)
    book.deal(cy, 999_900, "2026-12-17", call_id=late)

    di = book.prospect("Di", created_at="2026-11-25 10:00", source="referral", method="benefits")
    book.deal(di, 250_000, "2026-12-04")  # no call ever: a cycle of 0 days
    # Not a date: left out of every figure, counted once in `skipped`.
    book.deal(di, 100, "2026-02-30")

    ed = book.prospect("Ed", created_at="2026-12-07 15:00", source="  ", method="conceptual")
    book.call(ed, "2026-12-07 14:00", "no_answer")  # an hour before he came in: 0 h
    book.call(ed, "2026-12-09 16:00", "not_interested", duration_s=45)  # no reason
    book.call(ed, "2026-12-11 16:00", "not_interested", duration_s=30, reason="price")

    fi = book.prospect(
        "Fi",
        created_at="2026-11-02 10:00",
        source="webinar",
        lost_reason="unreachable",
        nurtured_at="2026-12-15T10:00:00+00:00",
    )
    book.call(fi, "2026-11-03 15:00", "no_answer")

    gil = book.prospect("Gil", created_at="2026-11-30 20:00", source="referral")
    book.call(gil, "2026-12-01 04:59:59", "busy")  # 23:59:59 on 30 November in NY
    book.call(gil, "2026-12-01 05:00", "gatekeeper")  # midnight starting 1 December

    # Emails count per email in the local window, never as calls.
    book.email(gil, utc("2026-12-01 04:59:59"))  # 30 November in NY: before the window
    book.email(gil, utc("2026-12-01 05:00"))  # midnight starting 1 December
    book.email(ada, utc("2026-12-09 15:30"), via="mailto")
    book.email(bo, utc("2026-12-17 04:59"))  # 23:59 on the 16th: today
    book.email(bo, utc("2026-12-17 05:00"))  # the 17th in NY: after the as-of date
    book.email(bo, "2026-12-02 10:00")  # another tool's form of a moment in the window
    book.email(bo, "the 3rd")  # not a moment: in no window, counted in `skipped`

    # The pipeline, as it stands: Jo's meeting has no value, so it is no opportunity.
    book.prospect(
        "Hal",
        created_at="2026-11-01 10:00",
        source="referral",
        stage="proposal",
        deal_value_cents=1_000_001,
    )
    book.prospect(
        "Ivy",
        created_at="2026-11-01 10:00",
        source="referral",
        stage="qualified",
        deal_value_cents=333_333,
    )
    book.prospect(
        "Jo", created_at="2026-11-01 10:00", source="referral", stage="meeting", deal_value_cents=0
    )


MID_PERIOD = Scenario(
    "mid-period",
    "2026-12-16",
    build_mid_period,
    {
        **DECEMBER,
        "target_cents": 2_300_000,
        # Ada 500,000 + Di 250,000; the 30 February and the 17th left out.
        "won_cents": 750_000,
        "attainment": 750_000 / 2_300_000,
        "business_days": 23,
        "elapsed_business_days": 11,  # 1-4, 7-11, 14-15
        "remaining_business_days": 12,
        "expected_to_date_cents": 1_100_000,  # 2,300,000 x 11 / 23
        "pace_gap_cents": -350_000,
        "status": "behind",  # 750,000 < 0.95 x 1,100,000
        "needed_per_day_cents": 129_167,  # 1,550,000 / 12 = 129,166.67
        "projection_cents": 1_568_182,  # 750,000 x 23 / 11 = 1,568,181.8
        "calls_today": 1,  # Cy's meeting at 23:30 on the 16th
        "calls_per_day": 60,
        # A call counts under its own method, else its prospect's; a deal under its call's.
        "by_method": [
            # Ada 5 calls + Gil 1; connects: Ada's meeting, held, proposal, won.
            row("solution", 6, 4, 4 / 6, 2, 1, 1, 1 / 1, 1, 500_000, 1 / 1),
            # Di's deal has no call: her method.
            row("benefits", 0, 0, 0.0, 0, 0, 0, None, 1, 250_000, 1 / 1),
            row("conceptual", 3, 2, 2 / 3, 1, 1, 0, 0 / 1, 0, 0, 0 / 1),
            row("inbound", 2, 2, 2 / 2, 1, 1, 1, 1 / 1, 0, 0, None),
            row("value_proposition", 2, 2, 2 / 2, 1, 1, 0, 0 / 1, 0, 0, 0 / 1),
        ],
        "by_source": [
            # Ada 5 + Bo 2; reached Ada, Bo; meeting Ada; W = {Ada}, L = {Bo}.
            row("webinar", 7, 6, 6 / 7, 2, 2, 1, 1 / 2, 1, 500_000, 1 / 2),
            # Cy (no source) 2 + Ed (blank) 3; W = {}, L = {Ed}.
            row("(none)", 5, 4, 4 / 5, 2, 2, 1, 1 / 2, 0, 0, 0 / 1),
            # Gil's gatekeeper; Di's deal.
            row("referral", 1, 0, 0 / 1, 1, 0, 0, None, 1, 250_000, 1 / 1),
        ],
        "calls": 13,  # Ada 5, Bo 2, Cy 2, Ed 3, Gil 1
        "connects": 10,  # Ada 4, Bo 2, Cy 2, Ed 2
        "connect_rate": 10 / 13,
        "leads_worked": 5,  # Ada, Bo, Cy, Ed, Gil
        "reached": 4,  # Ada, Bo, Cy, Ed
        "meetings_booked": 2,  # Ada, Cy
        "meetings_held": 1,
        "proposals": 1,
        "meeting_rate": 2 / 4,
        "deals_won": 2,
        "win_rate": 2 / 4,  # W = {Ada, Di}, L = {Bo, Ed}
        "avg_deal_cents": 375_000,  # 750,000 / 2
        # Ada: 1 -> 10 December = 9 days; Di: no call, 0 days. Median (0 + 9) / 2.
        "sales_cycle_days_median": 4.5,
        # First calls in the window: Ada 2.25 h, Cy 8.5 h, Ed -1 h -> 0. Median 2.25 -> 2.3.
        "speed_to_lead_hours_median": 2.3,
        # Ada 300 + 900 + 400 + 600, Bo 120 + 60, Cy 90 + 200, Ed 45 + 30.
        "talk_time_s": 2_745,
        "avg_calls_per_day": 1.08,  # 13 / 12 business days (today included) = 1.083
        # Gil's at midnight on the 1st, Ada's, Bo's at 23:59 on the 16th and his on the 2nd.
        "emails": 4,
        "lost_reasons": {"budget": 1, "unspecified": 1, "other": 1, "unreachable": 1},
        "handed_back": [{"source": "webinar", "count": 1}],  # Fi, on the 15th
        "pipeline_cents": 1_333_334,  # 1,000,001 + 333,333
        # 500,000.5 + 83,333.25 = 583,333.75
        "weighted_pipeline_cents": 583_334,
        "pipeline_by_stage": stages(qualified=(1, 333_333), proposal=(1, 1_000_001)),
        "coverage": 583_333.75 / 1_550_000,
        # Lookback 18 September to 16 December: 16 calls (13 + Bo's, Fi's, Gil's busy), 10
        # connects, 2 meeting calls, 2 prospects with a meeting, 2 deals.
        "plan": plan(
            remaining=1_550_000,
            avg_deal=666_667,  # 2 deals < 3: median open value (333,333 + 1,000,001) / 2
            # 2 meeting prospects < 5: default; 10 connects: history 2 / 10; 16 calls < 30.
            rates=(0.20, 2 / 10, 0.10),
            sources=("default", "default", "history", "default"),
            # ceil(1,550,000 / 666,667 = 2.3) = 3; 3 / 0.2 = 15; 15 / 0.2 = 75; 75 / 0.1.
            totals=(3, 15, 75, 750),
            per_day=(1, 2, 7, 63),  # ceil(3/12, 15/12, 75/12 = 6.25, 750/12 = 62.5)
            reachable=False,  # 63 > 60
        ),
        "skipped": 2,  # the 30 February and Bo's email "the 3rd", once each
    },
    {"meeting_leads": 2, "won_leads": 2},
)


# --- 2. The first day of a week target: Monday 7 December -------------------------------


def build_first_day(book: Book) -> None:
    book.target(
        "2026-12-07", "2026-12-13", 500_000, period="week", calls_per_day=40
    )  # Mon to Sun: 5 business days
    ann = book.prospect("Ann", created_at="2026-12-06 20:00", source="ads")
    book.call(ann, "2026-12-07 04:59", "no_answer")  # 23:59 on Sunday the 6th in NY
    book.call(ann, "2026-12-07 14:00", "callback", duration_s=100)
    book.call(ann, "2026-12-08 04:59:59", "meeting", duration_s=50)  # 23:59:59 on the 7th
    after = book.call(ann, "2026-12-08 05:00", "won", duration_s=500)  # midnight: the 8th
    book.deal(ann, 300_000, "2026-12-08", call_id=after)
    ben = book.prospect("Ben", created_at="2026-11-01 10:00", source="ads")
    book.deal(ben, 99_999, "2026-12-06")  # the Sunday before the week
    book.deal(ben, 120_000, "2026-12-07")  # no call: a cycle of 0 days


FIRST_DAY = Scenario(
    "first day of the period",
    "2026-12-07",
    build_first_day,
    {
        "period": "week",
        "starts_on": "2026-12-07",
        "ends_on": "2026-12-13",
        "target_cents": 500_000,
        "won_cents": 120_000,
        "attainment": 120_000 / 500_000,
        "business_days": 5,
        "elapsed_business_days": 0,
        "remaining_business_days": 5,
        "expected_to_date_cents": 0,
        "pace_gap_cents": 120_000,
        "status": "ahead",  # nothing expected yet and something won
        "needed_per_day_cents": 76_000,  # 380,000 / 5
        "projection_cents": 120_000,  # E = 0: won
        "calls_today": 2,  # 14:00 UTC and 23:59:59 local
        "calls_per_day": 40,
        "by_method": [row("solution", 2, 2, 2 / 2, 1, 1, 1, 1 / 1, 1, 120_000, 1 / 1)],
        "by_source": [row("ads", 2, 2, 2 / 2, 1, 1, 1, 1 / 1, 1, 120_000, 1 / 1)],
        "calls": 2,
        "connects": 2,
        "connect_rate": 2 / 2,
        "leads_worked": 1,
        "reached": 1,
        "meetings_booked": 1,
        "meetings_held": 0,
        "proposals": 0,
        "meeting_rate": 1 / 1,
        "deals_won": 1,
        "win_rate": 1 / 1,  # W = {Ben}, L = {}
        "avg_deal_cents": 120_000,
        "sales_cycle_days_median": 0.0,
        # Ann's first call ever was on Sunday the 6th, local: before the window.
        "speed_to_lead_hours_median": None,
        "talk_time_s": 150,
        "avg_calls_per_day": 2.0,  # 2 calls / 1 business day
        "emails": 0,
        "lost_reasons": {},
        "handed_back": [],
        "pipeline_cents": 0,
        "weighted_pipeline_cents": 0,
        "pipeline_by_stage": stages(),
        "coverage": 0.0,  # 0 / 380,000
        # 2 deals in the lookback < 3 and no open opportunity: avg deal unknown.
        "plan": None,
        "skipped": 0,
    },
    {"meeting_leads": 1, "won_leads": 1},
)


# --- 3. A weekend as-of date: Saturday 12 December ---------------------------------------


def build_weekend(book: Book) -> None:
    book.target("2026-12-01", "2026-12-31", DECEMBER_TARGET)
    cat = book.prospect("Cat", created_at="2026-12-09 13:00", source="events")
    book.call(cat, "2026-12-09 14:30", "meeting", duration_s=600)  # 1.5 h after she came in
    won = book.call(cat, "2026-12-12 15:00", "won", duration_s=300)  # Saturday
    book.deal(cat, 900_000, "2026-12-12", call_id=won)
    dan = book.prospect("Dan", created_at="2026-12-10 12:00", source="events")
    book.call(dan, "2026-12-10 15:00", "not_interested", duration_s=120, reason="timing")  # 3 h
    book.call(dan, "2026-12-13 04:00", "callback", duration_s=60)  # 23:00 on Saturday in NY
    book.prospect(
        "Eli",
        created_at="2026-12-01 10:00",
        source="events",
        stage="meeting",
        deal_value_cents=200_000,
    )


WEEKEND = Scenario(
    "weekend as-of date",
    "2026-12-12",
    build_weekend,
    {
        **DECEMBER,
        "target_cents": 2_300_000,
        "won_cents": 900_000,
        "attainment": 900_000 / 2_300_000,
        "business_days": 23,
        "elapsed_business_days": 9,  # 1-4, 7-11
        "remaining_business_days": 14,
        "expected_to_date_cents": 900_000,  # 2,300,000 x 9 / 23
        "pace_gap_cents": 0,
        "status": "on_track",
        "needed_per_day_cents": 100_000,  # 1,400,000 / 14
        "projection_cents": 2_300_000,  # 900,000 x 23 / 9
        "calls_today": 2,  # Cat's win and Dan's callback at 23:00
        "calls_per_day": 60,
        "by_method": [row("solution", 4, 4, 4 / 4, 2, 2, 1, 1 / 2, 1, 900_000, 1 / 2)],
        "by_source": [row("events", 4, 4, 4 / 4, 2, 2, 1, 1 / 2, 1, 900_000, 1 / 2)],
        "calls": 4,
        "connects": 4,
        "connect_rate": 4 / 4,
        "leads_worked": 2,
        "reached": 2,
        "meetings_booked": 1,
        "meetings_held": 0,
        "proposals": 0,
        "meeting_rate": 1 / 2,
        "deals_won": 1,
        "win_rate": 1 / 2,  # W = {Cat}, L = {Dan}
        "avg_deal_cents": 900_000,
        "sales_cycle_days_median": 3.0,  # 9 -> 12 December
        "speed_to_lead_hours_median": 2.3,  # (1.5 + 3) / 2 = 2.25, half up
        "talk_time_s": 1_080,  # 600 + 300 + 120 + 60
        "avg_calls_per_day": 0.44,  # 4 / 9: Saturday is no business day
        "emails": 0,
        "lost_reasons": {"timing": 1},
        "handed_back": [],
        "pipeline_cents": 200_000,
        "weighted_pipeline_cents": 20_000,  # 10%
        "pipeline_by_stage": stages(meeting=(1, 200_000)),
        "coverage": 20_000 / 1_400_000,
        "plan": plan(
            remaining=1_400_000,
            avg_deal=200_000,  # 1 deal < 3: the median open value
            rates=DEFAULT_RATES,  # 1 meeting prospect, 4 connects, 4 calls
            sources=ALL_DEFAULT,
            totals=(7, 35, 140, 1_400),  # 1,400,000 / 200,000; / 0.2; / 0.25; / 0.1
            per_day=(1, 3, 10, 100),  # ceil(7/14, 35/14 = 2.5, 140/14, 1,400/14)
            reachable=False,
        ),
        "skipped": 0,
    },
    {"meeting_leads": 1, "won_leads": 1},
)


# --- 4. No calls: Thursday 3 December --------------------------------------------------


def build_no_calls(book: Book) -> None:
    book.target("2026-12-01", "2026-12-31", DECEMBER_TARGET)
    book.prospect(
        "Fay",
        created_at="2026-11-01 10:00",
        source="web",
        stage="proposal",
        deal_value_cents=300_000,
    )


NO_CALLS = Scenario(
    "no calls",
    "2026-12-03",
    build_no_calls,
    {
        **DECEMBER,
        "target_cents": 2_300_000,
        "won_cents": 0,
        "attainment": 0.0,
        "business_days": 23,
        "elapsed_business_days": 2,
        "remaining_business_days": 21,
        "expected_to_date_cents": 200_000,  # 2,300,000 x 2 / 23
        "pace_gap_cents": -200_000,
        "status": "behind",
        "needed_per_day_cents": 109_524,  # 2,300,000 / 21 = 109,523.8
        "projection_cents": 0,
        "calls_today": 0,
        "calls_per_day": 60,
        "by_method": [],
        "by_source": [],
        "calls": 0,
        "connects": 0,
        "connect_rate": 0.0,  # the one ratio that is 0, not null, over nothing
        "leads_worked": 0,
        "reached": 0,
        "meetings_booked": 0,
        "meetings_held": 0,
        "proposals": 0,
        "meeting_rate": None,
        "deals_won": 0,
        "win_rate": None,
        "avg_deal_cents": None,
        "sales_cycle_days_median": None,
        "speed_to_lead_hours_median": None,
        "talk_time_s": 0,
        "avg_calls_per_day": 0.0,  # 0 / 3 business days
        "emails": 0,
        "lost_reasons": {},
        "handed_back": [],
        "pipeline_cents": 300_000,
        "weighted_pipeline_cents": 150_000,
        "pipeline_by_stage": stages(proposal=(1, 300_000)),
        "coverage": 150_000 / 2_300_000,
        "plan": plan(
            remaining=2_300_000,
            avg_deal=300_000,
            rates=DEFAULT_RATES,
            sources=ALL_DEFAULT,
            totals=(8, 40, 160, 1_600),  # ceil(7.67); 8 / 0.2; 40 / 0.25; 160 / 0.1
            per_day=(1, 2, 8, 77),  # ceil(8/21, 40/21, 160/21 = 7.6, 1,600/21 = 76.2)
            reachable=False,
        ),
        "skipped": 0,
    },
    {"meeting_leads": 0, "won_leads": 0},
)


# --- 5. One deal: Friday 18 December, the average deal from the setting ------------------


def build_one_deal(book: Book) -> None:
    book.target("2026-12-01", "2026-12-31", DECEMBER_TARGET)
    gus = book.prospect(
        "Gus", created_at="2026-12-14 14:00", source="partner", method="value_proposition"
    )
    won = book.call(gus, "2026-12-14 14:00", "won", duration_s=1_200)  # called at once
    book.deal(gus, 460_000, "2026-12-14", call_id=won)


ONE_DEAL = Scenario(
    "one deal",
    "2026-12-18",
    build_one_deal,
    {
        **DECEMBER,
        "target_cents": 2_300_000,
        "won_cents": 460_000,
        "attainment": 460_000 / 2_300_000,
        "business_days": 23,
        "elapsed_business_days": 13,  # 1-4, 7-11, 14-17
        "remaining_business_days": 10,
        "expected_to_date_cents": 1_300_000,
        "pace_gap_cents": -840_000,
        "status": "behind",
        "needed_per_day_cents": 184_000,  # 1,840,000 / 10
        "projection_cents": 813_846,  # 460,000 x 23 / 13 = 813,846.15
        "calls_today": 0,
        "calls_per_day": 60,
        "by_method": [row("value_proposition", 1, 1, 1.0, 1, 1, 0, 0.0, 1, 460_000, 1.0)],
        "by_source": [row("partner", 1, 1, 1.0, 1, 1, 0, 0.0, 1, 460_000, 1.0)],
        "calls": 1,
        "connects": 1,
        "connect_rate": 1.0,
        "leads_worked": 1,
        "reached": 1,
        "meetings_booked": 0,
        "meetings_held": 0,
        "proposals": 0,
        "meeting_rate": 0.0,  # 0 / 1 reached
        "deals_won": 1,
        "win_rate": 1.0,
        "avg_deal_cents": 460_000,
        "sales_cycle_days_median": 0.0,  # called and won on the same day
        "speed_to_lead_hours_median": 0.0,
        "talk_time_s": 1_200,
        "avg_calls_per_day": 0.07,  # 1 / 14 = 0.071
        "emails": 0,
        "lost_reasons": {},
        "handed_back": [],
        "pipeline_cents": 0,
        "weighted_pipeline_cents": 0,
        "pipeline_by_stage": stages(),
        "coverage": 0.0,
        "plan": plan(
            remaining=1_840_000,
            avg_deal=230_000,  # one deal < 3: the setting, $2,300.00
            rates=DEFAULT_RATES,
            sources=ALL_DEFAULT,
            totals=(8, 40, 160, 1_600),  # 1,840,000 / 230,000 = 8 exactly
            per_day=(1, 4, 16, 160),
            reachable=False,
        ),
        "skipped": 0,
    },
    {"meeting_leads": 0, "won_leads": 1},
    settings=(("plan_avg_deal", "2300"),),
)


# --- 6. A customer's expansion: Tuesday 22 December --------------------------------------


def build_expansion(book: Book) -> None:
    book.target("2026-12-01", "2026-12-31", DECEMBER_TARGET)
    hana = book.prospect("Hana", created_at="2026-06-01 10:00", source="existing", kind="customer")
    first = book.call(hana, "2026-06-10 14:00", "won", duration_s=100)
    book.deal(hana, 300_000, "2026-06-10", call_id=first)  # her first sale, long ago
    book.call(hana, "2026-12-15 15:00", "meeting_held", duration_s=1_800)
    more = book.call(hana, "2026-12-21 15:00", "won", duration_s=600)
    book.deal(hana, 700_000, "2026-12-21", call_id=more, kind="expansion")
    ivo = book.prospect("Ivo", created_at="2026-12-02 10:00", source="web", method="benefits")
    book.call(ivo, "2026-12-02 15:30", "meeting", duration_s=300)  # 5.5 h
    book.call(ivo, "2026-12-16 15:00", "proposal_sent", duration_s=600)
    won = book.call(ivo, "2026-12-22 15:00", "won", duration_s=900)
    book.deal(ivo, 800_000, "2026-12-22", call_id=won)
    book.prospect(
        "Jan",
        created_at="2026-12-01 10:00",
        source="web",
        stage="qualified",
        deal_value_cents=400_000,
    )


EXPANSION = Scenario(
    "customer expansion",
    "2026-12-22",
    build_expansion,
    {
        **DECEMBER,
        "target_cents": 2_300_000,
        "won_cents": 1_500_000,  # the expansion 700,000 and Ivo's 800,000
        "attainment": 1_500_000 / 2_300_000,
        "business_days": 23,
        "elapsed_business_days": 15,  # 1-4, 7-11, 14-18, 21
        "remaining_business_days": 8,
        "expected_to_date_cents": 1_500_000,
        "pace_gap_cents": 0,
        "status": "on_track",
        "needed_per_day_cents": 100_000,  # 800,000 / 8
        "projection_cents": 2_300_000,  # 1,500,000 x 23 / 15
        "calls_today": 1,
        "calls_per_day": 60,
        "by_method": [
            row("benefits", 3, 3, 1.0, 1, 1, 1, 1.0, 1, 800_000, 1.0),
            row("solution", 2, 2, 1.0, 1, 1, 0, 0.0, 1, 700_000, 1.0),
        ],
        "by_source": [
            row("web", 3, 3, 1.0, 1, 1, 1, 1.0, 1, 800_000, 1.0),
            row("existing", 2, 2, 1.0, 1, 1, 0, 0.0, 1, 700_000, 1.0),
        ],
        "calls": 5,
        "connects": 5,
        "connect_rate": 1.0,
        "leads_worked": 2,
        "reached": 2,
        "meetings_booked": 1,
        "meetings_held": 1,
        "proposals": 1,
        "meeting_rate": 1 / 2,  # Ivo
        "deals_won": 2,  # new and expansion
        "win_rate": 2 / 2,
        "avg_deal_cents": 750_000,
        # New deals only: Ivo, 2 -> 22 December. The expansion has no cycle.
        "sales_cycle_days_median": 20.0,
        "speed_to_lead_hours_median": 5.5,  # Ivo; Hana's first call was in June
        "talk_time_s": 4_200,  # 1,800 + 600 + 300 + 600 + 900
        "avg_calls_per_day": 0.31,  # 5 / 16 = 0.3125
        "emails": 0,
        "lost_reasons": {},
        "handed_back": [],
        "pipeline_cents": 400_000,
        "weighted_pipeline_cents": 100_000,
        "pipeline_by_stage": stages(qualified=(1, 400_000)),
        "coverage": 100_000 / 800_000,
        "plan": plan(
            remaining=800_000,
            avg_deal=400_000,  # 2 deals in the lookback (June is outside it) < 3
            rates=DEFAULT_RATES,
            sources=ALL_DEFAULT,
            totals=(2, 10, 40, 400),
            per_day=(1, 2, 5, 50),  # ceil(2/8, 10/8, 40/8, 400/8)
            reachable=True,  # 50 <= 60
        ),
        "skipped": 0,
    },
    {"meeting_leads": 1, "won_leads": 2},
)


# --- 7. Nurture hand-backs: Monday 28 December -------------------------------------------


def build_nurture(book: Book) -> None:
    book.target("2026-12-01", "2026-12-31", DECEMBER_TARGET)
    kit = book.prospect(
        "Kit",
        created_at="2026-12-01 14:00",
        source="list",
        lost_reason="unreachable",
        nurtured_at="2026-12-24T15:00:00+00:00",
    )
    for day in ("01", "03", "08", "10", "15", "17", "22", "24"):
        book.call(kit, f"2026-12-{day} 15:00", "no_answer")  # the first 1 h after she came in
    lou = book.prospect(
        "Lou",
        created_at="2026-11-10 10:00",
        source="list",
        lost_reason="unreachable",
        nurtured_at="2026-12-01T04:30:00+00:00",  # 23:30 on 30 November in NY
    )
    book.call(lou, "2026-11-16 15:00", "no_answer")
    max_ = book.prospect(
        "Max",
        created_at="2026-11-10 10:00",
        lost_reason="timing",
        nurtured_at="2026-12-21T15:05:00+00:00",
    )
    book.call(max_, "2026-11-10 12:00", "no_answer")
    book.call(max_, "2026-12-21 15:00", "not_interested", duration_s=240, reason="timing")
    book.prospect(
        "Nia",
        created_at="2026-12-01 10:00",
        source="list",
        lost_reason="unreachable",
        nurtured_at="2026-12-29T04:59:00+00:00",  # 23:59 on the 28th in NY: today
    )


NURTURE = Scenario(
    "nurture hand-back",
    "2026-12-28",
    build_nurture,
    {
        **DECEMBER,
        "target_cents": 2_300_000,
        "won_cents": 0,
        "attainment": 0.0,
        "business_days": 23,
        "elapsed_business_days": 19,
        "remaining_business_days": 4,
        "expected_to_date_cents": 1_900_000,  # 2,300,000 x 19 / 23
        "pace_gap_cents": -1_900_000,
        "status": "behind",
        "needed_per_day_cents": 575_000,  # 2,300,000 / 4
        "projection_cents": 0,
        "calls_today": 0,
        "calls_per_day": 60,
        "by_method": [row("solution", 9, 1, 1 / 9, 2, 1, 0, 0 / 1, 0, 0, 0 / 1)],
        "by_source": [
            row("list", 8, 0, 0.0, 1, 0, 0, None, 0, 0, None),
            row("(none)", 1, 1, 1.0, 1, 1, 0, 0.0, 0, 0, 0.0),
        ],
        "calls": 9,  # Kit 8, Max 1
        "connects": 1,
        "connect_rate": 1 / 9,
        "leads_worked": 2,
        "reached": 1,
        "meetings_booked": 0,
        "meetings_held": 0,
        "proposals": 0,
        "meeting_rate": 0.0,
        "deals_won": 0,
        "win_rate": 0.0,  # W = {}, L = {Max}
        "avg_deal_cents": None,
        "sales_cycle_days_median": None,
        "speed_to_lead_hours_median": 1.0,  # Kit; Max's first call was in November
        "talk_time_s": 240,
        "avg_calls_per_day": 0.45,  # 9 / 20
        "emails": 0,
        # Max's not_interested; Kit and Nia handed back unreachable (Lou on 30 November).
        "lost_reasons": {"timing": 1, "unreachable": 2},
        "handed_back": [{"source": "(none)", "count": 1}, {"source": "list", "count": 2}],
        "pipeline_cents": 0,
        "weighted_pipeline_cents": 0,
        "pipeline_by_stage": stages(),
        "coverage": 0.0,
        "plan": None,  # no deal and no open opportunity: avg deal unknown
        "skipped": 0,
    },
    {"meeting_leads": 0, "won_leads": 0},
)


# --- 8 and 9. Samples for the plan, as of Wednesday 16 December ---------------------------
# The lookback runs from 18 September. Under every minimum: 29 calls, 9 connects, 4
# prospects with a meeting, 2 deals. At every minimum: 30, 10, 5, 3.


def build_samples(book: Book, *, at_minimum: bool) -> None:
    book.target("2026-12-01", "2026-12-31", DECEMBER_TARGET)

    def seo(name: str) -> int:
        return book.prospect(name, created_at="2026-11-02 14:00", source="seo")

    def won(person: int, day: str, cents: int) -> None:
        call = book.call(person, f"{day} 15:00", "won", duration_s=100)
        book.deal(person, cents, day, call_id=call)

    m1, m2, m3, m4 = seo("M1"), seo("M2"), seo("M3"), seo("M4")
    for person, first, meeting in [
        (m1, "2026-11-10", "2026-12-02"),
        (m2, "2026-11-11", "2026-12-03"),
        (m3, "2026-11-12", "2026-12-04"),
        (m4, "2026-11-13", "2026-11-20"),
    ]:
        book.call(person, f"{first} 15:00", "no_answer")
        book.call(person, f"{meeting} 15:00", "meeting", duration_s=100)
    won(m1, "2026-12-09", 300_000)
    won(m2, "2026-12-10", 200_000)
    if at_minimum:
        m5 = seo("M5")
        book.call(m5, "2026-11-16 15:00", "meeting", duration_s=100)
        won(m5, "2026-11-18", 260_000)
    n1 = book.prospect("N1", created_at="2026-12-07 12:00", source="seo")
    book.call(n1, "2026-12-07 15:00", "callback", duration_s=100)  # 3 h
    book.call(n1, "2026-12-11 15:00", "not_interested", duration_s=100, reason="no_need")
    if not at_minimum:
        book.call(seo("N2"), "2026-11-25 15:00", "callback", duration_s=100)
    zed = book.prospect("Zed", created_at="2026-11-01 14:00", source="cold")
    for day in ("11-02", "11-03", "11-04", "11-05", "11-06", "11-09", "11-10", "11-11"):
        book.call(zed, f"2026-{day} 15:00", "no_answer")
    for day in ("01", "02", "03", "04", "07", "08", "09", "10"):
        book.call(zed, f"2026-12-{day} 16:00", "no_answer")
    for name, stage, cents in [
        ("P1", "proposal", 500_000),
        ("P2", "meeting", 100_000),
        ("P3", "qualified", 250_000),
    ]:
        book.prospect(
            name, created_at="2026-11-01 10:00", source="seo", stage=stage, deal_value_cents=cents
        )


# In the window, both books are the same: M1-M3's meetings, M1's and M2's wins, N1's two
# calls and Zed's eight no-answers.
SAMPLES_WINDOW = {
    **DECEMBER,
    "target_cents": 2_300_000,
    "won_cents": 500_000,
    "attainment": 500_000 / 2_300_000,
    "business_days": 23,
    "elapsed_business_days": 11,
    "remaining_business_days": 12,
    "expected_to_date_cents": 1_100_000,
    "pace_gap_cents": -600_000,
    "status": "behind",
    "needed_per_day_cents": 150_000,  # 1,800,000 / 12
    "projection_cents": 1_045_455,  # 500,000 x 23 / 11 = 1,045,454.5
    "calls_today": 0,
    "calls_per_day": 60,
    "by_method": [row("solution", 15, 7, 7 / 15, 5, 4, 3, 3 / 4, 2, 500_000, 2 / 3)],
    "by_source": [
        row("seo", 7, 7, 1.0, 4, 4, 3, 3 / 4, 2, 500_000, 2 / 3),
        row("cold", 8, 0, 0.0, 1, 0, 0, None, 0, 0, None),
    ],
    "calls": 15,
    "connects": 7,  # 3 meetings, 2 wins, N1's callback and not_interested
    "connect_rate": 7 / 15,
    "leads_worked": 5,  # M1, M2, M3, N1, Zed
    "reached": 4,
    "meetings_booked": 3,
    "meetings_held": 0,
    "proposals": 0,
    "meeting_rate": 3 / 4,
    "deals_won": 2,
    "win_rate": 2 / 3,  # W = {M1, M2}, L = {N1}
    "avg_deal_cents": 250_000,
    # M1: 10 November -> 9 December; M2: 11 November -> 10 December: 29 days each.
    "sales_cycle_days_median": 29.0,
    "speed_to_lead_hours_median": 3.0,  # N1 only: the others were first called in November
    "talk_time_s": 700,  # 7 connects of 100 s
    "avg_calls_per_day": 1.25,  # 15 / 12
    "emails": 0,
    "lost_reasons": {"no_need": 1},
    "handed_back": [],
    "pipeline_cents": 850_000,
    "weighted_pipeline_cents": 322_500,  # 250,000 + 10,000 + 62,500
    "pipeline_by_stage": stages(
        meeting=(1, 100_000), qualified=(1, 250_000), proposal=(1, 500_000)
    ),
    "coverage": 322_500 / 1_800_000,
    "skipped": 0,
}

UNDER_EVERY_MINIMUM = Scenario(
    "a sample under every minimum",
    "2026-12-16",
    lambda book: build_samples(book, at_minimum=False),
    {
        **SAMPLES_WINDOW,
        "plan": plan(
            remaining=1_800_000,
            avg_deal=250_000,  # the median open value
            rates=DEFAULT_RATES,
            sources=ALL_DEFAULT,
            totals=(8, 40, 160, 1_600),  # ceil(7.2); 8 / 0.2; 40 / 0.25; 160 / 0.1
            per_day=(1, 4, 14, 134),  # ceil(8/12, 40/12, 160/12 = 13.3, 1,600/12 = 133.3)
            reachable=False,
        ),
    },
    {"meeting_leads": 3, "won_leads": 2},
)

AT_EVERY_MINIMUM = Scenario(
    "history rates at every minimum",
    "2026-12-16",
    lambda book: build_samples(book, at_minimum=True),
    {
        **SAMPLES_WINDOW,
        "plan": plan(
            remaining=1_800_000,
            # (300,000 + 200,000 + 260,000) / 3 = 253,333.3 -> 253,333
            avg_deal=253_333,
            # M1, M2, M5 of 5 with a meeting; 5 meetings / 10 connects; 10 / 30 calls.
            rates=(3 / 5, 5 / 10, 10 / 30),
            sources=("history", "history", "history", "history"),
            # ceil(1,800,000 / 253,333 = 7.1) = 8; ceil(8 / 0.6 = 13.3) = 14; 14 / 0.5 =
            # 28; 28 / (1/3) = 84 exactly.
            totals=(8, 14, 28, 84),
            per_day=(1, 2, 3, 7),  # ceil(8/12, 14/12, 28/12, 84/12)
            reachable=True,
        ),
    },
    {"meeting_leads": 3, "won_leads": 2},
)


# --- 10. A target of 0 over a week of holidays, as of Wednesday 23 December ---------------


def build_zero_target(book: Book) -> None:
    # Another tool wrote a target of 0 (`target set` refuses one).
    book.target("2026-12-21", "2026-12-27", 0, period="week")
    ola = book.prospect("Ola", created_at="2026-12-21 09:00", source="web")
    won = book.call(ola, "2026-12-22 15:00", "won", duration_s=30)  # 30 h after she came in
    book.deal(ola, 50_000, "2026-12-22", call_id=won)
    book.prospect(
        "Pam",
        created_at="2026-12-01 10:00",
        source="web",
        stage="proposal",
        deal_value_cents=100_000,
    )


ZERO_TARGET = Scenario(
    "a target of 0 and no business days",
    "2026-12-23",
    build_zero_target,
    {
        "period": "week",
        "starts_on": "2026-12-21",
        "ends_on": "2026-12-27",
        "target_cents": 0,
        "won_cents": 50_000,
        "attainment": None,  # a share of nothing
        "business_days": 0,  # Monday to Friday are all holidays
        "elapsed_business_days": 0,
        "remaining_business_days": 0,
        "expected_to_date_cents": 0,
        "pace_gap_cents": 50_000,
        "status": "ahead",  # nothing expected, something won
        "needed_per_day_cents": 0,  # nothing left to win
        "projection_cents": 50_000,  # E = 0: won
        "calls_today": 0,
        "calls_per_day": 60,
        "by_method": [row("solution", 1, 1, 1.0, 1, 1, 0, 0.0, 1, 50_000, 1.0)],
        "by_source": [row("web", 1, 1, 1.0, 1, 1, 0, 0.0, 1, 50_000, 1.0)],
        "calls": 1,
        "connects": 1,
        "connect_rate": 1.0,
        "leads_worked": 1,
        "reached": 1,
        "meetings_booked": 0,
        "meetings_held": 0,
        "proposals": 0,
        "meeting_rate": 0.0,
        "deals_won": 1,
        "win_rate": 1.0,
        "avg_deal_cents": 50_000,
        "sales_cycle_days_median": 0.0,
        "speed_to_lead_hours_median": 30.0,
        "talk_time_s": 30,
        "avg_calls_per_day": None,  # no business day in the window
        "emails": 0,
        "lost_reasons": {},
        "handed_back": [],
        "pipeline_cents": 100_000,
        "weighted_pipeline_cents": 50_000,
        "pipeline_by_stage": stages(proposal=(1, 100_000)),
        "coverage": None,  # nothing remains to cover
        "plan": plan(
            remaining=0,
            avg_deal=100_000,  # one deal < 3: Pam's open value
            rates=DEFAULT_RATES,
            sources=ALL_DEFAULT,
            totals=(0, 0, 0, 0),
            per_day=(None, None, None, None),  # R = 0
            reachable=None,
        ),
        "skipped": 0,
    },
    {"meeting_leads": 0, "won_leads": 1},
    settings=(("holidays", "2026-12-21,2026-12-22,2026-12-23,2026-12-24,2026-12-25"),),
)


# --- 11. Rates of 0 in the history take their settings: Wednesday 16 December -------------
# In November: 30 unanswered calls and 10 callbacks (40 calls, 10 connects, no meeting),
# and three deals of $0.00 another tool recorded. Nothing in December.

NOVEMBER_WEEKDAYS = [f"2026-11-{day:02}" for day in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13)]


def build_zero_rates(book: Book) -> None:
    book.target("2026-12-01", "2026-12-31", DECEMBER_TARGET)
    quinn = book.prospect("Quinn", created_at="2026-11-01 14:00", source="cold")
    later_weekdays = [f"2026-11-{day:02}" for day in (16, 17, 18, 19, 20, 23, 24, 25, 26, 27)]
    for day in NOVEMBER_WEEKDAYS + later_weekdays:
        book.call(quinn, f"{day} 15:00", "no_answer")
    for day in NOVEMBER_WEEKDAYS:
        book.call(quinn, f"{day} 16:00", "no_answer")
    rae = book.prospect("Rae", created_at="2026-11-01 14:00", source="cold")
    for day in NOVEMBER_WEEKDAYS:
        book.call(rae, f"{day} 17:00", "callback")
    sid = book.prospect("Sid", created_at="2026-11-01 14:00", source="cold")
    for day in ("2026-11-10", "2026-11-11", "2026-11-12"):
        book.deal(sid, 0, day)
    book.prospect(
        "Tia",
        created_at="2026-11-01 10:00",
        source="cold",
        stage="proposal",
        deal_value_cents=400_000,
    )


ZERO_RATES = Scenario(
    "history rates of 0",
    "2026-12-16",
    build_zero_rates,
    {
        **DECEMBER,
        "target_cents": 2_300_000,
        "won_cents": 0,
        "attainment": 0.0,
        "business_days": 23,
        "elapsed_business_days": 11,
        "remaining_business_days": 12,
        "expected_to_date_cents": 1_100_000,
        "pace_gap_cents": -1_100_000,
        "status": "behind",
        "needed_per_day_cents": 191_667,  # 2,300,000 / 12 = 191,666.67
        "projection_cents": 0,
        "calls_today": 0,
        "calls_per_day": 60,
        "by_method": [],
        "by_source": [],
        "calls": 0,
        "connects": 0,
        "connect_rate": 0.0,
        "leads_worked": 0,
        "reached": 0,
        "meetings_booked": 0,
        "meetings_held": 0,
        "proposals": 0,
        "meeting_rate": None,
        "deals_won": 0,
        "win_rate": None,
        "avg_deal_cents": None,
        "sales_cycle_days_median": None,
        "speed_to_lead_hours_median": None,
        "talk_time_s": 0,
        "avg_calls_per_day": 0.0,  # 0 / 12
        "emails": 0,
        "lost_reasons": {},
        "handed_back": [],
        "pipeline_cents": 400_000,
        "weighted_pipeline_cents": 200_000,
        "pipeline_by_stage": stages(proposal=(1, 400_000)),
        "coverage": 200_000 / 2_300_000,
        "plan": plan(
            remaining=2_300_000,
            # 3 deals of $0.00: a history of 0 takes the median open value.
            avg_deal=400_000,
            # No meeting prospect; 0 meetings / 10 connects = 0; 10 connects / 40 calls.
            rates=(0.20, 0.25, 10 / 40),
            sources=("default", "default", "default", "history"),
            # ceil(2,300,000 / 400,000 = 5.75) = 6; 6 / 0.2 = 30; 30 / 0.25; 120 / 0.25.
            totals=(6, 30, 120, 480),
            per_day=(1, 3, 10, 40),  # ceil(6/12, 30/12 = 2.5, 120/12, 480/12)
            reachable=True,
        ),
        "skipped": 0,
    },
    {"meeting_leads": 0, "won_leads": 0},
)

SCENARIOS = [
    MID_PERIOD,
    FIRST_DAY,
    WEEKEND,
    NO_CALLS,
    ONE_DEAL,
    EXPANSION,
    NURTURE,
    UNDER_EVERY_MINIMUM,
    AT_EVERY_MINIMUM,
    ZERO_TARGET,
    ZERO_RATES,
]


def build(scenario: Scenario, book: Book) -> str:
    """The scenario written into `book`, closed; what `--db` names it by."""
    try:
        scenario.build(book)
    finally:
        book.close()
    for key, value in scenario.settings:
        result = CliRunner().invoke(cli, ["config", "set", key, value, "--db", book.option])
        assert result.exit_code == 0, result.output
    return book.option


def build_file(scenario: Scenario, path: Path) -> str:
    return build(scenario, Book.at(path))


@pytest.fixture(autouse=True)
def rep_zone() -> Iterator[None]:
    with machine_zone():
        yield


def assert_same(got: object, want: object, where: str) -> None:
    """Integers and strings exactly; floats to their last few digits; null as null."""
    if isinstance(want, float):
        assert isinstance(got, int | float) and not isinstance(got, bool), (where, got, want)
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12), (where, got, want)
    elif isinstance(want, dict):
        assert isinstance(got, dict), (where, got, want)
        assert sorted(got) == sorted(want), (where, got, want)
        for key in want:
            assert_same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), (where, got, want)
        for index, (one, other) in enumerate(zip(got, want, strict=True)):
            assert_same(one, other, f"{where}[{index}]")
    else:
        assert got == want and type(got) is type(want), (where, got, want)


def by_name(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    names = [one["name"] for one in rows]
    assert len(set(names)) == len(names), names
    return {one["name"]: one for one in rows}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_every_figure_matches_the_hand_worked_value(
    scenario: Scenario, book_storage: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = Book.in_storage(book_storage, monkeypatch)
    report = report_json(build(scenario, book), scenario.today)

    assert list(report)[: len(REPORT_KEYS)] == REPORT_KEYS
    extra = list(report)[len(REPORT_KEYS) :]
    assert set(extra) <= OPTIONAL_KEYS, extra
    expected = scenario.expected
    assert sorted(expected) == sorted(REPORT_KEYS)  # the scenario itself leaves no key out
    for key in REPORT_KEYS:
        got, want = report[key], expected[key]
        if key in ("by_method", "by_source"):
            # The order of the rows is the table's business; the rows themselves are exact.
            for one in got:
                assert list(one) == ROW_KEYS, one
            assert_same(by_name(got), by_name(want), key)
            # Both sort by won, then by leads (issue 16); ties in any order.
            ranks = [(one["won"], one["leads"]) for one in got]
            assert ranks == sorted(ranks, reverse=True), (key, got)
        elif key == "lost_reasons":
            # A reason that did not come up may be listed with 0 or left out.
            assert set(got) <= LOST_REASONS, got
            assert_same({reason: n for reason, n in got.items() if n}, want, key)
        elif key == "handed_back":
            assert_same(sorted(got, key=lambda one: one["source"]), want, key)
        elif key == "plan" and want is not None:
            assert list(got) == PLAN_KEYS, got
            assert_same(got, want, key)
        else:
            assert_same(got, want, key)
    for key in extra:
        if key in scenario.optional:
            assert_same(report[key], scenario.optional[key], key)


def dollars(cents: int) -> str:
    """An amount as the report prints it in dollars, written out here to find it."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) / 100:,.2f}"


# A figure cut short would end in an ellipsis right after a digit or a sign.
CUT_FIGURE = re.compile(r"[0-9$%.,]…")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_the_report_fits_80_columns_when_piped_and_cuts_no_figure(
    scenario: Scenario, tmp_path: Path
) -> None:
    path = build_file(scenario, tmp_path / "book.db")
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    shown = subprocess.run(
        [sys.executable, "-m", "funnel_tui", "report", "--today", scenario.today, "--db", path],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "TZ": REP_ZONE},
        check=False,
    )
    # A scenario's day may still be to come on the machine's clock, which is said.
    said = [line for line in shown.stderr.splitlines() if "is still to come" not in line]
    assert shown.returncode == 0 and not said, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines
    assert max(cell_len(line) for line in lines) <= 80, shown.stdout
    assert not CUT_FIGURE.search(shown.stdout), shown.stdout
    for cents in ("target_cents", "won_cents", "needed_per_day_cents"):
        assert dollars(scenario.expected[cents]) in shown.stdout, (cents, shown.stdout)


async def test_the_pace_screen_agrees_with_the_report_to_the_cent(tmp_path: Path) -> None:
    path = build_file(MID_PERIOD, tmp_path / "book.db")
    london = ZoneInfo("Europe/London")
    # The app counts days in its clock's zone, the CLI in the machine's: both London here.
    with machine_zone(str(london)):
        report = report_json(path, MID_PERIOD.today)
        storage = open_storage(path)
        clock = FrozenClock(datetime(2026, 12, 16, 14, 30, tzinfo=london))
        app = FunnelApp(storage, clock=clock, scripts_dir=tmp_path / "no-user-scripts")
        try:
            async with app.run_test(size=(160, 48)) as pilot:
                await settle(pilot)
                await pilot.press("p")
                await settle(pilot)
                screen = app.screen
                assert isinstance(screen, PerformanceScreen)
                assert screen.pace is not None
                shown = screen.pace.to_json()
        finally:
            storage.close()
    assert list(shown) == list(report)
    for key in report:
        assert shown[key] == report[key], key
    # In London New York's 23:30 calls fall on the next day, but the money does not move.
    assert (report["won_cents"], report["pipeline_cents"]) == (750_000, 1_333_334)


def small_book(path: Path) -> Book:
    """December's target and Ada, called once on the 2nd: one call, one connect."""
    book = Book.at(path)
    book.target("2026-12-01", "2026-12-31", DECEMBER_TARGET)
    ada = book.prospect("Ada", created_at="2026-12-01 10:00", source="web")
    book.call(ada, "2026-12-02 15:00", "callback", duration_s=100)
    return book


def test_a_call_whose_start_is_not_a_moment_is_left_out_and_counted(tmp_path: Path) -> None:
    book = small_book(tmp_path / "book.db")
    book.db.execute(
        "INSERT INTO calls (prospect_id, started_at, outcome) VALUES (1, 'yesterday', 'meeting')"
    )
    book.close()
    report = report_json(book.path, "2026-12-16")
    assert (report["calls"], report["meetings_booked"], report["skipped"]) == (1, 0, 1)


def test_an_amount_written_as_text_is_left_out_and_counted_once(tmp_path: Path) -> None:
    book = small_book(tmp_path / "book.db")
    book.deal(1, 500_000, "2026-12-10")
    book.deal(1, "twelve dollars", "2026-12-05")
    book.close()
    report = report_json(book.path, "2026-12-16")
    assert (report["won_cents"], report["deals_won"], report["skipped"]) == (500_000, 1, 1)


def test_a_blob_for_a_calls_method_is_skipped_not_a_crash(tmp_path: Path) -> None:
    book = small_book(tmp_path / "book.db")
    book.db.execute(
        "INSERT INTO calls (prospect_id, started_at, outcome, method)"
        " VALUES (1, '2026-12-03T15:00:00+00:00', 'callback', x'ff00')"
    )
    book.close()
    report = report_json(book.path, "2026-12-16")
    assert report["skipped"] == 1
    assert sum(one["calls"] for one in report["by_method"]) == report["calls"]


def test_moments_written_with_a_space_count_on_their_local_day(tmp_path: Path) -> None:
    """`2026-12-01 06:00:00` is how SQLite's datetime() writes UTC; funnel reads it as UTC
    (PRODUCT 4), so it falls on the rep's local day like any other moment."""
    book = small_book(tmp_path / "book.db")
    for moment, seconds in (
        ("2026-12-01 04:00:00", 1),  # 23:00 on 30 November in NY: before the window
        ("2026-12-01 06:00:00", 2),  # 01:00 on 1 December: in the window
        ("2026-12-17 04:30:00", 4),  # 23:30 on the 16th: today
        ("2026-12-17 05:30:00", 8),  # 00:30 on the 17th: after the as-of date
    ):
        book.db.execute(
            "INSERT INTO calls (prospect_id, started_at, outcome, duration_s)"
            " VALUES (1, ?, 'no_answer', ?)",
            [moment, seconds],
        )
    book.close()
    report = report_json(book.path, "2026-12-16")
    # Ada's callback (100 s), 1 December 01:00 (2 s) and the 16th's 23:30 (4 s).
    assert (report["calls"], report["talk_time_s"], report["calls_today"]) == (3, 106, 1)
    assert [one["calls"] for one in report["by_source"]] == [3]


def test_a_start_funnel_check_names_as_no_moment_is_left_out_and_counted(tmp_path: Path) -> None:
    """Another offset, hour 24 and '-00:00' are not moments in UTC: `funnel check` names
    them, so the report leaves them out of every figure and counts them in skipped."""
    book = small_book(tmp_path / "book.db")
    for moment in (
        "2026-12-01T07:00:00+05:00",
        "2026-12-01T24:00:00+00:00",
        "2026-12-01T07:00:00-00:00",
    ):
        book.db.execute(
            "INSERT INTO calls (prospect_id, started_at, outcome, duration_s)"
            " VALUES (1, ?, 'meeting', 10)",
            [moment],
        )
    book.close()
    report = report_json(book.path, "2026-12-16")
    assert (report["calls"], report["meetings_booked"], report["talk_time_s"]) == (1, 0, 100)
    assert (report["leads_worked"], report["skipped"]) == (1, 3)
