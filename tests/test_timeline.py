"""The prospect's timeline (`h`) and the open tasks on the card (PRODUCT section 14),
driven through key presses and checked against the database."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from funnel_tui.domain import DealKind, Outcome, TaskStatus
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sqlite import Storage
from funnel_tui.timeline import (
    CallEntry,
    DealEntry,
    FlagEntry,
    NoteEntry,
    TaskEntry,
    read_history,
)
from funnel_tui.timestamps import to_stored
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED
from funnel_tui.ui.confirm_dialog import ConfirmDialog
from funnel_tui.ui.formatting import duration_label
from funnel_tui.ui.key_bar import KeyBar
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.timeline_entries import WHEN_WIDTH, entry_line
from funnel_tui.ui.timeline_screen import TimelineScreen
from tests.app_support import FROZEN_NOW, messages, settle, settle_until, shown_text
from tests.rows import insert_many, insert_row
from tests.test_app import burst, first_in_queue


def card_text(app: FunnelApp) -> str:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return shown_text(screen.prospect_card.query_one("#card-body", Static))


def timeline_text(app: FunnelApp) -> str:
    """Every line the timeline lists, scrolled into view or not."""
    screen = app.screen
    assert isinstance(screen, TimelineScreen)
    entries = screen.query_one("#timeline-entries", OptionList)
    lines = []
    for option in entries.options:
        prompt = option.prompt
        lines.append(prompt.plain if hasattr(prompt, "plain") else str(prompt))
    return "\n".join(lines)


def status_text(app: FunnelApp) -> str:
    return shown_text(app.screen.query_one("#timeline-status", Static))


def open_tasks_of(db: sqlite_utils.Database, prospect_id: int) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT * FROM tasks WHERE prospect_id = ? AND status = 'open' ORDER BY due_at",
            [prospect_id],
        )
    )


def next_call_at(db: sqlite_utils.Database, prospect_id: int) -> str | None:
    return db.execute("SELECT next_call_at FROM prospects WHERE id = ?", [prospect_id]).fetchone()[
        0
    ]


NAME = "Tess Timeline"


@pytest.fixture
def tess(demo_storage: Storage) -> int:
    """A new lead of our own, so what the demo book holds does not matter; her id."""
    conn = sqlite3.connect(demo_storage.path, isolation_level=None)
    cursor = conn.execute(
        "INSERT INTO prospects (name, phone) VALUES (?, '+44 20 7946 0001')", [NAME]
    )
    conn.close()
    return int(cursor.lastrowid or 0)


def add_task(storage: Storage, prospect_id: int, kind: str, due_at: str, **columns: Any) -> int:
    """A task written as another program would."""
    names = ", ".join(["prospect_id", "kind", "due_at", *columns])
    marks = ", ".join("?" * (3 + len(columns)))
    conn = sqlite3.connect(storage.path, isolation_level=None)
    cursor = conn.execute(
        f"INSERT INTO tasks ({names}) VALUES ({marks})",
        [prospect_id, kind, due_at, *columns.values()],
    )
    conn.close()
    return int(cursor.lastrowid or 0)


async def open_timeline_of(pilot: Any, name: str) -> None:
    """Every prospect, the one named under the cursor, then `h`."""
    await pilot.press("f")
    await settle(pilot)
    await find(pilot, name)
    await pilot.press("h")
    await settle(pilot)


async def find(pilot: Any, name: str) -> None:
    """Filter the queue for the one named, from an empty filter."""
    await pilot.press("escape", "slash", *name, "enter")
    await settle(pilot)


async def book_meeting_then_callback(pilot: Any) -> None:
    """`l m` a meeting next Tuesday, then back on the prospect `l c tomorrow 10am`."""
    await find(pilot, NAME)
    await pilot.press("l", "m", *"next tue 10am", "enter")
    await settle(pilot)
    await pilot.press("f")  # every prospect: the meeting took her out of today's queue
    await settle(pilot)
    await find(pilot, NAME)
    await pilot.press("l", "c", *"tomorrow 10am", "enter")
    await settle(pilot)
    await find(pilot, NAME)


async def test_a_meeting_and_a_callback_are_both_on_the_card_and_in_the_timeline(
    demo_app: FunnelApp, tess: int
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await book_meeting_then_callback(pilot)
        kinds = [task["kind"] for task in open_tasks_of(db, tess)]
        assert kinds == ["callback", "meeting"]
        lines = [line.split() for line in card_text(demo_app).splitlines()]
        tasks_at = lines.index(["Tasks", "callback", "tomorrow", "10:00"])
        assert lines[tasks_at + 1] == ["meeting", "Tue", "24", "Nov", "10:00"]

        await pilot.press("h")
        await settle(pilot)
        shown = timeline_text(demo_app)
        open_part, history = shown.split("History, newest first")
        assert "callback tomorrow 10:00" in open_part
        assert "meeting  Tue 24 Nov 10:00" in open_part
        # Both calls that made them, newest first, each with what it booked for when.
        assert history.index("Callback") < history.index("Meeting booked")
        assert "Callback  for tomorrow 10:00" in history
        assert "Meeting booked  for Tue 24 Nov 10:00" in history
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)


async def test_a_task_rescheduled_from_the_timeline_moves_the_next_call(
    demo_app: FunnelApp, tess: int
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await book_meeting_then_callback(pilot)
        callback, meeting = open_tasks_of(db, tess)
        assert next_call_at(db, tess) == callback["due_at"]
        await pilot.press("h")
        await settle(pilot)
        # The soonest open task is selected: the callback, moved after the meeting.
        await pilot.press("r", *"27/11 15:00")
        await settle(pilot)
        assert "Fri 27 Nov 2026, 15:00" in status_text(demo_app)
        await pilot.press("enter")
        await settle(pilot)
        # Said with the new time, which the history does not keep.
        assert "The callback is rescheduled to Fri 27 Nov 15:00." in status_text(demo_app)
        assert "callback Fri 27 Nov 15:00" in timeline_text(demo_app)
        await pilot.press("escape")
        await settle(pilot)
        assert "callback Fri 27 Nov 15:00" in card_text(demo_app)
    due = db.execute("SELECT due_at FROM tasks WHERE id = ?", [callback["id"]]).fetchone()[0]
    assert due == "2026-11-27T15:00:00+00:00"
    # The meeting next Tuesday is the earliest open task now: the next call follows it.
    assert next_call_at(db, tess) == meeting["due_at"]


async def test_a_reschedule_the_book_refuses_gives_the_new_time_back(
    demo_app: FunnelApp, tess: int
) -> None:
    """A write refused (another program's lock held past the wait, a file made read-only):
    the field went with the typed time, and `r` had to be typed again from nothing."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await book_meeting_then_callback(pilot)
        callback, _ = open_tasks_of(db, tess)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("r", *"27/11 15:00")
        await settle(pilot)
        await demo_app.in_db_thread(lambda db: db.execute("PRAGMA query_only = ON"))
        await pilot.press("enter")
        await settle_until(pilot, lambda: "Not saved" in status_text(demo_app))
        screen = demo_app.screen
        assert isinstance(screen, TimelineScreen)
        assert screen.when_field.value == "27/11 15:00"
        assert demo_app.focused is screen.when_field
        said = status_text(demo_app)
        assert "read-only" in said and "enter tries again" in said and "(try again)" not in said
        await demo_app.in_db_thread(lambda db: db.execute("PRAGMA query_only = OFF"))
        await pilot.press("enter")
        await settle(pilot)
        assert "The callback is rescheduled to Fri 27 Nov 15:00." in status_text(demo_app)
    due = db.execute("SELECT due_at FROM tasks WHERE id = ?", [callback["id"]]).fetchone()[0]
    assert due == "2026-11-27T15:00:00+00:00"


async def test_a_task_marked_done_while_the_book_is_busy_says_to_try_again_once(
    demo_app: FunnelApp, tess: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `Not saved: ... try again in a moment (try again)`.
    from funnel_tui.store import sqlite as storage_module

    monkeypatch.setattr(storage_module, "BUSY_TIMEOUT_S", 0.1)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await book_meeting_then_callback(pilot)
        await pilot.press("h")
        await settle(pilot)
        other = sqlite3.connect(demo_app.storage.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("d", "y")
            await settle_until(pilot, lambda: "Not saved" in status_text(demo_app))
        finally:
            other.execute("ROLLBACK")
            other.close()
        said = status_text(demo_app)
    assert "is busy" in said and said.count("try again") == 1


async def test_a_new_time_read_on_another_day_at_enter_is_shown_not_saved(
    demo_app: FunnelApp, tess: int
) -> None:
    """`r tomorrow 3pm`, read as Thursday, and enter after midnight: the text now means
    Friday. Enter says so under the field and moves nothing; enter again saves Friday."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await book_meeting_then_callback(pilot)
        callback, _ = open_tasks_of(db, tess)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("r", *"tomorrow 3pm")
        await settle(pilot)
        assert "Thu 19 Nov 2026, 15:00" in status_text(demo_app)
        demo_app.clock.advance(hours=10)
        await pilot.press("enter")
        await settle(pilot)
        assert "Not saved: the day turned while this was open" in status_text(demo_app)
        assert "Fri 20 Nov 2026, 15:00" in status_text(demo_app)
        assert open_tasks_of(db, tess)[0]["due_at"] == callback["due_at"]
        # The screen's once-a-second look at the clock, right after: it replaced why
        # nothing was saved with the bare preview.
        screen = demo_app.screen
        assert isinstance(screen, TimelineScreen)
        screen._follow_the_minute()
        await settle(pilot)
        assert "Not saved: the day turned while this was open" in status_text(demo_app)
        await pilot.press("enter")
        await settle(pilot)
        assert "The callback is rescheduled to tomorrow 15:00." in status_text(demo_app)
    due = db.execute("SELECT due_at FROM tasks WHERE id = ?", [callback["id"]]).fetchone()[0]
    assert due == "2026-11-20T15:00:00+00:00"


async def test_a_time_that_does_not_read_is_refused_in_place_and_nothing_is_saved(
    demo_app: FunnelApp, demo_storage: Storage, tess: int
) -> None:
    db = demo_app.storage.db
    add_task(demo_storage, tess, "call", "2026-11-18T09:00:00+00:00")
    before = open_tasks_of(db, tess)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_timeline_of(pilot, NAME)
        await pilot.press("r", *"quite soon, thanks", "enter")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, TimelineScreen)
        assert "quite soon, thanks" in status_text(demo_app)
        # Still typing: the field keeps the text to put right (h and q are letters there).
        assert screen.when_field.value == "quite soon, thanks"
        assert screen.focused is screen.when_field
        await pilot.press("escape")
        await settle(pilot)
        assert "Not rescheduled." in status_text(demo_app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert open_tasks_of(db, tess) == before


async def test_done_and_cancel_from_the_timeline_close_the_tasks(
    demo_app: FunnelApp, tess: int
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await book_meeting_then_callback(pilot)
        callback, meeting = open_tasks_of(db, tess)
        await pilot.press("h", "d")
        await settle(pilot)
        # `d` asks first, naming the task; no (n or escape) keeps it open.
        assert isinstance(demo_app.screen, ConfirmDialog)
        question = shown_text(demo_app.screen.query_one("#confirm-question", Static))
        assert question.strip() == "Mark the callback due tomorrow 10:00 done?"
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("d", "escape")
        await settle(pilot)
        assert isinstance(demo_app.screen, TimelineScreen)
        assert db["tasks"].get(callback["id"])["status"] == "open"
        await pilot.press("d", "y")
        await settle(pilot)
        assert "The callback is done." in status_text(demo_app)
        # The meeting is the only open task left, and selected: the question says that
        # nothing will follow it, and what keeps a follow-up instead.
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        question = shown_text(demo_app.screen.query_one("#confirm-question", Static))
        assert " ".join(question.split()).endswith(
            f"It is {NAME}'s only open task: no follow-up is left (n, then r, moves it instead)."
        )
        # Only y closes the last one: a reflex enter does not.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert db["tasks"].get(meeting["id"])["status"] == "open"
        await pilot.press("c", "y")
        await settle(pilot)
        assert "The meeting is cancelled." in status_text(demo_app)
        history = timeline_text(demo_app).split("History, newest first")[1]
        assert "task     meeting cancelled" in history
        assert "task     callback done" in history
        await pilot.press("escape")
        await settle(pilot)
        assert "none open: not scheduled" in card_text(demo_app)
    stored = {task["id"]: task for task in db.query("SELECT * FROM tasks")}
    assert stored[callback["id"]]["status"] == TaskStatus.DONE
    assert stored[callback["id"]]["done_at"] == to_stored(FROZEN_NOW)
    assert stored[meeting["id"]]["status"] == TaskStatus.CANCELLED
    assert next_call_at(db, tess) is None


def invited_to(storage: Storage, prospect_id: int, due_at: str) -> int:
    """A meeting due at `due_at`, booked the day before FROZEN_NOW and confirmed a minute
    later, as another program would write them; the task's id."""
    booked = "2026-11-17T10:00:00+00:00"
    meeting = add_task(storage, prospect_id, "meeting", due_at, created_at=booked)
    conn = sqlite3.connect(storage.path, isolation_level=None)
    conn.execute(
        "INSERT INTO emails (prospect_id, template, sent_at) VALUES (?, ?, ?)",
        [prospect_id, "meeting_confirmation", "2026-11-17T10:01:00+00:00"],
    )
    conn.close()
    return meeting


async def said_after(app: FunnelApp, keys: tuple[str, ...]) -> str:
    """What the timeline of Tess says once `keys` are typed in it."""
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await find(pilot, NAME)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        return " ".join(status_text(app).split())


@pytest.mark.parametrize(
    ("keys", "said"),
    [
        (
            ("r", *"next wed 11am", "enter"),
            "The meeting is rescheduled to Wed 25 Nov 11:00. Tess Timeline was sent its invite:"
            " E, then Meeting"
            " confirmation, sends them the new time.",
        ),
        (
            ("c", "y"),
            "The meeting is cancelled. Tess Timeline was sent its invite: E, then Meeting"
            " cancelled, takes it off their calendar.",
        ),
    ],
)
async def test_a_meeting_moved_or_called_off_after_its_invite_says_how_to_tell_them(
    demo_app: FunnelApp, demo_storage: Storage, tess: int, keys: tuple[str, ...], said: str
) -> None:
    """The prospect's calendar kept the meeting as the invite gave it, without a word."""
    meeting = invited_to(demo_storage, tess, "2026-11-24T10:00:00+00:00")
    assert await said_after(demo_app, keys) == said
    assert demo_app.storage.db["tasks"].get(meeting)["sequence"] == 1


@pytest.mark.parametrize("why", ["past", "do not email"])
async def test_a_meeting_no_email_can_change_gets_no_hint(
    demo_app: FunnelApp, demo_storage: Storage, tess: int, why: str
) -> None:
    """Cancelled once it had passed, or for a prospect marked do not email, the hint named
    an email that is then not offered."""
    due = "2026-11-18T10:00:00+00:00" if why == "past" else "2026-11-24T10:00:00+00:00"
    invited_to(demo_storage, tess, due)
    if why == "do not email":
        conn = sqlite3.connect(demo_storage.path, isolation_level=None)
        conn.execute(
            "UPDATE prospects SET email = 't@x.example', do_not_email = 1 WHERE id = ?", [tess]
        )
        conn.close()
    assert await said_after(demo_app, ("c", "y")) == "The meeting is cancelled."


async def test_a_key_on_a_call_rather_than_a_task_changes_nothing(
    demo_app: FunnelApp, demo_storage: Storage, tess: int
) -> None:
    db = demo_app.storage.db
    add_task(demo_storage, tess, "call", "2026-11-18T09:00:00+00:00")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await find(pilot, NAME)
        await pilot.press("l", "n", "enter")  # a call, to stand on in the timeline
        await settle(pilot)
        before = list(db.query("SELECT * FROM tasks WHERE prospect_id = ?", [tess]))
        await open_timeline_of(pilot, NAME)
        await pilot.press("end", "d")
        await settle(pilot)
        assert "Select an open task first" in status_text(demo_app)
    assert list(db.query("SELECT * FROM tasks WHERE prospect_id = ?", [tess])) == before


async def test_a_call_note_shows_literally_and_unreadable_task_values_show_a_mark(
    demo_app: FunnelApp, demo_storage: Storage, tess: int
) -> None:
    conn = sqlite3.connect(demo_storage.path, isolation_level=None)
    conn.execute(
        "INSERT INTO calls (prospect_id, started_at, outcome, notes) VALUES (?, ?, 'busy', ?)",
        [tess, to_stored(FROZEN_NOW - timedelta(hours=1)), "[bold]big[/] [link=x]y[/]"],
    )
    conn.close()
    add_task(demo_storage, tess, "email", "next week sometime", note=b"\xff\x00")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await find(pilot, NAME)
        card_lines = [line.split() for line in card_text(demo_app).splitlines()]
        assert ["Tasks", "email", "?"] in card_lines
        await pilot.press("h")
        await settle(pilot)
        shown = timeline_text(demo_app)
        assert "[bold]big[/] [link=x]y[/]" in shown
        # The kind, then `?` for the date and, below, for the note.
        assert "email    ?\n" in shown
        assert demo_app.is_running


async def test_help_and_palette_offer_the_timeline(
    demo_app: FunnelApp, demo_storage: Storage, tess: int
) -> None:
    add_task(demo_storage, tess, "call", "2026-11-18T09:00:00+00:00")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = shown_text(demo_app.screen.query_one("#help-keys"))
        assert "Timeline" in text
        for description in ("Reschedule task", "Task done", "Cancel task"):
            assert description in text
        await pilot.press("escape")
        await find(pilot, NAME)
        await pilot.press("ctrl+p", *"timeline")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, TimelineScreen)
        # The timeline's own keys are commands there too.
        await pilot.press("ctrl+p", *"task done")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert "The call is done." in status_text(demo_app)
    assert open_tasks_of(demo_app.storage.db, tess) == []


# A team database's triggers read a prospect's every call again for each new one, so its
# story is shorter: still pages and pages of it.
STORY_CALLS = {Dialect.SQLITE: 3000, Dialect.POSTGRESQL: 300}


def test_the_history_pages_through_thousands_of_calls_newest_first_once_each(
    book_storage: Any,
) -> None:
    db = book_storage.db
    prospect_id = insert_row(db, "prospects", {"name": NAME, "phone": "+44 20 7946 0001"})
    start = FROZEN_NOW - timedelta(days=400)
    calls = STORY_CALLS[dialect_of(db)]
    with book_storage.write():
        insert_many(
            db,
            "INSERT INTO calls (prospect_id, started_at, outcome) VALUES (?, ?, 'no_answer')",
            [(prospect_id, to_stored(start + timedelta(hours=hour))) for hour in range(calls)],
        )
        insert_many(
            db,
            "INSERT INTO notes (prospect_id, created_at, body) VALUES (?, ?, 'n')",
            [
                (prospect_id, to_stored(start + timedelta(hours=hour, minutes=30)))
                for hour in range(50)
            ],
        )
        db.execute(
            "INSERT INTO tasks (prospect_id, kind, due_at, status, done_at)"
            " VALUES (?, 'call', ?, 'done', ?)",
            [prospect_id, to_stored(start), to_stored(start + timedelta(minutes=5))],
        )
        db.execute(
            "INSERT INTO deals (prospect_id, amount_cents, closed_on) VALUES (?, 100, ?)",
            [prospect_id, start.date().isoformat()],
        )
    db.execute("UPDATE prospects SET nurture = 1 WHERE id = ?", [prospect_id])
    expected = db.execute(
        "SELECT (SELECT count(*) FROM calls WHERE prospect_id = :p)"
        " + (SELECT count(*) FROM notes WHERE prospect_id = :p)"
        " + (SELECT count(*) FROM tasks WHERE prospect_id = :p AND status != 'open')"
        " + (SELECT count(*) FROM deals WHERE prospect_id = :p)"
        " + (SELECT count(*) FROM flag_changes WHERE prospect_id = :p)",
        {"p": prospect_id},
    ).fetchone()[0]
    assert expected == calls + 50 + 3

    seen = []
    limit = calls // 6
    page = read_history(db, prospect_id, limit=limit)
    seen += page.entries
    while page.more:
        page = read_history(db, prospect_id, after=page, limit=limit)
        seen += page.entries
    assert len(seen) == expected
    assert len({(type(entry), entry.id) for entry in seen}) == expected
    moments = [entry.at for entry in seen]
    assert moments == sorted(moments, reverse=True)  # type: ignore[type-var]
    assert {type(entry) for entry in seen} == {
        CallEntry,
        NoteEntry,
        TaskEntry,
        DealEntry,
        FlagEntry,
    }


async def test_older_entries_load_as_the_cursor_reaches_the_end(
    demo_app: FunnelApp, demo_storage: Storage
) -> None:
    prospect_id = first_in_queue(demo_app.storage.db)["id"]
    start = FROZEN_NOW - timedelta(days=400)
    conn = sqlite3.connect(demo_storage.path, isolation_level=None)
    conn.executemany(
        "INSERT INTO calls (prospect_id, started_at, outcome) VALUES (?, ?, 'no_answer')",
        [(prospect_id, to_stored(start + timedelta(hours=hour))) for hour in range(250)],
    )
    conn.close()
    async with demo_app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        shown = timeline_text(demo_app)
        assert shown.count("No answer") < 250
        for _ in range(3):
            await pilot.press("end")
            await settle(pilot)
        shown = timeline_text(demo_app)
        assert shown.count("call     No answer") >= 250
        # The oldest call of the story comes last, with its year.
        assert shown.rstrip().endswith("14 Oct 2025 14:30  call     No answer")


@pytest.fixture
def tess_in_book(book_db: Any) -> int:
    """Tess in a new book on each backend; her id."""
    return insert_row(book_db, "prospects", {"name": NAME, "phone": "+44 20 7946 0001"})


def story_lines(db: Any, prospect_id: int) -> list[str]:
    page = read_history(db, prospect_id)
    assert not page.more
    return [entry_line(entry, FROZEN_NOW, "£").plain for entry in page.entries]


def test_every_kind_of_entry_reads_newest_first(book_db: Any, tess_in_book: int) -> None:
    db, tess = book_db, tess_in_book
    at = [to_stored(FROZEN_NOW - timedelta(hours=hours)) for hours in range(8)]
    calls = "INSERT INTO calls (prospect_id, started_at, outcome, reason) VALUES (?, ?, ?, ?)"
    db.execute(calls, [tess, at[7], "not_interested", "budget"])
    db.execute(calls, [tess, at[6], "not_interested", "price"])  # not one funnel knows
    won = insert_row(db, "calls", {"prospect_id": tess, "started_at": at[5], "outcome": "won"})
    db.execute(
        "INSERT INTO deals (prospect_id, call_id, amount_cents, closed_on, kind)"
        " VALUES (?, ?, 1000, ?, 'expansion')",
        [tess, won, FROZEN_NOW.date().isoformat()],
    )
    db.execute(
        "INSERT INTO notes (prospect_id, created_at, body) VALUES (?, ?, '[b]Hi')", [tess, at[4]]
    )
    db.execute("UPDATE prospects SET do_not_call = 1 WHERE id = ?", [tess])
    db.execute(
        "INSERT INTO tasks (prospect_id, kind, due_at, status, done_at)"
        " VALUES (?, 'meeting', ?, 'missed', ?)",
        [tess, at[3], at[2]],
    )
    lines = story_lines(db, tess)
    # Newest first: the flag changed when the trigger ran (the real clock, after the
    # frozen one), the task closed two hours ago, then the rest.
    what = [line[WHEN_WIDTH + 2 :].split()[0] for line in lines]
    assert what == ["flag", "task", "note", "deal", "call", "call", "call"]
    assert lines[0].endswith("marked do not call")
    assert lines[1][WHEN_WIDTH + 2 :].split()[:4] == ["task", "meeting", "missed", "due"]
    assert lines[2].endswith("note     [b]Hi")
    assert lines[3].endswith("deal     won £10.00 (expansion)")
    assert lines[5].endswith("Not interested (?)")
    assert lines[6].endswith("Not interested (budget)")


def test_a_value_of_the_wrong_type_shows_a_mark(demo_storage: Storage, tess: int) -> None:
    at = [to_stored(FROZEN_NOW - timedelta(hours=hours)) for hours in range(3)]
    conn = sqlite3.connect(demo_storage.path, isolation_level=None)
    won = conn.execute(
        "INSERT INTO calls (prospect_id, started_at, outcome) VALUES (?, ?, 'won')",
        [tess, at[2]],
    ).lastrowid
    conn.execute(
        "INSERT INTO deals (prospect_id, call_id, amount_cents, closed_on, kind)"
        " VALUES (?, ?, 'ten', ?, 'expansion')",
        [tess, won, FROZEN_NOW.date().isoformat()],
    )
    conn.execute(
        "INSERT INTO notes (prospect_id, created_at, body) VALUES (?, ?, X'FF')", [tess, at[1]]
    )
    conn.close()
    lines = story_lines(demo_storage.db, tess)
    assert [line[WHEN_WIDTH + 2 :].split()[0] for line in lines] == ["note", "deal", "call"]
    assert lines[0].endswith("note     ?")
    assert lines[1].endswith("deal     won ? (expansion)")


def test_emails_are_in_the_story_with_template_subject_and_how_they_went(
    book_db: Any, tess_in_book: int
) -> None:
    db, tess = book_db, tess_in_book
    at = [to_stored(FROZEN_NOW - timedelta(hours=hours)) for hours in range(4)]
    emails = (
        "INSERT INTO emails (prospect_id, sent_at, template, to_address, subject, body, via)"
        " VALUES (?, ?, ?, ?, ?, 'text', ?)"
    )
    db.execute(emails, [tess, at[3], "after_voicemail", "t@x.com", "[bold]Missed you", "smtp"])
    db.execute(
        "INSERT INTO calls (prospect_id, started_at, outcome) VALUES (?, ?, ?)",
        [tess, at[2], "voicemail"],
    )
    db.execute(emails, [tess, at[1], "send_information", "t@x.com", "The info", "mailto"])
    lines = story_lines(db, tess)
    assert [line[WHEN_WIDTH + 2 :].split()[0] for line in lines] == ["email", "call", "email"]
    assert (
        lines[0]
        .splitlines()[0]
        .endswith("email    send information · handed to the mail app  to t@x.com")
    )
    assert lines[0].splitlines()[1].strip() == "The info"
    assert lines[2].splitlines()[0].endswith("email    after voicemail · sent  to t@x.com")
    # The subject as typed, never markup.
    assert lines[2].splitlines()[1].strip() == "[bold]Missed you"


def test_another_tools_email_shows_a_mark_where_it_cannot_be_read(
    demo_storage: Storage, tess: int
) -> None:
    conn = sqlite3.connect(demo_storage.path, isolation_level=None)
    conn.execute(
        "INSERT INTO emails (prospect_id, sent_at, template, subject, via)"
        " VALUES (?, '2026-02-30T10:00:00+00:00', 'x', X'FF', 'pigeon')",
        [tess],
    )
    conn.close()
    [line] = story_lines(demo_storage.db, tess)
    # A day that does not exist (no moment: `?`), a subject that is not text, a via funnel
    # does not know.
    assert line.startswith("?")
    assert line.splitlines()[0].endswith("email    x · pigeon")
    assert line.splitlines()[1].strip() == "?"


async def test_keys_typed_while_a_task_is_saved_act_on_the_tasks_as_they_are_after(
    demo_app: FunnelApp, demo_storage: Storage, tess: int
) -> None:
    first = add_task(demo_storage, tess, "callback", "2026-11-19T10:00:00+00:00")
    second = add_task(demo_storage, tess, "meeting", "2026-11-24T10:00:00+00:00")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await find(pilot, NAME)
        await pilot.press("h")
        await settle(pilot)
        # Each `d` asks, each `y` answers: the second `d` acts on the meeting.
        burst(demo_app, "d", "y", "d", "y")
        await settle_until(pilot, lambda: "The meeting is done." in status_text(demo_app))
    statuses = dict(
        demo_app.storage.db.execute(
            "SELECT id, status FROM tasks WHERE prospect_id = ?", [tess]
        ).fetchall()
    )
    assert statuses == {first: "done", second: "done"}


async def test_the_card_lists_the_three_soonest_tasks_and_how_many_more(
    demo_app: FunnelApp, demo_storage: Storage, tess: int
) -> None:
    for kind, due_at in [
        ("meeting", "2026-12-01T10:00:00+00:00"),
        ("call", "2026-11-16T09:00:00+00:00"),
        ("revisit", "2027-03-01T09:00:00+00:00"),
        ("callback", "2026-11-18T15:00:00+00:00"),
        ("email", "2026-11-18T14:10:00+00:00"),
    ]:
        add_task(demo_storage, tess, kind, due_at)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await find(pilot, NAME)
        lines = [line.split() for line in card_text(demo_app).splitlines()]
        at = lines.index(["Tasks", "call", "2", "days", "late"])
        assert lines[at + 1 : at + 4] == [
            ["email", "20", "min", "late"],
            ["callback", "today", "15:00"],
            ["and", "2", "more", "(h:", "timeline)"],
        ]


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 45)])
async def test_the_key_bar_offers_the_timeline_at_every_size(
    demo_app: FunnelApp, size: tuple[int, int]
) -> None:
    async with demo_app.run_test(size=size) as pilot:
        await settle(pilot)
        assert " h Timeline " in demo_app.screen.query_one(KeyBar).render().plain


