"""The `funnel` command line: version, help, the demo, choosing the database, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import pytest
import sqlite_utils
from click.testing import CliRunner

from funnel_tui import __version__
from funnel_tui.cli import cli
from funnel_tui.domain import CONNECT_OUTCOMES
from funnel_tui.migrations import SCHEMA_TRIGGERS, TRIGGER_GROUPS
from funnel_tui.paths import DB_ENV
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.store.sqlite import Storage, open_storage
from tests.cli_support import invoke, one_line_error, patch_commands, run_funnel, run_main

GARBAGE = b"this is a shopping list, not a database\n"


@pytest.fixture
def opened_apps(monkeypatch: pytest.MonkeyPatch) -> list[Storage]:
    """Stand in for the TUI: records which database the app would have opened."""
    opened: list[Storage] = []
    patch_commands(monkeypatch, "run_app", opened.append)
    return opened


@pytest.fixture
def newer_file(tmp_path: Path) -> Path:
    path = tmp_path / "newer.db"
    storage = open_storage(path)
    storage.db.execute("PRAGMA user_version = 99")
    storage.close()
    return path


@pytest.fixture
def garbage_file(tmp_path: Path) -> Path:
    path = tmp_path / "garbage.db"
    path.write_bytes(GARBAGE)
    return path


def data_home() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "funnel-tui"


# --- Version and help -----------------------------------------------------------------------


def test_version_prints_the_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_help_lists_every_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    names = cli.list_commands(click.Context(cli))
    assert {"demo", "import", "report", "migrate-to"} <= set(names)
    for name in names:
        assert name in result.stdout
        command = cli.get_command(click.Context(cli), name)
        assert command is not None and command.name == name


def test_opening_the_app_imports_no_command() -> None:
    """Each command's module is imported when it runs: `funnel` alone, which opens the
    app, pays for none of them (the export's, the email's, the import's)."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, funnel_tui.cli;"
            " print(json.dumps(sorted(m for m in sys.modules if m.startswith('funnel_tui.cli.'))))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(loaded) == [
        "funnel_tui.cli.book",
        "funnel_tui.cli.errors",
        "funnel_tui.cli.params",
        "funnel_tui.cli.root",
    ]


def test_version_and_help_exit_zero_from_the_shell() -> None:
    version = run_funnel("--version")
    assert version.returncode == 0
    assert __version__ in version.stdout
    assert run_funnel("--help").returncode == 0


def test_unknown_option_is_a_usage_error() -> None:
    assert invoke("--no-such-option").exit_code == 2
    shell = run_funnel("--no-such-option")
    assert shell.returncode == 2
    assert "Traceback" not in shell.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["report", "--period", "x"],
            "funnel: Invalid value for '--period': 'x' is not one of 'week', 'month',"
            " 'quarter', 'year' (funnel report --help)",
        ),
        # Written right, but no day: it said it did not match the format.
        (
            ["report", "--today", "2026-02-29"],
            "funnel: Invalid value for '--today': 2026-02-29 is no day of the calendar"
            " (funnel report --help)",
        ),
        (["log", "1"], "funnel: Missing argument 'OUTCOME' (funnel log --help)"),
        # Raised before click knows the command: it named the root's help.
        (
            ["report", "--period"],
            "funnel: Option '--period' requires an argument (funnel report --help)",
        ),
        (["config", "--nope"], "funnel: No such option '--nope' (funnel config --help)"),
        (["--no-such-option"], "funnel: No such option '--no-such-option' (funnel --help)"),
    ],
)
def test_a_usage_error_is_one_line_naming_the_commands_help(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    said: str,
) -> None:
    # Click's block of four lines (Usage, Try, a blank, Error) for what every other error
    # says in one.
    assert run_main(["--db", str(tmp_path / "book.db"), *args], monkeypatch) == 2
    assert one_line_error(capsys.readouterr().err) == said


# --- The demo -------------------------------------------------------------------------------


def demo_counts(path: Path) -> dict[str, int]:
    db = sqlite_utils.Database(path)
    try:
        return {table: db[table].count for table in ("prospects", "calls", "deals", "targets")}
    finally:
        db.close()


