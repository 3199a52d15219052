"""A long order read a page at a time gives the ids a held one does, and reads only the
pages asked for."""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from funnel_tui import order_pages
from funnel_tui.order_pages import (
    GONE,
    OrderParts,
    PagedIds,
    held_or_paged,
    pinned_first,
    read_with,
)
from funnel_tui.prospect_ids import id_array
from funnel_tui.queue import QueueMode, closed_timezones, queue_ids, read_order
from funnel_tui.settings import Settings, load_settings
from funnel_tui.store.sqlite import Storage
from funnel_tui.ui import call_queue as call_queue_module
from funnel_tui.ui import main_screen as main_screen_module
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.call_queue import CallQueue
from funnel_tui.ui.main_screen import MainScreen
from tests.app_support import FROZEN_NOW, build_demo_storage, settle, settle_until
from tests.rows import insert_row
from tests.test_app import burst

# Two parts, as today's queue has five: the even ids up, then the odd ones down.
PARTS = (("id % 2 = 0", "id"), ("id % 2 = 1", "id DESC"))


def _book(size: int) -> sqlite_utils.Database:
    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    db.execute("CREATE TABLE prospects (id INTEGER PRIMARY KEY)")
    db.conn.executemany("INSERT INTO prospects VALUES (?)", [(i,) for i in range(1, size + 1)])
    return db


def _parts(db: sqlite_utils.Database) -> OrderParts:
    return OrderParts.counted(db, PARTS, {})


def paged(db: sqlite_utils.Database, parts: OrderParts) -> PagedIds:
    """The order of `parts` paged whatever its length (`held_or_paged` holds a short one
    whole): its first HELD_AT_MOST ids held."""
    return PagedIds(parts, id_array(islice(parts.scan(db), order_pages.HELD_AT_MOST)))


def _held(db: sqlite_utils.Database, parts: tuple[tuple[str, str], ...] = PARTS) -> list[int]:
    return [
        row[0]
        for where, order_by in parts
        for row in db.execute(f"SELECT id FROM prospects WHERE {where} ORDER BY {order_by}")
    ]


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """A head of four ids, pages of four after it, two of them kept."""
    monkeypatch.setattr(order_pages, "HELD_AT_MOST", 4)
    monkeypatch.setattr(order_pages, "PAGE_IDS", 4)
    monkeypatch.setattr(order_pages, "KEPT_PAGES", 2)


def _reads(db: sqlite_utils.Database) -> list[str]:
    """The statements run on `db` from now on."""
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    return seen


@pytest.mark.usefixtures("small_pages")
@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 30), start=st.integers(-35, 35), length=st.integers(0, 12))
def test_every_position_and_run_is_the_held_orders(size: int, start: int, length: int) -> None:
    db = _book(size)
    held = _held(db)
    ids = paged(db, _parts(db)).reading_from(db)
    assert len(ids) == len(held)
    assert list(ids) == held
    assert list(ids[start : start + length]) == held[start : start + length]
    if -len(held) <= start < len(held):
        assert ids[start] == held[start]
    else:
        with pytest.raises(IndexError):
            ids[start]


@pytest.mark.usefixtures("small_pages")
@pytest.mark.parametrize(
    "parts",
    [PARTS, (("id % 2 = 0", "id % 3 DESC, id"), ("id % 2 = 1", "id % 3, id DESC"))],
    ids=["keys sorted one way", "keys sorted both ways"],
)
def test_an_id_is_found_where_the_held_order_has_it_and_a_missing_one_is_not(
    parts: tuple[tuple[str, str], ...],
) -> None:
    db = _book(25)
    held = _held(db, parts)
    ids = paged(db, OrderParts.counted(db, parts, {})).reading_from(db)
    for id_ in held:
        assert id_ in ids
        assert ids.index(id_) == held.index(id_)
    assert 26 not in ids and 0 not in ids
    with pytest.raises(ValueError):
        ids.index(26)


