"""Logging a call's outcome (`l`): the dialog on the highlighted prospect, the write in
the database thread, and the move to the next prospect before the dialog closes. A mixin
of MainScreen, kept apart so each file has one job.

Keys typed ahead of a call go on to the next prospect, unless they were meant for someone
they can no longer reach (`_why_keys_stop_after_a_call`): then they are dropped and said.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from datetime import datetime
from functools import partial
from time import monotonic
from typing import TYPE_CHECKING, Any

from rich.text import Text

from funnel_tui.order_pages import GONE
from funnel_tui.settings import Settings
from funnel_tui.store.errors import ConnectionLost
from funnel_tui.text import one_line
from funnel_tui.ui.call_undo import CALL_TOAST
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED
from funnel_tui.ui.key_hold import KeyHold

if TYPE_CHECKING:
    from funnel_tui.call_log import CallOutcome, LoggedCall
    from funnel_tui.ui.main_screen import MainScreen

    _Base = MainScreen
else:
    _Base = object

# How long the toast that says a call was logged stays.
LOGGED_TOAST_S = 3.0
# Keys typed ahead stop before a prospect this window logged a call on this recently (the
# monotonic clock's seconds): one called seconds ago that the order puts next again (a
# second late callback keeps them due, just below the next match) was called twice.
CALLED_JUST_NOW_S = 600.0


class LogsOutcomes(_Base):
    """`l` and what follows it: the outcome dialog, the call written, the next prospect."""

    async def action_log_outcome(self) -> None:
        card = self._card_to_act_on("logged", "l", lambda: self._nobody_to("log"))
        if card is None:
            return
        prospect = card.prospect
        refused = self._someone_elses(prospect)
        if refused is not None:
            # Said before the rep types a whole note for nothing, as enter says it before
            # a call. The keys typed after `l` were meant for the dialog: they go with it.
            said = f"Not logged: {refused}"
            self.funnel.notify_in_place(CALL_TOAST, f"{said}.", severity="warning")
            self.funnel.hold_keys()
            self.funnel.drop_held_keys_once_shown(
                lambda: self.funnel.notify_in_place(
                    CALL_TOAST, f"{said} · keys typed after l were not applied.", severity="warning"
                )
            )
            return
        # A call run too long is let go before it is logged with its whole length: the
        # minute's look at the clock may not have come round yet. The dialog, which takes
        # the toast's place, says so.
        let_go = self.let_go_a_call_run_too_long()
        if prospect["do_not_call"]:
            question = Text.assemble(
                (one_line(prospect["name"]), "bold"),
                " is marked do not call. Log a call anyway?",
            )
            then = partial(self._open_outcome_dialog, let_go)
            await self._confirm(question, yes="log it", then=then)
            return
        await self._open_outcome_dialog(let_go)

    def _why_keys_stop_after_a_call(self, after: int | None) -> str | None:
        """Why the keys typed after this call cannot go on to `after`, the row after the
        prospect logged, if they cannot: they were meant for the view's next prospect,
        and are dropped rather than applied to another (None: they go on to it)."""
        if after == GONE:
            # Past the rows of a long order read before the book changed (order_pages).
            return "the list is being read again"
        if after is None and not self._order_complete:
            # The last row of a head whose rest is still being read (`end` while a
            # filter's matches are counted): the next prospect is not known yet.
            return "the next prospect is still being counted"
        if after is None:
            # The last row: the keys were meant for the next prospect, and there is none.
            # A filter that finds them alone had them act on this one again (a reflex
            # second enter called them back), and the row above is most often one logged
            # just before (all prospects and nurture keep them, today's queue a callback
            # due later today, and a running call's prospect is kept on top).
            return "no next prospect here"
        if not self.queue.belongs_to_view(after):
            # A filter's match from another view (lost, nurture, off hours ...), dimmed:
            # not a prospect to call at full speed.
            return "the next match is not in this view"
        running = self.running_call
        if running is not None and after == running.prospect_id:
            # The call still running: its outcome is the rep's to log with them in view,
            # not with keys typed for whoever came next.
            return "the next prospect is on your running call"
        if monotonic() - self._logged_at.get(after, -CALLED_JUST_NOW_S) < CALLED_JUST_NOW_S:
            # Called just now, and next again: the keys were meant for someone else.
            return "the next prospect was called just now"
        return None

    def _called_just_now(self, prospect_id: int) -> None:
        """Note a call this window logged, forgetting those past CALLED_JUST_NOW_S."""
        now = monotonic()
        self._logged_at = {
            other: at for other, at in self._logged_at.items() if now - at < CALLED_JUST_NOW_S
        }
        self._logged_at[prospect_id] = now

    async def _open_outcome_dialog(self, let_go: str | None = None) -> None:
        """The outcome dialog on the card's prospect; `let_go` says a call run too long
        was let go as `l` opened it."""
        # The outcome dialog and the call log load with the first call logged.
        from funnel_tui.call_log import ChangedMeanwhile, SeenOnCard, log_call
        from funnel_tui.ui.outcome_dialog import CallContext, OutcomeDialog
        from funnel_tui.what_next import INVITED_MEETING_CANCELLED, logged_line

        if self.card is None:
            return
        prospect = self.card.prospect
        prospect_id = prospect["id"]
        after = self.queue.id_after(prospect_id)
        next_id = after
        if next_id is None and self._order_complete:
            # After the last row, the cursor goes to the one before it: never the same
            # prospect again.
            next_id = self.queue.id_before(prospect_id)
        if next_id == GONE:
            # A row of a long order not read before the book changed: the order read
            # again places the cursor, where the row called leaves it.
            next_id = None
        keys_stop = self._why_keys_stop_after_a_call(after)
        # The running call's time goes to its own prospect only; another gets no duration,
        # and the dialog says whose call is running.
        call = self.running_call
        on_call_with = None
        if call is not None and call.prospect_id != prospect_id:
            call, on_call_with = None, call.name
        context = CallContext.for_prospect(
            prospect,
            started_at=None if call is None else call.started_at,
            settings=self.funnel.settings,
            tasks=self.card.tasks,
            every_open_task=len(self.card.tasks) >= self.card.open_task_count,
            on_call_with=on_call_with,
            let_go=let_go,
            today=self.funnel.clock().date(),
        )
        rep, storage = self.funnel.rep, self.funnel.storage
        # A key for this call: when a team database's connection drops as it commits, the
        # retry on a new connection finds the call instead of writing it twice, and so does
        # enter pressed again once a database out of reach is back (the dialog stays open).
        request_id = str(uuid.uuid4()) if rep is not None else None
        # Another rep's call since the card showed this prospect, or a do-not-call mark set
        # since (which the rep has not confirmed calling through), refuses this one; once
        # the dialog has said so, enter logs it as well.
        seen = SeenOnCard.of(prospect)
        # Whether the call cancelled a meeting the prospect was sent the invite to, which
        # their calendar holds until they are sent its cancellation.
        invited_meeting_cancelled = False

        def write(db: Any, entry: CallOutcome, now: datetime, settings: Settings) -> LoggedCall:
            nonlocal seen, invited_meeting_cancelled
            try:
                logged = log_call(
                    db,
                    prospect_id,
                    entry,
                    now=now,
                    settings=settings,
                    request_id=request_id,
                    rep=rep,
                    seen=seen,
                )
            except ChangedMeanwhile as changed:
                seen = changed.seen
                raise
            if logged.meetings_cancelled:
                from funnel_tui.emailing.fit import cancellation_fits

                invited_meeting_cancelled = cancellation_fits(
                    db, prospect_id, logged.meetings_cancelled, now, rep
                )
            return logged

        def save(entry: CallOutcome) -> Awaitable[LoggedCall]:
            now = self.funnel.clock()
            settings = self.funnel.settings
            # A filter's matches still being counted, or a whole order being read (another
            # program's change), are read again after the call: their read stops rather
            # than hold up the call (_read_order_in_db_thread), and is made again should
            # the call fail.
            self.workers.cancel_group(self, "queue-rest")
            self.workers.cancel_group(self, "queue")
            # Handed to the database thread now; the rest runs once it has committed.
            writing = self.funnel.in_db_thread(
                lambda _: storage.retrying(lambda db: write(db, entry, now, settings))
            )
            writing.add_done_callback(self._count_again_if_failed)
            return moved_on(writing, entry)

        async def moved_on(writing: Awaitable[LoggedCall], entry: CallOutcome) -> LoggedCall:
            logged = await writing
            self.undo_session.call_logged(logged.call_id)
            self._called_just_now(prospect_id)
            # Move on before the dialog closes, so a key pressed right after it acts on
            # the next prospect, never on the one just logged.
            if call is not None and self.running_call is call:
                self.running_call = None
            said = logged_line(
                logged,
                prospect["name"],
                prospect["timezone"],
                self.funnel.clock(),
                amount_cents=entry.amount_cents,
                currency=self.funnel.settings.currency,
                booked=entry.follow_up_at,
            )
            if invited_meeting_cancelled:
                said = f"{said} · {INVITED_MEETING_CANCELLED}"
            if call is not None and entry.started_at is None:
                # The dialog was open as the call ran past the limit: logged without it.
                from funnel_tui.call_state import ran_over

                said = f"{said} · logged without its time: the call {ran_over()}"
            if keys_stop is not None and self.funnel.drop_held_keys():
                said = f"{said} · {keys_stop}: {KEYS_NOT_APPLIED}"
            self.funnel.notify_in_place(CALL_TOAST, said, timeout=LOGGED_TOAST_S)
            try:
                # In every view: in the lists that keep the prospect just logged (all
                # prospects, nurture), a cursor left on them had the next `l n enter` log
                # them again.
                self._select(next_id)
            except ConnectionLost as error:
                # Saved: only the next card could not be read.
                self.funnel.say_out_of_reach(error)
            # The keys typed ahead wait for the order read again: in the order on screen
            # now, the prospect just logged is still a row for `k` to move back to. Those
            # meant for a row not read before the book changed are dropped.
            self.funnel.hold_keys(KeyHold.QUEUE_READ)
            if after == GONE:
                self._drop_keys_once_queue_read()
            else:
                self._release_keys_once_queue_read()
            self.reload_pace(replan=True)
            return logged

        if self._outcome_dialog is None:
            # Installed, so it stays mounted between calls and opens at once.
            self._outcome_dialog = OutcomeDialog(context, clock=self.funnel.clock, save=save)
            self.app.install_screen(self._outcome_dialog, name="outcome")
        else:
            self._outcome_dialog.prepare(context, save)
        await self._open(self._outcome_dialog, self._after_outcome)

    def logging_the_running_call(self) -> bool:
        """Whether the outcome dialog is open on the running call, to log it."""
        dialog, running = self._outcome_dialog, self.running_call
        return (
            dialog is not None
            and running is not None
            and dialog in self.app.screen_stack
            and dialog.context.started_at == running.started_at
        )

    def _after_outcome(self, logged: object) -> None:
        """A call logged moves the rep on in the queue: the queue has the keys again, where
        a pane tabbed to before the call kept them (`j` scrolled the script, not the list)."""
        if logged is not None:
            self.queue.focus()

    def _select(self, prospect_id: int | None) -> None:
        """Show this prospect now (the queue's order is read again in the background:
        under a filter, its head first, so that the keys typed ahead need not wait for
        every match to be counted)."""
        if prospect_id is not None:
            position = self.queue.position_of(prospect_id)
            if position is not None:
                self.queue.cursor = position
            self._show(prospect_id)
        self.reload_queue(select=prospect_id, head_first=self._filter_head_first)