def test_demo_builds_the_file_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    result = invoke("demo", "--no-open", "--db", path)
    assert result.exit_code == 0, result.output
    assert str(path) in result.stderr
    counts = demo_counts(path)
    assert counts["prospects"] >= 40
    assert all(counts.values())


def test_db_option_works_before_the_command_name(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    result = invoke("--db", path, "demo", "--no-open")
    assert result.exit_code == 0, result.output
    assert demo_counts(path)["prospects"]


def test_db_option_after_the_command_name_wins(tmp_path: Path) -> None:
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    result = invoke("--db", before, "demo", "--no-open", "--db", after)
    assert result.exit_code == 0, result.output
    assert after.exists()
    assert not before.exists()


@pytest.mark.parametrize("group", [["config", "set", "currency", "€"], ["target", "list"]])
def test_db_option_after_a_group_name_names_the_book(tmp_path: Path, group: list[str]) -> None:
    before, after = tmp_path / "before.db", tmp_path / "after.db"
    assert invoke("--db", after, "demo", "--no-open").exit_code == 0
    name, *command = group
    result = invoke("--db", before, name, "--db", after, *command)
    assert result.exit_code == 0, result.output
    assert not before.exists()
    if name == "config":
        assert invoke("--db", after, "config", "get", "currency").stdout.strip() == "€"


def test_demo_without_db_uses_its_own_file_in_the_data_folder() -> None:
    for _ in range(2):
        result = invoke("demo", "--no-open")
        assert result.exit_code == 0, result.output
    assert demo_counts(data_home() / "funnel-demo.db")["prospects"]
    assert not (data_home() / "funnel.db").exists()


def test_demo_refuses_the_real_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.db"
    monkeypatch.setenv(DB_ENV, str(path))
    result = invoke("demo", "--no-open", "--db", path)
    assert result.exit_code == 1
    one_line_error(result.stderr)
    assert "real database" in result.stderr
    assert not path.exists()


def test_demo_builds_its_file_when_the_real_book_is_a_teams_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DB_ENV, "postgresql://alex@db.example.com/team")
    result = invoke("demo", "--no-open", "--db", tmp_path / "demo.db")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "demo.db").is_file()


def test_demo_refuses_to_overwrite_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "precious.db"
    storage = open_storage(path)
    storage.db["prospects"].insert({"name": "Ada Lovelace"})
    storage.close()
    before = path.read_bytes()
    result = invoke("demo", "--no-open", "--db", path)
    assert result.exit_code == 1
    one_line_error(result.stderr)
    assert "already exists" in result.stderr
    assert path.read_bytes() == before


