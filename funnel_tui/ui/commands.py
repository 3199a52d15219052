"""Command palette entries for every action of the main screen and the timeline, each with
its keys as people read them; the palette offers nothing else (no developer commands)."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from funnel_tui.ui.formatting import key_names
from funnel_tui.ui.main_screen import MainScreen

# The actions the palette leaves out: the filter's (its keys, on only while it is open),
# moving the cursor, and a second key for closing.
NOT_COMMANDS = frozenset(
    {
        *(binding.action for binding in MainScreen.FILTER_BINDINGS),
        "cursor('down')",
        "cursor('up')",
        "close_list",
    }
)


def offers_keys(screen: Screen[object]) -> bool:
    """Whether the palette offers this screen's keys: the main screen's and the timeline's."""
    # The timeline's module loads when the timeline first opens, not at start-up.
    from funnel_tui.ui.timeline_screen import TimelineScreen

    return isinstance(screen, (MainScreen, TimelineScreen))


def _keys_help(keys: str) -> str:
    """`key: [` or `keys: u or ctrl+z`, under the command's name."""
    names = key_names(keys)
    return f"{'key' if len(names) == 1 else 'keys'}: {' or '.join(names)}"


class ScreenCommands(Provider):
    """Each binding of the screen on top as a palette command, searchable by its
    description."""

    def _commands(self, screen: Screen[object]) -> list[tuple[str, str, str]]:
        return [
            (binding.description, binding.action, _keys_help(binding.key))
            for binding in type(screen).BINDINGS
            if isinstance(binding, Binding) and binding.action not in NOT_COMMANDS
        ]

    async def discover(self) -> Hits:
        screen = self.screen
        if not offers_keys(screen):
            return
        for description, action, keys in self._commands(screen):
            yield DiscoveryHit(description, partial(screen.run_action, action), help=keys)

    async def search(self, query: str) -> Hits:
        screen = self.screen
        if not offers_keys(screen):
            return
        matcher = self.matcher(query)
        for description, action, keys in self._commands(screen):
            score = matcher.match(description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(description),
                    partial(screen.run_action, action),
                    help=keys,
                )
