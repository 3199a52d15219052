"""Command palette entries for every action of the main screen."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from funnel_tui.ui.main_screen import MainScreen


class MainScreenCommands(Provider):
    """Each main-screen binding as a palette command, searchable by its description."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [
            (binding.description, binding.action, binding.key.split(",")[0])
            for binding in MainScreen.BINDINGS
            if binding.action not in {"clear_filter"}
        ]

    async def discover(self) -> Hits:
        screen = self.screen
        if not isinstance(screen, MainScreen):
            return
        for description, action, key in self._commands():
            yield DiscoveryHit(description, partial(screen.run_action, action), help=f"key: {key}")

    async def search(self, query: str) -> Hits:
        screen = self.screen
        if not isinstance(screen, MainScreen):
            return
        matcher = self.matcher(query)
        for description, action, key in self._commands():
            score = matcher.match(description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(description),
                    partial(screen.run_action, action),
                    help=f"key: {key}",
                )
