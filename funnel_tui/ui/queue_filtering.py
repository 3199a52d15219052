"""The queue's filter (`/`) and its views (`f`): a mixin of MainScreen, kept apart so
each file has one job.

A filter's matches show at once when a file's indexes find them in a millisecond or two,
else as the database thread reads them; enter and esc hold the keys typed after them until
the queue they act on is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from funnel_tui.queue import filter_text, read_filtered_order_quickly
from funnel_tui.queue_filter import head_reads_apart
from funnel_tui.text import one_line
from funnel_tui.ui.key_hold import KeyHold
from funnel_tui.ui.pending_selection import PendingSelection

if TYPE_CHECKING:
    from funnel_tui.queue import QueueMode
    from funnel_tui.ui.main_screen import MainScreen

    _Base = MainScreen
else:
    _Base = object


class FiltersTheQueue(_Base):
    """`/`, enter, esc and `f` on the main screen: what the queue lists."""

    def action_filter(self) -> None:
        if not self.filter_input.display:
            self._row_before_filter = self.queue.highlighted_id
        self.filter_input.display = True
        # Synchronous, so the letters typed right after `/` go into the filter.
        self.set_focus(self.filter_input)

    @property
    def _typed_filter(self) -> str:
        """The filter field's text as the queue reads it and the title shows it: one
        line, a run of spaces one space, nothing around it, and nothing for a text with no
        word (`;`), which filters nothing."""
        return filter_text(one_line(self.filter_input.value))

    def _filter_typed(self, typed: str) -> None:
        """The field's new text, before the frame that shows it: the title says it is
        looked for in that frame (its matches follow, _filter_at_once)."""
        text = filter_text(one_line(typed))
        if text and text != self._shown_filter:
            self._say_looking_for(text)
        if bool(text) != self._filter_has_text:
            self._filter_has_text = bool(text)
            self.refresh_bindings()  # esc clears the text, or closes the empty field

    def _filter_at_once(self, typed: str) -> None:
        """Show the filter's matches at once (before the frame that shows the text, when
        no other key is waiting) when a file's indexes find them in a millisecond or two,
        or a screenful of them when the view holds many (read_filtered_order_quickly: the
        rest follows from the database thread); else the database thread reads them once
        the text is set (watch_filter_text)."""
        text = filter_text(one_line(typed))
        if text == self.filter_text:
            # Typed and taken back in one burst (`e` backspace): the title said a text
            # was looked for, which no read will answer.
            self._update_title()
            return
        now = self.funnel.clock()
        order = read_filtered_order_quickly(
            self.funnel.storage.db,
            now=now,
            mode=self.mode,
            text=text,
            settings=self.funnel.settings,
            rep=self.funnel.rep,
            head_rows=max(self.queue.size.height, 1),
        )
        if order is None:
            self.filter_text = text
            return
        # A read of an earlier text still in the database thread would show it after this.
        self.workers.cancel_group(self, "queue")
        self.workers.cancel_group(self, "queue-rest")
        self._pending_selection = PendingSelection(self.queue.highlighted_id)
        self.set_reactive(type(self).filter_text, text)
        self._shown_filter = text
        self._show_order(order, now)
        if not order.complete:
            self._read_rest_of_filtered_queue()

    def action_filter_done(self) -> None:
        # Hold the keys typed after enter until the queue shows the filtered prospects,
        # so "/kwame enter l" logs a call for Kwame, not for whoever was highlighted.
        self.funnel.hold_keys()
        self.set_focus(self.queue)
        # Runs after the filter field has taken the text typed before enter.
        self.filter_input.call_later(self._show_filtered_then_release)

    async def _show_filtered_then_release(self) -> None:
        # Setting the text reloads the queue when it changed (watch_filter_text); wait for
        # the reload in flight rather than reading the same filter a second time.
        self.filter_text = self._typed_filter
        if not self.filter_text:
            # Nothing to look for (an empty box, or spaces): enter closes it, as esc does.
            self.action_close_filter()
        try:
            await self._queue_read()
        finally:
            self.funnel.release_keys()

    def action_close_filter(self) -> None:
        self.action_clear_filter()

    def action_clear_filter(self) -> None:
        if not self.filter_input.display and not self.filter_input.value:
            return
        # The keys typed right after esc act on the view's own order, read again without
        # the filter (0.4 s at 1,000,000 prospects), on the prospect it leaves highlighted:
        # never on the filter's list still on screen, nor typed into the field.
        self.funnel.hold_keys(KeyHold.QUEUE_READ)
        if self.focused is self.filter_input:
            self.set_focus(self.queue)
        self.filter_input.value = ""
        self.filter_input.display = False
        # Set now, not when the field's message arrives: the reload starts here, and the
        # keys wait for it.
        self.filter_text = ""
        self.refresh_bindings()  # esc leaves the key bar with the filter
        self._release_keys_once_queue_read()

    def watch_filter_text(self) -> None:
        # A changed filter starts at its first match. A cleared one stays on the match
        # the rep was on, or goes back to the row before `/` when nothing matched or the
        # match was one from another view, which the view's own order leaves out.
        highlighted = self.queue.highlighted_id
        if self.filter_text:
            self._pending_selection = PendingSelection(highlighted)
        elif highlighted is None:
            self._pending_selection = PendingSelection(highlighted, self._row_before_filter)
        else:
            self._pending_selection = PendingSelection(
                highlighted, highlighted, or_else=self._row_before_filter
            )
        self.reload_queue(head_first=self._filter_head_first)
        self._update_title()

    def action_toggle_mode(self) -> None:
        self.mode = self.mode.following

    def watch_mode(self, left: QueueMode, shown: QueueMode) -> None:
        # The prospect on the cursor stays on it in the new view when they are in it (all
        # prospects holds everyone), else the one last highlighted there, else the view's
        # first: never the row at the cursor's place in the view left, a prospect the rep
        # had not seen before `l` or `enter`.
        highlighted = self.queue.highlighted_id
        if highlighted is not None:
            self._last_in_view[left] = highlighted
        self._pending_selection = PendingSelection(
            highlighted, highlighted, or_else=self._last_in_view.get(shown), or_first=True
        )
        self.reload_queue(head_first=head_reads_apart(self.funnel.storage.db))