def test_a_long_note_wraps_under_itself_and_the_moments_stay_clear() -> None:
    """Wrapped lines of a call's note, and of a note's own line, start where the text
    does, so nothing but the moments stands in the left column."""
    note = "Wants the proposal for both sites before the board meets on Thursday " * 2
    call = CallEntry(1, FROZEN_NOW, Outcome.CALLBACK, "callback", 95, note.strip(), None)
    written = NoteEntry(2, FROZEN_NOW, note.strip())
    console = Console(width=60, record=True, color_system=None)
    for entry in (call, written):
        console.print(entry_line(entry, FROZEN_NOW, "£"))
    lines = console.export_text().splitlines()
    moments = [line for line in lines if line[:WHEN_WIDTH].strip()]
    assert [line[WHEN_WIDTH + 2 :].split()[0] for line in moments] == ["call", "note"]
    assert len(lines) > 6
    for line in lines:
        assert len(line) <= 60
        if line not in moments:
            assert line[: WHEN_WIDTH + 2] == " " * (WHEN_WIDTH + 2), line
            assert line[WHEN_WIDTH + 2] != " ", line


@pytest.mark.parametrize(
    ("seconds", "shown"), [(None, ""), (0, ""), (49, "0m 49s"), (845, "14m 05s"), (3720, "1h 02m")]
)
def test_a_calls_duration_is_never_read_as_a_time_of_day(seconds: int | None, shown: str) -> None:
    # `14:05` beside the call's own time read as five past two.
    assert duration_label(seconds) == shown