def test_sqlite_utils_reads_the_demo_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    assert invoke("demo", "--no-open", "--db", path).exit_code == 0
    sqlite_utils_cli = Path(sys.executable).parent / "sqlite-utils"
    listing = subprocess.run(
        [str(sqlite_utils_cli), "tables", str(path), "--counts"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    listed = {row["table"]: row["count"] for row in json.loads(listing.stdout)}
    for table, count in demo_counts(path).items():
        assert count > 0
        assert listed[table] == count


# --- Opening the app ------------------------------------------------------------------------


def test_app_opens_the_db_option(tmp_path: Path, opened_apps: list[Storage]) -> None:
    path = tmp_path / "mine.db"
    assert invoke("--db", path).exit_code == 0
    [storage] = opened_apps
    assert storage.path == path
    assert storage.db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


def test_app_honours_funnel_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opened_apps: list[Storage]
) -> None:
    path = tmp_path / "from-env.db"
    monkeypatch.setenv(DB_ENV, str(path))
    assert invoke().exit_code == 0
    [storage] = opened_apps
    assert storage.path == path
    assert path.exists()


def test_app_defaults_to_the_user_data_folder(opened_apps: list[Storage]) -> None:
    assert invoke().exit_code == 0
    [storage] = opened_apps
    assert storage.path == data_home() / "funnel.db"
    assert storage.path.exists()


@pytest.mark.parametrize("bad_file", ["garbage_file", "newer_file"])
def test_bad_file_stops_before_any_screen(
    bad_file: str, request: pytest.FixtureRequest, opened_apps: list[Storage]
) -> None:
    path: Path = request.getfixturevalue(bad_file)
    result = invoke("--db", path)
    assert result.exit_code == 1
    one_line_error(result.stderr)
    assert str(path) in result.stderr
    assert opened_apps == []


def test_bad_file_in_funnel_db_is_reported(
    garbage_file: Path, monkeypatch: pytest.MonkeyPatch, opened_apps: list[Storage]
) -> None:
    monkeypatch.setenv(DB_ENV, str(garbage_file))
    result = invoke()
    assert result.exit_code == 1
    assert "not a funnel database" in result.stderr
    assert opened_apps == []


@pytest.mark.parametrize(
    "url",
    [
        "postgresq:funnel_team",
        "postgresql:funnel_team",
        "postgressql://postgres@/funnel_team?host=%2Ftmp",
        "mysql://x@y/z",
        "sqlite:///books/funnel.db",
    ],
)
def test_a_url_that_is_not_postgresql_is_refused_before_a_file_is_made(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    given = invoke("target", "set", "10k", "--db", url)
    monkeypatch.setenv(DB_ENV, url)
    from_env = invoke("target", "set", "10k")
    for result, named in ((given, "--db"), (from_env, f"${DB_ENV}")):
        assert result.exit_code == 1, result.output
        line = one_line_error(result.stderr)
        assert line.startswith(f"funnel: {named} '{url[:20]}")
        assert "a file path or a postgresql:// URL" in line
    assert list(here.iterdir()) == []


def test_a_refused_url_never_shows_its_password(tmp_path: Path) -> None:
    result = invoke("report", "--db", "mysql://bob:hunter2@db.example.com/team")
    assert result.exit_code == 1
    assert "hunter2" not in one_line_error(result.stderr)


def test_an_existing_file_whose_name_holds_a_colon_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("target", "set", "10k", "--db", "./q4:book.db").exit_code == 0
    result = invoke("target", "set", "20k", "--db", "q4:book.db")
    assert result.exit_code == 0, result.output
    assert "$20,000.00" in result.stdout
    targets = sqlite_utils.Database(tmp_path / "q4:book.db")["targets"]
    assert [row["amount_cents"] for row in targets.rows] == [2_000_000]


def test_garbage_file_from_the_shell_is_one_line_and_exit_1(garbage_file: Path) -> None:
    shell = run_funnel("--db", garbage_file)
    assert shell.returncode == 1
    one_line_error(shell.stderr)
    assert "not a funnel database" in shell.stderr
    assert garbage_file.read_bytes() == GARBAGE


def test_newer_file_from_the_shell_is_one_line_and_exit_1(newer_file: Path) -> None:
    shell = run_funnel("--db", newer_file)
    assert shell.returncode == 1
    one_line_error(shell.stderr)
    assert "newer" in shell.stderr


def test_missing_folder_from_the_shell_is_one_line_and_exit_1(tmp_path: Path) -> None:
    shell = run_funnel("demo", "--no-open", "--db", tmp_path / "no-such-folder" / "demo.db")
    assert shell.returncode == 1
    one_line_error(shell.stderr)
    assert "does not exist" in shell.stderr


def test_import_then_export_through_the_command_line(tmp_path: Path) -> None:
    database = tmp_path / "leads.db"
    source = tmp_path / "leads.csv"
    source.write_text(
        "First Name,Last Name,Company,Phone,Email\n"
        "Grace,Hopper,=cmd|' /C calc'!A0,+1 617 555 0100,grace@navy.example\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", str(source), "--db", str(database)])
    assert imported.exit_code == 0, imported.output
    assert "added 1" in imported.output
    exported = runner.invoke(cli, ["export", "prospects", "--db", str(database)])
    assert exported.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert rows[0]["name"] == "Grace Hopper"
    assert rows[0]["company"].startswith("'=")
    # Stored in E.164, and exported as a phone number, not neutralised as a formula.
    assert rows[0]["phone"] == "+16175550100"


def test_import_with_a_bad_row_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    database = tmp_path / "leads.db"
    source = tmp_path / "leads.csv"
    source.write_text("name,phone\nGood,+1 617 555 0100\nNo Phone,\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(source), "--db", str(database)])
    assert result.exit_code == 1
    assert "line 3" in result.stderr
    assert "nothing written" in result.stdout
    skipped = CliRunner().invoke(
        cli, ["import", str(source), "--db", str(database), "--skip-invalid"]
    )
    assert skipped.exit_code == 0
    assert "added 1" in skipped.stdout


def test_a_dry_run_at_a_path_with_no_book_makes_none_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dry run writes nothing: at a mistyped --db (or $FUNNEL_DB), or before the rep's
    first book, it left an empty book behind, which the next command then opened as the
    rep's. The file is read as into a new book, in a folder that goes with the command."""
    source = tmp_path / "leads.csv"
    source.write_text("name,phone\nGood,+1 617 555 0100\n", encoding="utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    typo = tmp_path / "leeds.db"
    default = tmp_path / "data" / "funnel.db"
    patch_commands(monkeypatch, "default_db_path", lambda: default)
    for given, book in ((["--db", str(typo)], typo), ([], default)):
        result = CliRunner().invoke(cli, ["import", str(source), "--dry-run", *given])
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == [
            f"No book at {book} yet: the file is read as into a new one",
            "dry run, nothing written: would add 1, update 0, reject 0 (utf-8, comma)",
        ]
        assert not book.exists() and not book.parent.joinpath(f"{book.name}-wal").exists()
        assert list(scratch.iterdir()) == []
    assert not default.parent.exists()
    # Without --dry-run, the import starts the book.
    assert CliRunner().invoke(cli, ["import", str(source), "--db", str(typo)]).exit_code == 0
    assert typo.exists()


def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    assert invoke("demo", "--no-open", "--db", path).exit_code == 0
    return path


def test_backup_copies_a_consistent_database_while_another_program_writes(
    tmp_path: Path,
) -> None:
    path = demo_file(tmp_path)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO prospects (name, phone) VALUES ('Uncommitted', '+44 20 7946 0000')")
    copy = tmp_path / "copy.db"
    result = invoke("backup", copy, "--db", path)
    writer.execute("ROLLBACK")
    writer.close()
    assert result.exit_code == 0, result.output
    copied = sqlite_utils.Database(copy)
    assert copied["prospects"].count == sqlite_utils.Database(path)["prospects"].count
    assert not list(copied.query("SELECT 1 FROM prospects WHERE name = 'Uncommitted'"))
    assert copied.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = invoke("backup", copy, "--db", path)
    assert again.exit_code == 1
    assert "already exists" in one_line_error(again.stderr)


@pytest.mark.parametrize("escape", ["\x1b]0;pwned\x07", "\x9b2J", "\x1b[2J"])
def test_a_file_named_with_a_terminal_escape_is_named_without_it(
    tmp_path: Path, escape: str
) -> None:
    # Errors said such a name cleaned, but a success said it raw: the terminal's title
    # changed, or the screen was cleared.
    folder = tmp_path / f"in{escape}side"
    folder.mkdir()
    demo = invoke("demo", "--no-open", "--db", folder / "book.db")
    path = folder / "book.db"
    said = [
        demo.output,
        invoke("backup", folder / "copy.db", "--db", path).output,
        invoke("check", "--db", path).output,
        invoke("calendar", "-o", folder / "cal.ics", "--db", path).output,
    ]
    # Named as the file is, its escape written out: cleaned, the name was another file's.
    written = escape.encode("unicode_escape").decode("ascii")
    for output in said:
        assert f"in{written}side" in output
        assert "\x1b" not in output and "\x9b" not in output and "\x07" not in output


def test_check_names_call_counts_a_tool_left_stale_and_repair_counts_them_again(
    tmp_path: Path,
) -> None:
    path = demo_file(tmp_path)
    # The sqlite3 shell leaves recursive triggers off, so REPLACE deletes the old row
    # without its delete trigger: the call is counted twice.
    shell = sqlite3.connect(path, isolation_level=None)
    day = shell.execute("SELECT substr(started_at, 1, 10) FROM calls WHERE id = 1").fetchone()[0]
    shell.execute("INSERT OR REPLACE INTO calls SELECT * FROM calls WHERE id = 1")
    shell.close()
    stale = invoke("check", "--db", path)
    assert stale.exit_code == 1
    problem = one_line_error(stale.stderr)
    assert f"call_days disagrees with calls on 1 day from {day} to {day}" in problem
    assert "funnel check --repair" in problem
    repaired = invoke("check", "--repair", "--db", path)
    assert repaired.exit_code == 0, repaired.output
    assert repaired.stdout.strip().endswith(": ok")
    assert "put back" not in repaired.stdout  # every trigger was there
    assert invoke("check", "--db", path).exit_code == 0


def test_check_names_lead_marks_a_tool_left_stale_and_repair_builds_them_again(
    tmp_path: Path,
) -> None:
    path = demo_file(tmp_path)
    before = invoke("report", "--json", "--db", path).stdout
    # Calls written with lead_marks' trigger dropped, as a copy made without triggers is.
    shell = sqlite3.connect(path, isolation_level=None)
    marking = ("lead_marks_after_call_insert", "lead_marks_after_call_added")
    for name in marking:
        shell.execute(f"DROP TRIGGER {name}")
    shell.execute("INSERT INTO calls (prospect_id, outcome) VALUES (1, 'meeting')")
    for name in marking:
        shell.execute(SCHEMA_TRIGGERS[name])
    # The demo's calls follow today's date: the first prospect past 1 it has called.
    marked_first = "SELECT min(prospect_id) FROM lead_marks WHERE prospect_id > 1"
    (marked,) = shell.execute(marked_first).fetchone()
    shell.execute(f"DELETE FROM lead_marks WHERE prospect_id = {marked}")
    shell.close()
    stale = invoke("check", "--db", path)
    assert stale.exit_code == 1
    problem = one_line_error(stale.stderr)
    assert "lead_marks disagrees with calls for 2 prospects" in problem
    assert "funnel check --repair" in problem
    repaired = invoke("check", "--repair", "--db", path)
    assert repaired.exit_code == 0, repaired.output
    assert invoke("check", "--db", path).exit_code == 0
    # The report counts the new meeting now, and the other prospect again.
    after = json.loads(invoke("report", "--json", "--db", path).stdout)
    assert after["meetings_booked"] == json.loads(before)["meetings_booked"] + 1


def test_check_says_ok_for_a_sound_file_and_names_damage(tmp_path: Path) -> None:
    path = demo_file(tmp_path)
    sound = invoke("check", "--db", path)
    assert sound.exit_code == 0
    assert sound.stdout.strip().endswith(": ok")
    sqlite_utils.Database(path).execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 3, min(len(data), page * 6)):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))
    damaged = invoke("check", "--db", path)
    assert damaged.exit_code == 1
    assert "Traceback" not in damaged.stderr
    assert damaged.stderr.startswith("funnel: ")


