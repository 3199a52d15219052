"""`funnel next` and `funnel log`: the app's queue and outcome dialog without a screen, for
scripts and softphones, on the demo book at the app tests' frozen moment: in a SQLite file
and in a team's PostgreSQL database (`--db postgresql://...`), where the rep is named."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from funnel_tui import typed_call as typed_call_module
from funnel_tui.cadence import next_call_due
from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.crash import write_crash_log
from funnel_tui.domain import OUTCOME_SPECS, LostReason, Outcome
from funnel_tui.phones import international
from funnel_tui.queue import QueueMode, read_order
from funnel_tui.reps import REP_ENV, add_rep
from funnel_tui.settings import load_settings
from funnel_tui.store import open_team_book
from funnel_tui.store import sqlite as storage_module
from funnel_tui.store.sqlite import open_storage
from funnel_tui.text import clean_optional
from funnel_tui.timestamps import to_stored
from funnel_tui.typed_call import read_outcome
from tests.app_support import FROZEN_NOW, build_demo_storage
from tests.book_copy import copy_book_to_team
from tests.cli_support import invoke, one_line_error, patch_commands, run_funnel, run_main
from tests.conftest import empty_team_book
from tests.rows import count_rows, get_row, insert_row, table_rows, update_row
from tests.test_app import todays_queue

LONDON = FROZEN_NOW.tzinfo
# The demo book at FROZEN_NOW: the head of the queue (an overdue callback), a new lead in
# New York never called, a prospect with an open deal of 17,100.00.
HEAD = 42
NEW_YORK_LEAD = 41
OPEN_DEAL = 24
# A prospect with a callback booked for Friday 20 November at 11:00.
CALLBACK_FRIDAY = 49

# README, `funnel next --json`: written out so the test does not trust the code.
NEXT_KEYS = [
    "id",
    "name",
    "company",
    "title",
    "phone",
    "email",
    "timezone",
    "kind",
    "stage",
    "method",
    "priority",
    "attempts",
    "why",
    "task",
    "due_at",
]


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    patch_commands(monkeypatch, "system_now", lambda: FROZEN_NOW)


# The rep working a team's book: `funnel next` there needs one.
REP = "alex"
# A book: a SQLite file's path, or a team database's URL.
Book = Path | str
# The books opened by the test, closed at its end.
_opened: dict[Book, Any] = {}


@pytest.fixture(autouse=True)
def close_books() -> Iterator[None]:
    yield
    while _opened:
        _opened.popitem()[1].close()


def team_book(url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The team database at `url`, with REP among its reps and named as the rep working."""
    book(url).execute("INSERT INTO reps (name) VALUES (?)", [REP])
    monkeypatch.setenv(REP_ENV, REP)
    return url


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    """The demo book in a SQLite file."""
    path = tmp_path / "demo.db"
    build_demo_storage(path).close()
    return path