def test_what_a_call_booked_is_also_said_on_their_clock() -> None:
    booked = FROZEN_NOW + timedelta(days=2)
    call = CallEntry(
        1, FROZEN_NOW, Outcome.CALLBACK, "callback", 95, None, None, follow_up_at=booked
    )
    console = Console(width=120, record=True, color_system=None)
    console.print(entry_line(call, FROZEN_NOW, "$", "America/New_York"))
    there = booked.astimezone(ZoneInfo("America/New_York"))
    assert f"({there:%H:%M} their time)" in console.export_text()
    console = Console(width=120, record=True, color_system=None)
    console.print(entry_line(call, FROZEN_NOW, "$", None))
    assert "their time" not in console.export_text()


def test_in_a_teams_book_another_reps_call_says_whose_it_was() -> None:
    """Alex's timeline showed dana's `Meeting booked` with no name: whose was it?"""
    call = CallEntry(1, FROZEN_NOW, Outcome.MEETING, "meeting", 95, None, None, rep="dana")

    def shown(viewer: str | None) -> str:
        console = Console(width=120, record=True, color_system=None)
        console.print(entry_line(call, FROZEN_NOW, "$", None, viewer))
        return console.export_text()

    assert "by dana" in shown("alex")
    assert "by dana" not in shown("dana") and "by dana" not in shown("Dana")
    assert "by dana" not in shown(None)  # a one-rep book


