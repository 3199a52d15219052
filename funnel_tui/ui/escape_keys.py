"""Escape typed right before enter, tab or backspace, kept as a key of its own.

Textual's xterm parser reads an escape followed at once by another key as that key with
alt: `escape x` typed fast arrives as `alt+x`, which `fast_escape` splits back into the
two. A key the parser maps to a named key (enter, tab, backspace, the control keys)
loses the alt there, and the escape with it: `escape enter` typed fast arrived as enter
alone, and in the prospect form saved what the rep meant to discard. The parser here
puts the escape back in front of such a key. The terminal driver makes its parser on
its input thread; `keep_escapes` has it make this one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import XTermParser


class EscapeKeepingParser(XTermParser):
    """Textual's parser, but `escape enter` read as escape, then enter."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if alt and isinstance(ANSI_SEQUENCES_KEYS.get(sequence), tuple):
            yield events.Key("escape", "\x1b")
        yield from super()._sequence_to_key_events(sequence, alt)


def keep_escapes() -> None:
    """Have the terminal driver read keys with EscapeKeepingParser (Linux and macOS; the
    Windows driver reads keys another way)."""
    with contextlib.suppress(ImportError):
        from textual.drivers import linux_driver

        linux_driver.XTermParser = EscapeKeepingParser  # type: ignore[misc]
