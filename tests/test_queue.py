"""The call queue: bucket order, exclusions, the filter, and index-only reads (PRODUCT 5)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from funnel_tui import queue as queue_module
from funnel_tui import queue_filter
from funnel_tui.prospect_ids import BITS_UP_TO, IdBits, id_array, joined
from funnel_tui.queue import (
    QueueMode,
    QueueRow,
    closed_timezones,
    fetch_rows,
    place_elsewhere,
    queue_ids,
    queue_order,
    read_filtered_order_quickly,
    read_order,
)
from funnel_tui.settings import Settings
from funnel_tui.store import stopping
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.timestamps import to_stored
from funnel_tui.ui.formatting import day_and_time, next_task_label
from tests.rows import insert_row, table_rows

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 11, 0, tzinfo=LONDON)


def london(day: str, clock: str = "09:00:00") -> str:
    return to_stored(datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON))


def insert(db: Any, name: str, **columns: Any) -> int:
    columns.setdefault("created_at", london("2026-11-01"))
    return insert_row(db, "prospects", {"name": name, **columns})


def called(next_call_at: str | None, **columns: Any) -> dict[str, Any]:
    """Columns of a prospect that has been called before."""
    return {
        "next_call_at": next_call_at,
        "last_called_at": london("2026-11-20", "10:00:00"),
        "last_outcome": "no_answer",
        "attempts": 1,
        **columns,
    }


def with_task(db: Any, name: str, kind: str, due_at: str, **columns: Any) -> int:
    """A prospect called before whose one open task is of this kind (the tasks triggers set
    next_call_at and next_task_kind from it)."""
    prospect_id = insert(db, name, **called(None, **columns))
    insert_row(db, "tasks", {"prospect_id": prospect_id, "kind": kind, "due_at": due_at})
    return prospect_id


def names(db: Any, ids: Iterable[int]) -> list[str]:
    by_id = {row["id"]: row["name"] for row in table_rows(db, "prospects")}
    return [by_id[prospect_id] for prospect_id in ids]


def fill_every_bucket(db: Any) -> Any:
    """One prospect for each place in the queue and for each reason to be left out."""
    # Excluded ones first, so their ids would sort ahead of everything if they leaked in.
    insert(db, "lost never called", stage="lost")
    insert(db, "lost but due", stage="lost", **called(london("2026-11-24")))
    with_task(db, "lost with a due meeting", "meeting", london("2026-11-24"), stage="lost")
    insert(db, "do not call never called", do_not_call=1)
    insert(db, "do not call but due", do_not_call=1, **called(london("2026-11-24")))
    with_task(db, "do not call with a revisit", "revisit", london("2026-11-24"), do_not_call=1)
    insert(db, "wrong number never called", wrong_number=1)
    insert(db, "wrong number but due", wrong_number=1, **called(london("2026-11-24")))
    insert(db, "won never called", stage="won", kind="customer")
    insert(db, "customer never called", kind="customer")
    insert(db, "nurture never called", nurture=1)
    insert(db, "won without follow-up", stage="won", kind="customer", **called(None))
    insert(db, "due tomorrow at midnight", **called(london("2026-11-26", "00:00:00")))
    insert(db, "due next week", **called(london("2026-12-02")))
    with_task(db, "revisit next month", "revisit", london("2026-12-20"), stage="lost", nurture=1)
    insert(db, "lost after attempts", stage="lost", nurture=1, **called(None, attempts=6))
    # Due later today, inserted out of order.
    insert(db, "later at 14:00", **called(london("2026-11-25", "14:00:00")))
    insert(db, "later at the last second", **called(london("2026-11-25", "23:59:59")))
    at_four = london("2026-11-25", "16:00:00")
    with_task(db, "lost, revisit at 16:00", "revisit", at_four, stage="lost")
    with_task(db, "lost, call at 15:00", "call", london("2026-11-25", "15:00:00"), stage="lost")
    with_task(db, "meeting at 12:00", "meeting", london("2026-11-25", "12:00:00"))
    insert(db, "later at 11:00:01", **called(london("2026-11-25", "11:00:01")))
    # Due revisits: nurture leads whose revisit date has come, a lost one among them.
    with_task(db, "revisit this morning", "revisit", london("2026-11-25", "08:00:00"), nurture=1)
    with_task(
        db, "lost, revisit yesterday", "revisit", london("2026-11-24"), stage="lost", nurture=1
    )
    # Never called, inserted out of order; a tie on priority and created_at goes by id.
    insert(db, "never called normal newer", created_at=london("2026-11-10"))
    insert(db, "never called low oldest", priority=0, created_at=london("2026-10-01"))
    insert(db, "never called high b", priority=2, created_at=london("2026-11-20"))
    insert(db, "never called normal older", created_at=london("2026-11-02"))
    insert(db, "never called high c", priority=2, created_at=london("2026-11-20"))
    insert(db, "never called high oldest", priority=2, created_at=london("2026-11-15"))
    # Cadence retries due now or overdue, inserted out of order; a tie on the due time
    # goes by id.
    insert(db, "due exactly now", **called(london("2026-11-25", "11:00:00")))
    insert(db, "overdue since yesterday", **called(london("2026-11-24", "15:00:00")))
    insert(db, "overdue since last week", **called(london("2026-11-18")))
    insert(db, "overdue this morning x", **called(london("2026-11-25", "09:30:00")))
    insert(db, "overdue this morning y", **called(london("2026-11-25", "09:30:00")))
    with_task(db, "email this morning", "email", london("2026-11-25", "10:15:00"))
    insert(
        db,
        "customer with a follow-up",
        stage="won",
        kind="customer",
        **called(london("2026-11-25", "10:00:00"), last_outcome="won", attempts=0),
    )
    # Appointments due now or overdue, inserted out of order.
    with_task(db, "callback due exactly now", "callback", london("2026-11-25", "11:00:00"))
    with_task(db, "meeting missed yesterday", "meeting", london("2026-11-24", "16:00:00"))
    with_task(db, "callback this morning", "callback", london("2026-11-25", "10:30:00"))
    return db


@pytest.fixture
def every_bucket(book_db: Any) -> Any:
    return fill_every_bucket(book_db)


@pytest.fixture
def every_bucket_file(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """every_bucket in a SQLite file, for the tests of SQLite's query plans."""
    return fill_every_bucket(db)


