"""FunnelApp: wires the storage, settings and scripts to the main screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import sqlite_utils
from textual.app import App

from funnel_tui.paths import user_scripts_dir
from funnel_tui.scripts import ScriptLibrary, load_library
from funnel_tui.settings import Settings, load_settings
from funnel_tui.storage import Storage
from funnel_tui.timestamps import Clock, system_now
from funnel_tui.ui.commands import MainScreenCommands
from funnel_tui.ui.main_screen import MainScreen

T = TypeVar("T")


class FunnelApp(App[None]):
    """The rep's day in one screen."""

    TITLE = "funnel"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {MainScreenCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        storage: Storage,
        *,
        clock: Clock = system_now,
        scripts_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.storage = storage
        self.clock = clock
        self.scripts_dir = scripts_dir if scripts_dir is not None else user_scripts_dir()
        # One thread for all background database work: sqlite3 connections belong to
        # the thread that opened them, and writes are serialised anyway.
        self._db_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="funnel-db")
        self.settings: Settings = load_settings(storage.db)
        self.scripts: ScriptLibrary = load_library(self.scripts_dir)

    def on_mount(self) -> None:
        self.push_screen(MainScreen())
        for problem in self.scripts.problems:
            self.notify(
                str(problem), title="Script not loaded", severity="error", timeout=10, markup=False
            )

    async def in_db_thread(self, work: Callable[[sqlite_utils.Database], T]) -> T:
        """Run `work` with the database thread's connection, without blocking the UI."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db_thread, lambda: work(self.storage.db))

    def on_unmount(self) -> None:
        # The storage belongs to whoever opened it (the command line closes it).
        self._db_thread.shutdown(wait=True)
