"""The outcome dialog asks each outcome for its own fields (PRODUCT section 3): keys typed
into it, checked against the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest
import sqlite_utils
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from funnel_tui.domain import OUTCOME_SPECS, Ask, LostReason, Outcome
from funnel_tui.settings import save_setting
from funnel_tui.store.sqlite import open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.outcome_dialog import OutcomeDialog
from funnel_tui.ui.reason_picker import ReasonPicker
from tests.app_support import settle, settle_until, shown_text, wait_for
from tests.test_app import burst, calls_for, first_in_queue
from tests.test_layout import SIZES, fully_in_sight
from tests.test_typeahead import pause_until

TOMORROW_10AM = "2026-11-19T10:00:00+00:00"
FRIDAY_2PM = "2026-11-20T14:00:00+00:00"

Typist = Callable[[Pilot, Sequence[str]], Awaitable[None]]


@pytest.fixture(params=["pilot", "burst"])
def typist(request: pytest.FixtureRequest) -> Typist:
    """Types keys through Pilot (which lets the app idle after each key) or all at once,
    as a fast typist's keys arrive while the app is busy."""

    async def type_keys(pilot: Pilot, keys: Sequence[str]) -> None:
        if request.param == "pilot":
            await pilot.press(*keys)
        else:
            burst(pilot.app, *keys)

    return type_keys


def prospect(db: sqlite_utils.Database, prospect_id: int) -> dict[str, Any]:
    return next(db.query("SELECT * FROM prospects WHERE id = ?", [prospect_id]))


def tasks_made_by(db: sqlite_utils.Database, call_id: int) -> list[tuple[str, str, str]]:
    return [
        (row["kind"], row["due_at"], row["status"])
        for row in db.query("SELECT * FROM tasks WHERE call_id = ? ORDER BY id", [call_id])
    ]


def set_prospect(db: sqlite_utils.Database, prospect_id: int, **columns: object) -> None:
    assignments = ", ".join(f"{column} = ?" for column in columns)
    db.execute(f"UPDATE prospects SET {assignments} WHERE id = ?", [*columns.values(), prospect_id])
    db.conn.commit()
    assert first_in_queue(db)["id"] == prospect_id, "still the prospect `l` logs"


async def log_with_keys(app: FunnelApp, typist: Typist, keys: Sequence[str]) -> dict[str, Any]:
    """Log a call on the first prospect of the queue with these keys after `l`; the call."""
    db = app.storage.db
    first = first_in_queue(db)
    before = len(calls_for(db, first["id"]))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await typist(pilot, ["l", *keys, "enter"])
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
        assert isinstance(app.screen, MainScreen)
    calls = calls_for(db, first["id"])
    assert len(calls) == before + 1
    return calls[-1]


# Each note is full of outcome and reason letters: in a field they are text.
@pytest.mark.parametrize(
    ("keys", "outcome", "follow_up_at", "task"),
    [
        pytest.param(
            ["h", *"fri 2pm", "tab", *"budget ok, next: a pilot"],
            "meeting_held",
            FRIDAY_2PM,
            ("callback", FRIDAY_2PM, "open"),
            id="meeting-held-with-a-next-step",
        ),
        pytest.param(
            ["h", "tab", *"budget ok, next: a pilot"],
            "meeting_held",
            None,
            None,
            id="meeting-held-without-a-next-step",
        ),
        pytest.param(
            ["s", *"tomorrow 10am", "tab", *"no show, sent a note"],
            "no_show",
            TOMORROW_10AM,
            ("callback", TOMORROW_10AM, "open"),
            id="no-show-rescheduled",
        ),
        pytest.param(
            ["g", *"tomorrow 10am", "tab", *"PA says back at 10"],
            "gatekeeper",
            TOMORROW_10AM,
            ("call", TOMORROW_10AM, "open"),
            id="gatekeeper-with-a-time",
        ),
    ],
)
async def test_an_outcome_that_asks_when_saves_the_time_and_its_task(
    demo_app: FunnelApp,
    typist: Typist,
    keys: list[str],
    outcome: str,
    follow_up_at: str | None,
    task: tuple[str, str, str] | None,
) -> None:
    call = await log_with_keys(demo_app, typist, keys)
    assert (call["outcome"], call["follow_up_at"]) == (outcome, follow_up_at)
    assert call["notes"] == "".join(keys[keys.index("tab") + 1 :])
    made = tasks_made_by(demo_app.storage.db, call["id"])
    if task is not None:
        assert task in made
    else:
        assert not [made_task for made_task in made if made_task[0] == "callback"]


