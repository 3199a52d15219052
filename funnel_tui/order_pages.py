"""The ids of a long order read from the book a page at a time, not held.

Today's queue of a book of 1,000,000 prospects is about 500,000 ids: 2 MB held as an
array, and half a second to read after every call. The screen draws a few dozen of them,
counts them and jumps to the last. So a long order is kept as its parts (a WHERE and an
ORDER BY each), how many rows each held when counted, its first 20,000 ids, and the few
pages after them last read: a row past the head is read when it is asked for
(`PagedIds`), by the connection of the thread that asks (`reading_from`).

The pages are read after the order was counted. A change to the book in between (a call
just logged, another program's write, before the order is read again) would shift a page
by a row: so a page is read only while the book's change count (`PRAGMA data_version`,
a team's notifications) is the one seen before the order was read, and is GONE, id 0,
which no prospect has, until the order is read again after the change. A page that comes
back short holds GONE for its missing rows too.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain
from typing import Any, TypeAlias, overload

from funnel_tui.prospect_ids import extended, id_array, joined

# An order of more ids than this holds its first HELD_AT_MOST (80 KB: the rows a rep
# reaches with keys in a day) and reads the others a page at a time.
HELD_AT_MOST = 20_000
PAGE_IDS = 1_000
# The pages kept besides the head: those around the cursor and the last few jumped to.
KEPT_PAGES = 8
# An id no prospect has: what a page that came back short holds in place of its rows.
GONE = 0


def _part_ids(
    db: Any, where: str, order_by: str, params: Mapping[str, Any], limit: int, offset: int = 0
) -> Iterator[int]:
    """The ids of one part of an order, `limit` of them from `offset` on."""
    sql = f"SELECT id FROM prospects WHERE {where} ORDER BY {order_by}"
    rows = db.execute(f"{sql} LIMIT {int(limit)} OFFSET {int(offset)}", dict(params))
    return (row[0] for row in rows)


@dataclass(frozen=True)
class OrderParts:
    """How to read an order of prospects again: each part's WHERE and ORDER BY, in order
    (run with `params`), and how many rows each held when counted."""

    parts: tuple[tuple[str, str], ...]
    params: Mapping[str, Any]
    counts: tuple[int, ...]

    @classmethod
    def counted(
        cls, db: Any, parts: Sequence[tuple[str, str]], params: Mapping[str, Any]
    ) -> OrderParts:
        """The parts (WHERE, ORDER BY) of an order of prospects, each counted now: an
        index-only count costs about half of reading the ids."""
        counts = tuple(
            db.execute(f"SELECT count(*) FROM prospects WHERE {where}", params).fetchone()[0]
            for where, _ in parts
        )
        return cls(tuple(parts), dict(params), counts)

    @cached_property
    def total(self) -> int:
        """Every part's rows: the sequence's length, asked for each row drawn."""
        return sum(self.counts)

    def _ids(self, db: Any, part: int, offset: int, limit: int) -> Iterator[int]:
        where, order_by = self.parts[part]
        return _part_ids(db, where, order_by, self.params, limit, offset)

    def _starts(self) -> Iterator[tuple[int, int, int]]:
        """Each part, the position its rows start at, and how many it held."""
        first = 0
        for part, count in enumerate(self.counts):
            yield part, first, count
            first += count

    def read(self, db: Any, start: int, stop: int) -> array[int]:
        """The ids at positions `start` to `stop` of the order, as the book holds them now:
        each part's rows from its own offset, GONE for a row a part no longer has."""
        ids = id_array()
        for part, first, count in self._starts():
            begin, end = max(start, first), min(stop, first + count)
            if begin < end:
                found = len(ids)
                ids = extended(ids, self._ids(db, part, begin - first, end - begin))
                ids = extended(ids, [GONE] * (end - begin - (len(ids) - found)))
        return ids

    def scan(self, db: Any, start: int = 0) -> Iterator[int]:
        """Every id of the order from position `start` on, each part up to its count."""
        for part, first, count in self._starts():
            if first + count > start:
                offset = max(start - first, 0)
                yield from self._ids(db, part, offset, count - offset)

    def find(
        self, db: Any, prospect_id: int, start: int = 0, *, counting: bool = True
    ) -> int | None:
        """The position of `prospect_id` at `start` or after, None when it is not there:
        the part that holds it found by its primary key, then the rows before it counted
        (`counting`, where the part's keys all sort one way) or read through to it."""
        for part, first, count in self._starts():
            where, _ = self.parts[part]
            if first + count <= start:
                continue
            holds = f"SELECT 1 FROM prospects WHERE id = :order_pages_id AND ({where})"
            params = {**self.params, "order_pages_id": prospect_id}
            if not db.execute(holds, params).fetchone():
                continue
            before = self._rows_before(part) if counting else None
            if before is not None:
                position = first + db.execute(before, params).fetchone()[0]
                if start <= position < first + count:
                    return position
            offset = max(start - first, 0)
            for position, id_ in enumerate(self._ids(db, part, offset, count - offset)):
                if id_ == prospect_id:
                    return first + offset + position
        return None

    def _rows_before(self, part: int) -> str | None:
        """A count of the rows of `part` that come before :order_pages_id, the row's keys
        compared at once with theirs (an index's count, where reading the ids to it takes
        a step each); None when the part's keys do not all sort one way."""
        where, order_by = self.parts[part]
        keys, descending = [], set()
        for term in order_by.split(","):
            words = term.split()
            descending.add(words[-1].upper() == "DESC")
            keys.append(" ".join(words[:-1] if words[-1].upper() in ("ASC", "DESC") else words))
        if len(descending) != 1:
            return None
        row = ", ".join(keys)
        after = ">" if descending.pop() else "<"
        return (
            f"SELECT count(*) FROM prospects WHERE {where} AND ({row}) {after}"
            f" (SELECT {row} FROM prospects WHERE id = :order_pages_id)"
        )