def test_check_names_a_trigger_another_tool_rewrote_and_repair_puts_funnels_back(
    tmp_path: Path,
) -> None:
    path = demo_file(tmp_path)
    shell = sqlite3.connect(path, isolation_level=None)
    # Same name, a body that no longer counts anything.
    shell.execute("DROP TRIGGER call_days_after_call_insert")
    shell.execute(
        "CREATE TRIGGER call_days_after_call_insert AFTER INSERT ON calls BEGIN SELECT 1; END"
    )
    shell.close()
    changed = invoke("check", "--db", path)
    assert changed.exit_code == 1
    assert one_line_error(changed.stderr).endswith(
        "the triggers that keep call_days were changed (call_days_after_call_insert); "
        "`funnel check --repair` puts funnel's back"
    )
    assert invoke("check", "--repair", "--db", path).exit_code == 0
    assert invoke("check", "--db", path).exit_code == 0
    db = sqlite_utils.Database(path)
    before = db.execute("SELECT sum(calls) FROM call_days").fetchone()[0]
    db["calls"].insert({"prospect_id": 1, "outcome": "no_answer"})
    assert db.execute("SELECT sum(calls) FROM call_days").fetchone()[0] == before + 1


def test_check_accepts_funnels_triggers_written_with_other_spacing(tmp_path: Path) -> None:
    path = demo_file(tmp_path)
    shell = sqlite3.connect(path, isolation_level=None)
    (sql,) = shell.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'prospect_search_after_delete'"
    ).fetchone()
    shell.execute("DROP TRIGGER prospect_search_after_delete")
    shell.execute("\n  ".join(sql.split(" ")))
    shell.close()
    assert invoke("check", "--db", path).exit_code == 0


