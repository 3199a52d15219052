"""The first name scripts greet a prospect by: taken from an import's First Name column,
typed in the edit form (empty means the first given name in the full name), exported."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from textual.widgets import Input

from funnel_tui.exporter import export_rows, write_json
from funnel_tui.importer import import_prospects
from funnel_tui.store.sqlite import open_storage
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from tests.app_support import open_prospect_form, settle, shown_text
from tests.test_app import first_in_queue
from tests.test_app_edit import row

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def stored(db: sqlite_utils.Database) -> list[tuple[str, str | None]]:
    return [(r["name"], r["first_name"]) for r in db.query("SELECT * FROM prospects ORDER BY id")]


def test_an_import_keeps_the_first_name_column_beside_the_full_name(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    leads = write_csv(
        tmp_path / "salesforce.csv",
        [
            ["First Name", "Last Name", "Email"],
            ["Wei Ling", "Tan", "wl@tan.example"],
            ["John", "Doe", "john@doe.example"],
            ["", "Smith", "smith@example.com"],
        ],
    )
    report = import_prospects(db, leads, now=NOW)
    assert (report.added, report.rejected) == (3, [])
    assert stored(db) == [("Wei Ling Tan", "Wei Ling"), ("John Doe", "John"), ("Smith", None)]
    assert "First Name" in report.columns


def test_a_file_with_a_full_name_and_a_first_name_keeps_both(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    leads = write_csv(
        tmp_path / "crm.csv",
        [["Name", "First Name", "Email"], ["Dr. Jane Foster", "Jane", "jane@foster.example"]],
    )
    import_prospects(db, leads, now=NOW)
    assert stored(db) == [("Dr. Jane Foster", "Jane")]


def test_an_update_without_a_first_name_keeps_the_stored_one(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    first = write_csv(
        tmp_path / "first.csv",
        [["First Name", "Last Name", "Email"], ["Wei Ling", "Tan", "wl@x.io"]],
    )
    import_prospects(db, first, now=NOW)
    again = write_csv(tmp_path / "again.csv", [["Name", "Email"], ["Wei Ling Tan", "wl@x.io"]])
    report = import_prospects(db, again, now=NOW)
    # The name is the one stored: the row leaves the prospect as it was.
    assert (report.updated, report.unchanged) == (0, 1)
    assert stored(db) == [("Wei Ling Tan", "Wei Ling")]


def test_the_export_carries_the_first_name_and_imports_back(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    db["prospects"].insert({"name": "Wei Ling Tan", "first_name": "Wei Ling", "email": "w@x.io"})
    columns, rows = export_rows(db, "prospects")
    out = io.StringIO()
    write_json(columns, rows, out)
    [exported] = json.loads(out.getvalue())
    assert exported["first_name"] == "Wei Ling"

    columns, rows = export_rows(db, "prospects")
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as csv_out:
        writer = csv.writer(csv_out)
        writer.writerow(columns)
        writer.writerows(rows)
    fresh = open_storage(tmp_path / "fresh.db").db
    import_prospects(fresh, path, now=NOW)
    assert stored(fresh) == [("Wei Ling Tan", "Wei Ling")]


async def test_the_edit_form_stores_a_first_name_and_empty_means_from_the_name(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute("UPDATE prospects SET name = 'Dr. Wei Ling Tan' WHERE id = ?", [first["id"]])
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        field = form.query_one("#field-first_name", Input)
        assert field.value == ""
        assert field.placeholder == "empty: Wei, from the name"
        form.query_one("#field-name", Input).value = "Dr. Smith"
        await pilot.pause()
        assert field.placeholder == "empty: no first name in the name"
        form.query_one("#field-name", Input).value = "Dr. Wei Ling Tan"
        field.focus()
        await pilot.press(*"Wei Ling", "enter")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert row(db, first["id"])["first_name"] == "Wei Ling"


async def test_a_name_stored_in_capitals_is_greeted_as_written_in_the_pane_and_the_form(
    demo_app: FunnelApp,
) -> None:
    """A CRM's export in capitals: the opener said "Hi JOHN, it's Alex Morgan…"."""
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute(
        "UPDATE prospects SET name = 'DR. JOHN O''NEIL-SMITH', first_name = NULL WHERE id = ?",
        [first["id"]],
    )
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        pane = shown_text(demo_app.screen.query_one("#script-body"))
        assert "Hi John, it's " in pane and "JOHN," not in pane
        form = await open_prospect_form(demo_app, pilot)
        field = form.query_one("#field-first_name", Input)
        assert field.placeholder == "empty: John, from the name"


async def test_the_edit_form_says_a_name_that_is_the_companys_gives_no_first_name(
    demo_app: FunnelApp,
) -> None:
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        field = form.query_one("#field-first_name", Input)
        form.query_one("#field-name", Input).value = "Acme Ltd"
        form.query_one("#field-company", Input).value = "acme ltd"
        await pilot.pause()
        assert field.placeholder == "empty: no first name, the name is the company's"
        form.query_one("#field-company", Input).value = "Acme Holdings"
        await pilot.pause()
        assert field.placeholder == "empty: Acme, from the name"


async def test_emptying_the_first_name_field_clears_the_stored_one(demo_app: FunnelApp) -> None:
    db = demo_app.storage.db
    first = first_in_queue(db)
    db.execute("UPDATE prospects SET first_name = 'Wei Ling' WHERE id = ?", [first["id"]])
    db.conn.commit()
    async with demo_app.run_test(size=(160, 48)) as pilot:
        form = await open_prospect_form(demo_app, pilot)
        field = form.query_one("#field-first_name", Input)
        assert field.value == "Wei Ling"
        field.value = "  "
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
    assert row(db, first["id"])["first_name"] is None


def test_the_demo_book_stores_a_two_word_first_name(demo_storage) -> None:
    [found] = demo_storage.db.query("SELECT first_name FROM prospects WHERE name = 'Wei Ling Tan'")
    assert found["first_name"] == "Wei Ling"