@pytest.fixture
def team_demo(demo_file: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo book's rows in a team database."""
    copy_book_to_team(demo_file, postgres_url)
    return team_book(postgres_url, monkeypatch)


@pytest.fixture(params=["sqlite", "postgresql"])
def demo(request: pytest.FixtureRequest) -> Book:
    """The demo book: a SQLite file, or the same rows in a team database."""
    return request.getfixturevalue("demo_file" if request.param == "sqlite" else "team_demo")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Book:
    """A new book with nothing in it, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "empty.db"
        open_storage(path).close()
        return path
    url = request.getfixturevalue("postgres_url")
    open_team_book(url).close()
    empty_team_book(url)
    return team_book(url, monkeypatch)


def book(target: Book) -> Any:
    """A connection to the book, open until the test ends."""
    if target not in _opened:
        _opened[target] = (
            open_team_book(target) if isinstance(target, str) else open_storage(target)
        )
    return _opened[target].db


def row(path: Book, table: str, row_id: int) -> dict[str, Any]:
    found = get_row(book(path), table, row_id)
    assert found is not None
    return found


def calls_of(path: Book, prospect_id: int) -> list[dict[str, Any]]:
    return list(
        book(path).query("SELECT * FROM calls WHERE prospect_id = ? ORDER BY id", [prospect_id])
    )


def open_tasks_of(path: Book, prospect_id: int) -> list[dict[str, Any]]:
    return list(
        book(path).query(
            "SELECT kind, due_at FROM tasks WHERE prospect_id = ? AND status = 'open'"
            " ORDER BY due_at",
            [prospect_id],
        )
    )


def written(path: Book) -> dict[str, int]:
    db = book(path)
    return {table: count_rows(db, table) for table in ("calls", "tasks", "deals", "undo_log")}


def log(path: Book, *args: str | int) -> Any:
    return invoke("log", *map(str, args), "--db", path)


def logged_ok(path: Book, *args: str | int) -> str:
    result = log(path, *args)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    return lines[0]


# --- funnel next ---------------------------------------------------------------------


def test_next_is_the_first_prospect_of_the_apps_queue(demo: Book) -> None:
    db = book(demo)
    order = read_order(
        db, now=FROZEN_NOW, mode=QueueMode.TODAY, text="", settings=load_settings(db)
    )
    assert order.ids[0] == todays_queue(db)[0] == HEAD

    result = invoke("next", "--db", demo)

    assert result.exit_code == 0, result.output
    head = row(demo, "prospects", HEAD)
    lines = result.stdout.splitlines()
    assert lines[0] == f"{head['name']} · {head['company']} (id {HEAD})"
    assert lines[1:4] == [
        # The international format, not the stored E.164 form.
        f"  phone   {international(str(head['phone']), 'US')}",
        f"  email   {head['email']}",
        "  who     Known prospect, stage contacted, method solution",
    ]
    assert lines[4] == "  next    callback due Tue 17 Nov 2026, 13:30 (yesterday)"


def test_next_json_has_the_documented_keys(demo: Book) -> None:
    result = invoke("next", "--json", "--db", demo)

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert list(printed) == ["prospect"]
    prospect = printed["prospect"]
    assert list(prospect) == NEXT_KEYS
    head = row(demo, "prospects", HEAD)
    assert {key: prospect[key] for key in NEXT_KEYS[:10]} == {
        key: head[key] for key in NEXT_KEYS[:10]
    }
    assert prospect["priority"] == {0: "low", 1: "normal", 2: "high"}[head["priority"]]
    assert (prospect["attempts"], prospect["why"], prospect["task"]) == (
        head["attempts"],
        "appointment",
        "callback",
    )
    # No timezone: the due time is given in the rep's.
    assert prospect["due_at"] == "2026-11-17T13:30:00+00:00"


def test_next_json_gives_null_for_text_another_tool_left_empty(demo: Book) -> None:
    """sqlite-utils writes '' for an empty CSV cell: unknown, as the README promises null."""
    update_row(book(demo), "prospects", HEAD, {"company": "", "phone": "", "timezone": " "})

    prospect = json.loads(invoke("next", "--json", "--db", demo).stdout)["prospect"]
    lines = invoke("next", "--db", demo).stdout.splitlines()

    assert prospect["id"] == HEAD
    assert (prospect["company"], prospect["phone"], prospect["timezone"]) == (None, None, None)
    assert prospect["due_at"] == "2026-11-17T13:30:00+00:00"
    assert lines[0] == f"{row(demo, 'prospects', HEAD)['name']} (id {HEAD})"
    assert lines[1] == "  phone   -"


def test_a_method_none_set_is_shown_as_none_and_its_call_stored_with_the_method_used(
    demo: Book,
) -> None:
    """'' is no method set: the Solution script is used, so the call is stored with that
    method, not with '' (which the report showed as a method without a name)."""
    update_row(book(demo), "prospects", HEAD, {"method": ""})

    lines = invoke("next", "--db", demo).stdout.splitlines()
    prospect = json.loads(invoke("next", "--json", "--db", demo).stdout)["prospect"]

    assert lines[3] == "  who     Known prospect, stage contacted, method -"
    assert prospect["method"] is None
    logged_ok(demo, HEAD, "m", "--when", "tomorrow 3pm")
    assert calls_of(demo, HEAD)[-1]["method"] == "solution"


def test_next_json_gives_null_for_a_zone_funnel_cannot_read(demo: Book) -> None:
    """The README promises an IANA name or null: `PST` is neither to a script."""
    update_row(book(demo), "prospects", HEAD, {"timezone": "PST"})

    prospect = json.loads(invoke("next", "--json", "--db", demo).stdout)["prospect"]

    assert (prospect["id"], prospect["timezone"]) == (HEAD, None)
    assert prospect["due_at"] == "2026-11-17T13:30:00+00:00"


def test_next_gives_the_due_time_in_the_prospects_zone(demo: Book) -> None:
    update_row(book(demo), "prospects", HEAD, {"timezone": "America/New_York"})

    prospect = json.loads(invoke("next", "--json", "--db", demo).stdout)["prospect"]
    lines = invoke("next", "--db", demo).stdout.splitlines()

    assert (prospect["id"], prospect["timezone"]) == (HEAD, "America/New_York")
    assert prospect["due_at"] == "2026-11-17T08:30:00-05:00"
    assert lines[4] == "  next    callback due Tue 17 Nov 2026, 13:30 (yesterday), 08:30 their time"


def test_a_next_call_another_tool_empties_keeps_the_callback_and_the_queue(demo: Book) -> None:
    """sqlite-utils writes '' for an empty cell: no next call given, so the callback booked
    stays, and the prospect neither loses it nor jumps the queue with a callback due `?`."""
    booked = open_tasks_of(demo, CALLBACK_FRIDAY)
    next_call = row(demo, "prospects", CALLBACK_FRIDAY)["next_call_at"]

    update_row(book(demo), "prospects", CALLBACK_FRIDAY, {"next_call_at": ""})

    assert booked and open_tasks_of(demo, CALLBACK_FRIDAY) == booked
    assert row(demo, "prospects", CALLBACK_FRIDAY)["next_call_at"] == next_call
    lines = invoke("next", "--db", demo).stdout.splitlines()
    assert lines[0].endswith(f"(id {HEAD})")
    assert lines[4] == "  next    callback due Tue 17 Nov 2026, 13:30 (yesterday)"


def test_a_new_lead_is_next_for_never_having_been_called(demo: Book) -> None:
    db = book(demo)
    # Only a lead never called is left in today's queue.
    db.execute("UPDATE tasks SET status = 'cancelled' WHERE status = 'open'")
    db.execute(
        "UPDATE prospects SET do_not_call = 1 WHERE id != ? AND next_call_at IS NULL"
        " AND last_called_at IS NULL",
        [NEW_YORK_LEAD],
    )

    prospect = json.loads(invoke("next", "--json", "--db", demo).stdout)["prospect"]
    lines = invoke("next", "--db", demo).stdout.splitlines()

    assert prospect["id"] == NEW_YORK_LEAD
    assert (prospect["why"], prospect["task"], prospect["due_at"]) == ("new_lead", None, None)
    assert lines[4].startswith("  next    never called, a new lead (priority ")


def test_next_moves_on_once_the_head_is_logged(demo: Book) -> None:
    before = todays_queue(book(demo))

    logged_ok(demo, HEAD, "no_answer")

    after = json.loads(invoke("next", "--json", "--db", demo).stdout)["prospect"]
    assert after["id"] == todays_queue(book(demo))[0] == before[1]


def test_an_empty_queue_is_a_null_prospect_and_exit_0(empty: Book) -> None:
    as_json = invoke("next", "--json", "--db", empty)
    plain = invoke("next", "--db", empty)

    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == {"prospect": None}
    assert plain.exit_code == 0, plain.output
    assert plain.stdout == "Nobody to call now: today's queue is empty.\n"


def test_next_says_how_many_wait_for_their_calling_hours(demo: Book) -> None:
    db = book(demo)
    # Everyone is in Tokyo, where it is past midnight at FROZEN_NOW.
    db.execute("UPDATE prospects SET timezone = 'Asia/Tokyo'")
    assert todays_queue(book(demo)) == []

    result = invoke("next", "--db", demo)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Nobody to call now: today's queue is empty; ")
    assert result.stdout.endswith(" wait for their calling hours.\n")
    assert json.loads(invoke("next", "--json", "--db", demo).stdout) == {"prospect": None}


def test_next_on_a_file_that_does_not_exist_is_one_line(tmp_path: Path) -> None:
    result = invoke("next", "--db", tmp_path / "typo.db")
    assert result.exit_code == 1
    assert "does not exist" in one_line_error(result.stderr)
    assert not (tmp_path / "typo.db").exists()


# --- funnel log: as the dialog logs it -------------------------------------------------


@pytest.mark.parametrize("outcome", list(Outcome))
def test_an_outcome_is_named_by_its_value_or_its_dialog_key(outcome: Outcome) -> None:
    assert read_outcome(outcome.value) is outcome
    assert read_outcome(OUTCOME_SPECS[outcome].key) is outcome
    assert read_outcome(outcome.value.upper().replace("_", "-")) is outcome


def _without_stamps(value: Any) -> Any:
    """The undo record without the prospect's updated_at, which SQLite takes from the real
    clock: two runs a second apart differ there by nature."""
    if isinstance(value, dict):
        return {k: _without_stamps(v) for k, v in value.items() if k != "updated_at"}
    if isinstance(value, list):
        return [_without_stamps(item) for item in value]
    return value


def _dialog_book(path: Book) -> dict[str, list[dict[str, Any]]]:
    """What a call leaves in the book, without what differs between two runs by nature:
    the CLI's request id, and the stamps the database takes from the real clock."""
    db = book(path)
    return {
        "prospects": [
            {k: v for k, v in prospect.items() if k != "updated_at"}
            for prospect in table_rows(db, "prospects")
        ],
        "calls": [
            {k: v for k, v in call.items() if k != "request_id"} for call in table_rows(db, "calls")
        ],
        "tasks": table_rows(db, "tasks"),
        "deals": table_rows(db, "deals"),
        "undo_log": [
            {**entry, "prospect_before": _without_stamps(json.loads(entry["prospect_before"]))}
            for entry in table_rows(db, "undo_log", order_by="call_id")
        ],
        "flag_changes": [
            {k: v for k, v in change.items() if k != "changed_at"}
            for change in table_rows(db, "flag_changes")
        ],
    }


@pytest.mark.parametrize(
    ("prospect_id", "args", "entry"),
    [
        (HEAD, ["n"], CallOutcome(Outcome.NO_ANSWER)),
        (HEAD, ["busy"], CallOutcome(Outcome.BUSY)),
        (
            NEW_YORK_LEAD,
            ["callback", "--when", "tomorrow 3pm", "--note", "asked for Thursday"],
            CallOutcome(
                Outcome.CALLBACK,
                notes="asked for Thursday",
                follow_up_at=datetime(2026, 11, 19, 15, 0, tzinfo=LONDON),
            ),
        ),
        (
            HEAD,
            ["m", "--when", "fri 2pm"],
            CallOutcome(Outcome.MEETING, follow_up_at=datetime(2026, 11, 20, 14, tzinfo=LONDON)),
        ),
        (
            OPEN_DEAL,
            ["p", "--amount", "20k", "--close-on", "15/12"],
            CallOutcome(
                Outcome.PROPOSAL_SENT,
                amount_cents=2_000_000,
                close_on=datetime(2026, 12, 15).date(),
            ),
        ),
        (OPEN_DEAL, ["won"], CallOutcome(Outcome.WON, amount_cents=1_710_000)),
        (
            HEAD,
            ["x", "--reason", "b", "--revisit-on", "1/3"],
            CallOutcome(
                Outcome.NOT_INTERESTED,
                reason=LostReason.BUDGET,
                revisit_on=datetime(2027, 3, 1).date(),
            ),
        ),
        (HEAD, ["wrong_number"], CallOutcome(Outcome.WRONG_NUMBER)),
        (HEAD, ["d"], CallOutcome(Outcome.DO_NOT_CALL)),
    ],
)
def test_log_leaves_the_book_as_the_dialog_would(
    demo: Book, tmp_path: Path, prospect_id: int, args: list[str], entry: CallOutcome
) -> None:
    """The dialog's call is logged in a SQLite file, by the team's rep when the CLI works a
    team's database: the CLI leaves that database as the dialog leaves the file."""
    by_dialog = tmp_path / "dialog.db"
    dialog = build_demo_storage(by_dialog)
    rep = REP if isinstance(demo, str) else None
    if rep is not None:
        add_rep(dialog.db, rep)
    settings = load_settings(dialog.db)
    log_call(dialog.db, prospect_id, entry, now=FROZEN_NOW, settings=settings, rep=rep)
    dialog.close()

    logged_ok(demo, prospect_id, *args)

    assert _dialog_book(demo) == _dialog_book(by_dialog)


def test_no_answer_sets_the_next_call_by_the_cadence(demo: Book) -> None:
    line = logged_ok(demo, NEW_YORK_LEAD, "no_answer")

    due = next_call_due(1, FROZEN_NOW, load_settings(book(demo)), "America/New_York")
    assert open_tasks_of(demo, NEW_YORK_LEAD) == [{"kind": "call", "due_at": to_stored(due)}]
    (call,) = calls_of(demo, NEW_YORK_LEAD)
    assert (call["outcome"], call["duration_s"], call["started_at"]) == (
        "no_answer",
        0,
        to_stored(FROZEN_NOW),
    )
    assert line == (
        "Logged no answer for Jessica Moore (call "
        f"{call['id']}); next: call task due Thu 19 Nov 2026, 14:30 (tomorrow), 09:30 their time"
    )


def test_a_callback_is_due_when_typed_and_read_back_in_their_time(demo: Book) -> None:
    line, warning = logged_with_a_warning(demo, NEW_YORK_LEAD, "c", "--when", "tomorrow 10am")

    # As the dialog reads it: on the rep's clock, read back on theirs too.
    due = datetime(2026, 11, 19, 10, 0, tzinfo=LONDON)
    assert open_tasks_of(demo, NEW_YORK_LEAD) == [{"kind": "callback", "due_at": to_stored(due)}]
    (call,) = calls_of(demo, NEW_YORK_LEAD)
    assert call["follow_up_at"] == to_stored(due)
    assert line.endswith("; callback booked Thu 19 Nov 2026, 10:00 (tomorrow), 05:00 their time")
    # As the dialog says it beside the field.
    assert warning == (
        "funnel: ⚠ --when: 05:00 their time is outside calling hours (09:00-18:00);"
        " logged all the same"
    )


def test_a_time_the_clocks_skip_is_said_as_the_dialog_says_it(demo: Book) -> None:
    """02:30 on the night New York's clocks go forward was stored as 03:00 their time, and
    the line said only `03:00 their time`, where the dialog says the 02:30 is no time."""
    line, warning = logged_with_a_warning(
        demo, NEW_YORK_LEAD, "c", "--when", "2027-03-14 02:30 their time"
    )
    assert line.endswith("; callback booked Sun 14 Mar 2027, 07:00 (in 116 days), 03:00 their time")
    assert warning.startswith(
        "funnel: ⚠ --when: 02:30 does not exist on 14 March (clocks go forward); Sunday is"
    )
    assert warning.endswith("; logged all the same")


def test_their_time_with_a_zone_another_tool_wrote_says_it_cannot_be_read(
    demo_file: Path,
) -> None:
    """`PST` is no zone funnel reads: the refusal quotes it, where it said the zone was not
    known; an empty zone is none, as NULL is."""
    conn = sqlite3.connect(demo_file, isolation_level=None)
    conn.execute("UPDATE prospects SET timezone = 'PST' WHERE id = ?", [NEW_YORK_LEAD])
    before = written(demo_file)

    refused = log(demo_file, NEW_YORK_LEAD, "c", "--when", "tomorrow 10am their time")

    assert refused.exit_code == 1
    assert one_line_error(refused.stderr) == (
        "funnel: --when: their time zone 'PST' cannot be read; type the time as it is where you are"
    )
    assert written(demo_file) == before
    conn.execute("UPDATE prospects SET timezone = '' WHERE id = ?", [NEW_YORK_LEAD])
    conn.close()
    blank = log(demo_file, NEW_YORK_LEAD, "c", "--when", "tomorrow 10am their time")
    assert one_line_error(blank.stderr) == (
        "funnel: --when: their time zone is not known; type the time as it is where you are"
    )


def test_the_line_says_the_follow_up_booked_and_an_earlier_task_after_it(demo: Book) -> None:
    # The clock says Wednesday 18 November, 14:30; "at 3" is 15:00, as a rep means it.
    first = logged_ok(demo, HEAD, "c", "--when", "tomorrow at 3")
    assert first.endswith("; callback booked Thu 19 Nov 2026, 15:00 (tomorrow)")
    second = logged_ok(demo, HEAD, "c", "--when", "next fri")
    assert second.endswith(
        "; callback booked Fri 20 Nov 2026, 09:00 (in 2 days)"
        "; next: callback task due Thu 19 Nov 2026, 15:00 (tomorrow)"
    )


def test_a_callback_moved_earlier_names_the_later_one_still_open(demo: Book) -> None:
    """They asked for Thursday instead of Friday: the line said only Thursday's callback,
    Friday's left open without a word."""
    line = logged_ok(demo, CALLBACK_FRIDAY, "c", "--when", "thu 10am")
    assert line.endswith(
        "; callback booked Thu 19 Nov 2026, 10:00 (tomorrow)"
        "; callback Fri 20 Nov 2026, 11:00 (in 2 days) also open (funnel calendar lists it)"
    )


def test_a_callback_at_the_time_already_booked_keeps_that_task_and_says_so(demo: Book) -> None:
    # The demo's Zainab Hussain has a callback on Friday at 11:00: the rep confirms it.
    callbacks = (
        "SELECT id, due_at FROM tasks WHERE prospect_id = ? AND kind = 'callback'"
        " AND status = 'open'"
    )
    ((task_id, due_at),) = book(demo).execute(callbacks, [CALLBACK_FRIDAY]).fetchall()

    line = logged_ok(demo, CALLBACK_FRIDAY, "c", "--when", "fri 11am", "--note", "confirmed")

    # The same task, whose UID the calendar file keeps: nothing to import twice.
    assert book(demo).execute(callbacks, [CALLBACK_FRIDAY]).fetchall() == [(task_id, due_at)]
    call = calls_of(demo, CALLBACK_FRIDAY)[-1]
    assert (call["outcome"], call["notes"]) == ("callback", "confirmed")
    assert line == (
        f"Logged callback for Zainab Hussain (call {call['id']}); callback already booked"
        f" Fri 20 Nov 2026, 11:00 (in 2 days), task {task_id} kept"
    )


def test_a_meeting_moves_the_stage_to_meeting(demo: Book) -> None:
    logged_ok(demo, HEAD, "meeting", "--when", "fri 2pm")

    assert row(demo, "prospects", HEAD)["stage"] == "meeting"
    assert {"kind": "meeting", "due_at": to_stored(datetime(2026, 11, 20, 14, tzinfo=LONDON))} in (
        open_tasks_of(demo, HEAD)
    )


def logged_with_a_warning(path: Book, *args: str | int) -> tuple[str, str]:
    """The line a call logged with a warning prints, and the warning's one line."""
    result = log(path, *args)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1, result.stdout
    return result.stdout.strip(), one_line_error(result.stderr)


@pytest.mark.parametrize("outcome", ["meeting_held", "s"])
def test_a_meeting_held_or_missed_without_a_meeting_booked_is_logged_with_the_dialogs_warning(
    demo: Book, outcome: str
) -> None:
    assert [task["kind"] for task in open_tasks_of(demo, NEW_YORK_LEAD)] == []
    args = ["--when", "fri 2pm"] if outcome == "s" else []

    line, warning = logged_with_a_warning(demo, NEW_YORK_LEAD, outcome, *args)

    name = row(demo, "prospects", NEW_YORK_LEAD)["name"]
    assert line.startswith("Logged ")
    assert warning == f"funnel: ⚠ no meeting is booked with {name}; logged all the same"
    assert calls_of(demo, NEW_YORK_LEAD)[-1]["outcome"] == read_outcome(outcome).value


def test_a_no_show_says_it_marked_the_callback_due_done_too(demo: Book) -> None:
    """The head's callback is overdue and their meeting was at 10:00: the no-show is the
    call the callback was for (PRODUCT 14), and the line says that callback is done."""
    callback = next(task for task in open_tasks_of(demo, HEAD) if task["kind"] == "callback")
    meeting_at = FROZEN_NOW.replace(hour=10, minute=0)
    insert_row(
        book(demo),
        "tasks",
        {"prospect_id": HEAD, "kind": "meeting", "due_at": to_stored(meeting_at)},
    )

    line = logged_ok(demo, HEAD, "s", "--when", "fri 2pm")

    assert line.startswith("Logged no-show for Jonas Weber")
    due = datetime.fromisoformat(callback["due_at"]).astimezone(LONDON)
    assert f"callback {due:%a} {due.day} {due:%b %Y}, {due:%H:%M}" in line
    assert line.count("marked done too") == 1
    assert callback not in open_tasks_of(demo, HEAD)


def test_a_proposal_reads_back_its_expected_close_date(demo: Book) -> None:
    """`--close-on '3/12 930'` was stored as a day of next year, and the line said nothing
    of the date, where the dialog reads it back."""
    line = logged_ok(demo, HEAD, "p", "--amount", "5000", "--close-on", "15/12")
    assert "expected to close Tue 15 Dec 2026 (in 27 days)" in line
    assert row(demo, "prospects", HEAD)["expected_close_on"] == "2026-12-15"


def test_a_day_read_as_next_years_is_logged_with_the_dialogs_warning(demo: Book) -> None:
    """`--close-on 3/12` typed on 5 December stored next year's 3 December without a word,
    where the dialog says it."""
    yesterday = FROZEN_NOW - timedelta(days=1)
    typed = f"{yesterday.day}/{yesterday.month}"

    line, warning = logged_with_a_warning(
        demo, HEAD, "proposal_sent", "--amount", "5000", "--close-on", typed
    )

    assert line.startswith("Logged proposal sent for Jonas Weber")
    assert warning == (
        f"funnel: ⚠ --close-on: that is next year: {yesterday.day} {yesterday:%b} has passed"
        " this year; logged all the same"
    )
    assert row(demo, "prospects", HEAD)["expected_close_on"] == (
        yesterday.date().replace(year=yesterday.year + 1).isoformat()
    )


def test_a_meeting_held_before_it_comes_is_logged_with_the_dialogs_warning(demo: Book) -> None:
    logged_ok(demo, HEAD, "meeting", "--when", "fri 2pm")

    line, warning = logged_with_a_warning(demo, HEAD, "h", "--request-id", "held-early")

    assert line.startswith("Logged meeting held for Jonas Weber")
    assert warning == (
        "funnel: ⚠ their meeting is Fri 20 Nov 2026, 14:00 (in 2 days), still to come;"
        " logged all the same"
    )
    # The retry finds the call: nothing new to warn of.
    again = logged_ok(demo, HEAD, "h", "--request-id", "held-early")
    assert again.startswith("Already logged, not written again: meeting held")


def test_a_meeting_held_once_it_has_come_is_logged_without_a_warning(demo: Book) -> None:
    logged_ok(demo, HEAD, "meeting", "--when", "fri 2pm")
    [meeting] = book(demo).query(
        "SELECT id FROM tasks WHERE prospect_id = ? AND kind = 'meeting' AND status = 'open'",
        [HEAD],
    )
    update_row(book(demo), "tasks", meeting["id"], {"due_at": to_stored(FROZEN_NOW)})

    assert logged_ok(demo, HEAD, "h").startswith("Logged meeting held for Jonas Weber")


def test_won_records_the_amount_typed(demo: Book) -> None:
    line = logged_ok(demo, OPEN_DEAL, "w", "--amount", "12k")

    (deal,) = book(demo).query(
        "SELECT amount_cents, kind FROM deals WHERE prospect_id = ?", [OPEN_DEAL]
    )
    assert deal == {"amount_cents": 1_200_000, "kind": "new"}
    assert row(demo, "prospects", OPEN_DEAL)["kind"] == "customer"
    assert ", a new deal of $12,000.00; " in line


def test_a_second_win_is_an_expansion_deal_and_a_foreign_currency_is_refused(
    demo: Book,
) -> None:
    logged_ok(demo, OPEN_DEAL, "w", "--amount", "12k")
    before = written(demo)
    refused = log(demo, OPEN_DEAL, "w", "--amount", "€500")
    assert refused.exit_code == 1
    assert "this book counts in $, not €" in one_line_error(refused.stderr)
    assert written(demo) == before
    line = logged_ok(demo, OPEN_DEAL, "w", "--amount", "500")
    assert ", an expansion deal of $500.00" in line


def test_won_without_an_amount_takes_the_open_deal_value(demo: Book) -> None:
    logged_ok(demo, OPEN_DEAL, "won")

    (deal,) = book(demo).query("SELECT amount_cents FROM deals WHERE prospect_id = ?", [OPEN_DEAL])
    assert deal == {"amount_cents": 1_710_000}
    assert row(demo, "prospects", OPEN_DEAL)["deal_value_cents"] is None


def test_not_interested_with_a_reason_and_a_revisit_day_goes_to_nurture(demo: Book) -> None:
    line = logged_ok(demo, HEAD, "not_interested", "--reason", "budget", "--revisit-on", "1/3")
    assert line.startswith("Logged not interested (budget) for ")

    prospect = row(demo, "prospects", HEAD)
    assert (prospect["stage"], prospect["lost_reason"], prospect["nurture"]) == (
        "lost",
        "budget",
        1,
    )
    assert [task["kind"] for task in open_tasks_of(demo, HEAD)] == ["revisit"]
    assert line.endswith("next: revisit task due Mon 1 Mar 2027, 09:30 (in 103 days)")
    # Called before the revisit, no answer: the try books nothing and the revisit stays
    # the next call. A cadence call booked then was due before the revisit, out of the
    # queue while they were lost, and hid the revisit behind it: they never came back.
    tried = logged_ok(demo, HEAD, "n")
    assert tried.endswith(
        "; still lost, no try booked; next: revisit task due Mon 1 Mar 2027, 09:30 (in 103 days)"
    )
    assert [task["kind"] for task in open_tasks_of(demo, HEAD)] == ["revisit"]
    db = book(demo)
    on_the_day = datetime(2027, 3, 1, 15, tzinfo=FROZEN_NOW.tzinfo)
    order = read_order(
        db, now=on_the_day, mode=QueueMode.TODAY, text="", settings=load_settings(db)
    )
    assert HEAD in order.ids
    # Back a week later with the budget: the win cancels the revisit, and says so.
    won = logged_ok(demo, HEAD, "won", "--amount", "900")
    assert "; revisit Mon 1 Mar 2027 (in 103 days) cancelled" in won
    assert open_tasks_of(demo, HEAD) == []


def test_a_try_on_a_prospect_lost_as_unreachable_does_not_say_it_made_them_so(
    demo: Book,
) -> None:
    """A nurture lead, lost as unreachable before, tried before their revisit: the line
    began `lost as unreachable: no more tries`, as if this try had made them lost."""
    db = book(demo)
    (nurtured,) = db.execute(
        "SELECT id FROM prospects WHERE lost_reason = 'unreachable' ORDER BY id LIMIT 1"
    ).fetchone()

    line = logged_ok(demo, nurtured, "n")

    assert "lost as unreachable" not in line
    assert "; still lost, no try booked; next: revisit task due " in line


def test_do_not_call_and_the_last_try_say_what_the_app_says(demo: Book) -> None:
    """`funnel log ID d` with a meeting booked, and the cadence's last unanswered try: the
    line named neither the meeting that stands nor that the prospect is now lost, where the
    app's toast says both."""
    logged_ok(demo, NEW_YORK_LEAD, "m", "--when", "fri 2pm")
    line = logged_ok(demo, NEW_YORK_LEAD, "d")
    assert line.endswith(
        "; marked do not call: never queued or dialled again; the meeting stands: Fri 20 Nov"
        " 2026, 14:00 (in 2 days), 09:00 their time"
    )
    update_row(book(demo), "prospects", HEAD, {"attempts": 7})
    last = logged_ok(demo, HEAD, "n")
    assert "; lost as unreachable: no more tries; next: revisit task due " in last
    assert row(demo, "prospects", HEAD)["stage"] == "lost"


def test_do_not_call_needs_yes_once_the_prospect_is_marked(demo: Book) -> None:
    line = logged_ok(demo, HEAD, "do_not_call")
    assert line.endswith("; marked do not call: never queued or dialled again")
    before = written(demo)

    refused = log(demo, HEAD, "voicemail")

    assert refused.exit_code == 1
    assert one_line_error(refused.stderr) == (
        "funnel: Jonas Weber is marked do not call: nothing logged (--yes logs it anyway)"
    )
    assert written(demo) == before
    logged_ok(demo, HEAD, "voicemail", "--yes")
    assert [call["outcome"] for call in calls_of(demo, HEAD)][-2:] == ["do_not_call", "voicemail"]


def test_the_duration_is_the_call_that_ended_now(demo: Book) -> None:
    logged_ok(demo, HEAD, "v", "--duration", "95")

    call = calls_of(demo, HEAD)[-1]
    assert (call["duration_s"], call["started_at"]) == (
        95,
        to_stored(FROZEN_NOW - timedelta(seconds=95)),
    )


@pytest.mark.parametrize(
    ("zone", "local_now", "closed_on"),
    [
        # 20:00 on New Year's Eve in New York, the call begun five minutes before: 00:55
        # on 1 January in UTC, the day the deal was dated, out of the year it was won in.
        ("America/New_York", datetime(2026, 12, 31, 20, 0), "2026-12-31"),
        ("Pacific/Kiritimati", datetime(2027, 1, 1, 8, 0), "2027-01-01"),
    ],
)
def test_a_win_logged_with_its_duration_closes_on_the_reps_day(
    demo: Book, monkeypatch: pytest.MonkeyPatch, zone: str, local_now: datetime, closed_on: str
) -> None:
    from zoneinfo import ZoneInfo

    now = local_now.replace(tzinfo=ZoneInfo(zone))
    patch_commands(monkeypatch, "system_now", lambda: now)
    logged_ok(demo, HEAD, "w", "--amount", "5000", "--duration", "300")

    call = calls_of(demo, HEAD)[-1]
    (deal,) = book(demo).query("SELECT closed_on FROM deals WHERE call_id = ?", [call["id"]])
    assert deal["closed_on"] == closed_on


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ([HEAD, "callback"], "funnel: --when: needed: say when, e.g. tomorrow 10am or fri 2pm"),
        ([HEAD, "c", "--when", "  "], "funnel: --when: needed: say when"),
        ([HEAD, "c", "--when", "yesterday"], "funnel: --when: 'yesterday' is in the past"),
        ([HEAD, "c", "--when", "today 9am"], "funnel: --when: that time today has passed"),
        ([HEAD, "won", "--amount", "abc"], "funnel: --amount: 'abc' is not an amount"),
        ([HEAD, "won"], "funnel: --amount: needed: type the amount"),
        ([HEAD, "w", "--amount", "0"], "funnel: --amount: the amount must be more than zero"),
        (
            [HEAD, "p", "--amount", "5k"],
            "funnel: --close-on: needed: say the day it should close",
        ),
        ([HEAD, "x", "--revisit-on", "1/11/2026"], "funnel: --revisit-on: Sun 1 Nov 2026 is"),
        ([HEAD, "x", "--reason", "cheap"], "funnel: --reason: 'cheap' is not a reason; pick"),
        ([HEAD, "x", "--reason", "unreachable"], "funnel: --reason: 'unreachable' is not a"),
        ([HEAD, "no_answer", "--when", "fri 2pm"], "funnel: --when: No answer does not ask"),
        (
            [HEAD, "v", "--amount", "5", "--reason", "b"],
            "funnel: --amount: Voicemail does not ask for it; --reason: Voicemail does not",
        ),
        ([HEAD, "maybe"], "funnel: unknown outcome 'maybe'; known: no_answer (n), voicemail (v)"),
        ([99999, "n"], "funnel: no prospect with id 99999"),
        ([HEAD, "n", "--request-id", ""], "funnel: the request id '' must be printable"),
        ([HEAD, "n", "--request-id", "a\x1b[2Jb"], "funnel: the request id 'a"),
    ],
)
def test_what_cannot_be_logged_is_one_line_exit_1_and_nothing_written(
    demo: Book, args: list[str | int], said: str
) -> None:
    before = written(demo)
    prospect = row(demo, "prospects", HEAD)

    result = log(demo, *args)

    assert result.exit_code == 1, result.output
    assert one_line_error(result.stderr).startswith(said)
    assert "\x1b" not in result.stderr
    assert result.stdout == ""
    assert written(demo) == before
    assert row(demo, "prospects", HEAD) == prospect


