"""A cell with several phone numbers or emails (`+1 720 555 0191, +1 720 555 0192`, as
Pipedrive exports them): the first is imported and the others are named as not imported,
where the whole row was rejected; a number with an extension or written with commas is
never split."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from funnel_tui import importer
from funnel_tui.importer import ImportReport, import_prospects
from funnel_tui.settings import save_setting
from tests.cli_support import invoke

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
HEADER = "Person - Name,Person - Email - Work,Person - Phone - Work\n"
SUMMARY_SAYS = "the first imported, the others not (listed below)"


def run(db: sqlite_utils.Database, tmp_path: Path, text: str, **options: Any) -> ImportReport:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8", newline="")
    return import_prospects(db, path, now=NOW, **options)


def stored(db: sqlite_utils.Database) -> list[tuple[str, str | None, str | None]]:
    return [
        (row["name"], row["email"], row["phone"])
        for row in db.query("SELECT name, email, phone FROM prospects ORDER BY id")
    ]


def test_the_first_of_several_numbers_and_emails_in_a_cell_is_imported_and_the_rest_named(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    report = run(
        db,
        tmp_path,
        HEADER + 'Kim Lowe,"kim@example.com, kim.lowe@example.com",'
        '"+1 720 555 0191, +1 720 555 0192"\n',
    )
    assert (report.added, report.rejected, report.written) == (1, [], True)
    assert stored(db) == [("Kim Lowe", "kim@example.com", "+17205550191")]
    assert f"2 cells hold several phone numbers or emails: {SUMMARY_SAYS}" in report.summary()
    assert report.notices() == [
        "line 2: Person - Email - Work (column 2) holds several emails:"
        " 'kim.lowe@example.com' not imported; kept 'kim@example.com'",
        "line 2: Person - Phone - Work (column 3) holds several numbers:"
        " '+1 720 555 0192' not imported; kept '+1 720 555 0191'",
    ]


@pytest.mark.parametrize(
    ("emails", "phones"),
    [
        ("kim@example.com;kim.lowe@example.com", "(720) 555-0191; (720) 555-0192"),
        ("kim@example.com / kim.lowe@example.com", "720 555 0191 / 720 555 0192"),
        ("kim@example.com,kim.lowe@example.com", "(720) 555-0191 x12, (720) 555-0192"),
    ],
)
def test_values_apart_by_a_semicolon_a_comma_or_a_spaced_slash_are_several(
    db: sqlite_utils.Database, tmp_path: Path, emails: str, phones: str
) -> None:
    report = run(db, tmp_path, f'{HEADER}Kim Lowe,"{emails}","{phones}"\n')
    assert (report.added, report.rejected) == (1, [])
    [(_, email, phone)] = stored(db)
    assert email == "kim@example.com" and phone.startswith("+17205550191")
    assert len(report.notices()) == 2


def test_three_numbers_in_a_cell_are_named_in_one_line(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    report = run(db, tmp_path, f'{HEADER}Kim,,"720 555 0191, 720 555 0192, 720 555 0193"\n')
    assert report.notices() == [
        "line 2: Person - Phone - Work (column 3) holds several numbers:"
        " '720 555 0192', '720 555 0193' not imported; kept '720 555 0191'"
    ]
    assert "1 cell holds several phone numbers or emails" in report.summary()


def test_the_same_number_written_twice_in_a_cell_is_not_named(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    report = run(db, tmp_path, f'{HEADER}Kim,,"+1 720 555 0191 / (720) 555-0191"\n')
    assert (report.added, report.rejected, report.notices()) == (1, [], [])
    assert "several" not in report.summary()


@pytest.mark.parametrize(
    ("phone", "region", "result"),
    [
        # An extension after a semicolon, as a tel: link writes it: one number.
        ("+17205550191;ext=12", "US", "+17205550191;ext=12"),
        ("(720) 555-0191 ext. 12", "US", "+17205550191;ext=12"),
        # A slash inside a German number, with spaces or without.
        ("030 / 901820", "DE", "+4930901820"),
        ("030/901820", "DE", "+4930901820"),
        # Digits grouped with commas are no two numbers: refused as before.
        ("1,720,555,0191", "US", "phone '1,720,555,0191': a phone number has digits"),
        ("720 555 0191, ext 12", "US", "phone '720 555 0191, ext 12': a phone number has"),
    ],
)
def test_a_number_is_split_only_between_values_that_each_read_as_one(
    db: sqlite_utils.Database, tmp_path: Path, phone: str, region: str, result: str
) -> None:
    save_setting(db, "phone_region", region)
    report = run(db, tmp_path, f'{HEADER}Kim,,"{phone}"\n')
    assert report.notices() == []
    if result.startswith("+"):
        assert (report.rejected, stored(db)) == ([], [("Kim", None, result)])
    else:
        [rejected] = report.rejected
        assert rejected.reason.startswith(result)


def test_an_email_cell_is_split_only_when_each_value_has_an_at(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    report = run(db, tmp_path, f'{HEADER}Kim,"kim@example.com, Kim Lowe",\n')
    [rejected] = report.rejected
    assert rejected.reason.startswith("email 'kim@example.com, Kim Lowe'")
    assert report.notices() == [] and not report.written


def test_a_row_rejected_for_another_reason_names_no_value_of_its_cells(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    report = run(db, tmp_path, f'{HEADER},"kim@example.com, kim.lowe@example.com",\n')
    assert [str(rejected) for rejected in report.rejected] == ["line 2: a name is needed"]
    assert report.notices() == [] and "several" not in report.summary()


def test_cells_of_several_values_past_the_first_twenty_are_counted(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    rows = "".join(
        f'Person {number},"p{number}@a.example; p{number}@b.example",\n' for number in range(25)
    )
    report = run(db, tmp_path, HEADER + rows)
    assert report.added == 25
    notices = report.notices()
    assert len(notices) == 21
    assert notices[-1] == "… and 5 more cells that hold several values, the first imported"
    assert "25 cells hold several phone numbers or emails" in report.summary()


def test_several_values_read_in_a_process_of_its_own_are_named_as_in_a_thread(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "READ_IN_PROCESS_FROM_LINES", 0)
    report = run(db, tmp_path, f'{HEADER}Kim,"kim@example.com, kim.lowe@example.com",\n')
    assert stored(db) == [("Kim", "kim@example.com", None)]
    assert report.notices() == [
        "line 2: Person - Email - Work (column 2) holds several emails:"
        " 'kim.lowe@example.com' not imported; kept 'kim@example.com'"
    ]


def test_the_command_names_the_values_not_imported_after_the_summary(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(f'{HEADER}Kim,,"+1 720 555 0191, +1 720 555 0192"\n', encoding="utf-8")
    result = invoke("import", "--db", tmp_path / "book.db", path)
    assert result.exit_code == 0, result.stderr
    summary, notice = result.stdout.splitlines()
    assert summary.startswith("added 1, updated 0, rejected 0")
    assert "1 cell holds several phone numbers or emails" in summary
    assert notice == (
        "line 2: Person - Phone - Work (column 3) holds several numbers:"
        " '+1 720 555 0192' not imported; kept '+1 720 555 0191'"
    )
