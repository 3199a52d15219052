"""Escape typed right before enter, tab or backspace, kept as a key of its own.

Textual's xterm parser reads an escape followed at once by another key as that key with
alt: `escape x` typed fast arrives as `alt+x`, which `fast_escape` splits back into the
two. A key with a name of its own (enter, tab, `/`, `?`) lost the alt there, and the
escape with it: `escape enter` typed fast arrived as enter alone, and in the prospect form
saved what the rep meant to discard; `escape /` in the timeline was `/` alone. A digit,
`b` or `f` after the escape was a key of a Mac keyboard's option layer. The parser here
reads each as alt and the key. The terminal driver makes its parser on its input thread;
`keep_escapes` has it make this one.

It also drops the escape sequences inside a bracketed paste (text copied with its
colours, or made to carry them). Textual's parser read each as keys typed, sent before
the paste's text: `abc \x1b[31mRED\x1b[0m def` pasted into a note was stored as
`^[31mRED^[0m def]abc`. Text pasted is cleaned of control characters anyway.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from itertools import chain
from typing import Any

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.message import Message

# The longest string (an operating system command, a device control string) read as one:
# longer, it is no string, its escape goes and its text stays, wherever a read cuts it.
LONGEST_STRING = 4096
# A control sequence (CSI: colours, cursor moves), an operating system command (OSC: a
# title, a link), a device control string and its kin (DCS, SOS, PM, APC) to its end, a
# character set's choice (`tput sgr0` writes `ESC ( B`), any other escape and its next
# character, or an escape alone.
ESCAPE_SEQUENCE = re.compile(
    rf"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]{{0,{LONGEST_STRING}}}(?:\x07|\x1b\\)"
    rf"|[PX^_][^\x1b]{{0,{LONGEST_STRING}}}\x1b\\|[ -/]+[0-~]|[@-Z\\-_])|\x1b"
)
# The start of one of those, cut off by the end of a read (the paste's end marker is a
# control sequence too; a string's end may be cut after its escape).
UNFINISHED_SEQUENCE = re.compile(
    rf"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]{{0,{LONGEST_STRING}}}\x1b?"
    rf"|[PX^_][^\x1b]{{0,{LONGEST_STRING}}}\x1b?|[ -/]+)?\Z"
)


# Escape and a printable key that Textual reads as a key of a Mac keyboard's option
# layer: a digit as `¡`, `™`, `£`..., `-` as `–`, `=` as `≠`, `b` and `f` as ctrl+left and
# ctrl+right (option and an arrow, in a terminal set to send option as meta). Read as
# alt and the key here, they are escape and the key typed fast, as a letter is;
# `fast_escape` keeps option and an arrow as a move by a word in a text field.
OPTION_KEYS = frozenset(
    sequence
    for sequence in ANSI_SEQUENCES_KEYS
    if len(sequence) == 2 and sequence[0] == "\x1b" and sequence[1].isprintable()
)


class EscapeKeepingParser(XTermParser):
    """Textual's parser, but escape and any key typed fast read as alt and that key
    (`escape enter` as alt+enter, `escape /` as alt+slash), and a paste's escape sequences
    dropped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_paste = False
        # The last characters read outside a paste, where a paste's start may begin.
        self._tail = ""
        # The end of a read inside a paste that starts an escape sequence, until the rest
        # of that sequence (or the paste's end marker) has come.
        self._held = ""

    def feed(self, data: str) -> Iterable[Message]:
        if not data:
            # The end of input: what a paste cut short held goes first.
            held, self._held = ESCAPE_SEQUENCE.sub("", self._held), ""
            return chain(super().feed(held) if held else (), super().feed(data))
        kept = self._pastes_without_escapes(data)
        # Textual's parser takes "" for the end of input: a read held whole is no read.
        return super().feed(kept) if kept else ()

    def _pastes_without_escapes(self, data: str) -> str:
        """The data with the escape sequences inside a paste dropped. Outside a paste
        nothing waits: an escape alone is the escape key."""
        kept: list[str] = []
        text = data
        while text:
            if not self._in_paste:
                seen = self._tail + text
                start = seen.find(BRACKETED_PASTE_START)
                if start < 0:
                    kept.append(text)
                    self._tail = seen[-(len(BRACKETED_PASTE_START) - 1) :]
                    return "".join(kept)
                # Where the paste's text begins in `text` (its start may have come before).
                begins = start + len(BRACKETED_PASTE_START) - len(self._tail)
                kept.append(text[:begins])
                text, self._in_paste, self._tail = text[begins:], True, ""
                continue
            text, self._held = self._held + text, ""
            end = _end_of_paste(text)
            if end < 0:
                if unfinished := UNFINISHED_SEQUENCE.search(text):
                    text, self._held = text[: unfinished.start()], unfinished.group()
                kept.append(ESCAPE_SEQUENCE.sub("", text))
                return "".join(kept)
            kept.append(ESCAPE_SEQUENCE.sub("", text[:end]) + BRACKETED_PASTE_END)
            text, self._in_paste = text[end + len(BRACKETED_PASTE_END) :], False
        return "".join(kept)

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if sequence in OPTION_KEYS:
            # Escape and a key, whatever the keyboard it came from meant by them.
            yield from self._sequence_to_key_events(sequence[1], alt=True)
            return
        for key in super()._sequence_to_key_events(sequence, alt):
            if alt and not key.key.startswith("alt+"):
                # A key with a name of its own (enter, slash): the parser dropped the alt.
                key = events.Key(f"alt+{key.key}", key.character)
            yield key


def _end_of_paste(text: str) -> int:
    """Where the paste that `text` (read inside it) goes on with ends, or -1 when it goes on
    past this read. A terminal that does not filter what is pasted (tmux) sends a paste's
    own end marker as it is, and what followed it would act as keys typed: `name\x1b[201~
    \rlv\r` logged a voicemail. A person's keys never come in the same read as the paste
    before them, so a paste ends at the last end marker of a read, and not at one that a
    start marker follows in that read (`\x1b[201~ keys \x1b[200~`, the paste made to look
    like two): the markers before it are the paste's text, dropped as any other escape
    sequence in it."""
    last_end = text.rfind(BRACKETED_PASTE_END)
    if text.rfind(BRACKETED_PASTE_START) > last_end:
        return -1
    return last_end


def keep_escapes() -> None:
    """Have the terminal driver read keys with EscapeKeepingParser (Linux and macOS; the
    Windows driver reads keys another way)."""
    with contextlib.suppress(ImportError):
        from textual.drivers import linux_driver

        linux_driver.XTermParser = EscapeKeepingParser  # type: ignore[misc]
