"""A real, throwaway PostgreSQL server for the tests: never a mock.

`$FUNNEL_TEST_POSTGRES` names a server that is already running (`.ci/run` starts one);
without it the first test that asks starts its own cluster in a temporary folder and
stops it when the run ends. PostgreSQL refuses to run as root, so as root the cluster
belongs to the `postgres` system user and runs through `runuser`. It listens on a unix
socket in that folder and, for the tests of password logins, on 127.0.0.1 at a free port.

When no server can be had (no binaries), the PostgreSQL tests are skipped and the run's
summary says so in capitals; with `$CI` set they fail instead, since CI must run them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SERVER_ENV = "FUNNEL_TEST_POSTGRES"
BIN_ENV = "FUNNEL_PG_BIN"
DEFAULT_BIN = Path("/usr/lib/postgresql/15/bin")
SYSTEM_USER = "postgres"
# A role that logs in over TCP with a password, for the tests of a wrong one.
PASSWORD_ROLE = "funnel_rep"
PASSWORD = "correct horse battery staple"


class NoPostgres(Exception):
    """No PostgreSQL server can be started here; str() says why."""


@dataclass
class PostgresServer:
    """A running server: connection URLs for databases on it, and how to make them."""

    socket_dir: Path
    port: int
    superuser: str = SYSTEM_USER

    def url(self, database: str = "postgres") -> str:
        """A URL over the unix socket, as the superuser (trust: no password)."""
        return (
            f"postgresql://{self.superuser}@/{database}"
            f"?host={quote(str(self.socket_dir), safe='')}&port={self.port}"
        )

    def password_url(self, database: str, password: str = PASSWORD) -> str:
        """A URL over TCP as PASSWORD_ROLE, which must give its password."""
        return (
            f"postgresql://{PASSWORD_ROLE}:{quote(password, safe='')}@127.0.0.1:{self.port}"
            f"/{database}"
        )

    def run_sql(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str) -> str:
        """A new empty database that PASSWORD_ROLE may use too; its URL."""
        self.run_sql(f'CREATE DATABASE "{name}" OWNER {PASSWORD_ROLE}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.run_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(argv: list[str]) -> list[str]:
    return ["runuser", "-u", SYSTEM_USER, "--", *argv] if os.geteuid() == 0 else argv


class Cluster:
    """A cluster initialised in a temporary folder and started, until `stop()`."""

    def __init__(self) -> None:
        binaries = Path(os.environ.get(BIN_ENV, DEFAULT_BIN))
        if not (binaries / "initdb").exists():
            raise NoPostgres(f"no PostgreSQL binaries in {binaries} (set ${BIN_ENV})")
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            raise NoPostgres("running as root, and runuser is missing to run PostgreSQL")
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="funnel-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, SYSTEM_USER)
        self.folder.chmod(0o755)
        self._run("initdb", "-D", str(self.data), "-U", SYSTEM_USER, "--no-sync", "-A", "trust")
        hba = self.data / "pg_hba.conf"
        # Unix socket: trust. TCP on 127.0.0.1: only with the password.
        self._run_shell_free_write(
            hba,
            "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        self.server = PostgresServer(self.folder, self.port)
        self.server.run_sql(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}'")

    def _run(self, program: str, *args: str) -> None:
        argv = _as_postgres([str(self.binaries / program), *args])
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise NoPostgres(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")

    def _run_shell_free_write(self, path: Path, text: str) -> None:
        # The data folder is the postgres user's (mode 0700): write through that user.
        argv = _as_postgres(["tee", str(path)])
        subprocess.run(argv, input=text, capture_output=True, text=True, check=True)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def server_from_environment() -> PostgresServer | None:
    """The server `$FUNNEL_TEST_POSTGRES` names (`SOCKET_DIR:PORT`), if any."""
    named = os.environ.get(SERVER_ENV)
    if not named:
        return None
    folder, _, port = named.rpartition(":")
    return PostgresServer(Path(folder), int(port))


def main(argv: list[str]) -> int:
    """`python -m tests.postgres_server start` starts a cluster for a whole test run and
    prints what `$FUNNEL_TEST_POSTGRES` takes; `stop SOCKET_DIR:PORT` stops it."""
    if argv[:1] == ["start"]:
        cluster = Cluster()
        print(f"{cluster.folder}:{cluster.port}")
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        folder = Path(argv[1].rpartition(":")[0])
        binaries = Path(os.environ.get(BIN_ENV, DEFAULT_BIN))
        pg_ctl = _as_postgres([str(binaries / "pg_ctl"), "-D", str(folder / "data")])
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], check=False)
        shutil.rmtree(folder, ignore_errors=True)
        return 0
    print("usage: python -m tests.postgres_server start | stop SOCKET_DIR:PORT")
    return 2


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
