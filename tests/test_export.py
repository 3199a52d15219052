"""Exporting prospects and calls as CSV and JSON (PRODUCT sections 10 and 11)."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from funnel_tui import exporter
from funnel_tui.exporter import export_rows, neutralise, write_csv, write_json
from funnel_tui.prospects import add_prospect
from funnel_tui.store.sqlite import Storage
from funnel_tui.timestamps import to_stored
from tests.cli_support import invoke
from tests.rows import book_option, insert_row

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def add(db: Any, row: dict[str, Any]) -> int:
    return insert_row(db, "prospects", {**row, "created_at": to_stored(NOW)})


@pytest.fixture
def book(book_db: Any) -> Any:
    add(
        book_db,
        {
            "name": "=1+1",
            "title": "\tTabbed",
            "company": "@SUM(A1:A9)",
            "phone": "+44 20 7946 0958",
            "email": "rita@cole.example",
            "needs": "-2+3 and a, comma\nover two lines",
            "pain_points": "Harmless - dash inside",
            "objections": "\rcarriage return",
            "goals": 'Zoë\'s "quoted" goal',
            "source": "Webinar",
            "deal_value_cents": 1_200_000,
            "priority": 2,
        },
    )
    add(book_db, {"name": "Bo Ek", "company": "Ek AB", "deal_value_cents": -500})
    return book_db


def csv_rows(db: sqlite_utils.Database, table: str) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    write_csv(*export_rows(db, table), out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_csv_neutralises_formulas_in_text_cells(book: Any) -> None:
    rita, _bo = csv_rows(book, "prospects")
    assert rita["name"] == "'=1+1"
    assert rita["title"] == "'\tTabbed"
    assert rita["company"] == "'@SUM(A1:A9)"
    # A cell that is exactly a phone number stays as it is, for dialers and CRMs.
    assert rita["phone"] == "+44 20 7946 0958"
    assert rita["needs"] == "'-2+3 and a, comma\nover two lines"
    assert rita["objections"] == "'\rcarriage return"
    assert rita["pain_points"] == "Harmless - dash inside"
    assert rita["goals"] == 'Zoë\'s "quoted" goal'
    assert rita["email"] == "rita@cole.example"


def test_csv_keeps_numbers_numeric(book: Any) -> None:
    rita, bo = csv_rows(book, "prospects")
    assert rita["deal_value_cents"] == "1200000"
    assert rita["priority"] == "2"
    assert rita["id"] == "1"
    # A negative amount is a number, not a formula: no quote in front.
    assert bo["deal_value_cents"] == "-500"
    assert bo["phone"] == ""


def test_csv_has_a_header_of_every_column_and_counts_rows(book: Any) -> None:
    out = io.StringIO(newline="")
    columns, rows = export_rows(book, "prospects")
    assert write_csv(columns, rows, out) == 2
    header = out.getvalue().split("\r\n", 1)[0]
    assert header.split(",") == list(next(book.query("SELECT * FROM prospects")))


def test_json_round_trips_exactly_without_neutralising(book: Any) -> None:
    out = io.StringIO()
    assert write_json(*export_rows(book, "prospects"), out) == 2
    assert json.loads(out.getvalue()) == list(book.query("SELECT * FROM prospects ORDER BY id"))
    assert '"Zoë' in out.getvalue()


HOSTILE = "Isa \x1b]52;c;ZXZpbA==\x07B\x1b[2J\u009b31mR\u202eX\u202c"


def test_json_writes_what_a_terminal_acts_on_as_escapes_of_the_same_text(
    db: sqlite_utils.Database,
) -> None:
    # JSON escapes C0 controls itself, not an 8-bit CSI (U+009B) nor a bidi override.
    add(db, {"name": HOSTILE})
    out = io.StringIO()
    write_json(*export_rows(db, "prospects"), out)
    assert not exporter.TERMINAL_ACTING.search(out.getvalue())
    assert "\\u009b" in out.getvalue() and "\\u202e" in out.getvalue()
    assert json.loads(out.getvalue())[0]["name"] == HOSTILE


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_an_export_shown_on_a_terminal_shows_escapes_and_a_pipe_gets_them_as_stored(
    db: sqlite_utils.Database,
) -> None:
    add(db, {"name": HOSTILE})
    on_screen, piped = Terminal(), io.StringIO()
    write_csv(*export_rows(db, "prospects"), exporter.for_the_screen(on_screen))
    write_csv(*export_rows(db, "prospects"), exporter.for_the_screen(piped))
    assert not exporter.TERMINAL_ACTING.search(on_screen.getvalue())
    assert "Isa \\x1b]52;c;ZXZpbA==\\x07B\\x1b[2J\\x9b31mR\\u202eX\\u202c" in on_screen.getvalue()
    (row,) = list(csv.DictReader(io.StringIO(piped.getvalue())))
    assert row["name"] == HOSTILE


def test_an_empty_table_exports_an_empty_list_and_a_header(book_db: Any) -> None:
    out = io.StringIO()
    assert write_json(*export_rows(book_db, "calls"), out) == 0
    assert json.loads(out.getvalue()) == []
    assert csv_rows(book_db, "calls") == []


def test_calls_carry_their_prospects_name_company_and_source_and_their_rep(
    book: Any,
) -> None:
    for call in (
        {
            "prospect_id": 2,
            "started_at": "2026-11-24T09:00:00+00:00",
            "duration_s": 95,
            "outcome": "meeting",
            "method": "solution",
            "notes": '=HYPERLINK("http://x.example")',
            "follow_up_at": "2026-11-27T14:00:00+00:00",
            "rep": "alex",
        },
        {"prospect_id": 1, "started_at": "2026-11-23T15:30:00+00:00", "outcome": "no_answer"},
    ):
        insert_row(book, "calls", call)
    earlier, later = csv_rows(book, "calls")
    assert (earlier["prospect_name"], earlier["source"], earlier["outcome"]) == (
        "'=1+1",
        "Webinar",
        "no_answer",
    )
    assert later == {
        "id": "1",
        "prospect_id": "2",
        "prospect_name": "Bo Ek",
        "company": "Ek AB",
        "source": "",
        "started_at": "2026-11-24T09:00:00+00:00",
        "duration_s": "95",
        "outcome": "meeting",
        "reason": "",
        "method": "solution",
        "notes": '\'=HYPERLINK("http://x.example")',
        "follow_up_at": "2026-11-27T14:00:00+00:00",
        "rep": "alex",
    }
    # A call with no rep (a one-rep book's) has an empty cell.
    assert earlier["rep"] == ""


def test_calls_carry_the_not_interested_reason_beside_the_outcome(book: Any) -> None:
    # The report counts lost reasons: the export left them out.
    insert_row(
        book,
        "calls",
        {
            "prospect_id": 2,
            "started_at": "2026-11-24T09:00:00+00:00",
            "outcome": "not_interested",
            "reason": "competitor",
        },
    )
    insert_row(
        book,
        "calls",
        {"prospect_id": 1, "started_at": "2026-11-25T09:00:00+00:00", "outcome": "no_answer"},
    )
    columns, _rows = export_rows(book, "calls")
    assert columns[columns.index("outcome") + 1] == "reason"
    lost, unanswered = csv_rows(book, "calls")
    assert (lost["outcome"], lost["reason"]) == ("not_interested", "competitor")
    assert unanswered["reason"] == ""
    out = io.StringIO()
    write_json(*export_rows(book, "calls"), out)
    assert [call["reason"] for call in json.loads(out.getvalue())] == ["competitor", None]


def test_rows_are_streamed_not_loaded(book: Any) -> None:
    _columns, rows = export_rows(book, "prospects")
    assert isinstance(rows, Iterator)
    assert next(rows)[1] == "=1+1"


def test_an_export_to_a_file_tells_its_progress_as_it_writes(book_db: Any, tmp_path: Path) -> None:
    """A bar on the terminal follows the rows written (10,000,000 calls take a minute and
    more), of the table's count."""
    book_db.execute(
        "WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < 24999)"
        " INSERT INTO prospects (name, phone)"
        " SELECT 'Prospect ' || x, '+442079' || (400000 + x) FROM n"
    )
    heard: list[int] = []
    written = exporter.export_to_file(
        book_db, "prospects", "csv", tmp_path / "all.csv", progress=heard.append
    )
    assert written == exporter.export_total(book_db, "prospects") == 25_000
    assert heard == [10_000, 20_000]
    assert len((tmp_path / "all.csv").read_text(encoding="utf-8").splitlines()) == 25_001


