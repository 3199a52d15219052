"""`funnel migrate-to`: a SQLite book copied into a team's PostgreSQL database as one
rep's book, all or nothing (PRODUCT 16), against a real server."""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from funnel_tui.accents import fold
from funnel_tui.reps import config_path
from funnel_tui.store import migrate_to, open_team_book
from funnel_tui.store.dialect import without_password
from tests.app_support import build_demo_storage
from tests.cli_support import invoke, one_line_error, patch_commands, run_main
from tests.conftest import empty_team_book
from tests.postgres_server import PostgresServer

# Every table a book's rows are copied into, and how its rows are ordered to compare.
COPIED = {
    "prospects": "id",
    "calls": "id",
    "tasks": "id",
    "deals": "id",
    "notes": "id",
    "emails": "id",
    "flag_changes": "id",
    "undo_log": "call_id",
}
DERIVED = {
    "prospect_search": "id",
    "call_days": "day, method, source",
    "lead_marks": "prospect_id, per_method, method",
}
# The columns a migration sets to the rep's name (owner) or fills in where empty (rep).
REP_COLUMNS = {"owner", "rep"}


def rows(conn: Any, table: str, order: str) -> list[dict[str, Any]]:
    cursor = conn.execute(f"SELECT * FROM {table} ORDER BY {order}")
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def without(row: dict[str, Any], *columns: str) -> dict[str, Any]:
    return {column: value for column, value in row.items() if column not in columns}


def snapshot(url: str) -> dict[str, Any]:
    """Everything a failed migration must leave as it was: every table's rows, each id
    sequence's position and the triggers' switches."""
    with psycopg.connect(url) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        state: dict[str, Any] = {
            table: sorted(map(repr, conn.execute(f"SELECT * FROM {table}"))) for table in tables
        }
        state["sequences"] = conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"
        ).fetchall()
        state["triggers"] = conn.execute(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1"
        ).fetchall()
    return state


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo book, with what the demo leaves out: an email, a call with a request id
    and a call another rep logged."""
    path = tmp_path_factory.mktemp("book") / "demo.db"
    storage = build_demo_storage(path)
    with storage.write() as db:
        db.execute(
            "INSERT INTO emails (prospect_id, sent_at, template, to_address, subject, body)"
            " VALUES (3, '2026-11-10T09:00:00+00:00', 'intro', 'a@example.com', 'Hi', 'Body')"
        )
        db.execute("UPDATE calls SET request_id = 'req-demo-1' WHERE id = 5")
        db.execute("UPDATE calls SET rep = 'sam' WHERE id = 6")
    storage.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    storage.close()
    return path


def book_copy(demo_book: Path, folder: Path, name: str = "book.db") -> Path:
    """A copy of the demo book that is a book of its own (another `book` id)."""
    path = folder / name
    shutil.copy(demo_book, path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE book SET id = ?", [secrets.token_hex(6)])
        conn.execute("UPDATE calls SET request_id = ? WHERE request_id IS NOT NULL", [name])
    return path


@pytest.fixture
def team_url(postgres_url: str) -> str:
    """The module's team database with its tables and no rows."""
    open_team_book(postgres_url).close()
    empty_team_book(postgres_url)
    return postgres_url


