"""The running call kept in a file while it runs, and brought back when the app opens the
book again after it was killed or crashed mid-call: a mixin of MainScreen, kept apart so
each file has one job.

A restarted app said nothing of the call the rep was on when it died: the call was never
logged, and nothing reminded them. Now the call runs again, from the moment it started,
with a toast saying so; `l` logs it as any running call, and enter on another prospect
ends it. A call logged since (from another window, or `funnel log`) or a prospect no longer
in the book is let go instead.

A call left running in an app that stays open is let go too, once it is older than a call
brought back may be: its length is no talk time. One older than that when the app comes
back is let go with the same toast, not brought back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from funnel_tui.book_name import book_id
from funnel_tui.text import one_line
from funnel_tui.timestamps import to_stored
from funnel_tui.ui.call_undo import CALL_TOAST

if TYPE_CHECKING:
    from datetime import datetime

    from funnel_tui.call_state import KeptCall
    from funnel_tui.ui.main_screen import MainScreen, RunningCall

    _Base = MainScreen
else:
    _Base = object

# How long the toast that brings a call back stays.
BROUGHT_BACK_TOAST_S = 8.0
# How long the toast that lets a call run too long go stays: it is most often let go with
# nobody at the screen (an app left open over a weekend), so it stays until a call's next
# toast takes its place.
LET_GO_TOAST_S = 7 * 24 * 3600.0


def _still_to_log(db: Any, call: KeptCall) -> bool:
    """Whether the kept call's prospect is in the book with no call logged since it began."""
    if db.execute("SELECT 1 FROM prospects WHERE id = ?", [call.prospect_id]).fetchone() is None:
        return False
    logged_since = db.execute(
        "SELECT 1 FROM calls WHERE prospect_id = ? AND started_at >= ? LIMIT 1",
        [call.prospect_id, to_stored(call.started_at)],
    ).fetchone()
    return logged_since is None