def test_what_an_older_call_booked_for_tomorrow_is_said_by_its_date() -> None:
    """`Thu 3 Dec 12:30 call No-show  for tomorrow 10:30`: under a call of another day,
    `tomorrow` read as the day after it."""
    booked = FROZEN_NOW + timedelta(days=1)
    for called, said in (
        (FROZEN_NOW - timedelta(days=3), "for Thu 19 Nov 14:30"),
        (FROZEN_NOW - timedelta(hours=1), "for tomorrow 14:30"),
    ):
        call = CallEntry(
            1, called, Outcome.CALLBACK, "callback", 95, None, None, follow_up_at=booked
        )
        console = Console(width=120, record=True, color_system=None)
        console.print(entry_line(call, FROZEN_NOW, "$", None))
        assert said in console.export_text()


def test_a_deal_without_its_call_shows_its_day_and_no_made_up_time() -> None:
    # It read `Thu 30 Jul 00:00`: midnight, when nobody closed it.
    day = FROZEN_NOW.date() - timedelta(days=20)
    deal = DealEntry(1, None, 430_000, DealKind.NEW, day=day)
    console = Console(width=80, record=True, color_system=None)
    console.print(entry_line(deal, FROZEN_NOW, "$"))
    (line,) = console.export_text().splitlines()
    assert line.startswith(f"{day:%a} {day.day} {day:%b} ")
    assert ":" not in line[:WHEN_WIDTH]


