"""ProspectForm: add or edit a prospect, with every field checked before anything is saved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static

from funnel_tui.counted import counted
from funnel_tui.dates import WhenError
from funnel_tui.domain import Kind, Priority, Stage
from funnel_tui.foreign_values import MARK, readable_row
from funnel_tui.money import format_money, parse_amount
from funnel_tui.names import contact_name, first_name_of, written_case
from funnel_tui.outcome_answers import Answer, Reading, read_follow_up
from funnel_tui.phones import PhoneRefused, international, phone_warning, read_phone_in_zone
from funnel_tui.prospects import EditConflict, ProspectInvalid, validate_prospect
from funnel_tui.settings import Settings
from funnel_tui.text import clean_text, cut_for_quoting, one_line, pasted_line
from funnel_tui.timestamps import Clock, from_stored, to_stored
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.caught_up import KEYS_NOT_APPLIED, DroppedKeys, once_caught_up
from funnel_tui.ui.confirm_dialog import ConfirmDialog
from funnel_tui.ui.discard_guard import CANCEL_BINDING, DiscardGuard, open_select_around
from funnel_tui.ui.field_error import FieldError
from funnel_tui.ui.flag import Flag
from funnel_tui.ui.formatting import read_back_text, to_fix
from funnel_tui.ui.quiet_update import update_if_changed
from funnel_tui.ui.shown_days import ShownDays, minute_of, turned_message
from funnel_tui.ui.size_classes import ROOMY_HEIGHT_CLASSES
from funnel_tui.ui.slow_write import not_saved_text, waiting_said
from funnel_tui.ui.styled_as_mounted import StyledAsMounted

if TYPE_CHECKING:
    from datetime import datetime

    from funnel_tui.ui.app import FunnelApp

# Called with the columns to save and the row as the form read it (empty when adding).
FormSaver = Callable[[dict[str, Any], dict[str, Any]], Awaitable[int]]
# Who in the book the form's name, email and phone already belong to, said in a few words
# ("Noah Fitzgerald (id 31) has this email"); None when nobody.
SameFinder = Callable[[dict[str, Any]], Awaitable[str | None]]

TEXT_INPUTS = (
    ("name", "Name"),
    ("title", "Title"),
    ("company", "Company"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("timezone", "Timezone"),
    # Optional, so it stays out of the way of the tab from Name to the phone and email.
    ("first_name", "First name"),
    ("source", "Source"),
    ("deal_value", "Deal value"),
    ("next_call", "Next call"),
    ("needs", "Needs"),
    ("pain_points", "Pain points"),
    ("objections", "Objections"),
    ("goals", "Goals"),
)
# Two to a row: what the prospect asked for, then the rep's own marks.
FLAG_LABELS = {
    "do_not_call": "Do not call",
    "do_not_email": "Do not email",
    "wrong_number": "Wrong number",
    "nurture": "Nurture",
}
# The flags that say what the prospect asked for, which clearing asks about first: what
# the question says they will be again, and the flag's name.
ASKED_FOR = {"do_not_call": ("called", "do not call"), "do_not_email": ("emailed", "do not email")}
# The longest stored text a field shows to edit: Input lays its whole value out at each
# key, and a field of megabytes took seconds a key.
EDITABLE_AT_MOST = 10_000
# The fields that save to a column of another name.
FIELD_COLUMNS = {"deal_value": "deal_value_cents", "next_call": "next_call_at"}
COLUMN_FIELDS = {column: field for field, column in FIELD_COLUMNS.items()}


def _greeting_hint(name: str, company: str) -> str:
    """What an empty First name field greets this name as."""
    contact = contact_name(one_line(name), one_line(company))
    if contact is None:
        return "empty: no first name, the name is the company's"
    first = written_case(first_name_of(contact))
    return f"empty: {first}, from the name" if first else "empty: no first name in the name"


def _error_under(field: str) -> FieldError:
    """What is wrong with a field, under it; in view while the rep is at the field."""
    return FieldError(id=f"error-{field}", classes="form-error", markup=False, follows_focus=True)


class ProspectForm(AnswersOnce, DiscardGuard, StyledAsMounted, ModalScreen[int | None]):
    """Returns the saved prospect's id, or None when cancelled or closed unchanged.

    Enter holds the keys typed after it (the app's type-ahead). A refusal drops them; once
    the form closes, whoever opened it releases them when the result has acted.
    """

    # The name field has focus the moment the form is up, so the keys typed while it
    # opened land there.
    AUTO_FOCUS = "#field-name"
    VERTICAL_BREAKPOINTS = ROOMY_HEIGHT_CLASSES

    # Enter and ctrl+s act the moment they arrive, holding the keys typed after them (a
    # field's own enter came after the keys typed behind it, which went into the field),
    # and once the keys typed before them have acted (KeysBeforeActed). Enter in an open
    # list picks; anywhere else, a closed list too, it saves, as the hint says (space or
    # down opens a list). Ctrl+s always saves.
    BINDINGS = [
        CANCEL_BINDING,
        Binding("enter", "enter", "Save", show=False, priority=True),
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("space,down,up", "open_list", show=False, priority=True),
        Binding("ctrl+t", "take_theirs", "Take the other program's value"),
    ]

    class KeysBeforeActed(Message):
        """Posted to the focused field at enter or ctrl+s, it bubbles up behind the keys
        typed before them: a flag or a list acts on a key (space, down) as the key bubbles
        up to the app, and a text field types it as it arrives."""

    def __init__(
        self,
        *,
        methods: dict[str, str],
        save: FormSaver,
        prospect: dict[str, Any] | None = None,
        settings: Settings,
        clock: Clock,
        find_same: SameFinder | None = None,
    ) -> None:
        super().__init__()
        self.methods = methods
        self.save_prospect = save
        self.find_same = find_same
        # The name, email and phone the rep chose to save although someone had them.
        self._same_confirmed: tuple[object, ...] | None = None
        # The row as the form read it; a field that another program changed meanwhile
        # takes that program's value here once the rep has been shown it.
        self.prospect = dict(prospect or {})
        self.settings = settings
        self.clock = clock
        self.choices = self._choices()
        self.changed_meanwhile: set[str] = set()
        self.refused: set[str] = set()
        """The fields whose error is on screen: each clears once its field is fixed."""
        # Whether the status says the keys typed after a refused enter were dropped.
        self._dropped_keys = DroppedKeys()
        # What enter or ctrl+s does once the keys typed before them have acted.
        self._after_keys: Callable[[], None] | None = None
        # Whether enter picked in an open list, holding the keys until it has closed.
        self._picking = False
        # What the next call typed was shown to read as: checked again as it saves.
        self._shown_days = ShownDays()
        # The minute the next call was last read in, for the clock's turn to read it again.
        self._minute_read: datetime | None = None
        self._said = ("", "")

    @property
    def funnel(self) -> FunnelApp:
        return self.app  # type: ignore[return-value]

    @property
    def _settings_now(self) -> Settings:
        """The book's settings as they are now, which what is typed is read and saved by:
        a currency set elsewhere while the form is open would store `USD 700` as 700 of
        the new one. The fields show the values as read when it opened (`settings`)."""
        return self.funnel.settings

    def _choices(self) -> dict[str, tuple[str, list[tuple[str, str]], str]]:
        """Each choice field's label, options and default."""
        return {
            "kind": ("Kind", [(kind.label, kind.value) for kind in Kind], "new"),
            "stage": ("Stage", [(stage.value, stage.value) for stage in Stage], "lead"),
            "method": (
                "Method",
                [(name, value) for value, name in self.methods.items()],
                next(iter(self.methods), ""),
            ),
            "priority": (
                "Priority",
                [(level.label, str(int(level))) for level in Priority],
                str(int(Priority.NORMAL)),
            ),
        }

    def _initial(self, field: str) -> str | bool:
        """What the field shows for the row as read: a value the form cannot show (a
        method whose script is gone) shows as the default, and is saved only if changed."""
        if field in FLAG_LABELS:
            return bool(self.prospect.get(field))
        if field in self.choices:
            _, options, default = self.choices[field]
            current = str(self.prospect.get(field, default))
            return current if current in {value for _, value in options} else default
        if field == "deal_value":
            cents = self._readable("deal_value_cents")
            return format_money(cents, self.settings.currency) if cents else ""
        if field == "next_call":
            moment = from_stored(self._readable("next_call_at"))
            return f"{moment.astimezone(self.clock().tzinfo):%Y-%m-%d %H:%M}" if moment else ""
        if field == "timezone" and self._timezone_guessed:
            # Left empty, the zone is guessed again from the number as it is when saved.
            return ""
        if field == "phone" and isinstance(phone := self.prospect.get(field), str):
            return clean_text(international(phone, self.settings.phone_region))
        if self._too_long(field):
            # Kept as it is: the field stays empty, and so is saved only if typed in.
            return ""
        # Rows other tools wrote may hold escapes; the field shows (and saves) them cleaned,
        # on one line: the field shows one, and the rest was out of sight.
        return pasted_line(str(self.prospect.get(field) or ""))

    def _too_long(self, field: str) -> int:
        """How long the stored text of a field is when it is too long to edit here (a field
        of megabytes made each key take seconds); 0 otherwise."""
        value = self.prospect.get(field)
        length = len(value) if isinstance(value, str) else 0
        return length if length > EDITABLE_AT_MOST else 0

    def _readable(self, column: str) -> Any:
        """The row's `column`, or None where another tool stored a value of the wrong type
        or range (`'lots'` cents): its field starts empty and saves only what is typed."""
        values, _ = readable_row("prospects", {column: self.prospect.get(column)})
        return values[column]

    def _unreadable(self, field: str) -> str:
        """What another tool stored in the column of `field` that the form cannot show
        (quoted, as `funnel check` lists it); "" when there is none."""
        column = FIELD_COLUMNS.get(field, field)
        stored = self.prospect.get(column)
        if stored is None or self._readable(column) is not None:
            return ""
        return cut_for_quoting(repr(stored))

    @property
    def _timezone_guessed(self) -> bool:
        """Whether the row's timezone was guessed from its phone number."""
        return bool(self.prospect.get("timezone_guessed")) and bool(self.prospect.get("timezone"))

    def _placeholder(self, field: str) -> str:
        """Left empty, the first name is taken from the name and the timezone guessed from
        the number: the field shows which. A deal value or next call another tool stored
        that cannot be read starts empty, and says it is kept."""
        if field in COLUMN_FIELDS.values() and (stored := self._unreadable(field)):
            return f"{MARK} {stored} as stored: kept unless you type one"
        if field == "first_name":
            return _greeting_hint(str(self._initial("name")), str(self._initial("company")))
        if field == "timezone":
            if self._timezone_guessed:
                return f"empty: {one_line(self.prospect['timezone'])}, guessed from the number"
            return "empty: guessed from the number when it has one zone"
        return ""

    @on(Input.Changed, "#field-name, #field-company")
    def _name_or_company_changed(self) -> None:
        self.query_one("#field-first_name", Input).placeholder = _greeting_hint(
            self.query_one("#field-name", Input).value,
            self.query_one("#field-company", Input).value,
        )

    def _next_call(self, typed: str) -> dict[str, str | None]:
        """The follow-up change, typed the way the outcome dialog takes dates.

        Left as it was, it is not parsed again (a past follow-up stays as it is); cleared,
        it removes the follow-up.
        """
        if typed == self._initial("next_call"):
            return {}
        if not typed.strip():
            return {"next_call_at": None}
        answer = self._next_call_read(typed)
        if day := self._shown_days.turned("next_call", typed, answer.value, self.clock().tzinfo):
            # The rep confirmed the day shown, not the one the text reads as now.
            raise WhenError(turned_message("the next call", day, answer.read_back))
        return {"next_call_at": to_stored(answer.value)}

    def _next_call_read(self, typed: str) -> Answer:
        """The next call as typed, read back with its warnings, as the outcome dialog reads
        a callback; WhenError when it does not read."""
        reading = Reading(
            now=self.clock(), settings=self._settings_now, prospect_timezone=self._zone_when_saved()
        )
        return read_follow_up(typed, reading)

    def _zone_when_saved(self) -> str | None:
        """Their clock, for `tomorrow` and `10am their time`: the zone the save will store.
        That is the zone typed in the form; left empty, the one the number in the form
        gives, as the save guesses it (a number typed for a prospect without a zone, or a
        new number for one whose zone was guessed); else the stored one."""
        typed = self.values()
        if zone := str(typed.get("timezone") or "").strip():
            return zone
        phone = str(typed.get("phone") or "")
        if phone.strip():
            with suppress(PhoneRefused):
                return read_phone_in_zone(phone, self.settings.phone_region, None).timezone
        if phone != self._initial("phone"):
            return None
        return str(self.prospect.get("timezone") or "") or None

    def _show_next_call(self, *, seen: bool = True) -> None:
        """What a changed next call reads as, under it, with its warnings (the day a rep
        means by `fri` or `3/12` is on screen before the save); a refusal takes its place
        once a save was tried, as for every field. `seen` records the day it reads as as
        the one the rep saw (not for a reading the clock moved on by itself)."""
        if "next_call" in self.refused:
            return
        typed = self.query_one("#field-next_call", Input).value
        said = Text("")
        if typed.strip() and typed != self._initial("next_call"):
            with suppress(WhenError):
                answer = self._next_call_read(typed)
                said = read_back_text(answer)
                if seen:
                    zone = self.clock().tzinfo
                    self._shown_days.shown("next_call", typed, answer.value, zone)
        update_if_changed(self.query_one("#error-next_call", Static), said)

    def _follow_the_minute(self) -> None:
        """A time read from now (`in 3 hours`) moves on with the clock: once the minute
        turns, the next call is read again, so its preview says what ctrl+s would save (it
        said 13:41 at 13:42, and the save wrote 13:42), as in the outcome dialog."""
        minute = minute_of(self.clock())
        if minute != self._minute_read:
            self._minute_read = minute
            self._show_next_call(seen=False)

    @on(Input.Changed, "#field-next_call")
    @on(Input.Changed, "#field-timezone")
    @on(Input.Changed, "#field-phone")
    def _next_call_changed(self) -> None:
        self._show_next_call()

    def _show_deal_value(self) -> None:
        """What a changed deal value reads as, under it (`8k`: `→ $8,000.00`), as the
        outcome dialog reads an amount back; a refusal takes its place once a save was
        tried, as for every field."""
        if "deal_value" in self.refused or "deal_value" in self.changed_meanwhile:
            return
        typed = self.query_one("#field-deal_value", Input).value
        said = Text("")
        if typed.strip() and typed != self._initial("deal_value"):
            with suppress(ValueError):
                currency = self._settings_now.currency
                cents = parse_amount(typed, currency)
                said = read_back_text(Answer(cents, format_money(cents, currency)))
        update_if_changed(self.query_one("#error-deal_value", Static), said)

    @on(Input.Changed, "#field-deal_value")
    def _deal_value_changed(self) -> None:
        self._show_deal_value()

    def on_mount(self) -> None:
        for choice in self.query(Select).results(Select):
            self.watch(choice, "expanded", self._list_shown, init=False)
        self._minute_read = minute_of(self.clock())
        self.set_interval(1, self._follow_the_minute)

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
                            # Focused, a field carries on from the end of its text:
                            # select-all there let the next key replace the whole name.
                            too_long = self._too_long(field)
                            yield Input(
                                str(self._initial(field)),
                                placeholder=(
                                    f"{too_long:,} characters: too long to edit here, kept as"
                                    " it is (funnel export gives it whole)"
                                    if too_long
                                    else self._placeholder(field)
                                ),
                                id=f"field-{field}",
                                select_on_focus=False,
                                disabled=bool(too_long),
                            )
                            yield _error_under(field)
                for field, (label, options, _) in self.choices.items():
                    with Horizontal(classes="form-row"):
                        yield Label(label, classes="form-label")
                        with Vertical(classes="form-input"):
                            yield Select(
                                options,
                                value=self._initial(field),
                                allow_blank=False,
                                id=f"field-{field}",
                            )
                            yield _error_under(field)
                with Horizontal(classes="form-row"):
                    yield Label("Flags", classes="form-label")
                    with Vertical(classes="form-input"):
                        with Grid(id="form-flags"):
                            for field, label in FLAG_LABELS.items():
                                yield Flag(label, bool(self._initial(field)), id=f"field-{field}")
                        for field in FLAG_LABELS:
                            yield _error_under(field)
            yield Static(id="form-status", markup=False)
            yield Label(
                "enter or ctrl+s saves · tab moves · space ticks a flag or opens a list"
                " · esc cancels",
                id="form-hint",
                classes="dialog-hint",
            )

    def values(self) -> dict[str, str | bool]:
        """What the form holds now, as typed."""
        typed: dict[str, str | bool] = {
            field: self.query_one(f"#field-{field}", Input).value for field, _ in TEXT_INPUTS
        }
        for field in self.choices:
            typed[field] = str(self.query_one(f"#field-{field}", Select).value)
        for field in FLAG_LABELS:
            typed[field] = self.query_one(f"#field-{field}", Flag).value
        return typed

    def has_changes(self) -> bool:
        return any(value != self._initial(field) for field, value in self.values().items())

    def _checked(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The row to save and the reason each refused field is refused."""
        typed = self.values()
        errors: dict[str, str] = {}
        try:
            row = validate_prospect(
                typed,
                methods=self.methods,
                phone_region=self._settings_now.phone_region,
                currency=self._settings_now.currency,
                # Only what the rep changes is saved, so only that is checked: a value
                # another tool stored (a zone funnel does not know) blocks no other change.
                unchanged=self._unchanged(typed),
            )
        except ProspectInvalid as invalid:
            row, errors = {}, dict(invalid.errors)
        try:
            row.update(self._next_call(str(typed["next_call"])))
        except WhenError as error:
            errors["next_call"] = str(error)
        return row, errors

    def _unchanged(self, typed: dict[str, str | bool]) -> set[str]:
        """The fields an edit leaves as the form read them (none when adding)."""
        if not self.prospect:
            return set()
        return {field for field, value in typed.items() if value == self._initial(field)}

    def _show_errors(self, errors: dict[str, str]) -> None:
        for field in self.refused - errors.keys():
            update_if_changed(self.query_one(f"#error-{field}", Static), "")
        for field, reason in errors.items():
            update_if_changed(self.query_one(f"#error-{field}", Static), Text(reason, "red"))
        self.refused = set(errors)
        self._status(to_fix(len(errors), "field") if errors else "", "red")
        self._show_phone_warning()
        self._show_next_call()
        self._show_deal_value()

    def _phone_warning(self) -> str | None:
        return phone_warning(
            self.query_one("#field-phone", Input).value, self.settings.phone_region
        )

    def _show_phone_warning(self) -> None:
        """A number that can be dialled but that phonenumbers does not know as in use is
        saved, with a word under it; a refusal there takes its place."""
        if "phone" not in self.refused:
            warning = self._phone_warning()
            update_if_changed(self.query_one("#error-phone", Static), Text(warning or "", "yellow"))

    @on(Input.Changed, "#field-phone")
    def _phone_changed(self) -> None:
        self._show_phone_warning()

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _recheck(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        # Only the refused fields are checked as the rep types: a field is not called
        # wrong before a save was tried.
        if isinstance(event, Input.Changed):
            typed_again = self._dropped_keys.typed(event)
        else:
            # The keys before enter acted before it (KeysBeforeActed).
            typed_again = self._dropped_keys.chose()
        if self.refused:
            _, errors = self._checked()
            self._show_errors({field: errors[field] for field in self.refused & errors.keys()})
        elif typed_again:
            self._show_status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_list":
            # Only on a closed list: in a field these keys type, on a flag space ticks.
            return isinstance(self.focused, Select) and not self.focused.expanded
        return super().check_action(action, parameters)

    def action_open_list(self) -> None:
        """Open the focused list with the focus in it at once: the keys typed right behind
        (down, enter) move and pick in it. Select moves the focus a moment later, and they
        went to the list still closed."""
        choice = self.focused
        if isinstance(choice, Select):
            choice.action_show_overlay()
            self.set_focus(choice.query_one(OptionList))

    def action_enter(self) -> None:
        self._after_keys_before(self._pick_or_save)

    def action_save(self) -> None:
        self._after_keys_before(self._save_once_caught_up)

    def _after_keys_before(self, then: Callable[[], None]) -> None:
        """Hold the keys typed from now on, and call `then` once those typed before have
        acted."""
        self.funnel.hold_keys()
        self._after_keys = then
        (self.focused or self).post_message(self.KeysBeforeActed())

    @on(KeysBeforeActed)
    def _keys_before_acted(self, message: KeysBeforeActed) -> None:
        message.stop()
        then, self._after_keys = self._after_keys, None
        if then is not None:
            # After the app's bindings have acted on the last key before (in its queue).
            self.app.call_later(then)

    def _pick_or_save(self) -> None:
        options = self._open_list()
        if options is None:
            self._save_once_caught_up()
            return
        # Enter in an open list picks; the form is not saved. The keys typed after it go
        # on in the form once the list has closed and given the list its focus back.
        self._picking = True
        options.action_select()

    def _list_shown(self, shown: bool) -> None:
        if not shown and self._picking:
            self._picking = False
            self.app.call_later(self.funnel.release_keys)

    def _save_once_caught_up(self) -> None:
        self._dropped_keys.forget()
        once_caught_up(self.query(Input).results(Input), self._save_as_typed)

    def _open_list(self) -> OptionList | None:
        """A choice's list, when it is open with the focus in it."""
        focused = self.focused
        if isinstance(focused, OptionList) and open_select_around(focused) is not None:
            return focused
        return None

    def _not_saved(self, status: str, style: str = "red") -> None:
        """Enter did not save: say why. The keys typed after enter were meant for the
        screen below: they are dropped, never typed into a field, and the status says so
        until the rep types again."""
        self._status(status, style)
        self._dropped_keys.drop_once_shown(self, self._show_status)

    def _save_as_typed(self) -> None:
        typed = self.values()
        if self.prospect and all(typed[field] == self._initial(field) for field in typed):
            # Nothing to store: the form closes as esc would, and writes nothing (not even
            # a time zone guessed from an unchanged number, nor refuses a value another
            # tool stored that the rep left alone). Said, for a rep who thought a list's
            # highlighted option was picked (`space down ctrl+s`).
            self.app.notify("Nothing to save: no field was changed")
            self.dismiss(None)
            return
        row, errors = self._checked()
        self._show_errors(errors)
        if errors:
            first = next(iter(errors))
            self.set_focus(self.query_one(f"#field-{first}"))
            # The field and the error under it in sight: focus scrolls to the field alone,
            # and not at all if the field had it already (a new error, once laid out at
            # its wrapped height, scrolls itself into view: FieldError).
            row_shown = self.query_one(f"#error-{first}").query_ancestor(".form-row", Widget)
            self.call_after_refresh(row_shown.scroll_visible, animate=False)
            self._not_saved(to_fix(len(errors), "field"))
            return
        person = (row.get("name"), row.get("email"), row.get("phone"))
        unchanged = bool(self.prospect) and all(
            typed.get(field) == self._initial(field) for field in ("name", "email", "phone")
        )
        if self.find_same is not None and person != self._same_confirmed and not unchanged:
            self._save_unless_someone_has(row, person)
            return
        self._save(row)

    @work(exclusive=True, group="same-person")
    async def _save_unless_someone_has(
        self, row: dict[str, Any], person: tuple[object, ...]
    ) -> None:
        """As `funnel import` would take the prospect for someone the book has (the same
        email, or phone number and name), the form says so once; enter again saves."""
        assert self.find_same is not None
        try:
            said = await self.find_same(row)
        except Exception as error:  # the lookup only warns: a failed one stops nothing
            said = None
            self.log.warning(f"same-person lookup failed: {error}")
        if said is None:
            self._save(row)
            return
        self._same_confirmed = person
        self._not_saved(f"{said}: enter saves this one all the same, esc cancels", "bold yellow")

    def _save(self, row: dict[str, Any]) -> None:
        if self.prospect:
            # Only what the rep changed is saved, so nothing another program saved
            # meanwhile in the other fields is overwritten.
            edited = {
                FIELD_COLUMNS.get(field, field)
                for field, value in self.values().items()
                if value != self._initial(field)
            }
            # A new number may be in another zone, and a zone the rep sets is no guess;
            # a prospect saved without one gets it guessed.
            if edited & {"phone", "timezone"} or (
                row.get("timezone_guessed") and not self.prospect.get("timezone")
            ):
                edited |= {"timezone", "timezone_guessed"}
            row = {column: value for column, value in row.items() if column in edited}
            cleared = [flag for flag in ASKED_FOR if row.get(flag) == 0]
            if cleared:
                self._confirm_clearing(row, cleared)
                return
        self._status("Saving…", "")
        self._write(row)

    def _confirm_clearing(self, row: dict[str, Any], flags: list[str]) -> None:
        """Clearing do not call or do not email asks first, one flag at a time: the
        prospect asked for it."""
        flag, later = flags[0], flags[1:]
        again, said = ASKED_FOR[flag]
        name = one_line(self.prospect.get("name")) or "This prospect"
        question = Text.assemble(
            (name, "bold"), f" is marked {said}. Clear it, so they are {again} again?"
        )

        def answered(clear: bool | None) -> None:
            if clear and later:
                self._confirm_clearing(row, later)
            elif clear:
                # The yes holds the keys typed after it: they act once the form is saved
                # and closed, or are dropped if the write fails.
                self._status("Saving…", "")
                self._write(row)
            else:
                # Kept as it was: saving again saves the other changes.
                self.query_one(f"#field-{flag}", Flag).value = True
                self.set_focus(self.query_one(f"#field-{flag}"))
                self._status(f"Not saved: {said} is kept", "yellow")

        self.app.push_screen(
            ConfirmDialog(question, yes="clear it and save", enter_says_yes=False), answered
        )
        # The keys typed after enter before the question showed never answer it.
        self.funnel.drop_held_keys_once_shown(
            lambda: self.app.notify(f"Not answered: {KEYS_NOT_APPLIED}", severity="warning")
        )

    def _status(self, message: str, style: str) -> None:
        self._said = (message, style)
        self._show_status()

    def _show_status(self) -> None:
        """What the status says, and that the keys typed after a refused enter were
        dropped, until the rep types again."""
        message, style = self._said
        if self._dropped_keys.said:
            message = " · ".join(part for part in (message, KEYS_NOT_APPLIED) if part)
        update_if_changed(self.query_one("#form-status", Static), Text(message, style))

    @work(exclusive=True, group="save-prospect")
    async def _write(self, row: dict[str, Any]) -> None:
        try:
            with waiting_said(self, lambda message: self._status(message, "")):
                prospect_id = await self.save_prospect(row, dict(self.prospect))
        except EditConflict as conflict:
            self._show_changed_meanwhile(conflict.theirs)
            return
        except ProspectInvalid as invalid:  # an email or phone on the suppression list
            self._show_errors(dict(invalid.errors))
            self.set_focus(self.query_one(f"#field-{next(iter(invalid.errors))}"))
            self._not_saved(to_fix(len(invalid.errors), "field"))
            return
        except Exception as error:  # a failed write keeps the form and everything typed
            self._not_saved(not_saved_text(error), "bold red")
            return
        # The form closes at once: the word under the field may not have been read.
        if "phone" in row and (warning := self._phone_warning()):
            self.app.notify(warning, title="Phone number kept", severity="warning", markup=False)
        self.dismiss(prospect_id)

    def _show_changed_meanwhile(self, theirs: dict[str, Any]) -> None:
        """Show the other program's value under each field the rep also changed. The field
        keeps the rep's value; ctrl+t takes the other one; saving again saves the choice."""
        self.prospect.update(theirs)
        fields = [COLUMN_FIELDS.get(column, column) for column in theirs]
        self.changed_meanwhile = set(fields)
        for field in fields:
            self.query_one(f"#error-{field}", Static).update(
                Text.assemble(
                    "another program saved ",
                    (f"“{self._theirs_label(field)}”", "bold"),
                    " meanwhile · ctrl+t takes it · saving keeps yours",
                    style="yellow",
                )
            )
        self.set_focus(self.query_one(f"#field-{fields[0]}"))
        self._not_saved(
            f"{counted(len(fields), 'field')} you changed {'was' if len(fields) == 1 else 'were'}"
            " changed by another program meanwhile: choose, then save again",
            "bold yellow",
        )

    def _theirs_label(self, field: str) -> str:
        value = self._initial(field)
        if isinstance(value, bool):
            return "ticked" if value else "not ticked"
        if field in self.choices:
            # Named as stored, also a value the list does not offer.
            _, options, _ = self.choices[field]
            stored = str(self.prospect.get(field))
            value = next((label for label, option in options if option == stored), stored)
        return one_line(value) if value else "(empty)"

    def action_take_theirs(self) -> None:
        """Put the other program's value into the focused field that both changed."""
        focused = self.focused
        field = (focused.id or "").removeprefix("field-") if focused else ""
        if field not in self.changed_meanwhile:
            return
        widget = self.query_one(f"#field-{field}")
        if isinstance(widget, Input | Select | Flag):
            widget.value = self._initial(field)
        self.changed_meanwhile.discard(field)
        self.query_one(f"#error-{field}", Static).update(
            Text("the other program's value is kept", "yellow")
        )
        if self.changed_meanwhile:
            self.set_focus(self.query_one(f"#field-{sorted(self.changed_meanwhile)[0]}"))
