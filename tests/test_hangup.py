"""A rep's terminal going away (the window closed, the ssh link dropped: SIGHUP) or the
system stopping the app (SIGTERM) closes it as `q` does: the pool prospect the rep held goes
back to the others at once, not when its 15-minute lease lapses (PRODUCT 16)."""

from __future__ import annotations

import os
import pty
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from funnel_tui.reps import add_rep
from funnel_tui.store.sqlite import open_storage

TIMEOUT_S = 30


def team_file(path: Path) -> Path:
    """A SQLite book that keeps reps, with two pool prospects."""
    storage = open_storage(path)
    for rep in ("alex", "blake"):
        add_rep(storage.db, rep)
    storage.db["prospects"].insert_all(
        {"name": name, "phone": phone}
        for name, phone in (("Ann Archer", "+1 617 555 0154"), ("Bo Baker", "+1 617 555 0155"))
    )
    storage.close()
    return path


def claims(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT prospect_id, rep FROM claims").fetchall()


def wait_until(done, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + TIMEOUT_S
    while not done():
        assert time.monotonic() < deadline, f"no {what} within {TIMEOUT_S} s"
        time.sleep(0.05)


def drain(terminal: int) -> None:
    """Read what the app draws, so its writes never block on a full terminal."""
    try:
        while os.read(terminal, 65536):
            pass
    except OSError:
        pass  # the app closed its side


@pytest.mark.parametrize("ending", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_closed_terminal_gives_the_held_pool_prospect_back(
    tmp_path: Path, ending: signal.Signals
) -> None:
    path = team_file(tmp_path / "team.db")
    terminal, app_side = pty.openpty()
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "FUNNEL_REP": "alex",
        "TERM": "xterm-256color",
        "COLUMNS": "160",
        "LINES": "48",
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "funnel_tui", "--db", str(path)],
        stdin=app_side,
        stdout=app_side,
        stderr=app_side,
        env=env,
        start_new_session=True,
    )
    os.close(app_side)
    reader = threading.Thread(target=drain, args=(terminal,), daemon=True)
    reader.start()
    try:
        wait_until(lambda: [rep for _, rep in claims(path)] == ["alex"], "claim by alex")
        app.send_signal(ending)
        assert app.wait(timeout=TIMEOUT_S) == 0
        assert claims(path) == []
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        os.close(terminal)
