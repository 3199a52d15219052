"""FunnelApp: wires the storage, settings and scripts to the main screen."""

from __future__ import annotations

import asyncio
import io
import signal
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rich.console import Console
from textual import events
from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.notifications import Notification, SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.signal import Signal
from textual.widgets import Input
from textual.worker import WorkerFailed

from funnel_tui.claims import release_all
from funnel_tui.launch import resume_collecting
from funnel_tui.paths import user_scripts_dir
from funnel_tui.profile import Profile
from funnel_tui.rep_files import changed_files, read_rep_files, rep_files_stamp
from funnel_tui.scripts import ScriptLibrary, ScriptProblem
from funnel_tui.scripts.objections import ObjectionLibrary
from funnel_tui.settings import Settings, is_demo_book, read_settings
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.errors import ConnectionLost, is_refused_write
from funnel_tui.store.sqlite import Storage, describe_error, read_only_book_file
from funnel_tui.text import clean_text, one_line, pasted_line
from funnel_tui.timestamps import Clock, system_now
from funnel_tui.ui.closed_screen_styles import let_go_of_closed_screens
from funnel_tui.ui.commands import ScreenCommands
from funnel_tui.ui.fast_escape import AfterEscape, split_alt_key, word_move
from funnel_tui.ui.key_hold import KeyHold
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.size_classes import HEIGHT_CLASSES, WIDTH_CLASSES, size_class

if TYPE_CHECKING:
    from datetime import datetime

    import sqlite_utils

    from funnel_tui.emailing.templates import TemplateLibrary

# The signals that end the app as `q` would (see FunnelApp._exit_on_hangup).
ENDING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name)
)

T = TypeVar("T")

# How long a busy thread keeps the interpreter before another may run (CPython's default
# is 5 ms). A commit in the database thread takes the interpreter a dozen times for a
# moment each; while the UI thread paints a frame, every one of those waits the whole
# interval, and a 1 ms commit took 60 ms.
INTERPRETER_SWITCH_INTERVAL_S = 0.0005

# The one toast that says a team's database is out of reach, and then that it is back.
OUT_OF_REACH_TOAST = "out-of-reach"
WRITES_REFUSED_TOAST = "writes-refused"
WRITES_REFUSED_TOAST_S = 20.0
# Up while the database is away: MainScreen's poll takes it down once it is back.
OUT_OF_REACH_TOAST_S = 24 * 60 * 60.0
BACK_TOAST_S = 4.0


# The field-editing keys of Textual's Input and the actions they run there; enter (submit)
# and the clipboard keys keep Textual's own handling.
INPUT_EDITING_ACTIONS = {
    key.strip(): binding.action
    for binding in Input.BINDINGS
    if isinstance(binding, Binding) and binding.action not in {"submit", "cut", "copy", "paste"}
    for key in binding.key.split(",")
}


def _prospect_of_a_kept_call(db: sqlite_utils.Database, rep: str, now: datetime) -> int | None:
    """The prospect of the call this rep's app was on when it last stopped, kept to run
    again (kept_call); its lease stays the rep's."""
    from funnel_tui.book_name import book_id
    from funnel_tui.call_state import kept_call_path, read_kept_call

    kept = read_kept_call(kept_call_path(book_id(db), rep), now)
    return None if kept is None else kept.prospect_id


