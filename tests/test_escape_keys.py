"""Escape typed right before enter reaches the app as escape, then enter (escape_keys)."""

from __future__ import annotations

import pytest
from textual.drivers import linux_driver

from funnel_tui.ui.escape_keys import EscapeKeepingParser, keep_escapes


def keys_read(text: str) -> list[str]:
    parser = EscapeKeepingParser(debug=False)
    return [event.key for event in [*parser.feed(text), *parser.feed("")]]


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        # Textual's own parser reads this as enter alone: the escape is lost.
        ("\x1b\r", ["escape", "enter"]),
        ("ab\x1b\rc", ["a", "b", "escape", "enter", "c"]),
        # Everything else as Textual reads it.
        ("\r", ["enter"]),
        ("\x1b", ["escape"]),
        ("\x1bx", ["alt+x"]),
        ("\x1b[A", ["up"]),
        ("\x1b\x7f", ["ctrl+w"]),
    ],
)
def test_escape_before_enter_is_a_key_of_its_own(typed: str, keys: list[str]) -> None:
    assert keys_read(typed) == keys


def test_the_terminal_driver_reads_keys_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linux_driver, "XTermParser", linux_driver.XTermParser)
    keep_escapes()
    assert linux_driver.XTermParser is EscapeKeepingParser
