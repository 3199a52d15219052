"""The command palette lists the screen's actions with their keys as people read them, and
none of Textual's developer commands."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette

from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.formatting import key_names
from tests.app_support import settle


def test_keys_read_as_people_say_them() -> None:
    assert key_names("left_square_bracket") == ["["]
    assert key_names("u,ctrl+z") == ["u", "ctrl+z"]
    assert key_names("question_mark") == ["?"]
    assert key_names("enter") == ["enter"]
    assert key_names("slash") == ["/"]


async def test_the_palette_offers_our_actions_with_readable_keys(demo_app: FunnelApp) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(demo_app.screen, CommandPalette)
        listed = {
            command.hit.text: command.hit.help
            for command in demo_app.screen.query_one(CommandList).options
        }
        assert listed["Prev step"] == "key: ["
        assert listed["Undo last call"] == "keys: u or ctrl+z"
        assert listed["Redo undone call"] == "key: ctrl+y"
        assert listed["Filter"] == "key: /"
        assert listed["Help"] == "key: ?"
        for developers_only in (
            "Theme",
            "Screenshot",
            "Keys",
            "Maximize",
        ):
            assert developers_only not in listed
        # The filter's keys act in its field: with no filter open, they did nothing.
        for filters_own in ("Done filtering", "Clear filter", "Close filter"):
            assert filters_own not in listed
        await pilot.press(*"prev step", "enter")
        await settle(pilot)
        assert not isinstance(demo_app.screen, CommandPalette)
