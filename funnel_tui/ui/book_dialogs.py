"""The main screen's dialogs besides the outcome: prospect form, note, email, target, pace,
settings, import and help. A mixin of MainScreen, kept apart so each file has one job.

Each dialog's module is imported when the dialog first opens: the first frame needs none
of them, and start-up is paid on every launch.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from funnel_tui.money import format_money
from funnel_tui.own_settings import OWN_SETTINGS
from funnel_tui.prospects import (
    add_note,
    add_prospect,
    get_prospect,
    same_person_in_book,
    update_prospect,
)
from funnel_tui.settings import is_team_book, load_settings, save_settings
from funnel_tui.text import one_line

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    import sqlite_utils

    from funnel_tui.burnup import PaceScreenFigures
    from funnel_tui.emailing.fit import Misfit
    from funnel_tui.emailing.message import Draft
    from funnel_tui.emailing.record import RecordedEmail, SentEmail
    from funnel_tui.emailing.templates import EmailTemplate
    from funnel_tui.import_rows import Progress
    from funnel_tui.importer import ImportReport
    from funnel_tui.ui.import_dialog import ImportChoice
    from funnel_tui.ui.main_screen import MainScreen
    from funnel_tui.ui.prospect_form import FormSaver, ProspectForm
    from funnel_tui.ui.target_dialog import TargetEntry

    _Base = MainScreen
else:
    _Base = object


class BookDialogs(_Base):
    """Actions that edit the book of business rather than log a call."""

    # Prospects and notes ----------------------------------------------------------

    async def action_add_prospect(self) -> None:
        said = "Prospect added"

        async def save(row: dict[str, Any], loaded: dict[str, Any]) -> int:
            nonlocal said
            now, rep = self.funnel.clock(), self.funnel.rep
            added = await self.funnel.in_db_thread(
                lambda db: add_prospect(db, row, now=now, owner=rep)
            )
            said = "Prospect added" + _zone_guessed(row)
            return added

        def added(prospect_id: int | None) -> None:
            try:
                if prospect_id is not None:
                    self.notify(said)
                    self.reload_queue(select=prospect_id)
                    # The pipeline, and the plan's deal size drawn from it.
                    self.reload_pace(replan=True)
            finally:
                self._keys_typed_after_a_change(prospect_id)

        await self._open(self._form(save), added)

    async def action_edit_prospect(self) -> None:
        card = self._card_to_act_on("edited", "e")
        if card is None:
            return
        # The row as it is now, not as the card last showed it: the form saves only what
        # the rep changes from it.
        prospect = get_prospect(self.funnel.storage.db, card.prospect["id"])
        if prospect is None:
            self.notify("This prospect no longer exists.", severity="warning")
            self.reload_queue()
            return
        prospect_id = int(prospect["id"])
        said = "Prospect saved"
        name = prospect["name"]

        async def save(row: dict[str, Any], loaded: dict[str, Any]) -> int:
            nonlocal said, name
            await self.funnel.in_db_thread(
                lambda db: update_prospect(
                    db, prospect_id, row, loaded=loaded, now=self.funnel.clock()
                )
            )
            said = "Prospect saved" + _zone_guessed(row)
            name = row.get("name") or name
            return prospect_id

        def saved(prospect_id: int | None) -> None:
            try:
                if prospect_id is not None:
                    self.notify(said)
                    self.undo_session.changed(f"edited {one_line(name)}")
                    self._select(prospect_id)
                    # A stage or deal value changes the pipeline, and the plan's deal size.
                    self.reload_pace(replan=True)
            finally:
                # Also when the card could not be read (the team's server out of reach).
                self._keys_typed_after_a_change(prospect_id)

        form = self._form(save, prospect)
        theirs = self._someone_elses(prospect)
        if theirs is None:
            await self._open(form, saved)
            return

        async def edit_anyway() -> None:
            await self._open(form, saved)

        # Another rep's prospect (or one they are on now): editable, but never by a key
        # typed for something else, and never without saying whose it is.
        await self._confirm(
            Text(f"{theirs}. Edit them anyway?"),
            yes="edit",
            then=edit_anyway,
            enter_says_yes=False,
            unseen_keys_answer=False,
        )

    def _form(self, save: FormSaver, prospect: dict[str, Any] | None = None) -> ProspectForm:
        from funnel_tui.ui.prospect_form import ProspectForm

        editing = None if prospect is None else prospect["id"]

        async def find_same(row: dict[str, Any]) -> str | None:
            found = await self.funnel.in_db_thread(
                lambda db: same_person_in_book(
                    db,
                    name=row.get("name"),
                    email=row.get("email"),
                    phone=row.get("phone"),
                    other_than=editing,
                )
            )
            if found is None:
                return None
            said = f"{one_line(found['name'])} (id {found['id']}) has this {found['same']}"
            if found.get("do_not_email"):
                said += ", and is marked do not email: no email goes to this address"
            return said

        return ProspectForm(
            methods=self.funnel.scripts.names(),
            save=save,
            prospect=prospect,
            settings=self.funnel.settings,
            clock=self.funnel.clock,
            find_same=find_same,
        )

    async def action_add_note(self) -> None:
        from funnel_tui.ui.note_dialog import NoteDialog

        card = self._card_to_act_on("noted", "n")
        if card is None:
            return
        prospect_id = card.prospect["id"]

        async def save(body: str) -> None:
            now, rep = self.funnel.clock(), self.funnel.rep
            await self.funnel.in_db_thread(
                lambda db: add_note(db, prospect_id, body, now=now, rep=rep)
            )

        def noted(saved: bool | None) -> None:
            if saved:
                self._show(prospect_id)
                self.notify("Note added")

        await self._open(NoteDialog(card.prospect["name"], save=save), noted)

    async def action_compose_email(self) -> None:
        from funnel_tui.emailing import sending
        from funnel_tui.emailing.compose import compose_draft
        from funnel_tui.emailing.fit import email_refused_by_id, misfit
        from funnel_tui.emailing.headers import AddressRefused, recipient
        from funnel_tui.emailing.record import MAILTO, cannot_be_recorded, record_email
        from funnel_tui.ui.email_screen import EmailScreen, EmailWork

        card = self._card_to_act_on(
            "emailed",
            "E",
            lambda: self.notify("The queue is empty: no prospect to email.", severity="warning"),
        )
        if card is None:
            return
        prospect = card.prospect
        prospect_id = prospect["id"]
        name = one_line(prospect["name"]) or f"prospect {prospect_id}"
        if not isinstance(prospect["email"], str) or not prospect["email"].strip():
            self.notify(
                f"{name} has no email address: add one with e.", severity="warning", markup=False
            )
            return
        try:
            recipient(prospect["name"] or "", prospect["email"])
        except AddressRefused as error:
            # Said now, not after the rep has written the email.
            self.notify(f"Cannot email {name}: {error}.", severity="warning", markup=False)
            return
        funnel = self.funnel
        refused = await funnel.in_db_thread(lambda db: email_refused_by_id(db, prospect_id))
        if refused:
            self.notify(f"{refused}.", severity="warning", markup=False)
            return

        async def compose(template: EmailTemplate) -> Draft:
            now, profile, settings = funnel.clock(), funnel.profile, funnel.settings
            return await funnel.in_db_thread(
                lambda db: compose_draft(
                    db,
                    prospect_id,
                    template,
                    settings=settings,
                    profile=profile,
                    now=now,
                    rep=funnel.rep,
                )
            )

        async def send(draft: Draft) -> SentEmail:
            # Marked do not email while it was written (an import, the edit form, another
            # rep): it does not go.
            refused = await funnel.in_db_thread(
                lambda db: email_refused_by_id(db, prospect_id, draft.to_address)
            )
            if refused:
                raise sending.SendFailed(refused)
            if (unrecordable := cannot_be_recorded(funnel.storage)) is not None:
                raise sending.SendFailed(unrecordable)
            # The settings as stored now: one changed since E (s, funnel config set) counts.
            settings = await funnel.in_db_thread(sending.email_settings)
            # SMTP waits on the network: a thread of its own, never the UI's or the database's.
            return await asyncio.to_thread(sending.deliver, draft, settings, now=funnel.clock())

        async def record(sent: SentEmail) -> RecordedEmail:
            return await funnel.in_db_thread(lambda db: record_email(db, sent, funnel.rep))

        async def route() -> str:
            try:
                settings = await funnel.in_db_thread(sending.email_settings)
            except sending.SendFailed:
                return "nowhere yet: a setting needs fixing first (ctrl+s says which)"
            if settings.smtp_host:
                return f"over SMTP ({one_line(settings.smtp_host)}:{sending.smtp_port(settings)})"
            return "to your mail app (no SMTP server set; it cannot attach files)"

        def sent(email: SentEmail | None) -> None:
            if email is None:
                return
            subject = one_line(email.draft.subject)
            if screen.recorded_unsent:
                self.notify(f"Recorded as sent to {name}: {subject}", markup=False)
            elif email.via == MAILTO:
                self.notify(f"Handed to your mail app: {subject}", markup=False)
            else:
                self.notify(f"Sent to {name}: {subject}", markup=False)
            # An email task it completed changes the card and the queue.
            self._show(prospect_id)
            self.reload_queue()

        templates = funnel.email_templates.templates()
        now = funnel.clock()

        def misfits(db: sqlite_utils.Database) -> dict[str, Misfit]:
            row = get_prospect(db, prospect_id)
            found = (
                (
                    template,
                    row and misfit(db, row, template, now, profile=funnel.profile, rep=funnel.rep),
                )
                for template in templates
            )
            return {template.key: why for template, why in found if why}

        screen = EmailScreen(
            prospect["name"] or "",
            templates,
            EmailWork(compose, send, record, route),
            do_not_call=bool(prospect["do_not_call"]),
            misfits=await funnel.in_db_thread(misfits),
        )
        await self._open(screen, sent)

    # Target, performance and settings ------------------------------------------------

    async def action_set_target(self) -> None:
        from funnel_tui.pace import find_target, set_target
        from funnel_tui.ui.target_dialog import TargetDialog

        async def save(entry: TargetEntry) -> str:
            today = self.funnel.clock().date()
            rep = self.funnel.rep

            def write(db: sqlite_utils.Database) -> tuple[dict[str, Any], dict[str, Any] | None]:
                # The period the dialog named, which it checked still contains today.
                row = set_target(
                    db,
                    amount_cents=entry.amount_cents,
                    period=entry.period,
                    today=entry.today,
                    calls_per_day=entry.calls_per_day,
                    rep=rep,
                )
                return row, find_target(db, today, rep=rep)

            row, shown = await self.funnel.in_db_thread(write)
            amount = format_money(row["amount_cents"], self.funnel.settings.currency)
            said = f"Target {amount} for {row['starts_on']} to {row['ends_on']}"
            if shown is not None and shown["id"] != row["id"]:
                # A year's target beside a quarter's: the gauge keeps to the quarter's.
                said += (
                    f"; the gauge and the pace screen follow the {shown['period']}'s target,"
                    " the shortest that covers today"
                )
            return said

        def saved(summary: str | None) -> None:
            if summary:
                # The currency is user text, never markup.
                self.notify(summary, markup=False)
                self.reload_pace()

        # One indexed read: the dialog opens showing the target it would change.
        today = self.funnel.clock().date()
        current = find_target(self.funnel.storage.db, today, rep=self.funnel.rep)
        dialog = TargetDialog(
            currency=self.funnel.settings.currency, save=save, today=today, current=current
        )
        await self._open(dialog, saved)

    async def action_performance(self) -> None:
        from funnel_tui.burnup import load_pace_and_burnup
        from funnel_tui.ui.performance_screen import PerformanceScreen

        now = self.funnel.clock()
        settings = self.funnel.settings
        # In a team's book the rep's own figures, as the gauge shows them (PRODUCT 16).
        rep = self.funnel.rep

        def as_of(moment: datetime) -> Callable[[sqlite_utils.Database], PaceScreenFigures]:
            return lambda db: load_pace_and_burnup(db, moment.date(), settings, moment.tzinfo, rep)

        # Read ahead since the last change (a file's app), the figures are in the screen's
        # first frame. Otherwise they are read while the screen is built and styled: most
        # of the reading is SQLite's own, which leaves the interpreter to the UI meanwhile.
        reader = self.pace_reader
        ahead = None if reader is None else reader.current(now.date())
        first_read: asyncio.Future[PaceScreenFigures]
        if ahead is None:
            # The rest of a large queue being read (half a second at 1,000,000 prospects,
            # right after a call) stops for the figures, and is read again after them.
            counting = self._stop_counting_the_queue()
            first_read = self.funnel.in_db_thread(as_of(now))
            if counting:
                first_read.add_done_callback(lambda _: self._count_the_queue_again())
        else:
            first_read = asyncio.get_running_loop().create_future()
            first_read.set_result(ahead.figures)

        def read_again() -> asyncio.Future[PaceScreenFigures]:
            # As of the day it is read again: the screen left open past midnight reads
            # the new day's figures.
            return self.funnel.in_db_thread(as_of(self.funnel.clock()))

        await self._open(PerformanceScreen(read_again, settings.currency, read=first_read))

    async def action_settings(self) -> None:
        from funnel_tui.ui.settings_screen import SettingsScreen

        async def save(values: dict[str, str]) -> None:
            await self.funnel.in_db_thread(lambda db: save_settings(db, values))

        async def saved(changed: bool | None) -> None:
            if not changed:
                return
            # Said only on the main screen, before the settings are read back and before
            # the keys typed after enter act: a dialog they open (`s … enter t` typed at
            # once) would show the toast beside it. Whether those keys or this callback
            # come first is Textual's to order, so both cases are covered.
            if self.app.screen is self and not self.funnel.keys_typed_ahead():
                self.notify("Settings saved")
            self.use_settings(await self.funnel.in_db_thread(load_settings))

        # In a team's book the rep's own settings live in their config file (PRODUCT 16).
        own = OWN_SETTINGS if is_team_book(self.funnel.storage) else ()
        await self._open(SettingsScreen(self.funnel.settings, save=save, own_keys=own), saved)

    async def action_import_csv(self) -> None:
        from funnel_tui.importer import ProspectReader, import_file
        from funnel_tui.ui.import_dialog import ImportDialog

        async def run_import(path: Path, choice: ImportChoice, progress: Progress) -> ImportReport:
            now = self.funnel.clock()
            settings = self.funnel.settings
            # The file is scanned, then read a batch at a time, in threads of their own: the
            # database thread only merges the rows and writes them.
            reader = await asyncio.to_thread(
                ProspectReader,
                path,
                phone_region=settings.phone_region,
                currency=settings.currency,
                methods=self.funnel.scripts.names(),
                day_first=settings.day_first,
            )
            return await self.funnel.in_db_thread(
                lambda db: import_file(
                    db,
                    reader,
                    now=now,
                    skip_invalid=choice.skip_invalid,
                    dry_run=choice.dry_run,
                    progress=progress,
                )
            )

        def closed(wrote: bool | None) -> None:
            if wrote:
                self.reload_queue()

        await self._open(ImportDialog(run_import=run_import), closed)

    async def action_help(self) -> None:
        from funnel_tui.ui.help_screen import HelpScreen

        await self._open(HelpScreen())


def _zone_guessed(row: dict[str, Any]) -> str:
    """What the toast adds when the save stored a time zone guessed from the number: it
    decides the prospect's calling hours, and may take them off hours."""
    if row.get("timezone_guessed") and row.get("timezone"):
        return f" · time zone {one_line(row['timezone'])}, from their number"
    return ""
