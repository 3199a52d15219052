"""`funnel email`: a prospect emailed from a template, printed, sent and recorded."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from funnel_tui.cli.book import db_option, open_db, own_rep
from funnel_tui.cli.errors import UserError, describe_book_error
from funnel_tui.cli.params import FILE_PATH
from funnel_tui.paths import config_dir, data_dir
from funnel_tui.profile import load_profile
from funnel_tui.prospects import get_prospect
from funnel_tui.settings import Settings, is_demo_book, load_settings
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.errors import database_errors
from funnel_tui.store.sqlite import Storage
from funnel_tui.text import clean_text, one_line
from funnel_tui.timestamps import system_now, to_stored

if TYPE_CHECKING:
    from funnel_tui.emailing.message import Draft
    from funnel_tui.emailing.record import SentEmail
    from funnel_tui.emailing.templates import EmailTemplate


@click.command("email")
@db_option
@click.argument("prospect_id", type=int, required=False)
@click.option("--template", "template_key", metavar="NAME", help="The template to fill in.")
@click.option("--send", is_flag=True, help="Send it (SMTP, or the mail app) and record it.")
@click.option("--print", "print_it", is_flag=True, help="Print it; send and record nothing.")
@click.option("--list-templates", is_flag=True, help="List the templates and their files.")
@click.option(
    "--record-only",
    "record_file",
    type=FILE_PATH,
    metavar="FILE",
    help="Record an email that went out but could not be recorded (the file --send named);"
    " sends nothing.",
)
def email_command(
    db_path: Path | None,
    prospect_id: int | None,
    template_key: str | None,
    send: bool,
    print_it: bool,
    list_templates: bool,
    record_file: Path | None,
) -> None:
    """Email a prospect from a template: print it (the default), or --send it over SMTP
    (without smtp_host: hand it to the mail app) and record it in their timeline."""
    from funnel_tui.emailing.compose import CannotCompose, compose_draft
    from funnel_tui.emailing.templates import load_templates, templates_dir, what_is_used

    alone = {"--list-templates": list_templates, "--record-only": record_file is not None}
    for option in (name for name, given in alone.items() if given):
        if prospect_id is not None or template_key or send or print_it or sum(alone.values()) > 1:
            raise click.UsageError(f"{option} takes no prospect id and no other option")
    folder = templates_dir(config_dir())
    library = load_templates(folder)
    for problem in library.problems:
        click.echo(f"funnel: {one_line(str(problem))} ({what_is_used(problem)})", err=True)
    if list_templates:
        _list_templates(library.templates(), folder)
        return
    if record_file is not None:
        _record_only(open_db(db_path, read_only=True), record_file)
        return
    if send and print_it:
        raise click.UsageError("--send and --print exclude each other")
    if prospect_id is None:
        raise click.UsageError("name a prospect id, or use --list-templates")
    if template_key is None:
        raise click.UsageError("--template NAME is needed (funnel email --list-templates)")
    template = library.get(template_key)
    if template is None:
        if any(problem.path.stem == template_key for problem in library.problems):
            # Its file is there, and the line above says what is wrong with it.
            raise UserError(f"template {template_key!r} cannot be used until its file is fixed")
        raise UserError(f"unknown template {template_key!r}; known: {', '.join(library.keys())}")
    storage = open_db(db_path, read_only=True)
    db = storage.db
    settings = load_settings(db)
    profile, profile_problems = load_profile(config_dir(), demo_book=is_demo_book(db))
    for profile_problem in profile_problems:
        click.echo(f"funnel: {profile_problem} (not used)", err=True)
    now = system_now()
    try:
        draft = compose_draft(
            db,
            prospect_id,
            template,
            settings=settings,
            profile=profile,
            now=now,
            rep=own_rep(storage),
        )
    except CannotCompose as error:
        raise UserError(str(error)) from None
    if draft.meeting_at is not None and draft.other_meetings:
        _say_which_meeting(draft, now)
    if send:
        _send_email(storage, draft, now)
    else:
        _print_email(draft, settings, now, preview=not print_it)


def _say_which_meeting(draft: Draft, now: datetime) -> None:
    """Which of the prospect's meetings a confirmation names (or a cancellation calls
    off), and the others still open."""
    from funnel_tui.dates import describe_when

    assert draft.meeting_at is not None
    zone = draft.their_timezone
    also = "; ".join(describe_when(moment, now, zone) for moment in draft.other_meetings)
    named = describe_when(draft.meeting_at, now, zone)
    which = (
        f"it cancels {named}, the meeting called off; still open"
        if draft.meeting_called_off
        else f"it confirms {named}, the meeting booked last; also open"
    )
    click.echo(f"Note: {which}: {also} (funnel calendar lists them)", err=True)


def _list_templates(templates: list[EmailTemplate], folder: Path) -> None:
    """Each template and its file, then where the rep's own go."""
    for template in templates:
        name, source = one_line(template.name), one_line(template.source)
        click.echo(f"{template.key:<22} {name:<24} {source}")
    if not folder.is_dir():
        state = "not created yet"
    elif not any(folder.glob("*.toml")):
        state = "empty"
    else:
        state = ""
    how = "NAME.toml there adds a template, or replaces the built-in of that name"
    click.echo(f"\nYour templates: {folder}" + (f" ({state}; a {how})" if state else ""))


