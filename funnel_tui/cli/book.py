"""The book a command works on, opened once and closed with the command, and whose it is."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from funnel_tui.cli.errors import UserError, describe_book_error
from funnel_tui.cli.params import DB_PATH_OPTION, KEYWORD_CONNINFO, Options, refuse_other_urls
from funnel_tui.paths import DB_ENV, data_book, default_db_path, env_db_path
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.settings import Settings, read_settings
from funnel_tui.store import open_team_book
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.errors import ConnectionLost, database_errors
from funnel_tui.store.sqlite import COMPANION_SUFFIXES, Storage, StorageError, open_storage


def db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Accept `--db PATH` after the command name too; the nearest one wins. A book's error
    is one line; a command that fails leaves no book it made (`removed_if_made_empty`)."""

    @DB_PATH_OPTION
    @wraps(command)
    def wrapper(*args: Any, db_path: Path | None, **kwargs: Any) -> Any:
        context = click.get_current_context()
        chosen = db_path or context.find_object(Options).db_path
        made_before = len(_made_by_the_command)
        try:
            try:
                return command(*args, db_path=chosen, **kwargs)
            except (StorageError, ConnectionLost, *database_errors()) as error:
                raise UserError(describe_book_error(chosen or default_db_path(), error)) from None
        except click.exceptions.Exit as exited:
            if exited.exit_code:
                _remove_the_empty_books_made(since=made_before)
            raise
        except BaseException:
            _remove_the_empty_books_made(since=made_before)
            raise

    return wrapper


def group_db_option(group: Callable[..., Any]) -> Callable[..., Any]:
    """Accept `--db PATH` after a group's name too (`funnel config --db team.db list`): it
    wins over one before the group, and one after the command's name wins over it."""

    @DB_PATH_OPTION
    @wraps(group)
    def wrapper(*args: Any, db_path: Path | None, **kwargs: Any) -> Any:
        if db_path is not None:
            click.get_current_context().find_object(Options).db_path = db_path
        return group(*args, **kwargs)

    return wrapper


# The books this command made where there was no file: a command that fails leaves none of
# them that holds nothing (`db_option`), so a mistyped --db is no empty book to be opened
# by mistake later.
_made_by_the_command: list[Storage] = []


def _remove_the_empty_books_made(since: int) -> None:
    while len(_made_by_the_command) > since:
        storage = _made_by_the_command.pop()
        if holds_nothing(storage):
            remove_book(storage)


def made_by_the_command(storage: Storage) -> bool:
    """Whether this command made the book, where there was no file."""
    return storage in _made_by_the_command


def holds_nothing(storage: Storage) -> bool:
    """Whether the book holds no prospect, target or rep (what a new one holds); False
    when it cannot be read."""
    try:
        return not storage.db.execute(
            "SELECT EXISTS (SELECT 1 FROM prospects) OR EXISTS (SELECT 1 FROM targets)"
            " OR EXISTS (SELECT 1 FROM reps)"
        ).fetchone()[0]
    except Exception:  # the book out of reach: it stays as it is
        return False


def remove_book(storage: Storage) -> None:
    """Close the book and remove its file and the files SQLite keeps beside it."""
    storage.close()
    for suffix in ("", *COMPANION_SUFFIXES):
        Path(f"{storage.path}{suffix}").unlink(missing_ok=True)
    # Gone: nothing reads it again (a closed storage would open the file anew).
    if storage in _made_by_the_command:
        _made_by_the_command.remove(storage)