async def test_the_card_gives_a_task_s_time_on_their_clock_where_it_reads_otherwise(
    demo_app: FunnelApp, demo_storage: Storage, tess: int
) -> None:
    """A meeting booked as `wed 9am their time` showed as `Wed 9 Dec 08:00` under their
    Warsaw clock, where the toast and the email had said 09:00."""
    conn = sqlite3.connect(demo_storage.path, isolation_level=None)
    conn.execute("UPDATE prospects SET timezone = 'Europe/Warsaw' WHERE id = ?", [tess])
    conn.close()
    add_task(demo_storage, tess, "meeting", "2026-11-25T08:00:00+00:00")
    add_task(demo_storage, tess, "callback", "2026-11-25T23:30:00+00:00")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await find(pilot, NAME)
        lines = [" ".join(line.split()) for line in card_text(demo_app).splitlines()]
        assert "Tasks meeting Wed 25 Nov 08:00 09:00 their time" in lines
        # Past midnight there: the day is said too.
        assert "callback Wed 25 Nov 23:30 Thu 00:30 their time" in lines
        # And in the timeline, which gave the rep's clock alone.
        await pilot.press("h")
        await settle(pilot)
        listed = [" ".join(line.split()) for line in timeline_text(demo_app).splitlines()]
        assert "meeting Wed 25 Nov 08:00 09:00 their time" in listed
        assert "callback Wed 25 Nov 23:30 Thu 00:30 their time" in listed


