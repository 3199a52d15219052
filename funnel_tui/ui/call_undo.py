"""Undo (`u`) and redo (`ctrl+y`) of logged calls: a mixin of MainScreen, kept apart so
each file has one job.

Undo asks first when the call is a win, was not logged in this session, or would be a
second undo in a row, so a held `u` never takes back more than one call unasked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from funnel_tui.domain import Outcome
from funnel_tui.ui.key_hold import KeyHold
from funnel_tui.ui.slow_write import say_write_failed, waiting_toast

# What happened to the call (started, logged, undone, redone) is one toast, the latest: a
# run of quick logs would otherwise stack a toast each over the card.
CALL_TOAST = "call"

if TYPE_CHECKING:
    from funnel_tui.call_log import LastCall, LoggedCall, UndoneCall
    from funnel_tui.ui.main_screen import MainScreen

    _Base = MainScreen
else:
    _Base = object


class UndoSession:
    """What undo and redo remember during one run of the app."""

    def __init__(self) -> None:
        # The calls logged in this session, and the last of them (or redone).
        self.logged: set[int] = set()
        self.latest: int | None = None
        # Whether the last call change of this session was an undo.
        self.undid_last = False
        # The calls undone in this session and not yet redone, the newest last: ctrl+y
        # redoes them newest first. Logging a new call forgets them, as editors do.
        self.redoable: list[UndoneCall] = []
        # An undo or redo is under way: keys repeated meanwhile do nothing.
        self.busy = False
        # What the rep changed since the last call logged, undone or redone, that undo
        # does not take back (`changed Ann Archer's tasks in the timeline`): `u` would
        # reach past it to a call, so it asks first.
        self.changed_since: str | None = None

    def changed(self, what: str) -> None:
        """The rep changed something undo does not take back: `what` says it."""
        self.changed_since = what

    def call_logged(self, call_id: int) -> None:
        """A new call, logged by the rep: the undone calls can no longer be redone."""
        self.call_redone(call_id)
        self.redoable.clear()

    def call_redone(self, call_id: int) -> None:
        self.logged.add(call_id)
        self.latest = call_id
        self.undid_last = False
        self.changed_since = None

    def call_undone(self, undone: UndoneCall) -> None:
        self.undid_last = True
        self.changed_since = None
        # SQLite may give its id to the next call written, by this app or another program:
        # that call was not logged here unless it is logged (or redone) here again.
        self.logged.discard(undone.call_id)
        self.redoable.append(undone)

    def forget_prospect(self, prospect_id: int) -> None:
        """A prospect forgotten on request: no undone call of theirs can be redone (their
        calls, and the undo records in the book, went with them)."""
        self.redoable = [undone for undone in self.redoable if undone.prospect_id != prospect_id]

    def reasons_to_ask(self, call: LastCall) -> list[str]:
        reasons = []
        if call.outcome is Outcome.WON:
            reasons.append("it is a win")
        if call.call_id not in self.logged:
            reasons.append("it was not logged in this session")
        elif self.latest is not None and call.call_id != self.latest and not self.undid_last:
            # The last call logged here went with a prospect forgotten since: u would
            # reach back past it, and past whatever was done after this one.
            reasons.append("it is not the last call you logged here")
        if self.undid_last:
            reasons.append("it would be a second undo in a row")
        if self.changed_since is not None and call.call_id == self.latest:
            reasons.append(f"you {self.changed_since} after it, which u does not undo")
        elif self.changed_since is not None:
            # Not this session's last call: whether the change came after it is unknown.
            reasons.append(f"the last thing you did ({self.changed_since}) u does not undo")
        return reasons


class CallUndo(_Base):
    """The undo and redo actions; MainScreen keeps an UndoSession in `undo_session`.

    The keys typed after `u` or `ctrl+y` are held (the app's type-ahead) until the call is
    undone or redone and the queue read again, as after a call logged: `u j l v enter`
    undoes the last call, then logs a voicemail on the row below, never the other way
    round, and `u p` opens the pace screen without the call. When undo asks first, the
    keys go to its question, and those after the answer wait for the undo.
    """

    def action_undo(self) -> None:
        if self.undo_session.busy:
            return
        self.undo_session.busy = True
        self.funnel.hold_keys(KeyHold.UNDO)
        self._ask_then_undo()

    def _undo_settled(self) -> None:
        """No undo or redo under way any more: the held keys go on."""
        self.undo_session.busy = False
        self.funnel.release_keys(KeyHold.UNDO)

    def _undo_failed(self, key: str) -> None:
        """The undo or redo changed nothing: the keys typed after it were meant for the
        book it would have left, and are dropped (said once, beside why it failed)."""
        self.undo_session.busy = False
        if self.funnel.drop_held_keys():
            self.notify(f"Keys typed after {key} were not applied.", severity="warning")

    @work(group="undo")
    async def _ask_then_undo(self) -> None:
        # The call log and the dialog load with the first undo, not at start-up.
        from funnel_tui.call_log import last_call
        from funnel_tui.ui.undo_confirm import UndoConfirm, describe_call

        session = self.undo_session
        try:
            rep = self.funnel.rep
            call = await self.funnel.in_db_thread(lambda db: last_call(db, rep))
        except Exception as error:  # an unreadable file: say so, the app carries on
            self._not_undone(error)
            self._undo_failed("u")
            return
        if call is None:
            self._undo_settled()
            self.notify("Nothing to undo.", severity="warning")
            return
        reasons = session.reasons_to_ask(call)
        if not reasons:
            self._undo(call)
            return
        described = describe_call(
            call, currency=self.funnel.settings.currency, now=self.funnel.clock()
        )

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._undo(call)
            else:
                self._undo_settled()

        # The undo stays busy while the question is up: a held `u` lands in the question,
        # which takes the keys typed so far once it is up (a yes holds them again).
        await self.app.push_screen(UndoConfirm(described, reasons), answered)
        self.funnel.release_keys(KeyHold.UNDO)

    @work(group="undo")
    async def _undo(self, call: LastCall) -> None:
        from funnel_tui.call_log import (
            LastCallChanged,
            ProspectMovedOn,
            UndoRecordUnreadable,
            undo_last_call,
        )
        from funnel_tui.what_next import undone_line

        session = self.undo_session

        def undo(db: Any) -> tuple[UndoneCall | None, str | None]:
            undone = undo_last_call(db, call_id=call.call_id, rep=self.funnel.rep)
            return undone, _their_zone(db, call.prospect_id)

        try:
            with waiting_toast(self.funnel):
                undone, zone = await self.funnel.in_db_thread(undo)
        except (LastCallChanged, ProspectMovedOn) as changed:
            self.notify(f"Not undone: {changed}", severity="warning", markup=False)
            self._undo_failed("u")
            return
        except UndoRecordUnreadable as unreadable:
            # Trying again would meet the same record: no retry is offered.
            self.notify(f"Not undone: {unreadable}", severity="error", timeout=8, markup=False)
            self._undo_failed("u")
            return
        except Exception as error:  # a failed write changes nothing; the app carries on
            self._not_undone(error)
            self._undo_failed("u")
            return
        if undone is None:
            self._undo_settled()
            self.notify("Nothing to undo.", severity="warning")
            return
        session.call_undone(undone)
        message = undone_line(undone, zone, self.funnel.clock())
        severity = "warning" if undone.not_restored else "information"
        self.funnel.notify_in_place(CALL_TOAST, message, severity=severity)
        self._changed_then_go_on(undone.prospect_id)

    def _redo_dropped(self, why: str) -> None:
        """An undone call no try can redo, taken off the list: said, and the next ctrl+y
        goes on to the call undone before it, which it stood before for good."""
        more = "; ctrl+y redoes the call undone before it" if self.undo_session.redoable else ""
        self.notify(f"Not redone: {why}{more}", severity="warning", markup=False)
        self._undo_failed("ctrl+y")

    def _changed_then_go_on(self, prospect_id: int) -> None:
        """After an undo or redo: show its prospect, and let the held keys go on once the
        queue is read again (as after a call logged)."""
        self.funnel.hold_keys(KeyHold.QUEUE_READ)
        self._select(prospect_id)
        self._release_keys_once_queue_read()
        self.reload_pace(replan=True)
        self._undo_settled()

    def _not_undone(self, error: Exception) -> None:
        say_write_failed(self.funnel, "Not undone", "u", error)

    def action_redo(self) -> None:
        session = self.undo_session
        if session.busy:
            return
        if not session.redoable:
            self.notify("Nothing to redo.", severity="warning")
            return
        session.busy = True
        self.funnel.hold_keys(KeyHold.UNDO)
        self._redo(session.redoable[-1])

    @work(group="undo")
    async def _redo(self, undone: UndoneCall) -> None:
        from funnel_tui.call_log import OwnedByAnother, ProspectGone, redo_call
        from funnel_tui.what_next import column_label, logged_line

        session = self.undo_session
        now, settings = self.funnel.clock(), self.funnel.settings

        def redo(db: Any) -> tuple[LoggedCall, str | None]:
            logged = redo_call(db, undone, now=now, settings=settings, rep=self.funnel.rep)
            return logged, _their_zone(db, undone.prospect_id)

        try:
            with waiting_toast(self.funnel):
                logged, zone = await self.funnel.in_db_thread(redo)
        except ProspectGone:
            # Forgotten or deleted elsewhere. Not named: they may be forgotten.
            session.forget_prospect(undone.prospect_id)
            self._redo_dropped(
                f"its prospect (id {undone.prospect_id}) is no longer in the book"
                " (forgotten or deleted elsewhere)"
            )
            return
        except OwnedByAnother as owned:
            # Another rep's now (`funnel assign`).
            session.redoable.pop()
            self._redo_dropped(str(owned))
            return
        except Exception as error:  # a failed write changes nothing; the app carries on
            say_write_failed(self.funnel, "Not redone", "ctrl+y", error)
            self._undo_failed("ctrl+y")
            return
        session.redoable.pop()
        session.call_redone(logged.call_id)
        entry = undone.entry
        # What the call left to come, as when it was first logged.
        said = logged_line(
            logged,
            undone.prospect_name,
            zone,
            now,
            amount_cents=entry.amount_cents,
            currency=settings.currency,
            booked=entry.follow_up_at,
            done="Redid",
        )
        severity = "information"
        if undone.kept_columns:
            kept = ", ".join(column_label(column) for column in undone.kept_columns)
            said += f"; kept {kept}: changed since the call"
            severity = "warning"
        self.funnel.notify_in_place(CALL_TOAST, said, severity=severity)
        self._changed_then_go_on(undone.prospect_id)


def _their_zone(db: Any, prospect_id: int) -> str | None:
    """The prospect's time zone as stored, for a toast that says times on their clock;
    None without one (or for a value another tool stored that is no text)."""
    from funnel_tui.prospects import get_prospect

    zone = (get_prospect(db, prospect_id) or {}).get("timezone")
    return zone if isinstance(zone, str) else None
