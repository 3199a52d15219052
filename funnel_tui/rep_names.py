"""What a rep's name may hold, and when two spellings are one name (PRODUCT 16).

A rep's name is text a person types and reads on every line of the team's report, so
two names that read alike must be one rep, or one of them refused:

- it is kept as typed, trimmed, with its accents composed (NFC) and each run of spaces
  one space, as the report shows it;
- two names that differ only in case (in any script, Turkish dotted and dotless i
  included) or in the form of their accents are the same rep;
- nothing in it is invisible: no control or format character, no filler or blank that
  shows as nothing, no variation selector after a letter; a joiner may join the parts
  of an emoji (👩‍💻), or letters of the scripts written with it (Persian, the Indic
  scripts), never Latin, Greek or Cyrillic letters, where it only hides;
- it is no word the report uses for a line of its own (`pool`, `team`, `former`,
  `no rep`), however it is spelt (full-width letters included).
"""

from __future__ import annotations

import unicodedata

from funnel_tui.text import clean_text

MAX_NAME_LENGTH = 60
# Words the commands and reports use for the pool, the whole team, the reps since
# removed (the team report's `former` line) and what was logged with no rep (`no rep`).
RESERVED_NAMES = frozenset({"pool", "team", "former", "no rep"})

_JOINERS = frozenset("\u200c\u200d")
# Characters that show as nothing though Python calls them printable: the combining
# grapheme joiner, the Hangul fillers and the braille blank.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u3164\uffa0\u2800")
# Scripts whose letters a joiner may stand between only to hide in a name.
_HIDING_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


class RepError(ValueError):
    """A rep name that cannot be used; str() is one line that says what to do."""


def read_rep_name(text: object) -> str:
    """A rep name as typed, trimmed, composed and with one space between its words;
    RepError for an empty, overlong, invisible-holding or reserved one."""
    if not isinstance(text, str):
        raise RepError('a rep name is text: put it in quotes (rep = "alex")')
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name:
        raise RepError("a rep name cannot be empty")
    # Checked before the spaces are made one: `a<newline>b` was taken as `a b`.
    plain = not any(unicodedata.category(character) == "Cc" for character in text)
    if (
        not plain
        or clean_text(name) != name
        or not all(_shows(name, at) for at in range(len(name)))
    ):
        raise RepError("a rep name is plain text: no control characters, escapes or blanks")
    if len(name) > MAX_NAME_LENGTH:
        raise RepError(f"a rep name is at most {MAX_NAME_LENGTH} characters")
    if is_reserved(name):
        raise RepError(
            f"{name!r} names the shared pool, the team or a line of its report:"
            " choose another rep name"
        )
    return name


def is_reserved(name: str) -> bool:
    """Whether `name` is one of the words for the pool, the team or a report's line, in any
    case or compatibility form (ｐｏｏｌ)."""
    return _compatible(" ".join(name.split())) in RESERVED_NAMES


def named_rep(stored: object) -> str | None:
    """The rep a call or deal names, None for none: NULL, or an empty or blank text (any
    whitespace), as a spreadsheet or another tool writes none."""
    return stored if isinstance(stored, str) and stored.strip() else None


def same_name(name: str) -> str:
    """What two spellings of one rep's name share: composed accents, folded case (the
    Turkish İ and ı fold to i, as ASCII letters in any other language would)."""
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFC", name).casefold())
    # casefold() gives İ as i and a combining dot above, and keeps ı as it is.
    folded = folded.replace("i\u0307", "i").replace("\u0131", "i")
    return unicodedata.normalize("NFC", folded)


def is_same_rep(name: str, other: str) -> bool:
    """Whether two spellings name one rep (same_name)."""
    return same_name(name) == same_name(other)


def _compatible(name: str) -> str:
    """same_name with compatibility forms read as the letters they stand for (ｐｏｏｌ)."""
    return same_name(unicodedata.normalize("NFKC", name))


def _shows(name: str, at: int) -> bool:
    char = name[at]
    if char in _JOINERS:
        return _joins_emoji(name, at) or _joins_letters(name, at)
    if char in _INVISIBLE:
        return False
    if _is_variation_selector(char):
        # Text or emoji presentation, of a symbol only.
        return at > 0 and unicodedata.category(name[at - 1]) in ("So", "Sk")
    return char.isprintable()


def _is_variation_selector(char: str) -> bool:
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


def _joins_emoji(name: str, at: int) -> bool:
    if name[at] != "\u200d" or not 0 < at < len(name) - 1:
        return False
    before, after = name[at - 1], name[at + 1]
    # Before: a symbol, a skin tone (a modifier symbol) or the emoji presentation selector.
    return (
        unicodedata.category(before) in ("So", "Sk") or before == "\ufe0f"
    ) and unicodedata.category(after) == "So"


def _joins_letters(name: str, at: int) -> bool:
    """A joiner between two letters (or marks) of a script written with joiners."""
    if not 0 < at < len(name) - 1:
        return False
    return all(_written_with_joiners(name[at + side]) for side in (-1, 1))


def _written_with_joiners(char: str) -> bool:
    return (
        not char.isascii()
        and unicodedata.category(char)[0] in "LM"
        and not unicodedata.name(char, "").startswith(_HIDING_SCRIPTS)
    )
