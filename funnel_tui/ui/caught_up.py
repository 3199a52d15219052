"""Act once fields have taken every key already sent to them.

Keys reach a field through its own message queue, and a priority binding (enter that
saves) runs the moment its key arrives at the app: in a burst typed at full speed, the
last characters before enter may still wait in a field's queue then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.widget import Widget

# What a dialog that refused enter says when it dropped the keys typed after it.
KEYS_NOT_APPLIED = "keys typed after enter were not applied"


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
