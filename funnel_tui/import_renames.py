"""Rows an import matches by email to a prospect of another name: said in the report.

The same email is the same person (`importer`), so a row with Ann Archer's email and Zed
Zulu's name updates Ann's prospect, with her calls, callbacks and notes, and renames her.
The rule stays, but the report names each such row with the prospect it updated, so the
rep sees it the day it happens. Names that differ only in case, spacing, accents or
punctuation are one name, and so are two where one holds only part of the other, or its
initials (`Ann` and `Ann Archer`, `Archer, Ann`, `Ann A.`): a row that only adds a missing
part of the name is not said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from funnel_tui.accents import fold
from funnel_tui.text import one_line

WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Rename:
    """A row that updated a prospect of another name, matched by its email: a prospect of
    the book (`other_id`), one an earlier line of the batch added (`other_line`), or one an
    earlier batch added (neither: its line is not kept)."""

    line: int
    name: str
    other_name: str
    other_id: int | None = None
    other_line: int | None = None

    def __str__(self) -> str:
        if self.other_line is not None:
            whose = f"line {self.other_line}"
        elif self.other_id is not None:
            whose = f"prospect {self.other_id}"
        else:
            whose = "an earlier line"
        return (
            f"line {self.line}: {one_line(self.name)} has the email of"
            f" {one_line(self.other_name)} ({whose}): updated as the same person"
        )


def _words(name: str) -> list[str]:
    return WORD.findall(fold(name).casefold())


def _part_of(words: list[str], other_words: list[str]) -> bool:
    """Whether each word is one of the other name's, or the initial of one."""
    return all(
        word in other_words
        or (len(word) == 1 and any(known.startswith(word) for known in other_words))
        for word in words
    )


def is_another_name(name: str, other: str) -> bool:
    """Whether two names are not one, once case, spacing, accents and punctuation are
    ignored, and neither is part of the other."""
    words, other_words = _words(name), _words(other)
    if "".join(words) == "".join(other_words):
        return False
    return not (_part_of(words, other_words) or _part_of(other_words, words))
