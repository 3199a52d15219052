"""Prospect ids in queue order, held four bytes an id while they fit in four; and a set
of ids held one bit an id.

A filter's matches at 1,000,000 prospects can be an array of about 500,000 ids (a long
order the app reads a page at a time instead: order_pages): 4 MB at eight bytes an id,
2 MB at four. An id another tool
wrote beyond four bytes (SQLite allows up to eight) widens the array it lands in to
eight bytes an id, so no id is ever refused or cut.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

NARROW = "i"
WIDE = "q"
# Ids read from the database a chunk at a time: never a list of the whole order.
CHUNK = 4_096


def id_array(ids: Iterable[int] = ()) -> array[int]:
    """Ids in an array of their own, narrow when every one fits."""
    return extended(array(NARROW), ids)


def extended(ids: array[int], more: Iterable[int]) -> array[int]:
    """`ids` with `more` after them (rows streamed from a query, say, read once): the
    same array, or for an id that does not fit in it, a wide copy that holds them all."""
    more = iter(more)
    while chunk := list(islice(more, CHUNK)):
        start = len(ids)
        try:
            ids.extend(chunk)
        except OverflowError:
            del ids[start:]
            ids = array(WIDE, ids)
            ids.extend(chunk)
    return ids


def joined(first: array[int], then: array[int]) -> array[int]:
    """A new array of `first`'s ids then `then`'s, wide if either is."""
    if first.typecode == then.typecode:
        return first + then
    if first.typecode == WIDE:
        return first + array(WIDE, then)
    return array(WIDE, first) + then


# Ids held as bits up to this one (2 MiB of bits); a set with a larger id is not made.
BITS_UP_TO = 2**24


class IdBits:
    """A set of ids, one bit each from 0 to the largest: a filter's matches, which an order
    keeps as it reads its view's ids, at about a tenth of a microsecond an id, in 125 KB
    for a million (a Python set of them takes about 60 MB)."""

    __slots__ = ("_bits",)

    def __init__(self, bits: bytes) -> None:
        self._bits = bits

    @classmethod
    def of(cls, ids: Iterable[int], largest: int) -> IdBits:
        """The set of `ids`, none of them below 0 or above `largest`."""
        bits = bytearray((largest >> 3) + 1)
        for id_ in ids:
            bits[id_ >> 3] |= 1 << (id_ & 7)
        return cls(bytes(bits))

    def __contains__(self, id_: int) -> bool:
        return 0 <= id_ >> 3 < len(self._bits) and bool(self._bits[id_ >> 3] >> (id_ & 7) & 1)

    def kept(self, rows: Iterable[Sequence[int]], without: IdBits | None = None) -> Iterator[int]:
        """The ids of `rows` (a query's rows of one id each) in the set, in their order,
        less those in `without`."""
        bits, size = self._bits, len(self._bits)
        other = b"" if without is None else without._bits
        other_size = len(other)
        for (id_,) in rows:
            byte = id_ >> 3
            if (
                0 <= byte < size
                and bits[byte] >> (id_ & 7) & 1
                and not (byte < other_size and other[byte] >> (id_ & 7) & 1)
            ):
                yield id_