def test_only_prospects_and_calls_can_be_exported(db: sqlite_utils.Database) -> None:
    with pytest.raises(ValueError, match="choose one of prospects, calls"):
        export_rows(db, "settings")


@pytest.mark.parametrize(
    "phone",
    [
        "+44 20 7946 0958",
        "+1 (617) 555-0100",
        "+34.91.555.01.23",
        "+1-617-555-0100",
        # A number as funnel stores it, with its extension.
        "+15550001000;ext=12",
    ],
)
def test_a_cell_that_is_exactly_a_phone_number_is_exported_as_it_is(phone: str) -> None:
    assert neutralise(phone) == phone


@pytest.mark.parametrize(
    "text",
    [
        *("+", "+-", "+1 617 555 0100 x12", "+1+cmd|' /C calc'!A0", "+SUM(A1)", "+1\n=1+1"),
        *("-1 555", "+15550001000;ext=", "+15550001000;ext=12;=1+1", "+1;ext=12+cmd|"),
        # Too few digits for a number, or not a digit after the +.
        *("+1-2", "+(1)", "+12 34", "+1;ext=12", "+(44) 20 7946 0958", "+١٢٣٤٥٦٧٨"),
    ],
)
def test_anything_else_starting_like_a_formula_is_still_neutralised(text: str) -> None:
    assert neutralise(text) == f"'{text}"


