"""SettingsScreen: every setting as a field, each checked before anything is stored."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from funnel_tui.settings import (
    KEYS,
    SettingError,
    Settings,
    check_afternoon_slot,
    check_calling_hours,
    parse_setting,
    setting_text,
)
from funnel_tui.store.sqlite import describe_error
from funnel_tui.ui.discard_guard import DiscardGuard
from funnel_tui.ui.slow_write import waiting_said

SettingsSaver = Callable[[dict[str, str]], Awaitable[None]]

HINTS = {
    "currency": "symbol or code before amounts: $, €, CHF",
    "rep_name": "your name, as the scripts say it",
    "day_first": "yes: 3/12 is 3 December",
    "business_days": "e.g. mon,tue,wed,thu,fri",
    "holidays": "YYYY-MM-DD, comma separated",
    "calling_start": "HH:MM, their local time",
    "calling_end": "HH:MM, their local time",
    "max_attempts": "unanswered calls before nurture",
    "busy_retry_minutes": "wait after a busy line",
    "calls_per_day": "daily call goal without a target's",
    "cadence_days": "business days to each next try: 1,1,2,2,3,3,3",
    "afternoon_slot": "HH:MM, even tries, their local time",
    "nurture_days": "days from nurture to the revisit",
    "stage_weights": "% of value counted: meeting=10,qualified=25,proposal=50",
    "inbound_sources": "sources that contacted us: webinar, referral, ...",
    "source_phrases": "how scripts say them: webinar=our webinar; referral=a referral",
    "plan_win_rate": "plan's deals per prospect with a meeting, without history",
    "plan_meeting_rate": "plan's meetings per connect, without history",
    "plan_connect_rate": "plan's connects per call, without history",
    "plan_avg_deal": "empty: the median open opportunity's value",
    "connects_per_day": "daily goal; empty: the plan's",
    "meetings_per_day": "daily goal; empty: the plan's",
    "phone_region": "country of numbers typed without +: US, GB, DE",
    "dial_command": "e.g. xdg-open tel:{e164}; empty: copy only",
    "smtp_host": "e.g. smtp.example.com; empty: hand to the mail app",
    "smtp_port": "empty: 587 starttls, 465 tls, 25 none",
    "smtp_security": "starttls, tls or none",
    "smtp_user": "login name; password: $FUNNEL_SMTP_PASSWORD or keyring",
    "email_from": "e.g. Alex Morgan <alex@example.com>",
}


class SettingsScreen(DiscardGuard, ModalScreen[bool]):
    """Returns True when settings were saved."""

    CLOSED_UNSAVED = False

    # The first setting has focus the moment the screen is up, so the keys typed while it
    # opened land there.
    AUTO_FOCUS = "#settings-fields Input"

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, settings: Settings, *, save: SettingsSaver) -> None:
        super().__init__()
        self.settings = settings
        self.save_settings = save
        self.refused: set[str] = set()
        """The settings whose error is on screen: each clears once it is fixed."""

    def compose(self) -> ComposeResult:
        with Vertical(id="settings-box", classes="dialog"):
            yield Label(
                "Settings (stored in this database file)",
                id="settings-title",
                classes="dialog-title",
            )
            # Not a tab stop: tab goes from field to field (the focused one scrolls into view).
            with VerticalScroll(id="settings-fields", can_focus=False):
                for key in KEYS:
                    with Horizontal(classes="form-row"):
                        yield Label(key, classes="settings-label")
                        with Vertical(classes="form-input"):
                            # Focused, a field carries on from the end of its text:
                            # select-all there let the next key replace the whole setting.
                            yield Input(
                                setting_text(self.settings, key),
                                placeholder=HINTS.get(key, ""),
                                id=f"setting-{key}",
                                select_on_focus=False,
                            )
                            yield Static(id=f"setting-error-{key}", classes="form-error")
            yield Static(id="settings-status", markup=False)
            yield Label(
                "enter or ctrl+s saves · esc cancels", id="settings-hint", classes="dialog-hint"
            )

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
        error.update("")
        self.refused.discard(key)
        return text

    def _show_status(self) -> None:
        problems = len(self.refused)
        self.query_one("#settings-status", Static).update(
            Text(f"{problems} setting(s) to fix", "red") if problems else ""
        )

    @on(Input.Changed)
    def _recheck(self, event: Input.Changed) -> None:
        # Only a refused setting is checked as the rep types, so its error clears once fixed.
        key = (event.input.id or "").removeprefix("setting-")
        if key in self.refused:
            self._check(key)
            self._show_status()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        values = {key: text for key in KEYS if (text := self._check(key)) is not None}
        if not self.refused:
            self._check_hours(values)
        self._show_status()
        if self.refused:
            return
        self._write(values)

    def _check_hours(self, values: dict[str, str]) -> None:
        """Refuse calling hours that end before they start, then an afternoon slot outside
        them; each reason goes under the field to change."""
        start, end, slot = (
            parse_setting(key, values[key])
            for key in ("calling_start", "calling_end", "afternoon_slot")
        )
        try:
            check_calling_hours(start, end)  # type: ignore[arg-type]
        except SettingError as problem:
            self._refuse("calling_end", problem)
            return
        try:
            check_afternoon_slot(slot, start, end)  # type: ignore[arg-type]
        except SettingError as problem:
            self._refuse("afternoon_slot", problem)

    def _refuse(self, key: str, problem: SettingError) -> None:
        self.query_one(f"#setting-error-{key}", Static).update(Text(str(problem), "red"))
        self.refused.add(key)

    @work(exclusive=True, group="save-settings")
    async def _write(self, values: dict[str, str]) -> None:
        status = self.query_one("#settings-status", Static)
        try:
            with waiting_said(self, status.update):
                await self.save_settings(values)
        except Exception as error:  # a failed write keeps everything typed
            status.update(Text(f"Not saved: {describe_error(error)} (enter tries again)", "red"))
            return
        self.dismiss(True)
