"""Importing phone numbers (PRODUCT 11 and 15): every number in E.164 before rows are
matched, a number that cannot be dialled rejected at its line, a zone guessed where the
file gives none."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from funnel_tui.importer import ImportReport, import_prospects
from funnel_tui.prospects import add_prospect
from funnel_tui.settings import save_setting
from tests.cli_support import invoke

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def run(db: sqlite_utils.Database, tmp_path: Path, text: str, **options: Any) -> ImportReport:
    path = tmp_path / "leads.csv"
    path.write_text(text, encoding="utf-8")
    return import_prospects(db, path, now=NOW, **options)


def stored(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT name, phone, timezone, timezone_guessed FROM prospects ORDER BY id",
        )
    )


def test_three_ways_of_writing_a_uk_number_are_one_prospect(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    save_setting(db, "phone_region", "GB")
    report = run(
        db,
        tmp_path,
        "name,phone,company\n"
        "Mo Mills,07700 900318,Acme\n"
        "Mo Mills,+44 7700 900318,\n"
        "mo  MILLS,0044 7700 900318,Acme Ltd\n",
    )
    # The second row repeats the first's number and fills nothing new: unchanged. The
    # third's name in another case is no change; its company is.
    assert (report.added, report.updated, report.unchanged, report.rejected) == (1, 1, 1, [])
    assert report.shared_phones == []
    [mo] = db.query("SELECT name, phone, company FROM prospects")
    assert mo == {"name": "Mo Mills", "phone": "+447700900318", "company": "Acme Ltd"}


def test_a_us_number_with_dots_and_one_with_brackets_are_one_number(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    save_setting(db, "phone_region", "US")
    report = run(db, tmp_path, "name,phone\nNed Nash,555.000.1000\nNed Nash,+1 (555) 000-1000\n")
    # One number: the second row finds Ned and sets nothing he does not hold.
    assert (report.added, report.updated, report.unchanged) == (1, 0, 1)
    assert [row["phone"] for row in stored(db)] == ["+15550001000"]


def test_a_number_stored_before_in_another_form_is_the_same_number(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """Another tool wrote it as it was typed: it is read, not compared as text."""
    save_setting(db, "phone_region", "GB")
    mo = add_prospect(db, {"name": "Mo Mills", "phone": "07700 900318"}, now=NOW)
    report = run(db, tmp_path, "name,phone,title\nMo Mills,+44 (0)7700 900318,CFO\n")
    assert (report.added, report.updated) == (0, 1)
    assert next(db.query("SELECT id, title FROM prospects")) == {"id": mo, "title": "CFO"}


def test_an_extension_is_kept_and_tells_two_numbers_apart(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    report = run(
        db,
        tmp_path,
        "name,phone\nDee Ray,+1 617 555 0100 ext. 12\nDee Ray,1-617-555-0100 #12\n"
        "Dee Ray,+1 617 555 0100\n",
    )
    assert (report.added, report.updated, report.unchanged) == (2, 0, 1)
    assert [row["phone"] for row in stored(db)] == ["+16175550100;ext=12", "+16175550100"]


def test_a_number_that_cannot_be_dialled_is_a_rejected_row_at_its_line(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    text = "name,phone\nAnn,+1 617 555 0100\nBo,555 01\nCy,ask for Cy\nDi,+1 617 555 0101\n"
    report = run(db, tmp_path, text)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 3: phone '555 01': too short for a number in US",
        "line 4: phone 'ask for Cy': a phone number has digits, spaces and + ( ) - . / only,"
        " and an extension as x12",
    ]
    assert (report.written, db["prospects"].count) == (False, 0)
    report = run(db, tmp_path, text, skip_invalid=True)
    assert [row["name"] for row in stored(db)] == ["Ann", "Di"]


def test_the_command_lists_each_rejected_number_and_skip_invalid_imports_the_rest(
    tmp_path: Path,
) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone\nAnn,+1 617 555 0100\nBo,555 01\n", encoding="utf-8")
    book = tmp_path / "book.db"
    refused = invoke("import", leads, "--db", book)
    assert refused.exit_code == 1
    assert f"{leads}: line 3: phone '555 01': too short for a number in US" in refused.stderr
    skipped = invoke("import", leads, "--db", book, "--skip-invalid")
    assert skipped.exit_code == 0
    assert "added 1, updated 0, rejected 1" in skipped.stdout


def test_a_zone_is_guessed_where_the_file_gives_none(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    report = run(
        db,
        tmp_path,
        "name,phone,time zone\n"
        "Di Denver,+1 303 555 1234,\n"
        "Ty Toronto,+1 303 555 1235,America/Toronto\n"
        "Tom Tollfree,+1 800 555 1234,\n",
    )
    assert report.rejected == []
    assert stored(db) == [
        {"name": "Di Denver", "phone": "+13035551234", "timezone": "America/Denver",
         "timezone_guessed": 1},
        {"name": "Ty Toronto", "phone": "+13035551235", "timezone": "America/Toronto",
         "timezone_guessed": 0},
        {"name": "Tom Tollfree", "phone": "+18005551234", "timezone": None,
         "timezone_guessed": 0},
    ]  # fmt: skip


def test_a_guess_never_replaces_a_zone_the_rep_set_but_follows_a_new_number(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    add_prospect(db, {"name": "Set", "email": "set@a.example", "timezone": "Europe/Paris"}, now=NOW)
    add_prospect(
        db,
        {"name": "Guessed", "email": "g@a.example", "timezone": "America/Denver",
         "timezone_guessed": 1},
        now=NOW,
    )  # fmt: skip
    run(
        db,
        tmp_path,
        "name,email,phone\nSet,set@a.example,+1 303 555 1234\nGuessed,g@a.example,(212) 555-1234\n",
    )
    assert [(row["timezone"], row["timezone_guessed"]) for row in stored(db)] == [
        ("Europe/Paris", 0),
        ("America/New_York", 1),
    ]


def test_a_number_phonenumbers_does_not_know_is_kept_and_listed_with_a_warning(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    report = run(
        db,
        tmp_path,
        "name,phone\nAnn,06 12 34 56 78\nBo,(555) 000-1000\nCy,+1 212 555 1234\n",
    )
    assert report.written
    assert [row["phone"] for row in stored(db)] == ["+10612345678", "+15550001000", "+12125551234"]
    warning = "not known as a number in use in US (a new range, or a fictional one): kept"
    assert report.notices() == [
        f"line 2: phone '06 12 34 56 78': +1 0612345678: {warning}",
        f"line 3: phone '(555) 000-1000': +1 555-000-1000: {warning}",
    ]
    assert "2 phone numbers kept that phonenumbers does not know as in use" in report.summary()


def test_the_command_lists_the_numbers_kept_with_a_warning(tmp_path: Path) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text("name,phone\nBo,(555) 000-1000\n", encoding="utf-8")
    imported = invoke("import", leads, "--db", tmp_path / "book.db")
    assert imported.exit_code == 0
    assert "line 2: phone '(555) 000-1000': +1 555-000-1000: not known as a number" in (
        imported.stdout + imported.stderr
    )


def test_a_guess_moves_with_a_new_number_and_is_cleared_when_it_names_no_zone(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    for name in ("Moved", "Kept", "Set"):
        add_prospect(
            db,
            {"name": name, "email": f"{name.lower()}@a.example", "phone": "+1 303 555 1234",
             "timezone": "America/Denver", "timezone_guessed": int(name != "Set")},
            now=NOW,
        )  # fmt: skip
    run(
        db,
        tmp_path,
        "name,email,phone\n"
        "Moved,moved@a.example,+1 800 555 1234\n"
        "Kept,kept@a.example,+1 303 555 1234\n"
        "Set,set@a.example,+1 800 555 1234\n",
    )
    assert [(row["phone"], row["timezone"], row["timezone_guessed"]) for row in stored(db)] == [
        ("+18005551234", None, 0),
        ("+13035551234", "America/Denver", 1),
        ("+18005551234", "America/Denver", 0),
    ]


def test_a_second_phone_column_is_used_when_the_first_cannot_be_dialled(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    report = run(
        db,
        tmp_path,
        "name,phone,mobile\nAnn,ask reception,+1 212 555 1234\nBo,555 01,\n",
        skip_invalid=True,
    )
    assert [row["phone"] for row in stored(db)] == ["+12125551234"]
    assert [str(rejected) for rejected in report.rejected] == [
        "line 3: phone '555 01': too short for a number in US"
    ]
    assert "line 2: phone (column 2) 'ask reception' not imported; kept '+1 212 555 1234'" in (
        report.notices()
    )


def test_a_number_without_its_country_code_is_read_in_the_country_of_the_rows_zone(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A GB book's file of US leads, with a zone but no +1: each number was stored as a
    British one no one answers (+44 617 ...), with a New York clock on the card."""
    save_setting(db, "phone_region", "GB")
    report = run(
        db,
        tmp_path,
        "name,phone,time zone\n"
        "Priya Shah,(617) 555-0154,America/New_York\n"
        "Mo Mills,020 7946 0958,America/New_York\n"
        "Uma Uri,(617) 555-0155,\n",
    )
    assert report.rejected == []
    phones = {row["name"]: row["phone"] for row in stored(db)}
    # Known in GB, a London number stays one whatever the zone; without a zone, the
    # book's region reads it (and it is listed as not known there).
    assert phones == {
        "Priya Shah": "+16175550154",
        "Mo Mills": "+442079460958",
        "Uma Uri": "+446175550155",
    }
    assert [notice.split(":")[0] for notice in report.notices()] == ["line 4"]


