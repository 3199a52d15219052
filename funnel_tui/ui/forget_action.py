"""Forgetting the prospect on the card on their request (`F`): a mixin of MainScreen,
kept apart so each file has one job.

The question names the prospect and only `y` answers it (enter, the key that starts a
call, does not): nothing brings a forgotten prospect back, undo included.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from funnel_tui.store.sqlite import describe_error
from funnel_tui.text import one_line
from funnel_tui.ui.key_hold import KeyHold
from funnel_tui.ui.slow_write import say_write_failed

if TYPE_CHECKING:
    from funnel_tui.forget import Forgotten
    from funnel_tui.ui.main_screen import MainScreen

    _Base = MainScreen
else:
    _Base = object

FORGET_KEY = "F"
# One toast says what forgetting is doing, from the deletes to the file compacted.
FORGET_TOAST = "forgetting"
# Up for as long as the compacting may take: it is withdrawn once it is done.
FORGET_TOAST_S = 600
# What forgetting did not reach: the copies named in it (the rest counted) so that it
# fits beside the card at 80x24, and up long enough to note them.
NOT_REACHED_NAMES_SHOWN = 3
NOT_REACHED_TOAST_S = 30


def forget_question(name: str, prospect_id: int) -> Text:
    """The confirmation, naming the prospect (shown literally: a name is never markup)."""
    return Text.assemble(
        "Forget ",
        (one_line(name) or "(no name)", "bold"),
        f" (prospect {prospect_id}) on their request? Their calls, notes, tasks and emails"
        " are deleted, their deals stay as anonymous amounts, and their email and phone are"
        " kept, hashed, so no import brings them back. This cannot be undone.",
    )


class ForgetAction(_Base):
    """The forget action; MainScreen binds it."""

    async def action_forget_prospect(self) -> None:
        card = self._card_to_act_on(
            "forgotten",
            "F",
            lambda: self.notify("The queue is empty: nobody to forget.", severity="warning"),
        )
        if card is None:
            return
        prospect_id, name = int(card.prospect["id"]), str(card.prospect["name"])
        if self.running_call is not None and self.running_call.prospect_id == prospect_id:
            self.notify(
                f"A call with {one_line(name)} is running: log it (l) before forgetting them.",
                severity="warning",
                markup=False,
            )
            return

        async def forget() -> None:
            # The keys typed after `y` are for the list without them: held until it is
            # read again, as after a call (`y l n enter` logs the next prospect).
            self.funnel.hold_keys(KeyHold.QUEUE_READ)
            self._forget(prospect_id)

        question = forget_question(name, prospect_id)
        if (theirs := self._someone_elses(card.prospect)) is not None:
            # Another rep's, or one another rep is on now: said first, as `e` says it.
            question = Text.assemble(f"{theirs}. ", question)
        await self._confirm(
            question,
            yes="forget them",
            then=forget,
            enter_says_yes=False,
        )

    @work(group="forget")
    async def _forget(self, prospect_id: int) -> None:
        # Imported when first used: the first frame needs none of it.
        from funnel_tui.forget import UnknownProspect, erase_prospect

        app = self.funnel
        # The deletes take a second or two at 1,000,000 prospects; what waits for them
        # says it waits for the forget, not for another program.
        app.long_write = "a prospect to be forgotten"
        app.notify_in_place(
            FORGET_TOAST, f"Forgetting prospect {prospect_id}…", timeout=FORGET_TOAST_S
        )
        try:
            erased = await app.in_db_thread(lambda db: erase_prospect(db, prospect_id))
        except UnknownProspect:
            app.withdraw_toast(FORGET_TOAST)
            self.notify("This prospect no longer exists.", severity="warning")
            self._keys_after_forget_dropped()
            self.reload_queue()
            return
        except Exception as error:  # a failed write changes nothing; the app carries on
            app.withdraw_toast(FORGET_TOAST)
            say_write_failed(app, "Not forgotten", FORGET_KEY, error)
            self._keys_after_forget_dropped()
            return
        finally:
            app.long_write = None
        # Nothing this session remembers about them may bring them back.
        self.undo_session.forget_prospect(prospect_id)
        if self._claimed == prospect_id:
            self._claimed = None
        self.card = None
        # The list and the gauge without them first: compacting the file, next, holds
        # every read and write of the app's database thread until it is done.
        self.reload_queue()
        self.reload_pace(replan=True)
        try:
            await self._queue_read()
        finally:
            app.release_keys(KeyHold.QUEUE_READ)
        forgotten = await self._compact_after(erased)
        self.notify(forgotten.summary(), timeout=8, markup=False)
        self._say_not_reached(forgotten)

    def _say_not_reached(self, forgotten: Forgotten) -> None:
        """What forgetting could not reach (the book's copies beside it, the calendars
        and mailboxes), in a toast of its own that stays up long enough to be read."""
        from funnel_tui.forget import with_copies_beside

        forgotten = with_copies_beside(forgotten, self.funnel.storage)
        not_reached = forgotten.not_reached(names_shown=NOT_REACHED_NAMES_SHOWN)
        if not_reached is not None:
            self.notify(not_reached, severity="warning", timeout=NOT_REACHED_TOAST_S, markup=False)

    def _keys_after_forget_dropped(self) -> None:
        """The keys typed after `y` were for the prospect after the one forgotten: when the
        forget fails, they are dropped, never applied to the prospect still there."""
        if self.funnel.drop_held_keys():
            self.notify("Keys typed after y were not applied.", severity="warning")

    async def _compact_after(self, erased: Forgotten) -> Forgotten:
        """Compact the book so that no copy of the forgotten prospect is left, saying so
        meanwhile (most of a minute at 1,000,000 prospects); what was done, with why a
        copy may remain if the book could not be compacted."""
        from funnel_tui.forget import not_compacted, scrub_book

        app = self.funnel
        app.long_write = "the file to be compacted (a prospect forgotten)"
        app.notify_in_place(
            FORGET_TOAST,
            f"Forgot prospect {erased.prospect_id}; compacting the file so that no copy of"
            " them is left (up to a minute in a large book): what you save meanwhile is"
            " saved once it is done",
            timeout=FORGET_TOAST_S,
        )
        try:
            return await app.in_db_thread(lambda db: scrub_book(db, erased))
        except Exception as error:  # the prospect is forgotten; only the compacting failed
            return replace(erased, leftover=not_compacted(describe_error(error)))
        finally:
            app.long_write = None
            app.withdraw_toast(FORGET_TOAST)