async def test_a_new_time_in_the_timeline_is_warned_about_as_the_dialog_warns(
    demo_app: FunnelApp, demo_storage: Storage, tess: int
) -> None:
    """Moving a task to a day read as next year's, or outside calling hours, was saved
    with only its read-back: the outcome dialog says both under the field."""
    add_task(demo_storage, tess, "callback", "2026-11-20T10:00:00+00:00")
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await open_timeline_of(pilot, NAME)
        yesterday = FROZEN_NOW - timedelta(days=1)
        await pilot.press("r", *f"{yesterday.day}/{yesterday.month} 10am")
        await settle(pilot)
        said = " ".join(status_text(demo_app).split())
        assert said.startswith("→ ")
        assert (
            f"⚠ that is next year: {yesterday.day} {yesterday:%b} has passed this year;"
            " enter still saves it"
        ) in said


async def close_on_a_task_moved_out_of_the_view(
    app: FunnelApp, pilot: Pilot[None], *typed_after: str
) -> list[str]:
    """Today's first prospect's task moved two weeks on in the timeline, then escape and
    `typed_after` typed at once: what is said of them leaving the view."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    await pilot.press("h", "r", *"in 2 weeks", "enter")
    await settle(pilot)
    assert "rescheduled" in status_text(app)
    # The look at the book, while the timeline is open, sees the change as any other
    # connection's: it is this app's own, said as the timeline closes, not as made
    # elsewhere.
    screen._refresh_on_outside_change()
    await settle(pilot)
    burst(app, "escape", *typed_after)
    await settle_until(pilot, lambda: any("not in this view now" in m for m in messages(app)))
    return [m for m in messages(app) if "not in this view now" in m]


@pytest.mark.parametrize("typed_after", [[], ["e"]])
async def test_a_prospect_the_timeline_takes_out_of_the_view_is_said_to_have_left_it(
    demo_app: FunnelApp, toasts_kept: None, typed_after: list[str]
) -> None:
    """Today's first prospect, their task moved to next week in the timeline: the cursor
    is on someone else once it closes, which is said, and `e` typed right after escape
    opens nobody's form (it was meant for the prospect whose tasks changed)."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    name = first["name"]
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        assert screen.queue.highlighted_id == first["id"]
        said = await close_on_a_task_moved_out_of_the_view(demo_app, pilot, *typed_after)
        assert demo_app.screen is screen
        assert screen.queue.highlighted_id != first["id"]
        dropped = ": keys typed after escape were not applied" if typed_after else ""
        assert len(said) == 1, said
        assert not [m for m in messages(demo_app) if "after a change elsewhere" in m]
        assert said[-1].startswith(f"{name}'s tasks changed, but not in this view now (")
        assert said[-1].endswith(dropped)


