"""A team's book (PRODUCT 16): `funnel rep`, `funnel assign` and `funnel migrate-to`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from funnel_tui.cli.asking import confirm_for_good
from funnel_tui.cli.book import db_option, group_db_option, open_db
from funnel_tui.cli.errors import UserError
from funnel_tui.counted import counted
from funnel_tui.paths import env_db_path
from funnel_tui.store.dialect import is_postgres_url
from funnel_tui.text import one_line
from funnel_tui.timestamps import system_now


@click.group("rep")
@group_db_option
def rep_group() -> None:
    """The reps of a team's book: add, list, remove."""


@rep_group.command("add")
@db_option
@click.argument("name")
def rep_add(db_path: Path | str | None, name: str) -> None:
    """Add a rep by name (as they set FUNNEL_REP)."""
    from funnel_tui.reps import RepError, add_rep

    storage = open_db(db_path)
    try:
        with storage.write() as db:
            added, new = add_rep(db, name)
    except RepError as error:
        raise UserError(str(error)) from None
    click.echo(f"Added rep {added}." if new else f"{added} is already a rep of this book.")


@rep_group.command("list")
@db_option
def rep_list(db_path: Path | str | None) -> None:
    """The reps, with how many prospects each owns (and the pool's)."""
    from funnel_tui.ownership import owned_by
    from funnel_tui.reps import list_reps, own_rep_name

    storage = open_db(db_path, read_only=True)
    reps = list_reps(storage.db)
    try:
        me = own_rep_name()
    except ValueError:
        me = None
    if not reps:
        click.echo("No reps yet: add one with: funnel rep add NAME")
    for rep in reps:
        you = "  (you)" if me is not None and rep.name.lower() == me.lower() else ""
        click.echo(f"{one_line(rep.name)}  {counted(rep.prospects, 'prospect')}{you}")
    click.echo(f"pool  {counted(len(owned_by(storage.db, None)), 'prospect')}")


@rep_group.command("remove")
@db_option
@click.argument("name")
@click.option("--yes", is_flag=True, help="Remove without asking (needed when not in a terminal).")
def rep_remove(db_path: Path | str | None, name: str, yes: bool) -> None:
    """Remove a rep: their prospects and those prospects' open tasks go back to the pool;
    their calls keep their name. Adding them again does not give the prospects back."""
    from funnel_tui.reps import RepError, remove_rep, what_goes_to_the_pool

    storage = open_db(db_path)
    try:
        found, prospects, tasks = what_goes_to_the_pool(storage.db, name)
    except RepError as error:
        raise UserError(str(error)) from None
    found = one_line(found)
    what_goes = f"{counted(prospects, 'prospect')} and their {counted(tasks, 'open task')}"
    confirm_for_good(
        yes,
        doing=f"removing rep {found} puts their {what_goes} back in the pool, which",
        question=f"Remove rep {found}? Their {what_goes} go back to the pool; adding"
        f" {found} again does not give them back",
        declined="Nothing removed.",
    )
    try:
        with storage.write() as db:
            removed, pooled = remove_rep(db, name)
    except RepError as error:
        raise UserError(str(error)) from None
    click.echo(
        f"Removed rep {one_line(removed)}; {counted(pooled, 'prospect')} went back to the pool."
    )


