"""A dialog the rep closes is let go: opening the prospect form and Settings again and
again leaves no more objects behind for Python's collector to walk."""

from __future__ import annotations

import gc

from textual._styles_cache import StylesCache

from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.prospect_form import ProspectForm
from funnel_tui.ui.settings_screen import SettingsScreen
from tests.app_support import settle, settle_until


def style_caches_alive() -> int:
    gc.collect()
    return sum(isinstance(thing, StylesCache) for thing in gc.get_objects())


async def test_the_form_and_settings_opened_again_and_again_leave_nothing_behind(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)

        async def open_and_close(key: str, dialog: type) -> None:
            await pilot.press(key)
            await settle_until(pilot, lambda: isinstance(demo_app.screen, dialog))
            await pilot.press("escape")
            await settle_until(pilot, lambda: isinstance(demo_app.screen, MainScreen))

        await open_and_close("e", ProspectForm)
        await open_and_close("s", SettingsScreen)
        before = style_caches_alive()
        for _ in range(4):
            await open_and_close("e", ProspectForm)
            await open_and_close("s", SettingsScreen)
        # Each opening builds a hundred widgets or more, each with a style cache.
        assert style_caches_alive() - before < 20