async def test_a_filter_typed_as_the_timeline_closes_on_a_prospect_gone_from_the_view_is_kept(
    demo_app: FunnelApp, toasts_kept: None
) -> None:
    """Escape, `/` and a name typed as the timeline closed on a prospect whose task left
    the view: the `/` was dropped with the keys meant for them, and the name typed on ran
    as commands (`e` opened the next prospect's form, `orge` joined their name, and a
    reflex enter saved it). The filter picks whom the keys after it act on: kept."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    names = {row["id"]: row["name"] for row in db.query("SELECT id, name FROM prospects")}
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        said = await close_on_a_task_moved_out_of_the_view(
            demo_app, pilot, "slash", *"george", "enter"
        )
        await settle(pilot)
        assert demo_app.screen is screen
        assert screen.filter_text == "george"
        assert not said[-1].endswith("were not applied"), said
    assert {row["id"]: row["name"] for row in db.query("SELECT id, name FROM prospects")} == names
    assert first["id"] in names


@pytest.mark.parametrize("at_full_speed", [False, True])
async def test_down_switches_a_new_times_ambiguous_friday_as_the_outcome_dialog_does(
    demo_app: FunnelApp, tess: int, at_full_speed: bool
) -> None:
    """`r next fri 2pm`: the preview offers the other Friday, and down takes it, as in the
    outcome dialog; down did nothing here, and a rep used to it saved the wrong week."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await book_meeting_then_callback(pilot)
        callback, _ = open_tasks_of(db, tess)
        await pilot.press("h")
        await settle(pilot)
        keys = ["r", *"next fri 2pm"]
        if at_full_speed:
            burst(demo_app, *keys, "down", "down", "down", "enter")
            await settle_until(pilot, lambda: "rescheduled" in status_text(demo_app))
        else:
            await pilot.press(*keys)
            await settle(pilot)
            assert "Fri 20 Nov 2026, 14:00" in status_text(demo_app)
            assert "↓: Fri 27 Nov instead" in status_text(demo_app)
            await pilot.press("down")
            await settle(pilot)
            assert "Fri 27 Nov 2026, 14:00" in status_text(demo_app)
            assert "instead of Fri 20 Nov (↓: back)" in status_text(demo_app)
            await pilot.press("down", "down", "enter")
            await settle(pilot)
    due = db.execute("SELECT due_at FROM tasks WHERE id = ?", [callback["id"]]).fetchone()[0]
    assert due.startswith("2026-11-27")


