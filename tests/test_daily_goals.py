"""Daily goals for connects and meetings: settings, unset meaning the plan's per-day
figures, and the gauge's line of the plan per day against today's actuals."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from funnel_tui import gauge_figures
from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.manager_figures import Plan, load_plan
from funnel_tui.settings import Settings, load_settings, read_settings, save_settings
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.quota_gauge import QuotaGauge, daily_goals
from tests.app_support import FROZEN_NOW, FrozenClock, settle
from tests.cli_support import invoke, one_line_error


@pytest.fixture
def book(tmp_path: Path) -> Storage:
    return open_storage(tmp_path / "book.db")


@pytest.mark.parametrize("key", ["connects_per_day", "meetings_per_day"])
def test_a_daily_goal_is_unset_until_set_and_can_be_unset_again(book: Storage, key: str) -> None:
    assert f"{key} = " in invoke("config", "list", "--db", book.path).stdout.splitlines()
    assert getattr(load_settings(book.db), key) is None
    setting = invoke("config", "set", key, "12", "--db", book.path)
    assert setting.exit_code == 0, setting.output
    assert setting.stdout.strip() == f"{key} = 12"
    assert getattr(load_settings(book.db), key) == 12
    assert invoke("config", "set", key, "", "--db", book.path).exit_code == 0
    assert getattr(load_settings(book.db), key) is None
    assert read_settings(book.db)[1] == []


@pytest.mark.parametrize("value", ["-1", "lots", "2.5", "10001"])
def test_a_daily_goal_that_is_not_a_count_is_refused_in_one_line(book: Storage, value: str) -> None:
    result = invoke("config", "set", "meetings_per_day", value, "--db", book.path)
    assert result.exit_code == 1
    assert "from 0 to 10000" in one_line_error(result.stderr)
    assert load_settings(book.db).meetings_per_day is None


def gauge_text(app: FunnelApp) -> str:
    return app.screen.query_one(QuotaGauge).render().plain


def todays(db: sqlite_utils.Database, outcomes: tuple[str, ...] | None = None) -> int:
    """Calls started on the frozen day, counted here straight from the table."""
    start = FROZEN_NOW.replace(hour=0, minute=0).astimezone(UTC).isoformat()
    end = (FROZEN_NOW.replace(hour=0, minute=0) + timedelta(days=1)).astimezone(UTC).isoformat()
    sql = "SELECT count(*) FROM calls WHERE started_at >= ? AND started_at < ?"
    params: list[object] = [start, end]
    if outcomes is not None:
        sql += f" AND outcome IN ({','.join('?' * len(outcomes))})"
        params += outcomes
    return db.execute(sql, params).fetchone()[0]


CONNECTS = (
    "callback",
    "meeting",
    "meeting_held",
    "proposal_sent",
    "won",
    "not_interested",
    "do_not_call",
)


async def test_the_gauge_shows_the_plan_per_day_against_today_and_replans_after_a_call(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans_made = []

    def counted_load_plan(*args: object, **kwargs: object) -> object:
        plans_made.append(kwargs["today"])
        return load_plan(*args, **kwargs)

    monkeypatch.setattr(gauge_figures, "load_plan", counted_load_plan)
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        gauge = demo_app.screen.query_one(QuotaGauge)
        plan = gauge.plan
        assert plan is not None and plan.remaining_cents == 4_300_000
        per_day = plan.per_day
        dials, connects = todays(db), todays(db, CONNECTS)
        meetings = todays(db, ("meeting",))
        text = gauge_text(demo_app)
        assert "plan per day" in text
        assert f"dials {dials}/{per_day['dials']}" in text
        assert f"connects {connects}/{per_day['connects']}" in text
        assert f"meetings {meetings}/{per_day['meetings']}" in text
        assert f"calls today {dials}/40" in text
        assert len(plans_made) == 1
        # Another refresh of the same day and target keeps the plan.
        demo_app.screen.reload_pace()
        await settle(pilot)
        assert len(plans_made) == 1
        # Not interested: a connect. The plan is made again with the new call in it.
        await pilot.press("l", "x", "enter")
        await settle(pilot)
        assert todays(db) == dials + 1
        text = gauge_text(demo_app)
        assert f"dials {dials + 1}/" in text and f"connects {connects + 1}/" in text
        assert f"calls today {dials + 1}/40" in text
        assert len(plans_made) == 2


async def test_a_deal_logged_by_another_program_makes_the_plan_again(
    demo_app: FunnelApp,
) -> None:
    """`funnel log` from a softphone's hook, or another window: the gauge's top line showed
    the deal, and its plan line kept the plan made before it until the rep's own next call."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        gauge = screen.query_one(QuotaGauge)
        assert gauge.plan is not None and gauge.plan.remaining_cents == 4_300_000
        elsewhere = open_storage(demo_app.storage.path)
        prospect_id = elsewhere.db.execute(
            "SELECT id FROM prospects WHERE kind <> 'customer' ORDER BY id LIMIT 1"
        ).fetchone()[0]
        log_call(
            elsewhere.db,
            prospect_id,
            CallOutcome(Outcome.WON, amount_cents=1_000_000),
            now=FROZEN_NOW,
            settings=load_settings(elsewhere.db),
        )
        elsewhere.close()
        # The one-second poll, run now instead of waiting for the timer.
        screen._refresh_on_outside_change()
        await settle(pilot)
        assert gauge.plan is not None and gauge.plan.remaining_cents == 3_300_000
        expected = load_plan(
            demo_app.storage.db,
            today=FROZEN_NOW.date(),
            remaining_cents=3_300_000,
            remaining_business_days=gauge.pace.remaining_business_days,
            daily_call_goal=gauge.pace.calls_per_day,
            settings=demo_app.settings,
            tz=FROZEN_NOW.tzinfo,
        )
        assert gauge.plan == expected
        assert f"dials {todays(demo_app.storage.db)}/{expected.per_day['dials']}" in gauge_text(
            demo_app
        )