@pytest.mark.usefixtures("small_pages")
def test_only_the_pages_asked_for_are_read_and_a_few_are_kept() -> None:
    db = _book(40)
    ids = paged(db, _parts(db)).reading_from(db)
    reads = _reads(db)
    assert ids[:4] == array("i", [2, 4, 6, 8])
    assert reads == []  # the first page is held
    assert ids[20] == 39 and ids[21] == 37
    assert len(reads) == 1  # one page, read once
    ids[30], ids[10]
    assert len(reads) == 3
    ids[20]  # the page read first has been let go
    assert len(reads) == 4
    assert ids.index(37) == 21  # in a page kept: no read
    assert len(reads) == 4
    # Which part holds it, how many of that part come before it, and the page it is in.
    assert ids.index(13) == 33
    assert [sql.split(" WHERE")[0] for sql in reads[4:]] == [
        "SELECT 1 FROM prospects",
        "SELECT 1 FROM prospects",
        "SELECT count(*) FROM prospects",
        "SELECT id FROM prospects",
    ]
    del reads[:]
    assert 41 not in ids  # in no part: looked up, never read through
    assert reads and all(sql.startswith("SELECT 1 FROM prospects WHERE id = 41") for sql in reads)


@pytest.mark.usefixtures("small_pages")
def test_the_prospect_pinned_above_comes_first_and_shifts_the_rest() -> None:
    db = _book(9)
    held = _held(db)
    ids = pinned_first(99, read_with(paged(db, _parts(db)), db))
    assert list(ids) == [99, *held]
    assert ids[0] == 99 and ids[5] == held[4] and len(ids) == 10
    assert ids.index(3) == held.index(3) + 1
    assert list(ids[0:6]) == [99, *held[:5]]
    held_ids = array("i", [5, 6])
    assert list(pinned_first(99, held_ids)) == [99, 5, 6]


@pytest.mark.usefixtures("small_pages")
def test_rows_gone_since_the_count_read_as_gone_not_as_another_prospect() -> None:
    db = _book(20)
    ids = paged(db, _parts(db)).reading_from(db)
    db.execute("DELETE FROM prospects WHERE id IN (1, 3)")  # the last two odd ones
    assert len(ids) == 20
    assert list(ids[16:20]) == [7, 5, GONE, GONE]


def test_a_page_is_read_only_with_the_connection_it_was_given() -> None:
    db = _book(order_pages.HELD_AT_MOST + 3000)
    ids = paged(db, _parts(db))
    assert ids[0] == 2 and len(ids.head) == order_pages.HELD_AT_MOST
    past_the_head = order_pages.HELD_AT_MOST + 10
    with pytest.raises(RuntimeError):
        ids[past_the_head]
    with pytest.raises(RuntimeError):
        list(ids)
    assert ids.reading_from(db)[past_the_head] == _held(db)[past_the_head]


@pytest.mark.usefixtures("small_pages")
@pytest.mark.parametrize("size", [0, 3, 4, 5, 9])
def test_an_order_of_a_head_or_fewer_is_held_whole_and_counted_never(size: int) -> None:
    db = _book(size)
    reads = _reads(db)
    ids = held_or_paged(db, PARTS, {})
    counts = [sql for sql in reads if "count(*)" in sql]
    if size <= order_pages.HELD_AT_MOST:
        assert isinstance(ids, array) and counts == []
    else:
        assert isinstance(ids, PagedIds) and len(ids.head) == order_pages.HELD_AT_MOST
        assert len(counts) == len(PARTS)
    assert list(read_with(ids, db)) == _held(db)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Storage]:
    storage = build_demo_storage(tmp_path / "demo.db")
    yield storage
    storage.close()