@dataclass(eq=False)
class PagedIds(Sequence[int]):
    """The ids of a long order as a sequence: the ids pinned above it (the prospect of a
    running call), then the order, its head held and the pages after it read as they are
    asked for, the last KEPT_PAGES kept. Looking an id up (`index`, `in`) tries what is
    held first, then asks the book which part holds it and reads that part to it."""

    parts: OrderParts
    head: array[int]
    pinned: array[int] = field(default_factory=id_array)
    db: Any = None
    # The book's change count, and its value before the order was read.
    changes: Callable[[], int] | None = None
    seen: int | None = None
    _pages: OrderedDict[int, array[int]] = field(default_factory=OrderedDict, repr=False)

    def reading_from(
        self, db: Any, changes: Callable[[], int] | None = None, seen: int | None = None
    ) -> PagedIds:
        """These ids, reading their pages with `db` (the connection of the thread that
        shows them) while `changes()` is still `seen`: a new sequence, with no page kept
        from another connection's reads."""
        return replace(self, db=db, changes=changes, seen=seen, _pages=OrderedDict())

    def _book_changed(self) -> bool:
        return self.changes is not None and self.changes() != self.seen

    def with_first(self, ids: array[int]) -> PagedIds:
        """`ids` pinned above these."""
        return replace(self, pinned=joined(ids, self.pinned), _pages=OrderedDict())

    def __len__(self) -> int:
        return len(self.pinned) + self.parts.total

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> array[int]: ...

    def __getitem__(self, index: int | slice) -> int | array[int]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("paged ids are sliced a run at a time")
            return self._run(start, stop)
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError("position out of the order")
        pinned = len(self.pinned)
        if position < pinned:
            return self.pinned[position]
        return self._at(position - pinned)

    def _at(self, position: int) -> int:
        """The id at `position` of the order (past the pinned ones)."""
        if position < len(self.head):
            return self.head[position]
        number, offset = divmod(position - len(self.head), PAGE_IDS)
        return self._page(number)[offset]

    def _run(self, start: int, stop: int) -> array[int]:
        pinned = len(self.pinned)
        ids = id_array()
        if start < pinned:
            ids = extended(ids, self.pinned[start : min(stop, pinned)])
        position = max(start, pinned) - pinned
        end = stop - pinned
        if position < len(self.head):
            ids = extended(ids, self.head[position:end])
            position = min(end, len(self.head))
        while position < end:
            number, offset = divmod(position - len(self.head), PAGE_IDS)
            taken = self._page(number)[offset : offset + end - position]
            ids = extended(ids, taken)
            position += len(taken)
        return ids

    def _page(self, number: int) -> array[int]:
        """Page `number` after the head, read once while it stays among the last used."""
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        if self.db is None:
            raise RuntimeError("paged ids read with no connection: call reading_from first")
        start = len(self.head) + number * PAGE_IDS
        stop = min(start + PAGE_IDS, self.parts.total)
        if self._book_changed():
            # Read now, the page could hold the rows of another position: none until the
            # order is read again.
            return array(self.head.typecode, [GONE]) * (stop - start)
        page = self.parts.read(self.db, start, stop)
        self._pages[number] = page
        if len(self._pages) > KEPT_PAGES:
            self._pages.popitem(last=False)
        return page

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        """The first position of `value` (ValueError when it is not there): among the ids
        held first, then in the part of the order that holds it."""
        if start != 0 or stop is not None:
            return super().index(value, start, stop)
        if value in self.pinned:
            return self.pinned.index(value)
        pinned = len(self.pinned)
        if value in self.head:
            return pinned + self.head.index(value)
        for number, page in sorted(self._pages.items()):
            if value in page:
                return pinned + len(self.head) + number * PAGE_IDS + page.index(value)
        if self.db is not None and isinstance(value, int) and not self._book_changed():
            position = self.parts.find(self.db, value, len(self.head))
            if position is not None and self._at(position) != value:
                # Counted where a row's keys do not compare as they sort (a value another
                # tool wrote): read through to it instead.
                position = self.parts.find(self.db, value, len(self.head), counting=False)
            if position is not None:
                return pinned + position
        raise ValueError(f"{value!r} is not in the order")

    def __contains__(self, value: object) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def __iter__(self) -> Iterator[int]:
        if self.db is None:
            raise RuntimeError("paged ids read with no connection: call reading_from first")
        return chain(self.pinned, self.head, self.parts.scan(self.db, len(self.head)))