QUEUE_ORDER = [
    # 1. appointments due now or overdue, oldest due first
    "meeting missed yesterday",
    "callback this morning",
    "callback due exactly now",
    # 2. cadence retries due now or overdue, oldest due first
    "overdue since last week",
    "overdue since yesterday",
    "overdue this morning x",
    "overdue this morning y",
    "customer with a follow-up",
    "email this morning",
    "due exactly now",
    # 3. never called: high priority first, then newest first (speed to lead)
    "never called high c",
    "never called high b",
    "never called high oldest",
    "never called normal newer",
    "never called normal older",
    "never called low oldest",
    # 4. revisits due, oldest due first
    "lost, revisit yesterday",
    "revisit this morning",
    # 5. due later today, by time
    "later at 11:00:01",
    "meeting at 12:00",
    "later at 14:00",
    "lost, revisit at 16:00",
    "later at the last second",
]


def test_queue_order_follows_the_five_buckets(every_bucket: Any) -> None:
    assert names(every_bucket, queue_ids(every_bucket, now=NOW)) == QUEUE_ORDER


@pytest.mark.parametrize(
    "left_out",
    [
        "lost never called",
        "lost but due",
        "lost with a due meeting",
        "lost, call at 15:00",
        "do not call never called",
        "do not call but due",
        "do not call with a revisit",
        "wrong number never called",
        "wrong number but due",
        "won never called",
        "customer never called",
        "nurture never called",
        "won without follow-up",
        "due tomorrow at midnight",
        "due next week",
        "revisit next month",
        "lost after attempts",
    ],
)
def test_left_out_of_todays_queue(every_bucket: Any, left_out: str) -> None:
    assert left_out not in names(every_bucket, queue_ids(every_bucket, now=NOW))


def test_a_lead_that_came_in_this_morning_beats_last_months_list(
    book_db: Any,
) -> None:
    insert(book_db, "cold list", created_at=london("2026-10-25"))
    insert(book_db, "web form this morning", created_at=london("2026-11-25", "08:12:00"))
    insert(book_db, "referral last week", created_at=london("2026-11-18"))
    assert names(book_db, queue_ids(book_db, now=NOW)) == [
        "web form this morning",
        "referral last week",
        "cold list",
    ]


def test_a_promised_callback_goes_before_an_older_routine_retry(
    book_db: Any,
) -> None:
    insert(book_db, "retry overdue since last week", **called(london("2026-11-18")))
    with_task(book_db, "callback promised for 10:00", "callback", london("2026-11-25", "10:00:00"))
    assert names(book_db, queue_ids(book_db, now=NOW)) == [
        "callback promised for 10:00",
        "retry overdue since last week",
    ]


def test_the_queue_follows_the_earliest_open_task(book_db: Any) -> None:
    """A meeting next week and a callback this morning: the callback leads, and once it
    is done the prospect waits for the meeting."""
    prospect = with_task(book_db, "two tasks", "meeting", london("2026-12-02"))
    assert list(queue_ids(book_db, now=NOW)) == []
    callback = {"prospect_id": prospect, "kind": "callback", "due_at": london("2026-11-25")}
    insert_row(book_db, "tasks", callback)
    assert list(queue_ids(book_db, now=NOW)) == [prospect]
    assert fetch_rows(book_db, [prospect])[prospect].next_task_kind == "callback"
    book_db.execute("UPDATE tasks SET status = 'done' WHERE kind = 'callback'")
    assert list(queue_ids(book_db, now=NOW)) == []
    assert fetch_rows(book_db, [prospect])[prospect].next_task_kind == "meeting"


def test_a_next_call_written_by_another_tool_is_a_call_task(book_db: Any) -> None:
    prospect = insert(book_db, "edited", **called(None))
    book_db.execute(
        "UPDATE prospects SET next_call_at = ? WHERE id = ?", [london("2026-11-25"), prospect]
    )
    assert list(queue_ids(book_db, now=NOW)) == [prospect]
    assert fetch_rows(book_db, [prospect])[prospect].next_task_kind == "call"


def test_queue_order_is_the_same_on_every_read(every_bucket: Any) -> None:
    first = list(queue_ids(every_bucket, now=NOW))
    assert [list(queue_ids(every_bucket, now=NOW)) for _ in range(3)] == [first] * 3


def test_later_today_moves_up_as_the_day_goes_on(every_bucket: Any) -> None:
    afternoon = datetime(2026, 11, 25, 15, 0, tzinfo=LONDON)
    order = names(every_bucket, queue_ids(every_bucket, now=afternoon))
    # The meeting at 12:00 is now an appointment due, the 11:00:01 and 14:00 calls retries.
    assert order[:13] == [
        *QUEUE_ORDER[:3],
        "meeting at 12:00",
        *QUEUE_ORDER[3:10],
        "later at 11:00:01",
        "later at 14:00",
    ]
    assert order[-2:] == ["lost, revisit at 16:00", "later at the last second"]


def test_tomorrows_follow_up_joins_the_queue_tomorrow(every_bucket: Any) -> None:
    tomorrow = datetime(2026, 11, 26, 8, 0, tzinfo=LONDON)
    order = names(every_bucket, queue_ids(every_bucket, now=tomorrow))
    assert "due tomorrow at midnight" in order
    assert "due next week" not in order


def test_all_mode_lists_everyone_by_name(every_bucket: Any) -> None:
    insert(every_bucket, "Ann Archer")
    insert(every_bucket, "ann archer")
    insert(every_bucket, "Zoe Zane", stage="lost")
    everyone = list(every_bucket.execute("SELECT id, name FROM prospects"))
    expected = [name for _, name in sorted(everyone, key=lambda row: (row[1].lower(), row[0]))]
    shown = names(every_bucket, queue_ids(every_bucket, now=NOW, mode=QueueMode.ALL))
    assert shown == expected
    assert {"lost never called", "do not call but due", "won without follow-up"} <= set(shown)


def test_fetch_rows_gives_the_columns_the_list_shows(book_db: Any) -> None:
    due = london("2026-11-25", "09:30:00")
    first = insert(book_db, "Ann", company="Acme", **called(due, attempts=2))
    second = insert(book_db, "Bob", timezone="America/New_York", priority=2)
    rows = fetch_rows(book_db, [second, first])
    assert rows == {
        first: QueueRow(
            *(first, "Ann", "Acme", "new", "lead", due, "call", 2, "no_answer", 1, None),
            last_called_at=london("2026-11-20", "10:00:00"),
        ),
        second: QueueRow(
            second, "Bob", None, "new", "lead", None, None, 0, None, 2, "America/New_York"
        ),
    }
    assert fetch_rows(book_db, []) == {}


