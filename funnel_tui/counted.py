"""A count said with its noun in the number it takes: `1 prospect`, `2,400 prospects`."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`number` and `noun`, in the plural (`plural`, else the noun and `s`) unless one."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


def are(number: int) -> str:
    """The verb after a count: `1 ... is`, `2 ... are`."""
    return "is" if number == 1 else "are"