@click.command()
@db_option
@click.argument("prospect_ids", type=int, nargs=-1)
@click.option("--to", "to_rep", default=None, help="The rep who gets them.")
@click.option("--pool", is_flag=True, help="Put them back in the shared pool.")
@click.option("--from", "from_rep", default=None, help="Every prospect of this rep.")
@click.option(
    "--force",
    is_flag=True,
    help="Move them even while another rep holds one (on their card, or on the phone with "
    "them): that rep's call can then not be logged.",
)
def assign(
    db_path: Path | str | None,
    prospect_ids: tuple[int, ...],
    to_rep: str | None,
    pool: bool,
    from_rep: str | None,
    force: bool,
) -> None:
    """Move prospects between reps and the pool: IDS, or all of --from REP, --to REP or
    --pool."""
    from funnel_tui.ownership import assign as assign_prospects
    from funnel_tui.ownership import held_by_others
    from funnel_tui.prospects import SQLITE_INTEGERS
    from funnel_tui.rep_names import is_reserved
    from funnel_tui.reps import RepError, require_rep

    if (to_rep is None) == (not pool):
        raise UserError("say where they go: --to REP or --pool")
    if to_rep is not None and is_reserved(to_rep):
        raise UserError(f"{to_rep!r} is no rep: the shared pool is --pool")
    if bool(prospect_ids) == (from_rep is not None):
        raise UserError("say which prospects: their ids, or --from REP for all of a rep's")
    if beyond := [str(id_) for id_ in prospect_ids if id_ not in SQLITE_INTEGERS]:
        # No row has such an id: the database cannot even be asked (an id of 26 digits).
        raise UserError(f"no prospect with id {', '.join(beyond)}; nothing was assigned")
    storage = open_db(db_path)
    try:
        with storage.write() as db:
            owner = None if pool else require_rep(db, to_rep or "")
            ids = list(prospect_ids) or _prospects_of(db, from_rep or "")
            held = [] if force else held_by_others(db, ids, owner, system_now())
            if held:
                raise UserError(_held_by_others(held))
            moved, missing = assign_prospects(db, ids, owner)
            if missing:
                raise UserError(
                    f"no prospect with id {', '.join(map(str, missing))}; nothing was assigned"
                )
    except RepError as error:
        raise UserError(str(error)) from None
    where = "the pool" if owner is None else one_line(owner)
    click.echo(f"Assigned {counted(moved, 'prospect')} to {where}.")


def _held_by_others(held: list[Any]) -> str:
    """Why nothing was assigned: the prospects other reps hold now, and until when."""
    named = [
        f"{one.name} (prospect {one.prospect_id}) by {one.rep} until {one.until.astimezone():%H:%M}"
        for one in held[:3]
    ]
    more = f" and {len(held) - 3:,} more" if len(held) > 3 else ""
    return (
        f"held now, on a card or a call: {'; '.join(named)}{more}; nothing was assigned:"
        " run it again once they have moved on, or with --force to take them (a call"
        " running then cannot be logged)"
    )


def _prospects_of(db: Any, name: str) -> list[int]:
    """The prospects `--from NAME` moves: a rep's, or those still owned by a name the
    book no longer knows (a rep removed while their app was open)."""
    from funnel_tui.ownership import owned_by
    from funnel_tui.reps import known_rep, require_rep

    found = known_rep(db, name)
    if found is None and (left := owned_by(db, name)):
        return left
    return owned_by(db, require_rep(db, name))


@click.command("migrate-to")
@db_option
@click.argument("url", metavar="POSTGRESQL_URL")
@click.option(
    "--rep",
    metavar="NAME",
    help="Whose book it becomes (default: $FUNNEL_REP, else rep in the user config).",
)
def migrate_to(db_path: Path | str | None, url: str, rep: str | None) -> None:
    """Copy this book (the SQLite file) into a team's PostgreSQL database as one rep's
    book, all or nothing."""
    from funnel_tui.reps import RepError, config_path, own_rep_name, read_rep_name
    from funnel_tui.store.migrate_to import migrate_book

    if not is_postgres_url(url):
        raise UserError(
            "migrate-to copies the book into a team database: give its postgresql:// URL"
        )
    try:
        name = read_rep_name(rep) if rep is not None else own_rep_name()
    except RepError as error:
        raise UserError(str(error)) from None
    if name is None:
        raise UserError(
            f'say whose book this is: --rep NAME, FUNNEL_REP=NAME, or rep = "NAME" in'
            f" {config_path()}"
        )
    if isinstance(db_path or env_db_path(), str):
        raise UserError("the book to copy is a SQLite file: name it with --db FILE")
    storage = open_db(db_path, read_only=True)
    try:
        migrated = migrate_book(storage, url, name)
    finally:
        storage.close()
    for line in migrated.summary():
        click.echo(line)
