"""A row's country column (HubSpot's `Country/Region`, Salesforce's `Mailing Country`, ...)
says where its number without a country code is from: a US book's list of British and
German leads stores +44 and +49 numbers, where it refused them or kept them as US numbers
no one answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from funnel_tui import importer
from funnel_tui.importer import ImportReport, import_prospects
from funnel_tui.settings import save_setting
from funnel_tui.ui.app import FunnelApp
from tests.app_support import FROZEN_NOW, settle, shown_text

HUBSPOT = (
    "First Name,Last Name,Email,Phone Number,Country/Region\n"
    "Tom,Becker,tom@becker.example,020 7946 0018,United Kingdom\n"
    "Jan,Schulz,jan@schulz.example,030 1234567,DE\n"
    "Eva,Krause,eva@krause.example,030 901820,Deutschland\n"
    "Ann,Atlas,ann@atlas.example,(212) 555-0142,Atlantis\n"
    "Bo,Blank,bo@blank.example,(415) 555-0134,\n"
    "Gus,Gray,gus@gray.example,+1 212 555 0143,Germany\n"
)
COUNTRY_NOT_UNDERSTOOD = (
    "Country/Region: 1 value not understood ('Atlantis'), its row imported, its number read"
    " as in a row without a country (phone_region US)"
)


def run(db: sqlite_utils.Database, tmp_path: Path, text: str, **options: Any) -> ImportReport:
    path = tmp_path / "contacts.csv"
    path.write_text(text, encoding="utf-8")
    return import_prospects(db, path, now=FROZEN_NOW, **options)


def stored(db: sqlite_utils.Database) -> dict[str, tuple[str, str | None, int]]:
    return {
        row["name"]: (row["phone"], row["timezone"], row["timezone_guessed"])
        for row in db.query("SELECT name, phone, timezone, timezone_guessed FROM prospects")
    }


EXPECTED = {
    "Tom Becker": ("+442079460018", "Europe/London", 1),
    "Jan Schulz": ("+49301234567", "Europe/Berlin", 1),
    "Eva Krause": ("+4930901820", "Europe/Berlin", 1),
    # Not understood, or no country: read in the book's region, as before.
    "Ann Atlas": ("+12125550142", "America/New_York", 1),
    "Bo Blank": ("+14155550134", "America/Los_Angeles", 1),
    # A number that says its country keeps it.
    "Gus Gray": ("+12125550143", "America/New_York", 1),
}


@pytest.mark.parametrize("in_process", [False, True])
def test_a_number_without_its_country_code_is_read_in_the_rows_country(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_process: bool
) -> None:
    """A US book: `020 7946 0018` was refused as too long for a US number, `030 1234567`
    kept as +1 030-123-4567 with a warning, and the column named as not imported. Read in
    a process of its own (a large file), the reader and its countries cross a pipe."""
    save_setting(db, "phone_region", "US")
    monkeypatch.setattr(importer, "READ_IN_PROCESS_FROM_LINES", 0 if in_process else 10**9)
    report = run(db, tmp_path, HUBSPOT)
    assert (report.added, report.rejected) == (6, [])
    assert stored(db) == EXPECTED
    assert report.columns["Country/Region"] == "country"
    assert report.ignored == []
    assert report.notices() == []
    assert (
        report.summary()
        == f"added 6, updated 0, rejected 0 (utf-8, comma); {COUNTRY_NOT_UNDERSTOOD}"
    )


def test_a_country_column_is_not_stored(db: sqlite_utils.Database, tmp_path: Path) -> None:
    run(db, tmp_path, HUBSPOT)
    assert "country" not in db["prospects"].columns_dict


def test_countries_not_understood_are_counted_and_a_few_named(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    rows = "".join(
        f"Person {number},p{number}@a.example,{country}\n"
        for number, country in enumerate(["Atlantis", "Narnia", "Atlantis", "Oz", "Europe", "UK"])
    )
    report = run(db, tmp_path, f"name,email,Mailing Country\n{rows}")
    assert (report.added, report.rejected) == (6, [])
    assert (
        "Mailing Country: 5 values not understood ('Atlantis', 'Narnia', 'Oz', …), those rows"
        " imported, their numbers read as in rows without a country (phone_region US)"
    ) in report.summary()


def test_a_country_cell_that_says_there_is_none_is_a_blank(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """`N/A` read as Namibia's `NA`: `061 123 4567` was stored as +264 61 123 4567, and a
    UK number refused as too long for one in NA."""
    save_setting(db, "phone_region", "US")
    rows = "".join(
        f"Person {number},p{number}@a.example,(212) 555-01{number:02},{country}\n"
        for number, country in enumerate(
            ["N/A", "#N/A", "n / a", "-", "Unknown", "not specified", "NA"]
        )
    )
    report = run(db, tmp_path, f"name,email,phone,Country\n{rows}")
    assert (report.added, report.rejected) == (7, [])
    phones = [phone for phone, _, _ in stored(db).values()]
    assert phones == [f"+12125550{number:03}" for number in range(100, 107)]
    # `NA` alone is Namibia's code, where this is no number in use: read in the book's.
    assert "not understood" not in report.summary()
    # A number of no country the book knows is read as in a row without a country.
    namibian = run(db, tmp_path, "name,email,phone,Country\nNia,nia@a.example,061 123 4567,#N/A\n")
    assert "+264611234567" not in [phone for phone, _, _ in stored(db).values()]
    assert [row.reason for row in namibian.rejected] == [], namibian.rejected


def test_a_second_phone_column_with_the_same_number_is_no_other_value(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """In a US book `030 901820` cannot be dialled: the Mobile's +49 number was kept and
    the first named as not imported; in Germany the two are one number."""
    save_setting(db, "phone_region", "US")
    report = run(
        db,
        tmp_path,
        "name,phone,mobile,country\n"
        "Eva Krause,030 901820,+49 30 901820,DE\n"
        'Kim Lowe,"030 901830, 030 901831",,Germany\n',
    )
    assert report.rejected == []
    assert [row["phone"] for row in db.query("SELECT phone FROM prospects")] == [
        "+4930901820",
        "+4930901830",
    ]
    assert report.notices() == [
        "line 3: phone (column 2) holds several numbers: '030 901831' not imported;"
        " kept '030 901830'"
    ]


def test_two_country_columns_that_name_one_country_agree(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    report = run(
        db,
        tmp_path,
        "name,phone,Mailing Country,Mailing Country Code\n"
        "Tom Becker,020 7946 0018,United Kingdom,GB\n",
    )
    assert stored(db)["Tom Becker"][0] == "+442079460018"
    assert report.notices() == []


async def test_the_import_dialog_reads_numbers_in_the_rows_country(
    demo_app: FunnelApp, tmp_path: Path
) -> None:
    """The demo book reads numbers as GB's: a German lead's `030 1234567` was stored as
    +44 30 1234567, a number no one has, and a US lead's as +44 212 ..."""
    path = tmp_path / "contacts.csv"
    path.write_text(
        "First Name,Last Name,Phone Number,Country/Region\n"
        "Jan,Schulz,030 1234567,Germany\n"
        "Dee,Ray,(212) 555-0142,USA\n"
        "Ann,Atlas,020 7946 0018,Atlantis\n",
        encoding="utf-8",
    )
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        demo_app.screen.query_one("#import-path").value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        said = " ".join(shown_text(demo_app.screen.query_one("#import-result")).split())
    assert said.startswith("added 3, updated 0, rejected 0"), said
    assert "Country/Region: 1 value not understood ('Atlantis')" in said
    found = stored(demo_app.storage.db)
    assert [found[name][0] for name in ("Jan Schulz", "Dee Ray", "Ann Atlas")] == [
        "+49301234567",
        "+12125550142",
        "+442079460018",
    ]
