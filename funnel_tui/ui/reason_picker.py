"""ReasonPicker: why a prospect said no, one key per reason (PRODUCT section 3, `x`)."""

from __future__ import annotations

import string

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input

from funnel_tui.domain import LOST_REASON_KEYS, PICKED_REASONS, LostReason

# Between two reasons on a line.
GAP = "  "
REASON_KEYS = frozenset(LOST_REASON_KEYS.values())
# The keys a date may start with (`in 2 weeks`, `3/12`, `eom`, `+2w`), by key name: every
# letter and figure that is no reason's, and a plus.
STARTING_KEYS = {
    **{
        character: character
        for character in string.ascii_letters + string.digits
        if character not in REASON_KEYS
    },
    "+": "plus",
}


class ReasonPicker(Widget, can_focus=True):
    """The reasons in a row that wraps between reasons, never inside one. While the row has
    focus a reason's key (or a click on it) picks it and moves on to the next field, as tab
    would; no reason is picked until the rep says which (the reason is optional), and
    backspace takes it back."""

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
        # Any other printable key: the rep skipped the reason and is typing the next field
        # (`in 2 weeks`, `3/12`, `eom` for the revisit date). It goes there, where it was
        # dropped and the next letter that is a reason's (`n`) picked one never chosen.
        # Bindings with priority, as the reasons', so keys typed after it follow it.
        *(
            Binding(key, f"start_next({ord(character)})", show=False, priority=True)
            for character, key in STARTING_KEYS.items()
        ),
    ]

    reason: reactive[LostReason | None] = reactive(None)
    """The picked reason, or None while the rep has not said why."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # Every letter belongs to the row while it has focus: one that is no reason starts
        # the next field rather than pick another outcome.
        return character is not None and character.isprintable()

    def action_choose(self, value: str) -> None:
        self.reason = LostReason(value)
        self.screen.focus_next()

    def action_start_next(self, code: int) -> None:
        self.screen.focus_next()
        if isinstance(field := self.screen.focused, Input):
            field.insert_text_at_cursor(chr(code))

    def action_clear(self) -> None:
        self.reason = None

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(_placed(width))

    def render(self) -> Text:
        lines = []
        for placed in _placed(self.content_size.width):
            line = Text()
            for reason, column in placed:
                line.append(" " * (column - line.cell_len))
                line.append_text(
                    Text.assemble(
                        (reason.key, "bold"),
                        f" {reason.label}",
                        style="reverse" if reason is self.reason else "",
                    )
                )
            lines.append(line)
        return Text("\n").join(lines)

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        lines = _placed(self.content_size.width)
        if offset is None or not 0 <= offset.y < len(lines):
            return
        for reason, column in lines[offset.y]:
            if column <= offset.x < column + cell_len(_item(reason)):
                self.action_choose(reason.value)


def _item(reason: LostReason) -> str:
    return f"{reason.key} {reason.label}"


def _placed(width: int) -> list[list[tuple[LostReason, int]]]:
    """Each line's reasons with the column each starts at: as many to a line as fit in
    `width`, a reason never split."""
    lines: list[list[tuple[LostReason, int]]] = [[]]
    end = 0
    for reason in PICKED_REASONS:
        size = cell_len(_item(reason))
        if lines[-1] and end + len(GAP) + size > width:
            lines.append([])
            end = 0
        column = end + len(GAP) if lines[-1] else 0
        lines[-1].append((reason, column))
        end = column + size
    return lines