@pytest.fixture
def directory(book_db: Any) -> Any:
    """Prospects with contact details to filter by, all in today's queue."""
    insert(book_db, "Ann Archer", company="Acme Ltd", email="ann@acme.example")
    insert(book_db, "Bea Baker", company="Globex", email="B.Baker@Globex.example")
    insert(book_db, "Cy Cole", company="Initech", phone="+44 20 7946 0958")
    insert(book_db, "Di Dunn", company="100% Solar", phone="(020) 7946-0011")
    insert(book_db, "Ed Eve", company="snake_case GmbH", phone="030/1234 5678")
    insert(book_db, "Flo Fox", company="Back\\slash & Co", email="flo@fox.example")
    insert(book_db, "Gus Gray", company="Acme Ltd", **called(london("2026-11-25", "08:00:00")))
    return book_db


FILTERS = [
    pytest.param("archer", ["Ann Archer"], id="name, any case"),
    pytest.param("ACME", ["Gus Gray", "Ann Archer"], id="company, in queue order"),
    pytest.param("b.baker@GLOBEX", ["Bea Baker"], id="email, any case"),
    pytest.param("  fox.example  ", ["Flo Fox"], id="surrounding spaces ignored"),
    pytest.param("ann  archer", ["Ann Archer"], id="two spaces read as one, as the title"),
    pytest.param("ann acme", ["Ann Archer"], id="words from two fields"),
    pytest.param("ACME ltd Ann", ["Ann Archer"], id="words in any order"),
    pytest.param("ann globex", [], id="every word must match"),
    pytest.param("acm gr", ["Gus Gray"], id="a word too short for the trigram index"),
    pytest.param("cole 7946", ["Cy Cole"], id="a name and part of the phone"),
    pytest.param("7946 0958", ["Cy Cole"], id="phone digits with a space"),
    pytest.param("20-7946-0958", ["Cy Cole"], id="phone digits with dashes"),
    pytest.param("+44 (20) 79460958", ["Cy Cole"], id="phone with country code"),
    pytest.param("02079460011", ["Di Dunn"], id="phone digits run together"),
    pytest.param("7946", ["Di Dunn", "Cy Cole"], id="part of two numbers, newest first"),
    pytest.param("0301234 5678", ["Ed Eve"], id="phone written with a slash"),
    pytest.param("%", ["Di Dunn"], id="percent is literal"),
    pytest.param("_", ["Ed Eve"], id="underscore is literal"),
    pytest.param("\\", ["Flo Fox"], id="backslash is literal"),
    pytest.param("nobody", [], id="no match"),
]


@pytest.mark.parametrize(("typed", "found"), FILTERS)
def test_filter(directory: Any, typed: str, found: list[str]) -> None:
    assert names(directory, queue_ids(directory, now=NOW, text=typed)) == found


def test_filters_read_one_after_another_on_one_connection_each_find_their_own(
    directory: Any,
) -> None:
    # `%`, `_` and `\` have no three characters to look up: each is a pass over every
    # prospect, whose matches the connection keeps until the next pass.
    for typed, found in [
        ("%", ["Di Dunn"]),
        ("_", ["Ed Eve"]),
        ("archer", ["Ann Archer"]),
        ("\\", ["Flo Fox"]),
        ("nobody", []),
        ("%", ["Di Dunn"]),
    ]:
        assert names(directory, queue_ids(directory, now=NOW, text=typed)) == found
        everyone = queue_order(directory, now=NOW, mode=QueueMode.ALL, text=typed)
        assert names(directory, everyone.ids) == sorted(found)


@pytest.mark.parametrize(("typed", "found"), FILTERS)
@pytest.mark.parametrize("mode", [QueueMode.TODAY, QueueMode.ALL])
def test_a_filter_read_quickly_is_the_whole_read_or_none(
    directory: Any, typed: str, found: list[str], mode: QueueMode
) -> None:
    """What the UI reads on its own thread is what the database thread would read."""
    settings = Settings(phone_region="GB")
    quick = read_filtered_order_quickly(
        directory, now=NOW, mode=mode, text=typed, settings=settings
    )
    if quick is not None:
        assert quick == read_order(directory, now=NOW, mode=mode, text=typed, settings=settings)


