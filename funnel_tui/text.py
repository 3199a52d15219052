"""Untrusted text made safe for a terminal: control characters and escape sequences removed."""

from __future__ import annotations

import re

from funnel_tui.counted import counted

# Escape sequences go whole, so that their parameters go with them instead of being left
# behind as visible junk. Each is introduced by ESC and a letter, or by the one C1 byte that
# stands for both (U+009B is ESC [). A CSI ends at its final byte: parameter and
# intermediate bytes may come in any order, as a terminal reads them; one cut short by the
# end of the text or a control character goes as far as it got. Strings (OSC, DCS, SOS, PM,
# APC) end at BEL or ST (ESC \ or U+009C), else at the end of the text.
_ESCAPE_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[\x20-\x3f]*[\x40-\x7e]?"  # CSI ... final byte
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL or ST
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC
    r"|\x1b[ -~]?"  # any other escape
)
# What a terminal acts on rather than shows, but tab and the line ends: C0 controls, DEL,
# C1 controls, and the bidi controls (marks, embeddings, overrides and isolates) that can
# make text display in a different order from how it is stored. A regex character class.
ACTING_BUT_LINE_ENDS = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
)
# Characters that show as nothing and join nothing: the soft hyphen, the zero-width space,
# the word joiner and the invisible operators, and the byte-order mark inside a text (a
# CRM's cell, a pasted name). Kept, they made a name the filter could not find as typed
# (`Ann\u200bLee` is no match for `annlee`, nor `ann lee`). The joiners that shape text
# (ZWJ in an emoji, ZWNJ in Persian) stay.
INVISIBLE = "\u00ad\u200b\u2060\u2061\u2062\u2063\u2064\ufeff"
# Those, the controls and the carriage return: all that clean_text removes besides
# escape sequences.
_CONTROL_CHARACTERS = re.compile(f"[\r{ACTING_BUT_LINE_ENDS}{INVISIBLE}]")


# What CRMs and people write in a cell for no value, read as a blank, compared without case
# or spaces (`N / A` is `n/a`): `#N/A` is what a spreadsheet shows for a cell with nothing
# to give.
NOTHING_WRITTEN = frozenset(
    {
        "n/a", "#n/a", "n.a.", "-", "--", "–", "—", "?", "none", "null", "nil", "unknown",
        "notspecified", "notapplicable", "notavailable", "notknown", "tbd", "tba",
    }
)  # fmt: skip


def says_nothing(text: str, also: frozenset[str] = frozenset()) -> bool:
    """Whether a cell says it has no value (`N/A`, `#N/A`, `Unknown`, `-`), or one of the
    words `also` names for its column."""
    said = "".join(text.casefold().split())
    return said in NOTHING_WRITTEN or said in also


def clean_text(value: str) -> str:
    """Remove terminal escape sequences and control characters; keep tabs and newlines."""
    return _CONTROL_CHARACTERS.sub("", _ESCAPE_SEQUENCES.sub("", value.replace("\r\n", "\n")))


def clean_optional(value: object) -> str | None:
    """clean_text for a field that may be empty: blank becomes None."""
    if value is None:
        return None
    cleaned = clean_text(str(value)).strip()
    return cleaned or None


def one_line(value: str | None) -> str:
    """Text for a single table cell: cleaned, newlines and tabs folded into spaces."""
    if not value:
        return ""
    return " ".join(clean_text(value).split())


