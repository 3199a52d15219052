"""The pace screen's figures read ahead: each time the gauge's figures are read again, a
thread beside the database thread reads the pace screen's too (a file's app only), so that
`p` opens on them in its first frame instead of reading the period's calls first."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from funnel_tui.burnup import PaceScreenFigures, load_pace_and_burnup
from funnel_tui.settings import Settings

if TYPE_CHECKING:
    from funnel_tui.ui.app import FunnelApp


@dataclass(frozen=True)
class PaceAhead:
    """Figures read for `day`, `settings` and `rep`, begun when the UI's connection had
    seen `changes` (SQLite's data_version, which counts the commits of every other
    connection): still the book's while it has seen none since."""

    day: date
    settings: Settings
    rep: str | None
    changes: int
    figures: PaceScreenFigures


class PaceReader:
    """Reads the pace screen's figures ahead, and says whether they are still current."""

    def __init__(self, app: FunnelApp, changes: Callable[[], int]) -> None:
        self._app = app
        self._changes = changes
        self._ahead: PaceAhead | None = None

    async def read(self) -> None:
        """Read the figures now, in the thread beside the database thread. A read that
        fails leaves none: `p` then reads them itself, and says why it cannot."""
        app = self._app
        now, settings, rep, changes = app.clock(), app.settings, app.rep, self._changes()
        day, tz = now.date(), now.tzinfo
        try:
            figures = await app.read_beside(
                lambda db: load_pace_and_burnup(db, day, settings, tz, rep)
            )
        except sqlite3.Error:
            self._ahead = None
            return
        self._ahead = PaceAhead(day, settings, rep, changes, figures)

    def current(self, day: date) -> PaceAhead | None:
        """The figures read ahead, if nothing they depend on has changed since, nor will
        by the time the database thread has done the work handed to it (a call logged or
        undone a moment ago)."""
        ahead, app = self._ahead, self._app
        if ahead is None or not app.db_thread_idle:
            return None
        now_is = (day, app.settings, app.rep, self._changes())
        return ahead if (ahead.day, ahead.settings, ahead.rep, ahead.changes) == now_is else None