class KeepsTheCall(_Base):
    """Keeps `running_call` in a file while it runs, and brings it back at start."""

    _kept_call_path: Path | None = None

    def _where_the_call_is_kept(self) -> Path:
        from funnel_tui.call_state import kept_call_path

        if self._kept_call_path is None:
            self._kept_call_path = kept_call_path(book_id(self.funnel.storage.db), self.funnel.rep)
        return self._kept_call_path

    def keep_the_call(self, running: RunningCall | None) -> None:
        """Write the call that runs now, or remove the one kept when none does."""
        # Loaded with the first call, not before the first frame.
        from funnel_tui.call_state import KeptCall, drop_kept_call, keep_call, read_kept_call

        try:
            path = self._where_the_call_is_kept()
            if running is None:
                # A call another window started once this one's ran too long is that
                # window's to keep: only this window's own goes.
                kept = read_kept_call(path, self.funnel.clock())
                if kept is None or not kept.runs_in_another_window():
                    drop_kept_call(path)
            else:
                keep_call(path, KeptCall(running.prospect_id, running.name, running.started_at))
        except Exception:  # a full disk, a folder not writable, the book out of reach
            # The call goes on, unkept: keeping it only helps after a crash.
            self.log.warning("the running call could not be kept")

    def keep_the_call_first(
        self, prospect_id: int, name: str, started_at: datetime
    ) -> KeptCall | None:
        """Keep a call about to start, unless another window of the rep's on this book runs
        one: that window's call then, and this one is not to start."""
        from funnel_tui.call_state import KeptCall, keep_first

        try:
            call = KeptCall(prospect_id, name, started_at)
            return keep_first(self._where_the_call_is_kept(), call, self.funnel.clock())
        except Exception:  # a full disk, a folder not writable, the book out of reach
            self.log.warning("the running call could not be kept")
            return None

    def prospect_of_the_kept_call(self) -> int | None:
        """The prospect of the call kept for the rep on this book, in whichever window it
        runs or ran (one killed keeps its call to bring back): their lease stays held."""
        kept = self._kept_call()
        return None if kept is None else kept.prospect_id

    def call_in_another_window(self) -> KeptCall | None:
        """The call another window of funnel on this book (the rep's) runs now, if one
        does: the rep is on one call at a time, and that window logs it."""
        kept = self._kept_call()
        return kept if kept is not None and kept.runs_in_another_window() else None

    def _kept_call(self) -> KeptCall | None:
        """The call kept for the rep on this book now, by whichever window."""
        from funnel_tui.call_state import read_kept_call

        try:
            return read_kept_call(self._where_the_call_is_kept(), self.funnel.clock())
        except Exception:  # the book out of reach, a folder that cannot be read
            return None

    def let_go_a_call_run_too_long(self) -> str | None:
        """End the running call, not logged, once it has run longer than a call brought
        back after a restart may have (KEPT_AT_MOST), and say so; what was said (None when
        no call was let go). An app left open overnight or over a weekend logged it with
        its whole length, as talk time. An outcome dialog open on it keeps it: that dialog
        logs it without its time."""
        running = self.running_call
        if running is None:
            return None
        from funnel_tui.call_state import ran_too_long

        now = self.funnel.clock()
        if not ran_too_long(running.started_at, now) or self.logging_the_running_call():
            return None
        self.running_call = None
        return self._say_let_go(running.name, running.started_at, now)

    def _say_let_go(self, name: str, started_at: datetime, now: datetime) -> str:
        """Say that a call was let go, not logged, for running too long; what was said."""
        from funnel_tui.call_state import ran_over, when_started

        said = (
            f"Your call with {one_line(name)}, started {when_started(started_at, now)},"
            f" {ran_over()}: it was let go, not logged"
        )
        self.funnel.notify_in_place(
            CALL_TOAST,
            f"{said} (l logs a call without its time).",
            severity="warning",
            timeout=LET_GO_TOAST_S,
        )
        return said

    @work(group="kept-call")
    async def bring_back_a_kept_call(self) -> None:
        """After the first frame: the call that was running when the app last stopped."""
        from funnel_tui.ui.main_screen import RunningCall

        await self.funnel.first_frame_shown.wait()
        from funnel_tui.call_state import (
            drop_kept_call,
            kept_call_path,
            read_kept_call_and_let_go,
            when_started,
        )

        rep = self.funnel.rep
        path = kept_call_path(await self.funnel.in_db_thread(book_id), rep)
        self._kept_call_path = path
        now = self.funnel.clock()
        kept, let_go = read_kept_call_and_let_go(path, now)
        if self._torn_down:
            return
        if let_go is not None and not let_go.runs_in_another_window():
            # Left running when the app stopped (a laptop that died mid-call, reopened
            # the next morning): too long ago to run again, and said, not dropped silently.
            self._say_let_go(let_go.name, let_go.started_at, now)
            return
        if kept is None:
            return
        if kept.runs_in_another_window():
            # Brought back here too, the call was logged twice, once in each window.
            self.funnel.notify_in_place(
                CALL_TOAST,
                f"Your call with {one_line(kept.name)} runs in another window of funnel on"
                " this book: log it there.",
                timeout=BROUGHT_BACK_TOAST_S,
            )
            return
        still = await self.funnel.in_db_thread(lambda db: _still_to_log(db, kept))
        if self._torn_down or self.running_call is not None:
            return  # a call started meanwhile is the one running now
        if not still:
            drop_kept_call(path)
            return
        began = when_started(kept.started_at, self.funnel.clock())
        if (taken := await self._lease_for_the_kept_call(kept)) is not None:
            # Its lease ran out while the app was away, or it was assigned to another rep:
            # brought back, the call could not be logged, and would head the list for good.
            drop_kept_call(path)
            self.funnel.notify_in_place(
                CALL_TOAST,
                f"Your call with {one_line(kept.name)}, started {began}, was still"
                f" running when the app stopped, but {taken}: it cannot be logged; note it"
                " on their card.",
                severity="warning",
                timeout=BROUGHT_BACK_TOAST_S,
            )
            return
        if self._torn_down or self.running_call is not None:
            return
        self.running_call = RunningCall(kept.prospect_id, kept.name, kept.started_at)
        # On the cursor, kept on top of a view that would not list them (a prospect called
        # from all prospects, outside their hours now): `l` logs the row it is on.
        self.reload_queue(select=kept.prospect_id)
        self.funnel.notify_in_place(
            CALL_TOAST,
            f"Your call with {one_line(kept.name)}, started {began}, was still running"
            " when the app stopped: it runs again (l logs it).",
            timeout=BROUGHT_BACK_TOAST_S,
        )

    async def _lease_for_the_kept_call(self, kept: KeptCall) -> str | None:
        """In a team's book, the lease on the kept call's prospect, kept while the app was
        away, taken again for a lease of its own; why not, when another rep is on them now
        or owns them (None in a one-rep book)."""
        rep, now, storage = self.funnel.rep, self.funnel.clock(), self.funnel.storage
        if rep is None:
            return None
        from funnel_tui.claims import claim_to_call

        return await self.funnel.in_db_thread(
            lambda _: storage.retrying(lambda db: claim_to_call(db, kept.prospect_id, rep, now))
        )