class FunnelApp(App[None]):
    """The rep's day in one screen."""

    TITLE = "funnel"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    # Only the screens' own actions: Textual's (theme, screenshot, keys panel) are for
    # developers, and quit and help are the screen's q and ?.
    COMMANDS = {ScreenCommands}
    ENABLE_COMMAND_PALETTE = True
    HORIZONTAL_BREAKPOINTS = WIDTH_CLASSES
    VERTICAL_BREAKPOINTS = HEIGHT_CLASSES

    # Textual moves focus on tab only once the key has bubbled up from the focused field,
    # by when the keys typed after it have gone to that same field: "Ada tab CTO" at full
    # speed filled one field with "AdaCTO". As priority bindings, tab and shift+tab move
    # focus in the order the keys arrive.
    #
    # Input's editing keys (backspace, ctrl+u, home, the arrows...) have the same flaw: they
    # run once the key has bubbled back up, after the letters typed behind them ("abcd
    # backspace e" gave "abcd"). As priority bindings, each is queued to the field behind
    # the keys it already has, so it acts in the order typed.
    BINDINGS = [
        Binding("tab", "focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True),
        *(
            Binding(key, f"edit_field('{key}')", show=False, priority=True)
            for key in INPUT_EDITING_ACTIONS
        ),
    ]

    def __init__(
        self,
        storage: Storage,
        *,
        clock: Clock = system_now,
        scripts_dir: Path | None = None,
        rep: str | None = None,
        notices: Sequence[str] = (),
    ) -> None:
        super().__init__()
        # What opening the book said on the terminal (an upgrade), said again in the app.
        self._notices = notices
        sys.setswitchinterval(INTERPRETER_SWITCH_INTERVAL_S)
        self.storage = storage
        self.clock = clock
        self.rep = rep
        """Who is working, in a team's book (PRODUCT 16); None in a one-rep book."""
        self.scripts_dir = scripts_dir if scripts_dir is not None else user_scripts_dir()
        # One thread for all background database work: sqlite3 connections belong to
        # the thread that opened them, and writes are serialised anyway.
        self._db_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="funnel-db")
        # The work handed to it and not yet done (in_db_thread).
        self._db_jobs = 0
        # A file is also read in a thread beside it, with a connection of its own, for
        # work done ahead of a key (read_beside): WAL lets its readers and its writer work
        # at once. A team's server would need one more connection per rep for it.
        self._reader_thread = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="funnel-read")
            if storage.dialect is Dialect.SQLITE
            else None
        )
        self.changes_at_start: int | None = (
            storage.changes() if storage.dialect is Dialect.SQLITE else None
        )
        """A file's change count (`PRAGMA data_version`, of this thread's connection) as
        it was before the settings were read: the main screen's change poll reloads for a
        commit made after it. None for a team's server, whose listener starts after the
        first frame."""
        self.settings: Settings
        self.settings, self._setting_problems = read_settings(storage.db)
        self._setting_problems_said: set[str] = set()
        self.crash: Exception | None = None
        """The first error nothing handled; the command line reports it once the app is gone."""
        self.out_of_reach: str | None = None
        """Why a team's database cannot be reached now; None while it can (PRODUCT 16)."""
        self.long_write: str | None = None
        """What the database thread is busy with for a long while, as a write waiting
        behind it says (`the file to be compacted`); None when nothing is."""
        self.on_call_with: int | None = None
        """The prospect of the call running now (the main screen says), whose lease the app
        keeps when it closes."""
        self.day_turned_signal: Signal[date] = Signal(self, "day-turned")
        """Published with the rep's new local date when it turns (midnight, a laptop woken
        the next day), as the main screen's poll sees it: a screen left open reads again
        what it showed as of the day before."""
        # Set while the book's database answers (always for a file): a screen that could
        # not read its figures waits on it to read them again.
        self._in_reach = asyncio.Event()
        self._in_reach.set()
        # Set once the first frame has reached the terminal: what can follow it (the rest
        # of the queue, the gauge's figures, phonenumbers) waits for it, not to delay it.
        self.first_frame_shown = asyncio.Event()
        self._held_keys: list[events.Key | events.Paste] | None = None
        self._latest_toasts: dict[str, Notification] = {}
        # Why keys are held now (type-ahead): a dialog saving, the queue read after it.
        self._holds: set[KeyHold] = set()
        # The escape of `escape` and a key typed fast, until it reaches the app (fast_escape).
        self._escape_on_its_way: events.Key | None = None
        # The objection library and the product profile live beside the scripts folder;
        # an edit to any of them is read again while the app runs (reread_rep_files).
        self._demo_book = is_demo_book(storage.db)
        self._rep_files_seen = rep_files_stamp(self.scripts_dir)
        # The file's schema version when its triggers were last looked at, and what was
        # said of them (say_lost_triggers).
        self._schema_seen: int | None = None
        self._triggers_said: str | None = None
        self.scripts: ScriptLibrary
        self.objections: ObjectionLibrary
        self.profile: Profile | None
        self._profile_problems: list[ScriptProblem]
        self._use_rep_files()

    def on_ready(self) -> None:
        """Textual's start-up is over, and only now do its frames reach the terminal: the
        ones painted before (the queue, the card) stopped at the compositor. What waits for
        the first frame starts once the screen has been painted again."""
        self.call_after_refresh(self._first_frame_out)

    def _first_frame_out(self) -> None:
        self.first_frame_shown.set()
        # Start-up is over (see funnel_tui.launch).
        resume_collecting()
        self._say_template_problems()
        self.run_worker(self.say_lost_triggers(), group="triggers")
        self._say_if_read_only()

    def _say_if_read_only(self) -> None:
        """A book this process cannot write is said to be at once, not at the first call
        that cannot be saved."""
        if (path := read_only_book_file(self.storage)) is not None:
            self.notify(
                f"{one_line(str(path))} is read-only: you can read it, but no call, note or"
                " change can be saved (check the file's permissions)",
                severity="warning",
                timeout=30,
                markup=False,
            )

    def schema_changed(self) -> bool:
        """Whether another program changed the file's schema since its triggers were last
        looked at: one read of the file's header, as the poll's change count is. Asked
        apart from that count, which a read of the queue takes as seen."""
        if self.storage.dialect is not Dialect.SQLITE or self._schema_seen is None:
            return False
        (version,) = self.storage.db.execute("PRAGMA schema_version").fetchone()
        return bool(version != self._schema_seen)

    async def say_lost_triggers(self) -> None:
        """Warn once that the file has lost funnel's triggers or holds them changed (what
        they keep goes wrong from then on): after the first frame, and again whenever
        another program changed the file's schema (`sqlite-utils transform` while the app
        runs). A team's server keeps its own."""
        if self.storage.dialect is not Dialect.SQLITE:
            return
        from funnel_tui.funnel_triggers import triggers_warning_since

        seen = self._schema_seen
        found = await self.in_db_thread(lambda db: triggers_warning_since(db.conn, seen))
        if found is None:
            return
        self._schema_seen, warning = found
        if warning is not None and warning != self._triggers_said:
            self.notify_in_place("triggers", warning, severity="warning", timeout=30)
        elif warning is None and self._triggers_said is not None:
            self.notify_in_place("triggers", "funnel's triggers are back: the book is whole again")
        self._triggers_said = warning

    @cached_property
    def email_templates(self) -> TemplateLibrary:
        """The email templates: built-ins, replaced or added to by the rep's emails/ beside
        the scripts folder. Read when first needed, at the latest once the first frame is
        out (`_say_template_problems`): the first frame shows no email."""
        from funnel_tui.emailing.templates import load_templates, templates_dir

        return load_templates(templates_dir(self.scripts_dir.parent))

    def _use_rep_files(self) -> None:
        self.scripts, self.objections, self.profile, self._profile_problems = read_rep_files(
            self.scripts_dir, demo_book=self._demo_book
        )

    def reread_rep_files(self) -> bool:
        """Read the rep's scripts, objection answers and profile again when one of their
        files was written, added or removed since they were read (an edit while the app
        runs), and say so with the files' problems; whether they were read again."""
        stamp = rep_files_stamp(self.scripts_dir)
        if stamp == self._rep_files_seen:
            return False
        changed = changed_files(self._rep_files_seen, stamp)
        self._rep_files_seen = stamp
        self._use_rep_files()
        # A file removed is said so: its scripts or answers are the built-in ones again.
        said = [path.name if path in stamp else f"{path.name} (removed)" for path in changed]
        self.notify(", ".join(said), title="Read again", timeout=4, markup=False)
        # Only the files just read: a broken one's problem was said when it was read.
        self._say_rep_file_problems(changed)
        return True

    def _say_rep_file_problems(self, files: Collection[Path] | None = None) -> None:
        """A toast for each problem of the rep's scripts, objections and profile (of
        `files` alone, when given: those just read again), with what is used instead."""
        problems = (
            ("Script not loaded", self.scripts.problems, str),
            (
                "Objection answers not loaded",
                self.objections.problems,
                lambda problem: f"{problem} ({self.objections.used_instead(problem)})",
            ),
            ("Profile not used", self._profile_problems, str),
        )
        for title, found, said in problems:
            self._say_problems(
                title,
                [said(problem) for problem in found if files is None or problem.path in files],
            )

    def _say_template_problems(self) -> None:
        from funnel_tui.emailing.templates import what_is_used

        problems = self.email_templates.problems
        said = [f"{problem} ({what_is_used(problem)})" for problem in problems]
        self._say_problems("Email template not loaded", said)

    def _say_problems(self, title: str, messages: Iterable[str]) -> None:
        """A toast of its own for each problem found in a file of the rep's."""
        for message in messages:
            self.notify(message, title=title, severity="error", timeout=10, markup=False)

    def get_default_screen(self) -> MainScreen:
        """The main screen is the app's first screen rather than one pushed over Textual's
        blank default: it is styled and laid out once for its first frame, not again as a
        pushed screen resumes (a tenth of the start-up's CPU). It starts with the size
        classes of the terminal it opens in."""
        # Leases this rep still holds are from before: an app killed, or closed while the
        # team's database was out of reach. They go back to the pool now, before the main
        # screen claims anything (the database thread runs its work in order).
        self._give_back_leases()
        # Keys reach the app before the screen has built its widgets: held until it has.
        self.hold_keys(KeyHold.STARTUP)
        return MainScreen(classes=" ".join(self._size_classes()))

    def on_mount(self) -> None:
        self._exit_on_hangup()
        self.screen_change_signal.subscribe(self, self._give_size_classes, immediate=True)
        self.screen_change_signal.subscribe(self, self._clear_toasts_for_dialogs)
        let_go_of_closed_screens(self)
        self._say_rep_file_problems()
        self.say_setting_problems(self._setting_problems)
        for notice in self._notices:
            self.notify(notice, title="Book upgraded", timeout=15, markup=False)

    def say_setting_problems(self, problems: list[str]) -> None:
        """A toast for each stored setting that cannot be used, with what is used instead,
        each said once: at start, and when another program stores one while the app runs
        (a `dial_command` that no longer reads would otherwise leave calls undialled
        without a word)."""
        for problem in problems:
            if problem not in self._setting_problems_said:
                self._setting_problems_said.add(problem)
                self.notify(
                    problem, title="Setting not used", severity="warning", timeout=10, markup=False
                )

    def _handle_exception(self, error: Exception) -> None:
        # A team's database out of reach, met by a worker or a timer (a reload, the gauge,
        # a claim): the app carries on with what it shows and says so.
        cause = error.error if isinstance(error, WorkerFailed) else error
        if isinstance(cause, ConnectionLost):
            self.say_out_of_reach(cause)
            return
        # A role that may only read, met by a claim or another write without a dialog:
        # said, and the app carries on with what it can read.
        if is_refused_write(cause):
            self.say_writes_refused(cause)
            return
        # Textual ends the app on an unhandled error and prints a traceback the size of the
        # screen. Keep the error for the command line instead: it writes the traceback to
        # a log file, prints one line and exits 1 (funnel_tui.crash).
        if self.crash is None:
            self.crash = error.error if isinstance(error, WorkerFailed) else error
            self.error_console = Console(file=io.StringIO())
        super()._handle_exception(error)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        # A key whose action reads a team's database while it is out of reach does nothing
        # but say so. Caught here, not in _handle_exception: an error raised in a message
        # handler stops that node's messages for good.
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except ConnectionLost as error:
            self.say_out_of_reach(error)
            return True

    def say_out_of_reach(self, error: ConnectionLost) -> None:
        """The one notice that a team's database is out of reach, replaced in place while
        it lasts (MainScreen's poll tries again and says when it is back)."""
        toast = self._latest_toasts.get(OUT_OF_REACH_TOAST)
        if error.reason == self.out_of_reach and toast in self._notifications:
            return
        self.out_of_reach = error.reason
        self._in_reach.clear()
        self.notify_in_place(
            OUT_OF_REACH_TOAST,
            f"The team database is out of reach ({error.reason}); what you see may be out"
            " of date; trying again",
            severity="warning",
            timeout=OUT_OF_REACH_TOAST_S,
        )

    def say_writes_refused(self, error: Exception) -> None:
        """The one notice that the database refuses this session's writes, replaced in
        place whenever it is met again."""
        self.notify_in_place(
            WRITES_REFUSED_TOAST,
            f"The database refuses your changes ({describe_error(error)}): nothing"
            " was written; what you see can still be read. Ask for the right to write,"
            " or open a book you may change.",
            severity="error",
            timeout=WRITES_REFUSED_TOAST_S,
        )

    async def back_in_reach(self) -> None:
        """Return once the team's database answers again (at once while it does)."""
        await self._in_reach.wait()

    def say_back_in_reach(self) -> None:
        """The database answers again: the notice says so in its place."""
        self.out_of_reach = None
        self._in_reach.set()
        self.notify_in_place(
            OUT_OF_REACH_TOAST,
            "The team database is back: the queue, the card and the gauge are read again",
            timeout=BACK_TOAST_S,
        )

    def _breakpoints(
        self, screen: Screen[object] | None
    ) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """The screen's own breakpoints across and down, else the app's (as Textual
        chooses them: a screen's None is the app's)."""
        wide = None if screen is None else screen.HORIZONTAL_BREAKPOINTS
        tall = None if screen is None else screen.VERTICAL_BREAKPOINTS
        return (
            WIDTH_CLASSES if wide is None else wide,
            HEIGHT_CLASSES if tall is None else tall,
        )

    def _size_classes(self, screen: Screen[object] | None = None) -> set[str]:
        """The breakpoint classes for the terminal's size, as Textual would set them on
        `screen`."""
        width, height = self.size
        wide, tall = self._breakpoints(screen)
        return {
            size_class(cells, points) for cells, points in ((width, wide), (height, tall)) if points
        }

    def _give_size_classes(self, screen: Screen[object]) -> None:
        """Textual sets the breakpoint classes on a screen's first Resize, after its first
        frame: a dialog opened in a small terminal showed its full-size layout for a frame."""
        chosen = self._size_classes(screen)
        wide, tall = self._breakpoints(screen)
        screen.update_classes({name: name in chosen for _, name in wide + tall})

    def _clear_toasts_for_dialogs(self, screen: Screen[object]) -> None:
        """Toasts stack in the bottom right corner, where in a small terminal they cover a
        dialog's fields (the outcome dialog's date read-back). They told of the screen
        below, so a dialog opens without them; `funnel check` repeats the start-up ones."""
        if isinstance(screen, ModalScreen):
            self.clear_notifications()

    async def action_quit(self) -> None:
        # A screen whose work must end first says so, and the app stays: an email on its
        # way (what the server answers must be recorded or shown), a file being imported
        # (all or nothing: the app would wait for it at a blank terminal).
        refuses_to_quit = getattr(self.screen, "refuses_to_quit", None)
        if refuses_to_quit is not None and refuses_to_quit():
            return
        # ctrl+q and the palette's Quit ask first during a running call, as q does.
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                await screen.action_quit()
                return
        self.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Editing keys go to the focused field; anywhere else they keep their own meaning,
        # and so do the keys a screen claims for itself (the email's ctrl+e: $EDITOR).
        if action == "edit_field":
            return isinstance(self.focused, Input) and not self._claimed(str(parameters[0]))
        if action in ("focus_next", "focus_previous"):
            return not self._claimed("tab" if action == "focus_next" else "shift+tab")
        return True

    def _claimed(self, key: str) -> bool:
        """Whether the screen on top claims `key` for itself now (its `claims_key`: the
        email's ctrl+e, the main screen's tab out of the filter)."""
        claims_key = getattr(self.screen, "claims_key", None)
        return claims_key is not None and bool(claims_key(key))

    def action_edit_field(self, key: str) -> None:
        field = self.focused
        if isinstance(field, Input):
            field.call_later(self.run_action, INPUT_EDITING_ACTIONS[key], field)

    def hold_keys(self, why: KeyHold = KeyHold.DIALOG) -> None:
        """Keep the keys (and pastes) typed from now on until `release_keys` (type-ahead).

        While a dialog saves and closes, the keys a fast typist has already pressed for
        the next prospect are held here instead of landing in the closing dialog.
        """
        self._holds.add(why)
        if self._held_keys is None:
            self._held_keys = []

    def release_keys(
        self,
        why: KeyHold = KeyHold.DIALOG,
        *,
        typed_before: Sequence[events.Key | events.Paste] = (),
    ) -> None:
        """Replay the held keys, in order, to whatever screen is now on top, once nothing
        else holds them; first `typed_before`, keys a screen kept itself that were typed
        before those held (the app had passed them on when the hold began)."""
        if typed_before:
            self._held_keys = [*typed_before, *(self._held_keys or [])]
        self._holds.discard(why)
        if self._held_keys is not None and not self._holds:
            # call_next runs before the keys that arrived while the app was busy.
            self.call_next(self._replay_held_keys)

    def holding(self, why: KeyHold) -> bool:
        """Whether keys are held for `why` now (typed or not)."""
        return why in self._holds

    def holds_keys(self) -> bool:
        """Whether keys typed ahead are held, waiting for their replay."""
        return bool(self._held_keys)

    def held_keys_open_the_filter(self) -> bool:
        """Whether the keys held begin, after any escape, with `/`: the filter then picks
        whom the keys after it act on, whoever the cursor is on now."""
        for held in self._held_keys or ():
            key = held.key if isinstance(held, events.Key) else None
            if key != "escape":
                return key == "slash"
        return False

    def take_held_keys(self) -> list[events.Key | events.Paste]:
        """The keys held so far, for a screen that types them itself; the hold goes on
        (release_keys ends it and replays what it is given back)."""
        held, self._held_keys = self._held_keys or [], []
        return held

    def drop_held_keys(self) -> bool:
        """Stop holding and forget the held keys; True when there were any.

        For a dialog that stays open after enter (its save failed): the keys typed after
        enter were meant for what comes after it, and must not change what it saves.
        """
        dropped = bool(self._held_keys)
        self._holds.clear()
        self._held_keys = None
        return dropped

    def drop_held_keys_once_shown(self, dropped: Callable[[], object]) -> None:
        """For a dialog that stays open after enter (it refused to save): go on holding
        the keys until what it says is on screen, then forget them, calling `dropped` when
        there were any.

        The keys that arrived before the rep could see the refusal (the rest of a burst,
        `lots enter p j`) were meant for what comes after the dialog and never reach its
        fields; those typed once it shows are typed into them.
        """

        def drop() -> None:
            if self.drop_held_keys():
                dropped()

        self.call_after_refresh(drop)

    async def _type_escape_then(self, after: events.Key) -> None:
        """Escape, then `after` once the escape has acted (fast_escape)."""
        if self._held_keys is not None:
            # Keys are held already: both join them, in order.
            for key in (events.Key("escape", "\x1b"), after):
                await self.on_event(key)
            return
        escape = events.Key("escape", "\x1b")
        sent_to = self.focused or self.screen
        self.hold_keys(KeyHold.ESCAPE)
        self._held_keys = [after]
        await super().on_event(escape)
        if not escape.is_forwarded:
            # A priority binding acted on it here and then: nothing is on its way.
            self.release_keys(KeyHold.ESCAPE)
            return
        # The escape is on its way up from `sent_to`. The binding that acts on it may
        # close the screen the message behind it is in; a widget that keeps it stops it
        # before the app: whichever of the two reaches the app first lets `after` go.
        self._escape_on_its_way = escape
        sent_to.post_message(AfterEscape())

    def on_after_escape(self, _message: AfterEscape) -> None:
        self._escape_has_acted()

    def _escape_has_acted(self) -> None:
        if self._escape_on_its_way is not None:
            self._escape_on_its_way = None
            self.release_keys(KeyHold.ESCAPE)

    async def keys_received_so_far(self) -> None:
        """Return once the app has taken the keys already on their way to it (held, while
        keys are held): a key typed before a hold ends, though still in the app's queue
        behind slower work, is held with the others, not let through after the release."""
        taken: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def take() -> None:
            if not taken.done():
                taken.set_result(None)

        self.call_later(take)
        await taken

    def keys_typed_ahead(self) -> bool:
        """Whether keys held while a dialog closed are still to be replayed: what they do
        comes next, and a toast about the dialog would show over it."""
        return bool(self._held_keys)

    async def _replay_held_keys(self) -> None:
        # A replayed key may start another hold (enter in the next dialog): stop there and
        # keep the rest for that hold's release. An app closing meanwhile has no screen
        # left for them.
        if not self.screen_stack:
            self._held_keys = None
            return
        while self._held_keys and not self._holds:
            await super().on_event(self._held_keys.pop(0))
        if not self._holds:
            self._held_keys = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and (move := word_move(event, self.focused)):
            event = move
        if isinstance(event, events.Key) and (after := split_alt_key(event)) is not None:
            await self._type_escape_then(after)
            return
        if event is self._escape_on_its_way:
            # The escape has bubbled up to the app, whose bindings act on it now.
            await super().on_event(event)
            self._escape_has_acted()
            return
        if isinstance(event, events.Key) and not event.is_forwarded and event.key == "ctrl+j":
            # Enter typed while the app starts, before Textual puts the terminal in raw
            # mode: the terminal turned its carriage return into a newline, which reads as
            # ctrl+j. The app binds no ctrl+j; it is the enter the rep pressed.
            event = events.Key("enter", "\r")
        if isinstance(event, events.Paste) and not event.is_forwarded:
            # TextArea's module (and its document model) loads on the first paste, not at
            # start-up; the email screen imports it anyway.
            from textual.widgets import TextArea

            # Every field is one line (Textual's Input would keep only the first line), but
            # for the email's text, which keeps its lines.
            multiline = isinstance(self.focused, TextArea)
            event = events.Paste(clean_text(event.text) if multiline else pasted_line(event.text))
        if (
            self._held_keys is not None
            and isinstance(event, (events.Key, events.Paste))
            and not event.is_forwarded
        ):
            self._held_keys.append(event)
            return
        await super().on_event(event)

    def notify_in_place(
        self,
        kind: str,
        message: str,
        *,
        severity: SeverityLevel = "information",
        timeout: float | None = None,
    ) -> None:
        """A toast that takes the place of the last one of the same `kind`: eight quick
        logs show one toast, the latest, instead of a stack over the card.

        Added here rather than posted (as `notify` does), so a second toast right after the
        first still finds it to replace. The message is never markup.
        """
        previous = self._latest_toasts.get(kind)
        if previous is not None and previous in self._notifications:
            self._unnotify(previous, refresh=False)
        toast = Notification(
            message,
            severity=severity,
            timeout=self.NOTIFICATION_TIMEOUT if timeout is None else timeout,
            markup=False,
        )
        self._latest_toasts[kind] = toast
        self._notifications.add(toast)
        self._refresh_notifications()

    def withdraw_toast(self, kind: str) -> None:
        """Take down the last toast of this `kind`, if it is still up."""
        toast = self._latest_toasts.pop(kind, None)
        if toast is not None and toast in self._notifications:
            self._unnotify(toast)

    def in_db_thread(self, work: Callable[[sqlite_utils.Database], T]) -> asyncio.Future[T]:
        """Run `work` with the database thread's connection, without blocking the UI.

        The work is handed to the thread at once, not when the result is awaited, so a
        write starts while the UI carries on with whatever it was doing.
        """
        loop = asyncio.get_running_loop()
        self._db_jobs += 1
        future = loop.run_in_executor(self._db_thread, lambda: work(self.storage.db))
        future.add_done_callback(self._db_job_done)
        return future

    def _db_job_done(self, _future: asyncio.Future[Any]) -> None:
        self._db_jobs -= 1

    @property
    def db_thread_idle(self) -> bool:
        """Whether all the work handed to the database thread is done: a write still on
        its way there has not committed, and a read made meanwhile would not show it."""
        return not self._db_jobs

    @property
    def reads_beside(self) -> bool:
        """Whether read_beside can be used: in a file's app."""
        return self._reader_thread is not None

    def read_beside(self, work: Callable[[sqlite_utils.Database], T]) -> asyncio.Future[T]:
        """Run `work` with a connection of its own in a thread beside the database thread
        (in a file's app, `reads_beside`): reading ahead, which never holds up a write."""
        if self._reader_thread is None:
            raise RuntimeError("a team's app reads in the database thread alone")
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(self._reader_thread, lambda: work(self.storage.db))

    def _give_back_leases(self) -> None:
        """Hand the database thread the release of every lease this rep holds (a team's
        book; a file has no leases), but the one on the person the rep is on the phone
        with: the call running now, or the one kept to run again (this app's, as it
        opens after it died mid-call, or another window's of the rep). Given back, another
        rep could call them while the call ran, and the call, back in the app, could not be
        logged."""
        if self.rep is None:
            return
        rep, on_call_with, now = self.rep, self.on_call_with, self.clock()

        def give_back() -> None:
            db = self.storage.db
            keep = on_call_with
            if keep is None:
                keep = _prospect_of_a_kept_call(db, rep, now)
            release_all(db, rep, keep=keep)

        self._db_thread.submit(give_back)

    def _exit_on_hangup(self) -> None:
        """Close as `q` does when the terminal goes away (SIGHUP: the window closed, the
        ssh link dropped) or the system asks (SIGTERM), so the pool prospects this rep holds
        go back to the others at once rather than in 15 minutes."""
        loop = asyncio.get_running_loop()
        for ending in ENDING_SIGNALS:
            try:
                loop.add_signal_handler(ending, self.exit)
            except (NotImplementedError, RuntimeError, ValueError):
                return  # Windows, or not the main thread (a test's app): nothing to catch.

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for ending in ENDING_SIGNALS:
            try:
                loop.remove_signal_handler(ending)
            except (NotImplementedError, RuntimeError, ValueError):
                break
        # The pool prospects this rep held go back to the others at once, not in 15 minutes.
        self._give_back_leases()
        # The storage belongs to whoever opened it (the command line closes it).
        self._db_thread.shutdown(wait=True)
        if self._reader_thread is not None:
            self._reader_thread.shutdown(wait=True, cancel_futures=True)
