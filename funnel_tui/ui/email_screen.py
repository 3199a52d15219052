"""EmailScreen: email the prospect from a template (PRODUCT 15). A digit (or enter) picks
the template; then the email shows filled in, To read-only, the subject and the text to
edit here or in `$EDITOR` (ctrl+e); ctrl+s sends, escape cancels.

While it sends, the screen stays: escape says to wait, so what the server answers is
always handled. An email that went out but could not be recorded keeps its fields
read-only; ctrl+s records it without sending it again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from funnel_tui.clocks import their_time
from funnel_tui.editor import EditorFailed, editor_command, run_editor
from funnel_tui.emailing.compose import CannotCompose
from funnel_tui.emailing.fit import Misfit
from funnel_tui.emailing.message import Draft
from funnel_tui.emailing.record import RecordedEmail, SentEmail
from funnel_tui.emailing.sending import MaybeSent, SendFailed
from funnel_tui.emailing.templates import EmailTemplate
from funnel_tui.store.sqlite import describe_error
from funnel_tui.text import clean_text, one_line
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.discard_guard import CANCEL_BINDING, DiscardGuard
from funnel_tui.ui.formatting import day_and_time
from funnel_tui.ui.key_hold import KeyHold
from funnel_tui.ui.readable_options import ReadableOptionList
from funnel_tui.ui.styled_as_mounted import StyledAsMounted

# A digit picks the template at that place: the four built-ins and a few of the rep's own.
DIGIT_KEYS = "123456789"
PICK_HINT = "1-9 or enter picks a template · esc cancels"
EDIT_HINT = "ctrl+s sends · ctrl+e edits the text in $EDITOR · esc cancels"
SENT_HINT = "ctrl+s records it (already sent) · esc leaves it out of the timeline"
WAIT = "Sending: wait for it to finish."
# While it is sent: nothing cancels it (esc says so), the wait is bounded. The server may
# not have it yet (it has not even greeted): the hint says only what is known.
SENDING_HINT = "sending: esc waits for the mail server's answer"
PERHAPS_HINT = "ctrl+r records it as sent (not sent again) · ctrl+s sends it again · esc cancels"

Composer = Callable[[EmailTemplate], Awaitable[Draft]]
Deliverer = Callable[[Draft], Awaitable[SentEmail]]
Recorder = Callable[[SentEmail], Awaitable[RecordedEmail]]
Router = Callable[[], Awaitable[str]]


@dataclass(frozen=True)
class EmailWork:
    """What the screen asks the app to do: fill a template in (a database read), send a
    draft (SMTP blocks: off the UI thread) and record what went out (the database thread)."""

    compose: Composer
    deliver: Deliverer
    """Sends with the settings as they are stored when it is called."""
    record: Recorder
    route: Router
    """How it will go now, in a few words: `over SMTP (smtp.example.com:587)` or `to your
    mail app (no SMTP server set)`."""


def writing_point(lines: Sequence[str]) -> tuple[int, int]:
    """Where the rep starts typing in a filled-in text (its lines, as the text area holds
    them): after a greeting (a first line of its own that ends with a comma), the start
    of the next paragraph, so that a line of their own opens the email, or the end of a
    text that holds no more; the start of a text without one."""
    if len(lines) < 2 or not lines[0].rstrip().endswith(",") or lines[1].strip():
        return (0, 0)
    for row in range(2, len(lines)):
        if lines[row].strip():
            return (row, 0)
    return (len(lines) - 1, len(lines[-1]))  # a greeting alone: after it


class EmailScreen(AnswersOnce, DiscardGuard, StyledAsMounted, ModalScreen[SentEmail | None]):
    """Returns what was sent once it is recorded; None when the rep cancels. A failed send
    keeps the screen, the text and the reason."""

    CLOSED_UNSAVED = None

    # ctrl+s and ctrl+e are priority bindings: the text area binds ctrl+e to the end of the
    # line, and the app's field keys give it to a focused Input (claims_key).
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", priority=True),
        Binding("ctrl+r", "record_as_sent", "Record as sent", priority=True),
        Binding("ctrl+e", "external_editor", "Edit in $EDITOR", priority=True),
        CANCEL_BINDING,
    ]

    def claims_key(self, key: str) -> bool:
        """ctrl+e is $EDITOR here, never the app's end of a focused field."""
        return key == "ctrl+e"

    def __init__(
        self,
        prospect_name: str,
        templates: list[EmailTemplate],
        work: EmailWork,
        *,
        do_not_call: bool = False,
        misfits: Mapping[str, Misfit] | None = None,
    ) -> None:
        super().__init__()
        self.prospect_name = prospect_name
        self.templates = templates
        self.misfits = dict(misfits or {})
        """Template key -> why it does not fit this prospect: shown greyed, with the note."""
        self.work = work
        self.do_not_call = do_not_call
        self.draft: Draft | None = None
        """The email as filled in from the template; the fields hold the rep's edits."""
        self.sent: SentEmail | None = None
        # The email the server took without saying it was delivered (MaybeSent): the rep
        # records it once they know it went out.
        self.perhaps_sent: SentEmail | None = None
        """What went out but is not recorded yet (a busy database): never sent again."""
        self.recorded_unsent = False
        """The email recorded with ctrl+r, as the rep found it went out: not sent here."""
        self.sending = False
        """A send (or the recording after it) is under way: the screen does not close."""
        self._busy = False
        self._route = ""
        self._keeping_keys = False
        """From the pick of a template until its text shows: the keys typed are kept."""
        self._cancel_once_written = False
        """Escape was pressed while the keys were kept."""
        self._typed_ahead: list[events.Key] = []
        """The keys typed since the pick that reached this screen, in order."""

    @property
    def subject_input(self) -> Input:
        return self.query_one("#email-subject", Input)

    @property
    def body_area(self) -> TextArea:
        return self.query_one("#email-body", TextArea)

    @property
    def status(self) -> Static:
        return self.query_one("#email-status", Static)

    def compose(self) -> ComposeResult:
        with Vertical(id="email-box", classes="dialog"):
            yield Label(
                Text.assemble("Email · ", (one_line(self.prospect_name), "bold")),
                id="email-title",
                classes="dialog-title",
            )
            yield ReadableOptionList(
                *(self._option(number, template) for number, template in enumerate(self.templates)),
                id="email-templates",
            )
            with Vertical(id="email-fields"):
                with Horizontal(classes="email-row"):
                    yield Label("To", classes="email-label")
                    yield Static(id="email-to")
                with Horizontal(classes="email-row"):
                    yield Label("Subject", classes="email-label")
                    # Focused, the subject carries on from the end of its text: select-all
                    # there let the next key replace the whole subject.
                    yield Input(placeholder="subject", id="email-subject", select_on_focus=False)
                yield TextArea(id="email-body", soft_wrap=True)
                yield Static(id="email-about")
            yield Static(id="email-status")
            yield Label(PICK_HINT, id="email-hint", classes="dialog-hint")

    def _option(self, number: int, template: EmailTemplate) -> Option:
        digit = f"{DIGIT_KEYS[number]} " if number < len(DIGIT_KEYS) else "  "
        misfit = self.misfits.get(template.key)
        if misfit is not None:
            # Greyed, and the digit says why: no email that states what is not so.
            whom = f"not for {self._named()}: " if misfit.of_prospect else ""
            prompt = Content.assemble(digit, one_line(template.name), (f"  {whom}", "dim"))
            prompt += Content.assemble((one_line(misfit.note), "dim"))
            return Option(prompt, id=template.key, disabled=True)
        prompt = Content.assemble(digit, (one_line(template.name), "bold"))
        if template.fits:
            prompt += Content.assemble("\n  ", (one_line(template.fits), "dim"))
        return Option(prompt, id=template.key)

    def _named(self) -> str:
        """The prospect as the picker names them: whole, since a first word may be a title
        (`Dr.`) or a company's (`Acme`)."""
        return one_line(self.prospect_name) or "them"

    def on_mount(self) -> None:
        self.body_area.border_title = "Text"
        self.query_one("#email-fields").display = False
        self.query_one("#email-templates", OptionList).focus()

    # Picking -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send":
            return self.draft is not None
        if action == "external_editor":
            return self.draft is not None and self.sent is None
        if action == "record_as_sent":
            return self.perhaps_sent is not None and self.sent is None
        return super().check_action(action, parameters)

    @on(OptionList.OptionSelected, "#email-templates")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        """A template clicked (keys pick in on_key)."""
        if not self._busy:
            self._start_filling(self.templates[event.option_index])

    def on_key(self, event: events.Key) -> None:
        """A digit (or enter on a template) picks the template here, not through a
        binding: the keys of a burst all reach this handler before any binding acts on
        the first of them. From the pick until the text shows, with its cursor in place,
        every key typed is kept, in order, and then typed into it (`_start_writing`)."""
        if self._keeping_keys:
            self._typed_ahead.append(events.Key(event.key, event.character))
            event.stop()
            event.prevent_default()
            return
        if self.draft is not None or self._busy:
            return
        picked = self._picked_by(event.key)
        if picked is not None:
            event.stop()
            event.prevent_default()
            self._start_filling(picked)

    def _picked_by(self, key: str) -> EmailTemplate | None:
        """The template `key` picks: a digit's, or enter's (the highlighted one, unless it
        is greyed out); None for another key."""
        if key in DIGIT_KEYS:
            number = DIGIT_KEYS.index(key)
            return self.templates[number] if number < len(self.templates) else None
        if key == "enter":
            choices = self.query_one("#email-templates", OptionList)
            at = choices.highlighted
            if at is not None and not choices.get_option_at_index(at).disabled:
                return self.templates[at]
        return None

    def _start_filling(self, template: EmailTemplate) -> None:
        """Fill `template` in; the keys typed from now on wait for its text. Those of the
        same burst that the app has already passed on reach on_key (kept there); the app
        holds the ones that come after (FunnelApp.hold_keys)."""
        self._busy = self._keeping_keys = True
        self.app.hold_keys(KeyHold.EMAIL_TEXT)
        self._fill(template)

    @work(exclusive=True, group="email-compose")
    async def _fill(self, template: EmailTemplate) -> None:
        try:
            draft = await self.work.compose(template)
            self._route = await self.work.route()
        except CannotCompose as error:
            lost = " (what you typed after picking it was not kept)" if self._drop_keys() else ""
            self._say(f"{error}{lost}", error=True)
            return
        except BaseException:
            self._drop_keys()  # cancelled or failed: the keys must not stay held
            raise
        finally:
            self._busy = False
        self._show_draft(draft)

    def _drop_keys(self) -> bool:
        """Stop keeping the keys typed since the pick, and forget them; True when there
        were any."""
        typed = bool(self._typed_ahead) | self.app.drop_held_keys()
        self._keeping_keys = self._cancel_once_written = False
        self._typed_ahead.clear()
        return typed

    def _show_draft(self, draft: Draft) -> None:
        self.draft = draft
        self.query_one("#email-templates").display = False
        self.query_one("#email-fields").display = True
        address = Text(f"{one_line(draft.to_name)} <{one_line(draft.to_address)}>")
        self.query_one("#email-to", Static).update(address)
        self.query_one("#email-about", Static).update(self._about(draft))
        self.subject_input.value = draft.subject
        body = self.body_area
        body.load_text(draft.body)
        body.move_cursor(writing_point(body.document.lines))
        self.query_one("#email-hint", Label).update(EDIT_HINT)
        self._say("")
        body.focus()
        self.refresh_bindings()
        body.call_after_refresh(self._start_writing)

    def _start_writing(self) -> None:
        """Once the text is laid out and has focus: show it from the top, as little
        scrolled as shows the cursor (laid out late, it scrolled its cursor to its top
        line, out of sight of the greeting), then type the keys kept since the pick."""
        body = self.body_area
        body.scroll_home(animate=False)
        body.scroll_cursor_visible()
        self._keeping_keys = False
        typed = [*self._typed_ahead, *self.app.take_held_keys()]
        self._typed_ahead = []
        # Typed straight into the text, in order: replayed as events, a key the text area
        # acts on through a binding (backspace) would act after the letters that follow
        # it. From the first other key on (escape, ctrl+s...), the app replays them.
        written = 0
        while written < len(typed) and self._type_into_text(typed[written]):
            written += 1
        self.app.release_keys(KeyHold.EMAIL_TEXT, typed_before=typed[written:])
        if self._cancel_once_written:
            self._cancel_once_written = False
            self.action_cancel()

    def _type_into_text(self, typed: events.Key | events.Paste) -> bool:
        """Type a kept key (or paste) into the text as the text area would; False for a
        key it does not take this way."""
        body = self.body_area
        if isinstance(typed, events.Paste):
            body.insert(typed.text)
        elif typed.key == "enter":
            body.insert("\n")
        elif typed.key == "backspace":
            body.action_delete_left()
        elif typed.is_printable and typed.character:
            body.insert(typed.character)
        else:
            return False
        return True

    def _about(self, draft: Draft) -> Text:
        """How it will go, what it carries, and the do-not-call flag, dim."""
        parts = [f"Sends {self._route}"]
        for attachment in draft.attachments:
            parts.append(f"with {attachment.filename}")
        if self.do_not_call:
            parts.append("marked do not call: that is about calls, email is allowed")
        if draft.meeting_at is not None:
            # Which meeting it confirms, at what time on both clocks, is not in doubt
            # before it goes.
            now = self.app.clock()  # type: ignore[attr-defined]

            def said(moment: datetime) -> str:
                theirs = their_time(moment, now, draft.their_timezone)
                return day_and_time(moment, now) + (f" ({theirs})" if theirs else "")

            if draft.meeting_called_off:
                which, this_one, others = "cancels", "the meeting called off", "still open"
            else:
                which, this_one, others = "confirms", "the meeting booked last", "also open"
            meeting = f"{which} {said(draft.meeting_at)}"
            if draft.other_meetings:
                also = ", ".join(said(moment) for moment in draft.other_meetings)
                meeting += f", {this_one}; {others}: {also} (h moves or cancels)"
            parts.append(meeting)
        return Text(" · ".join(parts), "dim")

    # Editing -------------------------------------------------------------------------

    def edited(self) -> Draft | None:
        """The draft with the rep's subject and text."""
        if self.draft is None:
            return None
        return replace(self.draft, subject=self.subject_input.value, body=self.body_area.text)

    def has_changes(self) -> bool:
        if self._keeping_keys and (self._typed_ahead or self.app.holds_keys()):
            return True  # typed while the template is filled in
        edited = self.edited()
        return edited is not None and edited != self.draft

    def action_cancel(self) -> None:
        """Escape: never while sending (what the server answers must be handled); after a
        send that could not be recorded, only once the rep agrees to leave it out. While
        a template is filled in, once its text shows with what was typed meanwhile (a
        priority key, escape acts before the keys typed ahead of it reach the screen)."""
        if self._keeping_keys:
            self._cancel_once_written = True
            return
        if self.sending:
            self._say(WAIT)
            return
        if self.sent is not None:
            question = Text(
                "The email went out but is not recorded: it will be missing from the"
                " prospect's timeline. Leave anyway?"
            )
            self.ask_before_leaving(question, yes="leave")
            return
        super().action_cancel()

    def refuses_to_quit(self) -> bool:
        """Whether the app must not quit yet: an email on its way; if so, it says to wait."""
        if self.sending:
            self._say(WAIT)
        return self.sending

    def action_external_editor(self) -> None:
        """The text in the rep's editor, with the terminal handed over meanwhile; a missing
        or failing editor is said, and the text stays as it was.

        Textual gives the terminal back only when the `with self.app.suspend()` block ends
        normally, so nothing may raise inside it: the editor is found before, and what goes
        wrong while it runs is reported after."""
        try:
            argv = editor_command()
        except EditorFailed as error:
            self._say(f"{error}; the text is as it was.", error=True)
            return
        text = self.body_area.text
        edited: str | EditorFailed = EditorFailed(f"{argv[0]} did not run")
        escaped: BaseException | None = None
        try:
            with self.app.suspend():
                try:
                    edited = run_editor(argv, text)
                except BaseException as error:  # raised again once the terminal is back
                    escaped = error
        except SuspendNotSupported:
            self._say("This terminal cannot be handed to $EDITOR here; edit the text in place.")
            return
        if escaped is not None:
            raise escaped
        if isinstance(edited, EditorFailed):
            self._say(f"{edited}; the text is as it was.", error=True)
            return
        if not edited.strip():
            self._say("The editor returned an empty text; kept yours.", error=True)
            return
        # What the editor left in the file reaches the screen and the email: a terminal
        # escape or control character in it would act on both (PRODUCT 12).
        cleaned = clean_text(edited)
        self.body_area.load_text(cleaned)
        dropped = "" if cleaned == edited else ", without the control characters it held"
        self._say(f"Text taken from $EDITOR{dropped}.")
        self.body_area.focus()

    # Sending -------------------------------------------------------------------------

    def action_send(self) -> None:
        if not self._busy:
            self._send()

    @work(exclusive=True, group="email-send")
    async def _send(self) -> None:
        draft = self.edited()
        if draft is None:
            return
        self._busy = self.sending = True
        try:
            if self.sent is None:
                self._say("Sending…")
                hint = self.query_one("#email-hint", Label)
                hint.update(SENDING_HINT)
                try:
                    self.sent = await self.work.deliver(draft)
                except SendFailed as error:
                    perhaps = isinstance(error, MaybeSent) and error.sent is not None
                    self.perhaps_sent = error.sent if isinstance(error, MaybeSent) else None
                    hint.update(PERHAPS_HINT if perhaps else EDIT_HINT)
                    self.refresh_bindings()
                    said = "Perhaps sent" if isinstance(error, MaybeSent) else "Not sent"
                    self._say(f"{said}: {error}. Nothing was recorded.", error=True)
                    # The settings may have changed: say how the next try will go.
                    self._route = await self.work.route()
                    self.query_one("#email-about", Static).update(self._about(draft))
                    return
                self._keep_as_sent()
            self._say("Recording it…")
            try:
                await self.work.record(self.sent)
            except Exception as error:  # a busy or read-only book: it went out all the same
                self._say(
                    f"Sent, but not recorded: {describe_error(error)}. ctrl+s records it"
                    " (it is not sent again).",
                    error=True,
                )
                return
        finally:
            self._busy = self.sending = False
        self.dismiss(self.sent)

    def action_record_as_sent(self) -> None:
        """The rep found that the email the server went quiet on went out: recorded as
        sent, as it went, and not sent again."""
        if self._busy or self.perhaps_sent is None:
            return
        self.sent, self.perhaps_sent = self.perhaps_sent, None
        self.recorded_unsent = True
        self._keep_as_sent()
        self._send()

    def _keep_as_sent(self) -> None:
        """The email went out: what the fields show is what was sent, and stays so."""
        self.subject_input.disabled = True
        self.body_area.read_only = True
        self.query_one("#email-hint", Label).update(SENT_HINT)
        self.refresh_bindings()

    def _say(self, message: str, *, error: bool = False) -> None:
        # Reasons quote addresses and server replies: never markup.
        self.status.update(Text(message, "red" if error else "italic"))
