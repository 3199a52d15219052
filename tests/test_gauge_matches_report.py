"""The gauge on the main screen and the pace screen show the same figures as `funnel report
--json` (issue #4), the pipeline included."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from funnel_tui.cli import cli
from funnel_tui.domain import NO_SOURCE
from funnel_tui.store.sqlite import Storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.performance_screen import PerformanceScreen
from funnel_tui.ui.quota_gauge import QuotaGauge
from tests.app_support import FROZEN_NOW, settle, shown_text
from tests.pipeline_support import (
    BY_STAGE,
    PIPELINE_CENTS,
    WEIGHTED_EXACT_HUNDREDTHS,
    WEIGHTED_PIPELINE_CENTS,
    write_pipeline,
)

TODAY = FROZEN_NOW.date().isoformat()
OUTSIDE_DEAL_CENTS = 777_700
# What the gauge leaves to the pace screen (`p`): the breakdowns, the figures of 9b, the
# pipeline and the plan.
PANEL_ONLY = {
    "by_method": [],
    "by_source": [],
    **dict.fromkeys(
        (
            "calls",
            "connects",
            "connect_rate",
            "leads_worked",
            "reached",
            "meetings_booked",
            "meetings_held",
            "proposals",
            "meeting_rate",
            "deals_won",
            "win_rate",
            "avg_deal_cents",
            "sales_cycle_days_median",
            "speed_to_lead_hours_median",
            "talk_time_s",
            "avg_calls_per_day",
            "emails",
            "lost_reasons",
            "handed_back",
            "pipeline_cents",
            "weighted_pipeline_cents",
            "pipeline_by_stage",
            "coverage",
            "plan",
        )
    ),
}


@pytest.fixture(autouse=True)
def machine_zone_is_the_reps(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI counts calls today in the machine's zone, the app in its clock's zone.

    The frozen clock is Europe/London; in November London is UTC+0, so on a machine set to
    UTC (as here and in CI) the two agree anyway. Setting the machine's zone to London
    keeps the comparison fair on a machine set to any other zone.
    """
    with monkeypatch.context() as patch:
        patch.setenv("TZ", str(FROZEN_NOW.tzinfo))
        time.tzset()
        yield
    time.tzset()


def report_json(storage: Storage) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli, ["report", "--json", "--today", TODAY, "--db", str(storage.path)]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