async def test_an_outcome_changed_after_its_time_was_typed_keeps_the_time(
    demo_app: FunnelApp, typist: Typist
) -> None:
    """`l c wed 11am tab note`, then back to the outcomes and `m`: the meeting's field
    was empty, and the time typed for the callback was lost."""
    keys = ["c", *"fri 2pm", "tab", *"wants the CFO there", "shift+tab", "shift+tab", "m"]
    call = await log_with_keys(demo_app, typist, keys)
    assert (call["outcome"], call["follow_up_at"]) == ("meeting", FRIDAY_2PM)
    assert call["notes"] == "wants the CFO there"
    assert ("meeting", FRIDAY_2PM, "open") in tasks_made_by(demo_app.storage.db, call["id"])


async def test_an_amount_typed_stays_through_an_outcome_that_does_not_ask_it(
    demo_app: FunnelApp, typist: Typist
) -> None:
    """`l w 12k`, a look at `x`, then `p`: the proposal's amount was the open deal's
    again, and enter saved it unseen."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], deal_value_cents=1_710_000)
    keys = ["w", *"12k", "shift+tab", "x", "shift+tab", "p", "tab", *"15/12"]
    call = await log_with_keys(demo_app, typist, keys)
    assert call["outcome"] == "proposal_sent"
    assert prospect(db, first["id"])["deal_value_cents"] == 1_200_000


async def test_a_time_typed_stays_through_an_outcome_that_does_not_ask_it(
    demo_app: FunnelApp, typist: Typist
) -> None:
    keys = ["m", *"fri 2pm", "shift+tab", "x", "shift+tab", "c"]
    call = await log_with_keys(demo_app, typist, keys)
    assert (call["outcome"], call["follow_up_at"]) == ("callback", FRIDAY_2PM)


async def test_a_gatekeeper_without_a_time_follows_the_cadence(
    demo_app: FunnelApp, typist: Typist
) -> None:
    call = await log_with_keys(demo_app, typist, ["g", "tab", *"PA took a message"])
    assert (call["outcome"], call["follow_up_at"], call["notes"]) == (
        "gatekeeper",
        None,
        "PA took a message",
    )
    assert [kind for kind, _, _ in tasks_made_by(demo_app.storage.db, call["id"])] == ["call"]


async def test_a_proposal_saves_its_amount_and_close_date_on_the_prospect(
    demo_app: FunnelApp, typist: Typist
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    call = await log_with_keys(
        demo_app, typist, ["p", *"12k", "tab", *"15/12", "tab", *"sent v2, no discount"]
    )
    assert (call["outcome"], call["notes"]) == ("proposal_sent", "sent v2, no discount")
    after = prospect(db, first["id"])
    assert (after["stage"], after["deal_value_cents"], after["expected_close_on"]) == (
        "proposal",
        1_200_000,
        "2026-12-15",
    )


@pytest.mark.parametrize(
    ("keys", "reason", "revisit_day"),
    [
        pytest.param(
            ["x", "c", *"1/3", "tab", *"went with the incumbent"], "competitor", "2027-03-01"
        ),
        pytest.param(["x", "b", "tab", *"no budget this year"], "budget", None),
        pytest.param(["x", "tab", "tab", *"not now"], None, None, id="no-reason"),
        # A second reason key, after shift+tab back to the reasons, picks again.
        pytest.param(
            ["x", "n", "shift+tab", "t", "tab", *"after the reorg"],
            "timing",
            None,
            id="picked-again",
        ),
        # A date typed straight after x, reason skipped: `in 2 weeks` picked no need with
        # its `n`, the `i` dropped, and the date field got ` 2 weeks`.
        pytest.param(["x", *"in 2 weeks"], None, "2026-12-02", id="date-first"),
        pytest.param(["x", *"1/3"], None, "2027-03-01", id="date-first-figures"),
        # Backspace on the reasons takes the reason back.
        pytest.param(
            ["x", "a", "shift+tab", "backspace", "tab", "tab", *"hmm"], None, None, id="taken-back"
        ),
    ],
)
async def test_not_interested_saves_the_reason_picked_with_one_key_and_the_revisit(
    demo_app: FunnelApp,
    typist: Typist,
    keys: list[str],
    reason: str | None,
    revisit_day: str | None,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    call = await log_with_keys(demo_app, typist, keys)
    assert (call["outcome"], call["reason"]) == ("not_interested", reason)
    after = prospect(db, first["id"])
    assert (after["stage"], after["lost_reason"]) == ("lost", reason)
    revisits = [due for kind, due, _ in tasks_made_by(db, call["id"]) if kind == "revisit"]
    if revisit_day is None:
        assert revisits == []
        assert not after["nurture"]
    else:
        assert len(revisits) == 1
        assert revisits[0].startswith(revisit_day)
        assert after["nurture"] == 1


# A reflex tab after a pick that moved on by itself puts the date into the note: enter
# moves it to the date field it reads as (which was empty) and saves only once the rep,
# having seen where it went, presses enter again.
@pytest.mark.parametrize(
    ("keys", "outcome", "ask", "saved"),
    [
        pytest.param(
            ["x", "t", "tab", *"in 12 weeks"],
            "not_interested",
            Ask.REVISIT_ON,
            ("revisit", "2027-02-10"),
            id="revisit-after-a-reason",
        ),
        pytest.param(
            ["h", "tab", *"fri 2pm"],
            "meeting_held",
            Ask.WHEN,
            ("callback", FRIDAY_2PM),
            id="next-step-when",
        ),
    ],
)
async def test_a_date_typed_into_the_note_goes_to_its_empty_date_field_before_saving(
    demo_app: FunnelApp,
    typist: Typist,
    keys: list[str],
    outcome: str,
    ask: Ask,
    saved: tuple[str, str],
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    before = len(calls_for(db, first["id"]))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await typist(pilot, ["l", *keys, "enter"])
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert len(calls_for(db, first["id"])) == before
        typed = "".join(keys[keys.index("tab") + 1 :])
        assert (dialog.note.value, dialog.field(ask).value) == ("", typed)
        assert dialog.focused is dialog.field(ask)
        # Carried on from its end, so the ctrl+u the message offers takes it out.
        assert dialog.field(ask).cursor_position == len(typed)
        assert "→" in said_under(dialog, ask)
        said = shown_text(dialog.query_one("#outcome-error", Static))
        assert f"“{typed}” moved from the note to" in said
        await pilot.press("enter")
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
    call = calls_for(db, first["id"])[-1]
    assert (call["outcome"], call["notes"]) == (outcome, None)
    kind, due = saved
    assert any(
        task_kind == kind and task_due.startswith(due)
        for task_kind, task_due, _ in tasks_made_by(db, call["id"])
    )


async def test_a_range_of_hours_in_the_note_stays_the_note(demo_app: FunnelApp) -> None:
    """A gatekeeper's "he's in 9-5" read as 9 May and went to Call again when."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    before = len(calls_for(db, first["id"]))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "g", "tab", *"9-5", "enter")
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
    call = calls_for(db, first["id"])[-1]
    assert (call["outcome"], call["notes"]) == ("gatekeeper", "9-5")


