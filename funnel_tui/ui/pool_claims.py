"""A team's pool in the app (PRODUCT 16): a mixin of MainScreen, kept apart so each file
has one job.

The card says whose the prospect is and who holds it now. A pool prospect is claimed
once the cursor rests on it (a rep running down the queue does not take every prospect
they pass), the lease is renewed while the card stays open and given back when the
cursor leaves; the app gives back all of them when it closes. A call started with enter
keeps its prospect's lease wherever the cursor goes, until it is logged (the call gives
it back) or ended for another: no other rep takes a person the rep is on the phone with.
That call starts only once the server has given this rep the lease (the card's claim may
not have come back yet): of two reps who press enter at once, one calls, and the other is
told who has the prospect, with no call running and nothing dialled.
When another rep took the prospect first, a toast says so and the queue drops it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from funnel_tui.claims import claim_to_call, holder, release, try_claim
from funnel_tui.queue import QueueMode
from funnel_tui.rep_names import is_same_rep
from funnel_tui.reps import known_rep
from funnel_tui.store.errors import is_refused_write
from funnel_tui.store.sqlite import write_transaction
from funnel_tui.text import one_line
from funnel_tui.ui.call_undo import CALL_TOAST
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED
from funnel_tui.ui.key_hold import KeyHold
from funnel_tui.ui.prospect_card import TeamView
from funnel_tui.ui.slow_write import say_write_failed

if TYPE_CHECKING:
    from funnel_tui.ui.main_screen import MainScreen

    _Base = MainScreen
else:
    _Base = object

# How long the cursor rests on a pool prospect before it is claimed.
CLAIM_AFTER_S = 0.3


class PoolClaims(_Base):
    def _show_team_view(self, prospect_id: int | None) -> None:
        """Say who holds the prospect now, and claim it once the cursor rests on it (a
        rep running down the queue does not take every prospect they pass)."""
        rep = self.funnel.rep
        assert rep is not None
        held_by = None
        if prospect_id is not None:
            held_by = holder(self.funnel.storage.db, prospect_id, self.funnel.clock())
        self.team_view = TeamView(rep, held_by)
        if self._claim_timer is not None:
            self._claim_timer.stop()
        self._claim_timer = self.set_timer(CLAIM_AFTER_S, self._claim_shown)

    @work(exclusive=True, group="claim")
    async def _claim_shown(self) -> None:
        """Hold the prospect on the card (a pool prospect's lease), giving back the one
        held before, and say on the card who holds it; when another rep took it first,
        say so and let the queue drop it."""
        card, rep, now = self.card, self.funnel.rep, self.funnel.clock()
        if rep is None:
            return
        shown = None if card is None else card.prospect["id"]
        wanted = None if card is None or card.prospect.get("owner") else shown
        before = self._claimed
        on_call = self._on_call_with()
        # The person another window of the rep's is (or was, killed) on the phone with
        # stays held.
        keep = (wanted, on_call, self.prospect_of_the_kept_call())

        def claim(db: Any) -> tuple[bool, str | None, bool]:
            with write_transaction(db):
                if before is not None and before not in keep:
                    release(db, before, rep)
                taken = wanted is not None and try_claim(db, wanted, rep, now)
                # Not taken, and nobody else holds it: the book may no longer know the rep.
                known = taken or wanted is None or known_rep(db, rep) is not None
                return taken, None if shown is None else holder(db, shown, now), known

        taken, held_by, known = await self.funnel.in_db_thread(claim)
        if not known and not self._removed_said:
            self._removed_said = True
            self.funnel.notify(
                f"{one_line(rep)} is no longer a rep of this book (funnel rep remove?): no"
                " prospect is held for you and your calls are refused until you are added"
                " again (funnel rep add)",
                title="Not a rep here",
                severity="error",
                timeout=30,
                markup=False,
            )
        self._claimed = wanted if taken else None
        # The card may show another prospect by now (its own claim is on its way), or the
        # app may be closing, its card gone.
        if self._torn_down or self.card is None or self.card.prospect["id"] != shown:
            return
        self.team_view = TeamView(rep, held_by)
        self._show_card()
        if wanted is not None and not taken and held_by not in (None, rep):
            # Said once for a prospect, however often the card shows them again.
            if self._taken_said == shown:
                return
            self._taken_said = shown
            name = one_line(self.card.prospect["name"])
            leaves = ": they leave your queue" if self.mode is QueueMode.TODAY else ""
            self.funnel.notify(
                f"{one_line(held_by)} is on {name} now{leaves}",
                title="Taken",
                severity="warning",
                markup=False,
            )
            if self.mode is QueueMode.TODAY:
                self.reload_queue()

    def _someone_elses(self, prospect: Any) -> str | None:
        """Why the rep may not log a call with the card's prospect, as the card says it:
        another rep's (`Ann is blake's now`), or a pool prospect another rep is on now
        (`blake is on Ann now`); None when they may. The save checks again: either may
        change while the outcome dialog is open."""
        rep, team = self.funnel.rep, self.team_view
        if rep is None or team is None:
            return None
        name = one_line(prospect["name"])
        owner = prospect.get("owner")
        if owner is not None:
            return None if is_same_rep(owner, rep) else f"{name} is {one_line(owner)}'s now"
        if team.held_by is not None and not is_same_rep(team.held_by, rep):
            return f"{one_line(team.held_by)} is on {name} now"
        return None

    def _call_once_held(self, prospect: Any, name: str, *, ending_another: bool = False) -> None:
        """Start a call with the prospect: at once in a one-rep book; in a team's, once
        their lease is this rep's, which the server gives one rep alone however many press
        enter at once. The keys typed after enter wait for the answer."""
        rep = self.funnel.rep
        if rep is None:
            self._start_call(prospect, name, ending_another=ending_another)
            return
        self.funnel.hold_keys(KeyHold.CALL_CLAIM)
        self._claim_then_call(prospect, name, rep, ending_another)

    @work(group="call-claim")
    async def _claim_then_call(
        self, prospect: Any, name: str, rep: str, ending_another: bool
    ) -> None:
        prospect_id, now, storage = prospect["id"], self.funnel.clock(), self.funnel.storage
        try:
            refused = await self.funnel.in_db_thread(
                lambda _: storage.retrying(lambda db: claim_to_call(db, prospect_id, rep, now))
            )
        except Exception as error:  # out of reach: nothing started, enter asks again
            self.funnel.drop_held_keys()
            if is_refused_write(error):
                # A role that may only read: trying again cannot help, and the app says so
                # once, as for any write it refuses.
                self.funnel.say_writes_refused(error)
                return
            say_write_failed(self.funnel, "Not started", "enter", error)
            return
        if refused is not None:
            # Nothing runs, nothing is dialled or copied; the keys typed after enter were
            # meant for the call (`l n enter` would log it), and go with it.
            said = f"Not started: {refused}"
            if self.funnel.drop_held_keys():
                said = f"{said} · {KEYS_NOT_APPLIED}"
            self.funnel.notify_in_place(CALL_TOAST, f"{said}.", severity="warning")
            return
        try:
            if not self._torn_down:
                self._start_call(prospect, name, ending_another=ending_another)
        finally:
            self.funnel.release_keys(KeyHold.CALL_CLAIM)

    def _on_call_with(self) -> int | None:
        """The prospect of the call running, if one is."""
        running = self.running_call
        return None if running is None else running.prospect_id

    def _renew_claim(self) -> None:
        """Keep holding the prospect whose card stays open, and the one on the phone (a
        lease lasts LEASE)."""
        rep, now = self.funnel.rep, self.funnel.clock()
        held = {self._claimed, self._on_call_with()} - {None}
        if rep is None or not held:
            return

        def renew(db: Any) -> None:
            with write_transaction(db):
                for prospect_id in sorted(held):
                    try_claim(db, prospect_id, rep, now)

        self.funnel.in_db_thread(renew)

    def _call_ended(self, prospect_id: int) -> None:
        """A call is over: logged (whose transaction gave the lease back already), or ended
        for another's call. Its lease goes back, unless the card holds the prospect too."""
        rep = self.funnel.rep
        if rep is None or prospect_id in (self._claimed, self._on_call_with()):
            return

        def give_back(db: Any) -> None:
            with write_transaction(db):
                release(db, prospect_id, rep)

        self.funnel.in_db_thread(give_back)
