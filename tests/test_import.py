"""Importing prospects from CRM and spreadsheet CSV files (PRODUCT section 11)."""

from __future__ import annotations

import codecs
import csv
import io
import sqlite3
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from funnel_tui import importer
from funnel_tui.exporter import export_rows, export_to_file, write_csv
from funnel_tui.importer import CsvUnreadable, ImportReport, import_prospects
from funnel_tui.queue import QueueMode, queue_ids
from funnel_tui.settings import save_setting
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.timestamps import to_stored
from tests.cli_support import invoke
from tests.rows import book_option, get_row, insert_row

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


# The country of a file's numbers written without a country code, where it is not the US.
FILE_REGIONS = {"plain.csv": "GB"}


def run(db: sqlite_utils.Database, path: Path | str, **options: Any) -> ImportReport:
    if isinstance(path, str):
        save_setting(db, "phone_region", FILE_REGIONS.get(path, "US"))
        path = DATA / path
    return import_prospects(db, path, now=NOW, **options)


def people(db: sqlite_utils.Database) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in db.query("SELECT * FROM prospects ORDER BY id")}


def write_file(tmp_path: Path, text: str, name: str = "leads.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def existing(db: Any, **values: Any) -> int:
    """A prospect already in the book, as the add form stores it."""
    return insert_row(
        db, "prospects", {**values, "created_at": to_stored(NOW), "updated_at": to_stored(NOW)}
    )


def prospect_count(db: Any) -> int:
    return db.execute("SELECT count(*) FROM prospects").fetchone()[0]


@pytest.mark.parametrize(
    ("file", "count", "name", "expected"),
    [
        (
            "hubspot_contacts.csv",
            4,
            "Dana Whitfield",
            {
                "company": "Northwind Logistics",
                "title": "VP Operations",
                "email": "dana.whitfield@northwind-logistics.example",
                "phone": "+16175550142",
                "source": "Organic Search",
                "kind": "new",
            },
        ),
        # Phone Number empty: the Mobile Phone Number column fills it.
        ("hubspot_contacts.csv", 4, "Marcus Oyelaran", {"phone": "+14155550199"}),
        # Lifecycle Stage "Customer" makes a current customer.
        ("hubspot_contacts.csv", 4, "Priya Raman", {"kind": "customer", "title": "CFO"}),
        # A first name alone is a name.
        ("hubspot_contacts.csv", 4, "Tom", {"company": "Harbour Freight Co", "title": None}),
        (
            "salesforce_leads.csv",
            4,
            "Hannah Brooks",
            {
                "company": "Keystone Builders",
                "title": "Operations Director",
                "source": "Trade Show",
                "phone": "+12155550136",
                "priority": 2,
            },
        ),
        ("salesforce_leads.csv", 4, "Victor Almeida", {"priority": 0, "phone": None}),
        ("salesforce_leads.csv", 4, "Keiko Tanaka", {"priority": 1, "email": None}),
        ("salesforce_leads.csv", 4, "Liam O'Connor", {"priority": 1}),
        (
            "pipedrive_people.csv",
            3,
            "Elena Kowalski",
            {
                "company": "Vistula Manufacturing",
                "email": "elena.k@mailbox.example",
                "phone": "+48225550117",
                "priority": 2,
            },
        ),
        (
            "pipedrive_people.csv",
            3,
            "Ingrid Solberg",
            {"email": "ingrid.solberg@fjordmarine.example", "phone": "+4755550123"},
        ),
        ("pipedrive_people.csv", 3, "Ravi Menon", {"phone": "+919845055501", "priority": 1}),
        (
            "pipedrive_plain.tsv",
            3,
            "Owen Gallagher",
            {"company": "Gallagher & Sons Roofing", "phone": "+35315550198", "email": None},
        ),
        (
            "close_leads.csv",
            3,
            "Dr. Aisha Grant",
            {
                "company": "Cobalt Dental Group",
                "title": "Practice Owner",
                "email": "aisha@cobaltdental.example",
                "phone": "+13035550121",
                "source": "Webinar",
            },
        ),
        ("close_leads.csv", 3, "Chloe Dupont", {"company": "Summit Ski Rentals"}),
        # Close's own lead export: the lead's display name is the company.
        (
            "close_lead_export.csv",
            3,
            "Aisha Grant",
            {
                "company": "Cobalt Dental Group",
                "title": "Practice Owner",
                "first_name": "Aisha",
                "email": "aisha@cobaltdental.example",
                "phone": "+13035550121",
            },
        ),
        ("close_lead_export.csv", 3, "Ben Achebe", {"email": "ben.achebe@redwoodlegal.example"}),
        ("close_lead_export.csv", 3, "Chloe Dupont", {"phone": "+19705550163", "title": None}),
        # Zoho CRM's leads: the job title is its `Designation`.
        (
            "zoho_leads.csv",
            3,
            "Hannah Berg",
            {
                "company": "Nordlys Analytics AS",
                "title": "Head of Operations",
                "phone": "+4722550123",
                "source": "Trade Show",
            },
        ),
        ("zoho_leads.csv", 3, "Tomás Ferreira", {"phone": "+351912345678"}),
        # Pipedrive's people without the `Person - ` before each column: the file was
        # refused, having no phone or email column.
        (
            "pipedrive_people_2025.csv",
            2,
            "Marta Nowak",
            {
                "company": "Wisła Foods",
                "email": "marta.nowak@wislafoods.example",
                "phone": "+48225550177",
                "title": "Purchasing Lead",
            },
        ),
        (
            "pipedrive_people_2025.csv",
            2,
            "Kenji Watanabe",
            {"email": "kenji.w@mail.example", "phone": "+819055550123"},
        ),
        (
            "plain.csv",
            3,
            "Grace Liu",
            {
                "company": "Liu & Partners Accounting",
                "phone": "+442079460011",
                "email": "grace@liupartners.example",
                "source": None,
                "stage": "lead",
            },
        ),
    ],
)
def test_each_crm_export_imports_with_its_columns_matched(
    book_db: Any, file: str, count: int, name: str, expected: dict[str, Any]
) -> None:
    db = book_db
    report = run(db, file)
    assert (report.added, report.updated, report.rejected, report.written) == (count, 0, [], True)
    prospect = people(db)[name]
    assert {field: prospect[field] for field in expected} == expected
    assert prospect["created_at"] == prospect["updated_at"] == to_stored(NOW)


def test_columns_without_a_prospect_field_are_reported_as_ignored(
    db: sqlite_utils.Database,
) -> None:
    report = run(db, "hubspot_contacts.csv")
    assert report.ignored == ["Record ID", "Contact owner", "Lead Status", "Create Date"]
    assert report.columns["Associated Company"] == "company"
    assert report.columns["Mobile Phone Number"] == "phone"
    # A Salesforce lead owner is the rep, never the prospect's name.
    assert "Lead Owner" in run(db, "salesforce_leads.csv").ignored


def test_a_close_lead_export_names_the_columns_it_does_not_import(
    db: sqlite_utils.Database,
) -> None:
    report = run(db, "close_lead_export.csv")
    assert report.columns["display_name"] == "company"
    assert report.columns["primary_contact_primary_phone"] == "phone"
    assert report.columns["primary_contact_primary_email"] == "email"
    # Close's other numbers and addresses, and the kind of each, are not the prospect's
    # phone or email: they are named, not read.
    assert {
        "primary_contact_primary_phone_type",
        "primary_contact_other_phones",
        "primary_contact_other_emails",
        "status_label",
    } <= set(report.ignored)


@pytest.mark.parametrize(
    ("file", "encoding", "delimiter"),
    [
        ("plain.csv", "utf-8", "comma"),
        ("excel_windows1252.csv", "windows-1252", "comma"),
        ("utf8_bom_semicolons.csv", "utf-8 with BOM", "semicolon"),
        ("pipedrive_plain.tsv", "utf-8", "tab"),
    ],
)
def test_the_encoding_and_delimiter_are_detected_and_reported(
    db: sqlite_utils.Database, file: str, encoding: str, delimiter: str
) -> None:
    report = run(db, file)
    assert (report.encoding, report.delimiter) == (encoding, delimiter)
    assert report.summary() == f"added 3, updated 0, rejected 0 ({encoding}, {delimiter})"


def test_windows_1252_accents_arrive_intact(db: sqlite_utils.Database) -> None:
    run(db, "excel_windows1252.csv")
    found = people(db)
    assert found["José Muñoz"]["company"] == "Café Andaluz"
    assert found["José Muñoz"]["needs"] == "Budget under €20k – decision by Q1"
    assert found["Zoë Lefèvre"]["title"] == "Directrice financière"
    assert found["François Œuvray"]["needs"] == "“Fewer no-shows”"


def test_a_bom_crlf_semicolon_file_keeps_commas_in_values_and_no_stray_carriage_returns(
    db: sqlite_utils.Database,
) -> None:
    report = run(db, "utf8_bom_semicolons.csv")
    assert report.columns["Name"] == "name"
    found = people(db)
    assert found["Jürgen Weiß"]["company"] == "Müller, Schmidt & Co KG"
    assert found["Jürgen Weiß"]["pain_points"] == "Manual quotes, slow follow-up"
    assert found["Łukasz Nowak"]["source"] == "Messe Berlin"
    assert not [row for row in found.values() if any("\r" in str(v) for v in row.values())]


def test_excel_unicode_text_in_utf16_is_read(db: sqlite_utils.Database, tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("Name\tEmail\r\nSøren Ærø\tsoren@aero.example\r\n".encode("utf-16"))
    report = run(db, path)
    assert (report.encoding, report.delimiter, report.added) == ("utf-16", "tab", 1)
    assert "Søren Ærø" in people(db)


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be"])
def test_utf32_with_a_byte_order_mark_is_read_as_utf32_not_as_utf16(
    db: sqlite_utils.Database, tmp_path: Path, codec: str
) -> None:
    # Its little-endian mark starts with UTF-16's: read as UTF-16, the file had a line
    # more than it holds, and that line was rejected.
    path = tmp_path / "utf32.csv"
    body = "Name,Email\nSøren Ærø,soren@aero.example\n"
    mark = b"" if codec == "utf-32" else codecs.BOM_UTF32_BE
    path.write_bytes(mark + body.encode(codec))
    report = run(db, path)
    assert (report.encoding, report.added, report.rejected) == ("utf-32", 1, [])
    assert "Søren Ærø" in people(db)


def test_accents_written_apart_arrive_as_one_letter_and_match_a_twin(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A Mac export may write é as e and a combining accent: it is stored as é, so the
    filter finds it as typed and the dedupe sees the same person twice as one."""
    apart = unicodedata.normalize("NFD", "Renée Peñasco,Crème Brûlée SARL,renee@creme.example")
    joined = unicodedata.normalize("NFC", "Renée Peñasco,Crème Brûlée SARL,renee@creme.example")
    assert apart != joined
    path = tmp_path / "mac.csv"
    path.write_text(f"Name,Company,Email\n{apart}\n{joined}\n", encoding="utf-8")
    report = run(db, path)
    assert (report.added, report.updated, report.unchanged) == (1, 0, 1)
    (row,) = people(db).values()
    assert (row["name"], row["company"]) == ("Renée Peñasco", "Crème Brûlée SARL")
    assert row["name"] == unicodedata.normalize("NFC", row["name"])
    assert list(queue_ids(db, now=NOW, mode=QueueMode.ALL, text="eñas")) == [row["id"]]


def test_quoted_fields_keep_their_line_breaks_where_prose_belongs(
    db: sqlite_utils.Database,
) -> None:
    report = run(db, "embedded_newlines.csv")
    assert report.added == 3
    found = people(db)
    rosa = found["Rosa Jimenez"]
    assert rosa["needs"] == "Online orders\nfor 4 shops"
    assert rosa["pain_points"] == "Orders by phone\nget lost"
    assert rosa["objections"] == "Price,\ntiming"
    assert rosa["goals"] == "Open a 5th shop"
    # A break inside a name is spreadsheet noise: the name becomes one line.
    assert found["Lena Schulz"]["objections"] == 'Already has "a system"'


def test_a_carriage_return_alone_in_a_cell_is_a_line_break(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """Lines and breaks in cells ending in CR alone (Excel for Mac's CSV): a break in a
    name is a space, one in prose is kept; it was dropped, `Cy\rCrane` stored `CyCrane`."""
    path = tmp_path / "mac.csv"
    path.write_bytes(
        b'name,phone,email,needs\r"Cy\rCrane",+1 212 555 0933,cy@crane.example,'
        b'"Line one\rLine two"\r"Ann\r\nArcher",,ann@archer.example,"one\r\ntwo"\r'
    )
    report = run(db, path)
    assert (report.added, report.rejected) == (2, [])
    found = people(db)
    assert found["Cy Crane"]["needs"] == "Line one\nLine two"
    assert found["Ann Archer"]["needs"] == "one\ntwo"


def test_a_phone_or_email_cell_that_says_none_is_a_blank_one(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """`N/A`, `-` or `none` where a CRM had no phone or email: the row is imported with
    the other one; it was refused (`phone 'N/A': a phone number has digits`), and with it
    the whole file."""
    path = write_file(
        tmp_path,
        "name,phone,email\n"
        "Nia Adams,N/A,nia@adams.example\n"
        "Noor Ali,+1 212 555 0703,#N/A\n"
        "Dee Dash, - ,dee@dash.example\n"
        "Nobody Known,none,Unknown\n",
    )
    report = run(db, path)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 5: a phone or an email is needed"
    ]
    report = run(db, path, skip_invalid=True)
    assert report.added == 3
    found = people(db)
    assert (found["Nia Adams"]["phone"], found["Nia Adams"]["email"]) == (
        None,
        "nia@adams.example",
    )
    assert (found["Noor Ali"]["phone"], found["Noor Ali"]["email"]) == ("+12125550703", None)
    assert found["Dee Dash"]["phone"] is None


def test_excels_sep_line_says_the_delimiter(db: sqlite_utils.Database, tmp_path: Path) -> None:
    """`sep=;` as its first line, as Excel writes it in much of Europe: the file was
    refused, its header read as `sep=`. The rows keep their line numbers."""
    path = tmp_path / "excel.csv"
    path.write_bytes(
        b"sep=;\r\nname;phone;email\r\nAnn Archer, Jr;+1 617 555 0100;ann@archer.example\r\n"
        b"No Contact;;\r\n"
    )
    report = run(db, path, skip_invalid=True)
    assert report.added == 1 and report.delimiter == "semicolon"
    assert [str(rejected) for rejected in report.rejected] == [
        "line 4: a phone or an email is needed"
    ]
    assert list(people(db)) == ["Ann Archer, Jr"]


def test_a_refused_cell_is_quoted_cut_and_an_email_has_a_length(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A cell of 10,000 digits made a line of 10,000 characters; an email of 10,000 was
    taken, though mail goes to none over 254."""
    local = "a" * 10_000
    path = write_file(
        tmp_path,
        f"name,phone,email\nLong Phone,{'1' * 10_000},\nLong Email,,{local}@x.example\n",
    )
    report = run(db, path)
    lines = [str(rejected) for rejected in report.rejected]
    assert [line.split(":")[0] for line in lines] == ["line 2", "line 3"]
    assert all(len(line) < 200 for line in lines), lines
    assert lines[1].endswith("longer than an email address can be (254 characters)")


def test_a_value_of_thousands_of_digits_or_characters_is_refused_or_cut_not_a_crash(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """10,000 nines as deal_value_cents crashed the import (Python reads no number of over
    4,300 digits); a stage of 10,000 characters made a summary line as long."""
    nines, long_stage = "9" * 10_000, "x" * 10_000
    path = write_file(
        tmp_path,
        "name,email,deal_value_cents,Lifecycle Stage\n"
        f"Big Deal,big@deal.example,{nines},\n"
        f"Long Stage,long@stage.example,,{long_stage}\n",
    )
    report = run(db, path, skip_invalid=True)
    [rejected] = [str(line) for line in report.rejected]
    assert rejected.startswith("line 2: deal value cents '9999") and len(rejected) < 200
    assert report.added == 1
    assert len(report.summary()) < 400


def test_excels_sep_line_in_a_file_of_cr_line_ends(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"sep=;\rname;phone;email\rAda;NA;ada@x.example\r")
    report = run(db, path)
    assert (report.added, report.delimiter) == (1, "semicolon")
    assert people(db)["Ada"]["phone"] is None


def test_a_name_with_a_letter_its_files_encoding_lost_is_said(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A file saved in Windows-1252, which has no `Ł`, wrote `?ukasz`: stored as it came,
    without a word."""
    path = tmp_path / "cp1252.csv"
    path.write_bytes(
        "name,company,email\r\n?ukasz Nowak,Wis?a Foods,lukasz@x.example\r\n"
        "Who? Ltd,Who?,who@x.example\r\nZoë Müller,Firma,zoe@x.example\r\n".encode("cp1252")
    )
    report = run(db, path)
    assert report.added == 3
    assert (
        "2 names or companies with a ? where the file's encoding may have lost a letter"
        in report.summary()
    )
    assert report.notices() == [
        "line 2: name '?ukasz Nowak' has a ? where the file's encoding may have lost a letter",
        "line 2: company 'Wis?a Foods' has a ? where the file's encoding may have lost a letter",
    ]


def test_empty_cells_past_the_headers_last_column_are_nothing(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A spreadsheet's trailing commas rejected every row: `5 fields, the header has 3`.
    A cell there with text in it is still a row that does not fit."""
    path = tmp_path / "trailing.csv"
    path.write_text(
        "name,email,company\r\n"
        "Ada Lovelace,ada@x.example,Engines,,\r\n"
        "Grace Hopper,grace@x.example,Navy, ,\r\n"
        "Alan Turing,alan@x.example,Bletchley,,Enigma\r\n",
        encoding="utf-8",
    )
    report = run(db, path, skip_invalid=True)
    assert sorted(people(db)) == ["Ada Lovelace", "Grace Hopper"]
    assert [str(rejected) for rejected in report.rejected] == ["line 4: 5 fields, the header has 3"]


@pytest.mark.parametrize(
    ("settings", "text", "close_on", "cents"),
    [
        # European Excel: a semicolon file, day first, a decimal comma.
        (
            {"currency": "€", "day_first": "yes"},
            "name;email;Expected Close Date;Amount\r\n"
            "Zoë Müller;zoe@firma.example;31.03.2026;12.500,00 €\r\n"
            "Søren Berg;soren@firma.example;01/02/2026;1 234,50 €\r\n",
            ["2026-03-31", "2026-02-01"],
            [1_250_000, 123_450],
        ),
        # American Excel: month first, a dollar amount.
        (
            {"currency": "$", "day_first": "no"},
            "name,email,Expected Close Date,Amount\r\n"
            'Ada Lovelace,ada@x.example,3/31/2026,"$2,500.00"\r\n'
            "Grace Hopper,grace@x.example,01/02/2026,$900\r\n"
            # With dots, the day comes first wherever a date is written so.
            "Alan Turing,alan@x.example,1.2.2026,$100\r\n",
            ["2026-03-31", "2026-01-02", "2026-02-01"],
            [250_000, 90_000, 10_000],
        ),
    ],
)
def test_dates_and_amounts_as_excel_writes_them_are_read(
    db: sqlite_utils.Database,
    tmp_path: Path,
    settings: dict[str, str],
    text: str,
    close_on: list[str],
    cents: list[int],
) -> None:
    """`31.03.2026`, `3/31/2026`, `12.500,00 €` and `1 234,50 €` were each refused, the row
    and so the whole file with it: only ISO dates and US amounts were read."""
    for key, value in settings.items():
        save_setting(db, key, value)
    path = tmp_path / "excel.csv"
    path.write_text(text, encoding="utf-8")
    report = run(db, path)
    assert report.rejected == []
    rows = db.execute("SELECT expected_close_on, deal_value_cents FROM prospects ORDER BY id")
    assert [tuple(row) for row in rows] == list(zip(close_on, cents, strict=True))


BROKEN_LINES = {
    6: "3 fields, the header has 5",
    7: "a name is needed",
    8: "email 'eli(at)katzhardware': not an email address",
    9: "phone '555-01': too short for a number in US",
    10: "a phone or an email is needed",
    12: "6 fields, the header has 5",
}


def test_one_bad_row_means_nothing_is_written_and_every_bad_line_is_reported(
    book_db: Any,
) -> None:
    db = book_db
    report = run(db, "broken_rows.csv")
    assert not report.written
    assert prospect_count(db) == 0
    # Line numbers are the file's own lines: the record on lines 3-5 spans three of them.
    assert [rejected.line for rejected in report.rejected] == list(BROKEN_LINES)
    for rejected in report.rejected:
        assert BROKEN_LINES[rejected.line] in rejected.reason
    assert str(report.rejected[0]) == "line 6: 3 fields, the header has 5"
    assert report.summary() == (
        "nothing written because 6 rows were rejected; with --skip-invalid the rest would add 3,"
        " update 0"
        " (utf-8, comma)"
    )


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(
    book_db: Any,
) -> None:
    db = book_db
    report = run(db, "broken_rows.csv", skip_invalid=True)
    assert report.written
    assert [rejected.line for rejected in report.rejected] == list(BROKEN_LINES)
    assert list(people(db)) == ["Ada Byrne", "Carl Jensen", "Hana Sato"]
    assert people(db)["Carl Jensen"]["needs"] == "Wants:\n- faster delivery\n- fewer returns"
    assert report.summary() == "added 3, updated 0, rejected 6 (utf-8, comma)"


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(
    book_db: Any,
) -> None:
    db = book_db
    dana = existing(db, name="Dana W", email="DANA.WHITFIELD@northwind-logistics.example")
    before = list(db.query("SELECT * FROM prospects"))
    report = run(db, "hubspot_contacts.csv", dry_run=True)
    assert (report.added, report.updated, report.written) == (3, 1, False)
    assert report.summary() == (
        "dry run, nothing written: would add 3, update 1, reject 0 (utf-8, comma);"
        " columns not imported: Record ID, Contact owner, Lead Status, Create Date;"
        " Mobile Phone Number (column 6) used where Phone Number (column 5) is empty or cannot"
        " be dialled"
    )
    assert list(db.query("SELECT * FROM prospects")) == before
    assert people(db)["Dana W"]["id"] == dana


def test_an_older_file_never_moves_a_prospect_back(book_db: Any, tmp_path: Path) -> None:
    """Last month's export imported again made a won customer a new lead, and put a
    proposal back to lead."""
    db = book_db
    won = existing(db, name="Wen Won", email="wen@won.example", stage="won", kind="customer")
    pia = existing(db, name="Pia Park", email="pia@park.example", stage="proposal", kind="known")
    lou = existing(db, name="Lou Lost", email="lou@lost.example", stage="lost", kind="known")
    al = existing(db, name="Al Ames", email="al@ames.example", stage="contacted")
    path = write_file(
        tmp_path,
        "name,email,stage,kind\n"
        "Wen Won,wen@won.example,lead,new\n"
        # The stage back is kept, the kind forward taken.
        "Pia Park,pia@park.example,lead,customer\n"
        # A won or lost prospect is the rep's own outcome: a file does not change it.
        "Lou Lost,lou@lost.example,proposal,\n"
        # Forward: taken.
        "Al Ames,al@ames.example,qualified,known\n"
        # A new prospect keeps what the file gives; a later row of the file is an update.
        "Ned New,ned@new.example,proposal,known\n"
        "Ned New,ned@new.example,contacted,new\n",
    )
    report = run(db, path)
    assert (report.added, report.updated, report.unchanged) == (1, 2, 3)
    found = {row["id"]: (row["stage"], row["kind"]) for row in people(db).values()}
    assert found == {
        won: ("won", "customer"),
        pia: ("proposal", "customer"),
        lou: ("lost", "known"),
        al: ("qualified", "known"),
        al + 1: ("proposal", "known"),
    }
    assert (
        "4 rows would have moved a prospect back (stage or kind): kept as they are, with the"
        " deal value, close date and next call they have"
    ) in report.summary()


def test_an_older_file_gives_no_deal_or_call_back_to_a_prospect_won_or_lost_since(
    book_db: Any, tmp_path: Path
) -> None:
    """The export of a week ago, imported again: the customer won since had their open deal
    of $16,400 and an overdue call back, and the prospect lost since the meeting they
    declined, live again in the calendar."""
    db = book_db
    won = existing(db, name="Wen Won", email="wen@won.example", stage="won", kind="customer")
    lou = existing(db, name="Lou Lost", email="lou@lost.example", stage="lost", kind="known")
    path = write_file(
        tmp_path,
        "name,email,stage,kind,deal_value_cents,expected_close_on,next_call_at,next_task_kind\n"
        "Wen Won,wen@won.example,proposal,known,1640000,2026-12-26,2026-12-04T09:30:00+00:00,call\n"
        "Lou Lost,lou@lost.example,meeting,known,,,2026-12-08T16:30:00+00:00,meeting\n",
    )
    run(db, path)
    rows = {row["id"]: row for row in people(db).values()}
    for prospect_id in (won, lou):
        row = rows[prospect_id]
        assert (row["deal_value_cents"], row["expected_close_on"], row["next_call_at"]) == (
            None,
            None,
            None,
        ), row["name"]
    open_tasks = db.execute("SELECT count(*) FROM tasks WHERE status = 'open'").fetchone()[0]
    assert open_tasks == 0


def test_a_prospect_stored_with_invisible_characters_is_the_same_person_without_them(
    book_db: Any, tmp_path: Path
) -> None:
    """Stored before such characters were dropped (or by another tool): funnel's own export
    imported again added every one of them a second time, "kept as a separate prospect"."""
    db = book_db
    ann = existing(db, name="Ann\u200bLee", phone="+16175550150")
    bob = existing(db, name="Bob\u200b Stone", phone="+16175550151", email="bob\u200b@x.example")
    path = write_file(
        tmp_path,
        "name,phone,email\nAnnLee,+1 617 555 0150,\nBob Stone,+1 617 555 0199,bob@x.example\n",
    )
    report = run(db, path)
    assert (report.added, report.updated) == (0, 2)
    names = {row["id"]: row["name"] for row in people(db).values()}
    assert names == {ann: "AnnLee", bob: "Bob Stone"}


def test_a_new_prospect_gets_the_method_the_picker_suggests_unless_the_file_names_one(
    book_db: Any, tmp_path: Path
) -> None:
    """Every lead came in as Solution: a webinar's had the cold opener until `m i`."""
    db = book_db
    kept = existing(db, name="Old Known", email="old@known.example", method="conceptual")
    path = write_file(
        tmp_path,
        "name,email,source,kind,method\n"
        "Web Lead,web@lead.example,webinar,,\n"
        "Cold Lead,cold@lead.example,cold list,,\n"
        "Big Customer,big@customer.example,,customer,\n"
        "Named Method,named@method.example,webinar,,benefits\n"
        "Old Known,old@known.example,webinar,,\n",
    )
    run(db, path)
    methods = {row["name"]: row["method"] for row in people(db).values()}
    assert methods == {
        "Web Lead": "inbound",
        "Cold Lead": "solution",
        "Big Customer": "value_proposition",
        "Named Method": "benefits",
        "Old Known": "conceptual",
    }
    assert people(db)["Old Known"]["id"] == kept


def test_a_stage_another_tool_wrote_is_replaced_by_the_files(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    ann = existing(db, name="Ann Archer", email="ann@acme.example")
    db.execute("PRAGMA ignore_check_constraints = ON")
    db.execute("UPDATE prospects SET stage = 'Negotiation' WHERE id = ?", [ann])
    db.execute("PRAGMA ignore_check_constraints = OFF")
    path = write_file(tmp_path, "name,email,stage\nAnn Archer,ann@acme.example,contacted\n")
    report = run(db, path)
    assert (report.updated, people(db)["Ann Archer"]["stage"]) == (1, "contacted")
    assert "moved a prospect back" not in report.summary()


def test_duplicates_within_the_file_become_one_prospect(book_db: Any, tmp_path: Path) -> None:
    db = book_db
    path = write_file(
        tmp_path,
        "name,company,phone,email,source\n"
        "Ann Lee,Acme,+44 20 7946 0001,ann@acme.example,Webinar\n"
        "Ann Lee,Acme Ltd,,ANN@ACME.example,Trade show\n"
        "ann  LEE,,+44 (20) 7946-0001,,\n",
    )
    report = run(db, path)
    # The third row gives her name in another case, and so nothing new.
    assert (report.added, report.updated, report.unchanged) == (1, 1, 1)
    [ann] = people(db).values()
    assert ann["name"] == "Ann Lee"
    assert ann["company"] == "Acme Ltd"
    assert ann["phone"] == "+442079460001"
    assert ann["email"] == "ann@acme.example"
    # The source that brought the lead in keeps the credit.
    assert ann["source"] == "Webinar"


def test_a_name_or_email_in_another_case_is_no_change_unless_it_is_better_written(
    book_db: Any, tmp_path: Path
) -> None:
    """A CRM's export (`Ada LOVELACE`, `ADA@Analytical.example`) and a spreadsheet's,
    imported in turn, swapped the name and email on every import, each an update."""
    db = book_db
    ada = existing(db, name="Ada Lovelace", email="ada@analytical.example", company="Engines")
    grace = existing(db, name="grace hopper", email="grace@navy.example", company="Navy")
    crm = write_file(
        tmp_path,
        "name,email,company\n"
        "Ada LOVELACE,ADA@Analytical.example,Engines\n"
        "Grace Hopper,GRACE@NAVY.EXAMPLE,Navy\n",
    )
    report = run(db, crm)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    found = people(db)
    assert found["Ada Lovelace"]["id"] == ada
    assert found["Ada Lovelace"]["email"] == "ada@analytical.example"
    # A name in one case alone gives way to one in upper and lower case; an email never.
    assert found["Grace Hopper"]["id"] == grace
    assert found["Grace Hopper"]["email"] == "grace@navy.example"
    again = run(db, crm)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


def test_the_same_name_written_shorter_or_in_another_order_leaves_the_prospects(
    book_db: Any, tmp_path: Path
) -> None:
    """`Archer, Ann` and `Zoë M.`, matched by email, each replaced the name the rep had;
    a fuller one (`Bo Chen` for `Bo`) still comes in."""
    db = book_db
    ann = existing(db, name="Ann Archer", email="ann@x.example")
    zoe = existing(db, name="Zoë Müller", email="zoe@x.example")
    bo = existing(db, name="Bo", email="bo@x.example")
    path = write_file(
        tmp_path,
        'name,email\n"Archer, Ann",ann@x.example\nZoë M.,zoe@x.example\nBo Chen,bo@x.example\n',
    )
    report = run(db, path)
    assert (report.updated, report.unchanged) == (1, 2)
    names = {row["id"]: row["name"] for row in people(db).values()}
    assert names == {ann: "Ann Archer", zoe: "Zoë Müller", bo: "Bo Chen"}


def test_a_name_without_its_accents_at_the_same_number_is_the_same_person(
    book_db: Any, tmp_path: Path
) -> None:
    """A file saved in an encoding without accents wrote Zoë Müller as `Zoe Muller`, with
    her number and company: she was added again, `kept as a separate prospect`."""
    db = book_db
    zoe = existing(db, name="Zoë Müller", phone="+49 30 1234567", company="Firma GmbH")
    jose = existing(db, name="Jose Alvarez", phone="+34 912 345 678")
    path = write_file(
        tmp_path,
        "name,phone,company,title\n"
        "Zoe Muller,+49 30 1234567,Firma GmbH,CFO\n"
        "José Álvarez,+34 912 345 678,,Owner\n",
    )
    report = run(db, path)
    assert (report.added, report.updated, report.shared_phones) == (0, 2, [])
    found = {row["id"]: row for row in people(db).values()}
    # The name written better stays, or comes in: with its accents.
    assert (found[zoe]["name"], found[zoe]["title"]) == ("Zoë Müller", "CFO")
    assert (found[jose]["name"], found[jose]["title"]) == ("José Álvarez", "Owner")


def test_a_row_that_replaces_a_prospects_phone_is_said(book_db: Any, tmp_path: Path) -> None:
    """Priya, matched by her email, was given Linus's number, and the summary said only
    `updated 3`: her calls would have gone to him."""
    db = book_db
    priya = existing(db, name="Priya Shah", email="priya@x.example", phone="+442079460958")
    existing(db, name="Linus Pauling", email="linus@x.example", phone="+15035550101")
    ann = existing(db, name="Ann Archer", email="ann@x.example", phone="+13035550100")
    path = write_file(
        tmp_path,
        "name,email,phone\n"
        "Priya Shah,priya@x.example,+1 503 555 0101\n"
        "Ann Archer,ann@x.example,+1 303 555 0111\n"
        "Linus Pauling,linus@x.example,+1 503 555 0101\n",
    )
    report = run(db, path)
    assert report.added == 0
    assert "2 rows give a prospect another phone number (listed below)" in report.summary()
    assert report.notices() == [
        f"line 2: Priya Shah (prospect {priya}): phone +44 20 7946 0958 replaced by"
        " +1 503-555-0101, the number of Linus Pauling",
        f"line 3: Ann Archer (prospect {ann}): phone +1 303-555-0100 replaced by +1 303-555-0111",
    ]


def test_a_known_email_in_another_case_updates_without_wiping_fields(
    book_db: Any, tmp_path: Path
) -> None:
    db = book_db
    sam = existing(
        db,
        name="Sam Stone",
        email="Sam.Stone@Example.com",
        title="CEO",
        needs="Faster quotes",
        source="Trade show",
    )
    db.execute("UPDATE prospects SET do_not_call = 1, stage = 'qualified' WHERE id = ?", [sam])
    path = write_file(
        tmp_path,
        "First Name,Last Name,Title,Company,Email,Phone,Lead Source,Needs\n"
        "Samuel,Stone,,Stone & Co,sam.stone@example.com,+1 617 555 0100,Webinar,\n",
    )
    report = import_prospects(db, path, now=LATER)
    assert (report.added, report.updated) == (0, 1)
    row = people(db)["Samuel Stone"]
    assert row["id"] == sam
    assert row["company"] == "Stone & Co"
    assert row["phone"] == "+16175550100"
    assert (row["title"], row["needs"], row["source"]) == ("CEO", "Faster quotes", "Trade show")
    assert (row["do_not_call"], row["stage"]) == (1, "qualified")
    assert row["updated_at"] == to_stored(LATER)
    assert row["created_at"] == to_stored(NOW)
    # The summary says the file's source was not taken.
    assert "source kept for 1 matched prospect (the one that first brought them in)" in (
        report.summary()
    )


def test_a_first_and_last_name_in_chinese_japanese_or_korean_are_joined_family_first(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """HubSpot's First Name 小明 and Last Name 王 were stored as `小明 王`, and `王小明`,
    as his name is written, found nobody."""
    path = write_file(
        tmp_path,
        "First Name,Last Name,Email\n"
        "小明,王,wang@x.example\n"
        "太郎,山田,yamada@x.example\n"
        "민수,김,kim@x.example\n"
        "Ming,王,ming@x.example\n"
        "Ann,Archer,ann@x.example\n",
    )
    run(db, path)
    found = {row["email"]: (row["name"], row["first_name"]) for row in people(db).values()}
    assert found == {
        "wang@x.example": ("王小明", "小明"),
        "yamada@x.example": ("山田太郎", "太郎"),
        "kim@x.example": ("김민수", "민수"),
        "ming@x.example": ("Ming 王", "Ming"),
        "ann@x.example": ("Ann Archer", "Ann"),
    }


def test_a_blank_source_is_filled_by_an_import_and_the_same_one_is_no_news(
    book_db: Any, tmp_path: Path
) -> None:
    db = book_db
    blank = existing(db, name="Bo Blank", email="bo@blank.example", source="  ")
    same = existing(db, name="Cy Same", email="cy@same.example", source="Webinar")
    path = write_file(
        tmp_path,
        "name,email,source\nBo Blank,bo@blank.example,Referral\nCy Same,cy@same.example,Webinar\n",
    )
    report = run(db, path)
    # Bo's blank source is filled in; Cy's row leaves her as she was.
    assert (report.updated, report.unchanged) == (1, 1)
    found = people(db)
    assert (found["Bo Blank"]["id"], found["Bo Blank"]["source"]) == (blank, "Referral")
    assert (found["Cy Same"]["id"], found["Cy Same"]["source"]) == (same, "Webinar")
    assert "source kept" not in report.summary()


def test_a_known_phone_in_another_format_updates_the_prospect(book_db: Any, tmp_path: Path) -> None:
    db = book_db
    kim = existing(db, name="Kim Ode", phone="+1 (617) 555-0142")
    path = write_file(tmp_path, "name,phone,email\nKim Ode,1-617-555-0142,kim@ode.example\n")
    report = run(db, path)
    assert (report.added, report.updated) == (0, 1)
    assert people(db)["Kim Ode"]["id"] == kim
    assert people(db)["Kim Ode"]["email"] == "kim@ode.example"


def test_two_people_sharing_a_switchboard_number_stay_two_prospects(
    book_db: Any, tmp_path: Path
) -> None:
    db = book_db
    anna = existing(db, name="Anna Berg", phone="+1 617 555 0100", email="anna@acme.example")
    db.execute(
        "UPDATE prospects SET next_call_at = '2026-11-30T15:00:00+00:00' WHERE id = ?", [anna]
    )
    path = write_file(
        tmp_path,
        "name,title,phone,email\n"
        "Bob Stone,Buyer,+1 (617) 555-0100,bob@acme.example\n"
        "Cleo Park,,1-617-555-0100,\n"
        "ANNA  berg,CFO,+1 617 555 0100,\n",
    )
    report = run(db, path)
    assert (report.added, report.updated) == (2, 1)
    found = people(db)
    # Anna keeps her name, email and meeting; the same name at the same number is her.
    assert found["Anna Berg"]["id"] == anna
    assert found["Anna Berg"]["email"] == "anna@acme.example"
    assert found["Anna Berg"]["next_call_at"] == "2026-11-30T15:00:00+00:00"
    assert found["Anna Berg"]["title"] == "CFO"
    assert found["Bob Stone"]["email"] == "bob@acme.example"
    assert found["Cleo Park"]["phone"] == "+16175550100"
    assert report.notices() == [
        "line 2: Bob Stone has the phone number of Anna Berg; kept as a separate prospect",
        "line 3: Cleo Park has the phone number of Anna Berg; kept as a separate prospect",
    ]


def test_the_command_lists_the_rows_kept_apart_after_the_summary(
    book_storage: Any, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "name,phone\nAnna Berg,+1 617 555 0100\nBob Stone,+1 (617) 555-0100\n",
    )
    result = invoke("import", path, "--db", book_option(book_storage))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "added 2, updated 0, rejected 0 (utf-8, comma)",
        "line 3: Bob Stone has the phone number of Anna Berg; kept as a separate prospect",
    ]


def test_the_same_name_and_number_with_another_email_is_another_person(
    book_db: Any, tmp_path: Path
) -> None:
    db = book_db
    existing(db, name="John Smith", phone="+1 617 555 0100", email="john@acme.example")
    path = write_file(
        tmp_path, "name,phone,email\nJohn Smith,+1 617 555 0100,john.smith@other.example\n"
    )
    report = run(db, path)
    assert (report.added, report.updated) == (1, 0)
    assert [str(notice) for notice in report.shared_phones] == [
        "line 2: John Smith has the phone number of John Smith; kept as a separate prospect"
    ]
    emails = [row["email"] for row in db.query("SELECT email FROM prospects ORDER BY id")]
    assert emails == ["john@acme.example", "john.smith@other.example"]


def test_a_switchboard_shared_by_a_whole_file_lists_twenty_rows_and_counts_the_rest(
    book_db: Any, tmp_path: Path
) -> None:
    lines = [f"Person {n},+1 617 555 0100,p{n}@acme.example" for n in range(60)]
    path = write_file(tmp_path, "name,phone,email\n" + "\n".join(lines) + "\n")
    report = run(book_db, path)
    assert (report.added, report.shared_phone_count, len(report.shared_phones)) == (60, 59, 20)
    notices = report.notices()
    assert notices[0] == (
        "line 3: Person 1 has the phone number of Person 0; kept as a separate prospect"
    )
    assert notices[20:] == ["… and 39 more rows kept apart from another with their number"]


@pytest.mark.parametrize(
    ("stored", "typed", "same"),
    [
        ("+1 617 555 0100 x12", "1-617-555-0100 ext. 12", True),
        ("+1 617 555 0100 x12", "+16175550100;ext=12", True),
        ("+1 617 555 0100 x12", "+1 617 555 0100 x13", False),
        ("+1 617 555 0100 x12", "+1 617 555 0100", False),
    ],
)
def test_an_extension_is_part_of_the_number(
    book_db: Any, tmp_path: Path, stored: str, typed: str, same: bool
) -> None:
    db = book_db
    existing(db, name="Dee Ray", phone=stored)
    report = run(db, write_file(tmp_path, f"name,phone\nDee Ray,{typed}\n"))
    assert (report.added, report.updated, report.rejected) == (int(not same), int(same), [])


def test_columns_the_import_does_not_use_are_named_in_the_summary(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    existing(db, name="Ola Berg", email="ola@acme.example", title="Managing Director")
    path = write_file(
        tmp_path,
        "Name,Email,Title,Notes,Description,\x1b[31mOwner\n"
        "Ola Berg,ola@acme.example,MD,Met at the fair,Big account,Sam\n",
    )
    report = run(db, path)
    assert people(db)["Ola Berg"]["title"] == "MD"
    assert report.summary() == (
        "added 0, updated 1, rejected 0 (utf-8, comma);"
        " columns not imported: Notes, Description, Owner"
    )


def test_a_long_list_of_unused_columns_is_cut_short(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    extra = [f"Custom {number}" for number in range(20)]
    path = write_file(
        tmp_path, f"Name,Email,{','.join(extra)}\nAnn,ann@a.example{',' * len(extra)}\n"
    )
    assert (
        run(db, path)
        .summary()
        .endswith(f"columns not imported: {', '.join(extra[:12])} and 8 more")
    )


def test_source_option_labels_every_row_over_the_files_column(
    db: sqlite_utils.Database,
) -> None:
    report = run(db, "close_leads.csv", source="Spring webinar \x1b[1m")
    assert {row["source"] for row in people(db).values()} == {"Spring webinar"}
    # The file's own sources are nowhere in the book: said, where nothing was.
    column = next(header for header, field in report.columns.items() if field == "source")
    assert f"{column} (column " in report.summary()
    assert "not used: the source given, 'Spring webinar', is used instead" in report.summary()


def test_a_source_given_over_two_source_columns_says_neither_was_used(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """The summary said `Original Source used only where Lead Source is empty` and a line
    said `'ORGANIC_SEARCH' not imported; kept 'Web'`: what was stored was the source given."""
    path = write_file(
        tmp_path,
        "Name,Email,Lead Source,Original Source\nAda,ada@x.example,Web,ORGANIC_SEARCH\n",
    )
    report = import_prospects(db, path, now=NOW, source="webinar")
    assert people(db)["Ada"]["source"] == "webinar"
    summary = report.summary()
    assert "Lead Source (column 3) not used: the source given, 'webinar', is used" in summary
    assert "Original Source (column 4) not used" in summary
    assert "used only where" not in summary
    assert report.notices() == []


def test_control_characters_are_stripped_and_markup_is_kept_as_typed(
    book_db: Any, tmp_path: Path
) -> None:
    db = book_db
    path = write_file(
        tmp_path,
        "name,company,email,needs\n"
        '"\x1b[31mEve\x1b[0m [bold]Park[/bold]","Acme\x07 [link=https://x.example]Co[/link]",'
        '"eve@acme.example","line one\x1b]0;pwned\x07\nline\x9b2J two [/]"\n',
    )
    run(db, path)
    [eve] = people(db).values()
    assert eve["name"] == "Eve [bold]Park[/bold]"
    assert eve["company"] == "Acme [link=https://x.example]Co[/link]"
    assert eve["needs"] == "line one\nline two [/]"
    assert run(db, "plain.csv").added == 3
    assert people(db)["Noor Haddad"]["company"] == "[bold]Haddad Imports[/bold]"


def test_timezones_are_normalised_and_unknown_ones_rejected(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "name,email,time zone\n"
        "Ann,ann@a.example,america_slash_new_york\n"
        "Bo,bo@b.example,europe/london\n"
        "Cy,cy@c.example,Eastern Time\n",
    )
    report = run(db, path, skip_invalid=True)
    assert [(r.line, "unknown timezone" in r.reason) for r in report.rejected] == [(4, True)]
    timezones = {name: row["timezone"] for name, row in people(db).items()}
    assert timezones == {"Ann": "America/New_York", "Bo": "Europe/London"}


def test_a_fixed_offset_is_imported_and_a_zone_file_of_no_place_rejected(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """`EST` reads (a fixed offset: the card marks it and `funnel check` lists it, but a
    file is all or nothing, and its hours are right in winter); `localtime`, the machine's
    own clock, is no zone of a place, as `Eastern Time` is none."""
    path = write_file(
        tmp_path,
        "name,email,time zone\nAnn,ann@a.example,EST\nBo,bo@b.example,localtime\n",
    )
    report = run(db, path, skip_invalid=True)
    assert [(r.line, "unknown timezone" in r.reason) for r in report.rejected] == [(3, True)]
    assert {name: row["timezone"] for name, row in people(db).items()} == {"Ann": "EST"}


def test_a_timezone_repeated_down_the_file_is_read_the_same_on_every_row(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "name,email,time zone\n"
        "Ann,ann@a.example,america_slash_new_york\n"
        "Bo,bo@b.example,Eastern Time\n"
        "Cy,cy@c.example,america_slash_new_york\n"
        "Di,di@d.example,Eastern Time\n",
    )
    report = run(db, path, skip_invalid=True)
    assert [(r.line, "timezone 'Eastern Time'" in r.reason) for r in report.rejected] == [
        (3, True),
        (5, True),
    ]
    timezones = {name: row["timezone"] for name, row in people(db).items()}
    assert timezones == {"Ann": "America/New_York", "Cy": "America/New_York"}


def test_runs_of_spaces_fold_in_one_line_fields_and_prose_keeps_its_own(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "name,company,title,email,needs\n"
        "  Ann   Lee ,'=SUM(A1),'Director,ann@a.example,\"Two  spaces,  kept\"\n",
    )
    run(db, path)
    [ann] = people(db).values()
    assert (ann["name"], ann["needs"]) == ("Ann Lee", "Two  spaces,  kept")
    # The quote our export puts before formula-like text goes; any other leading quote stays.
    assert (ann["company"], ann["title"]) == ("=SUM(A1)", "'Director")


def test_a_quote_left_open_names_the_lines_it_read_into_its_row(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A quote left open reads the lines after it into its cell, up to the next quote
    (here a formula's): the rejected row names them, where it said only its own line and
    the rows read into it were lost without a word."""
    path = write_file(
        tmp_path,
        "name,company,phone,email\r\n"
        "Ann Archer,Acme Ltd,+1 617 555 0100,ann@acme.example\r\n"
        '"Bob ""Quote"" Broken,Acme,+1 617 555 0101,bob@acme.example\r\n'
        "Carl Dup,Dup Co,,carl@dup.example\r\n"
        "Dana Doe,Nowhere,,dana@nowhere.example\r\n"
        'Eve Evil,=HYPERLINK("http://x.example"),+1 617 555 0103,eve@x.example\r\n'
        "Frank Fine,Fine Co,+1 617 555 0104,frank@fine.example\r\n",
    )
    report = run(db, path, skip_invalid=True)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 3: 3 fields, the header has 4 (the row runs on to line 6, so lines 4 to 6"
        " went into it: check its quotes)"
    ]
    assert set(people(db)) == {"Ann Archer", "Frank Fine"}


def test_a_cell_holding_rows_refuses_its_row_and_names_the_lines(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A quote left open that happens to leave the row its number of cells: the company,
    or a note, held the next rows, and they were imported as part of it. A line break a
    spreadsheet put in a cell (a name, an address over two lines, a note's paragraphs)
    is no such thing: a one-line field's becomes a space, a note keeps it."""
    path = write_file(
        tmp_path,
        "name,company,phone,email,needs\n"
        'Bob,"Bo,+16175550101,b@x.example,\n'
        "Carl,C,+16175550102,c@x.example,\n"
        'Dee,"D",+16175550103,d@x.example,"two\nlines"\n'
        'Fay,F,+16175550104,f@x.example,"Slow.\nExports break, reports time out, and'
        ' support is, frankly, slow."\n'
        '"Gil\nGray","Gray\r\nLondon, UK",+16175550105,g@x.example,\n'
        'Hal,H,+16175550106,h@x.example,"left open\n'
        "Ivy,I,+16175550107,i@x.example,\n"
        'Jo,J,+16175550108,j@x.example,"\n'
        '"Kim\nKay",K,,,"no way to reach\nthem"\n'
        # Rows with a number and no email, as a call list has them.
        'Lu,L,+16175550109,l@x.example,"left open too\n'
        "Mo,M,+16175550110,,\n"
        'Ned,N,+16175550111,,"\n',
    )
    report = run(db, path, skip_invalid=True)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 2: company (column 2) holds line breaks and commas, as rows would (the row"
        " runs on to line 5, so lines 3 to 5 went into it: check its quotes)",
        "line 11: needs (column 5) holds line breaks and commas, as rows would (the row"
        " runs on to line 13, so lines 12 to 13 went into it: check its quotes)",
        # Rejected for itself: its quotes are fine.
        "line 14: a phone or an email is needed",
        "line 17: needs (column 5) holds line breaks and commas, as rows would (the row"
        " runs on to line 19, so lines 18 to 19 went into it: check its quotes)",
    ]
    assert people(db)["Fay"]["needs"] == (
        "Slow.\nExports break, reports time out, and support is, frankly, slow."
    )
    assert people(db)["Gil Gray"]["company"] == "Gray London, UK"
    assert set(people(db)) == {"Fay", "Gil Gray"}


def test_a_quote_left_open_whose_next_line_fills_the_rows_last_cells_is_refused(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """Bob's company opened a quote, and the next line's `"` closed it: his cell took in
    the rest of his row and Cy's name, and Cy's number and email filled Bob's last cells.
    The import said `rejected 0`, Bob had Cy's number and email, and Cy was gone."""
    path = write_file(
        tmp_path,
        "name,company,phone,email\n"
        'Ann Able,"Acme Ltd",+1 212 555 0120,ann.able@x.example\n'
        'Bob Baker,"Baker & Sons,+1 212 555 0121,bob.baker@x.example\n'
        'Cy Crane,"Crane Co",+1 212 555 0122,cy.crane@x.example\n'
        'Di Drake,"Drake plc",+1 212 555 0123,di.drake@x.example\n'
        # A call list's: a number, no email.
        'Ed Eve,"Eve Co,+1 212 555 0124,\n'
        'Flo Fox,"Fox Co",+1 212 555 0125,\n'
        # A company typed over two lines, whose first holds a comma: no rest of a row.
        'Gil Gray,"Gray, Gray\nand Sons",+1 212 555 0126,gil@gray.example\n',
    )
    report = run(db, path, skip_invalid=True)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 3: company (column 2) holds line breaks and commas, as rows would (the row"
        " runs on to line 4, so line 4 went into it: check its quotes)",
        "line 6: company (column 2) holds line breaks and commas, as rows would (the row"
        " runs on to line 7, so line 7 went into it: check its quotes)",
    ]
    assert set(people(db)) == {"Ann Able", "Di Drake", "Gil Gray"}
    assert people(db)["Gil Gray"]["company"] == "Gray, Gray and Sons"


def test_a_quote_left_open_in_a_column_the_import_leaves_out_loses_no_row(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """HubSpot's `Notes`, which the import does not read: the rows its open quote read
    were lost with the cell, the import adding the rest and saying nothing."""
    path = write_file(
        tmp_path,
        "First Name,Last Name,Email,Phone Number,Company Name,Notes\r\n"
        "Ann,Archer,ann@a.example,+16175550100,Acme,fine\r\n"
        'Ben,Bell,ben@b.example,+16175550101,Bell Co,"open quote 12\r\n'
        "Cal,Cole,,+16175550102,Cole Co,\r\n"
        "Dee,Dunn,,+16175550103,Dunn Co,\r\n"
        'Eli,Eng,eli@e.example,,Eng Co,"closed"\r\n'
        "Gil,Gray,gil@g.example,+16175550104,Gray Co,\r\n",
    )
    report = run(db, path, skip_invalid=True)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 3: Notes (column 6) holds line breaks and commas, as rows would (the row runs"
        " on to line 6, so lines 4 to 6 went into it: check its quotes)"
    ]
    assert set(people(db)) == {"Ann Archer", "Gil Gray"}


def test_a_row_too_long_for_a_reason_of_its_own_names_its_lines_without_blaming_quotes(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "name,company,phone,email,needs\n"
        'Ann,"Acme\nLondon",+16175550106,ann@x.example,fast, cheap\n',
    )
    report = run(db, path, skip_invalid=True)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 2: 6 fields, the header has 5 (the row runs over lines 2 to 3)"
    ]


def test_rows_of_empty_cells_and_blank_lines_are_not_rows(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_file(tmp_path, "Name;Email\r\nAnn;ann@a.example\r\n\r\n;\r\n ; \r\n")
    report = run(db, path)
    assert (report.added, report.rejected) == (1, [])


# What an export carries that an import gives back; the rest (ids, call counts, dates the
# database keeps) belongs to the book the file came from.
ROUND_TRIP_COLUMNS = (
    *("name", "title", "company", "phone", "email", "timezone", "needs", "pain_points"),
    *("objections", "goals", "source", "kind", "stage", "method", "priority"),
    *("deal_value_cents", "next_call_at", "do_not_call", "wrong_number", "nurture"),
    *("timezone_guessed", "expected_close_on", "next_task_kind"),
)


def test_our_own_export_imports_back_with_every_column(book_db: Any, tmp_path: Path) -> None:
    source = open_storage(tmp_path / "source.db")
    rita = existing(
        source.db,
        name="=Rita Cole",
        title="-Head of Ops",
        phone="+442079460958",
        email="rita@cole.example",
        company="-Cole Ltd",
        timezone="Europe/London",
        kind="customer",
        stage="proposal",
        method="conceptual",
        priority=2,
        deal_value_cents=1_250_000,
        needs="Two lines\nof needs",
        pain_points="Slow quotes",
        objections="Price",
        goals="Grow",
        source="Webinar",
    )
    source.db.execute(
        "UPDATE prospects SET next_call_at = '2026-12-03T14:30:00+00:00', nurture = 1,"
        " expected_close_on = '2027-01-15' WHERE id = ?",
        [rita],
    )
    # Her next call is a meeting: it goes first in the queue, where a call waits its turn.
    source.db.execute("UPDATE tasks SET kind = 'meeting' WHERE prospect_id = ?", [rita])
    # As funnel stores him: his zone guessed from his number when he was added.
    existing(
        source.db,
        name="Dan Do",
        phone="+16175550100;ext=12",
        timezone="America/New_York",
        timezone_guessed=1,
        stage="lost",
    )
    source.db.execute("UPDATE prospects SET do_not_call = 1, wrong_number = 1 WHERE id = 2")
    # Stored with no zone (by another tool, or a demo), though his number tells one: an
    # import would guess it, and his row says there was none to guess.
    existing(source.db, name="Al Lee", phone="+13035551234", timezone=None, timezone_guessed=0)
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        write_csv(*export_rows(source.db, "prospects"), out)
    report = import_prospects(book_db, path, now=NOW)
    assert (report.added, report.rejected) == (3, [])
    query = f"SELECT {', '.join(ROUND_TRIP_COLUMNS)} FROM prospects ORDER BY id"
    assert list(book_db.query(query)) == list(source.db.query(query))
    # The columns left out are named, and only those.
    # (`id` only matches a row to the prospect it names in the book it came from.)
    assert report.ignored == [
        "nurtured_at", "lost_reason", "attempts", "last_called_at",
        "last_outcome", "created_at", "updated_at", "owner",
    ]  # fmt: skip
    source.close()


def test_a_next_calls_kind_reaches_the_task_of_a_prospect_the_book_has(
    book_db: Any, tmp_path: Path
) -> None:
    """Our export's `next_task_kind` with its next call: the prospect's earliest open task
    takes the kind; a kind funnel has not is refused with the ones it has."""
    ann = existing(book_db, name="Ann Lee", email="ann@lee.example")
    path = write_file(
        tmp_path,
        "name,email,next_call_at,next_task_kind\n"
        "Ann Lee,ann@lee.example,2026-12-03T14:30:00+00:00,callback\n"
        "Bo Ray,bo@ray.example,2026-12-04T09:00:00+00:00,lunch\n",
    )
    report = run(book_db, path, skip_invalid=True)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 3: next task kind 'lunch': one of call, callback, meeting, revisit, email"
    ]
    tasks = list(book_db.query("SELECT kind, due_at FROM tasks WHERE prospect_id = ?", [ann]))
    assert tasks == [{"kind": "callback", "due_at": "2026-12-03T14:30:00+00:00"}]
    sql = "SELECT next_task_kind FROM prospects WHERE id = ?"
    assert book_db.execute(sql, [ann]).fetchone()[0] == "callback"


@pytest.mark.parametrize(
    ("header", "yes"),
    [
        ("Do Not Call", "1"),
        ("DoNotCall", "true"),
        ("DoNotCall", "TRUE"),
        ("Do not call", "yes"),
        ("Do not call", "Y"),
        ("do_not_call", "x"),
    ],
)
def test_a_do_not_call_column_is_honoured(
    db: sqlite_utils.Database, tmp_path: Path, header: str, yes: str
) -> None:
    path = write_file(
        tmp_path,
        f"Name,Phone,{header}\n"
        f"Ann,+1 617 555 0100,{yes}\n"
        "Bo,+1 617 555 0101,false\n"
        "Cy,+1 617 555 0102,\n",
    )
    assert run(db, path).added == 3
    flags = {name: row["do_not_call"] for name, row in people(db).items()}
    assert flags == {"Ann": 1, "Bo": 0, "Cy": 0}


def test_a_file_that_marks_a_prospect_do_not_call_cancels_their_calls_and_keeps_a_meeting(
    book_db: Any, tmp_path: Path
) -> None:
    """A second export of the same contacts, now unsubscribed: their callback and their
    cadence call are cancelled as the edit form's mark cancels them, a booked meeting
    stands, and someone marked before keeps what they had."""
    db = book_db
    ann = existing(db, name="Ann Archer", email="ann@example.com")
    bo = existing(db, name="Bo Berg", email="bo@example.com", do_not_call=1)
    tasks = {
        (who, kind): insert_row(
            db, "tasks", {"prospect_id": who, "kind": kind, "due_at": to_stored(due)}
        )
        for who, kind, due in [
            (ann, "callback", LATER),
            (ann, "meeting", LATER + timedelta(days=1)),
            (ann, "call", LATER + timedelta(days=2)),
            (bo, "callback", LATER),
        ]
    }
    path = write_file(
        tmp_path,
        "Name,Email,Do not call\nAnn Archer,ann@example.com,yes\nBo Berg,bo@example.com,yes\n",
    )
    dry = run(db, path, dry_run=True)
    assert (
        "would cancel 2 open calls, callbacks and revisits of prospects the file marks do not call"
        in (dry.summary())
    )
    report = run(db, path)
    assert (
        "; cancelled 2 open calls, callbacks and revisits of prospects the file marks do not call"
        in (report.summary())
    )
    status = {key: get_row(db, "tasks", task)["status"] for key, task in tasks.items()}
    assert status == {
        (ann, "callback"): "cancelled",
        (ann, "meeting"): "open",
        (ann, "call"): "cancelled",
        (bo, "callback"): "open",
    }
    assert get_row(db, "tasks", tasks[ann, "callback"])["done_at"] == to_stored(NOW)
    assert people(db)["Ann Archer"]["next_task_kind"] == "meeting"


def test_a_files_next_call_leaves_the_tasks_of_a_prospect_with_tasks_booked(
    book_db: Any, tmp_path: Path
) -> None:
    """Our own export of last week, imported back with do not call ticked: its next call
    (last week's callback) moved the earliest open task, the meeting, there as a callback,
    and the meeting was gone from the calendar."""
    db = book_db
    arjun = existing(db, name="Arjun Kapoor", email="arjun@example.com")
    callback = insert_row(
        db, "tasks", {"prospect_id": arjun, "kind": "callback", "due_at": to_stored(LATER)}
    )
    meeting_at = to_stored(LATER + timedelta(days=2))
    meeting = insert_row(
        db, "tasks", {"prospect_id": arjun, "kind": "meeting", "due_at": meeting_at}
    )
    stale = to_stored(NOW - timedelta(days=3))
    path = write_file(
        tmp_path,
        "name,email,next_call_at,next_task_kind,do_not_call\n"
        f"Arjun Kapoor,arjun@example.com,{stale},callback,1\n",
    )
    run(db, path)
    assert (get_row(db, "tasks", meeting)["kind"], get_row(db, "tasks", meeting)["due_at"]) == (
        "meeting",
        meeting_at,
    )
    assert get_row(db, "tasks", meeting)["status"] == "open"
    assert get_row(db, "tasks", callback)["status"] == "cancelled"
    assert people(db)["Arjun Kapoor"]["next_call_at"] == meeting_at


def test_a_new_number_for_a_wrong_number_prospect_clears_the_flag_as_the_form_does(
    book_db: Any, tmp_path: Path
) -> None:
    """The CRM's export a week later had Liam's right number: the card showed it above
    `flagged as a wrong number`, and he never came back to the queue."""
    db = book_db
    liam = existing(db, name="Liam Byrne", email="liam@example.com", phone="+35317654320")
    ida = existing(db, name="Ida Holm", email="ida@example.com", phone="+35317654330")
    for who in (liam, ida):
        db.execute("UPDATE prospects SET wrong_number = 1 WHERE id = ?", [who])
    path = write_file(
        tmp_path,
        "Name,Email,Phone\n"
        "Liam Byrne,liam@example.com,+353 1 765 4321\n"
        # The same number again: still the wrong one.
        "Ida Holm,ida@example.com,+353 1 765 4330\n",
    )
    run(db, path)
    flags = {name: row["wrong_number"] for name, row in people(db).items()}
    assert flags == {"Liam Byrne": 0, "Ida Holm": 1}
    assert people(db)["Liam Byrne"]["phone"] == "+35317654321"


def test_a_yes_in_any_of_two_do_not_call_columns_wins(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A file merged from two CRMs says do not call in one column or the other: the yes is
    kept wherever it is, the other cell is reported as not imported, and a cell that says
    neither refuses the row in either column."""
    path = write_file(
        tmp_path,
        "Name,Phone,Do Not Call,DoNotCall\n"
        "Ann,+1 617 555 0100,no,yes\n"
        "Bo,+1 617 555 0101,yes,no\n"
        "Cy,+1 617 555 0102,no,false\n"
        "Dee,+1 617 555 0103,maybe,1\n"
        "Ed,+1 617 555 0104,no,Yes.\n"
        "Flo,+1 617 555 0105,y,X\n",
    )
    report = run(db, path, skip_invalid=True)
    assert report.added == 4
    flags = {name: row["do_not_call"] for name, row in people(db).items()}
    assert flags == {"Ann": 1, "Bo": 1, "Cy": 0, "Flo": 1}
    assert [str(rejected) for rejected in report.rejected] == [
        "line 5: do not call 'maybe': yes or no",
        "line 6: do not call 'Yes.': yes or no",
    ]
    # Cells that mean the same (no and false, y and X) are not listed.
    assert [str(aside) for aside in report.file.set_aside] == [
        "line 2: Do Not Call (column 3) 'no' not imported; kept 'yes'",
        "line 3: DoNotCall (column 4) 'no' not imported; kept 'yes'",
    ]
    assert (
        "DoNotCall (column 4) used where Do Not Call (column 3) is empty or says no:"
        " a yes in any of them counts"
    ) in report.summary()


def test_an_update_never_clears_do_not_call_or_wrong_number(book_db: Any, tmp_path: Path) -> None:
    db = book_db
    ann = existing(db, name="Ann Lee", phone="+1 617 555 0100", email="ann@lee.example")
    bo = existing(db, name="Bo Ek", phone="+1 617 555 0101")
    db.execute("UPDATE prospects SET do_not_call = 1 WHERE id = ?", [ann])
    db.execute("UPDATE prospects SET wrong_number = 1 WHERE id = ?", [bo])
    path = write_file(
        tmp_path,
        "name,phone,email,do_not_call,wrong_number\n"
        "Ann Lee,+1 617 555 0100,ann@lee.example,0,0\n"
        "Bo Ek,+1 617 555 0101,,no,\n",
    )
    assert run(db, path).updated == 2
    flags = [tuple(row) for row in db.execute("SELECT do_not_call, wrong_number FROM prospects")]
    assert flags == [(1, 0), (0, 1)]


def test_a_do_not_call_cell_that_is_neither_yes_nor_no_is_rejected(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_file(tmp_path, "Name,Phone,Do Not Call\nAnn,+1 617 555 0100,maybe\n")
    report = run(db, path)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 2: do not call 'maybe': yes or no"
    ]
    assert db["prospects"].count == 0


def test_amounts_and_ratings_are_read_and_bad_ones_rejected(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "Name,Email,Amount,Rating\n"
        'Ann,ann@a.example,"$12,000",Cold\n'
        "Bo,bo@b.example,lots,Lukewarm\n",
    )
    report = run(db, path, skip_invalid=True)
    assert [(r.line, "'lots' is not an amount" in r.reason) for r in report.rejected] == [(3, True)]
    ann = people(db)["Ann"]
    assert (ann["deal_value_cents"], ann["priority"]) == (1_200_000, 0)


def test_a_deal_value_in_another_currency_is_rejected_not_stored_as_the_books(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path, 'Name,Email,Amount\nAnn,ann@a.example,"€12,000"\nBo,bo@b.example,"$500"\n'
    )
    report = run(db, path, skip_invalid=True)
    assert [(r.line, "this book counts in $, not €" in r.reason) for r in report.rejected] == [
        (2, True)
    ]
    stored = [(row["name"], row["deal_value_cents"]) for row in people(db).values()]
    assert stored == [("Bo", 50_000)]


def test_many_new_rows_are_stored_whole_and_in_the_files_order(
    book_db: Any, tmp_path: Path
) -> None:
    check_many_new_rows(book_db, tmp_path)


def test_many_new_rows_are_stored_whole_where_sqlite_allows_999_values_a_statement(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # As SQLite did before its version 3.32.
    db.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    check_many_new_rows(db, tmp_path)


def check_many_new_rows(db: Any, tmp_path: Path) -> None:
    rows = 1_234
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Name", "Email", "Lifecycle Stage", "Rating", "Deal Value"])
        for number in range(rows):
            kind = "Customer" if number % 7 == 0 else ""
            rating = "Hot" if number % 5 == 0 else ""
            writer.writerow([f"Lead {number}", f"lead{number}@many.example", kind, rating, number])
    report = run(db, path)
    assert (report.added, report.rejected) == (rows, [])
    stored = list(
        db.query(
            "SELECT name, email, kind, priority, deal_value_cents, created_at FROM prospects"
            " ORDER BY id"
        )
    )
    assert stored == [
        {
            "name": f"Lead {number}",
            "email": f"lead{number}@many.example",
            "kind": "customer" if number % 7 == 0 else "new",
            "priority": 2 if number % 5 == 0 else 1,
            "deal_value_cents": number * 100,
            "created_at": to_stored(NOW),
        }
        for number in range(rows)
    ]


def test_a_large_file_imports_in_one_transaction_with_progress(
    db: sqlite_utils.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = 5_000
    # The trace below expands each statement with its values for every trigger it fires:
    # short inserts keep that from taking a minute.
    monkeypatch.setattr(importer, "ROWS_PER_INSERT", 10)
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "Email", "Phone Number", "Company"])
        for number in range(rows):
            writer.writerow(
                [f"Lead{number}", "Test", f"lead{number}@bulk.example", "", f"Co {number % 50}"]
            )
        # The file repeats its first 100 leads with a phone number each.
        for number in range(100):
            writer.writerow(
                [
                    f"Lead{number}",
                    "Test",
                    f"LEAD{number}@bulk.example",
                    f"+1 555 010 {number:04d}",
                    "",
                ]
            )
    existing(db, name="Already here", email="lead4999@bulk.example")
    statements: list[str] = []
    progress: list[tuple[int, int | None]] = []
    db.conn.set_trace_callback(statements.append)
    report = run(db, path, progress=lambda done, total: progress.append((done, total)))
    db.conn.set_trace_callback(None)
    assert (report.added, report.updated, report.rejected) == (rows - 1, 101, [])
    assert db["prospects"].count == rows
    assert people(db)["Lead7 Test"]["phone"] == "+15550100007"
    assert statements.count("BEGIN IMMEDIATE") == 1
    assert statements.count("COMMIT") == 1
    # Progress counts the file's lines, the header's included.
    assert progress[-1] == (rows + 101, rows + 101)
    assert [done for done, _total in progress] == sorted(done for done, _total in progress)


def test_a_write_that_fails_half_way_leaves_the_book_as_it_was(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kim = existing(book_db, name="Kim Ode", email="kim@ode.example")
    before = list(book_db.query("SELECT * FROM prospects"))
    # The new prospects are written first, then the updates: the first update fails.
    update = importer._update_statement
    monkeypatch.setattr(
        importer,
        "_update_statement",
        lambda names, dialect: update(names, dialect).replace("prospects", "nowhere"),
    )
    path = write_file(
        tmp_path,
        "name,email,company\nAnn Lee,ann@lee.example,Acme\nKim Ode,kim@ode.example,Ode AB\n",
    )
    with pytest.raises(Exception, match="nowhere"):
        run(book_db, path)
    assert list(book_db.query("SELECT * FROM prospects")) == before
    assert [row["id"] for row in book_db.query("SELECT id FROM prospects")] == [kim]


def test_an_import_leaves_the_connections_page_cache_as_it_found_it(
    storage: Storage, tmp_path: Path
) -> None:
    """The app keeps its connection open: an import must not leave it holding a larger cache."""
    db = storage.db
    (cache_size,) = db.execute("PRAGMA cache_size").fetchone()
    run(db, "hubspot_contacts.csv")
    assert db.execute("PRAGMA cache_size").fetchone() == (cache_size,)
    # Also when the write fails: another program holds the write lock and we do not wait.
    other = sqlite3.connect(storage.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    db.execute("PRAGMA busy_timeout = 0")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        run(db, "plain.csv")
    other.execute("ROLLBACK")
    other.close()
    assert db.execute("PRAGMA cache_size").fetchone() == (cache_size,)
    assert db["prospects"].count == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV file: it is a binary file"),
        # A CRM's export downloaded as Excel: what to do, where it said "a binary file".
        (
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
            "it is a spreadsheet workbook (.xlsx, .ods or .numbers): save it as CSV (UTF-8)",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "it is an Excel 97-2003 workbook (.xls)"),
        # UTF-16 without its byte-order mark, in either order and any script.
        (
            "name,email\nAnn,a@x.example\n".encode("utf-16-le"),
            "it is UTF-16 text without a byte-order mark: save it as CSV (UTF-8)",
        ),
        (
            "name,company,email\r\nИван Петров,ООО Ромашка,i@x.example\r\n".encode("utf-16-be"),
            "it is UTF-16 text without a byte-order mark: save it as CSV (UTF-8)",
        ),
        (
            "name,email\n山田\u3000太郎,y@x.example\nIchiro 一郎,i@x.example\n".encode("utf-16-le"),
            "it is UTF-16 text without a byte-order mark: save it as CSV (UTF-8)",
        ),
        # Text but for a NUL byte in a row: the line is named, where the whole file was
        # called binary.
        (
            b"name,email\nAnn,a@x.example\r\nBob\x00 Baker,b@x.example\n",
            "line 3 holds a NUL byte (0x00), which no text file holds: remove it",
        ),
        (b"Record ID,Contact owner,Email\n1,Sam,a@b.example\n", "has no name column"),
        (b"Name,Company\nAnn,Acme\n", "has no phone or email column (headers found: Name, "),
        (b"\x81\x8d\x8f", "neither UTF-8 nor Windows-1252"),
        # UTF-8 but for a line another encoding wrote: read as Windows-1252, every accent
        # of the rest would be stored garbled ("JosÃ©").
        (
            "name,email\nJosé Núñez,jose@x.example\n".encode()
            + "Renée Lefèvre,renee@x.example\n".encode("cp1252"),
            "it is UTF-8 text except on line 3 (byte 0xe9), which another encoding wrote",
        ),
        # Its lines ending with CR alone, the line named is still the one.
        (
            "name,email\rJosé Núñez,jose@x.example\rAnn,a@x.example\r".encode()
            + "Renée Lefèvre,renee@x.example\r".encode("cp1252"),
            "it is UTF-8 text except on line 4 (byte 0xe9)",
        ),
        # UTF-8 but for its last character, cut.
        (
            "name,email\nJosé,j@x.example\nZoë".encode()[:-1],
            "it is UTF-8 text whose last character is cut (byte 0xc3 on line 3)",
        ),
        (
            b"\xef\xbb\xbf"
            + "name,email\nJosé,j@x.example\n".encode()
            + "René,r@x.example\n".encode("cp1252"),
            "it starts with a UTF-8 byte-order mark but line 3 is not UTF-8 text (byte 0xe9)",
        ),
    ],
)
def test_a_file_that_is_not_a_usable_csv_is_refused_in_one_line(
    db: sqlite_utils.Database, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(content)
    with pytest.raises(CsvUnreadable) as refused:
        run(db, path)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert db["prospects"].count == 0


@pytest.mark.parametrize(
    "text",
    [
        # A German Outlook export: `ß“` and `ß–` are pairs UTF-8 could have written.
        "Vorname;Nachname;Firma;Telefon geschäftlich;E-Mail-Adresse\r\n"
        "Jürgen;Weiß;Bäckerei „Weiß“ GmbH;+49 30 1234567;jw@example.de\r\n"
        "Anna;Groß;Groß–Gerau Logistik;+49 6152 123456;ag@example.de\r\n",
        # French, as Word writes it: guillemets with no-break spaces.
        "Prénom;Nom;Société;Téléphone bureau;Adresse de messagerie\r\n"
        "René;Dupré;« Café Déjà\u00a0»;+33 1 42 68 53 00;rene@example.fr\r\n",
        # Where such pairs are most of the bytes outside ASCII.
        "name;company;phone\r\nHans Groß;Groß–Gerau AG;+49 6152 12345\r\n",
        "name,company,phone\r\nAnne Dupont,«\u00a0Le Café\u00a0»,+33 1 42 68 53 00\r\n",
    ],
)
def test_windows_1252_text_is_read_as_such_whatever_pairs_of_bytes_it_holds(
    db: sqlite_utils.Database, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(text.encode("cp1252"))
    report = run(db, path)
    assert report.encoding == "windows-1252"
    names = {row["name"] for row in db["prospects"].rows}
    assert names <= {"Jürgen Weiß", "Anna Groß", "René Dupré", "Hans Groß", "Anne Dupont"}
    assert names


def test_the_refusal_names_the_headers_found(db: sqlite_utils.Database, tmp_path: Path) -> None:
    path = write_file(tmp_path, "Record ID,Contact owner,Email\n1,Sam,a@b.example\n")
    with pytest.raises(CsvUnreadable, match=r"headers found: Record ID, Contact owner, Email\)"):
        run(db, path)


def test_a_missing_file_is_refused_in_one_line(db: sqlite_utils.Database, tmp_path: Path) -> None:
    with pytest.raises(CsvUnreadable, match=r"cannot read .*missing\.csv: No such file"):
        run(db, tmp_path / "missing.csv")


def test_the_report_lines_up_with_the_file(db: sqlite_utils.Database) -> None:
    """Every record is added, updated or rejected: none silently disappears."""
    report = run(db, "broken_rows.csv", skip_invalid=True)
    with (DATA / "broken_rows.csv").open(newline="", encoding="utf-8") as handle:
        records = sum(1 for _row in csv.reader(io.StringIO(handle.read()))) - 1
    assert report.added + report.updated + len(report.rejected) == records


CRM_FIXTURES = [
    "hubspot_contacts.csv",
    "salesforce_leads.csv",
    "pipedrive_people.csv",
    "close_leads.csv",
    "close_lead_export.csv",
    "plain.csv",
    "excel_windows1252.csv",
    "utf8_bom_semicolons.csv",
]


def stored_without_updated_at(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    rows = db.query("SELECT * FROM prospects ORDER BY id")
    return [{name: value for name, value in row.items() if name != "updated_at"} for row in rows]


@pytest.mark.parametrize("file", CRM_FIXTURES)
def test_importing_the_same_file_again_changes_nothing(book_db: Any, file: str) -> None:
    db = book_db
    first = run(db, file)
    assert (first.rejected, first.written) == ([], True)
    before = stored_without_updated_at(db)
    assert len(before) == first.added
    again = import_prospects(db, DATA / file, now=LATER)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(before))
    assert again.summary().startswith(f"added 0, updated 0, unchanged {len(before)}, rejected 0")
    assert stored_without_updated_at(db) == before


def test_a_dry_run_of_a_file_already_imported_says_it_would_leave_its_rows_unchanged(
    book_db: Any,
) -> None:
    db = book_db
    first = run(db, "plain.csv")
    dry = run(db, "plain.csv", dry_run=True)
    assert dry.summary().startswith(
        f"dry run, nothing written: would add 0, update 0, leave {first.added} unchanged,"
        " reject 0 ("
    )


def ada_rows(tmp_path: Path, companies: Iterable[str]) -> Path:
    """A file of rows for Ada Lovelace (ada@example.com), one for each company in turn."""
    path = tmp_path / "ada.csv"
    rows = "".join(f"Ada Lovelace,ada@example.com,{company}\n" for company in companies)
    path.write_text(f"Name,Email,Company\n{rows}", encoding="utf-8")
    return path


@pytest.mark.parametrize("batch", [1, 5_000])
def test_a_person_a_file_names_twice_alike_is_added_once_and_left_unchanged_once(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """The same count whether the two rows are in one batch or two."""
    monkeypatch.setattr(importer, "ROWS_PER_BATCH", batch)
    report = run(book_db, ada_rows(tmp_path, ["Analytical", "Analytical"]))
    assert (report.added, report.updated, report.unchanged) == (1, 0, 1)


@pytest.mark.parametrize("batch", [1, 5_000])
@pytest.mark.parametrize(
    ("companies", "split"),
    [
        # As stored, then a change: one row changed nothing, the other changed her.
        (("Analytical", "Babbage & Co"), (1, 1)),
        # A change, and back: both rows changed her, though she ends as she began.
        (("Babbage & Co", "Analytical"), (2, 0)),
    ],
)
def test_each_row_of_a_prospect_counts_for_what_it_changed_in_one_batch_as_in_two(
    book_db: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    batch: int,
    companies: tuple[str, str],
    split: tuple[int, int],
) -> None:
    existing(book_db, name="Ada Lovelace", email="ada@example.com", company="Analytical")
    monkeypatch.setattr(importer, "ROWS_PER_BATCH", batch)
    report = run(book_db, ada_rows(tmp_path, companies))
    assert (report.added, report.updated, report.unchanged) == (0, *split)
    assert book_db.execute("SELECT company FROM prospects").fetchone()[0] == companies[-1]


def test_a_prospect_written_by_one_batch_and_changed_by_the_next_counts_as_updated(
    book_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch tells its own rows that changed their prospect from those that left it
    as it was, also for a prospect an earlier batch of the same import wrote."""
    monkeypatch.setattr(importer, "ROWS_PER_BATCH", 1)
    companies = ["Analytical", "Babbage & Co", "Difference Ltd", "Difference Ltd"]
    report = run(book_db, ada_rows(tmp_path, companies))
    assert (report.added, report.updated, report.unchanged) == (1, 2, 1)
    assert report.summary().startswith("added 1, updated 2, unchanged 1, rejected 0")
    stored = book_db.execute("SELECT company FROM prospects").fetchall()
    assert [tuple(row) for row in stored] == [("Difference Ltd",)]


@pytest.mark.parametrize(
    ("header", "row"),
    [
        # Excel in German, semicolons, Windows-1252: as Outlook exports contacts.
        (
            "Vorname;Nachname;Firma;Position;Telefon geschäftlich;E-Mail-Adresse;Quelle",
            "Jürgen;Weiß;Müller & Co KG;Einkauf;030 5550147;j.weiss@mueller.example;Messe",
        ),
        (
            "Prénom;Nom;Société;Fonction;Téléphone bureau;Adresse e-mail;Origine",
            "Jürgen;Weiß;Müller & Co KG;Einkauf;030 5550147;j.weiss@mueller.example;Messe",
        ),
        (
            "Nombre;Apellidos;Empresa;Puesto;Teléfono;Correo electrónico;Fuente",
            "Jürgen;Weiß;Müller & Co KG;Einkauf;030 5550147;j.weiss@mueller.example;Messe",
        ),
    ],
    ids=["german", "french", "spanish"],
)
def test_a_spreadsheet_in_another_language_fills_every_field(
    db: sqlite_utils.Database, tmp_path: Path, header: str, row: str
) -> None:
    """A rep's own contacts from Excel in German, French or Spanish: the phone and the
    company are read, not left out as columns not imported."""
    path = tmp_path / "kontakte.csv"
    path.write_bytes(f"{header}\r\n{row}\r\n".encode("cp1252"))
    save_setting(db, "phone_region", "DE")
    report = import_prospects(db, path, now=NOW)
    assert (report.added, report.rejected, report.ignored) == (1, [], [])
    person = people(db)["Jürgen Weiß"]
    assert (person["company"], person["title"], person["phone"]) == (
        "Müller & Co KG",
        "Einkauf",
        "+49305550147",
    )
    assert (person["email"], person["source"], person["first_name"]) == (
        "j.weiss@mueller.example",
        "Messe",
        "Jürgen",
    )


def test_a_books_own_export_updates_each_copy_of_a_person_it_keeps_twice(
    book_db: Any, tmp_path: Path
) -> None:
    """Two reps' copies of one person (kept apart by `funnel migrate-to`) share an email:
    each row of the export updates its own copy, where both updated the first."""
    db = book_db
    first = existing(db, name="Ann Archer", email="ann@acme.example", stage="won", kind="customer")
    second = existing(db, name="Ann Archer", email="ann@acme.example", stage="lead")
    other = existing(db, name="Bo Baker", email="bo@b.example", stage="meeting")
    path = tmp_path / "book.csv"
    export_to_file(db, "prospects", "csv", path)
    text = path.read_text(encoding="utf-8").replace(",lead,", ",contacted,")
    path.write_text(text, encoding="utf-8")
    report = import_prospects(db, path, now=NOW)
    assert (report.added, report.updated, report.unchanged, report.rejected) == (0, 1, 2, [])
    stages = dict(db.execute("SELECT id, stage FROM prospects ORDER BY id").fetchall())
    assert stages == {first: "won", second: "contacted", other: "meeting"}


def test_an_id_that_names_another_person_in_the_book_is_no_match(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    # Another book's export: its ids name other people here, who are left alone.
    ann = existing(db, name="Ann Archer", email="ann@acme.example")
    bo = existing(db, name="Bo Baker", email="bo@b.example")
    path = write_file(tmp_path, f"id,name,email,title\n{ann},Bo Baker,bo@b.example,CTO\n")
    report = import_prospects(db, path, now=NOW)
    assert (report.added, report.updated) == (0, 1)
    titles = dict(db.execute("SELECT id, title FROM prospects ORDER BY id").fetchall())
    assert titles == {ann: None, bo: "CTO"}


def test_an_expected_close_date_comes_back_from_the_books_own_export(
    book_db: Any, tmp_path: Path
) -> None:
    # It was a column not imported: a proposal lost its close date on a round trip.
    db = book_db
    ann = existing(db, name="Ann Archer", email="ann@acme.example", stage="proposal")
    db.execute("UPDATE prospects SET expected_close_on = '2027-01-15' WHERE id = ?", [ann])
    path = tmp_path / "book.csv"
    export_to_file(db, "prospects", "csv", path)
    db.execute("UPDATE prospects SET expected_close_on = NULL")
    report = import_prospects(db, path, now=NOW)
    assert (report.updated, report.rejected) == (1, [])
    assert "expected_close_on" not in report.summary() and "id" not in report.file.ignored
    (close_on,) = db.execute("SELECT expected_close_on FROM prospects").fetchone()
    assert str(close_on) == "2027-01-15"


def test_an_expected_close_date_that_is_no_date_rejects_its_row(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_file(
        tmp_path,
        "name,email,expected_close_on\nAnn,ann@a.example,31/13/2026\nBo,b@b.example,March\n",
    )
    report = import_prospects(db, path, now=NOW)
    assert [str(rejected) for rejected in report.rejected] == [
        "line 2: expected close date '31/13/2026': a date from 1900 to 2999 such as 2026-12-31",
        "line 3: expected close date 'March': a date from 1900 to 2999 such as 2026-12-31",
    ]


def test_the_books_own_export_imported_back_writes_nothing(book_db: Any, tmp_path: Path) -> None:
    """Each row leaves its prospect as it was: none is written, nor stamped updated_at
    (every one was, and its search row written again)."""
    db = book_db
    existing(db, name="Ann Archer", email="ann@acme.example", timezone="Europe/London")
    existing(db, name="Bo Baker", phone="+442079460958", timezone="Europe/London")
    path = tmp_path / "book.csv"
    export_to_file(db, "prospects", "csv", path)
    before = list(db.query("SELECT * FROM prospects ORDER BY id"))
    report = import_prospects(db, path, now=NOW + timedelta(days=1))
    assert (report.added, report.rejected) == (0, [])
    assert list(db.query("SELECT * FROM prospects ORDER BY id")) == before
    # A row that changes one field writes that prospect alone.
    text = path.read_text(encoding="utf-8").replace("Ann Archer,", "Ann Archer-Lee,", 1)
    path.write_text(text, encoding="utf-8")
    import_prospects(db, path, now=NOW + timedelta(days=2))
    after = list(db.query("SELECT name, updated_at FROM prospects ORDER BY id"))
    assert [row["name"] for row in after] == ["Ann Archer-Lee", "Bo Baker"]
    assert after[1]["updated_at"] == before[1]["updated_at"] != after[0]["updated_at"]