def test_a_filter_is_read_quickly_only_in_a_file_and_for_a_few_indexed_matches(
    directory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def quick(typed: str) -> list[str] | None:
        order = read_filtered_order_quickly(
            directory, now=NOW, mode=QueueMode.TODAY, text=typed, settings=Settings()
        )
        return None if order is None else names(directory, order.ids)

    if dialect_of(directory) is Dialect.POSTGRESQL:
        assert quick("archer") is None
        return
    assert quick("archer") == ["Ann Archer"]
    assert quick("acme ann") == ["Ann Archer"]
    assert quick("nobody") == []
    # Too short for the trigram index: a pass over every prospect, in the database thread.
    assert quick("ar") is None
    assert quick("") is None
    monkeypatch.setattr(queue_filter, "QUICK_MATCHES_AT_MOST", 1)
    assert quick("acme") is None
    assert quick("archer") == ["Ann Archer"]


def test_a_number_in_most_phones_is_given_up_on_the_ui_thread_after_a_few_matches(
    db: sqlite_utils.Database,
) -> None:
    """`555` is in nearly every number of a large book: the UI's own thread stops looking
    once it has found more than it would show at once, rather than reading every match
    (two seconds at a million prospects, during which the typed key did not show)."""
    db.conn.executemany(
        "INSERT INTO prospects (name, phone) VALUES (?, ?)",
        [(f"Lead {number}", f"+1617555{number:04d}") for number in range(3000)],
    )
    steps = [0]

    def count_steps() -> int:
        steps[0] += 1
        return 0

    def steps_of(read: Any) -> int:
        steps[0] = 0
        db.conn.set_progress_handler(count_steps, 100)
        try:
            read()
        finally:
            db.conn.set_progress_handler(None, 0)
        return steps[0]

    quick = steps_of(
        lambda: read_filtered_order_quickly(
            db, now=NOW, mode=QueueMode.ALL, text="555", settings=Settings(phone_region="US")
        )
    )
    every_match = steps_of(
        lambda: db.execute(
            "SELECT count(*) FROM prospect_search WHERE search_text LIKE '%555%'"
        ).fetchone()
    )
    assert quick < every_match / 2


def test_a_number_found_by_both_its_lookups_counts_once_towards_the_quick_read(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.conn.executemany(
        "INSERT INTO prospects (name, phone) VALUES (?, ?)",
        [(f"Lead {number}", f"+1617555000{number}") for number in range(8)],
    )
    monkeypatch.setattr(queue_filter, "QUICK_MATCHES_AT_MOST", 10)
    order = read_filtered_order_quickly(
        db, now=NOW, mode=QueueMode.ALL, text="555", settings=Settings(phone_region="US")
    )
    assert order is not None and len(order.ids) == 8


@pytest.fixture
def accented(book_db: Any) -> Any:
    """Prospects whose names and companies are written with accents, or in capitals."""
    insert(book_db, "José Álvarez", company="Müller GmbH", email="jose@alvarez.example")
    insert(book_db, "ÉMILE ZOLA", company="Éditions Plon")
    # As a file from a Mac may hold it: the accents as letters of their own.
    insert(book_db, unicodedata.normalize("NFD", "Zoë Nguyễn"), company="Phở Co")
    insert(book_db, "Jose Ruiz", company="Acme Ltd")
    insert(book_db, "José-María Gómez")
    return book_db


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        pytest.param(
            "jose", ["José-María Gómez", "Jose Ruiz", "José Álvarez"], id="accents not typed"
        ),
        pytest.param(
            "josé",
            ["José-María Gómez", "Jose Ruiz", "José Álvarez"],
            id="accents typed where none are",
        ),
        pytest.param("muller", ["José Álvarez"], id="umlaut"),
        pytest.param("MÜLLER", ["José Álvarez"], id="umlaut in capitals"),
        pytest.param("émile", ["ÉMILE ZOLA"], id="capital with an accent, typed small"),
        pytest.param("editions", ["ÉMILE ZOLA"], id="second field"),
        pytest.param("alvarez jose", ["José Álvarez"], id="two words, both folded"),
        pytest.param("zoe nguyen", ["Zoë Nguyễn"], id="accents stored as combining marks"),
        pytest.param("pho", ["Zoë Nguyễn"], id="a short word"),
        pytest.param("rez jose", ["José Álvarez"], id="one word as typed, one folded"),
        pytest.param("üll", ["José Álvarez"], id="accent typed inside a word"),
        pytest.param("jose-maria", ["José-María Gómez"], id="a hyphenated name, folded"),
        pytest.param("gomez jose-m", ["José-María Gómez"], id="a hyphenated name, begun"),
        pytest.param("zola acme", [], id="every word must still match"),
    ],
)
def test_the_filter_ignores_accents_and_case(accented: Any, typed: str, found: list[str]) -> None:
    shown = names(accented, queue_ids(accented, now=NOW, text=typed))
    assert [unicodedata.normalize("NFC", name) for name in shown] == found


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        pytest.param("j.smith@acme.com", ["John Smith"], id="an email, pasted"),
        pytest.param("smith.j@acme.com", ["Smith Jürgens"], id="another"),
        pytest.param("j.smithers@acme", ["José Smithers"], id="part of one"),
        pytest.param("jose-s", [], id="pieces of two fields"),
        pytest.param("smithers-acme", [], id="pieces in another order"),
        pytest.param("acme-societe", [], id="a word typed over two of them"),
        pytest.param("acme societe", ["José Smithers"], id="as two words"),
    ],
)
def test_a_word_of_several_pieces_finds_only_texts_that_hold_it(
    book_db: Any, typed: str, found: list[str]
) -> None:
    """An email pasted whole listed everyone whose text past ASCII held each of its
    pieces at the start of some word, in any order and any field: `j.smith@acme.com`
    found José Smithers of Acme Société, j.smithers@acme.com."""
    insert(book_db, "John Smith", company="Acme", email="j.smith@acme.com")
    insert(book_db, "José Smithers", company="Acme Société", email="j.smithers@acme.com")
    insert(book_db, "João Smithson", company="Acmé", email="jsmithson@acme.com.br")
    insert(book_db, "Smith Jürgens", company="Comac Acme", email="smith.j@acme.com")
    assert names(book_db, queue_ids(book_db, now=NOW, text=typed)) == found


@pytest.mark.parametrize(
    ("typed", "region", "found"),
    [
        ("07700 900318", "GB", ["Mo Mills"]),
        ("07700900318", "GB", ["Mo Mills"]),
        ("+44 7700 900318", "GB", ["Mo Mills"]),
        ("0044 7700 900318", "GB", ["Mo Mills"]),
        ("7700 900318", "GB", ["Mo Mills"]),
        ("+44 7700 900318", "US", ["Mo Mills"]),
        # Part of a number: as typed, and after the trunk 0 of a national one.
        ("900318", "GB", ["Mo Mills"]),
        ("07700 9", "GB", ["Mo Mills"]),
        ("020 7946", "GB", ["Lu Lane"]),
        ("555.000.1000", "US", ["Ned Nash"]),
        ("1 (555) 000-1000", "US", ["Ned Nash"]),
        ("+1 555 000 1000", "GB", ["Ned Nash"]),
        ("020", "GB", ["Lu Lane"]),
        ("0770", "GB", ["Mo Mills"]),
        # Without the country, a whole national number is found right after any
        # country code: a UK number typed as a UK list writes it, in a US book.
        ("07700 900318", "US", ["Mo Mills"]),
        # A Berlin number typed as a German list writes it, in a GB book.
        ("030 90182071", "GB", ["Ida Iser"]),
        ("0049 30 90182071", "GB", ["Ida Iser"]),
        ("0049 30 90182071", "US", ["Ida Iser"]),
        # The first digit of a part of a number is no trunk prefix to drop.
        ("1555", "US", ["Ned Nash"]),
        ("1303", "US", ["Di Denver"]),
        ("1000", "US", ["Ned Nash"]),
        ("0002", "GB", []),
        # With a name, in any order: the number's words are read together.
        ("lane 020 7946 0958", "GB", ["Lu Lane"]),
        ("(020) 7946-0958 lu", "GB", ["Lu Lane"]),
        ("mo 07700 900318", "GB", ["Mo Mills"]),
        ("ned 1 (555) 000-1000", "US", ["Ned Nash"]),
        ("mills 020 7946 0958", "GB", []),
        # A number stored in national form (from v4) is found as typed.
        ("06 12 34", "FR", ["Jo Jolie"]),
        ("06 12 34 56 78", "FR", ["Jo Jolie"]),
    ],
)
def test_the_filter_finds_a_stored_number_however_it_is_typed(
    book_db: Any, typed: str, region: str, found: list[str]
) -> None:
    insert(book_db, "Lu Lane", phone="+442079460958")
    insert(book_db, "Mo Mills", phone="+447700900318")
    insert(book_db, "Ned Nash", phone="+15550001000;ext=12")
    # Numbers that a trunk prefix dropped from what was typed used to find.
    insert(book_db, "Bea Barcelona", phone="+34934817702")  # holds 770 (0770 without its 0)
    insert(book_db, "Ula Uk", phone="+443035550111")  # holds 303 (1303 without its 1)
    insert(book_db, "Sam Five", phone="+12125550199")  # holds 555 (1555 without its 1)
    insert(book_db, "Ola Zero", phone="+13125500211")  # holds 002 (0002 without its 0)
    insert(book_db, "Zed Zero", phone="+13125300040")  # holds 000 (1000 without its 1)
    insert(book_db, "Di Denver", phone="+13035551234")
    insert(book_db, "Jo Jolie", phone="06 12 34 56 78")
    insert(book_db, "Ida Iser", phone="+493090182071")
    assert names(book_db, queue_ids(book_db, now=NOW, text=typed, phone_region=region)) == found


