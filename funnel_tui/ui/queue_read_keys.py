"""Keys typed ahead of a read of the queue: held until the order they act on is shown,
and dropped when the prospect they were meant for left the view. A mixin of MainScreen,
kept apart so each file has one job."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from textual import work
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from funnel_tui.order_pages import GONE
from funnel_tui.queue import fetch_rows, place_elsewhere
from funnel_tui.store.errors import ConnectionLost
from funnel_tui.text import one_line
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED, keys_not_applied
from funnel_tui.ui.key_hold import KeyHold

if TYPE_CHECKING:
    from funnel_tui.ui.main_screen import MainScreen

    _Base = MainScreen
else:
    _Base = object


class KeysWaitForTheQueue(_Base):
    """Keys held until the queue is read again, then let go or dropped."""

    def _keys_typed_after_a_change(
        self, prospect_id: int | None, *, done: str = "Saved", after: str = "enter"
    ) -> None:
        """The form's enter (or the timeline's escape, `after`) held the keys typed after
        it. Closed with nothing changed, they act at once; with the prospect changed
        (`done`), once the queue is read again, on that prospect, highlighted by then. A
        prospect the view no longer lists (do not call ticked, a zone now closed, a
        callback moved to tomorrow) takes none of them: they are dropped, not applied to
        whoever took the row."""
        if prospect_id is None:
            self.funnel.release_keys()
            return
        self.funnel.hold_keys(KeyHold.QUEUE_READ)
        self.funnel.release_keys()
        self._release_keys_once_queue_read(saved=prospect_id, done=done, after=after)

    def _nobody_to(self, doing: str) -> None:
        """`l`, enter or `h` with nobody on the cursor: say why (`nothing to {doing}`). On
        a row not read since the book changed (`…`), the keys typed after it were meant for
        that row's dialog, call or timeline: they are held and dropped once the order, read
        again from now, is shown, never applied to whoever it puts on the cursor."""
        self.notify(f"{self._why_nobody()}: nothing to {doing}.", severity="warning")
        if self.queue.highlighted_id == GONE:
            self.funnel.hold_keys(KeyHold.QUEUE_READ)
            self.reload_queue()
            self._drop_keys_once_queue_read()

    @work(group="type-ahead")
    async def _drop_keys_once_queue_read(self) -> None:
        """Forget the keys held with QUEUE_READ once the order is read and shown, saying
        so: they were typed for a row the screen had not read before the book changed
        (order_pages), which the order read again may give to someone else."""
        try:
            await self._queue_read()
            await self.funnel.keys_received_so_far()
        finally:
            if self.funnel.drop_held_keys():
                self.notify(
                    f"The list was read again after a change: {KEYS_NOT_APPLIED}",
                    severity="warning",
                )

    @work(group="type-ahead")
    async def _release_keys_once_queue_read(
        self, *, saved: int | None = None, done: str = "Saved", after: str = "enter"
    ) -> None:
        """Let the keys held with QUEUE_READ act once the order is read and shown; with
        `saved` (the prospect the form saved, or whose tasks the timeline changed: `done`,
        closed by `after`), only if they are highlighted then. A saved prospect the view
        no longer lists (a zone guessed from the number, now off hours; a callback moved
        to tomorrow) is said to have left it, typed keys or not: they went from the list
        unsaid, and the cursor is on someone else."""
        try:
            await self._queue_read()
            await self.funnel.keys_received_so_far()
        finally:
            elsewhere = saved is not None and self.queue.highlighted_id != saved
            # Keys that open the filter first act on whoever it finds, not on the cursor:
            # dropped, `/` went and `george` typed on ran as commands (`e` edited a name).
            chosen_anew = self.funnel.held_keys_open_the_filter()
            typed = self.funnel.holds_keys() and not chosen_anew
            if elsewhere and typed:
                self.funnel.drop_held_keys()
            else:
                self.funnel.release_keys(KeyHold.QUEUE_READ)
            if saved is not None and elsewhere and (typed or not self.queue.belongs_to_view(saved)):
                dropped = f": {keys_not_applied(after)}" if typed else ""
                where = self._where_now(saved)
                self.notify(
                    f"{done}, but not in this view now{where}{dropped}",
                    severity="warning",
                    markup=False,
                )

    def _where_now(self, prospect_id: int) -> str:
        """Where a prospect the view no longer lists is now, as a filter's match from
        another view says it (` (off hours)`, ` (nurture)`), or that they no longer match
        the filter (renamed) or are no longer in the book (forgotten), or nothing when the
        book is out of reach."""
        listed = self.queue.position_of(prospect_id) is not None
        if self.filter_text and self._order_complete and not listed:
            # Every view's matches are listed: one not among them no longer matches.
            return f" (no longer matches “{one_line(self.filter_text)}”)"
        now = self.funnel.clock()
        try:
            rows = fetch_rows(self.funnel.storage.db, [prospect_id], now=now, rep=self.funnel.rep)
        except ConnectionLost:
            return ""
        row = rows.get(prospect_id)
        return (
            " (no longer in the book)"
            if row is None
            else f" ({place_elsewhere(row, now, self.mode)})"
        )

    async def _queue_read(self) -> None:
        """Wait until the queue's order being read (the reloads in flight) is shown."""
        while pending := self._queue_workers_in_flight("queue"):
            for worker in pending:
                # A reload that fails says so itself; the keys go on either way.
                with suppress(WorkerCancelled, WorkerFailed):
                    await worker.wait()

    def _queue_workers_in_flight(self, group: str) -> list[Worker[None]]:
        """This screen's workers of `group` (the reloads, "queue"; the rest of an order
        whose head is shown, "queue-rest") that have not finished."""
        return [
            worker
            for worker in self.workers
            if worker.node is self and worker.group == group and not worker.is_finished
        ]
