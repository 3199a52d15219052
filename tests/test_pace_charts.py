"""The pace screen's charts: the burn-up (won against expected, today marked) and the funnel."""

from __future__ import annotations

import gc
import io
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from funnel_tui.burnup import load_pace_and_burnup
from funnel_tui.money import format_money
from funnel_tui.pace import Pace
from funnel_tui.settings import save_settings
from funnel_tui.store.sqlite import Storage
from funnel_tui.timestamps import to_stored
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.burnup_chart import BurnUpChart
from funnel_tui.ui.funnel_bars import GREW_NOTE, RATE_NOTE, FunnelBars
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.performance_screen import PerformanceScreen
from tests.app_support import (
    FROZEN_NOW,
    FrozenClock,
    record_frames,
    settle,
    shown_text,
    wait_for,
)
from tests.test_app import burst


def shown_bars(bars: FunnelBars) -> list[str]:
    """The lines the bars draw at the widget's width."""
    return [line.plain for line in bars.render().lines(bars.size.width)]


async def open_pace_screen(app: FunnelApp, pilot: Pilot) -> PerformanceScreen:
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, PerformanceScreen) and screen.pace is not None
    return screen


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 48)])
async def test_the_pace_screen_shows_the_burnup_and_the_funnel(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    async with demo_app.run_test(size=size) as pilot:
        screen = await open_pace_screen(demo_app, pilot)
        pace = screen.pace
        chart = screen.query_one(BurnUpChart)
        bars = screen.query_one(FunnelBars)
        assert chart.display and chart.size.width >= 60 and chart.size.height >= 10
        burnup = chart.burnup
        assert burnup is not None
        # November 2026 as of Wednesday the 18th: day 13 of 21, won $17,000 so far.
        assert burnup.days[burnup.today_index] == date(2026, 11, 18)
        assert burnup.won_cents[burnup.today_index] == pace.won_cents == 1_700_000
        assert burnup.expected_cents[-1] == pace.target_cents
        drawn = Text.from_ansi(str(chart.render())).plain
        for label in ("$60k", "$0", "Nov 2", "Nov 30", "expected", "won"):
            assert label in drawn
        caption = str(screen.query_one("#burnup-caption").render())
        assert "$17,000 of $60,000" in caption and "Nov 18" in caption
        figures = pace.figures
        assert figures is not None
        assert bars.steps == (
            ("worked", figures.leads_worked),
            ("reached", figures.reached),
            ("meeting", figures.meeting_leads),
            ("won", figures.won_leads),
        )
        shown = shown_bars(bars)
        assert bars.size.height == len(shown)
        for line, (name, count) in zip(shown[:4], bars.steps, strict=True):
            assert line.startswith(name) and f" {count:,} " in line
        # Each step after the first says what share of the leads worked it is.
        worked = figures.leads_worked
        assert shown[1].endswith(f" {figures.reached / worked:.0%}")
        assert shown[3].endswith(f" {figures.won_leads / worked:.0%}")
        assert shown[4] == RATE_NOTE
        # Both charts are on the first screenful, before any scrolling.
        assert chart.region.bottom <= size[1] or size == (80, 24)
        assert bars.region.y < size[1]


async def test_a_period_without_business_days_draws_no_chart(
    demo_storage: Storage, tmp_path: Path
) -> None:
    # Every day of November is a holiday.
    holidays = ",".join(f"2026-11-{day:02d}" for day in range(1, 31))
    save_settings(demo_storage.db, {"holidays": holidays})
    app = FunnelApp(demo_storage, clock=FrozenClock(), scripts_dir=tmp_path / "no-scripts")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_pace_screen(app, pilot)
        assert not screen.query_one(BurnUpChart).display
        assert "Burn-up" in str(screen.query_one("#burnup-caption").render())


async def test_each_share_is_of_the_leads_worked_not_of_the_step_before() -> None:
    """`meeting 7` then `won 2 29%` read as two in seven meetings won, where neither
    winner had a meeting in the period: a step is some of the leads worked, not always
    some of the step before it."""

    class Bars(App[None]):
        def compose(self) -> ComposeResult:
            yield FunnelBars()

    app = Bars()
    async with app.run_test(size=(80, 10)) as pilot:
        bars = app.query_one(FunnelBars)
        bars.steps = (("worked", 20), ("reached", 10), ("meeting", 4), ("won", 5))
        await pilot.pause()
        shown = shown_bars(bars)
        # The note's line counts in the widget's height.
        assert bars.size.height == len(shown) == 5
        assert shown[1].endswith(" 50%")
        assert shown[2].endswith(" 20%")
        assert shown[3].endswith(" 25%")
        assert shown[4] == RATE_NOTE
        # A deal no call of the period won (another tool's) can make a step larger.
        bars.steps = (("worked", 4), ("reached", 3), ("meeting", 1), ("won", 5))
        await pilot.pause()
        shown = shown_bars(bars)
        assert shown[3].endswith(" *") and "%" not in shown[3]
        assert shown[4:] == [RATE_NOTE, GREW_NOTE]
        assert bars.size.height == 6


async def test_the_note_wraps_in_a_narrow_pane_and_the_bars_keep_room_for_it() -> None:
    class Bars(App[None]):
        CSS = "FunnelBars { width: 40; }"

        def compose(self) -> ComposeResult:
            yield FunnelBars()

    app = Bars()
    async with app.run_test(size=(80, 12)) as pilot:
        bars = app.query_one(FunnelBars)
        bars.steps = (("worked", 4), ("reached", 3), ("meeting", 1), ("won", 5))
        await pilot.pause()
        # Four bars, the note of the shares, and the other on two lines: every line of
        # it is drawn.
        assert bars.size == (40, 7)
        drawn = [bars.render_line(y).text.rstrip() for y in range(bars.size.height)]
        assert drawn[3].endswith(" *")
        assert drawn[4] == RATE_NOTE
        assert " ".join(drawn[5:]).split() == GREW_NOTE.split()


async def test_at_80_columns_the_pace_screen_keeps_every_figure_of_the_breakdowns_whole(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(80, 24)) as pilot:
        screen = await open_pace_screen(demo_app, pilot)
        table = screen.query_one("#performance-table")
        # A quarter's money ($61,100.00) and its rates need 74 cells with names cut short.
        assert table.content_region.width >= 74
        console = Console(width=table.content_region.width, file=io.StringIO(), record=True)
        console.print(table.content)
        shown = console.export_text()
        assert "amount" in shown
        for row in (*screen.pace.by_method, *screen.pace.by_source):
            assert format_money(row.won_cents, "$") in shown


async def test_the_pace_screens_closed_leave_no_chart_behind(demo_app: FunnelApp) -> None:
    # Each chart follows theme changes through the app's signal, which kept it, and the
    # whole screen with it, after the screen was closed.
    async with demo_app.run_test(size=(100, 30)) as pilot:
        for _ in range(5):
            await open_pace_screen(demo_app, pilot)
            await pilot.press("escape")
            await settle(pilot)
        gc.collect()
        charts = [item for item in gc.get_objects() if isinstance(item, BurnUpChart)]
        assert charts == []
        # The theme still reaches a chart on screen.
        screen = await open_pace_screen(demo_app, pilot)
        assert screen.query_one(BurnUpChart) in demo_app.theme_changed_signal._subscriptions


def pace_now(app: FunnelApp) -> Pace:
    """The pace screen's figures as the book holds them now, read afresh."""
    figures = load_pace_and_burnup(
        app.storage.db, FROZEN_NOW.date(), app.settings, FROZEN_NOW.tzinfo, app.rep
    )
    assert figures is not None
    return figures[0]


async def test_the_pace_screen_opens_filled_in_on_figures_read_ahead(demo_app: FunnelApp) -> None:
    """Read beside the database thread after the gauge's, the figures are in the pace
    screen's first frame: no frame shows it waiting for them."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        assert screen.pace_reader is not None
        assert screen.pace_reader.current(FROZEN_NOW.date()) is not None
        frames = record_frames(
            demo_app, lambda: getattr(demo_app.screen, "pace", "the queue") is not None
        )
        await pilot.press("p")
        await settle(pilot)
        pace_screen = demo_app.screen
        assert isinstance(pace_screen, PerformanceScreen)
        assert frames and all(frames)
        assert pace_screen.pace == pace_now(demo_app)


@pytest.mark.parametrize("how", ["another connection", "this app"])
async def test_a_call_logged_since_the_figures_were_read_ahead_is_on_the_pace_screen(
    demo_app: FunnelApp, how: str
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        assert screen.pace_reader is not None and screen.pace_reader.current(FROZEN_NOW.date())
        calls_before = pace_now(demo_app).figures.calls
        if how == "another connection":
            # Another app on the same file, or a script: the pace screen is opened at once,
            # before this app's poll for outside changes has read the gauge again.
            other = sqlite3.connect(demo_app.storage.path)
            other.execute(
                "INSERT INTO calls (prospect_id, outcome, started_at)"
                " SELECT min(id), 'no_answer', ? FROM prospects",
                [to_stored(FROZEN_NOW)],
            )
            other.commit()
            other.close()
            await pilot.press("p")
        else:
            burst(demo_app, "l", "n", "enter", "p")
        await settle(pilot)
        pace_screen = demo_app.screen
        assert isinstance(pace_screen, PerformanceScreen) and pace_screen.pace is not None
        assert pace_screen.pace.figures.calls == calls_before + 1
        assert pace_screen.pace == pace_now(demo_app)


async def test_a_call_undone_just_before_p_is_not_on_the_pace_screen(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "n", "enter")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        assert screen.pace_reader is not None and screen.pace_reader.current(FROZEN_NOW.date())
        calls_with_it = pace_now(demo_app).figures.calls
        # The figures read ahead count the call; p arrives before the undo has committed.
        burst(demo_app, "u", "p")
        await settle(pilot)
        pace_screen = demo_app.screen
        assert isinstance(pace_screen, PerformanceScreen) and pace_screen.pace is not None
        assert pace_screen.pace.figures.calls == calls_with_it - 1
        assert pace_screen.pace == pace_now(demo_app)


@pytest.mark.parametrize("keys", [("p", "q", "j"), ("p", "escape", "j"), ("p", "p", "j")])
async def test_keys_typed_right_after_closing_the_pace_screen_reach_the_queue(
    demo_app: FunnelApp, keys: tuple[str, ...]
) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.queue
        first = queue.cursor
        burst(demo_app, *keys)
        await settle(pilot)
        assert not isinstance(demo_app.screen, PerformanceScreen)
        assert queue.cursor == first + 1


async def test_p_p_p_at_full_speed_ends_on_the_pace_screen(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(demo_app, "p", "p", "p")
        await settle(pilot)
        assert isinstance(demo_app.screen, PerformanceScreen)


async def test_a_month_ended_with_no_target_after_it_leaves_no_chart_above_the_message(
    demo_app: FunnelApp, clock: FrozenClock
) -> None:
    # Open past midnight on the month's last day, the screen said no target covers today
    # under the month gone by's burn-up and funnel.
    async with demo_app.run_test(size=(160, 48)) as pilot:
        screen = await open_pace_screen(demo_app, pilot)
        assert screen.query_one("#performance-charts").display
        clock.now = clock.now.replace(year=2027, month=3, day=3)
        # The main screen's look at the clock, each second, tells the screens above it.
        await wait_for(
            pilot,
            lambda: "No target covers today" in shown_text(screen.query_one("#performance-table")),
            budget_s=5,
        )
        await settle(pilot)
        assert not screen.query_one("#performance-charts").display
        # `t` does nothing here: it said to press it.
        said = shown_text(screen.query_one("#performance-table"))
        assert "esc, then t, sets one" in said
