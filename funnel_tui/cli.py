"""The `funnel` command line: a thin shell over the core, with one-line errors."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from funnel_tui import __version__
from funnel_tui.paths import DB_ENV, default_db_path, default_demo_path
from funnel_tui.storage import Storage, StorageError, describe_sqlite_error, open_storage
from funnel_tui.timestamps import system_now


class UserError(click.ClickException):
    """An error the user can fix: printed as one line on stderr, exit 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"funnel: {self.format_message()}", err=True)


def db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Accept `--db PATH` after the command name too; the nearest one wins."""

    @click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"Database file (default: ${DB_ENV}, else funnel.db in the user data folder).",
    )
    @wraps(command)
    def wrapper(*args: Any, db_path: Path | None, **kwargs: Any) -> Any:
        context = click.get_current_context()
        chosen = db_path or context.find_object(Options).db_path
        return command(*args, db_path=chosen, **kwargs)

    return wrapper


class Options:
    """Options given before the command name."""

    def __init__(self, db_path: Path | None) -> None:
        self.db_path = db_path


def open_db(db_path: Path | None, *, fallback: Callable[[], Path] = default_db_path) -> Storage:
    """Open the chosen database, or the fallback one (creating its folder)."""
    try:
        return open_storage(db_path or fallback(), create_folder=db_path is None)
    except StorageError as error:
        raise UserError(str(error)) from None


def run_app(storage: Storage) -> None:
    from funnel_tui.ui.app import FunnelApp

    try:
        FunnelApp(storage).run()
    finally:
        storage.close()


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Database file (default: ${DB_ENV}, else funnel.db in the user data folder).",
)
@click.version_option(__version__, "--version", prog_name="funnel")
@click.pass_context
def cli(context: click.Context, db_path: Path | None) -> None:
    """Work your call queue from the keyboard. Without a command, opens the app."""
    context.obj = Options(db_path)
    if context.invoked_subcommand is None:
        run_app(open_db(db_path))


@cli.command()
@db_option
@click.option("--no-open", is_flag=True, help="Build the file and exit without opening the app.")
@click.option("--seed", type=int, default=2026, show_default=True, help="Seed for the demo data.")
def demo(db_path: Path | None, no_open: bool, seed: int) -> None:
    """Build a realistic demo database in its own file and open it."""
    from funnel_tui.demo import build_demo

    path = db_path or default_demo_path()
    if path.expanduser().resolve() == default_db_path().expanduser().resolve():
        raise UserError(f"{path} is your real database; the demo needs a file of its own")
    if db_path is not None and path.exists() and path.stat().st_size > 0:
        raise UserError(f"{path} already exists; choose a new file for the demo (or delete it)")
    if db_path is None:
        for leftover in (path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    storage = open_db(db_path, fallback=default_demo_path)
    summary = build_demo(storage.db, now=system_now(), seed=seed)
    click.echo(
        f"Demo database with {summary.prospects} prospects and {summary.calls} calls: {path}",
        err=True,
    )
    if not no_open:
        run_app(storage)


def main() -> None:
    """Entry point: click handles usage errors (exit 2); nothing else shows a traceback."""
    try:
        # Without standalone mode click returns the code of `ctx.exit(n)` instead of exiting.
        code = cli.main(standalone_mode=False)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("funnel: aborted", err=True)
        sys.exit(1)
    except sqlite3.Error as error:
        click.echo(f"funnel: {describe_sqlite_error(Path('the database'), error)}", err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(f"funnel: {error.strerror or error}: {error.filename or ''}".rstrip(), err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
