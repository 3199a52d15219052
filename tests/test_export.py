"""Exporting prospects and calls as CSV and JSON (PRODUCT sections 10 and 11)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlite_utils

from funnel_tui.exporter import export_rows, write_csv, write_json
from funnel_tui.prospects import add_prospect

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def book(db: sqlite_utils.Database) -> sqlite_utils.Database:
    add_prospect(
        db,
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
        now=NOW,
    )
    add_prospect(db, {"name": "Bo Ek", "company": "Ek AB", "deal_value_cents": -500}, now=NOW)
    return db


def csv_rows(db: sqlite_utils.Database, table: str) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    write_csv(*export_rows(db, table), out)
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_csv_neutralises_formulas_in_text_cells(book: sqlite_utils.Database) -> None:
    rita, _bo = csv_rows(book, "prospects")
    assert rita["name"] == "'=1+1"
    assert rita["title"] == "'\tTabbed"
    assert rita["company"] == "'@SUM(A1:A9)"
    assert rita["phone"] == "'+44 20 7946 0958"
    assert rita["needs"] == "'-2+3 and a, comma\nover two lines"
    assert rita["objections"] == "'\rcarriage return"
    assert rita["pain_points"] == "Harmless - dash inside"
    assert rita["goals"] == 'Zoë\'s "quoted" goal'
    assert rita["email"] == "rita@cole.example"


def test_csv_keeps_numbers_numeric(book: sqlite_utils.Database) -> None:
    rita, bo = csv_rows(book, "prospects")
    assert rita["deal_value_cents"] == "1200000"
    assert rita["priority"] == "2"
    assert rita["id"] == "1"
    # A negative amount is a number, not a formula: no quote in front.
    assert bo["deal_value_cents"] == "-500"
    assert bo["phone"] == ""


def test_csv_has_a_header_of_every_column_and_counts_rows(book: sqlite_utils.Database) -> None:
    out = io.StringIO(newline="")
    columns, rows = export_rows(book, "prospects")
    assert write_csv(columns, rows, out) == 2
    header = out.getvalue().split("\r\n", 1)[0]
    assert header.split(",") == list(book["prospects"].columns_dict)


def test_json_round_trips_exactly_without_neutralising(book: sqlite_utils.Database) -> None:
    out = io.StringIO()
    assert write_json(*export_rows(book, "prospects"), out) == 2
    assert json.loads(out.getvalue()) == list(book.query("SELECT * FROM prospects ORDER BY id"))
    assert '"Zoë' in out.getvalue()


def test_an_empty_table_exports_an_empty_list_and_a_header(db: sqlite_utils.Database) -> None:
    out = io.StringIO()
    assert write_json(*export_rows(db, "calls"), out) == 0
    assert json.loads(out.getvalue()) == []
    assert csv_rows(db, "calls") == []


def test_calls_carry_their_prospects_name_company_and_source(
    book: sqlite_utils.Database,
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
        },
        {"prospect_id": 1, "started_at": "2026-11-23T15:30:00+00:00", "outcome": "no_answer"},
    ):
        book["calls"].insert(call)
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
        "method": "solution",
        "notes": '\'=HYPERLINK("http://x.example")',
        "follow_up_at": "2026-11-27T14:00:00+00:00",
    }


def test_rows_are_streamed_not_loaded(book: sqlite_utils.Database) -> None:
    _columns, rows = export_rows(book, "prospects")
    assert isinstance(rows, Iterator)
    assert next(rows)[1] == "=1+1"


def test_only_prospects_and_calls_can_be_exported(db: sqlite_utils.Database) -> None:
    with pytest.raises(ValueError, match="choose one of prospects, calls"):
        export_rows(db, "settings")
