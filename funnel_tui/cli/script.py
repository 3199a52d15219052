"""`funnel script`: a selling method's call script, filled in for a prospect or as written."""

from __future__ import annotations

from pathlib import Path

import click

from funnel_tui.cli.book import db_option, open_db, settings_said
from funnel_tui.cli.errors import UserError
from funnel_tui.domain import DEFAULT_METHOD, method_or_default
from funnel_tui.paths import config_dir, data_book, env_db_path, user_scripts_dir
from funnel_tui.profile import load_profile
from funnel_tui.proposals import last_proposal
from funnel_tui.prospects import get_prospect, marked_at_address
from funnel_tui.scripts import load_library, read_history
from funnel_tui.scripts.fill import fill_script
from funnel_tui.scripts.objections import load_objections
from funnel_tui.settings import is_demo_book
from funnel_tui.text import clean_text, one_line
from funnel_tui.timestamps import system_now


@click.command()
@db_option
@click.argument("method", required=False)
@click.option("--prospect", "prospect_id", type=int, help="Fill the script in for this prospect.")
@click.option("--list", "list_methods", is_flag=True, help="List the methods and their files.")
def script(
    db_path: Path | None, method: str | None, prospect_id: int | None, list_methods: bool
) -> None:
    """Print the call script for a selling method: filled in for a prospect (cues start
    with `>`), or as written with every opener."""
    from funnel_tui.scripts.loader import script_used_instead
    from funnel_tui.scripts.plain import filled_plain, template_plain

    library = load_library(user_scripts_dir())
    for problem in library.problems:
        click.echo(f"funnel: {problem} ({script_used_instead(problem)})", err=True)
    if list_methods:
        for known in library.methods():
            click.echo(f"{known.method:<20} {known.name:<28} {known.source}")
        # A file that could not be loaded is listed too, with why, not on stderr alone.
        for problem in library.not_loaded():
            why = (problem.message.splitlines() or [""])[0]
            where = str(problem.path) if problem.line is None else f"{problem.path}:{problem.line}"
            line = f"{problem.path.stem:<20} {'(not loaded)':<28} {where}: {why}"
            click.echo(clean_text(f"{line} ({script_used_instead(problem)})"))
        return
    if method is None and prospect_id is None:
        raise click.UsageError("name a method, give --prospect ID, or use --list")
    chosen = None if method is None else library.get(method)
    if method is not None and chosen is None:
        raise UserError(f"unknown method {method!r}; known: {', '.join(library.names())}")
    if prospect_id is None:
        assert chosen is not None
        # The script as written needs no book: a trainer reads it before any rep has one.
        # A book named, or there, is opened all the same: a mistyped --db or a damaged
        # book is reported by every command.
        if db_path is not None or env_db_path() is not None or data_book().exists():
            open_db(db_path, read_only=True)
        click.echo(clean_text(template_plain(chosen)))
        return
    db = open_db(db_path, read_only=True).db
    prospect = get_prospect(db, prospect_id)
    if prospect is None:
        raise UserError(f"no prospect with id {prospect_id}")
    if chosen is None:
        # Their own method's script, as the pane shows it.
        method = method_or_default(prospect["method"])
        chosen = library.get(method)
        if chosen is None:
            chosen = library.get(DEFAULT_METHOD)
            assert chosen is not None  # a built-in
            click.echo(
                one_line(
                    f"funnel: prospect {prospect_id}'s method {prospect['method']!r} has no"
                    f" script; showing {chosen.name}"
                ),
                err=True,
            )
    objections = load_objections(config_dir())
    profile, profile_problems = load_profile(config_dir(), demo_book=is_demo_book(db))
    for problem in objections.problems:
        click.echo(f"funnel: {problem} ({objections.used_instead(problem)})", err=True)
    for problem in profile_problems:
        click.echo(f"funnel: {problem} (not used)", err=True)
    now = system_now()
    filled = fill_script(
        chosen,
        prospect,
        settings=settings_said(db),
        history=read_history(db, prospect_id, now=now),
        now=now,
        profile=profile,
        objections=objections,
        no_email=marked_at_address(db, prospect_id, prospect["email"]) is not None,
        proposal=last_proposal(db, prospect, system_now()),
    )
    # Rows written by other tools may hold terminal escapes; they must not reach the terminal.
    click.echo(clean_text(filled_plain(filled)))