def _print_email(draft: Draft, settings: Settings, now: datetime, *, preview: bool) -> None:
    """The email as it would go, headers and text; a missing sender is shown, not refused."""
    from funnel_tui.emailing.headers import MessageRefused, sender
    from funnel_tui.emailing.message import build_message, message_text

    try:
        from_address = sender(settings.email_from) if settings.email_from.strip() else None
        message = build_message(draft, from_address=from_address, now=now)
    except MessageRefused as error:
        raise UserError(str(error)) from None
    text = message_text(message)
    if from_address is None:
        text = (
            "From: (not set: funnel config set email_from 'Your Name <you@example.com>')\n" + text
        )
    # The prospect's row may hold terminal escapes written by another tool.
    click.echo(clean_text(text), nl=False)
    if preview:
        click.echo("Not sent: this is a preview; --send sends it.", err=True)


def _send_email(storage: Storage, draft: Draft, now: datetime) -> None:
    """Send (or hand to the mail app) with the email settings as stored, then record; a
    failure records nothing. An email that went out but cannot be recorded is kept in a
    file that `--record-only` records, so trying again never sends it twice."""
    from funnel_tui.emailing.record import MAILTO, cannot_be_recorded, record_email
    from funnel_tui.emailing.sending import (
        EmailRefused,
        MaybeSent,
        SendFailed,
        deliver,
        email_settings,
    )

    name = one_line(draft.to_name) or draft.to_address
    if draft.do_not_call:
        click.echo(
            f"Note: {name} is marked do not call; that is about calls, so the email goes.",
            err=True,
        )
    # Asked before it goes out: a team's book records whose email it was.
    rep = own_rep(storage)
    if (unrecordable := cannot_be_recorded(storage)) is not None:
        raise UserError(f"not sent: {unrecordable}; nothing was recorded")
    try:
        sent = deliver(draft, email_settings(storage.db), now=now)
    except SendFailed as error:
        if isinstance(error, MaybeSent) and error.sent is not None:
            raise UserError(_perhaps_sent(storage, error.sent, error)) from None
        # --print refuses an email that is refused itself: it would show nothing more.
        hint = "" if isinstance(error, EmailRefused) else " (--print shows the email)"
        raise UserError(f"not sent: {error}; nothing was recorded{hint}") from None
    try:
        recorded = record_email(storage.db, sent, rep)
    except database_errors() as error:
        raise UserError(_not_recorded(storage, sent, error)) from None
    subject = one_line(draft.subject)
    if sent.via == MAILTO:
        line = (
            f"Handed to your mail app: {subject!r} to {sent.to_address} (recorded; a mailto:"
            " link cannot tell whether you send it)"
        )
        if draft.attachments:
            line += "; the invite is not attached: a mailto: link cannot carry a file"
    else:
        attached = "".join(f" with {attachment.filename}" for attachment in draft.attachments)
        line = f"Sent {subject!r} to {sent.to_address}{attached}"
    if recorded.completed_task_id is not None:
        line += "; the email task is done"
    click.echo(one_line(line))


def _book_named(storage: Storage) -> str:
    """The book as `--db` names it: the file's path, or the team database's URL without its
    password."""
    if storage.dialect is Dialect.POSTGRESQL:
        return storage.location  # type: ignore[attr-defined]
    return str(storage.path)