async def test_daily_goals_from_the_settings_show_beside_calls_today(
    demo_storage: Storage, tmp_path: Path
) -> None:
    save_settings(demo_storage.db, {"connects_per_day": "20", "meetings_per_day": "4"})
    app = FunnelApp(demo_storage, clock=FrozenClock(), scripts_dir=tmp_path / "no-scripts")
    db = demo_storage.db
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        text = gauge_text(app)
        figures_line, plan_line = text.splitlines()[0], text.splitlines()[-1]
        assert f"connects {todays(db, CONNECTS)}/20" in figures_line
        assert f"meetings {todays(db, ('meeting',))}/4" in figures_line
        # The plan line still gives the plan's own figures.
        plan = app.screen.query_one(QuotaGauge).plan
        assert plan is not None
        assert f"/{plan.per_day['connects']}" in plan_line


def test_unset_daily_goals_take_the_plans_per_day_figures() -> None:
    plan = Plan(
        remaining_cents=100,
        avg_deal_cents=100,
        rates={"win": 0.2, "meeting": 0.25, "connect": 0.1},
        rate_sources={},
        deals=1,
        meetings=5,
        connects=20,
        dials=200,
        per_day={"deals": 1, "meetings": 3, "connects": 10, "dials": 100},
        reachable_by_calls=False,
    )
    assert daily_goals(Settings(), plan) == (10, 3)
    assert daily_goals(Settings(connects_per_day=7), plan) == (7, 3)
    assert daily_goals(Settings(meetings_per_day=0), None) == (None, 0)
    # The target is won: the plan asks for nothing, so no goal of 0 shows.
    won = replace(plan, remaining_cents=0, per_day=dict.fromkeys(plan.per_day, 0))
    assert daily_goals(Settings(), won) == (None, None)
    assert daily_goals(Settings(meetings_per_day=2), won) == (None, 2)


def one_prospect_and_novembers_target(db: sqlite_utils.Database, **target: Any) -> None:
    """A book of one prospect with no call, and a target of $60,000 for November (with
    `target`'s other columns)."""
    db["prospects"].insert({"name": "Ann Lee", "phone": "+442079460001"})
    db["targets"].insert(
        {
            "period": "month",
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-30",
            "amount_cents": 6_000_000,
            **target,
        }
    )


async def test_a_plan_calling_cannot_reach_says_the_target_not_the_gap(
    book: Storage, tmp_path: Path
) -> None:
    """The gauge said `AHEAD gap +$1,782,489` beside `calling alone cannot close the gap`:
    the pace gap and what is left to win, both called the gap."""
    one_prospect_and_novembers_target(book.db, calls_per_day=1)
    save_settings(book.db, {"plan_avg_deal": "100"})
    app = FunnelApp(book, clock=FrozenClock(), scripts_dir=tmp_path / "scripts")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        shown = gauge_text(app)
        assert "calling alone cannot reach the target" in shown
        assert "gap" not in shown.split("calling alone")[1]


async def test_a_plan_without_a_deal_size_says_where_to_set_one(
    book: Storage, tmp_path: Path
) -> None:
    """With no deal won, no open opportunity and no size set, the gauge said `set
    plan_avg_deal`, a setting's key a rep never sees: the settings screen names it."""
    one_prospect_and_novembers_target(book.db)
    app = FunnelApp(book, clock=FrozenClock(), scripts_dir=tmp_path / "scripts")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert "no deal size to plan with yet: s sets Plan deal size" in gauge_text(app)


async def test_a_daily_goal_of_0_shows_the_count_alone(book: Storage, tmp_path: Path) -> None:
    """A period without a call goal (`--calls-per-day 0`) and goals of 0 for connects and
    meetings: the gauge read `calls today 1/0` and the report `1 of 0`, a rep far over a
    goal they do not have."""
    one_prospect_and_novembers_target(book.db, calls_per_day=0)
    save_settings(
        book.db, {"connects_per_day": "0", "meetings_per_day": "0", "plan_avg_deal": "100"}
    )
    (prospect_id,) = book.db.execute("SELECT id FROM prospects").fetchone()
    log_call(
        book.db,
        prospect_id,
        CallOutcome(Outcome.NOT_INTERESTED),
        now=FROZEN_NOW,
        settings=load_settings(book.db),
    )
    app = FunnelApp(book, clock=FrozenClock(), scripts_dir=tmp_path / "scripts")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        figures_line = gauge_text(app).splitlines()[0]
        assert "calls today 1 " in figures_line + " "
        assert "connects 1 " in figures_line + " " and "meetings 0" in figures_line
        assert "/0" not in figures_line
        assert "cannot reach" not in gauge_text(app)
    report = invoke("report", "--db", book.path, "--today", FROZEN_NOW.date().isoformat())
    assert report.exit_code == 0, report.output
    assert "1 (no daily goal)" in report.stdout and " of 0" not in report.stdout
    words = " ".join(report.stdout.split())
    # No goal is not one calling cannot reach: the dials a day are said, and no verdict.
    assert "dials a day; the period has no daily call goal." in words
    assert "cannot reach" not in words
