"""The README's roles for a team's book, run as written (PRODUCT 16): the role that makes
the tables owns and upgrades them, a rep's role reads and writes, a reader's only reads,
and a role without the right is told who grants it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from funnel_tui.schema_version import LATEST_VERSION
from tests.cli_support import invoke, one_line_error
from tests.postgres_server import PostgresServer

README = Path(__file__).resolve().parent.parent / "README.md"
NAMES = ("funnel_owner", "funnel_readers", "funnel_reps", "funnel_team", "alex", "maria")


def readme_sql(first_line: str) -> str:
    """The README's SQL block that starts with `first_line`."""
    blocks = re.findall(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    (block,) = [block for block in blocks if block.startswith(first_line + "\n")]
    return block


class Team:
    """The README's roles and database, each name given a suffix of its own so that
    other tests' roles on the same server are left alone."""

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self.suffix = "_" + secrets.token_hex(3)

    def named(self, sql: str) -> str:
        return re.sub(rf"\b({'|'.join(NAMES)})\b", rf"\1{self.suffix}", sql)

    def url(self, role: str) -> str:
        admin = self.server.url(f"funnel_team{self.suffix}")
        return admin.replace(f"//{self.server.superuser}@", f"//{role}{self.suffix}@", 1)

    def run_sql(self, sql: str, role: str | None = None) -> None:
        url = self.server.url() if role is None else self.url(role)
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in self.named(sql).split(";"):
                if statement.strip(" \n"):
                    conn.execute(statement)

    def funnel(self, role: str, *args: str, rep: str | None = None) -> tuple[int, str, str]:
        with pytest.MonkeyPatch.context() as patch:
            if rep is None:
                patch.delenv("FUNNEL_REP", raising=False)
            else:
                patch.setenv("FUNNEL_REP", rep)
            result = invoke("--db", self.url(role), *args)
        return result.exit_code, result.stdout, result.stderr

    def drop(self) -> None:
        self.server.run_sql(f'DROP DATABASE IF EXISTS "funnel_team{self.suffix}" WITH (FORCE)')
        for role in ("alex", "maria", "funnel_owner", "funnel_reps", "funnel_readers"):
            self.server.run_sql(f'DROP ROLE IF EXISTS "{role}{self.suffix}"')


@pytest.fixture
def team(postgres_server: PostgresServer) -> Iterator[Team]:
    made = Team(postgres_server)
    made.run_sql(readme_sql("-- roles"))
    try:
        yield made
    finally:
        made.drop()


def test_the_readmes_roles_let_a_rep_work_and_a_reader_read(team: Team, tmp_path: Path) -> None:
    """A team whose second rep connected as their own role met `permission denied for
    table schema_version` everywhere: the README gave no grants."""
    assert team.funnel("funnel_owner", "rep", "add", "alex")[0] == 0
    team.run_sql(readme_sql("-- grants"), role="funnel_owner")
    leads = tmp_path / "leads.csv"
    leads.write_text("name,email\nAnn Archer,ann@a.example\nBo Baker,bo@b.example\n")
    for command in (
        ("import", str(leads), "--owner", "alex"),
        ("log", "1", "meeting", "--when", "in 2 days"),
        ("log", "2", "won", "--amount", "500"),
        ("target", "set", "60k", "--rep", "alex"),
        ("assign", "2", "--pool"),
        ("forget", "2", "--yes"),
        ("report",),
    ):
        code, _, stderr = team.funnel("alex", *command, rep="alex")
        assert code == 0, (command, stderr)
    code, stdout, _ = team.funnel("maria", "report", "--team")
    assert code == 0 and "alex" in stdout
    code, _, stderr = team.funnel("maria", "log", "1", "voicemail", rep="alex")
    assert code == 1
    line = one_line_error(stderr)
    assert "permission denied for table" in line
    assert "given the right to do this, which the owner of the book's" in line


def test_a_role_without_rights_is_told_who_grants_them(team: Team) -> None:
    assert team.funnel("funnel_owner", "rep", "add", "alex")[0] == 0
    code, _, stderr = team.funnel("alex", "rep", "list")
    assert code == 1
    line = one_line_error(stderr)
    assert "permission denied for table" in line and "(README: Roles)" in line
    assert f"which funnel_owner{team.suffix}, the owner of the book's tables, grants" in line


def test_an_upgrade_a_reps_role_cannot_make_says_which_role_can(team: Team) -> None:
    """A newer funnel opened by a rep ended in `must be owner of table ...`."""
    assert team.funnel("funnel_owner", "rep", "add", "alex")[0] == 0
    team.run_sql(readme_sql("-- grants"), role="funnel_owner")
    # v26 adds a column: only the owner of its table may.
    team.run_sql("UPDATE schema_version SET version = 25", role="funnel_owner")
    code, _, stderr = team.funnel("alex", "report", rep="alex")
    assert code == 1
    line = one_line_error(stderr)
    assert f"is a book of schema v25 and this funnel needs v{LATEST_VERSION}" in line
    assert f"only funnel_owner{team.suffix}, which owns its tables, may upgrade it" in line
