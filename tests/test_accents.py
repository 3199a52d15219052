"""The accented letters funnel folds are every one Unicode writes as a plain ASCII letter
with marks in the Latin blocks, and folding reads them as a rep types them."""

from __future__ import annotations

import unicodedata

import pytest

from funnel_tui.accents import ACCENTED, PLAIN, fold

LATIN_BLOCKS = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))


def plain_letter(letter: str) -> str | None:
    base, *marks = unicodedata.normalize("NFD", letter)
    plain = marks and base.isascii() and base.isalpha()
    return base.lower() if plain and all(map(unicodedata.combining, marks)) else None


def test_the_list_is_unicodes() -> None:
    letters = [chr(code) for first, last in LATIN_BLOCKS for code in range(first, last + 1)]
    folded = {letter: plain_letter(letter) for letter in letters}
    assert "".join(letter for letter in letters if folded[letter]) == ACCENTED
    assert "".join(folded[letter] or "" for letter in letters) == PLAIN


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("José Álvarez", "jose alvarez"),
        ("MÜLLER", "muller"),
        ("Nguyễn Thị Ánh", "nguyen thi anh"),
        (unicodedata.normalize("NFD", "Zoë François"), "zoe francois"),
        ("Łukasz Øster Straße", "łukasz øster straße"),
        ("e\u0301\u0323", "e"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
