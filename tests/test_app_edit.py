"""The edit form saves only what the rep changed, lets the rep choose when another program
changed the same field meanwhile, and asks before a do-not-call prospect is called again."""

from __future__ import annotations

import pytest
import sqlite_utils
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select

from funnel_tui.burnup import load_pace_and_burnup
from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.settings import Settings
from funnel_tui.store.errors import ConnectionLost
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.ui import main_screen as main_screen_module
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.confirm_dialog import ConfirmDialog
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.prospect_form import ProspectForm
from tests.app_support import (
    FROZEN_NOW,
    messages,
    open_prospect_form,
    settle,
    settle_until,
    shown_text,
)
from tests.test_app import burst, first_in_queue, last_calls


def another_window(app: FunnelApp) -> Storage:
    """A second connection to the same file, as a second funnel window has."""
    return open_storage(app.storage.path)


def row(db: sqlite_utils.Database, prospect_id: int) -> dict[str, object]:
    return next(db.query("SELECT * FROM prospects WHERE id = ?", [prospect_id]))


async def test_a_win_logged_in_another_window_survives_an_edit_of_the_title(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    other = another_window(demo_app)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        log_call(
            other.db,
            first["id"],
            CallOutcome(Outcome.WON, amount_cents=39_800_00),
            now=FROZEN_NOW,
            settings=Settings(),
        )
        form.query_one("#field-title", Input).value = "Head of Ops"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    other.close()
    after = row(db, first["id"])
    assert after["title"] == "Head of Ops"
    # The win cleared the open deal value (the deal is in deals), and the edit kept that.
    assert (after["stage"], after["kind"], after["deal_value_cents"]) == ("won", "customer", None)


async def test_a_deal_value_edited_reaches_the_gauge_and_the_pace_screen_at_once(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-deal_value", Input).value = "123,456"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen) and screen.pace_reader is not None
        # Read again after the save: `p` opens on figures that hold the new value.
        ahead = screen.pace_reader.current(FROZEN_NOW.date())
        assert ahead is not None and ahead.figures is not None
        fresh = load_pace_and_burnup(
            demo_app.storage.db, FROZEN_NOW.date(), demo_app.settings, FROZEN_NOW.tzinfo, None
        )
        assert ahead.figures == fresh


@pytest.mark.parametrize(("keys", "saved_stage"), [((), "proposal"), (("ctrl+t",), "won")])
async def test_a_field_changed_in_both_shows_both_values_and_saves_the_reps_choice(
    demo_app: FunnelApp, keys: tuple[str, ...], saved_stage: str
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    assert first["stage"] not in ("proposal", "won")
    other = another_window(demo_app)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-stage", Select).value = "proposal"
        form.query_one("#field-title", Input).value = "Head of Ops"
        other.db.execute("UPDATE prospects SET stage = 'won' WHERE id = ?", [first["id"]])
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert demo_app.screen is form, "nothing is saved until the rep has chosen"
        assert form.query_one("#field-stage", Select).value == "proposal"
        assert "“won”" in shown_text(form.query_one("#error-stage"))
        assert "another program" in shown_text(form.query_one("#form-status"))
        assert row(db, first["id"])["stage"] == "won"
        assert row(db, first["id"])["title"] == first["title"]

        await pilot.press(*keys, "ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    other.close()
    after = row(db, first["id"])
    assert (after["stage"], after["title"]) == (saved_stage, "Head of Ops")


async def test_ctrl_t_takes_the_other_programs_text_into_the_field(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    other = another_window(demo_app)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-title", Input).value = "Head of Ops"
        other.db.execute("UPDATE prospects SET title = 'COO' WHERE id = ?", [first["id"]])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "“COO”" in shown_text(form.query_one("#error-title"))
        assert form.focused is form.query_one("#field-title")

        await pilot.press("ctrl+t")
        assert form.query_one("#field-title", Input).value == "COO"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    other.close()
    assert row(db, first["id"])["title"] == "COO"


def mark_do_not_call(db: sqlite_utils.Database) -> int:
    """The first prospect of the queue, marked do not call as that outcome marks it: the
    follow-up cleared, so it leaves the queue."""
    prospect_id = first_in_queue(db)["id"]
    db.execute(
        "UPDATE prospects SET do_not_call = 1, next_call_at = NULL,"
        " last_called_at = '2026-11-17T10:00:00+00:00' WHERE id = ?",
        [prospect_id],
    )
    db.conn.commit()
    return prospect_id


async def open_form_of(demo_app: FunnelApp, pilot: Pilot[None], prospect_id: int) -> ProspectForm:
    """Find the prospect among all (`f`, then `/` and its name) and edit it."""
    await settle(pilot)
    name = str(row(demo_app.storage.db, prospect_id)["name"])
    await pilot.press("f", "slash", *name.lower(), "enter")
    await settle(pilot)
    form = await open_prospect_form(demo_app, pilot)
    assert form.query_one("#field-name", Input).value == name
    return form


@pytest.mark.parametrize("answer", ["y", "n", "enter"])
async def test_clearing_do_not_call_asks_first_naming_the_prospect(
    demo_app: FunnelApp, answer: str
) -> None:
    db = demo_app.storage.db
    flagged = mark_do_not_call(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_form_of(demo_app, pilot, flagged)
        do_not_call = form.query_one("#field-do_not_call", Checkbox)
        assert do_not_call.value
        form.set_focus(do_not_call)
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        question = shown_text(demo_app.screen.query_one("#confirm-question"))
        assert str(row(db, flagged)["name"]) in question and "do not call" in question
        await pilot.press(answer)
        await settle(pilot)
        if answer == "enter":
            # Only y clears it: a reflex second enter never has someone called again.
            assert isinstance(demo_app.screen, ConfirmDialog)
            await pilot.press("n")
            await settle(pilot)
        if answer != "y":
            assert demo_app.screen is form, "a no goes back to the form"
            assert do_not_call.value, "and keeps the flag"
            await pilot.press("escape")
            await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    after = row(db, flagged)
    if answer == "y":
        # Called again from the call that marked it.
        assert (after["do_not_call"], after["next_call_at"]) == (0, "2026-11-17T10:00:00+00:00")
    else:
        assert (after["do_not_call"], after["next_call_at"]) == (1, None)


async def test_the_flags_are_saved_only_when_changed(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    other = another_window(demo_app)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        assert not form.query_one("#field-nurture", Checkbox).value
        form.set_focus(form.query_one("#field-nurture"))
        # Marked wrong number by a call in another window meanwhile: the form leaves it be.
        other.db.execute("UPDATE prospects SET wrong_number = 1 WHERE id = ?", [first["id"]])
        await pilot.press("space", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    other.close()
    after = row(db, first["id"])
    assert (after["nurture"], after["wrong_number"], after["do_not_call"]) == (1, 1, 0)


async def test_a_stored_number_that_cannot_be_dialled_stops_a_save_only_when_changed(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    # Another tool wrote a number funnel cannot dial.
    db.execute("UPDATE prospects SET phone = '555-CALL-NOW' WHERE id = ?", [first["id"]])
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-name", Input).value = "Renamed Person"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-phone", Input).value = "555-CALL-LATER"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is form
        assert "1 field to fix" in shown_text(form.query_one("#form-status"))
    after = row(db, first["id"])
    assert (after["name"], after["phone"]) == ("Renamed Person", "555-CALL-NOW")


async def test_values_another_tool_stored_stop_a_save_only_when_changed(
    demo_app: FunnelApp,
) -> None:
    """A zone funnel cannot read (`PST`) and an email without an @, as another tool wrote
    them: a change to the name, then to the email alone, was refused for the zone (`unknown
    timezone (...)  1 field to fix`). Each is checked once the rep changes it."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute(
        "UPDATE prospects SET timezone = 'PST', email = 'ann at example' WHERE id = ?",
        [first["id"]],
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await open_prospect_form(demo_app, pilot)
        await pilot.press("end", *" Jr", "ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        await open_prospect_form(demo_app, pilot)
        # Name, title, company, phone: the email is the fifth field.
        await pilot.press(*["tab"] * 4, "ctrl+u", *"ann@example.com", "ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        form = await open_prospect_form(demo_app, pilot)
        await pilot.press(*["tab"] * 5, "ctrl+u", *"Pacific/Nowhere", "ctrl+s")
        await settle(pilot)
        assert demo_app.screen is form
        assert "1 field to fix" in shown_text(form.query_one("#form-status"))
        assert "unknown timezone" in shown_text(form.query_one("#error-timezone"))
    after = row(db, first["id"])
    assert (after["name"], after["email"], after["timezone"]) == (
        f"{first['name']} Jr",
        "ann@example.com",
        "PST",
    )


@pytest.mark.parametrize(
    ("stored", "cleared", "tabs", "quoted"),
    [
        # A broken email left as the only contact once the phone is cleared...
        ({"email": "bob-at-example"}, "phone", 3, "the email 'bob-at-example' cannot be used"),
        # ...and a number that cannot be dialled, once the email is.
        ({"phone": "555-CALL-NOW"}, "email", 4, "the phone '555-CALL-NOW' cannot be used"),
    ],
)
async def test_clearing_the_only_usable_contact_is_refused_quoting_the_other(
    demo_app: FunnelApp, stored: dict[str, str], cleared: str, tabs: int, quoted: str
) -> None:
    """The edit form checks only the fields the rep changed, but a prospect needs a phone
    or an email that can be used in what is stored: the other one, left as another tool
    wrote it, is checked as the add form would check it."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    columns = {"phone": "+15550001000", "email": "bob@example.com", **stored}
    db.execute(
        "UPDATE prospects SET phone = ?, email = ? WHERE id = ?",
        [columns["phone"], columns["email"], first["id"]],
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        await pilot.press(*["tab"] * tabs, "ctrl+u", "enter")
        await settle(pilot)
        assert demo_app.screen is form
        assert "1 field to fix" in shown_text(form.query_one("#form-status"))
        error = shown_text(form.query_one(f"#error-{cleared}"))
        assert "a phone or an email is needed" in error and quoted in error
    after = row(db, first["id"])
    assert (after["phone"], after["email"]) == (columns["phone"], columns["email"])


async def test_clearing_one_contact_saves_when_the_other_can_be_used(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute(
        "UPDATE prospects SET phone = '+15550001000', email = 'bob@example.com' WHERE id = ?",
        [first["id"]],
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await open_prospect_form(demo_app, pilot)
        await pilot.press(*["tab"] * 3, "ctrl+u", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    after = row(db, first["id"])
    assert (after["phone"], after["email"]) == (None, "bob@example.com")


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("MST", "MST is a fixed offset with no summer time: write the place's zone, such as"
         " America/Denver"),
        ("localtime", "unknown timezone (use a name like Europe/London or America/New_York)"),
    ],
)  # fmt: skip
async def test_a_zone_that_reads_but_means_little_is_refused_when_typed(
    demo_app: FunnelApp, typed: str, refusal: str
) -> None:
    """MST is Denver's hours in winter and an hour off all summer; localtime is the
    machine's clock. The form asks for the place's zone; stored by another tool and left
    as it is, EST stops no change to another field."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute("UPDATE prospects SET timezone = 'EST' WHERE id = ?", [first["id"]])
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        assert form.prospect["id"] == first["id"]
        await pilot.press("end", *" Jr", "ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        form = await open_prospect_form(demo_app, pilot)
        await pilot.press(*["tab"] * 5, "ctrl+u", *typed, "ctrl+s")
        await settle(pilot)
        assert demo_app.screen is form
        assert shown_text(form.query_one("#error-timezone")).strip() == refusal
    after = row(db, first["id"])
    assert (after["name"], after["timezone"]) == (f"{first['name']} Jr", "EST")


@pytest.mark.parametrize("cents", ["lots", 1500.5])
async def test_a_deal_value_another_tool_stored_as_no_cents_opens_the_form_and_is_kept(
    demo_app: FunnelApp, cents: object
) -> None:
    """`e` on a prospect whose deal value is text or a fraction of a cent stopped the app
    (`'<' not supported between instances of 'str' and 'int'`)."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute("UPDATE prospects SET deal_value_cents = ? WHERE id = ?", [cents, first["id"]])
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        field = form.query_one("#field-deal_value", Input)
        assert (field.value, field.placeholder) == (
            "",
            f"? {cents!r} as stored: kept unless you type one",
        )
        await pilot.press("end", *" Jr", "ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    after = row(db, first["id"])
    assert (after["name"], after["deal_value_cents"]) == (f"{first['name']} Jr", cents)


# Keys typed at full speed after the form's enter ---------------------------------------


async def test_keys_typed_after_the_forms_enter_act_on_the_prospect_saved(
    demo_app: FunnelApp,
) -> None:
    """`e Jr enter l v enter` at full speed: the name is saved as typed, and the call is
    logged on that prospect; the keys after enter never reach the name."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    calls = db["calls"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(demo_app, "e", "space", "J", "r", "enter", "l", "v", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls + 1)
        assert isinstance(demo_app.screen, MainScreen)
    assert row(db, first["id"])["name"] == f"{first['name']} Jr"
    assert last_calls(db, 1) == [(first["id"], "voicemail")]


async def test_keys_typed_after_the_add_forms_enter_act_on_the_prospect_added(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    calls = db["calls"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(demo_app, "a", "Z", "e", "d", "tab", "tab", "tab", *"5551234", "enter")
        burst(demo_app, "l", "v", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls + 1)
    (added,) = db.execute("SELECT id, phone FROM prospects WHERE name = 'Zed'").fetchall()
    assert added[1].endswith("5551234")
    assert last_calls(db, 1) == [(added[0], "voicemail")]


async def test_keys_after_a_refused_enter_in_the_add_form_are_dropped(
    demo_app: FunnelApp,
) -> None:
    """No number or email: nothing is added, `l v` never reach a field, and the status
    says so as it says what to fix."""
    db = demo_app.storage.db
    calls = db["calls"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(demo_app, "a", "Z", "e", "d", "enter", "l", "v", "enter")
        await settle(pilot)
        form = demo_app.screen
        assert isinstance(form, ProspectForm)
        assert form.query_one("#field-name", Input).value == "Zed"
        status = shown_text(form.query_one("#form-status"))
        assert "1 field to fix" in status and "keys typed after enter were not applied" in status
    assert db["calls"].count == calls
    assert not db.execute("SELECT 1 FROM prospects WHERE name LIKE 'Zed%'").fetchall()


async def test_a_deal_value_typed_is_read_back_under_it(demo_app: FunnelApp) -> None:
    """`8k` in the edit form said nothing until saved, where the outcome dialog reads an
    amount back as it is typed."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        deal = form.query_one("#field-deal_value", Input)
        deal.focus()
        await pilot.press("ctrl+u", *"8k")
        await settle(pilot)
        assert shown_text(form.query_one("#error-deal_value")).strip() == "→ $8,000.00"
        # Not yet an amount: nothing said before a save is tried.
        await pilot.press(*"x")
        await settle(pilot)
        assert shown_text(form.query_one("#error-deal_value")).strip() == ""
        await pilot.press("backspace", "ctrl+s")
        await settle(pilot)
    assert row(db, first["id"])["deal_value_cents"] == 800_000


async def test_keys_typed_after_a_refused_enter_are_dropped_not_typed_into_the_form(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    calls = db["calls"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        deal = form.query_one("#field-deal_value", Input)
        deal.value = "abc"
        deal.focus()
        await settle(pilot)
        burst(demo_app, "enter", "l", "v", "enter")
        await settle(pilot)
        assert demo_app.screen is form
        assert deal.value == "abc"
        status = shown_text(form.query_one("#form-status"))
        assert "1 field to fix" in status and "keys typed after enter were not applied" in status
        # Typing again: the status no longer speaks of the dropped keys.
        await pilot.press("backspace", "backspace", "backspace", "5")
        await settle(pilot)
        assert "not applied" not in shown_text(form.query_one("#form-status"))
    assert db["calls"].count == calls
    assert row(db, first["id"])["deal_value_cents"] == first["deal_value_cents"]


async def test_enter_in_a_form_changed_in_nothing_writes_nothing(demo_app: FunnelApp) -> None:
    """Not even the time zone guessed from an unchanged number: the prospect stays as it
    was, in the queue where it was, and the keys after enter act on it."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    calls = db["calls"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        burst(demo_app, "e", "enter", "l", "v", "enter")
        await settle_until(pilot, lambda: db["calls"].count == calls + 1)
    after = row(db, first["id"])
    assert {column: after[column] for column in ("timezone", "timezone_guessed")} == {
        column: first[column] for column in ("timezone", "timezone_guessed")
    }
    assert last_calls(db, 1) == [(first["id"], "voicemail")]


async def test_keys_after_a_save_that_takes_the_prospect_out_of_the_view_are_dropped(
    demo_app: FunnelApp,
) -> None:
    """Do not call ticked: the prospect leaves today's queue, and the `l v enter` typed
    behind enter logs no call on whoever took their row."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    calls = db["calls"].count
    async with demo_app.run_test(size=(160, 48), notifications=True) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-do_not_call", Checkbox).value = True
        await settle(pilot)
        burst(demo_app, "enter", "l", "v", "enter")
        await settle_until(pilot, lambda: row(db, first["id"])["do_not_call"] == 1)
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        said = messages(demo_app)
        # Where they went, as a filter's match from another view says it.
        assert (
            "Saved, but not in this view now (DNC): keys typed after enter were not applied" in said
        ), said
    assert db["calls"].count == calls


async def test_enter_on_a_list_saves_and_enter_in_its_open_list_picks(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        priority = form.query_one("#field-priority", Select)
        chosen = priority.value
        priority.focus()
        await settle(pilot)
        await pilot.press("space", "down", "enter")
        await settle(pilot)
        assert demo_app.screen is form and priority.value != chosen
        picked = priority.value
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert row(db, first["id"])["priority"] == int(str(picked))


async def test_a_flag_ticked_right_before_enter_is_saved(demo_app: FunnelApp) -> None:
    """A flag acts on space as the key bubbles up to the app: enter right behind it waits
    for that, and saves the tick."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-nurture", Checkbox).focus()
        await settle(pilot)
        burst(demo_app, "space", "enter")
        await settle_until(pilot, lambda: isinstance(demo_app.screen, MainScreen))
    assert row(db, first["id"])["nurture"] == 1


@pytest.mark.parametrize(
    ("opened", "keys"),
    [(False, ("space", "down", "enter")), (True, ("down", "enter"))],
    ids=["closed list", "open list"],
)
async def test_a_pick_typed_at_full_speed_picks_the_option_moved_to(
    demo_app: FunnelApp, opened: bool, keys: tuple[str, ...]
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        priority = form.query_one("#field-priority", Select)
        options = [value for _, value in form.choices["priority"][1]]
        before = options.index(str(priority.value))
        priority.focus()
        await settle(pilot)
        if opened:
            await pilot.press("space")
            await settle(pilot)
        burst(demo_app, *keys, "shift+tab", "Z")
        await settle(pilot)
        assert demo_app.screen is form
        assert str(priority.value) == options[before + 1]
        # The keys after the pick go on in the form: shift+tab to the field above.
        assert form.query_one("#field-method", Select).has_focus


async def test_ctrl_s_in_an_open_list_saves(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-title", Input).value = "Head of Ops"
        form.query_one("#field-priority", Select).focus()
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert row(db, first["id"])["title"] == "Head of Ops"


async def test_keys_go_on_after_a_save_whose_card_cannot_be_read(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saved, then the card could not be read (a team's server going away): the keys
    typed after enter are not held for good."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-title", Input).value = "Head of Ops"
        read_card = main_screen_module.load_card

        def out_of_reach(*_: object) -> None:
            raise ConnectionLost("lost", "the server is restarting")

        monkeypatch.setattr(main_screen_module, "load_card", out_of_reach)
        burst(demo_app, "enter")
        await settle(pilot)
        monkeypatch.setattr(main_screen_module, "load_card", read_card)
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        before = screen.queue.cursor
        burst(demo_app, "j")
        await settle(pilot)
        assert screen.queue.cursor == before + 1
        assert not demo_app.holds_keys()
    assert row(db, first["id"])["title"] == "Head of Ops"


async def test_a_form_closed_with_nothing_changed_says_so(demo_app: FunnelApp) -> None:
    """`space down ctrl+s` on a list saves what is picked, not what is highlighted: the
    rep who meant to pick is told that nothing was saved."""
    async with demo_app.run_test(size=(160, 48), notifications=True) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        form.query_one("#field-priority", Select).focus()
        await settle(pilot)
        burst(demo_app, "space", "down", "ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        said = messages(demo_app)
        assert "Nothing to save: no field was changed" in said


async def test_the_toast_names_a_time_zone_the_save_guessed_from_the_number(
    demo_app: FunnelApp,
) -> None:
    """An edit of a prospect without a zone stores the one their number implies, which
    sets their calling hours (and may take them off hours): the toast says so, where it
    said only `Prospect saved`."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    said = await name_edited_without_a_zone(demo_app, first["id"], first["phone"])
    zone = row(db, first["id"])["timezone"]
    assert row(db, first["id"])["timezone_guessed"] == 1
    assert f"Prospect saved · time zone {zone}, from their number" in said


async def test_a_save_that_guesses_a_zone_now_off_hours_says_the_prospect_left_the_view(
    demo_app: FunnelApp,
) -> None:
    """A name edited on a prospect without a zone: the zone guessed from a Sydney number
    took them off hours, and they went from today's queue, an overdue callback with them,
    with nothing but `Prospect saved · time zone ...` said (and that only if no key
    followed enter)."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    said = await name_edited_without_a_zone(demo_app, first["id"], "+61293744000")
    assert row(db, first["id"])["timezone"] == "Australia/Sydney"
    assert "Prospect saved · time zone Australia/Sydney, from their number" in said
    assert "Saved, but not in this view now (off hours)" in said


async def name_edited_without_a_zone(app: FunnelApp, prospect_id: int, phone: str) -> list[str]:
    """The toasts said after ` Jr` is added to the name of a prospect at the head of the
    queue, stored first without a zone and with `phone`; whichever zone is guessed, one of
    them says the prospect left the view exactly when they did."""
    db = app.storage.db
    db.execute(
        "UPDATE prospects SET timezone = NULL, timezone_guessed = 0, phone = ? WHERE id = ?",
        [phone, prospect_id],
    )
    db.conn.commit()
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e", *" Jr", "enter")
        await settle_until(pilot, lambda: row(db, prospect_id)["timezone"] is not None)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        in_view = screen.queue.belongs_to_view(prospect_id)
        said = messages(app)
    assert in_view == ("Saved, but not in this view now (off hours)" not in said)
    return said


async def test_a_prospect_renamed_out_of_the_filter_is_said_to_no_longer_match_it(
    demo_app: FunnelApp,
) -> None:
    """Renamed so that the filter no longer finds them, the toast said `(off hours)` (or
    `(not today)`), the place of a prospect the view leaves, not why they left it."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute("UPDATE prospects SET name = 'Kofa Kim' WHERE id = ?", [first["id"]])
    db.conn.commit()
    typed = "kofa"
    async with demo_app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *typed, "enter")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("home", "e", "ctrl+u", *"Zed [bold]Quist", "enter")
        await settle_until(pilot, lambda: row(db, first["id"])["name"] == "Zed [bold]Quist")
        await settle(pilot)
        said = messages(demo_app)
    assert f"Saved, but not in this view now (no longer matches “{typed}”)" in said


async def test_a_prospect_another_window_takes_out_of_the_view_is_said_to_have_left_it(
    demo_app: FunnelApp, toasts_kept: None
) -> None:
    """The prospect on the cursor marked do not call elsewhere: the card shows the next
    one after the poll, and a toast names who left, so the next key is not for the wrong
    one. A change that keeps them listed says nothing."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    other = another_window(demo_app)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        assert screen.queue.highlighted_id == first["id"]
        other.db.execute("UPDATE prospects SET title = 'COO' WHERE id = ?", [first["id"]])
        screen._refresh_on_outside_change()
        await settle(pilot)
        assert screen.queue.highlighted_id == first["id"]
        assert not any("left this view" in message for message in messages(demo_app))

        other.db.execute("UPDATE prospects SET do_not_call = 1 WHERE id = ?", [first["id"]])
        screen._refresh_on_outside_change()
        await settle_until(pilot, lambda: any("left this view" in m for m in messages(demo_app)))
        assert screen.queue.highlighted_id != first["id"]
        assert screen.card is not None and screen.card.prospect["id"] != first["id"]
    other.close()
    said = [message for message in messages(demo_app) if "left this view" in message]
    assert said == [f"{first['name']} left this view after a change elsewhere (DNC)"]