async def test_keys_typed_right_after_a_new_times_enter_act_after_the_save(
    demo_app: FunnelApp, tess: int
) -> None:
    """`r next fri 2pm enter down` in one burst saved next week's Friday (the down, meant
    for the list, switched the day before the save); `r fri 3pm enter escape` saved
    nothing. Enter saves what the preview shows, then the keys act on the list."""
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await book_meeting_then_callback(pilot)
        callback, _ = open_tasks_of(db, tess)
        await pilot.press("h")
        await settle(pilot)
        burst(demo_app, "r", *"next fri 2pm", "enter", "down")
        await settle_until(pilot, lambda: "rescheduled" in status_text(demo_app))
        due = db.execute("SELECT due_at FROM tasks WHERE id = ?", [callback["id"]]).fetchone()
        assert due[0].startswith("2026-11-20")
        await pilot.press("up")
        await settle(pilot)
        burst(demo_app, "r", *"fri 3pm", "enter", "escape")
        await settle_until(pilot, lambda: not isinstance(demo_app.screen, TimelineScreen))
    due = db.execute("SELECT due_at FROM tasks WHERE id = ?", [callback["id"]]).fetchone()[0]
    assert due == "2026-11-20T15:00:00+00:00"


async def test_keys_typed_after_a_refused_new_time_are_dropped(
    demo_app: FunnelApp, tess: int
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await book_meeting_then_callback(pilot)
        await pilot.press("h")
        await settle(pilot)
        burst(demo_app, "r", *"blorp", "enter", "d")
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, TimelineScreen)
        assert screen.when_field.value == "blorp"
        assert KEYS_NOT_APPLIED in status_text(demo_app)
        # Tab leaves nothing half done: the field keeps the focus.
        await pilot.press("tab")
        assert screen.focused is screen.when_field