def test_a_us_number_in_a_gb_book_is_kept_with_the_number_it_would_be_under_plus_one(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A US export into a GB book: the numbers without +1 are stored as British ones no one
    answers, and the import ends well; the warning says which number they would be."""
    save_setting(db, "phone_region", "GB")
    report = run(
        db,
        tmp_path,
        "name,phone\nAnn,(415) 555-0134\nEve,07700 900318\nCy,+44 415 555 0135\n",
    )
    assert [row["phone"] for row in stored(db)] == [
        "+444155550134",
        "+447700900318",
        "+444155550135",
    ]
    assert report.notices() == [
        "line 2: phone '(415) 555-0134': +44 4155550134: not known as a number in use in GB,"
        " but +1 415-555-0134 is one in US (add its +1, or set phone_region to US): kept",
        # Not ten digits under +1: only the general warning.
        "line 3: phone '07700 900318': +44 7700 900318: not known as a number in use in GB"
        " (a new range, or a fictional one): kept",
        "line 4: phone '+44 415 555 0135': +44 4155550135: not known as a number in use in GB,"
        " but +1 415-555-0135 is one in US (add its +1, or set phone_region to US): kept",
    ]


def test_a_number_after_00_is_read_as_international_in_a_us_book(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A German Outlook export's `0049` in a US book, which dials 011: each row was
    refused as too long for a number in US."""
    save_setting(db, "phone_region", "US")
    report = run(
        db,
        tmp_path,
        "name,phone\n"
        "Jürgen Müller,0049 30 901820\n"
        "Tom Becker,0044 20 7946 0958\n"
        "Kate Sullivan,0049 1\n",
        skip_invalid=True,
    )
    assert [str(rejected) for rejected in report.rejected] == [
        "line 4: phone '0049 1': too short for a number in US"
    ]
    assert [(row["phone"], row["timezone"]) for row in stored(db)] == [
        ("+4930901820", "Europe/Berlin"),
        ("+442079460958", "Europe/London"),
    ]