def test_a_filter_of_a_thousand_words_is_read_without_error(directory: Any) -> None:
    """Pasted text is more words than a filter reads: the query stays within what the
    database takes (SQLite refuses one a thousand conditions deep)."""
    pasted = " ".join(f"w{number}" for number in range(1100))
    assert list(queue_ids(directory, now=NOW, text=pasted)) == []
    assert names(directory, queue_ids(directory, now=NOW, text=" ".join(["ann"] * 1100))) == [
        "Ann Archer"
    ]


def test_a_blank_filter_shows_the_whole_queue(directory: Any) -> None:
    assert queue_ids(directory, now=NOW, text="   ") == queue_ids(directory, now=NOW)


def test_the_filter_finds_every_prospect_and_says_where_the_others_are(
    directory: Any,
) -> None:
    """Today's matches first, in queue order; then the matches from outside today's
    queue, by name, each saying why it is not in it."""
    elsewhere = {
        "Acme lost": {"stage": "lost", **called(None)},
        "Acme nurture": {"stage": "lost", "nurture": 1, **called(None)},
        "Acme next week": called(london("2026-12-02")),
        "Acme do not call": {"do_not_call": 1},
        "Acme customer": {"kind": "customer", "stage": "won", **called(None)},
        "Acme in New York": {"timezone": "America/New_York"},
    }
    for name, columns in elsewhere.items():
        insert(directory, name, **columns)
    order = queue_order(directory, now=NOW, text="acme", closed_zones={"America/New_York"})
    assert names(directory, order.ids) == [
        "Gus Gray",
        "Ann Archer",
        "Acme customer",
        "Acme do not call",
        "Acme in New York",
        "Acme lost",
        "Acme next week",
        "Acme nurture",
    ]
    assert order.elsewhere_from == 2
    rows = fetch_rows(directory, order.ids)
    notes = [place_elsewhere(rows[i], NOW, QueueMode.TODAY) for i in order.ids[2:]]
    assert notes == ["customer", "DNC", "off hours", "lost", "not today", "nurture"]
    assert all(len(note) <= 9 for note in notes)


def test_the_filter_in_nurture_finds_todays_prospects_too(
    directory: Any,
) -> None:
    insert(directory, "Acme nurture", stage="lost", nurture=1, **called(None))
    order = queue_order(directory, now=NOW, mode=QueueMode.NURTURE, text="acme")
    assert names(directory, order.ids) == ["Acme nurture", "Ann Archer", "Gus Gray"]
    assert order.elsewhere_from == 1
    rows = fetch_rows(directory, order.ids)
    assert [place_elsewhere(rows[i], NOW, QueueMode.NURTURE) for i in order.ids[1:]] == [
        "today",
        "today",
    ]


def test_all_prospects_has_no_matches_elsewhere(directory: Any) -> None:
    insert(directory, "Hal Acme-Hill", stage="lost")
    everyone = queue_order(directory, now=NOW, mode=QueueMode.ALL, text="acme")
    assert names(directory, everyone.ids) == ["Ann Archer", "Gus Gray", "Hal Acme-Hill"]
    assert everyone.elsewhere_from is None