async def gauge_json(app: FunnelApp) -> dict[str, Any]:
    """The pace screen's figures, once checked against the gauge's (which leaves some to
    the screen)."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        pace = app.screen.query_one(QuotaGauge).pace
        assert pace is not None
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PerformanceScreen)
        assert screen.pace is not None
    gauge, panel = pace.to_json(), screen.pace.to_json()
    assert {key: gauge[key] for key in PANEL_ONLY} == PANEL_ONLY
    assert {**panel, **PANEL_ONLY} == gauge
    return panel


def won_by_source(report: dict[str, Any], source: str) -> int:
    return sum(row["won_cents"] for row in report["by_source"] if row["name"] == source)


def assert_same_figures(gauge: dict[str, Any], report: dict[str, Any]) -> None:
    assert list(gauge) == list(report)
    for key in report:
        assert gauge[key] == report[key], key


async def test_the_gauge_shows_the_figures_of_funnel_report(
    demo_app: FunnelApp, demo_storage: Storage
) -> None:
    gauge = await gauge_json(demo_app)
    report = report_json(demo_storage)
    assert_same_figures(gauge, report)
    assert report["won_cents"] > 0
    assert report["calls_today"] > 0


async def test_rows_written_by_other_tools_count_in_both(
    demo_app: FunnelApp, demo_storage: Storage
) -> None:
    before = report_json(demo_storage)
    # Another program writes only the required columns, the way `sqlite-utils insert` would.
    outside = sqlite_utils.Database(demo_storage.path)
    prospect = next(outside.query("SELECT id, source FROM prospects ORDER BY id LIMIT 1"))
    outside["deals"].insert(
        {
            "prospect_id": prospect["id"],
            "amount_cents": OUTSIDE_DEAL_CENTS,
            "closed_on": "2026-11-10",
        }
    )
    outside["calls"].insert(
        {"prospect_id": prospect["id"], "outcome": "won", "started_at": f"{TODAY}T09:15:00+00:00"}
    )
    outside.close()

    gauge = await gauge_json(demo_app)
    report = report_json(demo_storage)
    assert_same_figures(gauge, report)
    assert report["won_cents"] == before["won_cents"] + OUTSIDE_DEAL_CENTS
    assert report["calls_today"] == before["calls_today"] + 1
    # A deal without a call is still credited to its prospect's source.
    source = (prospect["source"] or "").strip() or NO_SOURCE
    assert won_by_source(report, source) == won_by_source(before, source) + OUTSIDE_DEAL_CENTS
    assert sum(row["calls"] for row in report["by_method"]) == (
        sum(row["calls"] for row in before["by_method"]) + 1
    )


async def test_deals_and_calls_after_today_count_in_neither(
    demo_app: FunnelApp, demo_storage: Storage
) -> None:
    before = report_json(demo_storage)
    later = sqlite_utils.Database(demo_storage.path)
    prospect = next(later.query("SELECT id FROM prospects ORDER BY id LIMIT 1"))["id"]
    call = later["calls"].insert(
        {"prospect_id": prospect, "outcome": "won", "started_at": "2026-11-19T10:00:00+00:00"}
    )
    later["deals"].insert(
        {
            "prospect_id": prospect,
            "call_id": call.last_pk,
            "amount_cents": OUTSIDE_DEAL_CENTS,
            "closed_on": "2026-11-19",
        }
    )
    later.close()

    gauge = await gauge_json(demo_app)
    report = report_json(demo_storage)
    assert_same_figures(gauge, report)
    assert report == before


async def test_the_pace_screen_shows_the_pipeline_of_funnel_report(
    demo_app: FunnelApp, demo_storage: Storage
) -> None:
    write_pipeline(demo_storage.path)
    report = report_json(demo_storage)
    assert report["pipeline_cents"] == PIPELINE_CENTS
    assert report["weighted_pipeline_cents"] == WEIGHTED_PIPELINE_CENTS
    assert report["pipeline_by_stage"] == BY_STAGE
    remaining = report["target_cents"] - report["won_cents"]
    assert report["coverage"] == WEIGHTED_EXACT_HUNDREDTHS / 100 / remaining

    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, PerformanceScreen) and screen.pace is not None
        assert_same_figures(screen.pace.to_json(), report)
        shown = shown_text(screen.query_one("#performance-table"))
    total = next(line for line in shown.splitlines() if line.startswith("total"))
    assert total.split() == ["total", "5", "$88,333.34", "$30,083.34"]
    coverage = round(report["coverage"], 2)
    assert f"coverage: {coverage:.2f}x of ${remaining / 100:,.2f} left to win" in shown


async def test_the_gauge_and_the_report_round_the_attainment_half_up(
    demo_app: FunnelApp, demo_storage: Storage
) -> None:
    # Won an eighth of the target: 12.5%, which the gauge shows whole and rounds up (a
    # float's `:.0%` rounded it to even, 12%), and the report to one decimal.
    won = report_json(demo_storage)["won_cents"]
    assert won > 0
    demo_storage.db.execute(
        "UPDATE targets SET amount_cents = ? WHERE starts_on <= ? AND ends_on >= ?",
        [8 * won, TODAY, TODAY],
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert " (13%)" in demo_app.screen.query_one(QuotaGauge).render().plain
    result = CliRunner().invoke(cli, ["report", "--today", TODAY, "--db", str(demo_storage.path)])
    assert result.exit_code == 0, result.output
    assert "12.5%" in result.stdout


async def test_a_target_cents_short_never_looks_met(
    demo_app: FunnelApp, demo_storage: Storage
) -> None:
    """Won 40 cents short of the target: the gauge says so, with the cents and 99%, and
    the need a day in cents; rounded whole, it read `won $17,000 (100%)` of a target of
    `$17,000` and `need $0/day`, beside a full bar."""
    won = report_json(demo_storage)["won_cents"]
    assert won > 0 and won % 100 == 0
    demo_storage.db.execute(
        "UPDATE targets SET amount_cents = ? WHERE starts_on <= ? AND ends_on >= ?",
        [won + 40, TODAY, TODAY],
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        shown = " ".join(demo_app.screen.query_one(QuotaGauge).render().plain.split())
    whole = f"${won // 100:,}"
    assert f"target {whole} won {whole}.00 (99%)" in shown, shown
    assert "100%" not in shown and "need $0/day" not in shown


def test_short_of_the_target_the_bar_is_never_full_nor_the_need_nothing() -> None:
    from funnel_tui.pace import _AgainstTarget
    from funnel_tui.ui.quota_gauge import bar_cells

    # 9 cents to win over 19 days: half a cent a day rounded to nothing said `need $0/day`.
    assert _AgainstTarget.of(510_009, 510_000, total=21, elapsed=2).needed_per_day_cents == 1
    assert _AgainstTarget.of(510_000, 510_000, total=21, elapsed=2).needed_per_day_cents == 0
    # The bar reads these three figures alone.
    short = SimpleNamespace(target_cents=1_000_000, won_cents=999_900, expected_to_date_cents=0)
    assert bar_cells(short, 40)[0] == 39  # type: ignore[arg-type]
    met = SimpleNamespace(target_cents=1_000_000, won_cents=1_000_000, expected_to_date_cents=0)
    assert bar_cells(met, 40)[0] == 40  # type: ignore[arg-type]
