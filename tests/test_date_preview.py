"""The outcome dialog's date preview: which day an ambiguous `next fri` chose, down for the
other (tab always moves on), and a warning (not a refusal) for a follow-up when the
prospect is not called."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from funnel_tui.domain import OUTCOME_SPECS, Ask
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from funnel_tui.ui.shown_days import minute_of
from tests.app_support import FrozenClock, settle, settle_until, shown_text, wait_for
from tests.test_app import burst, calls_for, first_in_queue
from tests.test_outcome_fields import set_prospect


@pytest.mark.parametrize("at_full_speed", [False, True])
async def test_down_switches_an_ambiguous_next_friday_and_tab_moves_on(
    demo_app: FunnelApp, at_full_speed: bool
) -> None:
    async def typist(pilot: Pilot, keys: list[str]) -> None:
        if at_full_speed:
            burst(pilot.app, *keys)
        else:
            await pilot.press(*keys)

    # The clock says Wednesday 18 November: `next fri` is the 20th or the 27th.
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], timezone=None)
    before = len(calls_for(db, first["id"]))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await typist(pilot, ["l", "c", *"next fri 2pm"])
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        said = shown_text(dialog.check_line(Ask.WHEN))
        assert said.startswith("→ Fri 20 Nov 2026, 14:00 (in 2 days) · ↓: Fri 27 Nov instead")
        await typist(pilot, ["down"])
        await settle(pilot)
        said = shown_text(dialog.check_line(Ask.WHEN))
        assert said.startswith("→ Fri 27 Nov 2026, 14:00 (in 9 days)")
        assert "· instead of Fri 20 Nov (↓: back)" in said
        assert dialog.focused is dialog.field(Ask.WHEN)
        # Down again comes back; a third time goes to the 27th again.
        await typist(pilot, ["down"])
        await settle(pilot)
        assert shown_text(dialog.check_line(Ask.WHEN)).startswith("→ Fri 20 Nov 2026, 14:00")
        # Tab goes on to the note, as in any field, right after the down typed before it.
        await typist(pilot, ["down", "tab", *"asked for pricing", "enter"])
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
    call = calls_for(db, first["id"])[-1]
    assert (call["follow_up_at"], call["notes"]) == (
        "2026-11-27T14:00:00+00:00",
        "asked for pricing",
    )


@pytest.mark.parametrize("at_full_speed", [False, True])
async def test_tab_after_an_ambiguous_date_moves_on_with_the_day_shown(
    demo_app: FunnelApp, at_full_speed: bool
) -> None:
    # `next fri 2pm`, tab, the note: the call is saved on the day the preview showed, the
    # note in the note (tab switched the day, and the note went into the date).
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], timezone=None)
    before = len(calls_for(db, first["id"]))
    keys = ["l", "c", *"next fri 2pm", "tab", *"call re budget", "enter"]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        if at_full_speed:
            burst(pilot.app, *keys)
        else:
            await pilot.press(*keys)
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
    call = calls_for(db, first["id"])[-1]
    assert (call["follow_up_at"], call["notes"]) == (
        "2026-11-20T14:00:00+00:00",
        "call re budget",
    )


async def test_editing_the_date_reads_it_afresh(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"next fri", "down", *" 3pm")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert shown_text(dialog.check_line(Ask.WHEN)).startswith("→ Fri 20 Nov 2026, 15:00")


async def test_a_follow_up_outside_calling_hours_is_saved_with_a_warning(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], timezone="America/New_York")
    before = len(calls_for(db, first["id"]))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"sat 10am their time")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        said = shown_text(dialog.check_line(Ask.WHEN))
        assert "Sat 21 Nov 2026, 15:00" in said
        assert "⚠ Saturday is not a business day; enter still saves it" in said
        when = dialog.query_one("#outcome-when", Input)
        when.value = "fri 7am their time"
        await settle(pilot)
        said = shown_text(dialog.check_line(Ask.WHEN))
        assert "07:00 their time is outside calling hours (09:00-18:00)" in said
        await pilot.press("enter")
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
    assert calls_for(db, first["id"])[-1]["follow_up_at"] == "2026-11-20T12:00:00+00:00"


async def test_retyping_the_date_drops_the_day_down_chose(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"next fri", "down")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert shown_text(dialog.check_line(Ask.WHEN)).startswith("→ Fri 27 Nov 2026")
        await pilot.press("ctrl+u", *"tomorrow", "ctrl+u", *"next fri")
        await settle(pilot)
        said = shown_text(dialog.check_line(Ask.WHEN))
        assert said.startswith("→ Fri 20 Nov 2026, 09:00 (in 2 days) · ↓: Fri 27 Nov instead")
        # And down switches again.
        await pilot.press("down")
        await settle(pilot)
        assert shown_text(dialog.check_line(Ask.WHEN)).startswith("→ Fri 27 Nov 2026")


async def test_a_time_from_now_is_previewed_as_enter_would_save_it_as_the_minute_turns(
    demo_app: FunnelApp, clock: FrozenClock
) -> None:
    """`in 2 hours` typed at 14:30:40 previewed 16:30; at 14:31:05 enter saved 16:31 under
    that preview. The preview follows the minute, and enter saves what it shows."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], timezone=None)
    before = len(calls_for(db, first["id"]))
    clock.now = clock.now.replace(second=40)
    typed_at = clock.now
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"in 2 hours")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        shown = f"{typed_at + timedelta(hours=2):%H:%M}"
        assert shown in shown_text(dialog.check_line(Ask.WHEN))
        clock.advance(seconds=25)
        # The dialog's second's look at the clock.
        dialog._follow_the_minute()
        await settle(pilot)
        moved = f"{clock.now + timedelta(hours=2):%H:%M}"
        assert moved != shown and moved in shown_text(dialog.check_line(Ask.WHEN))
        await pilot.press("enter")
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
    call = calls_for(db, first["id"])[-1]
    assert call["follow_up_at"].startswith(
        (clock.now + timedelta(hours=2)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
    )


@pytest.mark.parametrize("key", sorted(spec.key for spec in OUTCOME_SPECS.values() if spec.asks))
async def test_the_dialog_stays_open_as_the_minute_turns_whatever_the_outcome_asks(
    demo_app: FunnelApp, clock: FrozenClock, key: str
) -> None:
    """Not interested, left open a minute while the rep picked a reason and typed the
    note, stopped the app at the minute's turn: the reason picker was read as a typed
    field. The dialog's own look at the clock, each second, now turns a minute on every
    outcome that asks something."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", key, *"soon")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        clock.advance(seconds=60)
        await wait_for(pilot, lambda: dialog._minute_read == minute_of(clock.now), budget_s=5)
        await settle(pilot)
        assert demo_app.is_running and demo_app.screen is dialog