# The ids of an order: held, or read a page at a time.
OrderIds: TypeAlias = "array[int] | PagedIds"


def read_with(
    ids: OrderIds, db: Any, changes: Callable[[], int] | None = None, seen: int | None = None
) -> OrderIds:
    """`ids` reading what they do not hold with `db`, while `changes()` is `seen`."""
    return ids.reading_from(db, changes, seen) if isinstance(ids, PagedIds) else ids


def pinned_first(prospect_id: int, ids: OrderIds) -> OrderIds:
    """`prospect_id` above `ids`."""
    pinned = id_array((prospect_id,))
    return ids.with_first(pinned) if isinstance(ids, PagedIds) else joined(pinned, ids)


def held_or_paged(db: Any, parts: Sequence[tuple[str, str]], params: Mapping[str, Any]) -> OrderIds:
    """The ids of the order of `parts` (WHERE, ORDER BY): all of them, held, when there are
    HELD_AT_MOST or fewer (read once, nothing counted); else each part counted, the first
    HELD_AT_MOST held and the rest read as they are asked for (`PagedIds`)."""
    head = id_array()
    for where, order_by in parts:
        head = extended(head, _part_ids(db, where, order_by, params, HELD_AT_MOST + 1 - len(head)))
        if len(head) > HELD_AT_MOST:
            return PagedIds(OrderParts.counted(db, parts, params), head[:HELD_AT_MOST])
    return head
