"""The book's upkeep: `funnel forget`, `funnel backup` and `funnel check`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from funnel_tui.cli.asking import confirm_for_good
from funnel_tui.cli.book import db_option, file_only, open_db
from funnel_tui.cli.errors import UserError
from funnel_tui.cli.params import FILE_PATH
from funnel_tui.counted import counted
from funnel_tui.paths import user_scripts_dir
from funnel_tui.prospects import get_prospect
from funnel_tui.scripts import load_library
from funnel_tui.store.book_copies import dated_backup_path
from funnel_tui.store.sqlite import DamagedDatabase, backup_database
from funnel_tui.text import one_line, shown_path
from funnel_tui.timestamps import system_now


@click.command()
@db_option
@click.argument("prospect_id", type=int)
@click.option("--yes", is_flag=True, help="Forget without asking (needed when not in a terminal).")
def forget(db_path: Path | None, prospect_id: int, yes: bool) -> None:
    """Forget a prospect on their request (GDPR, CCPA): delete them, their calls, notes,
    tasks and emails; keep their deals as anonymous amounts; and keep their email and
    phone, hashed, on a suppression list so no import brings them back. Give them
    `funnel export --prospect ID` first if they asked for their data."""
    from funnel_tui.forget import UnknownProspect, forget_prospect, with_copies_beside

    storage = open_db(db_path, read_only=True)
    prospect = get_prospect(storage.db, prospect_id)
    if prospect is None:
        raise UserError(f"no prospect with id {prospect_id}")
    name = one_line(prospect["name"]) or "(no name)"
    confirm_for_good(
        yes,
        doing=f"forgetting {name} (prospect {prospect_id})",
        question=f"Forget {name} (prospect {prospect_id}) and everything about them? Their"
        " deals stay as anonymous amounts. This cannot be undone",
        declined="Nothing forgotten.",
    )
    try:
        forgotten = forget_prospect(storage.db, prospect_id)
    except UnknownProspect as error:  # forgotten by someone else meanwhile
        raise UserError(str(error)) from None
    forgotten = with_copies_beside(forgotten, storage)
    click.echo(one_line(forgotten.summary()))
    if (not_reached := forgotten.not_reached()) is not None:
        click.echo(one_line(not_reached))


@click.command()
@db_option
@click.argument("target", required=False, type=FILE_PATH)
def backup(db_path: Path | None, target: Path | None) -> None:
    """Copy the database safely, also while the app is open (default: a dated file beside it)."""
    file_only(db_path, "funnel backup")
    damaged = False
    try:
        path = open_db(db_path, read_only=True).path
    except DamagedDatabase as damage:
        # A copy of a damaged file, as it is, is what to keep before trying to mend it.
        path, damaged = damage.path, True
    now = system_now()
    destination = target or dated_backup_path(path, now)
    backup_database(path, destination)
    named, copy = shown_path(path), shown_path(destination)
    if damaged:
        # A copy to keep before trying to mend the book, not a good backup.
        click.echo(
            f"Copied {named} to {copy} as it is, damage included (`funnel check` lists"
            " it); this copy is no healthy backup"
        )
        return
    click.echo(f"Backed up {named} to {copy}")


@click.command()
@db_option
@click.option(
    "--repair",
    is_flag=True,
    help="First put back funnel's triggers (missing or changed), work out again what they "
    "keep, build call_days and prospect_search again, set each prospect's next call "
    "from its tasks, store in E.164 the phone numbers kept in another form (national "
    "ones read as phone_region's), and in UTC the moments written with another offset.",
)
@click.option(
    "--guesses",
    is_flag=True,
    help="Also list each timezone guessed from a phone number (guesses are no problem: "
    "they never make the exit status 1).",
)
def check(db_path: Path | None, repair: bool, guesses: bool) -> None:
    """Check the database file for damage (schema, integrity, foreign keys, funnel's
    triggers, call_days, prospect_search and next calls, settings, values other tools
    wrote, time zones funnel does not know, phone numbers that cannot be dialled); say how
    many timezones were guessed from phone numbers."""
    from funnel_tui.checks import (
        check_database,
        count_timezone_guesses,
        repair_database,
        timezone_guesses,
    )

    file_only(db_path, "funnel check")
    damaged = False
    try:
        storage = open_db(db_path, read_only=True, say_lost_triggers=False)
    except DamagedDatabase as damage:
        if repair:
            raise UserError(f"{damage} (--repair cannot mend it)") from None
        path, damaged = damage.path, True
        named = shown_path(path)
    else:
        path = storage.path
        named = shown_path(path)
        if repair:
            repair = repair_database(storage.db)
            put_back = (
                f"put back funnel's triggers {', '.join(repair.triggers)}; "
                if repair.triggers
                else ""
            )
            click.echo(
                f"{named}: {put_back}worked out again from calls, prospects and tasks: "
                f"{', '.join(repair.recomputed)}"
            )
            if repair.indexes:
                click.echo(f"{named}: made funnel's index {', '.join(repair.indexes)} again")
            if repair.moments:
                click.echo(
                    f"{named}: stored {counted(repair.moments, 'moment')} written with another"
                    " offset than UTC's in UTC, the same instant"
                )
            if repair.phones:
                click.echo(
                    f"{named}: stored {counted(repair.phones, 'phone number')} in E.164 (national"
                    f" ones read as {repair.region} numbers)"
                )
            for flag, prospects in repair.flags_set_back.items():
                click.echo(
                    f"{named}: set {flag} back on {counted(prospects, 'prospect')}, as"
                    " flag_changes last recorded it"
                )
            for flag, prospects in repair.flags_recorded.items():
                click.echo(
                    f"{named}: recorded {flag} set on {counted(prospects, 'prospect')} in"
                    " flag_changes, as their rows say"
                )
    # A file is one rep's book: the methods it may hold are the built-in ones and theirs.
    methods = load_library(user_scripts_dir()).names()
    # A large book takes minutes: a terminal is told what is being checked as it goes.
    checking = (
        (lambda what: click.echo(f"funnel check: {what}…", err=True))
        if sys.stderr.isatty()
        else None
    )
    problems = check_database(path, methods, checking=checking)
    for problem in problems:
        click.echo(f"funnel: {named}: {problem}", err=True)
    if not problems:
        click.echo(f"{named}: ok")
    # Information, not a problem: a rep who set no timezone relies on them.
    if guesses and not damaged:
        for guess in timezone_guesses(path):
            click.echo(f"{named}: {guess}")
    elif not damaged and (guessed := count_timezone_guesses(path)):
        click.echo(
            f"{named}: {counted(guessed, 'timezone')} guessed from the phone number, not set by "
            "you; `funnel check --guesses` lists them"
        )
    if problems:
        click.get_current_context().exit(1)