@pytest.fixture
def fresh_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A database of its own with no tables, owned by the role that logs in with a
    password; its name."""
    name = f"t_migrate_to_{secrets.token_hex(3)}"
    postgres_server.create_database(name)
    yield name
    postgres_server.drop_database(name)


def migrate(book: Path, url: str, rep: str = "alex") -> list[str]:
    result = invoke("migrate-to", url, "--rep", rep, "--db", book)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


# --- the demo book lands whole --------------------------------------------------------


def test_the_demo_book_lands_as_the_reps_book(demo_book: Path, team_url: str) -> None:
    lines = migrate(demo_book, team_url, rep="alex")

    book = sqlite3.connect(demo_book)
    with psycopg.connect(team_url) as team:
        for table, order in COPIED.items():
            copied, kept = rows(team, table, order), rows(book, table, order)
            assert len(copied) == len(kept), table
            # Into an empty team database the ids stay as they were.
            for row, original in zip(copied, kept, strict=True):
                assert without(row, *REP_COLUMNS, "prospect_before") == without(
                    original, *REP_COLUMNS, "prospect_before"
                ), table
        assert {row["owner"] for row in rows(team, "prospects", "id")} == {"alex"}
        call_reps = {row["id"]: row["rep"] for row in rows(team, "calls", "id")}
        assert call_reps[6] == "sam"
        assert set(call_reps.values()) == {"alex", "sam"}
        for table in ("tasks", "deals", "notes", "emails"):
            assert {row["rep"] for row in rows(team, table, "id")} == {"alex"}, table
        assert team.execute("SELECT name FROM reps").fetchall() == [("alex",)]
        targets = rows(team, "targets", "id")
        assert [without(t, "id", "rep") for t in targets] == [
            without(t, "id", "rep") for t in rows(book, "targets", "id")
        ]
        assert {t["rep"] for t in targets} == {"alex"}
        (book_id,) = book.execute("SELECT id FROM book").fetchone()
        assert team.execute("SELECT book_id, rep FROM migrated_books").fetchall() == [
            (book_id, "alex")
        ]
        assert team.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'"
        ).fetchone() == (0,)
    counts = {
        table: book.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("prospects", "calls", "tasks", "deals", "notes")
    }
    assert lines[0] == (
        f"Copied {demo_book} to {team_url} as alex's book: {counts['prospects']} prospects,"
        f" {counts['calls']} calls, {counts['tasks']} tasks, {counts['deals']} deals and"
        f" {counts['notes']} notes."
    )


def test_derived_rows_are_the_files(demo_book: Path, team_url: str) -> None:
    migrate(demo_book, team_url)
    book = sqlite3.connect(demo_book)
    with psycopg.connect(team_url) as team:
        for table, order in DERIVED.items():
            copied = rows(team, table, order)
            if table == "prospect_search":
                # A team's book also keeps the text folded, for the filter.
                folded = [row.pop("folded_text") for row in copied]
                assert folded == [fold(row["search_text"]) for row in copied]
            if table == "lead_marks":
                # The file's calls are nobody's; in the team's book they are the rep's
                # they were copied as, and each prospect's marks name that rep.
                reps: dict[int, set[str]] = {}
                for prospect_id, rep in team.execute("SELECT prospect_id, rep FROM calls"):
                    reps.setdefault(prospect_id, set()).add(rep)
                for row in copied:
                    names = reps[row["prospect_id"]]
                    assert row.pop("only_rep") == (min(names) if len(names) == 1 else None)
                kept = [without(row, "only_rep") for row in rows(book, table, order)]
                assert copied == kept, table
                continue
            assert copied == rows(book, table, order), table


def test_undo_records_keep_the_prospect_as_it_was_but_the_reps(
    demo_book: Path, team_url: str
) -> None:
    migrate(demo_book, team_url)
    book = sqlite3.connect(demo_book)
    with psycopg.connect(team_url) as team:
        copied = rows(team, "undo_log", "call_id")
    for row, original in zip(copied, rows(book, "undo_log", "call_id"), strict=True):
        record, kept = json.loads(row["prospect_before"]), json.loads(original["prospect_before"])
        assert record["before"].pop("owner") == "alex"
        kept["before"].pop("owner")
        assert record == kept


DEMO_NAME_LEFT_OUT = "Left out the demo's made-up rep_name: set your own with funnel config set."


def test_a_demo_book_makes_an_empty_team_a_demo_and_keeps_its_made_up_name_out(
    demo_book: Path, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team trying funnel out gets the demo whole, scripts and all; the demo rep's name
    is made up, so it never lands in the config file of the rep who copied it."""
    monkeypatch.setenv("FUNNEL_REP", "alex")
    with psycopg.connect(team_url) as team:
        team.execute("INSERT INTO settings (key, value) VALUES ('phone_region', 'US')")
    lines = migrate(demo_book, team_url)
    with psycopg.connect(team_url) as team:
        settings = dict(team.execute("SELECT key, value FROM settings").fetchall())
    assert settings == {"phone_region": "US", "demo_book": "yes"}
    assert lines[1:] == [
        "Settings (the team shares them): copied demo_book = yes; kept the team's phone_region.",
        "The team's book had no prospects, so it is a demo book now: the scripts talk about"
        " the demo's fictional product until you write your profile.toml.",
        DEMO_NAME_LEFT_OUT,
    ]
    assert not config_path().exists()


