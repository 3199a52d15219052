"""Phone numbers in the app (PRODUCT 15), driven by keys and checked in the database: the
form refuses a number that cannot be dialled under the field and keeps a fictional one with
a warning, a zone is guessed from the number and marked on the card, and the filter finds a
number typed in its national form. The demo rep works from London: phone_region is GB."""

from __future__ import annotations

from typing import Any

import phonenumbers
import sqlite_utils
from textual.widgets import Input

from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.call_queue import CallQueue
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.prospect_card import ProspectCard
from funnel_tui.ui.prospect_form import ProspectForm
from tests.app_support import settle, shown_text
from tests.test_app import first_in_queue

SIZE = (160, 48)


def newest(db: sqlite_utils.Database) -> dict[str, Any]:
    return next(db.query("SELECT * FROM prospects ORDER BY id DESC LIMIT 1"))


def card_text(app: FunnelApp) -> str:
    return shown_text(app.screen.query_one(ProspectCard).query_one("#card-body"))


def card_line(app: FunnelApp, label: str) -> str:
    """What the card shows after a label, spaces folded: `+44 20 7946 0958`."""
    for line in card_text(app).splitlines():
        if line.startswith(label):
            return " ".join(line.removeprefix(label).split())
    raise AssertionError(f"no {label} on the card")


async def add(app: FunnelApp, pilot: Any, **fields: str) -> ProspectForm:
    """Open the add form and fill the fields (by id), without saving."""
    await pilot.press("a")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, ProspectForm)
    for field, value in fields.items():
        form.query_one(f"#field-{field}", Input).value = value
    await settle(pilot)
    return form


async def test_a_number_that_cannot_be_dialled_is_refused_under_the_field(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    count = db["prospects"].count
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await add(demo_app, pilot, name="Ada Lovelace", phone="020 794")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is form
        # The area code is there after the trunk 0: the number is cut short.
        assert shown_text(form.query_one("#error-phone")).strip() == (
            "too short for a number in GB"
        )
        assert db["prospects"].count == count
        assert form.focused is form.query_one("#field-phone")
        # Fixed, the reason goes as the rep types, and the number is stored in E.164.
        await pilot.press(*"6 0999")
        assert shown_text(form.query_one("#error-phone")).strip() == ""
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert (newest(db)["name"], newest(db)["phone"]) == ("Ada Lovelace", "+442079460999")


async def test_a_fictional_number_is_kept_with_a_warning(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    warning = (
        "+1 555-000-1000 ext. 12: not known as a number in use in US (a new range, or a"
        " fictional one): kept"
    )
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await add(demo_app, pilot, name="Ned Nash")
        form.set_focus(form.query_one("#field-phone"))
        await pilot.press(*"+1 555 000 1000 x12")
        await settle(pilot)
        assert shown_text(form.query_one("#error-phone")).strip() == warning
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        # The form closed at once: the warning is said again.
        notified = [str(notification.message) for notification in demo_app._notifications]
        assert warning in notified
    assert (newest(db)["name"], newest(db)["phone"]) == ("Ned Nash", "+15550001000;ext=12")


async def test_a_zone_is_guessed_from_the_number_and_the_card_marks_it(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # 9:30 in New York: inside calling hours, so in today's queue and on the card.
        await add(demo_app, pilot, name="Nia York", phone="+1 212 555 1234")
        await pilot.press("ctrl+s")
        await settle(pilot)
        nia = newest(db)
        assert (nia["timezone"], nia["timezone_guessed"]) == ("America/New_York", 1)
        assert demo_app.screen.query_one(CallQueue).highlighted_id == nia["id"]
        assert card_line(demo_app, "Phone") == "+1 212-555-1234"
        assert card_line(demo_app, "Their time").endswith(
            "America/New_York (guessed from the number)"
        )

        # A zone the rep sets is no guess.
        await pilot.press("e")
        await settle(pilot)
        form = demo_app.screen
        assert isinstance(form, ProspectForm)
        zone = form.query_one("#field-timezone", Input)
        assert zone.value == ""
        assert zone.placeholder == "empty: America/New_York, guessed from the number"
        zone.value = "America/Toronto"
        await pilot.press("ctrl+s")
        await settle(pilot)
        nia = newest(db)
        assert (nia["timezone"], nia["timezone_guessed"]) == ("America/Toronto", 0)
        assert card_line(demo_app, "Their time").endswith("America/Toronto")


async def test_a_new_number_moves_a_guessed_zone_and_an_ambiguous_one_guesses_none(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db

    async def edit_phone(pilot: Any, phone: str) -> dict[str, Any]:
        await pilot.press("e")
        await settle(pilot)
        demo_app.screen.query_one("#field-phone", Input).value = phone
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        return newest(db)

    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await add(demo_app, pilot, name="Nia York", phone="+1 212 555 1234")
        await pilot.press("ctrl+s")
        await settle(pilot)
        moved = await edit_phone(pilot, "+1 303 555 1234")
        assert (moved["phone"], moved["timezone"], moved["timezone_guessed"]) == (
            "+13035551234",
            "America/Denver",
            1,
        )
        # Denver is not open yet at 7:30: the prospect waits outside today's queue.
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("slash", *"Nia York", "enter")
        await settle(pilot)
        # A toll-free number reaches every US zone: the guess goes with the old number.
        tollfree = await edit_phone(pilot, "+1 800 555 1234")
        assert (tollfree["timezone"], tollfree["timezone_guessed"]) == (None, 0)


async def test_the_card_shows_the_number_internationally(demo_app: FunnelApp) -> None:
    first = first_in_queue(demo_app.storage.db)
    number = phonenumbers.parse(first["phone"])
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    assert shown != first["phone"]
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert demo_app.screen.query_one(CallQueue).highlighted_id == first["id"]
        assert card_line(demo_app, "Phone") == shown


async def test_a_number_another_tool_wrote_is_shown_with_why_it_cannot_be_dialled(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute("UPDATE prospects SET phone = 'ask reception' WHERE id = ?", [first["id"]])
    db.conn.commit()
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert demo_app.screen.query_one(CallQueue).highlighted_id == first["id"]
        assert card_line(demo_app, "Phone") == "ask reception"
        assert "cannot be dialled: a phone number has digits" in card_text(demo_app)


async def test_the_filter_finds_a_number_typed_in_its_national_form(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    (ben,) = db.execute("SELECT id FROM prospects WHERE phone = '+447700900318'").fetchone()
    async with demo_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for typed in ("07700 900318", "07700900318", "+44 7700 900318", "7700 900318"):
            await pilot.press("slash", *typed, "enter")
            await settle(pilot)
            queue = demo_app.screen.query_one(CallQueue)
            assert (queue.row_count, queue.highlighted_id) == (1, ben), typed
            await pilot.press("escape")
            await settle(pilot)
