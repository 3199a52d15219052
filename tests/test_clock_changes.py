"""Across a clock change: a call's time, `in 30 minutes`, `+2h` and `N min late` count the
time that passes, not the difference of two clock faces (the app's clock gives moments in
the rep's zone, and Python subtracts two of one zone by their faces)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from funnel_tui.prospects import add_prospect
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from tests.app_support import FrozenClock, settle, shown_text

NEW_YORK = ZoneInfo("America/New_York")
# The clocks go forward at 02:00 EST on 14 March 2027, to 03:00 EDT.
BEFORE_SPRING = datetime(2027, 3, 14, 1, 59, tzinfo=NEW_YORK)
AFTER_SPRING = datetime(2027, 3, 14, 3, 0, 45, tzinfo=NEW_YORK)
# They go back at 02:00 EDT on 7 November 2027, to 01:00 EST: 01:00-02:00 comes twice.
BEFORE_AUTUMN = datetime(2027, 11, 7, 1, 58, tzinfo=NEW_YORK)
AFTER_AUTUMN = datetime(2027, 11, 7, 1, 0, 6, fold=1, tzinfo=NEW_YORK)


@pytest.fixture
def one_lead(tmp_path: Path) -> Storage:
    """A book with one new lead, first in the queue at any hour (no zone of their own)."""
    storage = open_storage(tmp_path / "book.db")
    add_prospect(
        storage.db,
        {"name": "Jakub Nowak", "phone": "+12125550123"},
        now=datetime(2027, 1, 4, 9, 0, tzinfo=NEW_YORK),
    )
    return storage


@pytest.mark.parametrize(
    ("started", "moved_to", "timer"),
    [(BEFORE_SPRING, AFTER_SPRING, "1:45"), (BEFORE_AUTUMN, AFTER_AUTUMN, "2:06")],
    ids=["clocks-forward", "clocks-back"],
)
async def test_a_call_across_a_clock_change_lasts_the_time_that_passed(
    one_lead: Storage, tmp_path: Path, started: datetime, moved_to: datetime, timer: str
) -> None:
    """Running past 02:00 on the night the clocks went forward, a call of 1:45 showed
    61:45 and was saved as 3,705 s; on the night they went back, -59:54 and 0 s."""
    clock = FrozenClock(started)
    app = FunnelApp(one_lead, clock=clock, scripts_dir=tmp_path / "no-user-scripts")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("enter")
        await settle(pilot)
        clock.now = moved_to
        await pilot.pause(1.2)
        assert screen.gauge.call_timer == timer
        await pilot.press("l", "n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert f"call time {timer}" in shown_text(dialog.query_one("#outcome-hint"))
        await pilot.press("enter")
        await settle(pilot)
    (call,) = one_lead.db.query("SELECT duration_s FROM calls")
    minutes, seconds = map(int, timer.split(":"))
    assert call["duration_s"] == minutes * 60 + seconds
