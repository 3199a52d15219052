"""Prospect ids in queue order, held four bytes an id while they fit in four.

Today's queue at 1,000,000 prospects is an array of about 500,000 ids, the largest thing
the app keeps in memory: 4 MB at eight bytes an id, 2 MB at four. An id another tool
wrote beyond four bytes (SQLite allows up to eight) widens the array it lands in to
eight bytes an id, so no id is ever refused or cut.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable

NARROW = "i"
WIDE = "q"


def id_array(ids: Iterable[int] = ()) -> array[int]:
    """A few ids (a list, a tuple), narrow when every one fits."""
    values = ids if isinstance(ids, list | tuple) else list(ids)
    try:
        return array(NARROW, values)
    except OverflowError:
        return array(WIDE, values)


def read_onto(ids: array[int], read: Callable[[], Iterable[int]]) -> array[int]:
    """`ids` followed by the ids `read` gives, streamed from the database without a list
    of them; read again into a wide array if one does not fit `ids`."""
    start = len(ids)
    try:
        ids.extend(read())
    except OverflowError:
        del ids[start:]
        ids = array(WIDE, ids)
        ids.extend(read())
    return ids


def joined(first: array[int], then: array[int]) -> array[int]:
    """A new array of `first`'s ids then `then`'s, wide if either is."""
    if first.typecode == then.typecode:
        return first + then
    return array(WIDE, first) + array(WIDE, then)