def _perhaps_sent(storage: Storage, sent: SentEmail, error: Exception) -> str:
    """An email the server took without saying it was delivered: nothing recorded, and
    kept, as it went, for the command that records it once the rep knows it went out."""
    said = f"perhaps sent: {error}; nothing was recorded"
    try:
        command = _kept_to_record(storage, sent)
    except OSError:
        return f"{said} (--print shows the email)"
    return f"{said}; once you know it went out, record it with {command}"


def _kept_to_record(storage: Storage, sent: SentEmail) -> str:
    """Keep an email that went out, or may have, and is not recorded; the command that
    records it. OSError when it cannot be kept."""
    from funnel_tui.book_name import book_id
    from funnel_tui.emailing.record import keep_unrecorded

    kept = keep_unrecorded(sent, data_dir() / "unrecorded", book_id(storage.db))
    # Both absolute: the command is run later, from wherever the rep is.
    book = _book_named(storage)
    if storage.dialect is Dialect.SQLITE:
        book = os.path.abspath(book)
    return shlex.join(["funnel", "email", "--record-only", os.path.abspath(kept), "--db", book])


def _not_recorded(storage: Storage, sent: SentEmail, error: Exception) -> str:
    """Why an email that went out is not recorded (a busy file, a team database out of
    reach), and the command that records it."""
    book = storage.path if storage.dialect is Dialect.SQLITE else storage.url  # type: ignore[attr-defined]
    # Without "try again in a moment": --send again would send the email a second time.
    reason = describe_book_error(book, error).removesuffix("; try again in a moment")
    went_out = f"the email to {sent.to_address} went out, but it could not be recorded ({reason})"
    try:
        command = _kept_to_record(storage, sent)
    except OSError as keep_error:
        message_id = f" (Message-ID {sent.message_id})" if sent.message_id else ""
        why = keep_error.strerror or keep_error
        return (
            f"{went_out}; nor could it be kept to record later ({why}): it is not in the"
            f" timeline{message_id}; do not send it again"
        )
    return f"{went_out}; do not send it again: record it with {command}"


def _same_person(prospect: Mapping[str, Any], sent: SentEmail) -> bool:
    """Whether the prospect is the one the email went to: their address then or their
    name (one of the two may have been edited since)."""

    def same(value: object, kept: str) -> bool:
        return isinstance(value, str) and value.strip().casefold() == kept.strip().casefold()

    return same(prospect["email"], sent.to_address) or same(prospect["name"], sent.draft.to_name)


def _record_only(storage: Storage, path: Path) -> None:
    """Record the email kept in `path` (it went out before), then remove the file."""
    from funnel_tui.book_name import book_id
    from funnel_tui.emailing.record import (
        NotAnUnrecordedEmail,
        is_recorded,
        read_unrecorded,
        record_email,
    )

    try:
        kept = read_unrecorded(path)
    except NotAnUnrecordedEmail as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror or error}") from None
    sent = kept.sent
    if kept.book is not None and kept.book != book_id(storage.db):
        raise UserError(
            f"{path} was sent from another book than {_book_named(storage)}: nothing recorded"
            " (--db names the book it was sent from)"
        )
    prospect = get_prospect(storage.db, sent.draft.prospect_id)
    if prospect is None:
        raise UserError(
            f"no prospect with id {sent.draft.prospect_id} in {_book_named(storage)}: is this"
            " the book it was sent from? (--db names another)"
        )
    if not _same_person(prospect, sent):
        now = one_line(prospect["name"]) if isinstance(prospect["name"], str) else "?"
        raise UserError(
            f"prospect {sent.draft.prospect_id} in {_book_named(storage)} is {now}, not"
            f" {one_line(sent.draft.to_name)} <{sent.to_address}> the email went to: is this"
            " the book it was sent from? nothing recorded"
        )
    subject = one_line(sent.draft.subject)
    if is_recorded(storage.db, sent):
        path.unlink(missing_ok=True)
        click.echo(f"Already recorded: {subject!r} to {sent.to_address}; nothing to do")
        return
    recorded = record_email(storage.db, sent, own_rep(storage))
    path.unlink(missing_ok=True)
    sent_at = to_stored(sent.sent_at)
    line = f"Recorded {subject!r} to {sent.to_address} (sent {sent_at}; not sent again)"
    if recorded.completed_task_id is not None:
        line += "; the email task is done"
    click.echo(one_line(line))