def test_check_names_a_dropped_request_id_index_and_repair_makes_it_again(
    tmp_path: Path,
) -> None:
    path = demo_file(tmp_path)
    twice = "INSERT INTO calls (prospect_id, outcome, request_id) VALUES (1, 'busy', 'k')"
    shell_writes(path, "DROP INDEX calls_rep_request_id", twice, twice)
    listed = invoke("check", "--db", path)
    assert listed.exit_code == 1
    assert one_line_error(listed.stderr).endswith(
        "calls_rep_request_id, the index that keeps each rep's request ids to one call, is"
        " missing, so a retried `funnel log` may write its call twice; 1 request id names"
        " more than one call of one rep: give those calls other request ids, then"
        " `funnel check --repair` makes the index again"
    )
    shell_writes(path, "UPDATE calls SET request_id = 'k2' WHERE id = (SELECT max(id) FROM calls)")
    repaired = invoke("check", "--repair", "--db", path)
    assert repaired.exit_code == 0
    assert "made funnel's index calls_rep_request_id again" in repaired.stdout
    assert invoke("check", "--db", path).exit_code == 0
    with pytest.raises(sqlite3.IntegrityError):
        shell_writes(path, twice)


LAST_CALL_COLUMNS = "SELECT id, attempts, last_called_at, last_outcome FROM prospects ORDER BY id"


