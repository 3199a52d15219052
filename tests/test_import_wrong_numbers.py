"""An import never gives a prospect back a number the rep found wrong (PRODUCT 11).

The rep calls Ann, gets a stranger, logs `wrong number`, finds her right number and
edits it; the CRM's export imported again wrote the old number back, the flag cleared,
and she was in the queue with a stranger's number. flag_changes keeps the number each
wrong-number flag was set on (schema v26): the import keeps hers, imports the rest of
the row and says so, on both backends.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from funnel_tui.importer import ImportReport, import_prospects
from funnel_tui.prospects import get_prospect
from funnel_tui.queue import QueueMode, queue_ids
from tests.cli_support import invoke
from tests.rows import book_option
from tests.test_schema_v26 import CALLED, RIGHT, WRONG, edit_phone, log_wrong_number

IMPORTED = datetime(2026, 12, 10, 9, 0, tzinfo=ZoneInfo("Europe/London"))
HEADER = "name,email,phone,company\n"
ANN = f"Ann Archer,ann@archer.example,{WRONG},Archer Co\n"


def write_csv(tmp_path: Path, *rows: str, name: str = "crm.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def imported(db: Any, path: Path, now: datetime = IMPORTED) -> ImportReport:
    report = import_prospects(db, path, now=now)
    assert report.written, report.summary()
    return report


def ann_id(db: Any) -> int:
    (row,) = db.execute("SELECT id FROM prospects WHERE name = 'Ann Archer'").fetchall()
    return int(row[0])


def test_the_crms_export_imported_again_keeps_the_number_the_rep_fixed(
    book_db: Any, tmp_path: Path
) -> None:
    export = write_csv(tmp_path, ANN)
    imported(book_db, export, now=CALLED - timedelta(days=7))
    ann = ann_id(book_db)
    log_wrong_number(book_db, ann)
    edit_phone(book_db, ann, RIGHT)
    assert ann in queue_ids(book_db, now=IMPORTED, mode=QueueMode.TODAY)

    # Next week's export: the same row, and Ann's company moved on.
    again = write_csv(tmp_path, ANN.replace("Archer Co", "Archer Group"), name="again.csv")
    report = imported(book_db, again)

    row = get_prospect(book_db, ann)
    assert row is not None
    assert (row["phone"], row["wrong_number"], row["company"]) == (RIGHT, 0, "Archer Group")
    assert report.summary().startswith("added 0, updated 1, rejected 0 (")
    assert (
        "1 row with a number found wrong for the prospect it updates: the prospect's phone"
        " kept (listed below)"
    ) in report.summary()
    assert report.notices() == [
        f"line 2: +1 201-555-0100 was found a wrong number for Ann Archer (prospect {ann})"
        " on 3 Dec: kept +1 201-555-0199"
    ]
    assert ann in queue_ids(book_db, now=IMPORTED, mode=QueueMode.TODAY)


def test_the_command_line_lists_the_row_under_the_summary(
    book_storage: Any, tmp_path: Path
) -> None:
    db = book_storage.db
    export = write_csv(tmp_path, ANN)
    imported(db, export, now=CALLED - timedelta(days=7))
    ann = ann_id(db)
    log_wrong_number(db, ann)
    edit_phone(db, ann, RIGHT)

    result = invoke("import", export, "--db", book_option(book_storage))

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("added 0, updated 0, unchanged 1, rejected 0 (")
    assert lines[1].startswith(
        f"line 2: +1 201-555-0100 was found a wrong number for Ann Archer (prospect {ann}) on 3 Dec"
    )
    assert lines[1].endswith(": kept +1 201-555-0199")
    assert get_prospect(db, ann)["phone"] == RIGHT  # type: ignore[index]


def test_a_number_not_fixed_yet_is_updated_as_before(book_db: Any, tmp_path: Path) -> None:
    export = write_csv(tmp_path, ANN)
    imported(book_db, export, now=CALLED - timedelta(days=7))
    ann = ann_id(book_db)
    log_wrong_number(book_db, ann)

    # The same wrong number: nothing to keep. Another number: it replaces the wrong one.
    same = imported(book_db, export)
    assert same.notices() == []
    assert get_prospect(book_db, ann)["wrong_number"] == 1  # type: ignore[index]
    other = write_csv(tmp_path, ANN.replace(WRONG, "+12015550142"), name="other.csv")
    report = imported(book_db, other)

    assert report.notices() == [
        f"line 2: Ann Archer (prospect {ann}): phone +1 201-555-0100 replaced by +1 201-555-0142"
    ]
    row = get_prospect(book_db, ann)
    assert (row["phone"], row["wrong_number"]) == ("+12015550142", 0)  # type: ignore[index]


def test_a_number_cleared_by_the_rep_is_not_given_back(book_db: Any, tmp_path: Path) -> None:
    export = write_csv(tmp_path, ANN)
    imported(book_db, export, now=CALLED - timedelta(days=7))
    ann = ann_id(book_db)
    log_wrong_number(book_db, ann)
    edit_phone(book_db, ann, None)

    report = imported(book_db, export)

    row = get_prospect(book_db, ann)
    assert (row["phone"], row["wrong_number"]) == (None, 0)  # type: ignore[index]
    assert report.notices() == [
        f"line 2: +1 201-555-0100 was found a wrong number for Ann Archer (prospect {ann})"
        " on 3 Dec: left without a number"
    ]


def test_the_number_written_another_way_is_the_same_number_and_only_it_is_kept_out(
    book_db: Any, tmp_path: Path
) -> None:
    """The import compares numbers by E.164 and extension: `(201) 555-0100` is the number
    found wrong, `+1 201 555 0100 x7` another. The rest of each row is imported; a
    timezone guessed from the wrong number is not."""
    export = write_csv(tmp_path, ANN)
    imported(book_db, export, now=CALLED - timedelta(days=7))
    ann = ann_id(book_db)
    log_wrong_number(book_db, ann)
    edit_phone(book_db, ann, RIGHT)
    book_db.execute(
        "UPDATE prospects SET timezone = 'America/Chicago', timezone_guessed = 1 WHERE id = ?",
        [ann],
    )

    written_otherwise = write_csv(
        tmp_path, "Ann Archer,ann@archer.example,(201) 555-0100,Archer Ltd\n", name="b.csv"
    )
    report = imported(book_db, written_otherwise)
    row = get_prospect(book_db, ann)
    assert (row["phone"], row["company"], row["timezone"]) == (  # type: ignore[index]
        RIGHT,
        "Archer Ltd",
        "America/Chicago",
    )
    assert len(report.notices()) == 1

    extension = write_csv(
        tmp_path, "Ann Archer,ann@archer.example,+1 201 555 0100 x7,\n", name="c.csv"
    )
    report = imported(book_db, extension)
    assert report.notices() == [
        f"line 2: Ann Archer (prospect {ann}): phone +1 201-555-0199 replaced by"
        " +1 201-555-0100 ext. 7"
    ]
    assert get_prospect(book_db, ann)["phone"] == f"{WRONG};ext=7"  # type: ignore[index]


# A CRM's export without an email column: a row is the prospect by number and name only.
NO_EMAIL = "name,company,phone\n"
ANN_NO_EMAIL = f"Ann Archer,Archer Co,{WRONG}\n"


def write_without_email(tmp_path: Path, *rows: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(NO_EMAIL + "".join(rows), encoding="utf-8")
    return path


def prospects_named(db: Any, name: str) -> list[tuple[int, str | None, str | None]]:
    return [
        (int(prospect_id), phone, company)
        for prospect_id, phone, company in db.execute(
            "SELECT id, phone, company FROM prospects WHERE name = ? ORDER BY id", [name]
        ).fetchall()
    ]


def test_an_export_without_emails_updates_the_prospect_whose_number_was_found_wrong(
    book_db: Any, tmp_path: Path
) -> None:
    """Ann's number changed since the export: the row is not matched by number and name,
    but its number is the one found wrong for her, so it is her, not a second Ann."""
    export = write_without_email(tmp_path, ANN_NO_EMAIL, name="crm.csv")
    imported(book_db, export, now=CALLED - timedelta(days=7))
    ann = ann_id(book_db)
    log_wrong_number(book_db, ann)
    edit_phone(book_db, ann, RIGHT)

    again = write_without_email(
        tmp_path, ANN_NO_EMAIL.replace("Archer Co", "Archer Group"), name="again.csv"
    )
    report = imported(book_db, again)

    assert prospects_named(book_db, "Ann Archer") == [(ann, RIGHT, "Archer Group")]
    assert get_prospect(book_db, ann)["wrong_number"] == 0  # type: ignore[index]
    assert report.summary().startswith("added 0, updated 1, rejected 0 (")
    assert report.notices() == [
        f"line 2: +1 201-555-0100 was found a wrong number for Ann Archer (prospect {ann})"
        " on 3 Dec: kept +1 201-555-0199"
    ]
    assert list(queue_ids(book_db, now=IMPORTED, mode=QueueMode.TODAY)) == [ann]


def test_an_export_without_emails_leaves_a_number_the_rep_cleared_cleared(
    book_db: Any, tmp_path: Path
) -> None:
    export = write_without_email(tmp_path, ANN_NO_EMAIL, name="crm.csv")
    imported(book_db, export, now=CALLED - timedelta(days=7))
    ann = ann_id(book_db)
    log_wrong_number(book_db, ann)
    edit_phone(book_db, ann, None)

    # Spelled another way, as a CRM may: the import's own comparison of names.
    report = imported(
        book_db, write_without_email(tmp_path, f"ann  ARCHER,,{WRONG}\n", name="again.csv")
    )

    assert book_db.execute("SELECT count(*) FROM prospects").fetchone()[0] == 1
    row = get_prospect(book_db, ann)
    assert (row["phone"], row["wrong_number"]) == (None, 0)  # type: ignore[index]
    # Her name in another case is no change: the prospect keeps hers.
    assert report.summary().startswith("added 0, updated 0, unchanged 1, rejected 0 (")
    assert report.notices() == [
        f"line 2: +1 201-555-0100 was found a wrong number for Ann Archer (prospect {ann})"
        " on 3 Dec: left without a number"
    ]


def test_the_number_under_another_name_is_another_person_and_added(
    book_db: Any, tmp_path: Path
) -> None:
    """The number found wrong for Ann may be a switchboard's that Bob shares: his row is
    his own prospect, as before."""
    export = write_without_email(tmp_path, ANN_NO_EMAIL, name="crm.csv")
    imported(book_db, export, now=CALLED - timedelta(days=7))
    ann = ann_id(book_db)
    log_wrong_number(book_db, ann)
    edit_phone(book_db, ann, RIGHT)

    report = imported(
        book_db, write_without_email(tmp_path, f"Bob Baker,Archer Co,{WRONG}\n", name="bob.csv")
    )

    assert report.summary().startswith("added 1, updated 0, rejected 0 (")
    assert report.notices() == []
    assert prospects_named(book_db, "Ann Archer") == [(ann, RIGHT, "Archer Co")]
    assert [phone for _, phone, _ in prospects_named(book_db, "Bob Baker")] == [WRONG]
