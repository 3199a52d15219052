"""An import never changes a value quietly (PRODUCT section 11): what it cannot read as one
of ours is named in the summary or rejects the row, and no column's value goes unmentioned."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from funnel_tui.exporter import export_rows
from funnel_tui.import_rows import BUILTIN_METHOD_NAMES
from funnel_tui.importer import ImportReport, import_prospects
from funnel_tui.prospects import add_prospect
from funnel_tui.store.sqlite import open_storage
from tests.cli_support import invoke

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def run(db: sqlite_utils.Database, path: Path, **options: Any) -> ImportReport:
    return import_prospects(db, path, now=NOW, **options)


def write_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text(text, encoding="utf-8", newline="")
    return path


def people(db: sqlite_utils.Database) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in db.query("SELECT * FROM prospects ORDER BY id")}


def our_export_header(tmp_path: Path) -> list[str]:
    return export_rows(open_storage(tmp_path / "empty.db").db, "prospects")[0]


def our_export_with(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    """A file with our export's header and these cells (the rest empty)."""
    header = our_export_header(tmp_path)
    lines = [",".join(header)]
    lines += [",".join(row.get(column, "") for column in header) for row in rows]
    return write_file(tmp_path, "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"priority": "5"}, "priority '5': funnel's priority column holds 0, 1 or 2"),
        ({"priority": "-1"}, "priority '-1': funnel's priority column holds 0, 1 or 2"),
        ({"stage": "bogus"}, "stage 'bogus': funnel's stage column holds lead, contacted"),
        ({"kind": "alien"}, "kind 'alien': funnel's kind column holds new, known or customer"),
        ({"method": "Value Proposition"}, "method 'Value Proposition': funnel's method column"),
        ({"next_call_at": "9999-12-31T00:00:00+00:00"}, "next call '9999-12-31T00:00:00+00:00'"),
        ({"next_call_at": "0001-01-01T00:00:00+05:00"}, "a date and time from 1900 to 2999"),
        ({"next_call_at": "soon"}, "next call 'soon': a date and time from 1900 to 2999"),
    ],
)
def test_a_value_our_export_never_writes_rejects_the_row(
    db: sqlite_utils.Database, tmp_path: Path, cells: dict[str, str], reason: str
) -> None:
    path = our_export_with(tmp_path, [{"name": "Ann", "email": "ann@a.example", **cells}])
    report = run(db, path)
    [rejected] = report.rejected
    assert rejected.line == 2 and reason in rejected.reason
    assert not report.written and db["prospects"].count == 0


