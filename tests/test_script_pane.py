"""The script pane and the method picker as the rep sees them: the opener as step 1, cues
apart from spoken lines, answers by objection category, when each method fits."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlite_utils
from rich.console import Group
from rich.text import Text
from textual.widgets import OptionList

from funnel_tui.domain import BUILTIN_METHOD_VALUES
from funnel_tui.profile import demo_profile
from funnel_tui.scripts import (
    ObjectionAnswer,
    RenderedStep,
    load_builtin,
    read_history,
    suggested_method,
)
from funnel_tui.scripts.fill import fill_script
from funnel_tui.scripts.objections import load_objections
from funnel_tui.settings import load_settings
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.method_picker import MethodPicker, method_letters
from funnel_tui.ui.script_pane import CUE_MARK, ScriptPane, ScriptView, render_script
from tests.app_support import FROZEN_NOW, settle, shown_text
from tests.test_app import burst, first_in_queue


def pane_lines(pane: ScriptPane) -> list[Text]:
    """The lines of the step on screen, as the pane renders them."""
    group = pane.query_one("#script-body").content
    assert isinstance(group, Group)
    return [line for line in group.renderables if isinstance(line, Text)]


def expected_script(db: sqlite_utils.Database, prospect: dict[str, Any], method: str):
    return fill_script(
        load_builtin(method),
        prospect,
        settings=load_settings(db),
        history=read_history(db, prospect["id"], now=FROZEN_NOW),
        now=FROZEN_NOW,
        profile=demo_profile(),
        objections=load_objections(None),
    )


async def test_the_opener_is_step_one_and_cues_are_dim_italic(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    prospect = first_in_queue(db)
    filled = expected_script(db, prospect, prospect["method"])
    opener = filled.steps[0]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        lines = pane_lines(demo_app.screen.query_one(ScriptPane))
        plain = [line.plain for line in lines]
        assert plain[1].startswith("1 Open › 2 ")
        assert opener.say in plain
        spoken = lines[plain.index(opener.say)]
        assert not spoken.spans and not spoken.style
        [cue] = [line for line in lines if line.plain.startswith(CUE_MARK)]
        assert cue.plain == CUE_MARK + opener.cue
        assert "dim" in str(cue.spans[0].style) and "italic" in str(cue.spans[0].style)
        assert "(ask:" not in shown_text(demo_app.screen.query_one("#script-body"))


async def test_objection_answers_carry_their_category_title(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    prospect = first_in_queue(db)
    filled = expected_script(db, prospect, prospect["method"])
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        body = demo_app.screen.query_one("#script-body")
        text = shown_text(body)
        for answer in filled.matching_objections:
            assert f"{answer.title}: " in text
        hidden = filled.other_objections[0]
        assert f"{hidden.title}: " not in text
        assert f"o: show {len(filled.other_objections)} more answers" in text
        await pilot.press("o")
        await settle(pilot)
        assert f"{hidden.title}: " in shown_text(body)


async def test_the_picker_says_when_each_method_fits_and_suggests_one(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    prospect = first_in_queue(db)
    suggested = suggested_method(prospect, load_settings(db))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = demo_app.screen
        assert isinstance(picker, MethodPicker)
        options = picker.query_one("#method-list", OptionList).options
        listing = "\n".join(option.prompt.plain for option in options)
        for script in demo_app.scripts.methods():
            assert script.fits[:40] in listing
        suggested_name = demo_app.scripts.names()[suggested]
        [line] = [line for line in listing.splitlines() if suggested_name in line]
        assert "(suggested)" in line
        assert listing.count("(suggested)") == 1


async def test_a_digit_in_the_picker_picks_that_method(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    prospect = first_in_queue(db)
    target = "benefits" if prospect["method"] != "benefits" else "conceptual"
    digit = str(list(demo_app.scripts.names()).index(target) + 1)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("m", digit)
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        assert demo_app.scripts.names()[target] in shown_text(
            demo_app.screen.query_one("#script-body")
        )
    stored = next(db.query("SELECT method FROM prospects WHERE id = ?", [prospect["id"]]))
    assert stored["method"] == target


async def test_a_methods_letter_in_the_picker_picks_it(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    prospect = first_in_queue(db)
    target, letter = ("value_proposition", "v")
    if prospect["method"] == target:
        target, letter = ("inbound", "i")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        picker = demo_app.screen
        assert isinstance(picker, MethodPicker)
        assert picker.letters == {
            "solution": "s",
            "value_proposition": "v",
            "conceptual": "c",
            "benefits": "b",
            "inbound": "i",
        }
        await pilot.press(letter)
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    stored = next(db.query("SELECT method FROM prospects WHERE id = ?", [prospect["id"]]))
    assert stored["method"] == target


def test_an_added_method_takes_the_first_free_letter_of_its_name() -> None:
    challenger = replace(load_builtin("conceptual"), method="challenger", name="Challenger")
    no_letters = replace(load_builtin("benefits"), method="numbers", name="123")
    methods = [load_builtin("conceptual"), challenger, no_letters]
    assert method_letters(methods) == {"conceptual": "c", "challenger": "h"}


async def test_enter_twice_at_once_in_the_picker_picks_once(demo_app: FunnelApp) -> None:
    """A double tap (or a held key) sends the second enter before the picker is gone: it
    is ignored, where it used to pop the main screen too and leave a blank app."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        main = demo_app.screen
        assert isinstance(main, MainScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(demo_app.screen, MethodPicker)
        burst(demo_app, "enter", "enter")
        await settle(pilot)
        assert demo_app.screen is main
        assert demo_app.screen_stack == [main], "the main screen alone"
        first = main.queue.highlighted_id
        await pilot.press("j")
        await settle(pilot)
        assert main.queue.highlighted_id != first, "keys reach the queue"


async def test_a_prospect_marked_do_not_call_gets_no_script_and_no_answers(
    demo_app: FunnelApp,
) -> None:
    """Fatima asked to be removed from all call lists: the pane still gave her the
    declined opener and every objection answer."""
    db = demo_app.storage.db
    marked = next(db.query("SELECT * FROM prospects WHERE do_not_call = 1 ORDER BY id"))
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f", "slash", *marked["name"], "enter")
        await settle(pilot)
        main = demo_app.screen
        assert isinstance(main, MainScreen)
        assert main.card is not None and main.card.prospect["id"] == marked["id"]
        lines = [line.plain for line in pane_lines(main.query_one(ScriptPane))]
        assert lines[1] == "1 Do not call"
        assert lines[-1].startswith(f"{CUE_MARK}They asked not to be called on ")
        assert "edit form" in lines[-1]
        assert "Objections" not in lines


async def test_a_bad_objection_category_leaves_the_reps_other_answers_in_the_pane(
    demo_storage, clock, tmp_path
) -> None:
    """`[parking]` with an unknown field dropped the rep's whole objections.toml: their
    answer to price was not used, and the toast read as if only [parking] were left out."""
    answers = "".join(f'{method} = "Worth it by March."\n' for method in BUILTIN_METHOD_VALUES)
    (tmp_path / "objections.toml").write_text(
        f'[price.answers]\n{answers}\n[parking]\nphrases = ["parking"]\nfallback = "Where?"\n'
        'colour = "red"\n',
        encoding="utf-8",
    )
    db = demo_storage.db
    first = first_in_queue(db)
    db.execute("UPDATE prospects SET objections = 'price' WHERE id = ?", [first["id"]])
    db.conn.commit()
    app = FunnelApp(demo_storage, clock=clock, scripts_dir=tmp_path / "scripts")
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        assert "Price: Worth it by March." in shown_text(app.screen.query_one("#script-body"))
        [toast] = [
            str(note.message) for note in app._notifications if "colour" in str(note.message)
        ]
        assert toast.endswith("([parking] is left out; the rest of the file is used)")


async def test_objections_recorded_that_match_no_answer_are_not_said_to_be_none(
    demo_app: FunnelApp,
) -> None:
    """The pane said "none recorded for this prospect" under Objections while the opener's
    cue above quoted what was recorded."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute(
        "UPDATE prospects SET objections = 'Budget approved per quarter' WHERE id = ?",
        [first["id"]],
    )
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        body = demo_app.screen.query_one("#script-body")
        text = shown_text(body)
        assert "none matched: no answer fits “Budget approved per quarter”" in text
        assert "none recorded" not in text
    # With nothing recorded, there is none.
    view = ScriptView(
        "Solution", (RenderedStep("Open", "Hi", ()),), [], [ObjectionAnswer("A", "B")]
    )
    nothing = render_script(view, 0, all_objections=False)
    assert "none recorded for this prospect" in [line.plain for line in nothing.renderables]
