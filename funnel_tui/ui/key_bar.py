"""KeyBar: the keys of the screen, on one line at the bottom, drawn as a single widget."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.screen import Screen
from textual.widget import Widget

# The keys that stay on the bar however narrow it is: the way to every other key, and out.
ALWAYS_SHOWN = frozenset({"help", "quit"})


class KeyBar(Widget):
    """What Textual's Footer shows, without a widget per key.

    The Footer mounts and styles a widget for every key each time the bindings change,
    which took a third of the app's start-up; one line of text is all a keyboard user
    needs here. Too narrow for every key, it drops keys from the end but keeps help and
    quit.
    """

    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
    }
    KeyBar > .key-bar--disabled {
        color: $text-disabled;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def render(self) -> RenderResult:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        disabled_style = self.get_component_rich_style("key-bar--disabled")
        bindings = self.screen.active_bindings
        keys: list[tuple[Text, bool]] = []
        shown: set[str] = set()
        for key, (_node, binding, enabled, _tooltip) in bindings.items():
            if key == self.app.COMMAND_PALETTE_BINDING:
                continue
            if not binding.show or binding.action in shown:
                continue
            shown.add(binding.action)
            item = Text.assemble(
                (f" {self.app.get_key_display(binding)} ", key_style),
                (f"{binding.description} ", description_style if enabled else disabled_style),
            )
            keys.append((item, binding.action in ALWAYS_SHOWN))
        # Too narrow for every key: drop the last of the others until the rest fit.
        width = self.size.width
        while sum(item.cell_len for item, _ in keys) > width:
            others = [position for position, (_, kept) in enumerate(keys) if not kept]
            if not others:
                break
            del keys[others[-1]]
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for item, _ in keys:
            line.append_text(item)
        palette = bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            binding = palette[1]
            hint = Text.assemble(
                (f" {self.app.get_key_display(binding)} ", key_style),
                (f"{binding.description} ", description_style),
            )
            padding = width - line.cell_len - hint.cell_len
            if padding > 0:
                line.append(" " * padding)
                line.append_text(hint)
        return line
