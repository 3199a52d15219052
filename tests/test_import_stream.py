"""The streaming import: rows matched across batches as within one, a file that changes
while it is read or whose disk fails refused with nothing written, a dry run that leaves
nothing behind, and the dialog's progress."""

from __future__ import annotations

import csv
import errno
import io
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from funnel_tui import csv_read, importer
from funnel_tui.importer import CsvUnreadable, ProspectReader, import_file, import_prospects
from funnel_tui.ui.app import FunnelApp
from tests.app_support import FROZEN_NOW, settle, settle_until, shown_text
from tests.cli_support import invoke
from tests.rows import book_option

LEADS = [
    ("Ada Lovelace", "Analytical", "ada@example.com", ""),
    ("Grace Hopper", "Navy", "", "+1 303 555 0100"),
    ("Alan Turing", "Bletchley", "alan@example.com", "+44 20 7946 0001"),
    # Again by email, in another case, with a phone: an update.
    ("Ada Lovelace", "", "ADA@example.com", "+44 20 7946 0002"),
    # Again by phone and name: an update that gives Grace an email.
    ("grace  hopper", "", "grace@example.com", "+1 303 555 0100"),
    # The same switchboard, another person: a prospect of her own.
    ("Joan Clarke", "Bletchley", "", "+44 20 7946 0001"),
    # Ada's new number, with her name: an update.
    ("Ada Lovelace", "Babbage & Co", "", "+44 20 7946 0002"),
    # Grace's email, reached through the email given two rows above.
    ("Grace Hopper", "Harvard", "GRACE@example.com", ""),
    ("Joan Clarke", "GCHQ", "joan@example.com", "+44 20 7946 0001"),
]


