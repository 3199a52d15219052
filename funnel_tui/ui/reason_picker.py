"""ReasonPicker: why a prospect said no, one key per reason (PRODUCT section 3, `x`)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from funnel_tui.domain import LOST_REASON_KEYS, PICKED_REASONS, LostReason

# Between two reasons on a line.
GAP = "  "


class ReasonPicker(Widget, can_focus=True):
    """The reasons in a row that wraps between reasons, never inside one. While the row has
    focus a reason's key picks it and moves on to the next field, as tab would; no reason
    is picked until a key says which (the reason is optional), and backspace takes it back."""

    DEFAULT_CSS = """
    ReasonPicker {
        height: auto;
        padding: 0 1;
        border: tall $border-blurred;
        background: $surface;
    }
    ReasonPicker:focus {
        border: tall $border;
        background-tint: $foreground 5%;
    }
    """

    # Priority bindings act the moment the key arrives, like the outcome letters and tab:
    # a key typed right after one of them already finds focus where it left it.
    BINDINGS = [
        *(
            Binding(key, f"choose('{reason.value}')", reason.label, show=False, priority=True)
            for reason, key in LOST_REASON_KEYS.items()
        ),
        Binding("backspace,delete", "clear", "No reason", show=False, priority=True),
    ]

    reason: reactive[LostReason | None] = reactive(None)
    """The picked reason, or None while the rep has not said why."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # Every letter belongs to the row while it has focus: a letter that is no reason
        # does nothing here rather than pick another outcome.
        return character is not None and character.isprintable()

    def action_choose(self, value: str) -> None:
        self.reason = LostReason(value)
        self.screen.focus_next()

    def action_clear(self) -> None:
        self.reason = None

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.content_size.width))

    def _lines(self, width: int) -> list[Text]:
        """The reasons, as many to a line as fit in `width`."""
        lines = [Text()]
        for reason in PICKED_REASONS:
            item = Text.assemble(
                (reason.key, "bold"),
                f" {reason.label}",
                style="reverse" if reason is self.reason else "",
            )
            line = lines[-1]
            if line and line.cell_len + len(GAP) + item.cell_len > width:
                lines.append(line := Text())
            if line:
                line.append(GAP)
            line.append_text(item)
        return lines