@pytest.mark.parametrize(
    "args",
    [
        [],
        [str(HEAD)],
        ["abc", "n"],
        [str(HEAD), "n", "--duration", "-5"],
        [str(HEAD), "n", "--duration", "1m"],
    ],
)
def test_usage_errors_exit_2(demo: Book, args: list[str]) -> None:
    before = written(demo)
    result = invoke("log", *args, "--db", demo)
    assert result.exit_code == 2, result.output
    assert written(demo) == before


@pytest.mark.parametrize("duration", ["abc", "1.5", "-5", "43201"])
def test_a_duration_that_is_no_count_of_seconds_says_so(demo_file: Path, duration: str) -> None:
    """`--duration abc` said `'abc' is not a valid integer range`, click's words."""
    result = invoke("log", str(HEAD), "n", "--duration", duration, "--db", demo_file)
    assert result.exit_code == 2
    assert (
        f"Invalid value for '--duration': '{duration}' is not a whole number of seconds from 0"
        " to 43,200"
    ) in result.stderr


def test_unknown_outcome_from_the_shell_is_one_line_without_a_traceback(demo: Book) -> None:
    result = run_funnel("log", str(HEAD), "maybe", "--db", demo)
    assert result.returncode == 1
    assert one_line_error(result.stderr).startswith("funnel: unknown outcome 'maybe'")


