"""Act once fields have taken every key already sent to them, and remember the keys a
refused enter dropped.

Keys reach a field through its own message queue, and a priority binding (enter that
saves) runs the moment its key arrives at the app: in a burst typed at full speed, the
last characters before enter may still wait in a field's queue then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.widget import Widget
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.screen import Screen

    from funnel_tui.ui.app import FunnelApp


def keys_not_applied(after: str = "enter") -> str:
    """What is said of the keys typed after `after` when they were dropped."""
    return f"keys typed after {after} were not applied"


# What a dialog that refused enter says when it dropped the keys typed after it.
KEYS_NOT_APPLIED = keys_not_applied()


def once_caught_up(fields: Iterable[Widget], then: Callable[[], object]) -> None:
    """Call `then` once every one of `fields` has handled the keys already sent to it.

    At once when none has a key waiting (a field handles a key without waiting on
    anything): a hop through a field's queue waits for the screen to be styled and painted
    first. Otherwise every field behind is asked at once, and `then` runs after the last.
    """
    behind = {field for field in fields if field.message_queue_size}
    if not behind:
        then()
        return

    def caught_up(field: Widget) -> None:
        behind.discard(field)
        if not behind:
            then()

    for field in tuple(behind):
        field.call_later(caught_up, field)


class DroppedKeys:
    """Whether a dialog says that the keys typed after its refused enter were dropped: from
    the drop until the rep types in one of its fields again."""

    def __init__(self) -> None:
        self.said = False
        self._held: dict[str | None, str] = {}
        """What each field held at the drop."""

    def dropped(self, fields: Iterable[Input]) -> None:
        self.said = True
        self._held = {field.id: field.value for field in fields}

    def forget(self) -> None:
        self.said = False

    def drop_once_shown(self, dialog: Screen[Any], say: Callable[[], object]) -> None:
        """The dialog refused enter: drop the keys typed after it once the refusal is on
        screen (FunnelApp.drop_held_keys_once_shown); if there were any, note what its
        fields held then, and `say` so."""

        def dropped() -> None:
            self.dropped(dialog.query(Input).results(Input))
            say()

        funnel: FunnelApp = dialog.app  # type: ignore[assignment]
        funnel.drop_held_keys_once_shown(dropped)

    def chose(self) -> bool:
        """Whether a choice made since the drop (a flag ticked, a pick) ends what is said:
        every key that made one had acted before the refused enter did."""
        said, self.said = self.said, False
        return said

    def typed(self, event: Input.Changed) -> bool:
        """Whether this change ends what is said: the rep typed since the drop. A field
        telling late of a key typed before (its value has moved on since, or is what it
        held at the drop) changes nothing."""
        held = self._held.get(event.input.id)
        if self.said and event.value == event.input.value != held:
            self.said = False
            return True
        return False