async def test_a_date_moved_out_of_the_note_and_typed_back_is_saved_as_the_note(
    demo_app: FunnelApp,
) -> None:
    """The rep meant it as a note: cleared from the date field and typed in the note
    again, the next enter saves it as typed."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "x", "t", "tab", *"in 12 weeks", "enter")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert dialog.field(Ask.REVISIT_ON).value == "in 12 weeks"
        await pilot.press("ctrl+u", "tab", *"in 12 weeks", "enter")
        await settle_until(pilot, lambda: bool(calls_for(db, first["id"])))
    call = calls_for(db, first["id"])[-1]
    assert (call["outcome"], call["reason"], call["notes"]) == (
        "not_interested",
        "timing",
        "in 12 weeks",
    )
    assert [kind for kind, _, _ in tasks_made_by(db, call["id"]) if kind == "revisit"] == []


async def test_letters_on_the_reasons_pick_reasons_never_another_outcome(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "x")
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        picker = dialog.query_one(ReasonPicker)
        assert dialog.focused is picker
        # w and d are outcome keys, not reasons: they never change the outcome. A letter
        # that is no reason starts the revisit date (`wed`), the reason left unsaid.
        await pilot.press("w", "e", "d")
        revisit = dialog.field(Ask.REVISIT_ON)
        assert (dialog.outcome, picker.reason, dialog.focused) == (
            Outcome.NOT_INTERESTED,
            None,
            revisit,
        )
        assert revisit.value == "wed"
        await pilot.press("shift+tab", "n")
        assert picker.reason is LostReason.NO_NEED
        assert dialog.focused is dialog.field(Ask.REVISIT_ON)
        assert dialog.outcome is Outcome.NOT_INTERESTED


async def test_a_revisit_date_whose_first_letter_picked_a_reason_says_so(
    demo_app: FunnelApp,
) -> None:
    """`l x tomorrow`: `t` picked timing and the field said only `'omorrow' is not a date`."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "x", *"tomorrow")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        said = " ".join(shown_text(dialog.check_line(Ask.REVISIT_ON)).split())
        assert "(t picked the reason Timing; a date that starts with t is typed after tab)" in said
        # A date that does not read whatever the reason is told no more than that.
        await pilot.press(*"x")
        await settle(pilot)
        assert "picked the reason" not in shown_text(dialog.check_line(Ask.REVISIT_ON))


