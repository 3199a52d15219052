"""The `funnel` entry point holds garbage collection off only while it starts up."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from funnel_tui import launch
from funnel_tui import settings as settings_module
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import open_storage
from funnel_tui.ui.app import FunnelApp
from tests.app_support import settle
from tests.cli_support import patch_commands


@pytest.fixture
def collector_restored() -> Iterator[None]:
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_command_runs_with_garbage_collected_as_usual(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector_restored: None
) -> None:
    seen: list[bool] = []
    load_settings = settings_module.load_settings

    def watching(db: sqlite_utils.Database) -> Settings:
        seen.append(gc.isenabled())
        return load_settings(db)

    open_storage(tmp_path / "f.db").close()
    monkeypatch.setattr(sys, "argv", ["funnel", "config", "list", "--db", str(tmp_path / "f.db")])
    patch_commands(monkeypatch, "load_settings", watching)
    with pytest.raises(SystemExit):
        launch.main()
    assert seen == [True], "an import of 100,000 rows must not run without the collector"


async def test_the_app_collects_garbage_again_once_it_has_painted(
    demo_app: FunnelApp, collector_restored: None
) -> None:
    gc.disable()  # as `funnel` starts the app
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0, "start-up's objects are left out of collections"


# ctrl+c while the command line's modules load: a finder that interrupts that import.
INTERRUPTED_WHILE_LOADING = """
import sys
from funnel_tui import launch

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "funnel_tui.cli":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, CtrlC())
launch.main()
"""


def test_ctrl_c_while_the_command_line_loads_is_one_line() -> None:
    command = [sys.executable, "-c", INTERRUPTED_WHILE_LOADING]
    stopped = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 1
    assert stopped.stderr == "funnel: aborted\n"
