"""Forgetting a prospect on request (`funnel forget`) and giving them their data
(`funnel export --prospect`): nothing of theirs is left in the file, the quota history
does not change, and no import brings them back."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from funnel_tui import cli as cli_module
from funnel_tui.burnup import load_burnup
from funnel_tui.call_log import CallOutcome, log_call
from funnel_tui.domain import Outcome
from funnel_tui.filter_indexes import FILTER_INDEXES, FilterIndex
from funnel_tui.forget import CALENDARS_NOT_REACHED, Forgotten, forget_prospect
from funnel_tui.pace import load_pace, set_target
from funnel_tui.prospects import ProspectInvalid, add_note, add_prospect, update_prospect
from funnel_tui.reps import add_rep
from funnel_tui.settings import load_settings
from funnel_tui.store.book_copies import copies_beside, dated_backup_path
from funnel_tui.store.sqlite import open_storage
from funnel_tui.suppression import phone_hash
from tests.cli_support import REPORT_KEYS, invoke, one_line_error, patch_commands
from tests.report_books import machine_zone, report_json
from tests.rows import book_option, count_rows, insert_row, table_rows

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 18, 11, 0, tzinfo=ZONE)
TODAY = "2026-11-18"
NAME = "Wilhelmina Quarrington"
EMAIL = "wq@quarrington-mills.example"
PHONE = "+12025550187"
# Keys of `funnel report --json` that come from the deals and the target: the quota
# history, which forgetting must not change. The activity figures (calls, connects,
# leads) drop the person's calls with them, by design.
QUOTA_KEYS = (
    *REPORT_KEYS[: REPORT_KEYS.index("projection_cents") + 1],
    "calls_per_day",
    "deals_won",
    "avg_deal_cents",
)
# The pace's own figures among them (the rest are the report's).
PACE_KEYS = QUOTA_KEYS[: QUOTA_KEYS.index("projection_cents") + 1]


def build_book(db: Any, rep: str | None = None) -> tuple[int, int]:
    """A target, the person to forget (won twice, with notes, an email and calls whose
    notes name them) and another prospect who stays; their ids. In a team's book the
    calls and the target are `rep`'s."""

    def log(prospect_id: int, outcome: Outcome, at: datetime, **fields: Any) -> None:
        entry = CallOutcome(outcome, started_at=at, **fields)
        log_call(db, prospect_id, entry, now=at, settings=load_settings(db), rep=rep)

    set_target(db, amount_cents=5_000_000, period="month", today=date(2026, 11, 18), rep=rep)
    person = add_prospect(
        db,
        {
            "name": NAME,
            "email": EMAIL,
            "phone": PHONE,
            "company": "Quarrington Mills",
            "source": "webinar",
        },
        now=NOW - timedelta(days=20),
    )
    other = add_prospect(
        db,
        {"name": "Otto Stays", "email": "otto@stays.example", "source": "webinar"},
        now=NOW - timedelta(days=20),
    )
    start = NOW - timedelta(days=10)
    log(
        person,
        Outcome.MEETING,
        start,
        notes=f"{NAME} wants a demo",
        follow_up_at=start + timedelta(days=2),
    )
    log(
        person,
        Outcome.WON,
        start + timedelta(days=3),
        amount_cents=1_200_000,
        notes=f"{NAME} signed",
    )
    log(person, Outcome.WON, NOW - timedelta(hours=1), amount_cents=300_000)
    log(other, Outcome.WON, start + timedelta(days=1), amount_cents=800_000)
    log(other, Outcome.NO_ANSWER, NOW - timedelta(hours=2))
    add_note(db, person, f"Call {NAME} on {PHONE} or {EMAIL}", now=NOW - timedelta(days=5))
    insert_row(
        db,
        "emails",
        {
            "prospect_id": person,
            "to_address": EMAIL,
            "subject": f"For {NAME}",
            "body": f"Dear {NAME}, ...",
            "sent_at": "2026-11-10T15:00:00+00:00",
        },
    )
    return person, other