# A rep who takes the pick's own move on for the reasons tabs once too often: tab stops
# at the note, so the note's letters never reach the list, where each would pick again
# (`l x b tab tab bad day enter` logged Do not call).
@pytest.mark.parametrize(
    ("keys", "outcome", "reason", "note"),
    [
        pytest.param(
            ["x", "b", "tab", "tab", *"bad day"],
            "not_interested",
            "budget",
            "bad day",
            id="a-tab-too-many-after-a-reason",
        ),
        pytest.param(
            ["b", "tab", "tab", *"sent deck"], "busy", None, "sent deck", id="a-tab-too-many"
        ),
        # Back on the list by shift+tab, a letter picks again: the rep means it.
        pytest.param(
            ["x", "b", "shift+tab", "shift+tab", "v", "tab", *"bad day"],
            "voicemail",
            None,
            "bad day",
            id="back-by-shift-tab",
        ),
    ],
)
async def test_tab_stops_at_the_note_and_only_shift_tab_goes_back_to_the_outcomes(
    demo_app: FunnelApp,
    typist: Typist,
    keys: list[str],
    outcome: str,
    reason: str | None,
    note: str,
) -> None:
    call = await log_with_keys(demo_app, typist, keys)
    assert (call["outcome"], call["reason"], call["notes"]) == (outcome, reason, note)


async def test_a_click_on_a_reason_picks_it(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "x")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        picker = dialog.query_one(ReasonPicker)
        lines = picker.render().plain.split("\n")
        row = next(y for y, line in enumerate(lines) if "Competitor" in line)
        column = lines[row].index("Competitor")
        # The row's frame and padding come before its content.
        left, top = picker.styles.gutter.left, picker.styles.gutter.top
        assert await pilot.click(picker, offset=(left + column, top + row))
        assert picker.reason is LostReason.COMPETITOR
        assert dialog.focused is dialog.field(Ask.REVISIT_ON)


async def test_won_starts_from_the_open_deal_value(demo_app: FunnelApp, typist: Typist) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], deal_value_cents=900_000)
    call = await log_with_keys(demo_app, typist, ["w"])
    assert call["outcome"] == "won"
    deal = next(db.query("SELECT * FROM deals WHERE call_id = ?", [call["id"]]))
    assert (deal["amount_cents"], deal["kind"]) == (900_000, "new")
    assert prospect(db, first["id"])["deal_value_cents"] is None, "the open value is cleared"


async def test_an_amount_typed_over_the_open_deal_value_replaces_it(
    demo_app: FunnelApp, typist: Typist
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], deal_value_cents=900_000)
    call = await log_with_keys(demo_app, typist, ["w", *"12,500", "tab", *"signed"])
    deal = next(db.query("SELECT * FROM deals WHERE call_id = ?", [call["id"]]))
    assert deal["amount_cents"] == 1_250_000


