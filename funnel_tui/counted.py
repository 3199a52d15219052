"""A count said with its noun in the number it takes: `1 prospect`, `2,400 prospects`; and
a list said as a sentence says it: `a, b and c`."""

from __future__ import annotations

from collections.abc import Sequence


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`number` and `noun`, in the plural (`plural`, else the noun and `s`) unless one."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def are(number: int) -> str:
    """The verb after a count: `1 ... is`, `2 ... are`."""
    return "is" if number == 1 else "are"


def listed(words: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