def quota(report: dict[str, Any]) -> dict[str, Any]:
    figures = {key: report[key] for key in QUOTA_KEYS}
    for side in ("by_method", "by_source"):
        figures[side] = {row["name"]: (row["won"], row["won_cents"]) for row in report[side]}
    figures["plan_remaining_cents"] = report["plan"]["remaining_cents"]
    return figures


def pace_figures(db: Any, rep: str | None) -> tuple[Any, ...]:
    settings = load_settings(db)
    pace = load_pace(db, date(2026, 11, 18), settings, tz=ZONE, rep=rep)
    assert pace is not None
    figures = {key: getattr(pace, key) for key in PACE_KEYS}
    return figures, load_burnup(db, pace, settings)


@pytest.fixture
def zone() -> Any:
    with machine_zone("America/New_York"):
        yield


@pytest.fixture
def rep(book_storage: Any, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """The rep working a team's book (a one-rep file needs none)."""
    if not hasattr(book_storage, "url"):
        return None
    add_rep(book_storage.db, "alex")
    monkeypatch.setenv("FUNNEL_REP", "alex")
    return "alex"


def test_forgetting_keeps_the_quota_history_and_removes_every_row_about_them(
    book_storage: Any, rep: str | None, zone: None
) -> None:
    db = book_storage.db
    person, other = build_book(db, rep)
    before_report = report_json(book_option(book_storage), TODAY)
    before_pace = pace_figures(db, rep)

    result = invoke("forget", person, "--yes", "--db", book_option(book_storage))

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Forgot prospect {person}: removed 3 calls, 1 note")
    assert NAME not in result.stdout
    after_report = report_json(book_option(book_storage), TODAY)
    assert quota(after_report) == quota(before_report)
    assert pace_figures(db, rep) == before_pace
    # Their calls are gone from the activity figures; the other prospect's stay.
    assert after_report["calls"] == before_report["calls"] - 3
    for table in ("calls", "notes", "tasks", "emails", "flag_changes", "claims", "lead_marks"):
        assert all(row.get("prospect_id") != person for row in table_rows(db, table, "1"))
    assert [row["id"] for row in table_rows(db, "prospect_search")] == [other]
    anonymous = [row for row in table_rows(db, "deals") if row["prospect_id"] is None]
    assert sorted(row["amount_cents"] for row in anonymous) == [300_000, 1_200_000]
    assert {(row["call_id"], row["forgotten_source"]) for row in anonymous} == {(None, "webinar")}
    assert count_rows(db, "suppressions") == 2
    assert EMAIL not in json.dumps(table_rows(db, "suppressions", "hash"))


def test_nothing_of_theirs_is_left_in_the_files_bytes(tmp_path: Path, zone: None) -> None:
    path = tmp_path / "book.db"
    storage = open_storage(path)
    person, _ = build_book(storage.db)
    # The rows reached the file and its write-ahead log before the forget.
    assert NAME.encode() in path.read_bytes() + Path(f"{path}-wal").read_bytes()

    assert invoke("forget", person, "--yes", "--db", path).exit_code == 0

    wal = Path(f"{path}-wal")
    stored = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for value in (NAME, "Quarrington", EMAIL, PHONE, PHONE.removeprefix("+")):
        assert value.encode() not in stored, value
    # The app's own connection, still open, reads the book without them.
    assert count_rows(storage.db, "prospects") == 1
    storage.close()


# What the summary's second line says of the calendars and mailboxes build_book's person
# reached (a meeting, an email).
ELSEWHERE = f"{CALENDARS_NOT_REACHED} and emails sent"


def test_forget_names_the_copies_of_the_book_funnel_made_beside_it(
    tmp_path: Path, zone: None
) -> None:
    """An upgrade's copy of the book and `funnel backup`'s still hold the person: the
    summary names them, so that nobody takes the person for gone."""
    path = tmp_path / "book.db"
    storage = open_storage(path)
    person, _ = build_book(storage.db)
    storage.close()
    upgraded = tmp_path / "book.v24-backup-20000101T090000.db"
    upgraded.write_bytes(path.read_bytes())
    assert invoke("backup", "--db", path).exit_code == 0
    (backed_up,) = tmp_path.glob("book-backup-*.db")
    # Not funnel's copies of this book: another book's, and a file named by hand.
    (tmp_path / "other-backup-20000101T090000.db").touch()
    (tmp_path / "book-backup-old.db").touch()

    result = invoke("forget", person, "--yes", "--db", path)

    assert result.exit_code == 0, result.output
    summary, not_reached = result.stdout.splitlines()
    assert summary.startswith(f"Forgot prospect {person}: removed 3 calls, 1 note")
    assert not_reached == (
        f"Not reached: 2 copies of the book beside it, {upgraded.name} and {backed_up.name}"
        f" (delete them, or forget them there too); {ELSEWHERE}"
    )
    assert NAME not in result.stdout


def test_the_copies_are_those_of_the_file_a_link_names_oldest_written_first(
    tmp_path: Path,
) -> None:
    """A book opened through a link named none of its copies, and the copies were put in
    the order of the times in their names, UTC for an upgrade's and local for a backup's:
    a backup made after the upgrade came first west of Greenwich."""
    real = tmp_path / "my book.db"
    storage = open_storage(real)
    storage.close()
    upgraded = tmp_path / "my book.v26-backup-20261206T180000.db"
    backed_up = tmp_path / "my book-backup-20261206T100004.db"
    for written, copy in enumerate((upgraded, backed_up)):
        copy.write_bytes(b"")
        os.utime(copy, (1_800_000_000 + written, 1_800_000_000 + written))
    link = tmp_path / "link.db"
    link.symlink_to(real)

    assert copies_beside(link) == [upgraded, backed_up]


def test_a_second_backup_in_the_same_second_is_a_copy_forgetting_names_too(
    tmp_path: Path,
) -> None:
    book = tmp_path / "book.db"
    open_storage(book).close()
    now = datetime(2026, 12, 6, 10, 0, 4)
    first = dated_backup_path(book, now)
    first.write_bytes(b"")
    second = dated_backup_path(book, now)
    assert second.name == "book-backup-20261206T100004-2.db"
    second.write_bytes(b"")
    assert sorted(copies_beside(book)) == [second, first]


def test_forget_with_no_copy_beside_the_book_names_none(
    book_storage: Any, rep: str | None, zone: None
) -> None:
    """No copy, no clause about copies; the calendars and mailboxes only for someone
    who had a meeting or an email; a team's server's copies are its DBA's, said always."""
    person, other = build_book(book_storage.db, rep)
    server = "the server's write-ahead log and backups (its DBA's)"
    on_server = [server] if rep else []

    reached = invoke("forget", person, "--yes", "--db", book_option(book_storage))
    no_calendar = invoke("forget", other, "--yes", "--db", book_option(book_storage))

    assert reached.exit_code == 0, reached.output
    summary, not_reached = reached.stdout.splitlines()
    assert summary.startswith(f"Forgot prospect {person}")
    assert not_reached == f"Not reached: {'; '.join([*on_server, ELSEWHERE])}"
    assert no_calendar.exit_code == 0, no_calendar.output
    assert no_calendar.stdout.splitlines()[1:] == [f"Not reached: {what}" for what in on_server]


def test_a_few_copies_are_named_and_the_rest_counted() -> None:
    """The app names three copies, so that its toast fits beside the card."""
    forgotten = Forgotten(7, {}, deals_kept=0, suppressed=1, copies=("a.db", "b.db"))
    assert forgotten.not_reached(names_shown=3) == (
        "Not reached: 2 copies of the book beside it, a.db and b.db (delete them, or forget"
        " them there too)"
    )
    forgotten = replace(forgotten, copies=("a.db", "b.db", "c.db", "d.db", "e.db"))
    assert forgotten.not_reached(names_shown=3) == (
        "Not reached: 5 copies of the book beside it, a.db, b.db, c.db and 2 more (delete"
        " them, or forget them there too)"
    )
    one = replace(forgotten, copies=("a.db",))
    assert one.not_reached() == (
        "Not reached: 1 copy of the book beside it, a.db (delete it, or forget them there too)"
    )


def test_a_reimport_of_the_forgotten_person_is_suppressed_and_counted(
    book_storage: Any, rep: str | None, tmp_path: Path, zone: None
) -> None:
    db = book_storage.db
    person, _ = build_book(db, rep)
    assert invoke("forget", person, "--yes", "--db", book_option(book_storage)).exit_code == 0
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(
        "name,email,phone\n"
        f"W. Quarrington,{EMAIL.upper()},\n"
        "Switchboard,,(202) 555-0187\n"
        "Nora New,nora@new.example,\n"
        # The same number as another region reads it, and with an extension.
        "Will Q,,202.555.0187 x12\n"
        "W. Q.,,+1 (202) 555 0187\n",
        encoding="utf-8",
    )

    result = invoke("import", csv_file, "--db", book_option(book_storage))

    assert result.exit_code == 0, result.output
    # A team's book says where the new prospect went (the pool) after the summary.
    lines = [line for line in result.stdout.splitlines() if not line.startswith("The new")]
    assert lines[0].startswith("added 1, updated 0, rejected 0, suppressed 4 (")
    assert lines[1].startswith("line 2: not imported: its email or phone belongs to a prospect")
    assert lines[2].startswith("line 3: not imported")
    assert sorted(row["name"] for row in table_rows(db, "prospects")) == ["Nora New", "Otto Stays"]


def test_a_forgotten_contact_beside_a_new_one_in_a_row_is_suppressed(
    book_storage: Any, rep: str | None, tmp_path: Path, zone: None
) -> None:
    """A cell with two addresses imported the first: the forgotten person came back with
    a new address beside the one forgotten, or a new number beside theirs in Mobile."""
    db = book_storage.db
    person, _ = build_book(db, rep)
    assert invoke("forget", person, "--yes", "--db", book_option(book_storage)).exit_code == 0
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(
        "name,email,phone,mobile\n"
        f'Wil Quarrington,"wil@new.example; {EMAIL}",,\n'
        f'W. Q.,,"(202) 555-0100, {PHONE}",\n'
        f"Will Q,,(202) 555-0101,{PHONE}\n"
        "Nora New,nora@new.example,,\n",
        encoding="utf-8",
    )

    result = invoke("import", csv_file, "--db", book_option(book_storage))

    assert result.exit_code == 0, result.output
    assert "added 1, updated 0, rejected 0, suppressed 3 (" in result.stdout
    # Nothing of theirs is said back: their cells were listed as not imported.
    assert EMAIL not in result.stdout.lower() and "555-0187" not in result.stdout
    assert sorted(row["name"] for row in table_rows(db, "prospects")) == ["Nora New", "Otto Stays"]


def test_a_forgotten_address_in_another_email_column_or_as_a_link_comes_not_back(
    book_storage: Any, rep: str | None, tmp_path: Path, zone: None
) -> None:
    """`Secondary Email` and `Other Phone` were columns not imported, never asked about,
    and `mailto:` before the address was stored with it: the forgotten came back."""
    db = book_storage.db
    person, _ = build_book(db, rep)
    assert invoke("forget", person, "--yes", "--db", book_option(book_storage)).exit_code == 0
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(
        "name,email,secondary email,phone,other phone\n"
        f"Wil Q,wil@new.example,{EMAIL},,\n"
        f"W. Q.,,,(202) 555-0100,{PHONE}\n"
        f"Will Q,mailto:{EMAIL},,,\n"
        "Nora New,nora@new.example,,,\n",
        encoding="utf-8",
    )

    result = invoke("import", csv_file, "--skip-invalid", "--db", book_option(book_storage))

    assert result.exit_code == 0, result.output
    assert "added 1, updated 0, rejected 1, suppressed 2 (" in result.stdout
    assert sorted(row["name"] for row in table_rows(db, "prospects")) == ["Nora New", "Otto Stays"]


def test_adding_or_editing_a_suppressed_contact_by_hand_is_refused(
    book_db: Any, zone: None
) -> None:
    person, other = build_book(book_db)
    forget_prospect(book_db, person)
    with pytest.raises(ProspectInvalid) as refused:
        add_prospect(book_db, {"name": "Willa", "phone": PHONE}, now=NOW)
    assert set(refused.value.errors) == {"phone"}
    with pytest.raises(ProspectInvalid) as refused:
        update_prospect(book_db, other, {"email": f" {EMAIL.title()} "})
    assert set(refused.value.errors) == {"email"}
    assert count_rows(book_db, "prospects") == 1


def test_an_unknown_id_is_one_line_and_a_pipe_needs_yes(book_storage: Any, zone: None) -> None:
    person, _ = build_book(book_storage.db)
    target = book_option(book_storage)

    unknown = invoke("forget", "999", "--yes", "--db", target)
    assert unknown.exit_code == 1
    assert one_line_error(unknown.stderr) == "funnel: no prospect with id 999"

    # CliRunner's stdin is no terminal: without --yes nothing is forgotten.
    piped = invoke("forget", person, "--db", target)
    assert piped.exit_code == 1
    assert one_line_error(piped.stderr).startswith(
        f"funnel: forgetting {NAME} (prospect {person}) cannot be undone, so it asks first"
    )
    assert count_rows(book_storage.db, "prospects") == 2


def test_export_of_one_prospect_gives_everything_about_them_as_json(
    book_storage: Any, tmp_path: Path, zone: None
) -> None:
    person, _ = build_book(book_storage.db)
    output = tmp_path / "access.json"

    result = invoke("export", "--prospect", person, "-o", output, "--db", book_option(book_storage))

    assert result.exit_code == 0, result.output
    record = json.loads(output.read_text(encoding="utf-8"))
    assert set(record) == {
        *("prospect", "calls", "notes", "tasks", "deals", "emails", "flag_changes"),
        "undo_log",
    }
    assert (record["prospect"]["name"], record["prospect"]["email"]) == (NAME, EMAIL)
    # Each call's undo record keeps a copy of their row as it was: their data too. An
    # auditor found it in the file and not in the export.
    copies = [undo["prospect_before"] for undo in record["undo_log"]]
    assert [undo["call_id"] for undo in record["undo_log"]] == [c["id"] for c in record["calls"]]
    assert all(isinstance(copy, dict) and EMAIL in json.dumps(copy) for copy in copies), copies
    assert [call["outcome"] for call in record["calls"]] == ["meeting", "won", "won"]
    assert [deal["amount_cents"] for deal in record["deals"]] == [1_200_000, 300_000]
    assert record["notes"][0]["body"].startswith(f"Call {NAME}")
    assert record["emails"][0]["to_address"] == EMAIL
    assert record["tasks"]

    unknown = invoke("export", "--prospect", "999", "--db", book_option(book_storage))
    assert one_line_error(unknown.stderr) == "funnel: no prospect with id 999"
    both = invoke("export", "calls", "--prospect", person, "--db", book_option(book_storage))
    assert both.exit_code == 2


def test_at_a_terminal_forget_asks_naming_them_and_no_keeps_them(
    book_storage: Any, monkeypatch: pytest.MonkeyPatch, zone: None
) -> None:
    person, _ = build_book(book_storage.db)
    patch_commands(monkeypatch, "stdin_is_terminal", lambda: True)
    target = book_option(book_storage)

    kept = CliRunner().invoke(cli_module.cli, ["forget", str(person), "--db", target], input="n\n")
    assert kept.exit_code == 1
    assert f"Forget {NAME} (prospect {person}) and everything about them?" in kept.stdout
    assert kept.stderr == "Nothing forgotten.\n"
    assert count_rows(book_storage.db, "prospects") == 2

    forgot = CliRunner().invoke(
        cli_module.cli, ["forget", str(person), "--db", target], input="y\n"
    )
    assert forgot.exit_code == 0, forgot.output
    assert count_rows(book_storage.db, "prospects") == 1


@pytest.mark.parametrize(
    ("typed", "region"),
    [
        ("(617) 555-0154", "GB"),  # read as a UK number: the same digits
        ("617.555.0154 x12", "US"),
        ("+1 617 555 0154", "DE"),
        ("001 617 555 0154", "GB"),
        ("6175550154", "US"),
    ],
)
def test_a_forgotten_number_is_caught_however_and_wherever_it_is_written(
    typed: str, region: str
) -> None:
    assert phone_hash(typed, region) == phone_hash("+16175550154", "US")
    assert phone_hash("+16175550155", "US") != phone_hash(typed, region)


def index_pages(conn: sqlite3.Connection, index: FilterIndex) -> list[bytes]:
    """The pages of a filter index that hold its pieces of text (FTS5 keeps its counts in
    row 1 and the list of its pages in row 10)."""
    rows = conn.execute(f"SELECT block FROM {index.name}_data WHERE id > 10")
    return sorted(block for (block,) in rows)


@pytest.mark.parametrize("index", FILTER_INDEXES, ids=lambda index: index.name)
def test_the_filters_indexes_keep_no_piece_of_their_text(
    tmp_path: Path, zone: None, index: FilterIndex
) -> None:
    """The filter's indexes hold the text as three-character pieces and as words, which a
    delete leaves in their older pages until they are merged away: forgetting merges them,
    so each index is then the one the other prospects' rows alone make."""
    path = tmp_path / "book.db"
    storage = open_storage(path)
    person, _ = build_book(storage.db)
    assert invoke("forget", person, "--yes", "--db", path).exit_code == 0
    storage.close()
    conn = sqlite3.connect(path)
    try:
        forgotten = index_pages(conn, index)
        conn.execute(index.rebuild)
        conn.execute(index.optimize)
        assert forgotten == index_pages(conn, index)
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("deals", "said"),
    [(1, "kept 1 deal as an anonymous amount;"), (2, "kept 2 deals as anonymous amounts;")],
)
def test_the_summary_counts_the_deals_kept_in_good_english(deals: int, said: str) -> None:
    assert said in Forgotten(7, {}, deals_kept=deals, suppressed=1).summary()