def shell_writes(path: Path, *statements: str) -> None:
    shell = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        shell.execute(statement)
    shell.close()


def test_check_names_every_missing_trigger_and_repair_works_out_what_they_kept(
    tmp_path: Path,
) -> None:
    path = demo_file(tmp_path)
    twin = tmp_path / "twin.db"
    with sqlite3.connect(twin) as copy:
        sqlite3.connect(path).backup(copy)
    # The demo's calls follow today's date, so the prospects are picked from them. Calls
    # older than a prospect's connect change neither its last call nor its attempts; a
    # last call deleted after another connect changes its last call only.
    history: dict[int, list[str]] = {}
    for prospect, outcome in sqlite3.connect(path).execute(
        "SELECT prospect_id, outcome FROM calls ORDER BY started_at, id"
    ):
        history.setdefault(prospect, []).append(outcome)
    recalled = min(
        prospect
        for prospect, outcomes in history.items()
        if len(outcomes) > 1 and set(outcomes[-2:]) <= CONNECT_OUTCOMES
    )
    first, second = sorted(
        prospect
        for prospect, outcomes in history.items()
        if prospect != recalled and CONNECT_OUTCOMES & set(outcomes)
    )[:2]
    calls = (
        # The demo's tasks and undo history point to its calls: a careful tool keeps them.
        "PRAGMA foreign_keys = ON",
        "INSERT INTO calls (prospect_id, started_at, outcome)"
        f" VALUES ({first}, '2001-12-01T10:00:00+00:00', 'no_answer')",
        "INSERT INTO calls (prospect_id, started_at, outcome)"
        f" VALUES ({first}, '2001-12-01T11:00:00+00:00', 'voicemail')",
        "INSERT INTO calls (prospect_id, started_at, outcome)"
        f" VALUES ({second}, '2001-12-01T10:00:00+00:00', 'callback')",
        "DELETE FROM calls WHERE id = (SELECT id FROM calls"
        f" WHERE prospect_id = {recalled} ORDER BY started_at DESC, id DESC LIMIT 1)",
    )
    shell_writes(twin, *calls)  # with funnel's triggers, as the app would keep them
    shell_writes(
        path,
        "DROP TRIGGER calls_after_insert",
        "DROP TRIGGER calls_after_delete",
        "DROP TRIGGER prospects_touch",
        *calls,
    )
    checked = invoke("check", "--db", path)
    assert checked.exit_code == 1
    assert [line.removeprefix(f"funnel: {path}: ") for line in checked.stderr.splitlines()] == [
        "the triggers that keep prospects.last_called_at, last_outcome and attempts are missing "
        "(calls_after_delete, calls_after_insert); `funnel check --repair` puts them back",
        "the triggers that keep prospects.updated_at are missing (prospects_touch); "
        "`funnel check --repair` puts them back",
        # That prospect's last call went without the trigger that works out the one before.
        "prospects.last_called_at or last_outcome is not the last call for 1 prospect, the"
        f" first row {recalled} (a row written again by another tool, as `sqlite-utils insert"
        " --replace` does, or calls written without funnel's triggers), so the queue, the"
        " card and the script show the wrong last call; `funnel check --repair` works them"
        " out again from calls",
    ]
    repaired = invoke("check", "--repair", "--db", path)
    assert repaired.exit_code == 0, repaired.output
    assert "prospects.last_called_at, last_outcome and attempts" in repaired.stdout
    kept = sqlite3.connect(path).execute(LAST_CALL_COLUMNS).fetchall()
    assert kept == sqlite3.connect(twin).execute(LAST_CALL_COLUMNS).fetchall()
    shell_writes(path, "UPDATE prospects SET updated_at = '2000-01-01' WHERE id = 1")
    shell_writes(path, "UPDATE prospects SET title = 'CFO' WHERE id = 1")
    stamped = sqlite3.connect(path).execute("SELECT updated_at FROM prospects WHERE id = 1")
    assert stamped.fetchone()[0] > "2026"