def test_a_locked_book_is_one_line_and_nothing_written(
    demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = demo_file
    monkeypatch.setattr(storage_module, "BUSY_TIMEOUT_S", 0.1)
    before = written(demo)
    other = sqlite3.connect(demo, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = log(demo, HEAD, "n")
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert result.exit_code == 1
    assert "is busy: another program is writing to it" in one_line_error(result.stderr)
    assert written(demo) == before


def test_a_team_database_lost_mid_command_is_one_line_without_the_password(
    team_demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    def lost(*args: Any, **kwargs: Any) -> None:
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(typed_call_module, "log_typed_call", lost)
    with_password = f"{team_demo}&password=hunter2"

    result = log(with_password, HEAD, "n")

    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert "server closed the connection unexpectedly" in line
    assert "hunter2" not in line


# --- exactly once ----------------------------------------------------------------------


def test_the_same_request_id_twice_logs_one_call(demo: Book) -> None:
    first = logged_ok(demo, HEAD, "voicemail", "--request-id", "softphone-4711")
    after_first = written(demo)

    again = logged_ok(demo, HEAD, "voicemail", "--request-id", "softphone-4711")

    assert written(demo) == after_first
    (call,) = [call for call in calls_of(demo, HEAD) if call["request_id"] == "softphone-4711"]
    assert first.startswith(f"Logged voicemail for Jonas Weber (call {call['id']}); ")
    assert again.startswith(
        f"Already logged, not written again: voicemail for Jonas Weber (call {call['id']}); "
    )


def test_a_retry_finds_its_do_not_call_without_yes(demo: Book) -> None:
    # The first try marked the prospect do not call; its retry must not be refused for it.
    logged_ok(demo, HEAD, "d", "--request-id", "r-dnc")
    again = logged_ok(demo, HEAD, "d", "--request-id", "r-dnc")
    assert again.startswith("Already logged, not written again: do not call for Jonas Weber")
    assert [call["outcome"] for call in calls_of(demo, HEAD)].count("do_not_call") == 1


def test_each_run_without_a_request_id_is_a_call_of_its_own(demo: Book) -> None:
    logged_ok(demo, HEAD, "busy")
    logged_ok(demo, HEAD, "busy")

    ids = [call["request_id"] for call in calls_of(demo, HEAD)[-2:]]
    assert all(ids) and ids[0] != ids[1]


def test_a_request_id_of_another_prospects_call_is_refused(demo: Book) -> None:
    logged_ok(demo, HEAD, "n", "--request-id", "shared")
    before = written(demo)

    result = log(demo, NEW_YORK_LEAD, "n", "--request-id", "shared")

    assert result.exit_code == 1
    assert one_line_error(result.stderr).startswith(
        "funnel: request id 'shared' was used for call "
    )
    assert written(demo) == before


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["log", str(HEAD), "n", "--note", "abc\udcff"], "funnel: --note 'abc"),
        (["log", str(HEAD), "n", "--note=abc\udcff"], "funnel: --note 'abc"),
        (["config", "set", "rep_name", "Bob\udcff"], "funnel: 'Bob"),
    ],
)
def test_text_in_bytes_that_are_not_utf8_is_one_line_and_nothing_written(
    demo_file: Path,
    args: list[str],
    named: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    # The shell hands Python `abc\xff` as "abc\udcff": storing it failed with a
    # traceback, and so did writing the crash log of that failure.
    before = written(demo_file)
    crash_logs = set(tmp_path.rglob("funnel-crash-*"))

    code = run_main([*args, "--db", str(demo_file)], monkeypatch)

    assert code == 1
    line = one_line_error(capsys.readouterr().err)
    assert line.endswith("\\xff' is not UTF-8 text; give it in UTF-8"), line
    # The option that gave the text is named, so a script knows which value to fix.
    assert line.startswith(named), line
    assert written(demo_file) == before
    assert set(tmp_path.rglob("funnel-crash-*")) == crash_logs


def test_a_crash_log_is_written_whatever_the_arguments_held(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "argv", ["funnel", "log", "abc\udcff"])
    log = write_crash_log(RuntimeError("boom"), FROZEN_NOW)
    assert log is not None
    assert "abc\\xff" in log.read_text(encoding="utf-8")


def test_a_request_id_reused_for_another_outcome_is_refused(demo: Book) -> None:
    # A retry sends what the first try did; another outcome under the id is another call,
    # and it was neither logged nor said to be.
    logged_ok(demo, HEAD, "n", "--request-id", "abc")
    before = written(demo)

    result = log(demo, HEAD, "v", "--request-id", "abc")

    assert result.exit_code == 1
    assert one_line_error(result.stderr).startswith("funnel: request id 'abc' was used for call ")
    assert "logged as no answer; this voicemail was not logged" in result.stderr
    assert written(demo) == before


def test_a_request_id_reused_for_another_amount_is_refused(demo: Book) -> None:
    # Said to be logged already, exit 0: the 900 was dropped without a word.
    logged_ok(demo, HEAD, "w", "--amount", "500", "--request-id", "k1")
    before = written(demo)

    result = log(demo, HEAD, "w", "--amount", "900", "--request-id", "k1")

    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert line.startswith("funnel: request id 'k1' was used for call ")
    assert line.endswith(", logged as won with $500.00; 900 was not logged")
    assert written(demo) == before
    # The same amount written another way is the same retry.
    again = logged_ok(demo, HEAD, "w", "--amount", "$500.00", "--request-id", "k1")
    assert again.startswith("Already logged, not written again:")


@pytest.mark.parametrize(
    ("first", "again", "said"),
    [
        (["x", "--reason", "b"], ["x", "--reason", "c"], "logged as not interested for budget; c"),
        (["n", "--note", "left a message"], ["n", "--note", "spoke to her PA"], "another note"),
    ],
)
def test_a_request_id_reused_for_another_reason_or_note_is_refused(
    demo: Book, first: list[str], again: list[str], said: str
) -> None:
    logged_ok(demo, HEAD, *first, "--request-id", "k2")
    before = written(demo)

    result = log(demo, HEAD, *again, "--request-id", "k2")

    assert result.exit_code == 1
    assert said in one_line_error(result.stderr)
    assert written(demo) == before
    # Sent again as it was first, it is the same call.
    assert logged_ok(demo, HEAD, *first, "--request-id", "k2").startswith("Already logged")


def test_a_name_another_tool_stored_as_a_blob_does_not_fail_a_logged_call(
    demo_file: Path,
) -> None:
    # The call was committed, then describing it failed: exit 1 for a saved call, and a
    # retry without a request id would have logged it twice.
    with sqlite3.connect(demo_file) as conn:
        conn.execute("UPDATE prospects SET name = x'ff00fe' WHERE id = ?", [HEAD])
    conn.close()

    line = logged_ok(demo_file, HEAD, "n")

    (call,) = calls_of(demo_file, HEAD)[-1:]
    assert line.startswith(f"Logged no answer for prospect {HEAD} (call {call['id']}); ")


def test_two_reps_scripts_that_number_their_calls_alike_each_log_theirs(
    team_demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_rep(book(team_demo), "blake")
    logged_ok(team_demo, HEAD, "n", "--request-id", "1")
    logged_ok(team_demo, HEAD, "n", "--request-id", "2")
    monkeypatch.setenv(REP_ENV, "blake")

    # The same prospect, which alex called a moment ago: logged only with --yes.
    blake_1 = logged_ok(team_demo, HEAD, "n", "--request-id", "1", "--yes")
    blake_2 = logged_ok(team_demo, NEW_YORK_LEAD, "n", "--request-id", "2")  # another
    again = logged_ok(team_demo, HEAD, "n", "--request-id", "1")

    keyed = {
        (call["rep"], call["request_id"]): call["id"]
        for prospect in (HEAD, NEW_YORK_LEAD)
        for call in calls_of(team_demo, prospect)
        if call["request_id"] in ("1", "2")
    }
    assert sorted(keyed) == [("alex", "1"), ("alex", "2"), ("blake", "1"), ("blake", "2")]
    assert blake_1.startswith(f"Logged no answer for Jonas Weber (call {keyed['blake', '1']})")
    assert blake_2.startswith("Logged no answer for ")
    assert again.startswith(
        f"Already logged, not written again: no answer for Jonas Weber (call {keyed['blake', '1']})"
    )
    monkeypatch.setenv(REP_ENV, REP)
    alex_again = logged_ok(team_demo, HEAD, "n", "--request-id", "1")
    assert f"(call {keyed['alex', '1']})" in alex_again and alex_again.startswith("Already")


# --- untrusted text --------------------------------------------------------------------


def test_a_hostile_note_is_stored_cleaned_as_the_dialog_stores_it(demo: Book) -> None:
    note = "  \x1b[31mred\x1b[0m [bold]not markup[/bold]\x1b]0;title\x07 \u202eevil\x9b2J "

    line = logged_ok(demo, HEAD, "n", "--note", note)

    call = calls_of(demo, HEAD)[-1]
    assert call["notes"] == clean_optional(note) == "red [bold]not markup[/bold] evil"
    assert "\x1b" not in line


def test_a_hostile_name_never_reaches_the_terminal(demo: Book) -> None:
    update_row(book(demo), "prospects", HEAD, {"name": "\x1b]0;pwned\x07Jonas [red]W[/red]"})

    shown = invoke("next", "--db", demo).stdout
    as_json = invoke("next", "--json", "--db", demo).stdout
    line = logged_ok(demo, HEAD, "n")

    for text in (shown, as_json, line):
        assert "\x1b" not in text and "\x07" not in text
    assert json.loads(as_json)["prospect"]["name"] == "Jonas [red]W[/red]"
    assert line.startswith("Logged no answer for Jonas [red]W[/red] (call ")


def test_a_no_that_cancels_a_meeting_says_so(demo: Book) -> None:
    logged_ok(demo, HEAD, "m", "--when", "fri 2pm")

    line = logged_ok(demo, HEAD, "x")

    assert "; meeting Fri 20 Nov 2026, 14:00 (in 2 days) cancelled;" in line


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["log", str(HEAD), "no_answer\udcff"], "funnel: unknown outcome 'no_answer\\xff'; known:"),
        (["script", "sol\udcff"], "funnel: unknown method 'sol\\xff'; known:"),
        (["import", "leads\udcff.csv"], "funnel: cannot read leads\\xff.csv"),
    ],
)
def test_a_byte_that_is_not_utf8_is_shown_as_typed_in_every_message(
    demo_file: Path,
    args: list[str],
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`funnel log 1 $'no_answer\\xff'` said `unknown outcome 'no_answer\\udcff'`: Python's
    stand-in for the byte, which the rep never typed."""
    code = run_main([*args, "--db", str(demo_file)], monkeypatch)

    assert code == 1
    line = one_line_error(capsys.readouterr().err)
    assert line.startswith(said), line
    assert "udc" not in line


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["export", "--prospect", "1\udcff"], "'1\\xff' is not a valid integer"),
        (["sc\udcff"], "No such command 'sc\\xff'"),
        (["log", "1", "n", "--duration", "5\udcff"], "'5\\xff' is not a whole number"),
    ],
)
def test_a_usage_error_shows_a_byte_that_is_not_utf8_as_typed(
    args: list[str],
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = run_main(args, monkeypatch)

    assert code == 2
    err = capsys.readouterr().err
    assert said in err and "udc" not in err, err
