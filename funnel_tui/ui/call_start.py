"""Starting a call (enter) and the call that runs until it is logged: a mixin of
MainScreen, kept apart so each file has one job.

A call is refused for a prospect marked do not call, asked about at their night, weekend
or holiday, and never thrown away for another by a stray enter; it belongs to its prospect
wherever the cursor goes, and quitting with it running keeps it for the next start.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.text import Text

from funnel_tui.text import one_line
from funnel_tui.ui.call_undo import CALL_TOAST
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED

if TYPE_CHECKING:
    from funnel_tui.call_state import KeptCall
    from funnel_tui.ui.main_screen import MainScreen

    _Base = MainScreen
else:
    _Base = object


class RunningCall(NamedTuple):
    """The call started with enter: it belongs to its prospect until it is logged or ended,
    wherever the cursor goes meanwhile."""

    prospect_id: int
    name: str
    started_at: datetime


class StartsCalls(_Base):
    """enter (start or redial a call), the call's timer, and `q` while it runs."""

    async def action_start_call(self) -> None:
        card = self._card_to_act_on("started", "enter", lambda: self._nobody_to("call"))
        if card is None:
            return
        prospect = card.prospect
        name = one_line(prospect["name"])
        if prospect["do_not_call"]:
            self.funnel.notify_in_place(
                CALL_TOAST, f"Not started: {name} is marked do not call.", severity="warning"
            )
            return
        running = self.running_call
        if running is None and (elsewhere := self.call_in_another_window()) is not None:
            # Its file would give way to this one's: a kill then lost that call, and its
            # lease went back for another rep to call them.
            self._say_the_call_runs_elsewhere(elsewhere)
            return
        if running is not None and running.prospect_id == prospect["id"]:
            # A second enter dials again (a dropped line, a failed dial) and keeps the time
            # already on the call; a reflex second enter, just after the dial, does not.
            if self.just_dialled():
                self.funnel.notify_in_place(
                    CALL_TOAST,
                    f"The call with {name} is running ({self._elapsed()}): just dialled, so"
                    " not dialled again (enter in a few seconds redials)",
                    timeout=4,
                )
                return
            dialled, severity = self.dial(prospect)
            self.funnel.notify_in_place(
                CALL_TOAST,
                f"The call with {name} is running ({self._elapsed()}): {dialled}",
                severity=severity,
                timeout=4,
            )
            return
        # Their night, weekend or holiday: the rep hears it before the phone rings there.
        # Only `y` calls, and keys typed after enter (meant for the call) answer nothing.
        off_hours = self.off_hours(prospect, name)
        if running is None:
            if off_hours is None:
                self._call_once_held(prospect, name)
                return

            async def call_anyway() -> None:
                self._call_once_held(prospect, name)

            question = Text.assemble(off_hours, " Call anyway?")
            await self._confirm(
                question,
                yes="call anyway",
                then=call_anyway,
                enter_says_yes=False,
                unseen_keys_answer=False,
            )
            return

        async def end_it_and_call() -> None:
            # The running call ends only once the new one starts: refused, it runs on.
            self._call_once_held(prospect, name, ending_another=True)

        # Another prospect's call is still running: a call is only thrown away when the
        # rep says so, never by a stray enter.
        question = Text.assemble(
            "A call with ",
            (running.name, "bold"),
            f" is running ({self._elapsed()}) and not logged. End it without logging and call ",
            (name, "bold"),
            "?",
        )
        if off_hours is not None:
            question.append(" ")
            question.append_text(off_hours)
        await self._confirm(
            question,
            yes="end it and call",
            then=end_it_and_call,
            enter_says_yes=False,
            unseen_keys_answer=False,
        )

    def _start_call(self, prospect: Any, name: str, *, ending_another: bool = False) -> None:
        started_at = self.funnel.clock()
        if self.running_call is None:
            # Checked again as the call starts: another window may have started one since
            # enter (its `enter` at the same moment, a question answered).
            elsewhere = self.keep_the_call_first(prospect["id"], name, started_at)
            if elsewhere is not None:
                self._say_the_call_runs_elsewhere(elsewhere)
                return
        self.running_call = RunningCall(prospect["id"], name, started_at)
        dialled, severity = self.dial(prospect)
        self.funnel.notify_in_place(
            CALL_TOAST, f"Call started with {name}: {dialled}", severity=severity, timeout=4
        )
        if ending_another and self._pinned:
            # The ended call's prospect headed a view or filter without them: the list
            # lets them go, and its title stops saying `on call`.
            self.reload_queue(select=prospect["id"])

    def _say_the_call_runs_elsewhere(self, elsewhere: KeptCall) -> None:
        said = (
            f"Not started: your call with {one_line(elsewhere.name)} runs in another window of"
            " funnel on this book; log it there first"
        )
        # The keys typed after enter were meant for a call that did not start.
        if self.funnel.drop_held_keys():
            said = f"{said} · {KEYS_NOT_APPLIED}"
        self.funnel.notify_in_place(CALL_TOAST, f"{said}.", severity="warning")

    def _elapsed(self) -> str:
        """The running call's time as m:ss ("" when no call is running)."""
        if self.running_call is None:
            return ""
        from funnel_tui.call_state import call_time

        return call_time(self.running_call.started_at, self.funnel.clock())

    def _tick_timer(self) -> None:
        running = self.running_call
        self.gauge.call_with = "" if running is None else running.name
        self.gauge.call_timer = self._elapsed()

    def watch_running_call(self, ended: RunningCall | None, running: RunningCall | None) -> None:
        self._tick_timer()
        self.keep_the_call(running)
        self.funnel.on_call_with = None if running is None else running.prospect_id
        if ended is not None and (running is None or running.prospect_id != ended.prospect_id):
            self._call_ended(ended.prospect_id)

    async def action_quit(self) -> None:
        running = self.running_call
        if running is None:
            self.app.exit()
            return

        async def quit_app() -> None:
            self.app.exit()

        question = Text.assemble(
            "A call with ",
            (running.name, "bold"),
            f" is running ({self._elapsed()}) and not logged. Quit anyway? It is kept, and"
            " runs again when you open this book next (l logs it then).",
        )
        await self._confirm(question, yes="quit", then=quit_app)