def test_check_names_a_rewritten_call_trigger_and_repair_puts_funnels_back(
    tmp_path: Path,
) -> None:
    path = demo_file(tmp_path)
    shell_writes(
        path,
        "DROP TRIGGER calls_after_insert",
        "CREATE TRIGGER calls_after_insert AFTER INSERT ON calls BEGIN"
        " UPDATE prospects SET name = 'pwned' WHERE id = NEW.prospect_id; END",
    )
    changed = invoke("check", "--db", path)
    assert one_line_error(changed.stderr).endswith(
        "the triggers that keep prospects.last_called_at, last_outcome and attempts were "
        "changed (calls_after_insert); `funnel check --repair` puts funnel's back"
    )
    assert invoke("check", "--repair", "--db", path).exit_code == 0
    assert invoke("check", "--db", path).exit_code == 0
    shell_writes(path, "INSERT INTO calls (prospect_id, outcome) VALUES (1, 'no_answer')")
    name, outcome = (
        sqlite3.connect(path)
        .execute("SELECT name, last_outcome FROM prospects WHERE id = 1")
        .fetchone()
    )
    assert name != "pwned" and outcome == "no_answer"


def test_every_trigger_of_the_schema_belongs_to_one_group_that_check_compares(
    storage: Storage,
) -> None:
    in_file = {
        name
        for (name,) in storage.db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    grouped = [name for group in TRIGGER_GROUPS for name in group.names]
    assert sorted(grouped) == sorted(SCHEMA_TRIGGERS) == sorted(in_file)


def test_check_accepts_the_connect_outcomes_of_calls_after_insert_in_any_order(
    tmp_path: Path,
) -> None:
    # The list comes from a set, so each file holds it in the order of the run that made it.
    path = demo_file(tmp_path)
    shell = sqlite3.connect(path, isolation_level=None)
    (sql,) = shell.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'calls_after_insert'"
    ).fetchone()
    listed = sql[sql.index("IN (") + 4 : sql.index(")", sql.index("IN ("))]
    reordered = ", ".join(reversed(listed.split(", ")))
    shell.execute("DROP TRIGGER calls_after_insert")
    shell.execute(sql.replace(listed, reordered))
    shell.close()
    assert invoke("check", "--db", path).exit_code == 0