async def test_a_win_on_a_customer_says_and_saves_an_expansion(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], kind="customer", stage="won", deal_value_cents=300_050)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "w")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert dialog.field(Ask.AMOUNT).value == "3,000.50"
        under = shown_text(dialog.check_line(Ask.AMOUNT))
        assert "$3,000.50" in under
        assert "expansion" in under
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    deal = next(db.query("SELECT * FROM deals ORDER BY id DESC LIMIT 1"))
    assert (deal["prospect_id"], deal["amount_cents"], deal["kind"]) == (
        first["id"],
        300_050,
        "expansion",
    )
    assert prospect(db, first["id"])["kind"] == "customer"


async def test_a_deal_value_another_tool_stored_as_text_is_not_prefilled(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], deal_value_cents="lots")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "w")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert dialog.field(Ask.AMOUNT).value == ""


async def test_an_amount_is_read_in_the_currency_the_book_has_when_it_is_saved(
    demo_app: FunnelApp,
) -> None:
    """`EUR 2,500` typed in a € book, the currency set to USD elsewhere before enter: the
    call was logged as USD 2,500 won."""
    db = demo_app.storage.db
    save_setting(db, "currency", "€")
    deals = db["deals"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "w", *"EUR 2,500")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        other = open_storage(demo_app.storage.path)
        save_setting(other.db, "currency", "USD")
        other.close()
        await wait_for(pilot, lambda: demo_app.settings.currency == "USD", 5.0)

        await pilot.press("enter")
        await settle(pilot)
        assert demo_app.screen is dialog
        said = shown_text(dialog.query_one("#outcome-amount-check", Static))
        assert "this book counts in USD, not EUR" in " ".join(said.split())
    assert db["deals"].count == deals


