"""Every `funnel` command on a team's database (PRODUCT 16: a team loses nothing): the
demo book copied in with `funnel migrate-to` answers each command as its SQLite file
does, and the same writes on both leave the same report behind."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from funnel_tui.own_settings import store_own_settings
from funnel_tui.reps import REP_ENV
from tests.app_support import FROZEN_NOW, build_demo_storage
from tests.cli_support import invoke, patch_commands
from tests.postgres_server import PostgresServer

REP = "alex"
# Left out of the comparison: what only a team's book has (the owner of a prospect and the
# rep of each row) and what is new on every run (an email's Message-ID).
TEAM_ONLY = {"owner", "rep"}


class Books:
    """The demo book as a SQLite file and as a rep's book in a team database, with the
    rep's name in their config file, where a team's book keeps it."""

    def __init__(self, file: Path, url: str, rep_name: str) -> None:
        self.file, self.url, self.rep_name = file, url, rep_name

    def run(self, args: list[str], team_args: list[str] | None = None) -> tuple[str, str]:
        """The output of `funnel ARGS` on the file and on the team's book (`team_args`
        there when given), each with its own book named BOOK."""
        store_own_settings({"rep_name": self.rep_name})
        outputs = []
        for target, given in ((self.file, args), (self.url, team_args or args)):
            result = invoke("--db", target, *given)
            assert result.exit_code == 0, (target, given, result.output)
            outputs.append(_comparable(result.output.replace(str(target), "BOOK"), target))
        return outputs[0], outputs[1]


def _book_id(target: Path | str) -> str:
    if isinstance(target, Path):
        with sqlite3.connect(target) as conn:
            return conn.execute("SELECT id FROM book").fetchone()[0]
    with psycopg.connect(target) as conn:
        return conn.execute("SELECT id FROM book").fetchone()[0]


def _comparable(output: str, target: Path | str) -> str:
    """The output without what only tells the two books apart: the book's random name
    (in calendar UIDs), a fresh Message-ID, and the owner and rep columns."""
    output = output.replace(_book_id(target), "BOOK-ID")
    # A team's calendar names its rep, in its UID and its name: each rep's is their own.
    output = re.sub(r"UID:calendar\.BOOK-ID\.[^@]+@", "UID:calendar.BOOK-ID@", output)
    output = re.sub(r"NAME:funnel-tui \([^)]*\)", "NAME:funnel-tui", output)
    lines = [line for line in output.splitlines() if not line.startswith("Message-ID:")]
    output = "\n".join(lines)
    if output.startswith(("{", "[")):
        return json.dumps(_without_team_columns(json.loads(output)), indent=1)
    if output.startswith("id,"):
        rows = list(csv.DictReader(io.StringIO(output)))
        return json.dumps([_without_team_columns(row) for row in rows])
    return output


def _without_team_columns(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_team_columns(v) for k, v in value.items() if k not in TEAM_ONLY}
    if isinstance(value, list):
        return [_without_team_columns(item) for item in value]
    return value


def _demo_in_both(folder: Path, url: str) -> Books:
    """The demo book in a file under `folder` and copied into the team database at `url`;
    the demo's made-up rep name stays out of the rep's config file (Books.run puts it
    there for the comparison)."""
    file = folder / "demo.db"
    build_demo_storage(file).close()
    copied = invoke("migrate-to", url, "--rep", REP, "--db", file)
    assert copied.exit_code == 0, copied.output
    assert "Left out the demo's made-up rep_name" in copied.output
    assert invoke("--db", url, "config", "get", "rep_name").output.strip() == ""
    name = invoke("--db", file, "config", "get", "rep_name").output.strip()
    return Books(file, url, name)


@pytest.fixture(autouse=True)
def rep_and_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REP_ENV, REP)
    patch_commands(monkeypatch, "system_now", lambda: FROZEN_NOW)


@pytest.fixture(scope="module")
def demo(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Books]:
    """The demo book on both backends, shared by the tests that only read."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
        patch.setenv(REP_ENV, REP)
        yield _demo_in_both(tmp_path_factory.mktemp("demo"), postgres_url)


READS = [
    ["report"],
    ["report", "--json"],
    ["report", "--json", "--period", "month", "--today", "2026-11-02"],
    ["next", "--json"],
    ["export", "prospects"],
    ["export", "calls"],
    ["export", "calls", "--format", "json"],
    ["export", "--prospect", "3"],
    ["calendar", "--days", "60"],
    ["script", "solution", "--prospect", "5"],
    ["email", "32", "--template", "proposal_follow_up", "--print"],
    ["email", "50", "--template", "meeting_confirmation", "--print"],
    ["config", "get", "rep_name"],
    ["config", "get", "currency"],
    ["profile"],
]


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_a_command_that_reads_answers_on_a_team_database_as_on_the_file(
    demo: Books, args: list[str]
) -> None:
    on_file, on_team = demo.run(args)
    assert on_team == on_file


# The same writes on the file and on the team's book, there with what only a team's book
# asks (whose target, whose new leads); whether the lines they print read the same (a
# team's book says whose target it set).
WRITES = [
    (["log", "44", "no_answer", "--note", "rang out"], [], True),
    (["log", "6", "won", "--amount", "12k"], [], True),
    (["log", "3", "not_interested", "--reason", "budget"], [], True),
    (["log", "9", "meeting", "--when", "fri 3pm"], [], True),
    (["target", "set", "80k", "--period", "month"], ["--rep", REP], False),
    # A team's book says whose setting it is: the team's.
    (["config", "set", "currency", "EUR"], [], False),
    # A team's book says whose the new prospects are.
    (["import", "LEADS"], ["--owner", REP], False),
    # A team's book says that what its server keeps is its DBA's, beyond forget's reach.
    (["forget", "12", "--yes"], [], False),
]


def test_the_same_writes_on_both_leave_the_same_book(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    name = f"t_team_writes_{tmp_path.name[-6:]}".lower().replace("-", "_")
    url = postgres_server.create_database(name)
    leads = tmp_path / "leads.csv"
    leads.write_text("name,email,source\nAnn Archer,ann@example.com,webinar\n")
    try:
        books = _demo_in_both(tmp_path, url)
        for args, team_only, same_line in WRITES:
            args = [str(leads) if arg == "LEADS" else arg for arg in args]
            on_file, on_team = books.run(args, [*args, *team_only])
            assert on_team == on_file or not same_line, args
        for args in (["report", "--json", "--period", "month"], ["export", "calls"], ["next"]):
            on_file, on_team = books.run(args)
            assert on_team == on_file, args
    finally:
        postgres_server.drop_database(name)
