"""Whole words and simple stems, to find a keyword in what a rep wrote about a prospect.

"booking", "bookings" and "booked" are one word here, "no-show" is found in "no shows",
and "van" is not found in "advantage".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

# Letters of any script and digits; a hyphen or apostrophe splits a word into parts.
WORD = re.compile(r"[^\W_]+")
# Longest first. "er" is left alone so that "carer" is not "car"; "ies" becomes "y".
SUFFIXES = (("ies", "y"), ("ings", ""), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("e", ""))
SHORTEST_STEM = 3


# A rep's notes and the objection keywords repeat the same words on every card shown.
@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A lower-case word without the endings that make its plural, past or -ing form."""
    word = word.casefold()
    for suffix, replacement in SUFFIXES:
        # "process" and "glass" keep their double s.
        if suffix == "s" and word.endswith("ss"):
            continue
        if word.endswith(suffix) and len(word) - len(suffix) >= SHORTEST_STEM:
            return word[: -len(suffix)] + replacement
    return word


def stems(text: str) -> tuple[str, ...]:
    """The stems of the words of a text, in order."""
    return tuple(stem(word) for word in WORD.findall(text))


class Words(NamedTuple):
    """A text's words as stems, ready to look keywords and phrases up in."""

    sequence: tuple[str, ...]

    @classmethod
    def of(cls, *texts: str | None) -> Words:
        # An empty word between two texts keeps a phrase from running from one into the next.
        sequence: list[str] = []
        for text in texts:
            sequence.extend((*stems(text or ""), ""))
        return cls(tuple(sequence))

    def has(self, phrase: str) -> bool:
        """Whether the phrase's words appear here, whole and in a row."""
        wanted = stems(phrase)
        if not wanted:
            return False
        width = len(wanted)
        return any(
            self.sequence[start : start + width] == wanted
            for start in range(len(self.sequence) - width + 1)
        )

    def found(self, phrases: Iterable[str]) -> list[str]:
        """The phrases that appear here, in the order given."""
        return [phrase for phrase in phrases if self.has(phrase)]