def test_the_head_read_of_a_filter_stops_at_its_limit(
    directory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert(directory, "Acme lost", stage="lost")
    # Its matches all found already, a filter's head is its whole order.
    whole = queue_order(directory, now=NOW, text="acme", limit=1)
    assert names(directory, whole.ids) == ["Gus Gray", "Ann Archer", "Acme lost"]
    assert whole.complete
    if dialect_of(directory) is Dialect.POSTGRESQL:
        return  # a team's server lists every match
    # Each prospect checked as the order reads it, the head stops at its limit.
    monkeypatch.setattr(queue_filter, "indexed_matches", lambda *args, **kw: None)
    monkeypatch.setattr(queue_filter, "PASSED_FOR_HEAD_AT_MOST", 0)
    head = queue_order(directory, now=NOW, text="acme", limit=3)
    assert names(directory, head.ids) == ["Gus Gray", "Ann Archer", "Acme lost"]
    assert not head.complete
    assert len(queue_order(directory, now=NOW, text="acme", limit=1).ids) == 1


@pytest.mark.parametrize(("typed", "found"), FILTERS)
@pytest.mark.parametrize("mode", list(QueueMode))
@pytest.mark.parametrize("passed_at_most", [0, 1, 20_000])
def test_the_head_of_a_filter_is_the_start_of_its_whole_order(
    directory: Any,
    monkeypatch: pytest.MonkeyPatch,
    typed: str,
    found: list[str],
    mode: QueueMode,
    passed_at_most: int,
) -> None:
    """However the first screenful finds its matches (each prospect checked as the order
    reads it, or a pass that stopped early), it is the start of the whole order."""
    insert(directory, "Acme lost", stage="lost", **called(None))
    insert(directory, "Acme nurture", stage="lost", nurture=1, **called(None))
    monkeypatch.setattr(queue_filter, "indexed_matches", lambda *args, **kw: None)
    monkeypatch.setattr(queue_filter, "PASSED_FOR_HEAD_AT_MOST", passed_at_most)
    whole = queue_order(directory, now=NOW, mode=mode, text=typed)
    for limit in (1, 2, 3, 50):
        head = queue_order(directory, now=NOW, mode=mode, text=typed, limit=limit)
        if head.complete:
            # Every match found by the pass: the whole order at once.
            assert head == whole
        else:
            assert list(head.ids) == list(whole.ids[:limit])


@pytest.mark.parametrize(("typed", "found"), FILTERS)
@pytest.mark.parametrize("mode", list(QueueMode))
def test_a_passs_matches_kept_as_bits_order_the_queue_as_sql_does(
    directory: Any, monkeypatch: pytest.MonkeyPatch, typed: str, found: list[str], mode: QueueMode
) -> None:
    """The matches a pass finds are kept as bits while the view's ids are read, instead of
    SQLite looking each id up in PASSED_MATCHES (3 to 4 µs an id): the same order, with
    the same matches elsewhere and the same count held back."""
    if dialect_of(directory) is Dialect.POSTGRESQL:
        pytest.skip("a team's server lists every match")
    insert(directory, "Acme lost", stage="lost", **called(None))
    insert(directory, "Acme nurture", stage="lost", nurture=1, **called(None))
    insert(directory, "Acme in New York", company="Acme Ltd", timezone="America/New_York")
    insert(directory, "Zed Acme-Zorn", company="Initech", phone="+44 20 7946 0999")
    monkeypatch.setattr(queue_filter, "indexed_matches", lambda *args, **kw: None)
    matches = queue_filter.find_matches(directory, typed, "GB")
    closed = {"America/New_York"}
    by_bits = queue_order(
        directory, now=NOW, mode=mode, text=typed, matching=matches, closed_zones=closed
    )
    in_sql = matches._replace(bits=None)
    by_sql = queue_order(
        directory, now=NOW, mode=mode, text=typed, matching=in_sql, closed_zones=closed
    )
    assert by_bits == by_sql
    if found:
        assert matches.bits is not None
        assert set(names(directory, by_bits.ids)) >= set(found)


def test_ids_as_bits() -> None:
    bits = IdBits.of([0, 3, 8, 1_000], 1_000)
    assert [id_ in bits for id_ in (0, 1, 3, 8, 9, 1_000, 1_001, -8, 2**40)] == [
        True, False, True, True, False, True, False, False, False
    ]  # fmt: skip
    rows = [(id_,) for id_ in (1_000, 5, 3, -3, 8, 2**62, 0)]
    assert list(bits.kept(rows)) == [1_000, 3, 8, 0]
    assert list(bits.kept(rows, without=IdBits.of([3, 0], 3))) == [1_000, 8]


def test_matches_past_what_bits_hold_are_looked_up_by_sql(
    directory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An id another tool wrote past BITS_UP_TO, or below 0, keeps the matches in SQL."""
    if dialect_of(directory) is Dialect.POSTGRESQL:
        pytest.skip("a team's server lists every match")
    monkeypatch.setattr(queue_filter, "indexed_matches", lambda *args, **kw: None)
    assert queue_filter.find_matches(directory, "acme", "GB").bits is not None
    insert_row(directory, "prospects", {"id": BITS_UP_TO + 1, "name": "Acme Far"})
    far = queue_filter.find_matches(directory, "acme", "GB")
    assert far.bits is None
    assert "Acme Far" in names(directory, queue_order(directory, now=NOW, text="acme").ids)
    insert_row(directory, "prospects", {"id": -2, "name": "Acme Below"})
    assert queue_filter.find_matches(directory, "acme", "GB").bits is None


@pytest.mark.parametrize(("typed", "found"), FILTERS)
@pytest.mark.parametrize("mode", list(QueueMode))
def test_a_filters_head_read_quickly_is_the_start_of_its_whole_order(
    directory: Any, monkeypatch: pytest.MonkeyPatch, typed: str, found: list[str], mode: QueueMode
) -> None:
    """What the UI's own thread reads of a filter the indexes cannot list (here: none) is
    its whole order or its first rows, each prospect checked in turn."""
    insert(directory, "Acme lost", stage="lost", **called(None))
    monkeypatch.setattr(queue_filter, "indexed_matches", lambda *args, **kw: None)
    settings = Settings(phone_region="GB")
    whole = read_order(directory, now=NOW, mode=mode, text=typed, settings=settings)
    for rows in (1, 2, 50):
        head = read_filtered_order_quickly(
            directory, now=NOW, mode=mode, text=typed, settings=settings, head_rows=rows
        )
        if dialect_of(directory) is Dialect.POSTGRESQL:
            assert head is None
            continue
        assert head is not None
        assert not head.complete
        assert list(head.ids) == list(whole.ids[:rows])


def test_a_filters_head_not_read_in_time_is_left_to_the_database_thread(
    directory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_filter, "indexed_matches", lambda *args, **kw: None)
    monkeypatch.setattr(queue_module, "QUICK_HEAD_S", 0.0)
    monkeypatch.setattr(stopping, "STEPS_BETWEEN_CHECKS", 1)
    settings = Settings(phone_region="GB")
    head = read_filtered_order_quickly(
        directory, now=NOW, mode=QueueMode.TODAY, text="acme", settings=settings, head_rows=5
    )
    assert head is None
    # The connection reads on as before.
    assert names(directory, queue_ids(directory, now=NOW, text="acme")) == [
        "Gus Gray",
        "Ann Archer",
    ]


def test_a_filter_most_prospects_match_is_checked_prospect_by_prospect_for_a_head(
    directory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past PASSED_FOR_HEAD_AT_MOST matches a head stops passing over prospect_search and
    checks each prospect the order reads; a whole order always lists them."""
    if dialect_of(directory) is Dialect.POSTGRESQL:
        pytest.skip("a team's server reads every match either way")
    monkeypatch.setattr(queue_filter, "PASSED_FOR_HEAD_AT_MOST", 2)
    head = queue_filter.find_matches(directory, "e", None, head=True)
    assert head.clause.startswith(" AND EXISTS")
    assert "EXISTS" not in queue_filter.find_matches(directory, "e", None).clause
    # A text with as few matches as that is listed by the pass, as for a whole order.
    assert "EXISTS" not in queue_filter.find_matches(directory, "gu", None, head=True).clause


class RecordingDatabase:
    """Passes queries through to the database and keeps each one with its parameters."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.queries: list[tuple[str, Any]] = []

    def execute(self, sql: str, params: Any = None) -> Any:
        self.queries.append((sql, params))
        return self.db.execute(sql, params)


@pytest.mark.parametrize("mode", list(QueueMode))
@pytest.mark.parametrize("typed", ["", "acme", "020 7946"])
def test_every_queue_query_reads_in_order_off_an_index(
    every_bucket_file: sqlite_utils.Database, mode: QueueMode, typed: str
) -> None:
    recorder = RecordingDatabase(every_bucket_file)
    queue_ids(recorder, now=NOW, mode=mode, text=typed)  # type: ignore[arg-type]
    queries = recorder.queries
    if typed:
        # A filter looks its few matches up in the trigram index of the search rows (the
        # text, and the digits of a number), never reading every row; the planner then
        # orders just those, by index or by a small sort, whichever it judges cheaper.
        (filter_sql, filter_params), *queries = queries
        plan = [
            row[3]
            for row in every_bucket_file.execute(f"EXPLAIN QUERY PLAN {filter_sql}", filter_params)
        ]
        scans = [step for step in plan if step.startswith("SCAN")]
        assert scans, plan
        indexes = (
            "SCAN prospect_trigrams VIRTUAL TABLE",
            "SCAN prospect_words VIRTUAL TABLE",
            # A number's two lookups, each match once: what they hand over as they go.
            "SCAN (subquery",
        )
        assert all(step.startswith(indexes) for step in scans), plan
        # Then the view's matches, and for a view other than all prospects, the others.
        assert len(queries) == {QueueMode.TODAY: 6, QueueMode.ALL: 1, QueueMode.NURTURE: 2}[mode]
        return
    assert len(queries) == (5 if mode is QueueMode.TODAY else 1)
    for sql, params in queries:
        plan = [row[3] for row in every_bucket_file.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
        assert all("INDEX" in step for step in plan if "prospects" in step), (sql, plan)
        # Sorting would read every matching row before showing the first one.
        assert not any("TEMP B-TREE" in step for step in plan), (sql, plan)


def test_todays_queue_is_read_from_the_bucket_indexes_alone(
    every_bucket_file: sqlite_utils.Database,
) -> None:
    recorder = RecordingDatabase(every_bucket_file)
    queue_ids(recorder, now=NOW, closed_zones={"Asia/Singapore"})  # type: ignore[arg-type]
    for sql, params in recorder.queries:
        plan = " ".join(
            row[3] for row in every_bucket_file.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        )
        assert "COVERING INDEX" in plan, (sql, plan)


def test_queue_buckets_use_their_own_indexes(every_bucket_file: sqlite_utils.Database) -> None:
    recorder = RecordingDatabase(every_bucket_file)
    queue_ids(recorder, now=NOW)  # type: ignore[arg-type]
    indexes = [
        " ".join(row[3] for row in every_bucket_file.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        for sql, params in recorder.queries
    ]
    due, never_called = "INDEX prospects_due ", "INDEX prospects_never_called"
    assert [due in plan or never_called in plan for plan in indexes] == [True] * 5
    assert never_called in indexes[2]


def test_nurture_mode_lists_only_prospects_handed_back(book_db: Any) -> None:
    kept = insert(book_db, "Still selling")
    handed_back = insert(book_db, "Handed back", stage="lost", nurture=1)
    ids = list(queue_ids(book_db, now=NOW, mode=QueueMode.NURTURE))
    assert ids == [handed_back]
    assert kept not in ids


def test_prospects_outside_their_calling_hours_are_held_back(
    book_db: Any,
) -> None:
    # 11:00 in London is 06:00 in New York and 19:00 in Singapore: both closed.
    in_london = insert(book_db, "London", timezone="Europe/London")
    new_york = insert(book_db, "New York", timezone="America/New_York")
    singapore = insert(book_db, "Singapore", timezone="Asia/Singapore")
    unknown = insert(book_db, "No zone")
    closed = closed_timezones(book_db, NOW, Settings())
    assert set(closed) == {"America/New_York", "Asia/Singapore"}
    assert closed["America/New_York"] == datetime(2026, 11, 25, 14, 0, tzinfo=NOW.tzinfo)
    ids = list(queue_ids(book_db, now=NOW, closed_zones=closed))
    assert in_london in ids and unknown in ids
    assert new_york not in ids and singapore not in ids


@pytest.mark.parametrize(
    ("kind", "due", "label"),
    [
        pytest.param("meeting", ("2026-11-25", "10:00:00"), "mtg 10:00", id="meeting overdue"),
        pytest.param("callback", ("2026-11-24", "15:00:00"), "!cb 1d", id="callback yesterday"),
        pytest.param("call", ("2026-11-25", "09:30:00"), "09:30", id="call, no room for kind"),
        pytest.param("call", ("2026-11-27", "09:30:00"), "call Fri", id="call this week"),
        pytest.param("email", ("2026-11-25", "14:00:00"), "em 14:00", id="email later today"),
        pytest.param("call", ("2026-11-20", "09:30:00"), "!call 5d", id="call days late"),
        pytest.param("revisit", ("2026-11-20", "09:00:00"), "revisit", id="revisit due"),
        pytest.param("revisit", ("2026-11-26", "09:00:00"), "rev Thu", id="revisit tomorrow"),
        pytest.param(None, ("2026-12-20", "09:00:00"), "20 Dec", id="no kind"),
        pytest.param("revisit", ("2027-11-20", "09:00:00"), "20 Nov", id="within a year"),
        pytest.param("revisit", ("2027-11-25", "09:00:00"), "Nov 2027", id="a year ahead"),
    ],
)
def test_the_next_column_names_the_task_in_nine_cells(
    kind: str | None, due: tuple[str, str], label: str
) -> None:
    assert next_task_label(kind, london(*due), NOW, 9) == label


def test_a_late_task_says_late_without_colour_in_every_width() -> None:
    """`cb 2d` alone read as "in two days": only the row's red said it was two days late,
    and under NO_COLOR nothing did."""
    yesterday = london("2026-11-24")
    assert next_task_label("callback", yesterday, NOW, 16) == "callback 1d late"
    assert next_task_label("callback", yesterday, NOW, 10) == "cb 1d late"
    assert next_task_label("callback", yesterday, NOW, 9) == "!cb 1d"
    assert next_task_label("meeting", yesterday, NOW, 9) == "!mtg 1d"
    # Too many days for the kind and the mark: the lateness is kept, in words.
    long_ago = london("2026-08-17")
    assert next_task_label("call", long_ago, NOW, 9) == "100d late"


def test_a_task_in_another_year_is_said_with_its_year() -> None:
    """The card listed a revisit a year ahead as `Tue 30 Nov 10:00`, as if this month's."""
    assert day_and_time(datetime(2027, 11, 30, 10, 0, tzinfo=LONDON), NOW) == (
        "Tue 30 Nov 2027 10:00"
    )
    assert day_and_time(datetime(2026, 12, 3, 10, 0, tzinfo=LONDON), NOW) == "Thu 3 Dec 10:00"


def test_the_next_column_spells_the_kind_out_where_there_is_room() -> None:
    due = london("2026-11-25", "10:00:00")
    assert next_task_label("meeting", due, NOW, 14) == "meeting 10:00"
    assert next_task_label("callback", london("2026-11-24"), NOW, 16) == "callback 1d late"
    assert next_task_label("callback", london("2026-11-27"), NOW, 14) == "callback Fri"


def test_held_back_counts_only_prospects_todays_queue_would_show(
    book_db: Any,
) -> None:
    new_york = {"timezone": "America/New_York"}
    shown_later = [
        with_task(book_db, "meeting due", "meeting", london("2026-11-25", "10:00:00"), **new_york),
        with_task(
            book_db, "lost, revisit due", "revisit", london("2026-11-24"), stage="lost", **new_york
        ),
        insert(book_db, "never called", **new_york),
        insert(book_db, "call at 16:00", **called(london("2026-11-25", "16:00:00"), **new_york)),
    ]
    with_task(book_db, "lost, call due", "call", london("2026-11-24"), stage="lost", **new_york)
    insert(book_db, "customer never called", kind="customer", **new_york)
    insert(book_db, "call tomorrow", **called(london("2026-11-26"), **new_york))
    order = queue_order(book_db, now=NOW, closed_zones={"America/New_York"})
    assert list(order.ids) == []
    assert order.held_back == len(shown_later)
    assert sorted(queue_ids(book_db, now=NOW)) == sorted(shown_later)


# An id past four bytes, as another tool may write one (SQLite and PostgreSQL allow eight).
BIG_ID = 5_000_000_000


def test_the_queue_keeps_its_ids_in_four_bytes_each(every_bucket: Any) -> None:
    """A big book's order is its largest structure in memory: half the size in four bytes."""
    for mode in QueueMode:
        assert queue_order(every_bucket, now=NOW, mode=mode).ids.itemsize == 4


@pytest.mark.parametrize("mode", list(QueueMode))
def test_an_id_past_four_bytes_is_kept_whole_in_every_view(book_db: Any, mode: QueueMode) -> None:
    nurture = int(mode is QueueMode.NURTURE)
    insert(book_db, "Ann Archer", nurture=nurture)
    big = {"id": BIG_ID, "name": "Bea Big", "nurture": nurture, "created_at": london("2026-11-01")}
    insert_row(book_db, "prospects", big)
    insert(book_db, "Cy Cole", nurture=nurture)
    order = queue_order(book_db, now=NOW, mode=mode)
    assert order.ids.itemsize == 8
    found = names(book_db, order.ids)
    assert sorted(found) == ["Ann Archer", "Bea Big", "Cy Cole"]
    if mode is not QueueMode.TODAY:
        assert found == ["Ann Archer", "Bea Big", "Cy Cole"]


def test_a_filter_match_elsewhere_past_four_bytes_is_kept_whole(directory: Any) -> None:
    insert_row(
        directory,
        "prospects",
        {"id": BIG_ID, "name": "Acme big", "stage": "lost", "created_at": london("2026-11-01")},
    )
    order = queue_order(directory, now=NOW, text="acme")
    assert order.ids[order.elsewhere_from :].tolist() == [BIG_ID]
    assert names(directory, order.ids[: order.elsewhere_from]) == ["Gus Gray", "Ann Archer"]


@pytest.mark.parametrize(
    ("first", "then"), [((1,), (2, 3)), ((BIG_ID,), (2, 3)), ((1,), (2, BIG_ID)), ((), ())]
)
def test_the_prospect_on_a_call_heads_an_order_of_either_width(
    first: tuple[int, ...], then: tuple[int, ...]
) -> None:
    """The prospect on a call stays on the list above the order (main_screen)."""
    ids = joined(id_array(first), id_array(then))
    assert ids.tolist() == [*first, *then]
    assert ids.itemsize == (8 if BIG_ID in (*first, *then) else 4)


def test_an_id_past_four_bytes_after_earlier_buckets_and_in_the_head(book_db: Any) -> None:
    insert(book_db, "Due Dana", **called(london("2026-11-24")))
    big = {"id": BIG_ID, "name": "Bea Big", "created_at": london("2026-11-01")}
    insert_row(book_db, "prospects", big)
    insert(book_db, "Cy Cole", created_at=london("2026-10-01"))
    order = queue_order(book_db, now=NOW)
    assert names(book_db, order.ids) == ["Due Dana", "Bea Big", "Cy Cole"]
    assert order.ids.itemsize == 8
    head = queue_order(book_db, now=NOW, limit=2)
    assert names(book_db, head.ids) == ["Due Dana", "Bea Big"]


def test_an_order_with_an_id_past_four_bytes_is_read_once(book_db: Any) -> None:
    if dialect_of(book_db) is not Dialect.SQLITE:
        pytest.skip("SQLite's trace of the statements run")
    for name in ("Ann Archer", "Bo Bell", "Cy Cole"):
        insert(book_db, name)
    insert_row(
        book_db, "prospects", {"id": BIG_ID, "name": "Zed Big", "created_at": london("2026-11-01")}
    )
    reads: list[str] = []
    book_db.conn.set_trace_callback(
        lambda sql: reads.append(sql) if sql.startswith("SELECT id FROM prospects") else None
    )
    try:
        order = queue_order(book_db, now=NOW, mode=QueueMode.ALL)
    finally:
        book_db.conn.set_trace_callback(None)
    assert names(book_db, order.ids) == ["Ann Archer", "Bo Bell", "Cy Cole", "Zed Big"]
    assert len(reads) == 1