def disk_full_after(cells: int) -> Callable[[Any], Any]:
    """neutralise, until the disk fills up `cells` cells into the export."""
    written = 0

    def writing(value: Any) -> Any:
        nonlocal written
        written += 1
        if written > cells:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return neutralise(value)

    return writing


def test_a_full_disk_leaves_no_half_file_and_names_the_file(
    storage: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(50):
        add_prospect(storage.db, {"name": f"Lead {number}", "phone": "+44 20 7946 0958"}, now=NOW)
    output = tmp_path / "out" / "prospects.csv"
    output.parent.mkdir()
    output.write_text("yesterday's export\n", encoding="utf-8")
    monkeypatch.setattr(exporter, "neutralise", disk_full_after(cells=200))
    result = invoke("export", "prospects", "-o", output, "--db", storage.path)
    assert result.exit_code == 1
    assert result.stderr == f"funnel: cannot write {output}: No space left on device\n"
    # The file that was there is untouched and nothing half-written is left beside it.
    assert output.read_text(encoding="utf-8") == "yesterday's export\n"
    assert os.listdir(output.parent) == ["prospects.csv"]


def test_an_export_replaces_the_file_whole_and_keeps_its_permissions(
    book: Any, book_storage: Any, tmp_path: Path
) -> None:
    output = tmp_path / "prospects.json"
    output.write_text("old", encoding="utf-8")
    output.chmod(0o600)
    result = invoke(
        "export", "prospects", "--format", "json", "-o", output, "--db", book_option(book_storage)
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Exported 2 prospects to {output}\n"
    assert [row["name"] for row in json.loads(output.read_text(encoding="utf-8"))] == [
        "=1+1",
        "Bo Ek",
    ]
    assert output.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path).count("prospects.json") == 1
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_an_export_into_a_folder_that_does_not_exist_names_the_file(
    storage: Storage, tmp_path: Path
) -> None:
    output = tmp_path / "missing" / "calls.csv"
    result = invoke("export", "calls", "-o", output, "--db", storage.path)
    assert result.exit_code == 1
    assert result.stderr == f"funnel: cannot write {output}: No such file or directory\n"


@pytest.mark.skipif(not Path(os.devnull).exists(), reason="no null device here")
def test_an_export_to_a_device_writes_into_it_without_replacing_it(storage: Storage) -> None:
    result = invoke("export", "calls", "-o", os.devnull, "--db", storage.path)
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