def open_db(
    db_path: Path | str | None, *, read_only: bool = False, say_lost_triggers: bool = True
) -> Storage:
    """Open `--db`, else `$FUNNEL_DB`, else funnel.db in the user data folder.

    Only that last folder is created: a folder the user named must exist. A command that
    only reads (`read_only`) refuses a file that does not exist. A `postgresql://` URL
    opens the team's database (PRODUCT 16). A file that has lost funnel's triggers is
    said so on stderr (`say_lost_triggers`: not by `funnel check`, which lists them, nor
    before the app, which says it once its first frame is out).
    """
    chosen = db_path or env_db_path()
    said_at_open.clear()
    if isinstance(chosen, str):
        storage = open_team_book(chosen, _application_name(), _say_own_settings_cleared)
        return _closed_with_the_command(storage)  # type: ignore[arg-type]
    if chosen is not None and KEYWORD_CONNINFO.search(str(chosen)):
        raise UserError(
            f"${DB_ENV} holds a keyword connection string: give a team database as a"
            " postgresql:// URL"
        )
    if db_path is None and chosen is not None:
        refuse_other_urls(os.environ[DB_ENV], f"${DB_ENV}")
    path = chosen or data_book()
    made = not os.path.lexists(os.path.expanduser(path))
    storage = open_storage(
        path, create_folder=chosen is None, must_exist=read_only, on_upgrade=_say_upgrading
    )
    _closed_with_the_command(storage)
    if made:
        _made_by_the_command.append(storage)
    if say_lost_triggers:
        from funnel_tui.funnel_triggers import triggers_warning

        if warning := triggers_warning(storage.db.conn):
            click.echo(warning, err=True)
    return storage


def _application_name() -> str:
    """What a team database's pg_stat_activity calls this command's connections: funnel,
    the command (`rep add`) or `app`, and the rep when their name is known."""
    from funnel_tui.reps import RepError, own_rep_name
    from funnel_tui.store.postgres import application_name

    context = click.get_current_context(silent=True)
    words: list[str] = []
    while context is not None and context.parent is not None:
        words.insert(0, context.info_name or "")
        context = context.parent
    try:
        rep = own_rep_name()
    except RepError:
        # Said by the command itself when it needs the rep.
        rep = None
    return application_name(" ".join(words) or "app", rep)


def _closed_with_the_command(storage: Storage) -> Storage:
    """The storage is closed when the command ends, however it ends (a refusal included):
    a file's connection closed leaves no -wal beside it, a team database's no session."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(storage.close)
    return storage


def file_only(db_path: Path | str | None, what: str) -> None:
    """Refuse a team's database for a command that works on the SQLite file itself."""
    if isinstance(db_path or env_db_path(), str):
        raise UserError(
            f"{what} works on a SQLite file; a team's PostgreSQL database is kept by its"
            " server (pg_dump backs it up)"
        )


# What opening the book said on stderr (an upgrade): the app, whose screen covers the
# terminal at once, says it again in a toast.
said_at_open: list[str] = []


def _say_at_open(line: str) -> None:
    click.echo(line, err=True)
    said_at_open.append(line)


def _say_upgrading(version: int, backup: Path) -> None:
    _say_at_open(
        f"Upgrading the book from schema v{version} to v{LATEST_VERSION}, once (a large book"
        f" takes a minute); a copy of it as it was: {backup}"
    )


def _say_own_settings_cleared(keys: tuple[str, ...]) -> None:
    from funnel_tui.own_settings import cleared_from_the_team

    _say_at_open(cleared_from_the_team(keys))


def own_rep(storage: Storage) -> str | None:
    """Who is working: the rep named by `$FUNNEL_REP` or the user config, as the book
    knows them. A team's database needs one the book knows; a SQLite book uses one only
    when it keeps reps (else it is one rep's book and needs none)."""
    from funnel_tui.reps import (
        RepError,
        config_path,
        has_reps,
        known_rep,
        own_rep_name,
        require_rep,
    )

    try:
        name = own_rep_name()
        if storage.dialect is Dialect.POSTGRESQL:
            if name is None:
                raise RepError(
                    "this is a team's book: say who you are with FUNNEL_REP=NAME, or"
                    f' rep = "NAME" in {config_path()}'
                )
            return require_rep(storage.db, name)
        if name is None or not has_reps(storage.db):
            return None
        return known_rep(storage.db, name) or require_rep(storage.db, name)
    except RepError as error:
        raise UserError(str(error)) from None


def settings_said(db: Any) -> Settings:
    """The book's settings, as the app reads them: a stored value that cannot be used is
    said on stderr, with what is used instead (a holiday list's good days still count)."""
    settings, problems = read_settings(db)
    for problem in problems:
        click.echo(f"funnel: {problem}", err=True)
    return settings
