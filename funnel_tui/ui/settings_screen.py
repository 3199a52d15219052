"""SettingsScreen: every setting as a field, named in words with what it does and an
example; each is checked as it is typed, and nothing is stored while one is refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from funnel_tui.setting_words import HOUR_KEYS, SETTING_WORDS, hours_refusal
from funnel_tui.settings import DEFAULTS, KEYS, SettingError, Settings, parse_setting, setting_text
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED, DroppedKeys, once_caught_up
from funnel_tui.ui.discard_guard import CANCEL_BINDING, DiscardGuard
from funnel_tui.ui.field_error import FieldError
from funnel_tui.ui.formatting import to_fix
from funnel_tui.ui.quiet_update import update_if_changed
from funnel_tui.ui.size_classes import ROOMY_HEIGHT_CLASSES
from funnel_tui.ui.slow_write import not_saved_text, waiting_said
from funnel_tui.ui.styled_as_mounted import StyledAsMounted

if TYPE_CHECKING:
    from funnel_tui.ui.app import FunnelApp

SettingsSaver = Callable[[dict[str, str]], Awaitable[None]]


def _label(key: str, changed: bool) -> Content:
    """A setting's name, and under it `not default` when it differs from the default."""
    name = (SETTING_WORDS[key].name, "bold")
    if not changed:
        return Content.assemble(name)
    return Content.assemble(name, ("\nnot default", "$accent"))


SAVE_OR_CANCEL = "enter or ctrl+s saves · esc cancels"