def test_a_demo_book_leaves_the_settings_of_a_team_with_prospects_alone(
    demo_book: Path, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A team that already works real prospects never becomes a demo (its scripts would
    talk about the demo's product) nor takes the demo's phone region."""
    monkeypatch.setenv("FUNNEL_REP", "alex")
    with psycopg.connect(team_url) as team:
        team.execute("INSERT INTO prospects (name) VALUES ('A real lead')")
    lines = migrate(demo_book, team_url)
    with psycopg.connect(team_url) as team:
        assert team.execute("SELECT key, value FROM settings").fetchall() == []
    assert lines[1:] == [
        "Left out the demo's demo_book, phone_region: the team's book already held"
        " prospects, so it keeps its own settings.",
        DEMO_NAME_LEFT_OUT,
    ]
    assert not config_path().exists()


def test_a_target_the_rep_already_has_is_kept(demo_book: Path, team_url: str) -> None:
    (target,) = rows(sqlite3.connect(demo_book), "targets", "id")
    with psycopg.connect(team_url) as team:
        team.execute(
            "INSERT INTO targets (period, starts_on, ends_on, amount_cents, rep)"
            " VALUES (%s, %s, %s, 1, 'alex')",
            [target["period"], target["starts_on"], target["ends_on"]],
        )
    lines = migrate(demo_book, team_url)
    with psycopg.connect(team_url) as team:
        assert team.execute("SELECT amount_cents, rep FROM targets").fetchall() == [(1, "alex")]
    assert lines[-1] == (
        "Kept 1 target alex already had in the team database instead of the book's for the"
        " same period."
    )


def test_an_empty_database_gets_its_tables_with_the_book(
    demo_book: Path, fresh_database: str, postgres_server: PostgresServer
) -> None:
    url = postgres_server.password_url(fresh_database)
    lines = migrate(demo_book, url)
    assert lines[0].startswith(f"Copied {demo_book} to {without_password(url)} as alex's")
    assert "horse" not in "\n".join(lines)
    with psycopg.connect(url) as team:
        (prospects,) = (
            sqlite3.connect(demo_book).execute("SELECT count(*) FROM prospects").fetchone()
        )
        assert team.execute("SELECT count(*) FROM prospects").fetchone() == (prospects,)


def test_the_pools_untouched_people_merge_and_the_rest_are_named(
    demo_book: Path, team_url: str
) -> None:
    """Matched as `funnel import` matches a row (same email in any case, else the same
    number and name without another email): a pool prospect nobody worked is merged into
    the copied one, which keeps what it had (the rep's figures: the report test below);
    another rep's, or one someone called, is kept apart and named with the assign that
    keeps it one rep's."""
    with psycopg.connect(team_url) as team, team.cursor() as cursor:
        cursor.execute("INSERT INTO reps (name) VALUES ('alex'), ('blake')")
        cursor.executemany(
            "INSERT INTO prospects (name, email, phone, first_name, owner, do_not_call)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            [
                ("S. Kim", "SARAH.KIM@lakeshoreortho.com", None, "Sal", None, 0),
                ("deepa  IYER", None, "+61 2 5550 1234", None, "blake", 0),
                ("Someone Else", None, "+447700900412", None, None, 0),  # a switchboard
                ("Samuel Adeyemi", "samuel@other.example", "+442079460376", None, None, 0),
                ("Kwame Mensah", None, "+441174960518", None, None, 1),
                # Someone called, then marked do-not-call.
                ("Oliver Grant", "o.grant@westbrook.ac.uk", None, None, None, 1),
            ],
        )
        cursor.execute(
            "INSERT INTO calls (prospect_id, outcome, rep) VALUES (6, 'no_answer', 'blake')"
        )
    lines = migrate(demo_book, team_url)
    assert lines[-3:] == [
        "Merged 2 prospects of the team's pool that nobody had worked into the copied ones"
        " who are the same people (same email, or same phone and name; their empty fields"
        " filled from the pool's, a do-not-call mark kept): 7 took in the pool's 1, 11 took"
        " in the pool's 5.",
        "2 copied prospects are people the team's book already had (same email, or same phone"
        " and name) and someone had worked or owns, kept apart: 8 is blake's 2, 14 is the"
        " pool's 6. To keep other reps from calling the pool's: funnel assign 6 --to alex",
        "Marked do-not-call 1 copied prospect the team's book has marked so: 14.",
    ]
    book = sqlite3.connect(demo_book)
    (copied,) = book.execute("SELECT count(*) FROM prospects").fetchone()
    sarah = book.execute("SELECT email, title, first_name FROM prospects WHERE id = 1").fetchone()
    assert sarah[2] is None
    with psycopg.connect(team_url) as team:
        assert team.execute("SELECT count(*) FROM prospects").fetchone() == (6 + copied - 2,)
        assert team.execute("SELECT id FROM prospects WHERE id IN (1, 5)").fetchall() == []
        # The copied prospect keeps what it had and takes the pool's where it had nothing;
        # a do-not-call mark is never lost.
        assert team.execute(
            "SELECT email, title, first_name FROM prospects WHERE id = 7"
        ).fetchone() == (*sarah[:2], "Sal")
        gone = "SELECT count(*) FROM prospect_search WHERE id IN (1, 5)"
        assert team.execute(gone).fetchone() == (0,)
        assert team.execute("SELECT do_not_call FROM prospects WHERE id = 11").fetchone() == (1,)
        # Kept apart, the copy of someone the team marked do-not-call is not called either.
        assert team.execute("SELECT do_not_call FROM prospects WHERE id = 14").fetchone() == (1,)


# --- two books, two reps --------------------------------------------------------------


def test_two_reps_books_land_side_by_side(
    demo_book: Path, team_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate(demo_book, team_url, rep="alex")
    invoke("--db", team_url, "rep", "add", "bea")  # a team that has reps adds its own
    second = book_copy(demo_book, tmp_path)
    monkeypatch.setenv("FUNNEL_REP", "bea")
    result = invoke("migrate-to", team_url, "--db", second)
    assert result.exit_code == 0, result.output
    assert "as bea's book" in result.stdout

    book = sqlite3.connect(second)
    with psycopg.connect(team_url) as team:
        for table, order in COPIED.items():
            copied = rows(team, table, order)
            assert len(copied) == 2 * len(rows(book, table, order)), table
        (calls,) = book.execute("SELECT count(*) FROM calls").fetchone()
        owners = dict(team.execute("SELECT id, owner FROM prospects").fetchall())
        assert list(owners.values()).count("bea") == len(owners) // 2
        # Every row of bea's book points at bea's rows, none at alex's.
        assert team.execute(
            "SELECT count(*), array_agg(DISTINCT c.rep ORDER BY c.rep) FROM calls c"
            " JOIN prospects p ON p.id = c.prospect_id WHERE p.owner = 'bea'"
        ).fetchone() == (calls, ["bea", "sam"])
        for table, column in (
            ("tasks", "call_id"),
            ("tasks", "done_call_id"),
            ("deals", "call_id"),
        ):
            assert team.execute(
                f"SELECT count(*) FROM {table} t JOIN calls c ON c.id = t.{column}"
                " JOIN prospects p ON p.id = t.prospect_id"
                " JOIN prospects called ON called.id = c.prospect_id"
                " WHERE called.owner <> p.owner"
            ).fetchone() == (0,), (table, column)
        for (text,) in team.execute(
            "SELECT u.prospect_before FROM undo_log u JOIN calls c ON c.id = u.call_id"
            " JOIN prospects p ON p.id = c.prospect_id WHERE p.owner = 'bea'"
        ):
            record = json.loads(text)
            assert owners[record["before"]["id"]] == "bea"
            for task in record["tasks"]["created"] + record["tasks"]["closed"]:
                (prospect,) = team.execute(
                    "SELECT prospect_id FROM tasks WHERE id = %s", [task["id"]]
                ).fetchone()
                assert owners[prospect] == "bea"
        assert sorted(team.execute("SELECT name FROM reps").fetchall()) == [("alex",), ("bea",)]
        # New rows are numbered after both books.
        (new_id,) = team.execute(
            "INSERT INTO prospects (name) VALUES ('New') RETURNING id"
        ).fetchone()
        assert new_id > max(owners)
        (new_call,) = team.execute(
            "INSERT INTO calls (prospect_id, outcome) VALUES (%s, 'no_answer') RETURNING id",
            [new_id],
        ).fetchone()
        assert new_call == 2 * calls + 1
        team.rollback()


def test_derived_rows_of_two_books_are_what_the_triggers_build(
    demo_book: Path, team_url: str, tmp_path: Path
) -> None:
    migrate(demo_book, team_url, rep="alex")
    invoke("--db", team_url, "rep", "add", "bea")  # a team that has reps adds its own
    migrate(book_copy(demo_book, tmp_path), team_url, rep="bea")
    with psycopg.connect(team_url) as team:
        built = {table: rows(team, table, order) for table, order in DERIVED.items()}
        next_calls = team.execute(
            "SELECT id, next_call_at, next_task_kind FROM prospects ORDER BY id"
        ).fetchall()
        # The triggers' own functions, prospect by prospect, from nothing.
        team.execute("TRUNCATE prospect_search, call_days, lead_marks")
        team.execute("UPDATE prospects SET name = name")
        team.execute("SELECT funnel_count_prospect_calls(p, 1) FROM prospects p")
        team.execute("SELECT funnel_mark_prospect(id) FROM prospects")
        team.execute("SELECT funnel_follow_tasks(id) FROM prospects")
        for table, order in DERIVED.items():
            assert rows(team, table, order) == built[table], table
        # The two books' days add up: the same calls, so each count twice the file's.
        counted = [
            {
                column: value * 2 if isinstance(value, int) else value
                for column, value in day.items()
            }
            for day in rows(sqlite3.connect(demo_book), "call_days", DERIVED["call_days"])
        ]
        assert built["call_days"] == counted
        assert (
            team.execute(
                "SELECT id, next_call_at, next_task_kind FROM prospects ORDER BY id"
            ).fetchall()
            == next_calls
        )
        team.rollback()


# --- all or nothing -------------------------------------------------------------------


def test_the_same_book_twice_is_refused(
    demo_book: Path, team_url: str, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate(demo_book, team_url)
    invoke("--db", team_url, "rep", "add", "bea")  # a team that has reps adds its own
    before = snapshot(team_url)
    assert (
        run_main(["migrate-to", team_url, "--rep", "bea", "--db", str(demo_book)], monkeypatch) == 1
    )
    line = one_line_error(capsys.readouterr().err)
    assert line.startswith(f"funnel: this book was already copied to {team_url} (as alex's book")
    assert line.endswith("; nothing was copied")
    assert snapshot(team_url) == before


def test_a_constraint_broken_half_way_leaves_nothing(
    demo_book: Path, team_url: str, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate(demo_book, team_url)
    invoke("--db", team_url, "rep", "add", "bea")  # a team that has reps adds its own
    clashing = book_copy(demo_book, tmp_path)
    with sqlite3.connect(clashing) as conn:
        # Another book's key is another rep's and no clash (schema v11); but bea's call
        # with the key of a call of the book's, which becomes hers too, is: PostgreSQL
        # refuses it in the calls' COPY.
        conn.execute("UPDATE calls SET request_id = 'req-demo-1' WHERE id = 99")
        conn.execute("UPDATE calls SET rep = 'bea', request_id = 'book.db' WHERE id = 100")
    before = snapshot(team_url)
    argv = ["migrate-to", team_url, "--rep", "bea", "--db", str(clashing)]
    assert run_main(argv, monkeypatch) == 1
    line = one_line_error(capsys.readouterr().err)
    assert "duplicate key" in line and line.endswith("nothing was copied")
    assert snapshot(team_url) == before


class BookKillingTheTeam:
    """The book's connection, but half-way through reading the calls the team database's
    connection is terminated from another one, as an admin or a failing server would."""

    def __init__(self, book: sqlite3.Connection, team_url: str, backend_pid: int) -> None:
        self.book, self.team_url, self.backend_pid = book, team_url, backend_pid

    def execute(self, statement: str, *args: Any) -> Any:
        cursor = self.book.execute(statement, *args)
        return self._killing(cursor) if " FROM calls " in statement else cursor

    def _killing(self, cursor: sqlite3.Cursor) -> Iterator[Any]:
        for number, row in enumerate(cursor):
            if number == 50:
                with psycopg.connect(self.team_url, autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", [self.backend_pid])
            yield row


def test_a_connection_killed_mid_copy_leaves_nothing(
    demo_book: Path, team_url: str, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate(demo_book, team_url)
    invoke("--db", team_url, "rep", "add", "bea")  # a team that has reps adds its own
    before = snapshot(team_url)
    copy_table = migrate_to._copy_table

    def killed_in_the_calls(book: Any, team: Any, copied: Any, *args: Any) -> int:
        if copied.table == "calls":
            book = BookKillingTheTeam(book, team_url, team.info.backend_pid)
        return copy_table(book, team, copied, *args)

    monkeypatch.setattr(migrate_to, "_copy_table", killed_in_the_calls)
    argv = ["migrate-to", team_url, "--rep", "bea", "--db", str(book_copy(demo_book, tmp_path))]
    assert run_main(argv, monkeypatch) == 1
    line = one_line_error(capsys.readouterr().err)
    assert line.startswith(f"funnel: lost the connection to {team_url} (")
    assert line.endswith("; nothing was copied")
    assert snapshot(team_url) == before


def test_a_wrong_password_is_one_line_without_it(
    demo_book: Path,
    fresh_database: str,
    postgres_server: PostgresServer,
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = postgres_server.password_url(fresh_database, password="not the s3cret")
    argv = ["migrate-to", url, "--rep", "alex", "--db", str(demo_book)]
    assert run_main(argv, monkeypatch) == 1
    err = capsys.readouterr().err
    line = one_line_error(err)
    assert "s3cret" not in err
    assert line == (
        f"funnel: cannot log in to {without_password(url)}: the user name or password is wrong"
    )
    with psycopg.connect(postgres_server.url(fresh_database)) as conn:
        assert conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone() == (0,)


def test_a_role_that_does_not_own_the_tables_is_told_which_does(
    demo_book: Path,
    team_url: str,
    postgres_server: PostgresServer,
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with psycopg.connect(team_url, autocommit=True) as conn:
        conn.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO funnel_rep")
        conn.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO funnel_rep")
    before = snapshot(team_url)
    database = team_url.partition("@/")[2].partition("?")[0]
    url = postgres_server.password_url(database)
    assert run_main(["migrate-to", url, "--rep", "alex", "--db", str(demo_book)], monkeypatch) == 1
    assert one_line_error(capsys.readouterr().err) == (
        f"funnel: {without_password(url)}: copying a book in takes the database role that owns"
        " the team's tables (postgres); connect as it; nothing was copied"
    )
    assert snapshot(team_url) == before


# --- what the command needs -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["somewhere.db", "--rep", "alex"], "give its postgresql:// URL"),
        (["postgresql://x@/y"], "say whose book this is: --rep NAME, FUNNEL_REP=NAME, or rep"),
        (["postgresql://x@/y", "--rep", " "], "a rep name cannot be empty"),
        (["postgresql://x@/y", "--rep", "a\x1b[2J"], "a rep name is plain text"),
        (["postgresql://x@/y", "--rep", "a", "--db", "postgresql://x@/z"], "--db FILE"),
    ],
)
def test_what_is_missing_is_one_line(
    args: list[str], says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FUNNEL_REP", raising=False)
    result = invoke("migrate-to", *args)
    assert result.exit_code == 1
    assert says in one_line_error(result.stderr)


def test_the_rep_named_in_the_config_file_is_the_default(
    demo_book: Path, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FUNNEL_REP", raising=False)
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('rep = "Cy"\n', encoding="utf-8")
    result = invoke("migrate-to", team_url, "--db", demo_book)
    assert result.exit_code == 0, result.output
    assert "as Cy's book" in result.stdout


def test_a_rep_the_team_knows_is_named_as_the_team_writes_it(
    demo_book: Path, team_url: str
) -> None:
    with psycopg.connect(team_url) as team:
        team.execute("INSERT INTO reps (name) VALUES ('Alex')")
    lines = migrate(demo_book, team_url, rep="ALEX")
    assert "as Alex's book" in lines[0]
    with psycopg.connect(team_url) as team:
        assert team.execute("SELECT name FROM reps").fetchall() == [("Alex",)]
        assert team.execute("SELECT DISTINCT owner FROM prospects").fetchall() == [("Alex",)]


def test_undo_record_ids_move_and_what_is_no_record_stays() -> None:
    moves = {"prospects": 100, "calls": 1000, "tasks": 10, "flag_changes": 5, "rep": "bea"}
    record = {
        "before": {"id": 7, "owner": None},
        "wrote": {},
        "tasks": {"created": [{"id": 1}], "closed": [{"id": 2, "done_call_id": 3}]},
        "flag_changes": [4],
    }
    assert json.loads(migrate_to.moved_undo_record(json.dumps(record), moves)) == {
        "before": {"id": 107, "owner": "bea"},
        "wrote": {},
        "tasks": {"created": [{"id": 11}], "closed": [{"id": 12, "done_call_id": 1003}]},
        "flag_changes": [9],
    }
    for text in ("not json", "[1, 2]", None):
        assert migrate_to.moved_undo_record(text, moves) == text


def test_a_rep_the_team_does_not_know_is_refused_once_it_has_reps(
    demo_book: Path, team_url: str, tmp_path: Path
) -> None:
    """The first book of a new team adds its rep; after that a typo never makes one."""
    migrate(demo_book, team_url, rep="alex")
    result = invoke("migrate-to", team_url, "--rep", "alx", "--db", book_copy(demo_book, tmp_path))
    assert result.exit_code == 1
    assert "no rep named 'alx'" in result.output and "funnel rep add alx" in result.output
    with psycopg.connect(team_url) as team:
        assert team.execute("SELECT name FROM reps").fetchall() == [("alex",)]


@pytest.mark.parametrize(
    "team_holds",
    [[], [("A real lead", None), ("S. Kim", "SARAH.KIM@lakeshoreortho.com")]],
    ids=["empty", "with the pool's prospects"],
)
def test_the_report_gives_the_same_figures_before_and_after_the_move(
    team_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    team_holds: list[tuple[str, str | None]],
) -> None:
    """The demo book moved into a team database, empty or already holding the pool's
    prospects (one of them a demo prospect, merged): `funnel report --json` of its rep
    there gives every figure it gave from the file (PRODUCT 16)."""
    from tests.app_support import FROZEN_NOW

    patch_commands(monkeypatch, "system_now", lambda: FROZEN_NOW)
    path = tmp_path / "alone.db"
    build_demo_storage(path).close()
    in_the_file = invoke("--db", path, "report", "--json")
    assert in_the_file.exit_code == 0, in_the_file.output
    with psycopg.connect(team_url) as team:
        for name, email in team_holds:
            team.execute("INSERT INTO prospects (name, email) VALUES (%s, %s)", [name, email])
    lines = migrate(path, team_url, rep="alex")
    assert ("Merged 1 prospect of the team's pool" in lines[-1]) == bool(team_holds)
    monkeypatch.setenv("FUNNEL_REP", "alex")
    in_the_team = invoke("--db", team_url, "report", "--json")
    assert in_the_team.exit_code == 0, in_the_team.output
    assert json.loads(in_the_team.stdout) == json.loads(in_the_file.stdout)
    team = json.loads(invoke("--db", team_url, "report", "--team", "--json").stdout)
    assert team["reps"][0]["won_cents"] == json.loads(in_the_file.stdout)["won_cents"]


def test_a_forgotten_prospect_stays_forgotten_in_the_team_database(
    demo_book: Path, team_url: str, tmp_path: Path
) -> None:
    book = book_copy(demo_book, tmp_path)
    (won_before,) = sqlite3.connect(book).execute("SELECT sum(amount_cents) FROM deals").fetchone()
    (prospect_id,) = sqlite3.connect(book).execute("SELECT prospect_id FROM deals").fetchone()
    assert invoke("forget", prospect_id, "--yes", "--db", book).exit_code == 0
    with psycopg.connect(team_url, autocommit=True) as team:
        # A hash the team already has is kept once.
        team.execute(
            "INSERT INTO suppressions (hash, kind) VALUES (%s, %s)",
            sqlite3.connect(book).execute("SELECT hash, kind FROM suppressions").fetchone(),
        )

    migrate(book, team_url)

    with psycopg.connect(team_url) as team:
        assert team.execute("SELECT count(*) FROM suppressions").fetchone() == (2,)
        assert team.execute("SELECT sum(amount_cents) FROM deals").fetchone() == (won_before,)
        assert team.execute("SELECT count(*) FROM deals WHERE prospect_id IS NULL").fetchone()[0]


def test_a_demo_copied_into_an_empty_team_names_the_phone_region_it_brings(
    demo_book: Path, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo reads numbers without a country code as British: said with its value, so a
    team trying funnel with its own leads knows to set its region."""
    monkeypatch.setenv("FUNNEL_REP", "alex")
    lines = migrate(demo_book, team_url)
    assert lines[1] == (
        "Settings (the team shares them): copied demo_book = yes, phone_region = GB."
    ), lines
