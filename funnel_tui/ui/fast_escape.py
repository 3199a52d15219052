"""Escape and the key typed right after it, which Textual's input parser reads as one.

Textual reads escape and a key typed within its escape delay (about a tenth of a second)
as alt and that key. The app binds no alt key: they are the two keys a fast typist
pressed (`escape l` to clear the filter and log a call, `escape y` to discard), and both
act, in that order. The escape travels to the focused widget and bubbles up to the app,
where the bindings act on it; the key after it waits for that (FunnelApp), or a priority
binding such as `l` would open its dialog first and the late escape would close it. In a
text field `escape b` and `escape f` are the exception: what a Mac terminal sends for option
and an arrow, a move by a word (`word_move`).
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

# Option and left or right, as a terminal set to send option as meta sends them (escape
# and `b` or `f`, Emacs's moves by a word): in a text field they move by a word, as
# Textual reads them there, and lose nothing that was typed.
WORD_MOVES = {"alt+b": "ctrl+left", "alt+f": "ctrl+right"}


class AfterEscape(Message):
    """Sent up the DOM right behind the escape, from the widget it was sent to: queue by
    queue it follows the escape, so it reaches the app once the escape has acted there,
    or once a widget on its way kept it."""


def word_move(event: events.Key, focused: Widget | None) -> events.Key | None:
    """The move by a word that `event` is in the focused text field, or None."""
    move = WORD_MOVES.get(event.key)
    if move is None or event.is_forwarded or focused is None:
        return None
    # TextArea's module loads with the email screen, not at start-up.
    from textual.widgets import TextArea

    return events.Key(move, None) if isinstance(focused, Input | TextArea) else None


def split_alt_key(event: events.Key) -> events.Key | None:
    """The key typed after escape, when `event` is Textual's reading of the two as alt
    and a key; None for any other key."""
    if event.is_forwarded or not event.key.startswith("alt+") or not event.character:
        return None
    name = event.key.removeprefix("alt+")
    if name.startswith("shift+") and event.character.isupper():
        # An upper-case letter is its own key (`E`), as it is when typed on its own.
        name = event.character
    return events.Key(name, event.character)