class SettingsScreen(AnswersOnce, DiscardGuard, StyledAsMounted, ModalScreen[bool]):
    """Returns True when settings were saved."""

    CLOSED_UNSAVED = False

    # No setting has focus until tab: letters typed by reflex after `s` (a name meant for
    # the queue's filter, `sam enter`) would otherwise change the first setting, the
    # book's currency, and enter would save it. (None would mean the app's: the first.)
    AUTO_FOCUS = ""
    VERTICAL_BREAKPOINTS = ROOMY_HEIGHT_CLASSES

    # Enter and ctrl+s save the moment they arrive, once the fields have taken the keys
    # typed before them; the keys typed after them are held for the screen below.
    BINDINGS = [
        CANCEL_BINDING,
        Binding("enter,ctrl+s", "submit", "Save", priority=True),
    ]

    def __init__(
        self, settings: Settings, *, save: SettingsSaver, own_keys: tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.settings = settings
        self.save_settings = save
        self.own_keys = own_keys
        """In a team's book, the rep's own settings (kept in their config file); the rest
        are the team's. Empty in a SQLite file, which keeps them all."""
        self.refused: set[str] = set()
        """The settings whose error is on screen: each clears once it is fixed."""
        self._dropped_keys = DroppedKeys()
        """Whether the keys typed after the last save key were dropped (it saved nothing)."""
        self.hours_edited = "calling_end"
        """The calling hours setting typed last: a start and end that do not fit are
        refused under it."""

    @property
    def funnel(self) -> FunnelApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="settings-box", classes="dialog"):
            yield Label(
                (
                    "Settings (yours in your config file, the rest the team's)"
                    if self.own_keys
                    else "Settings (stored in this database file)"
                ),
                id="settings-title",
                classes="dialog-title",
            )
            # Not a tab stop: tab goes from field to field (the focused one scrolls into view).
            with VerticalScroll(id="settings-fields", can_focus=False):
                for key in KEYS:
                    text = setting_text(self.settings, key)
                    changed, help_text = self._default_said(key, text)
                    with Horizontal(classes="form-row"):
                        yield Static(
                            _label(key, changed),
                            id=f"setting-label-{key}",
                            classes="settings-label",
                        )
                        with Vertical(classes="form-input"):
                            # Focused, a field carries on from the end of its text:
                            # select-all there let the next key replace the whole setting.
                            yield Input(
                                text,
                                placeholder=f"e.g. {SETTING_WORDS[key].example}",
                                id=f"setting-{key}",
                                select_on_focus=False,
                            )
                            yield Static(
                                help_text,
                                id=f"setting-help-{key}",
                                classes="setting-help",
                                markup=False,
                            )
                            yield FieldError(id=f"setting-error-{key}", classes="form-error")
            yield Static(id="settings-status", markup=False)
            yield Label(
                f"tab goes to the first setting · {SAVE_OR_CANCEL}",
                id="settings-hint",
                classes="dialog-hint",
            )

    def _default_said(self, key: str, text: str) -> tuple[bool, str]:
        """Whether a setting's text differs from the default, and the line under its
        field: what it does, an example, and the default when it differs."""
        words = SETTING_WORDS[key]
        try:
            changed = parse_setting(key, text) != getattr(DEFAULTS, key)
        except SettingError:
            changed = True
        said = f"{words.explains} · e.g. {words.example}"
        if changed:
            said += f" · default: {setting_text(DEFAULTS, key) or 'empty'}"
        if self.own_keys:
            said += " · yours (config file)" if key in self.own_keys else " · the team's"
        return changed, said

    def _show_default(self, key: str) -> None:
        """Mark a setting whose value differs from the default, and say the default."""
        changed, said = self._default_said(key, self.query_one(f"#setting-{key}", Input).value)
        update_if_changed(self.query_one(f"#setting-label-{key}", Static), _label(key, changed))
        update_if_changed(self.query_one(f"#setting-help-{key}", Static), said)

    def has_changes(self) -> bool:
        return any(
            self.query_one(f"#setting-{key}", Input).value != setting_text(self.settings, key)
            for key in KEYS
        )

    def _check(self, key: str) -> str | None:
        """Show whether this setting reads; its text when it does."""
        text = self.query_one(f"#setting-{key}", Input).value
        error = self.query_one(f"#setting-error-{key}", Static)
        try:
            parse_setting(key, text)
        except SettingError as problem:
            self._refuse(key, problem)
            return None
        update_if_changed(error, "")
        error.display = False
        self.refused.discard(key)
        return text

    def _show_status(self) -> None:
        said = [to_fix(len(self.refused), "setting")] if self.refused else []
        if self._dropped_keys.said:
            said.append(KEYS_NOT_APPLIED)
        update_if_changed(self.query_one("#settings-status", Static), Text(" · ".join(said), "red"))

    def _drop_held_keys(self) -> None:
        """Nothing was saved: the keys typed after enter were meant for the screen below,
        and never reach the fields. The status says so until the next save."""

        self._dropped_keys.drop_once_shown(self, self._show_status)

    @on(Input.Changed)
    def _recheck(self, event: Input.Changed) -> None:
        # Checked as the rep types: a refusal shows under the field at once and clears
        # once the value reads.
        key = (event.input.id or "").removeprefix("setting-")
        # Typing once the dropped keys were said: they are not dropped any more.
        self._dropped_keys.typed(event)
        if key in SETTING_WORDS:
            if key in HOUR_KEYS:
                self.hours_edited = key
                self._check_hours()
            else:
                self._check(key)
            self._show_default(key)
            self._show_status()
            if key in self.refused:
                self._show_error(key)

    def action_submit(self) -> None:
        self._dropped_keys.forget()
        self.funnel.hold_keys()
        once_caught_up(self.query(Input).results(Input), self._save)

    def _save(self) -> None:
        if not self.has_changes():
            # Nothing to store: the book keeps only what was set (and says nothing saved).
            self.dismiss(self.CLOSED_UNSAVED)
            self.funnel.release_keys()
            return
        values = {key: text for key in KEYS if (text := self._check(key)) is not None}
        self._check_hours()
        self._show_status()
        if self.refused:
            self._show_error(next(key for key in KEYS if key in self.refused))
            self._drop_held_keys()
            return
        if self.own_keys:
            # A team's book stores only what this rep changed: another rep's change to a
            # shared setting since this screen opened stands, and the rep's config file
            # holds only the settings they chose.
            values = {
                key: text
                for key, text in values.items()
                if text != setting_text(self.settings, key)
            }
        self._write(values)

    def _check_hours(self) -> None:
        """Check calling hours and the afternoon slot, each on its own and then against
        each other: hours that end before they start are refused under the one typed last,
        an afternoon slot outside them under the slot."""
        texts = [self._check(key) for key in HOUR_KEYS]
        if None in texts:
            return
        start, end, slot = (
            parse_setting(key, text) for key, text in zip(HOUR_KEYS, texts, strict=True)
        )
        refusal = hours_refusal(start, end, slot, self.hours_edited)  # type: ignore[arg-type]
        if refusal is not None:
            self._refuse(*refusal)

    @on(events.DescendantFocus)
    def _in_the_settings(self) -> None:
        # No setting has focus until tab (AUTO_FOCUS); once one has, tab goes on to the next.
        update_if_changed(self.query_one("#settings-hint", Label), f"tab moves · {SAVE_OR_CANCEL}")

    def _refuse(self, key: str, problem: SettingError | str) -> None:
        error = self.query_one(f"#setting-error-{key}", Static)
        update_if_changed(error, Text(str(problem), "red"))
        error.display = True
        self.refused.add(key)

    def _show_error(self, key: str) -> None:
        """Scroll a setting's error into view once it is laid out: under a field near the
        bottom of the list it was drawn below the visible part."""
        error = self.query_one(f"#setting-error-{key}", FieldError)
        self.call_after_refresh(error.scroll_visible, animate=False)

    @work(exclusive=True, group="save-settings")
    async def _write(self, values: dict[str, str]) -> None:
        status = self.query_one("#settings-status", Static)
        try:
            with waiting_said(self, status.update):
                await self.save_settings(values)
        except Exception as error:  # a failed write keeps everything typed
            not_saved = not_saved_text(error)
            status.update(Text(not_saved, "red"))
            self.funnel.drop_held_keys_once_shown(
                lambda: status.update(Text(f"{not_saved} · {KEYS_NOT_APPLIED}", "red"))
            )
            return
        self.dismiss(True)
        # The screen is off the stack: the keys typed after enter reach the screen below.
        self.funnel.release_keys()
