"""MainScreen: the rep's day: queue, card, script and quota gauge, driven from the keyboard."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from time import monotonic
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from funnel_tui.claims import LEASE
from funnel_tui.domain import DEFAULT_METHOD, method_or_default
from funnel_tui.order_pages import GONE, pinned_first, read_with
from funnel_tui.own_settings import own_settings_stamp
from funnel_tui.phones import library_loaded, load_library
from funnel_tui.proposals import last_proposal
from funnel_tui.prospects import (
    CardData,
    load_card,
    set_method,
)
from funnel_tui.queue import (
    QueueMode,
    QueueOrder,
    fetch_rows,
    read_order,
)
from funnel_tui.queue_filter import FILTER_MAX_LENGTH, head_reads_apart
from funnel_tui.scripts import read_history, suggested_method
from funnel_tui.scripts.fill import fill_script
from funnel_tui.settings import Settings, read_settings
from funnel_tui.store.errors import ConnectionLost
from funnel_tui.store.stopping import stopped_when
from funnel_tui.text import one_line
from funnel_tui.ui.book_dialogs import BookDialogs
from funnel_tui.ui.call_dialer import CallDialer
from funnel_tui.ui.call_queue import CallQueue
from funnel_tui.ui.call_start import RunningCall, StartsCalls
from funnel_tui.ui.call_undo import CALL_TOAST, CallUndo, UndoSession
from funnel_tui.ui.caught_up import keys_not_applied
from funnel_tui.ui.filter_field import FilterField
from funnel_tui.ui.fitted_label import FittedLabel
from funnel_tui.ui.forget_action import FORGET_KEY, ForgetAction
from funnel_tui.ui.formatting import day_and_time
from funnel_tui.ui.kept_call import KeepsTheCall
from funnel_tui.ui.key_bar import KeyBar
from funnel_tui.ui.key_hold import KeyHold
from funnel_tui.ui.method_picker import MethodPicker
from funnel_tui.ui.outcome_logging import LogsOutcomes
from funnel_tui.ui.pending_selection import PendingSelection
from funnel_tui.ui.pool_claims import PoolClaims
from funnel_tui.ui.prospect_card import ProspectCard, TeamView
from funnel_tui.ui.queue_filtering import FiltersTheQueue
from funnel_tui.ui.queue_read_keys import KeysWaitForTheQueue
from funnel_tui.ui.quota_gauge import QuotaGauge, daily_goals
from funnel_tui.ui.script_pane import ScriptPane, ScriptView
from funnel_tui.ui.slow_write import say_write_failed, waiting_toast
from funnel_tui.ui.startup_frame import PaintedAfterStartup

if TYPE_CHECKING:
    from funnel_tui.gauge_figures import CachedPlan, GaugeFigures
    from funnel_tui.team_figures import TeamToday
    from funnel_tui.ui.app import FunnelApp
    from funnel_tui.ui.outcome_dialog import OutcomeDialog
    from funnel_tui.ui.pace_ahead import PaceReader

# More rows than any terminal shows: the first read of the queue stops there.
FIRST_SCREEN_ROWS = 200
# A team's database: how often the change count is looked at (an in-memory read), so
# another rep's change shows within a second.
TEAM_POLL_S = 0.25
# A file: how often its change count is read (`PRAGMA data_version`, microseconds). Every
# second, a change committed just after a look was shown a second later and then some:
# past the second the README promises.
FILE_POLL_S = 0.5
# A team's database out of reach: how often the poll asks whether it is back.
TRY_AGAIN_S = 1.0
# How long after another rep's lease runs out its prospect is read back (clocks differ a
# little between the server, which keeps the time, and the app).
LAPSE_MARGIN_S = 0.5

# How often the poll looks at the wall clock: reading it (the zone's file) costs tens of
# microseconds, more than the rest of the poll.
CLOCK_LOOK_S = 1.0
# A wall clock that moved this much more (or less) than the monotonic clock between two
# looks jumped: a laptop woken from sleep, where the monotonic clock stood still, or a
# clock set. The screen then follows the clock at once, not at the next minute's look.
CLOCK_JUMP_S = 60.0


class MainScreen(
    StartsCalls,
    LogsOutcomes,
    FiltersTheQueue,
    KeysWaitForTheQueue,
    CallUndo,
    CallDialer,
    PoolClaims,
    KeepsTheCall,
    BookDialogs,
    ForgetAction,
    PaintedAfterStartup,
):
    """One screen, always all four regions; every action is a key and a palette command."""

    # Priority bindings run in the order the keys arrive, before any key reaches a widget,
    # so "l n enter" typed at full speed logs a no-answer. check_action turns them off
    # while a text field has focus, so letters typed there are text.
    # The filter's keys, on only while the filter is open (check_action): the help screen
    # lists them under the filter, not as what the keys do on the main screen, and the
    # palette leaves them out.
    FILTER_BINDINGS = [
        Binding("enter", "filter_done", "Done filtering", priority=True),
        # Leaving the field by tab is done filtering too: the keys after it wait for the
        # matches, as after enter, so `/qx tab l` never logs whoever was highlighted.
        Binding("tab,shift+tab", "filter_done", "Done filtering", show=False, priority=True),
        Binding("escape", "clear_filter", "Clear filter"),
        Binding("escape", "close_filter", "Close filter"),
    ]
    BINDINGS = [
        Binding("enter", "start_call", "Start call", priority=True),
        *FILTER_BINDINGS,
        Binding("l", "log_outcome", "Log outcome", priority=True),
        Binding("u,ctrl+z", "undo", "Undo last call", priority=True),
        Binding("ctrl+y", "redo", "Redo undone call", show=False, priority=True),
        Binding("h", "timeline", "Timeline", priority=True),
        Binding("m", "pick_method", "Method", priority=True),
        Binding("left_square_bracket", "previous_step", "Prev step", priority=True),
        Binding("right_square_bracket", "next_step", "Next step", priority=True),
        Binding("slash", "filter", "Filter", priority=True),
        Binding("f", "toggle_mode", "Queue/all/nurture", priority=True),
        Binding("a", "add_prospect", "Add", priority=True),
        Binding("e", "edit_prospect", "Edit", priority=True),
        Binding("n", "add_note", "Note", priority=True),
        Binding("E", "compose_email", "Email", show=False, priority=True),
        Binding("o", "toggle_objections", "All objections", show=False, priority=True),
        Binding("t", "set_target", "Set target", show=False, priority=True),
        Binding("p", "performance", "Pace, pipeline and conversion", show=False, priority=True),
        Binding("s", "settings", "Settings", show=False, priority=True),
        Binding("i", "import_csv", "Import CSV", show=False, priority=True),
        Binding(
            FORGET_KEY, "forget_prospect", "Forget prospect (on request)", show=False, priority=True
        ),
        Binding("question_mark", "help", "Help", priority=True),
        Binding("q", "quit", "Quit", priority=True),
    ]

    AUTO_FOCUS = "#queue"

    mode: reactive[QueueMode] = reactive(QueueMode.TODAY, init=False)
    """Whether the queue shows today's calls or every prospect."""

    filter_text: reactive[str] = reactive("", init=False)
    """What the rep typed after `/`; matches name, company, email or phone."""

    running_call: reactive[RunningCall | None] = reactive(None, init=False)
    """The call started with enter and not yet logged or ended; None when there is none."""

    def __init__(self, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.card: CardData | None = None
        # Whether the highlighted row's card is to be shown after the list's next frame.
        self._card_due = False
        self.held_back = 0
        # With an empty queue, when the first prospect held back may be called.
        self._opens_at: datetime | None = None
        # Reads the queue and the gauge again as another rep's lease runs out.
        self._lapse_timer: Timer | None = None
        # The gauge's plan, kept between refreshes (load_gauge_figures says when it holds).
        self._plan_cache: CachedPlan | None = None
        # Bumped by each replan: a load begun before it must not keep the plan it made.
        self._plan_generation = 0
        # A load of the gauge is running; another was asked for while it ran.
        self._pace_loading = False
        self._pace_asked_again = False
        # The day (the rep's local date) the gauge's figures were read for.
        self._pace_day: date | None = None
        # The pace screen's figures, read ahead after the gauge's (a file's app only).
        self.pace_reader: PaceReader | None = None
        self._outcome_dialog: OutcomeDialog | None = None
        self._pending_selection: PendingSelection | None = None
        self._row_before_filter: int | None = None
        # The prospect last highlighted in each view, for `f` to come back to.
        self._last_in_view: dict[QueueMode, int] = {}
        self._data_version = -1
        # In a team's book, when the rep's config file (their own settings) last changed.
        self._own_settings_seen: int | None = None
        # When the poll last asked an out-of-reach database whether it is back.
        self._tried_again_at = -TRY_AGAIN_S
        # The clock as the poll last looked at it: the rep's date, the wall clock's and the
        # monotonic clock's seconds.
        self._clock_seen: tuple[date, float, float] | None = None
        # A team's book: who holds the prospect on the card, and the one this rep holds.
        self.team_view: TeamView | None = None
        self._claimed: int | None = None
        self._claim_timer: Timer | None = None
        # The prospect whose "taken by another rep" was said last (said once each).
        self._taken_said: int | None = None
        # Said once: the book no longer knows the app's rep (removed while it ran).
        self._removed_said = False
        self._order_complete = False
        # When this window last logged a call on each prospect (monotonic), for as long as
        # CALLED_JUST_NOW_S: keys typed ahead stop before them.
        self._logged_at: dict[int, float] = {}
        # The filter of the order on screen: while another one is read, the title says so.
        self._shown_filter = ""
        # Whether the filter field holds text, as the key bar last said (esc clears it).
        self._filter_has_text = False
        # How many rows of the queue are in the view itself, before a filter's other matches.
        self._in_view = 0
        self._pinned = 0
        # The view whose count the title shows (None: a filter's, or no count).
        self._counted_view: QueueMode | None = None
        self.undo_session = UndoSession()

    def claims_key(self, key: str) -> bool:
        """Tab out of the filter field is done filtering (the app's tab moves focus)."""
        return key in ("tab", "shift+tab") and self.focused is self.filter_input

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The filter's keys are on the key bar while there is a filter to finish or clear.
        if action == "filter_done":
            return self.focused is self.filter_input
        if action in ("clear_filter", "close_filter"):
            # esc clears a filter with text in it, and closes an empty one.
            has_text = bool(self._typed_filter)
            return bool(self.filter_input.display) and has_text == (action == "clear_filter")
        return not isinstance(self.focused, Input)

    async def _open(self, screen: Screen[Any], callback: Any = None) -> None:
        """Push a dialog and wait until it is mounted, so the next key reaches it."""
        await self.app.push_screen(screen, callback)

    async def _confirm(
        self,
        question: Text,
        *,
        yes: str,
        then: Callable[[], Awaitable[None]],
        enter_says_yes: bool = True,
        unseen_keys_answer: bool = True,
    ) -> None:
        """Ask first; on yes run `then`. Keys typed after the answer wait until it has run.

        Without `unseen_keys_answer`, the keys typed before the question is on screen are
        dropped, and the question says so: they were typed for what the rep expected the
        key that asked to do, and must not answer a question not yet read."""
        from funnel_tui.ui.confirm_dialog import ConfirmDialog

        async def answered(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                await then()
            finally:
                self.funnel.release_keys()

        if not unseen_keys_answer:
            self.funnel.hold_keys()
        dialog = ConfirmDialog(question, yes=yes, enter_says_yes=enter_says_yes)
        await self._open(dialog, answered)
        if not unseen_keys_answer:
            self.funnel.drop_held_keys_once_shown(dialog.say_keys_dropped)

    @property
    def funnel(self) -> FunnelApp:
        return self.app  # type: ignore[return-value]

    @property
    def queue(self) -> CallQueue:
        return self.query_one(CallQueue)

    @property
    def _torn_down(self) -> bool:
        """The app is closing: a read that ends now finds the widgets it would fill gone.
        The app stops running before Textual removes them, innermost first (the card's body
        went before the card: a setting changed as the app quit failed); any of them gone
        also says so."""
        if not self.app.is_running:
            return True
        return not all(self.query(kind) for kind in (CallQueue, ProspectCard, ScriptPane))

    @property
    def prospect_card(self) -> ProspectCard:
        return self.query_one(ProspectCard)

    @property
    def script_pane(self) -> ScriptPane:
        return self.query_one(ScriptPane)

    @property
    def gauge(self) -> QuotaGauge:
        return self.query_one(QuotaGauge)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#queue-filter", Input)

    def compose(self) -> ComposeResult:
        yield QuotaGauge(id="gauge")
        with Horizontal(id="panes"):
            with Vertical(id="queue-pane"):
                yield FittedLabel(QueueMode.TODAY.label, id="queue-title")
                yield FilterField(
                    typed=self._filter_typed,
                    show_at_once=self._filter_at_once,
                    placeholder="filter: name, company, email or phone",
                    max_length=FILTER_MAX_LENGTH,
                    id="queue-filter",
                )
                yield CallQueue(id="queue")
            with Container(id="prospect-panes"):
                yield ProspectCard(id="card")
                yield ScriptPane(id="script")
        yield KeyBar()

    def on_mount(self) -> None:
        self.gauge.currency = self.funnel.settings.currency
        self.filter_input.display = False
        # What the file held as the app read its settings, then the head: the whole order,
        # read next, shows the same or later, so the first poll reloads only for a commit
        # made after the settings were read.
        if self.funnel.changes_at_start is not None:
            self._data_version = self.funnel.changes_at_start
        self._show_head_of_queue()
        self._read_rest_of_queue()
        self._format_phones()
        self.reload_pace()
        self._look_at_the_clock()
        self.set_interval(1, self._tick_timer)
        # A team's database tells of a change as it is committed: looked at more often.
        team = self.funnel.rep is not None
        self._own_settings_seen = own_settings_stamp(self.funnel.rep)
        self.set_interval(TEAM_POLL_S if team else FILE_POLL_S, self._refresh_on_outside_change)
        if team:
            self.set_interval(LEASE.total_seconds() / 3, self._renew_claim)
        self.bring_back_a_kept_call()
        self.funnel.release_keys(KeyHold.STARTUP)

    def _follow_the_clock(self) -> None:
        """Follow-ups fall due and calling hours open as the day goes on; past midnight
        the gauge's today is a new day (maybe a new period), also in an app left open
        overnight, where a call left running is let go once it has run too long."""
        self.let_go_a_call_run_too_long()
        self.reload_queue()
        if self._pace_day is not None and self.funnel.clock().date() != self._pace_day:
            self.reload_pace()

    def _look_at_the_clock(self) -> None:
        """Follow the clock as each minute turns, and at once when the rep's day turned or
        the wall clock jumped since the last look, once a second (CLOCK_LOOK_S). Left open
        past midnight, or woken from sleep the next day (timers count the monotonic clock,
        which stood still), the screen showed the day before until the minute's look:
        yesterday's calls as today's, a callback of yesterday as due today. Followed every
        60 seconds from the start, a prospect stayed at the head of the queue up to a
        minute after their calling hours had closed."""
        steady, last = monotonic(), self._clock_seen
        if last is not None and steady - last[2] < CLOCK_LOOK_S:
            return
        now = self.funnel.clock()
        seen = self._clock_seen = (now.date(), now.timestamp(), steady)
        if last is None:
            return
        if seen[0] != last[0]:
            # The screens open above this one (the pace screen, a timeline) follow too.
            self.funnel.day_turned_signal.publish(seen[0])
        elif abs((seen[1] - last[1]) - (seen[2] - last[2])) <= CLOCK_JUMP_S and (
            seen[1] // 60 == last[1] // 60
        ):
            return
        self._follow_the_clock()

    def _read_data_version(self) -> int:
        return self.funnel.storage.changes()

    def _refresh_on_outside_change(self) -> None:
        """Show what another process (an import, a second window, sqlite-utils, another
        rep) wrote, and follow a clock that turned the day or jumped (_look_at_the_clock).

        The storage's change count moves when any other connection commits (`PRAGMA
        data_version` of a file, LISTEN/NOTIFY of a team's database): one cheap read, and
        a reload only when something changed. While a team's database is out of reach, it
        asks every TRY_AGAIN_S whether it is back instead.
        """
        self._look_at_the_clock()
        # The rep's script, objections and profile files, which no commit tells of either.
        if self.funnel.reread_rep_files():
            self._show_script()
        if self.funnel.out_of_reach is not None:
            if monotonic() - self._tried_again_at >= TRY_AGAIN_S:
                self._tried_again_at = monotonic()
                self._try_again()
            return
        if self.funnel.schema_changed():
            # A table built again (sqlite-utils transform), or funnel's triggers put back.
            self.run_worker(self.funnel.say_lost_triggers(), group="triggers", exclusive=True)
        version = self._read_data_version()
        # A rep's own settings (`funnel config set rep_name ...` in a team's book) are in
        # their config file, which no commit to the database tells of.
        own = own_settings_stamp(self.funnel.rep)
        if version != self._data_version or own != self._own_settings_seen:
            self._data_version, self._own_settings_seen = version, own
            self._follow_outside_change()

    @work(exclusive=True, group="settings")
    async def _follow_outside_change(self) -> None:
        """Read the settings again (another rep's `funnel config set`, a shell's: one small
        table), then the queue and the gauge, once. When the settings differ from the ones
        in use, every rep's app follows within a second (PRODUCT 16); an open settings
        screen keeps what it shows. The gauge's plan is made again: what changed may be a
        call or a deal (`funnel log`, another rep's), or a prospect forgotten."""
        settings, problems = await self.funnel.in_db_thread(read_settings)
        if self._torn_down:
            return
        ended = await self._end_a_call_with_someone_forgotten()
        card = self.card
        # Only with the list in front: a change made in a dialog or the timeline (this
        # app's own, which the book's change count cannot tell from another program's)
        # is said as it closes.
        in_front = self.app.screen is self
        on_cursor = card.prospect if card is not None and in_front and not ended else None
        if settings != self.funnel.settings:
            self.use_settings(settings)
            self.funnel.say_setting_problems(problems)
        else:
            self.reload_queue()
            self.reload_pace(replan=True)
        if on_cursor is not None and self.queue.highlighted_id == on_cursor["id"]:
            await self._say_if_taken_out_of_view(on_cursor["id"], one_line(on_cursor["name"]))

    async def _say_if_taken_out_of_view(self, prospect_id: int, name: str) -> None:
        """A change made elsewhere (an import, another window, another rep) took the
        prospect on the cursor out of the view: the card shows someone else now, which is
        said, as after the rep's own edit, so that the next key is not for the wrong one."""
        await self._queue_read()
        if self._torn_down or self.queue.highlighted_id in (prospect_id, GONE):
            return
        if self.queue.belongs_to_view(prospect_id) or self.funnel.holding(KeyHold.QUEUE_READ):
            # Still listed; or the rep's own call, undo or save moves the cursor on, and
            # says so itself.
            return
        where = self._where_now(prospect_id)
        self.notify(
            f"{name} left this view after a change elsewhere{where}",
            severity="warning",
            markup=False,
        )

    async def _end_a_call_with_someone_forgotten(self) -> bool:
        """A running call whose prospect was forgotten elsewhere (`funnel forget` from a
        shell) ends: nothing can be logged for them, and the gauge, the list's top row and
        `l` kept the call of someone no longer in the book. Whether it ended (and said so)."""
        running = self.running_call
        if running is None:
            return False
        gone = await self.funnel.in_db_thread(
            lambda db: (
                db.execute("SELECT 1 FROM prospects WHERE id = ?", [running.prospect_id]).fetchone()
                is None
            )
        )
        if gone and self.running_call is running and not self._torn_down:
            self.running_call = None
            self.funnel.notify_in_place(
                CALL_TOAST,
                f"The call with {running.name} ended: they were forgotten on request"
                " elsewhere, so nothing of it can be logged.",
                severity="warning",
            )
            return True
        return False

    def use_settings(self, settings: Settings) -> None:
        """Put `settings` in use and show again what depends on them: the queue's order
        and held-back count, the gauge and its pace, the card and the script."""
        self.funnel.settings = settings
        self.gauge.currency = settings.currency
        self.reload_queue()
        self.reload_pace(replan=True)
        self._show_card()
        self._show_script()

    @work(exclusive=True, group="reconnect")
    async def _try_again(self) -> None:
        """Ask the database whether it is back (ConnectionLost when not, which the app
        says); once it is, read everything shown again."""
        await self.funnel.in_db_thread(lambda db: db.execute("SELECT 1"))
        self.funnel.say_back_in_reach()
        self.reload_queue()
        self.reload_pace(replan=True)

    # Loading -----------------------------------------------------------------

    def _show_head_of_queue(self) -> None:
        """Read the first screenful of the queue on this thread and show it, so the first
        frame has the queue, the card and the script: a few index reads at any size."""
        now = self.funnel.clock()
        head = read_order(
            self.funnel.storage.db,
            now=now,
            mode=self.mode,
            text=self.filter_text,
            settings=self.funnel.settings,
            limit=FIRST_SCREEN_ROWS,
            rep=self.funnel.rep,
        )
        self._shown_filter = self.filter_text
        self._show_order(head, now)
        # With nothing on screen before, the first frame has the card and the script too,
        # not the frame after the list's.
        self._show(self.queue.highlighted_id)

    @work(group="phones")
    async def _format_phones(self) -> None:
        """Import phonenumbers once the first frame is up, in a thread so that keys go on
        being handled meanwhile, then show the card again with its number formatted. The
        card is shown again also when something else loaded it first (enter typed while
        the app starts dials, which reads the number): it was drawn before."""
        await self.funnel.first_frame_shown.wait()
        if not library_loaded():
            await asyncio.to_thread(load_library)
        if not self._torn_down and self.card is not None:
            self._show_card()

    def reload_queue(self, select: int | None = None, *, head_first: bool = False) -> None:
        """Read the whole queue order again in the background and show it; then highlight
        `select`, unless the rep has moved the cursor since this call. `head_first`: show
        the first screenful as soon as it is read, then the rest (a new filter's)."""
        # The rest of an older order would show after this one, and take its selection.
        self.workers.cancel_group(self, "queue-rest")
        if select is not None:
            self._pending_selection = PendingSelection(self.queue.highlighted_id, select)
            # The prospect to highlight is placed in the first screenful, or the whole
            # order is read before anything shows: the keys held until the queue is read
            # (after a call, an undo, a save) wait for the screenful alone, and the gauge's
            # figures are read before the rest of a large book's order, not after it.
            head_first = head_first or head_reads_apart(self.funnel.storage.db)
        self._reload_queue(head_first)

    @work(exclusive=True, group="queue")
    async def _reload_queue(self, head_first: bool) -> None:
        """Read the whole queue order in the database thread, then show it; or its head
        first, the rest in a worker of its own, so that the keys held until the queue is
        read (`/acme enter l`) go to the first match without waiting for the count."""
        if not head_first:
            await self._read_and_show_order()
            return
        head = await self._read_and_show_order(limit=FIRST_SCREEN_ROWS)
        if head is None or head.complete:
            return
        if self._pending_selection is not None:
            # The prospect to highlight is past the head (_show_order kept it for the
            # rest): the keys held until the queue is read wait for the rest too.
            await self._read_and_show_order(same_prospect_shown=True)
        else:
            self._read_rest_of_filtered_queue()

    @property
    def _filter_head_first(self) -> bool:
        """Whether the queue under the filter is read a screenful first, then the rest."""
        return bool(self.filter_text) and head_reads_apart(self.funnel.storage.db)

    @work(exclusive=True, group="queue-rest")
    async def _read_rest_of_filtered_queue(self) -> None:
        """The whole order under a filter's head already on screen."""
        await self._read_and_show_order(same_prospect_shown=True)

    def _stop_counting_the_queue(self) -> bool:
        """Stop the read of the rest of an order whose head is on screen, if one runs (it
        stops where it runs, in the database thread); whether one did."""
        counting = bool(self._queue_workers_in_flight("queue-rest"))
        self.workers.cancel_group(self, "queue-rest")
        return counting

    def _count_the_queue_again(self) -> None:
        """Read the rest of the order again, after `_stop_counting_the_queue`."""
        if not self._torn_down:
            self._read_rest_of_filtered_queue()

    @work(exclusive=True, group="queue")
    async def _read_rest_of_queue(self) -> None:
        """After the first frame, the whole order under the head already on screen (any
        newer reload replaces this one: it reads the whole order too)."""
        await self.funnel.first_frame_shown.wait()
        await self._read_and_show_order(same_prospect_shown=True)

    async def _read_and_show_order(
        self, *, same_prospect_shown: bool = False, limit: int | None = None
    ) -> QueueOrder | None:
        """Read the queue's order (its first `limit` rows) in the database thread and show
        it; the order shown, or None when another view or filter came meanwhile."""
        now, text, mode = self.funnel.clock(), self.filter_text, self.mode
        # Everything committed before this read is on screen after it, our own writes
        # included (a call just saved): the outside-change poll need not read them again,
        # also while this read runs (it then read the whole order and the plan twice).
        # A read that stops early is replaced by one that shows at least as much.
        self._data_version = seen = self._read_data_version()
        try:
            order = await self._read_order_in_db_thread(now, limit)
        except ConnectionLost:
            if text == self.filter_text and text != self._shown_filter:
                self._say_list_not_read(text)
            raise
        if self._torn_down or (text, mode) != (self.filter_text, self.mode):
            # Another view or filter since: its own read shows it.
            return None
        self._shown_filter = text
        self._show_order(order, now, same_prospect_shown=same_prospect_shown, seen=seen)
        return order

    async def _read_order_in_db_thread(self, now: datetime, limit: int | None = None) -> QueueOrder:
        """The queue's order as of `now`, read in the database thread; stopped there when
        this worker is cancelled (a newer read replaces it), so that the writes queued
        behind it (a call logged) wait no longer than they must."""
        mode, text, rep = self.mode, self.filter_text, self.funnel.rep
        settings = self.funnel.settings
        stop = threading.Event()

        def read(db: Any) -> QueueOrder:
            with stopped_when(db, stop):
                return read_order(
                    db,
                    now=now,
                    mode=mode,
                    text=text,
                    settings=settings,
                    limit=limit,
                    rep=rep,
                    paged=True,
                )

        try:
            return await self.funnel.in_db_thread(read)
        except asyncio.CancelledError:
            stop.set()
            raise

    def _say_list_not_read(self, text: str) -> None:
        """The title, when the list for a new filter (or none) cannot be read while the team
        database is out of reach: the rows shown are still the last filter's, where the
        view's bare title over the one match made the queue look one prospect long."""
        shown = self._shown_filter
        was = f"the matches of “{one_line(shown)}”" if shown else "the queue without the filter"
        wanted = f"“{one_line(text)}”" if text else "the whole view"
        self.queue_title.say(
            f"{self.mode.label} · {wanted} not read while the team database is out of reach;"
            f" shown: {was}",
            f"{self.mode.label} · the database is out of reach; shown: {was}",
        )

    def _count_again_if_failed(self, writing: asyncio.Future[Any]) -> None:
        """After a call that could not be written: the order its logging stopped reading
        (the rest of a head on screen, or a whole order read again), read again."""
        failed = writing.cancelled() or writing.exception() is not None
        if failed and not self._torn_down:
            self.reload_queue()

    def _show_order(
        self,
        order: QueueOrder,
        now: datetime,
        *,
        same_prospect_shown: bool = False,
        seen: int | None = None,
    ) -> None:
        # A long order read in the database thread reads its other pages on this one, as
        # long as the book's change count is still `seen`, the one before it was read.
        storage = self.funnel.storage
        order = order._replace(ids=read_with(order.ids, storage.db, storage.changes, seen))
        shown = self.queue.highlighted_id
        # Any reload honours the selection asked for last: a newer reload replaces an
        # older one before it shows anything.
        pending, self._pending_selection = self._pending_selection, None
        if (
            pending is not None
            and pending.prospect_id is not None
            and not order.complete
            and pending.prospect_id not in order.ids
        ):
            # A head that stops before the prospect to highlight: the rest places it.
            self._pending_selection = pending
            if pending.cursor_was_on == shown:
                # Shown, the head would move the cursor off them (onto its last row),
                # where the keys held until the order is read would log another prospect.
                return
            pending = None
        select = None
        if pending is not None and pending.cursor_was_on == shown:
            select = pending.prospect_id
            if select is not None and pending.or_else is not None and select not in order.ids:
                select = pending.or_else
            if pending.or_first and select not in order.ids:
                select = None
            if select is None and len(order.ids):
                select = order.ids[0]
        if (
            select is None
            and not order.complete
            and not self.filter_text
            and shown is not None
            and shown not in order.ids
        ):
            # A row past the first screenful, clicked while it was read: shown, the head
            # would move the cursor off them. The rest keeps them highlighted.
            self._pending_selection = PendingSelection(shown, shown)
            return
        in_view = len(order.ids) if order.elsewhere_from is None else order.elsewhere_from
        pinned = 0
        running = self.running_call
        if running is not None and running.prospect_id not in order.ids:
            # The prospect on a call stays in the list until the call is logged or ended,
            # also when the queue let them go meanwhile (another rep took them, a change
            # from outside): `l` must never fall to the prospect below them.
            shifted = None if order.elsewhere_from is None else order.elsewhere_from + 1
            ids = pinned_first(running.prospect_id, order.ids)
            order = order._replace(ids=ids, elsewhere_from=shifted)
            if select is None and shown == running.prospect_id:
                select = running.prospect_id
            pinned = 1
        self.held_back, self._order_complete = order.held_back, order.complete
        self._opens_at = order.opens_at
        # The prospect kept on the list for their call is not counted in the title.
        self._in_view, self._pinned = in_view, pinned
        self.queue.load(
            order.ids,
            lambda page: fetch_rows(self.funnel.storage.db, page, now=now, rep=self.funnel.rep),
            now=now,
            select=select,
            mode=order.mode,
            elsewhere_from=order.elsewhere_from,
        )
        if not (same_prospect_shown and self.queue.highlighted_id == shown):
            self._show_after_the_list()
        self._update_title()

    def reload_pace(self, *, replan: bool = False) -> None:
        """Read the gauge's figures again; `replan` after anything the plan depends on
        changed besides the period and the day (a call logged or undone, the settings).

        A load already running is never cancelled (its work in the database thread would
        be thrown away): it reads once more when it is done.
        """
        if replan:
            self._plan_cache = None
            self._plan_generation += 1
        if self._pace_loading:
            self._pace_asked_again = True
            return
        self._pace_loading = True
        self._reload_pace()

    @work(group="pace")
    async def _reload_pace(self) -> None:
        try:
            # The gauge's figures, and the modules that read them, follow the first frame.
            await self.funnel.first_frame_shown.wait()
            self._pace_asked_again = True
            while self._pace_asked_again:
                self._pace_asked_again = False
                await self._load_pace_once()
        finally:
            self._pace_loading = False

    async def _load_pace_once(self) -> None:
        now = self.funnel.clock()
        settings = self.funnel.settings
        rep = self.funnel.rep
        cached, generation = self._plan_cache, self._plan_generation

        def read_figures(db: Any) -> GaugeFigures:
            # Imported in the database thread the first time (tens of milliseconds): the
            # screen goes on taking keys meanwhile.
            from funnel_tui.gauge_figures import load_gauge_figures

            return load_gauge_figures(db, now, settings, cached, rep)

        figures = await self.funnel.in_db_thread(read_figures)
        if self._torn_down:
            return
        self._pace_day = now.date()
        gauge = self.gauge
        gauge.unreadable_targets = figures.unreadable_targets
        if figures.plan is not None and generation == self._plan_generation:
            self._plan_cache = figures.plan
        plan = None if figures.plan is None else figures.plan.plan
        gauge.plan = plan
        gauge.today = figures.today
        gauge.goals = daily_goals(settings, plan)
        gauge.pace = figures.pace
        gauge.read = True
        if rep is not None:

            def read_team(db: Any) -> TeamToday:
                from funnel_tui.team_figures import load_team_today

                return load_team_today(db, rep, now)

            team = await self.funnel.in_db_thread(read_team)
            if not self._torn_down:
                gauge.team = team
                self._read_again_at_lapse(team.next_lapse)
        if self.funnel.reads_beside:
            self._read_pace_ahead()

    def _read_again_at_lapse(self, lapse: datetime | None) -> None:
        """Read the queue and the gauge again when another rep's lease runs out: nothing is
        written then, so no change announces it, and the gauge said who holds what, and the
        queue left their prospects out, until the next minute's read or later."""
        if self._lapse_timer is not None:
            self._lapse_timer.stop()
            self._lapse_timer = None
        if lapse is None:
            return
        wait = (lapse - self.funnel.clock()).total_seconds() + LAPSE_MARGIN_S
        self._lapse_timer = self.set_timer(max(wait, LAPSE_MARGIN_S), self._lapsed)

    def _lapsed(self) -> None:
        self._lapse_timer = None
        self.reload_queue()
        self.reload_pace()

    @work(group="pace-ahead", exclusive=True)
    async def _read_pace_ahead(self) -> None:
        """The pace screen's figures, read beside the database thread after the gauge's:
        a newer read replaces one still waiting for the thread."""
        if self.pace_reader is None:
            from funnel_tui.ui.pace_ahead import PaceReader

            self.pace_reader = PaceReader(self.funnel, self._read_data_version)
        await self.pace_reader.read()

    @property
    def queue_title(self) -> FittedLabel:
        return self.query_one("#queue-title", FittedLabel)

    def _update_title(self) -> None:
        if self.filter_text != self._shown_filter:
            if self.filter_text:
                self._say_looking_for(self.filter_text)
            else:
                # The filter cleared, the view's own order not read yet: the counts on
                # hand are the filter's, which are not the view's.
                self._counted_view = None
                self.queue_title.say(self.mode.label)
            return
        if not self._order_complete:
            # Only the head of the queue is read yet: no new count to give. The view's
            # count stays until the rest is read (after a call, it is one off meanwhile).
            if self.filter_text:
                self._say_counting(self.filter_text)
            elif self._counted_view is not self.mode:
                self.queue_title.say(self.mode.label)
            return
        self._counted_view = None if self.filter_text else self.mode
        count = self._in_view
        prospects = f"{count:,} prospect{'s' if count != 1 else ''}"
        if self.filter_text:
            # The box below the title shows the text: the shortest title leaves it out.
            head = f"{self.mode.label} · {prospects} matching “{one_line(self.filter_text)}”"
            least = f"{self.mode.label} · {count:,} matching"
        else:
            head, least = f"{self.mode.label} · {prospects}", f"{self.mode.label} · {count:,}"
        # Each count in full, then in short: the shorter titles keep to one line in a
        # narrower queue, and where none does, the short one wraps.
        full, short, shortest = [head], [head], [least]
        elsewhere = self.queue.row_count - count - self._pinned
        if self.filter_text:
            # A filter lists the matches held back for their calling hours after the
            # view's, with the other views' matches: each is counted once, as off hours.
            elsewhere -= self.held_back
        if elsewhere:
            full.append(f"{elsewhere:,} more in other views")
            short.append(f"{elsewhere:,} in other views")
            shortest.append(f"{elsewhere:,} in other views")
        if self._pinned:
            # The prospect on a call heads the list whatever the view or the filter: the
            # title says why a row that does not match is there.
            full.append("on call, kept on top")
            short.append("on call, on top")
            shortest.append("on call")
        if self.held_back:
            # "off hours", as the rows of those prospects say.
            full.append(f"{self.held_back:,} outside their calling hours")
            short.append(f"{self.held_back:,} off hours")
            shortest.append(f"{self.held_back:,} off hours")
        full_title, short_title, shortest_title = (
            " · ".join(parts) for parts in (full, short, shortest)
        )
        self.queue_title.say(full_title, short_title, shortest_title, wrapped=short_title)

    def _say_looking_for(self, text: str) -> None:
        # A large book takes a moment to search: the list below is the last one found.
        self._counted_view = None
        self.queue_title.say(f"{self.mode.label} · looking for “{one_line(text)}”…")

    def _say_counting(self, text: str) -> None:
        # The first matches are on screen; the rest, and their count, are being read.
        self._counted_view = None
        self.queue_title.say(f"{self.mode.label} · matching “{one_line(text)}”, counting…")

    @on(CallQueue.OutOfDate)
    def _read_an_order_out_of_date(self) -> None:
        # The list met a row it could not read since the book changed: look at the book now
        # (a reload when it changed since the order was read), not at the next poll. A read
        # of the order under way (after the rep's own call) shows the book as it is, or
        # the poll follows what came after it.
        if not self._queue_workers_in_flight("queue"):
            self._refresh_on_outside_change()

    @on(CallQueue.Highlighted)
    def _show_prospect(self, event: CallQueue.Highlighted) -> None:
        # Messages queue up behind fast keys: only the queue's current row counts, so a
        # late message for an earlier row never takes the card back to it.
        if event.prospect_id != self.queue.highlighted_id:
            return
        if self.card is None or event.prospect_id != self.card.prospect["id"]:
            self._show_after_the_list()

    def _show_after_the_list(self) -> None:
        """Show the card and script of the queue's highlighted row in the frame after the
        one that paints the list: a filter's match or a row moved to is on screen at once,
        and a row passed over before that frame never has its card drawn. A key typed
        meanwhile acts on the highlighted row all the same (_card_on_cursor reads it)."""
        if not self._card_due:
            self._card_due = True
            self.call_after_refresh(self._show_highlighted)

    def _show_highlighted(self) -> None:
        if not self._card_due or self._torn_down:
            return
        self._card_due = False
        try:
            self._show(self.queue.highlighted_id)
        except ConnectionLost as error:
            # No card rather than the one before: a key that acts on the card reads it
            # first (_card_on_cursor), and says so while it cannot.
            self.card = None
            self.prospect_card.show_unread()
            self.script_pane.show_unread()
            self.funnel.say_out_of_reach(error)

    def _show(self, prospect_id: int | None) -> None:
        """Load and show this prospect's card and script now (a primary-key read)."""
        self._card_due = False
        self.card = None if prospect_id is None else load_card(self.funnel.storage.db, prospect_id)
        if self.funnel.rep is not None:
            self._show_team_view(prospect_id)
        self._show_card()
        self._show_script()

    def _card_on_cursor(self) -> CardData | None:
        """The card of the row the cursor is on now, loaded if the card shows another.

        The card follows the cursor when the queue's Highlighted message arrives; a key
        typed right after a move is handled before that, and must act on the row moved to.
        """
        highlighted = self.queue.highlighted_id
        if highlighted != (None if self.card is None else self.card.prospect["id"]):
            self._show(highlighted)
        return self.card

    def _card_to_act_on(
        self, doing: str, key: str, nobody: Callable[[], object] = lambda: None
    ) -> CardData | None:
        """`_card_on_cursor` for a key that acts on the prospect (`l`, `n`, `e` ...); None,
        with `nobody` called, when the cursor is on nobody. While the team database is out
        of reach and their card cannot be read, None too, said (`Not logged: ...; press l
        then`), and the keys typed after it dropped, since they were meant for its dialog:
        a note typed behind `n` ran as commands (`i` opened the import dialog, and the
        rest of the note went into its path)."""
        try:
            card = self._card_on_cursor()
        except ConnectionLost as error:
            # The out-of-reach toast may be up already, saying nothing of this key.
            self.funnel.say_out_of_reach(error)
            said = (
                f"Not {doing}: their card cannot be read until the team database answers"
                f" again; press {key} then"
            )
            self.funnel.notify_in_place(CALL_TOAST, f"{said}.", severity="warning")
            self.funnel.hold_keys()
            self.funnel.drop_held_keys_once_shown(
                lambda: self.funnel.notify_in_place(
                    CALL_TOAST, f"{said} · {keys_not_applied(key)}.", severity="warning"
                )
            )
            return None
        if card is None:
            nobody()
        return card

    def _show_card(self) -> None:
        self.prospect_card.show(
            self.card,
            now=self.funnel.clock(),
            settings=self.funnel.settings,
            team=self.team_view,
            nobody=f"{self._why_nobody()}: {self._what_now()}.",
        )

    def _why_nobody(self) -> str:
        """Why the list shows nobody: the filter matched no one, the book has no prospect
        yet, the queue is empty, or the row on the cursor is read again (a long order's,
        past the rows read before the book changed)."""
        if self.queue.highlighted_id == GONE:
            return "The list is being read again"
        if self.filter_text:
            return f"Nothing matches “{one_line(self.filter_text)}”"
        if self._book_is_empty():
            return "No prospects yet"
        return "The queue is empty"

    def _what_now(self) -> str:
        """What the card says to do about an empty list: a new book's first step, which
        the key bar does not show, else that there is nothing to call."""
        if not self.filter_text and self._book_is_empty():
            return "i imports a CSV file from your CRM, a adds a prospect by hand"
        if not self.filter_text and self._opens_at is not None:
            when = day_and_time(self._opens_at, self.funnel.clock())
            who = (
                "the one prospect"
                if self.held_back == 1
                else f"the first of the {self.held_back:,} prospects"
            )
            hours = "outside their calling hours can be called"
            return f"nothing to call before {when}, when {who} {hours}"
        return "nothing to call right now"

    def _book_is_empty(self) -> bool:
        return self.funnel.storage.db.execute("SELECT 1 FROM prospects LIMIT 1").fetchone() is None

    def _show_script(self) -> None:
        if self.card is None:
            why = self._why_nobody()
            self.script_pane.show(None, nobody=why[:1].lower() + why[1:])
            return
        prospect = self.card.prospect
        library = self.funnel.scripts
        method = method_or_default(prospect["method"])
        script = library.get(method) or library.get(DEFAULT_METHOD)
        if script is None:
            # A view without steps: the pane says this method has no script.
            self.script_pane.show(
                ScriptView(prospect["method"], (), subject=(prospect["id"], prospect["method"]))
            )
            return
        title = script.name
        if script.method != method:
            # Their method's script is gone (a file moved, another rep's own method): the
            # pane says whose script it shows instead.
            title = f"{script.name} (no script for “{one_line(method)}”)"
        now = self.funnel.clock()
        filled = fill_script(
            script,
            prospect,
            settings=self.funnel.settings,
            history=read_history(self.funnel.storage.db, prospect["id"], now=now),
            now=now,
            profile=self.funnel.profile,
            objections=self.funnel.objections,
            no_email=self.card.marked_at_address is not None,
            proposal=last_proposal(self.funnel.storage.db, prospect, self.funnel.clock()),
        )
        self.script_pane.show(
            ScriptView(
                title,
                filled.steps,
                filled.matching_objections,
                filled.other_objections,
                objections_noted=filled.objections_noted,
                subject=(prospect["id"], script.method),
            )
        )

    async def action_timeline(self) -> None:
        from funnel_tui.ui.timeline_screen import TimelineScreen

        card = self._card_to_act_on("shown", "h", lambda: self._nobody_to("show"))
        if card is None:
            return
        prospect = card.prospect

        def closed(changed: bool | None) -> None:
            # A task moved, done or cancelled changes the card and the queue order. The
            # keys typed after escape (held as it closed) wait for the order, as after the
            # form.
            if changed:
                name = one_line(prospect["name"])
                self.undo_session.changed(f"changed {name}'s tasks in the timeline")
                self._show(prospect["id"])
                self.reload_queue()
                self._keys_typed_after_a_change(
                    prospect["id"], done=f"{name}'s tasks changed", after="escape"
                )

        await self._open(
            TimelineScreen(
                prospect["id"],
                prospect["name"],
                prospect["timezone"],
                theirs=self._someone_elses(prospect),
            ),
            closed,
        )

    # Method and script ---------------------------------------------------------

    async def action_pick_method(self) -> None:
        card = self._card_to_act_on("changed", "m")
        if card is None:
            return
        prospect_id = card.prospect["id"]

        def chosen(method: str | None) -> None:
            if method is not None:
                self._save_method(prospect_id, method)

        suggested = suggested_method(card.prospect, self.funnel.settings)
        picker = MethodPicker(self.funnel.scripts.methods(), card.prospect["method"], suggested)
        await self._open(picker, chosen)

    # The script keys act on the script of the row the cursor is on now.

    @work(group="method")
    async def _save_method(self, prospect_id: int, method: str) -> None:
        """A worker: while the write waits for another program's lock, keys still work."""
        try:
            with waiting_toast(self.funnel):
                await self.funnel.in_db_thread(lambda db: set_method(db, prospect_id, method))
        except Exception as error:  # a failed write changes nothing; the app carries on
            say_write_failed(self.funnel, "Method not saved", "m", error)
            return
        if self.card is not None and self.card.prospect["id"] == prospect_id:
            self._show(prospect_id)

    def action_previous_step(self) -> None:
        self._card_on_cursor()
        self.script_pane.step -= 1

    def action_next_step(self) -> None:
        self._card_on_cursor()
        self.script_pane.step += 1

    def action_toggle_objections(self) -> None:
        self._card_on_cursor()
        self.script_pane.all_objections = not self.script_pane.all_objections

    @on(Input.Changed, "#queue-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        # The text the field holds now: a message of keys typed since is out of date.
        self.filter_text = self._typed_filter