async def test_a_proposal_starts_from_the_open_deal_and_its_expected_close(
    demo_app: FunnelApp,
) -> None:
    """`l p` on Noah, whose $14,800 deal is expected to close on the 26th: both fields
    started empty, and `l p enter` was refused twice over (`needed`)."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    set_prospect(db, first["id"], deal_value_cents=1_480_000, expected_close_on="2026-12-26")
    calls = db["calls"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "p")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert dialog.field(Ask.AMOUNT).value == "14,800"
        assert dialog.field(Ask.CLOSE_ON).value == "2026-12-26"
        await pilot.press("enter")
        await settle_until(pilot, lambda: db["calls"].count == calls + 1)
    after = prospect(db, first["id"])
    assert after["last_outcome"] == "proposal_sent"
    assert (after["deal_value_cents"], after["expected_close_on"]) == (1_480_000, "2026-12-26")


def said_under(dialog: OutcomeDialog, ask: Ask) -> str:
    return shown_text(dialog.check_line(ask))


@pytest.mark.parametrize(
    ("keys", "refused"),
    [
        pytest.param(["s"], {Ask.WHEN: "needed"}, id="no-show-without-a-time"),
        pytest.param(["p"], {Ask.AMOUNT: "needed", Ask.CLOSE_ON: "needed"}, id="empty-proposal"),
        pytest.param(
            ["p", *"lots", "tab", *"someday"],
            {Ask.AMOUNT: "not an amount", Ask.CLOSE_ON: "'someday' is not a date"},
            id="proposal-that-does-not-read",
        ),
        pytest.param(
            ["p", *"0", "tab", *"15/12"], {Ask.AMOUNT: "more than zero"}, id="proposal-of-nothing"
        ),
        pytest.param(
            ["p", *"12k", "tab", *"2026-11-01"],
            {Ask.CLOSE_ON: "Sun 1 Nov 2026 is in the past"},
            id="close-date-in-the-past",
        ),
        pytest.param(
            ["x", "b", *"17/11/2026"],
            {Ask.REVISIT_ON: "Tue 17 Nov 2026 is in the past"},
            id="revisit-in-the-past",
        ),
        pytest.param(
            ["h", *"whenever"], {Ask.WHEN: "'whenever' is not a date"}, id="optional-but-unreadable"
        ),
    ],
)
async def test_a_field_that_cannot_be_saved_is_refused_under_it_and_nothing_is_saved(
    demo_app: FunnelApp, keys: list[str], refused: dict[Ask, str]
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    calls_before, tasks_before = calls_for(db, first["id"]), db["tasks"].count
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", *keys, "enter")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        for ask, said in refused.items():
            assert said in said_under(dialog, ask)
        assert dialog.focused is dialog.field(next(iter(refused)))
        assert shown_text(dialog.query_one("#outcome-error", Static)).strip() == ""
        await pilot.press("escape")
        await settle(pilot)
    assert calls_for(db, first["id"]) == calls_before
    assert db["tasks"].count == tasks_before


async def test_a_typed_date_is_read_back_as_the_date(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "p", *"12k", "tab", *"next fri 3pm")
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert "→ $12,000.00" in said_under(dialog, Ask.AMOUNT)
        assert "→ Fri 20 Nov 2026 (in 2 days)" in said_under(dialog, Ask.CLOSE_ON)
        await pilot.press("ctrl+u", *"today")
        assert "→ Wed 18 Nov 2026 (today)" in said_under(dialog, Ask.CLOSE_ON)


@pytest.mark.parametrize(
    ("outcome", "labels"),
    [
        (outcome, [question.label for question in spec.asks])
        for outcome, spec in OUTCOME_SPECS.items()
    ],
    ids=[outcome.value for outcome in OUTCOME_SPECS],
)
async def test_each_outcome_shows_exactly_its_fields_in_order(
    demo_app: FunnelApp, outcome: Outcome, labels: list[str]
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", outcome.spec.key)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        await pilot.pause()
        shown = [
            str(label.content)
            for label in dialog.query(".form-label")
            if label.parent is not None and label.parent.display
        ]
        assert shown == labels
        # A pick goes to the first field it asks for, else stays on the list; tab goes
        # list -> each field in order -> note and stops there, shift+tab goes back and
        # stops at the list; neither picks again.
        fields = [dialog.field(question.ask) for question in outcome.spec.asks]
        in_order = [dialog.query_one("#outcome-list"), *fields, dialog.note]
        at = 1 if fields else 0
        assert dialog.focused is in_order[at]
        for key, step in [("tab", 1)] * len(in_order) + [("shift+tab", -1)] * len(in_order):
            await pilot.press(key)
            at = min(max(at + step, 0), len(in_order) - 1)
            assert dialog.focused is in_order[at], key
        assert dialog.outcome is outcome


@pytest.mark.parametrize("size", [*SIZES, (100, 36), (100, 39)])
@pytest.mark.parametrize(
    "keys",
    [["p", *"12k", "tab", *"15/12"], ["x", "b", *"1/3"]],
    ids=["proposal", "not-interested"],
)
async def test_every_asked_field_and_the_note_stay_in_sight(
    demo_app: FunnelApp, size: tuple[int, int], keys: list[str]
) -> None:
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("l", *keys)
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        assert dialog.outcome is not None
        for question in dialog.outcome.spec.asks:
            assert fully_in_sight(demo_app, dialog.field(question.ask)), question.label
            if question.ask is not Ask.REASON:
                assert fully_in_sight(demo_app, dialog.check_line(question.ask)), question.label
        assert fully_in_sight(demo_app, dialog.note)
        assert fully_in_sight(demo_app, dialog.query_one("#outcome-hint"))


async def test_help_lists_every_outcome_with_what_it_asks(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = " ".join(shown_text(demo_app.screen.query_one("#help-keys")).split())
    for spec in OUTCOME_SPECS.values():
        assert f"{spec.key} {spec.label}" in text
        for question in spec.asks:
            assert question.label.lower() in text
    assert "Proposal sent · asks amount, expected close" in text
    assert "Gatekeeper · asks call again when (optional)" in text
    for reason in (LostReason.BUDGET, LostReason.COMPETITOR, LostReason.NO_AUTHORITY):
        assert f"{reason.key} {reason.label}" in text


@pytest.mark.parametrize("size", [(160, 45), (80, 40)])
@pytest.mark.parametrize(
    "keys", [[], ["c"], ["p"], ["x"]], ids=["nothing-picked", "callback", "proposal", "lost"]
)
async def test_a_tall_terminal_shows_every_outcome_beside_the_asked_fields(
    demo_app: FunnelApp, size: tuple[int, int], keys: list[str]
) -> None:
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("l", *keys)
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        outcomes = dialog.query_one("#outcome-list", OptionList)
        # All 13 letters in sight: none hidden behind a scrollbar.
        assert outcomes.option_count == len(OUTCOME_SPECS)
        assert outcomes.max_scroll_y == 0
        assert fully_in_sight(demo_app, outcomes)
        for question in dialog.questions:
            assert fully_in_sight(demo_app, dialog.field(question.ask)), question.label
        assert fully_in_sight(demo_app, dialog.note)
        assert fully_in_sight(demo_app, dialog.query_one("#outcome-hint"))


def _looks(dialog: OutcomeDialog) -> list[tuple[str, object, object]]:
    """Every widget of the dialog with its background and text colour."""
    return [
        (f"{type(widget).__name__}#{widget.id}", widget.styles.background, widget.styles.color)
        for widget in dialog.walk_children(with_self=True)
    ]


@pytest.mark.parametrize("theme", [None, "textual-light"], ids=["same theme", "new theme"])
async def test_the_reopened_outcome_dialog_looks_as_a_fresh_styling_makes_it(
    demo_app: FunnelApp, theme: str | None
) -> None:
    """The dialog stays mounted between calls and `l` does not style it all again: what it
    shows when reopened is what styling it afresh gives, also after a change of theme."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        first_opening = _looks(demo_app.screen)
        await pilot.press("escape")
        await settle(pilot)
        if theme is not None:
            demo_app.theme = theme
            await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        reopened = _looks(dialog)
        assert (reopened != first_opening) == (theme is not None)
        dialog.update_node_styles(animate=False)
        assert _looks(dialog) == reopened