def write_leads(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Company", "Email", "Phone"])
        writer.writerows(rows)
    return path


def book_rows(db: Any) -> list[tuple[object, ...]]:
    sql = "SELECT name, company, email, phone FROM prospects ORDER BY id"
    return [tuple(row) for row in db.execute(sql).fetchall()]


@pytest.mark.parametrize("batch", [1, 2, 4])
def test_rows_match_across_batches_as_within_one(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    path = write_leads(tmp_path / "leads.csv", LEADS)
    whole = import_prospects(book_db, path, now=FROZEN_NOW)
    expected = book_rows(book_db)
    book_db.execute("DELETE FROM prospects")
    monkeypatch.setattr(importer, "ROWS_PER_BATCH", batch)
    batched = import_prospects(book_db, path, now=FROZEN_NOW)
    assert book_rows(book_db) == expected
    assert (batched.added, batched.updated) == (whole.added, whole.updated) == (4, 5)
    assert [shared.line for shared in batched.shared_phones] == [7]
    # And again: every row now matches the prospect it added, and counts for what it
    # changes after the rows before it: the same split whatever the batches.
    # A row that gives a name or email in another case changes nothing by it.
    again = import_prospects(book_db, path, now=FROZEN_NOW)
    assert (again.added, again.updated, again.unchanged) == (0, 6, 3)
    assert book_rows(book_db) == expected


# Each row that lands on the prospect of an earlier line, and that line.
REPEATED_LEADS = [(5, 2), (6, 3), (8, 2), (9, 3), (10, 7)]


@pytest.mark.parametrize("batch", [1, 2, 4, 5000])
def test_a_row_that_repeats_a_person_of_an_earlier_line_is_named_with_it(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """Two rows of one person were merged into one prospect without a line in the
    report: the rep saw `updated 5` after a first import into an empty book."""
    path = write_leads(tmp_path / "leads.csv", LEADS)
    monkeypatch.setattr(importer, "ROWS_PER_BATCH", batch)
    report = import_prospects(book_db, path, now=FROZEN_NOW)
    repeated = [(row.line, row.first_line) for row in report.repeated_rows]
    # The line an earlier batch added a prospect from is not kept: `an earlier line`, or
    # the first of the person's lines in this batch.
    assert [line for line, _ in repeated] == [line for line, _ in REPEATED_LEADS]
    if batch == 5000:
        assert repeated == REPEATED_LEADS
    for line, first in repeated:
        assert first is None or first < line
    assert report.repeated_row_count == len(REPEATED_LEADS)
    assert "5 rows repeat a person of an earlier line, merged into one prospect" in (
        report.summary()
    )
    earlier = "line 2" if batch >= 4 else "an earlier line"
    assert report.notices()[0] == (
        f"line 5: Ada Lovelace is the same person as {earlier}: merged into one prospect"
        " (what this row fills in replaces that row's)"
    )
    # Again into the book that holds them: the first row of each person lands first.
    again = import_prospects(book_db, path, now=FROZEN_NOW, dry_run=True)
    assert [(row.line, row.first_line) for row in again.repeated_rows] == REPEATED_LEADS


def test_rows_that_repeat_people_past_the_list_are_counted(book_db: Any, tmp_path: Path) -> None:
    rows = [(f"Lead {number}", "", f"lead{number}@example.com", "") for number in range(30)]
    path = write_leads(tmp_path / "leads.csv", rows + rows)
    report = import_prospects(book_db, path, now=FROZEN_NOW)
    assert (report.added, report.repeated_row_count, len(report.repeated_rows)) == (30, 30, 20)
    assert report.notices()[20] == "… and 10 more rows that repeat a person of an earlier line"


def test_a_dry_run_or_a_rejected_row_leaves_the_book_as_it_was(
    book_db: Any, tmp_path: Path
) -> None:
    path = write_leads(tmp_path / "leads.csv", LEADS)
    report = import_prospects(book_db, path, now=FROZEN_NOW, dry_run=True)
    assert (report.added, report.updated, report.written) == (4, 5, False)
    bad = write_leads(tmp_path / "bad.csv", [*LEADS, ("No Contact", "", "", "")])
    report = import_prospects(book_db, bad, now=FROZEN_NOW)
    assert (report.added, report.written, len(report.rejected)) == (4, False, 1)
    assert book_rows(book_db) == []
    # The key tables went with the transaction: the next import makes them again.
    assert import_prospects(book_db, path, now=FROZEN_NOW).added == 4


def test_a_file_that_changes_while_it_is_read_is_refused(book_db: Any, tmp_path: Path) -> None:
    rows = [(f"Lead {n}", "", f"lead{n}@example.com", "") for n in range(2_500)]
    path = write_leads(tmp_path / "leads.csv", rows)

    def still_exporting(done: int, total: int) -> None:
        if done < total:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"Late Lead {done},,late{done}@example.com,\n")

    with pytest.raises(CsvUnreadable, match="changed while it was read"):
        import_prospects(book_db, path, now=FROZEN_NOW, progress=still_exporting)
    assert book_rows(book_db) == []


def test_a_file_changed_after_its_scan_is_refused(book_db: Any, tmp_path: Path) -> None:
    path = write_leads(tmp_path / "leads.csv", LEADS)
    reader = ProspectReader(path, phone_region="US", currency="$")
    path.write_text("Name,Email\nSomeone Else,else@example.com\n", encoding="utf-8")
    with pytest.raises(CsvUnreadable, match="changed while it was read"):
        import_file(book_db, reader, now=FROZEN_NOW)
    assert book_rows(book_db) == []


class FailingDisk(io.FileIO):
    """A file whose disk gives way after `good_bytes`: reads then fail as a dying disk's do."""

    def __init__(self, path: Path, good_bytes: int) -> None:
        super().__init__(path)
        self.good_bytes = good_bytes

    def readinto(self, buffer: Any) -> int | None:
        if self.tell() >= self.good_bytes:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return super().readinto(memoryview(buffer)[: self.good_bytes - self.tell()])


def disk_failing_from(monkeypatch: pytest.MonkeyPatch, opening: int, good_bytes: int) -> None:
    """The file's `opening`-th opening (1: the scan, 2: the header, 3: the rows) and those
    after it read `good_bytes`, then fail."""
    openings = iter(range(1, 1_000))
    real_open = csv_read.open_regular_file

    def open_file(path: Path) -> Any:
        if next(openings) < opening:
            return real_open(path)
        return io.BufferedReader(FailingDisk(path, good_bytes), buffer_size=16)

    monkeypatch.setattr(csv_read, "open_regular_file", open_file)


@pytest.mark.parametrize(
    ("opening", "message"),
    [
        (1, "cannot read {path}: Input/output error"),
        (2, "cannot read {path}: Input/output error"),
        (3, "cannot read {path}, line 3: Input/output error"),
    ],
    ids=["scanning", "reading-the-header", "importing"],
)
def test_a_read_that_fails_names_the_file_and_writes_nothing(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opening: int, message: str
) -> None:
    path = write_leads(tmp_path / "leads.csv", LEADS)
    # The disk gives way a few bytes into the file's third line.
    third_line_starts = len("".join(path.read_text().splitlines(keepends=True)[:2]))
    disk_failing_from(monkeypatch, opening, third_line_starts + 5)
    with pytest.raises(CsvUnreadable) as refused:
        import_prospects(book_db, path, now=FROZEN_NOW)
    assert str(refused.value) == message.format(path=path)
    assert book_rows(book_db) == []


async def test_the_dialog_shows_the_lines_read(demo_app: FunnelApp, tmp_path: Path) -> None:
    rows = [(f"Lead {n}", "", f"lead{n}@example.com", "") for n in range(1_500)]
    path = write_leads(tmp_path / "leads.csv", rows)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        dialog = demo_app.screen
        assert not dialog.query_one("#import-progress").display
        dialog.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        assert shown_text(dialog.query_one("#import-result")).startswith("added 1500")
        assert dialog.query_one("#import-progress").display
        shown = shown_text(dialog.query_one("#import-rate")).strip()
        assert shown.startswith("1,501 of 1,501 lines read · ")
        assert shown.endswith(" lines a second")


async def test_esc_or_enter_while_a_file_is_written_waits_for_the_import_to_end(
    demo_app: FunnelApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Closed half-way, the dialog went with the import's report, the queue did not show
    # what it added, and the app ended with an error once the import was done.
    rows = [(f"Lead {n}", "", f"lead{n}@example.com", "") for n in range(200)]
    path = write_leads(tmp_path / "leads.csv", rows)
    go_on = threading.Event()
    real_import = importer.import_file

    def held_import(*args: Any, **kwargs: Any) -> Any:
        go_on.wait(timeout=30)
        return real_import(*args, **kwargs)

    monkeypatch.setattr(importer, "import_file", held_import)
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        before = demo_app.storage.db.execute("SELECT count(*) FROM prospects").fetchone()[0]
        await pilot.press("i")
        await settle(pilot)
        dialog = demo_app.screen
        dialog.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        # Not settled: the import's worker runs until the file may be written.
        for _ in range(100):
            await pilot.pause()
            if dialog.has_class("importing"):
                break
        await pilot.press("escape")
        await pilot.pause()
        assert demo_app.screen is dialog
        assert "esc or ctrl+q once it is done" in shown_text(dialog.query_one("#import-hint"))
        # Nor does enter start the file again: it was imported twice, the first report lost.
        await pilot.press("enter")
        await pilot.pause()
        go_on.set()
        await settle_until(
            pilot, lambda: shown_text(dialog.query_one("#import-result")).startswith("added")
        )
        assert shown_text(dialog.query_one("#import-result")).startswith("added 200,")
        hint = " ".join(shown_text(dialog.query_one("#import-hint")).split())
        assert hint == "esc closes · enter imports again once the path or the tick changes"
        await pilot.press("escape")
        await settle(pilot)
        assert demo_app.screen is not dialog
        after = demo_app.storage.db.execute("SELECT count(*) FROM prospects").fetchone()[0]
        assert after == before + 200
        assert demo_app.crash is None


def test_a_row_added_with_the_name_of_a_prospect_of_the_book_is_said(
    book_db: Any, tmp_path: Path
) -> None:
    """A CRM's re-export gave Tom Becker a new number and no email: a second Tom Becker
    was added, never called, at the head of the queue, and the report said `added 1`."""
    first = write_leads(
        tmp_path / "first.csv",
        [
            ("Tom Becker", "Umbrella Ltd", "", "+44 20 7946 0958"),
            ("Ann Lee", "Acme", "ann@acme.example.com", ""),
            ("Bo Chen", "Initech", "", "+44 20 7946 0001"),
        ],
    )
    import_prospects(book_db, first, now=FROZEN_NOW)
    later = write_leads(
        tmp_path / "later.csv",
        [
            ("Tom  Becker", "umbrella ltd", "", "+44 20 7946 0999"),
            # Two addresses, or two companies: two people of one name.
            ("Ann Lee", "Acme", "ann.lee@other.example.com", ""),
            ("Bo Chen", "Globex", "", "+44 20 7946 0002"),
        ],
    )
    report = import_prospects(book_db, later, now=FROZEN_NOW)
    assert report.added == 3
    assert [str(namesake) for namesake in report.namesakes] == [
        "line 2: Tom Becker added as a new prospect, though the book has Tom Becker at"
        " Umbrella Ltd (id 1) with another number, and no email tells them apart: if they"
        " are one person, this row is a second prospect of them"
    ]
    assert "1 row added with the name of a prospect of the book or of an earlier line" in (
        report.summary()
    )


@pytest.mark.parametrize("batch", [1, 2, 5000])
def test_a_row_added_with_the_name_of_an_earlier_line_is_said(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """Two rows of New Person at Acme, two numbers and no email, were two prospects without
    a word, whatever the batches."""
    monkeypatch.setattr(importer, "ROWS_PER_BATCH", batch)
    path = write_leads(
        tmp_path / "leads.csv",
        [
            ("New Person", "Acme", "", "(212) 555-0100"),
            ("Other Person", "Acme", "", "(212) 555-0102"),
            ("New Person", "acme", "", "(212) 555-0101"),
            # Another company: another person.
            ("New Person", "Globex", "", "(212) 555-0103"),
        ],
    )
    report = import_prospects(book_db, path, now=FROZEN_NOW)
    assert report.added == 4
    # A prospect an earlier batch added is named by its id, its line not kept.
    earlier = "an earlier line added" if batch < 3 else "line 2 added"
    assert [str(namesake) for namesake in report.namesakes] == [
        f"line 4: New Person added as a new prospect, though {earlier} New Person at Acme"
        f"{' (id 1)' if batch < 3 else ''} with another number, and no email tells them"
        " apart: if they are one person, this row is a second prospect of them"
    ]


def test_a_row_with_the_email_of_a_prospect_of_another_name_is_said(
    book_db: Any, tmp_path: Path
) -> None:
    """A row with Ann Archer's email and Zed Zulu's name renamed Ann, with her calls,
    callback and notes, to Zed Zulu and replaced her number, and the report said
    `updated 1`."""
    first = write_leads(
        tmp_path / "first.csv",
        [
            ("Ann Archer", "Acme", "ann@acme.example", "+1 303 555 0100"),
            ("José Núñez", "Acme", "jose@acme.example", ""),
            ("Mary Ann Lee", "Acme", "mary@acme.example", ""),
            ("Bo Chen", "Initech", "bo@initech.example", ""),
            ("Cy Dunn", "Initech", "cy@initech.example", ""),
        ],
    )
    import_prospects(book_db, first, now=FROZEN_NOW)
    later = write_leads(
        tmp_path / "later.csv",
        [
            ("Zed Zulu", "Globex", "ANN@acme.example", "+1 303 555 0199"),
            # Case, accents, spacing, order and punctuation, or only a part of the name:
            # the same name.
            ("jose  NUNEZ", "", "jose@acme.example", ""),
            ("MaryAnn Lee", "", "mary@acme.example", ""),
            ("Chen, Bo", "", "bo@initech.example", ""),
            ("Cy", "", "cy@initech.example", ""),
        ],
    )
    report = import_prospects(book_db, later, now=FROZEN_NOW)
    # The same email is the same person: the rule stays, and is said.
    assert report.added == 0
    assert book_rows(book_db)[0][:2] == ("Zed Zulu", "Globex")
    assert report.notices() == [
        "line 2: Zed Zulu has the email of Ann Archer (prospect 1): updated as the same person",
        # The number the queue dials changes too: said.
        "line 2: Ann Archer (prospect 1): phone +1 303-555-0100 replaced by +1 303-555-0199",
    ]
    assert (
        "1 row with the email of a prospect of another name, updated as the same person"
        " (listed below)"
    ) in report.summary()


@pytest.mark.parametrize("batch", [1, 5000])
def test_a_row_with_the_email_of_an_earlier_line_of_another_name_is_said(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(importer, "ROWS_PER_BATCH", batch)
    path = write_leads(
        tmp_path / "leads.csv",
        [
            ("Ann Archer", "Acme", "ann@acme.example", ""),
            ("Zed Zulu", "Globex", "ann@acme.example", ""),
        ],
    )
    report = import_prospects(book_db, path, now=FROZEN_NOW)
    assert (report.added, report.updated) == (1, 1)
    # A prospect an earlier batch added is not named by its line, which is not kept.
    earlier = "an earlier line" if batch == 1 else "line 2"
    assert [str(rename) for rename in report.renames] == [
        f"line 3: Zed Zulu has the email of Ann Archer ({earlier}): updated as the same person"
    ]


def test_the_command_lists_a_row_with_the_email_of_another_name(
    book_storage: Any, tmp_path: Path
) -> None:
    first = write_leads(tmp_path / "first.csv", [("Ann Archer", "Acme", "ann@acme.example", "")])
    assert invoke("import", first, "--db", book_option(book_storage)).exit_code == 0
    later = write_leads(tmp_path / "later.csv", [("Zed Zulu", "", "ann@acme.example", "")])
    result = invoke("import", later, "--db", book_option(book_storage))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "line 2: Zed Zulu has the email of Ann Archer (prospect 1): updated as the same person"
    ]


async def test_the_dialog_lists_a_row_with_the_email_of_another_name(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    db = demo_app.storage.db
    prospect_id, name, email = db.execute(
        "SELECT id, name, email FROM prospects WHERE email IS NOT NULL ORDER BY id LIMIT 1"
    ).fetchone()
    path = write_leads(tmp_path / "leads.csv", [("Zed Zulu", "", email, "")])
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        dialog = demo_app.screen
        dialog.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        shown = " ".join(shown_text(dialog.query_one("#import-result")).split())
        assert (
            f"line 2: Zed Zulu has the email of {name} (prospect {prospect_id}): updated as"
            " the same person"
        ) in shown