def test_what_other_prospects_notes_say_of_them_is_named_for_the_rep_to_edit(
    book_storage: Any, rep: str | None, zone: None
) -> None:
    """A note on George, "Referred by Wilhelmina Quarrington", still named her after she
    was forgotten, and nothing said so. Forget cannot rewrite the rep's text: it names
    the prospects whose notes, calls' notes or emails hold her name or email, by id."""
    db = book_storage.db
    person, other = build_book(db, rep)
    george = add_prospect(db, {"name": "George Mitchell", "email": "g@m.example"}, now=NOW)
    add_note(db, george, f"Referred by {NAME.upper()} of Quarrington Mills", now=NOW)
    entry = CallOutcome(Outcome.NO_ANSWER, notes=f"ask about {EMAIL}")
    log_call(db, other, entry, now=NOW, settings=load_settings(db), rep=rep)

    reached = invoke("forget", person, "--yes", "--db", book_option(book_storage))

    assert reached.exit_code == 0, reached.output
    not_reached = reached.stdout.splitlines()[1]
    first, second = sorted((other, george))
    assert (
        "their name or email in the notes or emails of 2 other prospects"
        f" (id {first} and {second}: edit them by hand)"
    ) in not_reached
    assert NAME not in reached.stdout and EMAIL not in reached.stdout
