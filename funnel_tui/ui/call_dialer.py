"""Dialing when a call starts (`enter`): a mixin of MainScreen, kept apart so each file
has one job.

The number goes to the clipboard, and to the `dial_command` when one is set, in a worker
thread: a dialer that takes its time never holds up the timer or the keys. A dial that
fails says why in the call's toast; the call timer keeps running, since the rep may dial
by hand.
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.notifications import SeverityLevel
from textual.worker import get_current_worker

from funnel_tui.text import one_line
from funnel_tui.ui.call_undo import CALL_TOAST

if TYPE_CHECKING:
    from funnel_tui.ui.main_screen import MainScreen

    _Base = MainScreen
else:
    _Base = object


# A second enter this soon after a dial is a reflex, not a redial: it would place a second
# call on top of the first (linphone, a tel: handler), the dialer often still running.
REDIAL_AFTER_S = 5.0


class CallDialer(_Base):
    # When the dial command last started (time.monotonic()), for just_dialled.
    _dialled_at: float | None = None

    def just_dialled(self) -> bool:
        """Whether the dial command started less than REDIAL_AFTER_S seconds ago."""
        return self._dialled_at is not None and monotonic() - self._dialled_at < REDIAL_AFTER_S

    def off_hours(self, prospect: Any, name: str) -> Text | None:
        """`It is 02:29 on Saturday for Kate Sullivan (outside 09:00-18:00).` when their
        clock is outside their calling hours or on a day off, as their card says; None
        when it is a time to call them, or their zone is not known."""
        from funnel_tui.cadence import not_a_calling_time

        found = not_a_calling_time(self.funnel.clock(), self.funnel.settings, prospect["timezone"])
        if found is None:
            return None
        local, why = found
        return Text.assemble(
            f"It is {local:%H:%M} on {local:%A} for ", (name, "bold"), f" ({why})."
        )

    def dial(self, prospect: Any) -> tuple[str, SeverityLevel]:
        """Copy the prospect's number and start the dial command with it; what to tell the
        rep beside "call started", and how loudly."""
        # Loaded with the first call started, not at start-up.
        from funnel_tui.dialing import DialFailed, dial_argv, dial_number

        phone = one_line(prospect["phone"]) if isinstance(prospect["phone"], str) else ""
        if not phone:
            return "no phone number to dial", "warning"
        settings = self.funnel.settings
        try:
            number = dial_number(phone, settings.phone_region)
        except DialFailed as error:
            self.app.copy_to_clipboard(phone)
            return f"not dialled: {error} (edit it with e)", "warning"
        self.app.copy_to_clipboard(number.e164)
        # The extension is said apart: it is dialled after the line answers.
        copied = f"{number.e164} copied" + (
            f"; then extension {number.extension}" if number.extension else ""
        )
        if not settings.dial_command:
            return f"{number.shown} ({copied})", "information"
        self._dialled_at = monotonic()
        self._run_dialer(dial_argv(settings.dial_command, number), number.shown, copied)
        return f"dialling {number.shown} ({copied})", "information"

    @work(thread=True, group="dial")
    def _run_dialer(self, argv: list[str], shown: str, copied: str) -> None:
        from funnel_tui.dialing import DialFailed, run_dialer

        worker = get_current_worker()
        running = self.running_call
        try:
            run_dialer(argv, cancelled=lambda: worker.is_cancelled)
        except DialFailed as error:
            self.app.call_from_thread(self._say_dial_failed, running, shown, copied, str(error))

    def _say_dial_failed(self, dialled_for: Any, shown: str, copied: str, reason: str) -> None:
        self._dialled_at = None  # nothing rings: enter dials again at once
        message = f"Dial of {shown} failed: {reason}."
        if self.running_call is not None and self.running_call == dialled_for:
            # It takes the place of the toast that said the number was copied: it says so.
            message += f" The call timer runs: dial by hand ({copied}), or enter to dial again."
            self.funnel.notify_in_place(CALL_TOAST, message, severity="error", timeout=10)
        else:
            # That call is over: its failure must not take the place of the running one's toast.
            self.notify(message, severity="error", timeout=10, markup=False)