def test_todays_queue_read_a_page_at_a_time_is_the_queue_read_whole(
    demo: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = demo.db
    settings = load_settings(db)
    whole = read_order(db, now=FROZEN_NOW, mode=QueueMode.TODAY, text="", settings=settings)
    assert isinstance(whole.ids, array) and len(whole.ids) > 10
    assert isinstance(
        read_order(db, now=FROZEN_NOW, mode=QueueMode.TODAY, text="", settings=settings).ids,
        array,
    )
    monkeypatch.setattr(order_pages, "PAGE_IDS", 4)
    monkeypatch.setattr(order_pages, "HELD_AT_MOST", 10)
    order = read_order(
        db, now=FROZEN_NOW, mode=QueueMode.TODAY, text="", settings=settings, paged=True
    )
    assert isinstance(order.ids, PagedIds)
    assert order.held_back == whole.held_back
    assert list(read_with(order.ids, db)) == list(whole.ids)
    # So is every prospect, by name; a filter's order is held as before.
    everyone = read_order(db, now=FROZEN_NOW, mode=QueueMode.ALL, text="", settings=settings)
    paged_everyone = read_order(
        db, now=FROZEN_NOW, mode=QueueMode.ALL, text="", settings=settings, paged=True
    )
    assert isinstance(paged_everyone.ids, PagedIds)
    assert list(read_with(paged_everyone.ids, db)) == list(everyone.ids)
    filtered = read_order(
        db, now=FROZEN_NOW, mode=QueueMode.TODAY, text="a", settings=settings, paged=True
    )
    assert isinstance(filtered.ids, array)


@pytest.fixture
def demo_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every order of the demo book paged: a head of five ids, pages of four after it,
    two of them kept."""
    monkeypatch.setattr(order_pages, "PAGE_IDS", 4)
    monkeypatch.setattr(order_pages, "KEPT_PAGES", 2)
    monkeypatch.setattr(order_pages, "HELD_AT_MOST", 5)


@pytest.fixture
def short_runs(demo_pages: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """demo_pages, and the list keeping the ids it drew in runs of four rows: a row a few
    lines down is one it has not drawn."""
    monkeypatch.setattr(call_queue_module, "PAGE_SIZE", 4)


@pytest.fixture
def no_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's look at the book for other programs' changes held off for a minute."""
    monkeypatch.setattr(main_screen_module, "FILE_POLL_S", 60)


def add_outside_leads(path: Path, count: int) -> None:
    """`count` never-called leads written by another program, on its own connection."""
    other = sqlite3.connect(path)
    other.executemany(
        "INSERT INTO prospects (name, priority, created_at, updated_at)"
        " VALUES (?, 3, '2026-11-18T09:00:00+00:00', '2026-11-18T09:00:00+00:00')",
        [(f"Outside Lead {n}",) for n in range(count)],
    )
    other.commit()
    other.close()


@pytest.mark.usefixtures("demo_pages")
async def test_a_rep_works_a_paged_queue_as_a_held_one(demo_app: FunnelApp) -> None:
    """Today's queue read a page at a time (a head of five, pages of four after it): the
    list holds every prospect of the whole order; `end` goes to the last; a call logged
    on a row past the head is that prospect's, and the cursor moves on to the prospect
    after them."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        closed = closed_timezones(db, FROZEN_NOW, load_settings(db))
        whole = list(queue_ids(db, now=FROZEN_NOW, closed_zones=closed))
        assert queue.row_count == len(whole) > 10
        assert isinstance(queue._ids, PagedIds)
        await pilot.press("end")
        await settle(pilot)
        assert queue.highlighted_id == whole[-1]
        await pilot.press("home", *"jjjjjj")
        await settle(pilot)
        called = queue.highlighted_id
        assert called == whole[6]
        await pilot.press("l", "n", "enter")
        await settle(pilot)
        last = db.execute("SELECT prospect_id, outcome FROM calls ORDER BY id DESC LIMIT 1")
        assert last.fetchone() == (called, "no_answer")
        assert queue.highlighted_id == whole[7]
        assert isinstance(queue._ids, PagedIds)
        assert called not in list(queue._ids)
        await pilot.press("f")  # every prospect, by name: the prospect stays highlighted
        await settle(pilot)
        assert isinstance(queue._ids, PagedIds) and queue.highlighted_id == whole[7]
        assert queue.row_count == db.execute("SELECT count(*) FROM prospects").fetchone()[0]


def test_a_paged_queue_reads_alike_from_a_file_and_a_teams_server(
    book_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never-called prospects of every priority, today's queue over pages of four: the
    same ids in the same order as read whole, each found where it is, on both backends."""
    for number in range(1, 26):
        insert_row(
            book_db,
            "prospects",
            {
                "name": f"Lead {number:02d}",
                "priority": number % 3,
                "created_at": f"2026-11-{number:02d}T09:00:00+00:00",
                "updated_at": f"2026-11-{number:02d}T09:00:00+00:00",
            },
        )
    settings = Settings()
    whole = read_order(book_db, now=FROZEN_NOW, mode=QueueMode.TODAY, text="", settings=settings)
    monkeypatch.setattr(order_pages, "PAGE_IDS", 4)
    monkeypatch.setattr(order_pages, "HELD_AT_MOST", 10)
    order = read_order(
        book_db, now=FROZEN_NOW, mode=QueueMode.TODAY, text="", settings=settings, paged=True
    )
    ids = read_with(order.ids, book_db)
    assert isinstance(ids, PagedIds) and len(whole.ids) == len(ids) == 25
    assert list(ids) == list(whole.ids)
    assert [ids.index(id_) for id_ in reversed(whole.ids)] == list(range(24, -1, -1))
    assert max(whole.ids) + 1 not in ids


@pytest.mark.usefixtures("small_pages")
def test_once_the_book_changes_no_page_is_read_until_the_order_is_read_again() -> None:
    """A page read after a change would hold the rows of other positions: the pages read
    before it are kept, the others are GONE, and no prospect past them is looked up."""
    db = _book(30)
    held = _held(db)
    count = [1]
    ids = paged(db, _parts(db)).reading_from(db, lambda: count[0], seen=1)
    assert list(ids[4:8]) == held[4:8]
    db.execute("INSERT INTO prospects VALUES (100)")  # the first of the odd part now
    count[0] = 2
    assert list(ids[4:8]) == held[4:8]  # read before
    assert list(ids[24:28]) == [GONE] * 4
    assert ids.index(held[5]) == 5
    assert held[26] not in ids
    read_again = paged(db, _parts(db)).reading_from(db, lambda: count[0], seen=2)
    assert list(read_again) == _held(db)


@pytest.mark.usefixtures("small_pages")
def test_a_count_that_misplaces_a_row_is_checked_and_read_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Values another tool wrote can compare otherwise than they sort: a row counted into
    the wrong place is found by reading its part through."""
    db = _book(25)
    held = _held(db)
    ids = paged(db, _parts(db)).reading_from(db)
    monkeypatch.setattr(OrderParts, "_rows_before", lambda self, part: "SELECT 3")
    assert [ids.index(id_) for id_ in held[4:]] == list(range(4, 25))


@pytest.mark.parametrize("noticed_after", [0, 3, 6])
@pytest.mark.usefixtures("short_runs")
async def test_calls_typed_fast_after_an_outside_change_go_to_the_next_prospect_shown(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch, noticed_after: int
) -> None:
    """Another program adds never-called leads above the cursor, deep in a paged queue,
    and the rep logs two calls at once, the app seeing the change before, between or
    after the keys: the second call goes to the prospect the cursor moved on to."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 14)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        queue = screen.query_one(CallQueue)
        closed = closed_timezones(db, FROZEN_NOW, load_settings(db))
        whole = list(queue_ids(db, now=FROZEN_NOW, closed_zones=closed))
        never_called = [
            row[0]
            for row in db.execute(
                "SELECT id FROM prospects WHERE last_called_at IS NULL AND next_call_at IS NULL"
            )
        ]
        position = max(whole.index(id_) for id_ in never_called if id_ in whole)
        first = position - (position - 5) % 4  # the first row of its page and run
        await pilot.press("home", *"j" * first)
        await settle(pilot)
        called, after = whole[first], whole[first + 1]
        assert queue.highlighted_id == called
        poll = screen._refresh_on_outside_change
        monkeypatch.setattr(screen, "_refresh_on_outside_change", lambda: None)
        add_outside_leads(demo_app.storage.path, 3)
        keys = ["l", "n", "enter", "l", "v", "enter"]
        await pilot.press(*keys[:noticed_after])
        poll()
        await pilot.press(*keys[noticed_after:])
        await settle(pilot)
        logged = db.execute("SELECT prospect_id, outcome FROM calls ORDER BY id DESC LIMIT 2")
        assert sorted(logged.fetchall()) == sorted([(called, "no_answer"), (after, "voicemail")])


async def test_a_call_whose_next_row_is_read_again_drops_the_keys_typed_after_it(
    demo_app: FunnelApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row below the prospect called is one of a long order not read before the book
    changed (GONE): the call is logged on the prospect highlighted, and the keys typed
    after it are dropped and said, not applied to whoever the order read again puts on
    the cursor."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        await pilot.press("j", "j")
        await settle(pilot)
        called = queue.highlighted_id
        monkeypatch.setattr(queue, "id_after", lambda prospect_id: GONE)
        before = db.execute("SELECT max(id) FROM calls").fetchone()[0]
        burst(demo_app, "l", "n", "enter", "l", "v", "enter")
        await settle(pilot)
        logged = db.execute(
            "SELECT prospect_id, outcome FROM calls WHERE id > ? ORDER BY id", [before]
        ).fetchall()
        assert logged == [(called, "no_answer")]
        said = [str(toast.message) for toast in demo_app._notifications]
        assert any("read again" in line for line in said), said


@pytest.mark.usefixtures("short_runs", "no_poll")
async def test_rows_not_read_since_an_outside_change_have_the_order_read_at_once(
    demo_app: FunnelApp,
) -> None:
    """Another program adds leads to a paged queue; `end` meets rows that cannot be read
    since (drawn `…`): the order is read again then, not at the app's next look at the
    book (held off here for a minute), and the last row is the whole order's last."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 14)) as pilot:
        await settle(pilot)
        queue = demo_app.screen.query_one(CallQueue)
        assert isinstance(queue._ids, PagedIds)
        add_outside_leads(demo_app.storage.path, 3)
        closed = closed_timezones(db, FROZEN_NOW, load_settings(db))
        whole = list(queue_ids(db, now=FROZEN_NOW, closed_zones=closed))
        assert queue.row_count < len(whole)
        await pilot.press("end")
        await settle_until(pilot, lambda: queue.row_count == len(whole), rounds=20)
        await pilot.press("end")
        await settle(pilot)
        assert queue.highlighted_id == whole[-1]


@pytest.mark.usefixtures("short_runs", "no_poll")
@pytest.mark.parametrize(
    ("keys", "doing"), [(["l", "n", "enter"], "log"), (["h", "e", "enter"], "show")]
)
async def test_keys_typed_after_an_l_or_h_on_a_row_read_again_are_dropped(
    demo_app: FunnelApp, keys: list[str], doing: str
) -> None:
    """`end l n enter` in a paged queue right after another program's write: the cursor's
    row cannot be read until the order is read again (`…`), so `l` logs nothing; `n` and
    `enter`, meant for its dialog, are dropped and said, not left to start a call on
    whoever the order read again puts on the cursor. So too after `h`, whose timeline
    does not open: `e` does not open anyone's form, nor `enter` start a call."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 14), notifications=True) as pilot:
        await settle(pilot)
        add_outside_leads(demo_app.storage.path, 1)
        before = db.execute("SELECT max(id) FROM calls").fetchone()[0]
        burst(demo_app, "end", *keys)
        await settle(pilot)
        assert db.execute("SELECT count(*) FROM calls WHERE id > ?", [before]).fetchone()[0] == 0
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        assert screen.running_call is None
        said = [str(toast.message) for toast in demo_app._notifications]
        assert any(f"being read again: nothing to {doing}" in line for line in said), said
        assert any("read again after a change" in line for line in said), said