def with_bytes_shown(text: str) -> str:
    """`text` with each byte that was not UTF-8 shown as `\\xNN`: Python hands over such
    bytes of an argument or a file name as lone surrogates, which cannot be written out."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


# A byte that was not UTF-8 as repr writes the lone surrogate Python hands it over as.
_SURROGATE_WRITTEN = re.compile(r"\\udc([89a-f][0-9a-f])")


def message_line(message: str) -> str:
    """A message as one line for the terminal, each byte that was not UTF-8 shown `\\xNN`
    as typed, also in a value quoted with repr (`'sol\\udcff'` reads `'sol\\xff'`)."""
    return one_line(bytes_as_typed(message))


def shown_path(path: object) -> str:
    """A path as a message names it, each character a terminal would act on (a file may be
    named with an escape) written as its escape, `\\x1b`, and each byte that was not
    UTF-8 as `\\xNN`: the line names the file there is, not another one without them."""
    return _ACTED_ON.sub(_written_as_escape, bytes_as_typed(str(path)))


# What shown_path writes as escapes: the controls, line ends included, and the invisible.
_ACTED_ON = re.compile(f"[\r\n\t{ACTING_BUT_LINE_ENDS}{INVISIBLE}]")


def _written_as_escape(found: re.Match[str]) -> str:
    return found.group().encode("unicode_escape").decode("ascii")


def bytes_as_typed(text: str) -> str:
    """`text` with each byte that was not UTF-8 that repr wrote as Python's stand-in for it
    (`\\udcff`) shown as typed (`\\xff`); its lines kept."""
    return _SURROGATE_WRITTEN.sub(r"\\x\1", with_bytes_shown(text))


# The most characters of one text the card, the timeline or a script shows: a field of
# megabytes (a page pasted into a note, a cell of a CRM's export, another tool's write)
# took the app minutes to lay out, the keys unanswered meanwhile.
SHOWN_AT_MOST = 2_000
# And the most lines: a pasted page of short lines would fill the card on its own.
SHOWN_LINES_AT_MOST = 20


def shown_at_most(text: str, limit: int = SHOWN_AT_MOST) -> str:
    """`text` cleaned (clean_text), or its first `limit` characters (at most
    SHOWN_LINES_AT_MOST lines of them) cleaned and how many more there are. The part shown
    is cleaned alone: an escape sequence the cut leaves open would take the count with it."""
    cut = limit
    if text.count("\n", 0, limit) >= SHOWN_LINES_AT_MOST:
        cut = _after_lines(text, SHOWN_LINES_AT_MOST)
    if cut >= len(text) or not text[cut:].strip():
        return clean_text(text)
    left = len(text) - cut
    shown = clean_text(text[:cut]).rstrip()
    return f"{shown}… ({counted(left, 'more character')})"


def _after_lines(text: str, lines: int) -> int:
    """Where the text's `lines`th line ends."""
    end = -1
    for _ in range(lines):
        end = text.index("\n", end + 1)
    return end


# How much of a refused text a message repeats: a whole pasted page would push everything
# else off the dialog.
QUOTED_AT_MOST = 40


def quoted(text: str) -> str:
    """`text` quoted for a message that refuses it, cut to QUOTED_AT_MOST characters."""
    return repr(cut_for_quoting(text))


def cut_for_quoting(text: str) -> str:
    """`text` cut to QUOTED_AT_MOST characters, `…` standing for the rest."""
    return text if len(text) <= QUOTED_AT_MOST else text[: QUOTED_AT_MOST - 1] + "…"


# What terminals paste as a line break or a column gap: tmux and xterm-style terminals send
# a line break as a carriage return, Windows copies CR LF, word processors copy U+2028 and
# U+2029, and str.splitlines also breaks at the ASCII separators and NEL.
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_PASTED_BREAKS = "\t" + _LINE_BREAKS
# A break, with the spaces around it and any breaks that follow: one space in a field.
_PASTED_GAP = re.compile(f" *[{_PASTED_BREAKS}][{_PASTED_BREAKS} ]*")


def pasted_line(value: str) -> str:
    """Text pasted into a one-line field: cleaned, every tab and line break a space (the
    field keeps all of it, not only its first line), except the line break a copied line
    often ends with.

    Breaks become spaces before the text is cleaned, which would drop a carriage return
    and glue the lines together."""
    return clean_text(_PASTED_GAP.sub(" ", value.rstrip(_LINE_BREAKS)))
