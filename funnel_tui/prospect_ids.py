"""Prospect ids in queue order, held four bytes an id while they fit in four.

Today's queue at 1,000,000 prospects is an array of about 500,000 ids, the largest thing
the app keeps in memory: 4 MB at eight bytes an id, 2 MB at four. An id another tool
wrote beyond four bytes (SQLite allows up to eight) widens the array it lands in to
eight bytes an id, so no id is ever refused or cut.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
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
