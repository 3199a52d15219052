"""Untrusted text: escape sequences and control characters removed, everything else literal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.text import clean_optional, clean_text, one_line, pasted_line

ESC = "\x1b"
ALLOWED_CONTROLS = {"\t", "\n"}
# Unicode's Bidi_Control characters: each can reorder how the text around it displays.
BIDI_CONTROLS = {
    "\u061c",
    "\u200e",
    "\u200f",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
}


def is_control(character: str) -> bool:
    code = ord(character)
    return code < 0x20 or 0x7F <= code <= 0x9F or character in BIDI_CONTROLS


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        pytest.param("Ann\x1b[2J Archer", "Ann Archer", id="CSI clear screen"),
        pytest.param("\x1b[31;1mred\x1b[0m alert", "red alert", id="CSI colours"),
        pytest.param("\x1b]0;evil\x07Acme", "Acme", id="OSC title ended by BEL"),
        pytest.param("\x1b]0;evil\x1b\\Acme", "Acme", id="OSC title ended by ST"),
        pytest.param(
            "see \x1b]8;;http://evil.example\x1b\\our site\x1b]8;;\x1b\\ today",
            "see our site today",
            id="OSC 8 hyperlink",
        ),
        pytest.param("\x1b]52;c;cm0gLXJmIH4=\x07paste", "paste", id="OSC 52 clipboard"),
        pytest.param("\x1bPq#0;2;0;0;0\x1b\\ok", "ok", id="DCS"),
        pytest.param("a\x9b31;1mb", "ab", id="C1 CSI with its parameters"),
        pytest.param("a\x9b?25l b", "a b", id="C1 CSI private mode"),
        pytest.param("a\x9b12;", "a", id="C1 CSI cut short"),
        pytest.param("a\x1b[1 ;mb", "ab", id="CSI with bytes out of order"),
        pytest.param("a\x1b[12;", "a", id="CSI cut short"),
        pytest.param("\x9d0;evil\x07Acme", "Acme", id="C1 OSC ended by BEL"),
        pytest.param("\x9d0;evil\x9cAcme", "Acme", id="C1 OSC ended by C1 ST"),
        pytest.param("\x90q#0\x9cok", "ok", id="C1 DCS"),
        pytest.param("a\x85b\x9cc", "abc", id="other C1 controls"),
        pytest.param("abc\u202edcba", "abcdcba", id="bidi override"),
        pytest.param("\u2066x\u2069 \u200fy", "x y", id="bidi isolates and marks"),
        pytest.param("\u061cx\u061c", "x", id="Arabic letter mark"),
        pytest.param("nul\x00byte", "nulbyte", id="NUL"),
        pytest.param("bell\x07 back\x08space del\x7f", "bell backspace del", id="C0 and DEL"),
        pytest.param("line one\r\nline two", "line one\nline two", id="CRLF becomes LF"),
        pytest.param("over\rwrite", "overwrite", id="lone CR"),
        # Invisible: a name holding them was not found by the filter as typed.
        pytest.param(
            "Zero\u200bWidth \ufeffBom Wo\u2060rd Mül\u00adler A\u2063B",
            "ZeroWidth Bom Word Müller AB",
            id="invisible",
        ),
    ],
)
def test_escape_sequences_and_controls_are_removed(typed: str, shown: str) -> None:
    assert clean_text(typed) == shown


@pytest.mark.parametrize(
    "text",
    [
        "col1\tcol2\nnext line",
        "Café Zoë, Straße, Łódź, 東京, Ελλάδα",
        "👍 deal 🎉 family 👨‍👩‍👧 flag 🇬🇧",
        "[bold]x[/bold]",
        "[link=http://x]y[/link]",
        "[/] [red]not red[/red] $variable {name} %s \\n",
        "العربية and עברית without overrides",
    ],
)
def test_ordinary_text_and_markup_lookalikes_are_kept_unchanged(text: str) -> None:
    assert clean_text(text) == text


def test_clean_optional_turns_blank_into_none_and_trims() -> None:
    assert clean_optional(None) is None
    assert clean_optional("   ") is None
    assert clean_optional("\x1b[2J\x07") is None
    assert clean_optional("  Ann \x1b[1mArcher\x1b[0m ") == "Ann Archer"
    assert clean_optional(42) == "42"


def test_one_line_folds_newlines_and_tabs_for_a_table_cell() -> None:
    assert one_line("Ann\n\tArcher\x1b[2J  Ltd") == "Ann Archer Ltd"
    assert one_line(None) == ""


@pytest.mark.parametrize(
    ("pasted", "field"),
    [
        # tmux and xterm-style terminals paste a line break as a carriage return.
        ("Head\tof\rSales\r\rEMEA", "Head of Sales EMEA"),
        ("Head\tof\nSales\r\nEMEA", "Head of Sales EMEA"),
        ("Head of\u2028Sales\u2029EMEA", "Head of Sales EMEA"),
        ("Head\vof\fSales", "Head of Sales"),
        ("Head of \r\n\r\n  Sales", "Head of Sales"),
        ("Head  of Sales\r\n", "Head  of Sales"),
        ("\nHead of Sales\r", " Head of Sales"),
    ],
)
def test_a_pasted_line_break_or_tab_is_one_space(pasted: str, field: str) -> None:
    assert pasted_line(pasted) == field


ESCAPE_FRAGMENTS = (
    ESC,
    "\x1b[",
    "\x1b]",
    "\x1b\\",
    "\x1bP",
    "\x07",
    "\x9b",
    "\x9d",
    "\r",
    "\r\n",
    "[",
    "]",
    ";",
    "2J",
    "\u202e",
    "\u061c",
    "\x9c",
    "\x90",
)
untrusted_text = st.lists(
    st.one_of(st.characters(), st.sampled_from(ESCAPE_FRAGMENTS)), max_size=60
).map("".join)


@given(untrusted_text)
def test_cleaned_text_never_holds_a_control_character(text: str) -> None:
    cleaned = clean_text(text)
    assert ESC not in cleaned
    assert not [c for c in cleaned if is_control(c) and c not in ALLOWED_CONTROLS]


@given(untrusted_text)
def test_cleaning_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