def test_our_own_values_in_our_export_import_as_they_are(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = our_export_with(
        tmp_path,
        [
            {"name": "Ann", "email": "ann@a.example", "priority": "2", "stage": "Won"},
            {"name": "Bo", "email": "bo@a.example", "kind": "known", "method": "my_own_pitch"},
            {"name": "Cy", "email": "cy@a.example", "next_call_at": "2026-12-03T14:30:00+02:00"},
        ],
    )
    report = run(db, path)
    assert (report.added, report.rejected) == (3, [])
    found = people(db)
    assert (found["Ann"]["priority"], found["Ann"]["stage"]) == (2, "won")
    assert (found["Bo"]["kind"], found["Bo"]["method"]) == ("known", "my_own_pitch")
    assert found["Cy"]["next_call_at"] == "2026-12-03T12:30:00+00:00"
    assert "not understood" not in report.summary()


def test_what_import_stores_as_a_next_call_passes_check(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    path = write_file(
        tmp_path,
        "name,email,next_call_at\n"
        "Ann,ann@a.example,2026-12-03 14:30\n"
        "Bo,bo@a.example,2999-12-31T23:00:00-05:00\n"
        "Cy,cy@a.example,9999-12-31T00:00:00+00:00\n",
    )
    result = invoke("import", "--db", book, "--skip-invalid", path)
    assert result.exit_code == 0
    assert "line 3: next call '2999-12-31T23:00:00-05:00'" in result.stderr
    assert "line 4: next call '9999-12-31T00:00:00+00:00'" in result.stderr
    assert "added 1, updated 0, rejected 2" in result.stdout
    assert invoke("check", "--db", book).exit_code == 0


def test_a_crms_own_values_are_named_per_column_and_the_rows_still_import(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    kept = add_prospect(db, {"name": "Ann", "email": "ann@a.example", "stage": "proposal"}, now=NOW)
    add_prospect(db, {"name": "Flo", "email": "flo@a.example", "kind": "known"}, now=NOW)
    path = write_file(
        tmp_path,
        "Name,Email,Stage,Lifecycle Stage,Rating,Selling Method\n"
        "Ann,ann@a.example,Negotiation,,,\n"
        "Bo,bo@a.example,bogus,alien,Lukewarm,Lösung\n"
        "Cy,cy@a.example,bogus,Customer,Hot,solution\n"
        "Di,di@a.example,Won,subscriber,,\n"
        "Ed,ed@a.example,Closed,evangelist,,\n"
        "Flo,flo@a.example,,Sales Qualified Lead,,\n",
    )
    report = run(db, path)
    # Ann keeps her later stage and Flo is known already: both are left as they were.
    assert (report.added, report.updated, report.unchanged, report.rejected) == (4, 0, 2, [])
    found = people(db)
    assert found["Ann"]["id"] == kept and found["Ann"]["stage"] == "proposal"
    assert (found["Bo"]["stage"], found["Bo"]["kind"], found["Bo"]["priority"]) == (
        "lead",
        "new",
        1,
    )
    assert found["Bo"]["method"] == "solution"
    assert (found["Cy"]["kind"], found["Cy"]["priority"]) == ("customer", 2)
    assert found["Di"]["stage"] == "won"
    # HubSpot's lifecycle stages: a subscriber stays new, an evangelist is a customer, and
    # a sales-qualified lead the rep already knows stays known.
    assert (found["Di"]["kind"], found["Ed"]["kind"], found["Flo"]["kind"]) == (
        "new",
        "customer",
        "known",
    )
    summary = report.summary()
    assert (
        "Stage: 4 values not understood ('Negotiation', 'bogus', 'Closed'),"
        " stage left as it was (lead for a new prospect)"
    ) in summary
    assert (
        "Lifecycle Stage: 1 value not understood ('alien'),"
        " kind left as it was (new for a new prospect)"
    ) in summary
    assert (
        "Rating: 1 value not understood ('Lukewarm'),"
        " priority left as it was (normal for a new prospect)"
    ) in summary
    assert (
        "Selling Method: 1 value not understood ('Lösung'),"
        " method left as it was (the one the method picker suggests for a new prospect)"
    ) in summary


def test_a_method_named_as_funnel_shows_it_is_that_method(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    """A CRM column holding `Value Proposition` or `Solution Selling` was not understood,
    and every such prospect got the method the picker suggests."""
    path = write_file(
        tmp_path,
        "Name,Email,Selling Method\n"
        "Ann,ann@a.example,Value Proposition\n"
        "Bo,bo@a.example,Solution Selling\n"
        "Cy,cy@a.example,INBOUND SELLING\n"
        "Di,di@a.example,value-proposition\n"
        "Ed,ed@a.example,Conceptual\n"
        "Flo,flo@a.example,Key Account\n"
        "Gus,gus@a.example,Value Proposition Selling\n"
        "Hal,hal@a.example,Renewal Call\n"
        "Ivy,ivy@a.example,Cold Calling\n",
    )
    # The rep's own files add `key_account.toml` (named `Key Account`, as funnel names
    # it) and `renewal.toml`, named `Renewal Call` in the file.
    names = {**BUILTIN_METHOD_NAMES, "key_account": "Key Account", "renewal": "Renewal Call"}
    report = run(db, path, methods=names)
    assert (report.added, report.rejected) == (9, [])
    methods = {name: person["method"] for name, person in people(db).items()}
    assert methods == {
        "Ann": "value_proposition",
        "Bo": "solution",
        "Cy": "inbound",
        "Di": "value_proposition",
        "Ed": "conceptual",
        "Flo": "key_account",
        "Gus": "value_proposition",
        "Hal": "renewal",
        # No script of that name: the method the picker suggests, and the summary says so.
        "Ivy": "solution",
    }
    assert "Selling Method: 1 value not understood ('Cold Calling')" in report.summary()


def test_funnel_import_reads_a_method_by_the_name_of_the_reps_own_script(
    user_folders_in_tmp: Path, tmp_path: Path
) -> None:
    scripts = user_folders_in_tmp / "config" / "funnel-tui" / "scripts"
    scripts.mkdir(parents=True)
    (scripts / "renewal.toml").write_text(
        'name = "Renewal call"\n[[steps]]\ntitle = "Check in"\nsay = "Hi {first_name}."\n',
        encoding="utf-8",
    )
    path = write_file(
        tmp_path,
        "Name,Email,Selling Method\nAnn,ann@a.example,Renewal Call\nBo,bo@b.example,Key Account\n",
    )
    book = tmp_path / "book.db"
    result = invoke("import", "--db", book, path)
    assert result.exit_code == 0, result.output
    assert "Selling Method: 1 value not understood ('Key Account')" in result.output
    found = people(open_storage(book).db)
    assert (found["Ann"]["method"], found["Bo"]["method"]) == ("renewal", "solution")


def test_more_values_than_are_quoted_end_with_an_ellipsis(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    rows = "".join(f"P{n},p{n}@a.example,status {n % 5}\n" for n in range(10))
    report = run(db, write_file(tmp_path, "Name,Email,Stage\n" + rows))
    assert (
        "Stage: 10 values not understood ('status 0', 'status 1', 'status 2', …)"
        in report.summary()
    )


DUPLICATE_COLUMNS = (
    "name,email,email,phone,Phone\n"
    "Ann,a@x.com,b@x.com,+1 617 555 0100,+1 617 555 0199\n"
    "Bo,,bo@x.com,,+1 617 555 0101\n"
    "Cy,cy@x.com,CY@x.com,+1 617 555 0102,+1 (617) 555-0102\n"
)


def test_a_second_column_for_a_field_is_named_and_fills_in_where_the_first_is_empty(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    report = run(db, write_file(tmp_path, DUPLICATE_COLUMNS))
    assert (report.added, report.rejected) == (3, [])
    found = people(db)
    assert (found["Ann"]["email"], found["Ann"]["phone"]) == ("a@x.com", "+16175550100")
    assert (found["Bo"]["email"], found["Bo"]["phone"]) == ("bo@x.com", "+16175550101")
    assert report.summary() == (
        "added 3, updated 0, rejected 0 (utf-8, comma);"
        " email (column 3) used only where email (column 2) is empty;"
        " Phone (column 5) used where phone (column 4) is empty or cannot be dialled"
    )
    # Cy's second cells say the same as the first; Ann's do not, and are named.
    assert report.notices() == [
        "line 2: email (column 3) 'b@x.com' not imported; kept 'a@x.com'",
        "line 2: Phone (column 5) '+1 617 555 0199' not imported; kept '+1 617 555 0100'",
    ]


def test_the_command_names_every_cell_it_did_not_import(tmp_path: Path) -> None:
    result = invoke("import", "--db", tmp_path / "book.db", write_file(tmp_path, DUPLICATE_COLUMNS))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "email (column 3) used only where email (column 2) is empty" in lines[0]
    assert lines[1:] == [
        "line 2: email (column 3) 'b@x.com' not imported; kept 'a@x.com'",
        "line 2: Phone (column 5) '+1 617 555 0199' not imported; kept '+1 617 555 0100'",
    ]


def test_a_third_column_fills_in_where_both_before_it_are_empty(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = write_file(tmp_path, "Name,Work Phone,Mobile,Cell\nAnn,,,+1 617 555 0100\n")
    report = run(db, path)
    assert people(db)["Ann"]["phone"] == "+16175550100"
    assert (
        "Cell (column 4) used where Work Phone (column 2) and Mobile (column 3) are empty"
        " or cannot be dialled"
    ) in report.summary()


def test_many_cells_not_imported_are_listed_up_to_a_limit_then_counted(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    rows = "".join(f"P{n},p{n}@a.example,q{n}@a.example\n" for n in range(25))
    report = run(db, write_file(tmp_path, "Name,Email,Work Email\n" + rows))
    notices = report.notices()
    assert len(notices) == 21
    assert (
        notices[0]
        == "line 2: Work Email (column 3) 'q0@a.example' not imported; kept 'p0@a.example'"
    )
    assert notices[-1] == "… and 5 more cells not imported because another column was used"