async def test_the_call_time_goes_on_while_the_outcome_dialog_is_open(
    demo_app: FunnelApp,
) -> None:
    """A rep on a call picks and types in the dialog: its call time counts on (it stood
    still at the time `l` was pressed), and stops ticking once the dialog closes."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "l")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        hint = dialog.query_one("#outcome-hint", Static)
        assert "call time 0:00" in shown_text(hint)
        demo_app.clock.advance(seconds=75)
        await pause_until(pilot, lambda: "call time 1:15" in shown_text(hint))
        await pilot.press("escape")
        await settle(pilot)
        assert dialog._call_time is None


async def test_a_date_read_again_on_another_day_at_enter_is_shown_not_saved(
    demo_app: FunnelApp,
) -> None:
    """`l c tomorrow 10am`, read as Thu 19 Nov, and enter after midnight: the text now
    means Friday. It was saved for Friday under the reading the rep had confirmed; enter
    now shows the new reading and saves nothing, and a second enter saves it."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    before = len(calls_for(db, first["id"]))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"tomorrow 10am")
        await settle(pilot)
        dialog = demo_app.screen
        assert isinstance(dialog, OutcomeDialog)
        under = dialog.check_line(Ask.WHEN)
        assert "Thu 19 Nov 2026, 10:00" in shown_text(under)
        demo_app.clock.advance(hours=10)  # 00:30 on Thursday
        await pilot.press("enter")
        await settle(pilot)
        assert demo_app.screen is dialog
        assert len(calls_for(db, first["id"])) == before
        error = shown_text(dialog.query_one("#outcome-error", Static))
        assert error.startswith("Not saved: the day turned while this was open")
        assert "not Thu 19 Nov" in error
        assert "Fri 20 Nov 2026, 10:00" in shown_text(under)
        await pilot.press("enter")
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
    assert calls_for(db, first["id"])[-1]["follow_up_at"] == "2026-11-20T10:00:00+00:00"


async def test_a_time_that_moved_on_with_the_clock_is_saved_as_read_at_enter(
    demo_app: FunnelApp,
) -> None:
    """`in 2 hours`, enter five minutes later: two hours from the enter, as said."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    before = len(calls_for(db, first["id"]))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("l", "c", *"in 2 hours")
        await settle(pilot)
        demo_app.clock.advance(minutes=5)
        await pilot.press("enter")
        await settle_until(pilot, lambda: len(calls_for(db, first["id"])) > before)
    assert calls_for(db, first["id"])[-1]["follow_up_at"] == "2026-11-18T16:35:00+00:00"
