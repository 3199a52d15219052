"""ProspectForm: add or edit a prospect, with every field checked before anything is saved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from funnel_tui.dates import WhenError, parse_when
from funnel_tui.domain import Kind, Priority, Stage
from funnel_tui.money import format_money
from funnel_tui.prospects import ProspectInvalid, validate_prospect
from funnel_tui.settings import Settings
from funnel_tui.storage import describe_error
from funnel_tui.text import clean_text
from funnel_tui.timestamps import Clock, from_stored, to_stored

FormSaver = Callable[[dict[str, Any]], Awaitable[int]]

TEXT_INPUTS = (
    ("name", "Name"),
    ("title", "Title"),
    ("company", "Company"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("timezone", "Timezone"),
    ("source", "Source"),
    ("deal_value", "Deal value"),
    ("next_call", "Next call"),
    ("needs", "Needs"),
    ("pain_points", "Pain points"),
    ("objections", "Objections"),
    ("goals", "Goals"),
)


class ProspectForm(ModalScreen[int | None]):
    """Returns the saved prospect's id, or None when cancelled."""

    # The name field has focus the moment the form is up, so the keys typed while it
    # opened land there.
    AUTO_FOCUS = "#field-name"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(
        self,
        *,
        methods: dict[str, str],
        save: FormSaver,
        prospect: dict[str, Any] | None = None,
        settings: Settings,
        clock: Clock,
    ) -> None:
        super().__init__()
        self.methods = methods
        self.save_prospect = save
        self.prospect = prospect or {}
        self.settings = settings
        self.clock = clock
        self.refused: set[str] = set()
        """The fields whose error is on screen: each clears once its field is fixed."""

    def _initial(self, field: str) -> str:
        if field == "deal_value":
            cents = self.prospect.get("deal_value_cents")
            return format_money(cents, self.settings.currency) if cents else ""
        if field == "next_call":
            moment = from_stored(self.prospect.get("next_call_at"))
            return f"{moment.astimezone(self.clock().tzinfo):%Y-%m-%d %H:%M}" if moment else ""
        # Rows other tools wrote may hold escapes; the field shows (and saves) them cleaned.
        return clean_text(str(self.prospect.get(field) or ""))

    def _next_call(self, typed: str) -> dict[str, str | None]:
        """The follow-up change, typed the way the outcome dialog takes dates.

        Left as it was, it is not parsed again (a past follow-up stays as it is); cleared,
        it removes the follow-up.
        """
        if typed == self._initial("next_call"):
            return {}
        if not typed.strip():
            return {"next_call_at": None}
        moment = parse_when(
            typed,
            self.clock(),
            day_first=self.settings.day_first,
            calling_start=self.settings.calling_start,
        )
        return {"next_call_at": to_stored(moment)}

    def compose(self) -> ComposeResult:
        title = "Edit prospect" if self.prospect else "New prospect"
        with Vertical(id="form-box", classes="dialog"):
            yield Label(title, id="form-title", classes="dialog-title")
            # Not a tab stop: tab goes from field to field (the focused one scrolls into view).
            with VerticalScroll(id="form-fields", can_focus=False):
                for field, label in TEXT_INPUTS:
                    with Horizontal(classes="form-row"):
                        yield Label(label, classes="form-label")
                        with Vertical(classes="form-input"):
                            yield Input(self._initial(field), id=f"field-{field}")
                            yield Static(id=f"error-{field}", classes="form-error", markup=False)
                choices = (
                    ("kind", "Kind", [(kind.label, kind.value) for kind in Kind], "new"),
                    ("stage", "Stage", [(stage.value, stage.value) for stage in Stage], "lead"),
                    (
                        "method",
                        "Method",
                        [(name, value) for value, name in self.methods.items()],
                        next(iter(self.methods), ""),
                    ),
                    (
                        "priority",
                        "Priority",
                        [(level.label, str(int(level))) for level in Priority],
                        str(int(Priority.NORMAL)),
                    ),
                )
                for field, label, options, default in choices:
                    current = str(self.prospect.get(field, default))
                    values = {value for _, value in options}
                    with Horizontal(classes="form-row"):
                        yield Label(label, classes="form-label")
                        with Vertical(classes="form-input"):
                            yield Select(
                                options,
                                value=current if current in values else default,
                                allow_blank=False,
                                id=f"field-{field}",
                            )
                            yield Static(id=f"error-{field}", classes="form-error", markup=False)
            yield Static(id="form-status", markup=False)
            yield Label(
                "enter or ctrl+s saves · tab moves · esc cancels",
                id="form-hint",
                classes="dialog-hint",
            )

    def values(self) -> dict[str, str]:
        """What the form holds now, as typed."""
        typed = {field: self.query_one(f"#field-{field}", Input).value for field, _ in TEXT_INPUTS}
        for field in ("kind", "stage", "method", "priority"):
            typed[field] = str(self.query_one(f"#field-{field}", Select).value)
        return typed

    def _checked(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The row to save and the reason each refused field is refused."""
        typed = self.values()
        errors: dict[str, str] = {}
        try:
            row = validate_prospect(typed, methods=self.methods)
        except ProspectInvalid as invalid:
            row, errors = {}, dict(invalid.errors)
        try:
            row.update(self._next_call(typed["next_call"]))
        except WhenError as error:
            errors["next_call"] = str(error)
        return row, errors

    def _show_errors(self, errors: dict[str, str]) -> None:
        for field in self.refused - errors.keys():
            self.query_one(f"#error-{field}", Static).update("")
        for field, reason in errors.items():
            self.query_one(f"#error-{field}", Static).update(Text(reason, "red"))
        self.refused = set(errors)
        self._status(f"{len(errors)} field(s) to fix" if errors else "", "red")

    @on(Input.Changed)
    @on(Select.Changed)
    def _recheck(self) -> None:
        # Only the refused fields are checked as the rep types: a field is not called
        # wrong before a save was tried.
        if self.refused:
            _, errors = self._checked()
            self._show_errors({field: errors[field] for field in self.refused & errors.keys()})

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        row, errors = self._checked()
        self._show_errors(errors)
        if errors:
            self.set_focus(self.query_one(f"#field-{next(iter(errors))}"))
            return
        self._status("Saving…", "")
        self._write(row)

    def _status(self, message: str, style: str) -> None:
        self.query_one("#form-status", Static).update(Text(message, style))

    @work(exclusive=True, group="save-prospect")
    async def _write(self, row: dict[str, Any]) -> None:
        try:
            prospect_id = await self.save_prospect(row)
        except Exception as error:  # a failed write keeps the form and everything typed
            self._status(f"Not saved: {describe_error(error)}", "bold red")
            return
        self.dismiss(prospect_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
