"""The `funnel` group and its entry point: the app without a command, and the demo."""

from __future__ import annotations

import sqlite3
import sys
from importlib import import_module
from pathlib import Path

import click

from funnel_tui import __version__
from funnel_tui.cli.book import db_option, open_db, own_rep, said_at_open
from funnel_tui.cli.errors import UserError, describe_os_error, not_utf8_line
from funnel_tui.cli.params import DB_PATH_OPTION, Options
from funnel_tui.launch import resume_collecting
from funnel_tui.paths import default_db_path, default_demo_path
from funnel_tui.store.sqlite import DamagedDatabase, Storage, StorageError, is_damage, open_storage
from funnel_tui.text import message_line, shown_path
from funnel_tui.timestamps import system_now


def run_app(storage: Storage) -> None:
    """Run the app; an error inside it is raised here once the terminal is restored.

    Damage the app meets in the file is DamagedDatabase: one line pointing to `funnel
    check`, not a crash.
    """
    from funnel_tui.ui.app import FunnelApp
    from funnel_tui.ui.escape_keys import keep_escapes

    keep_escapes()
    crash: BaseException | None
    try:
        app = FunnelApp(storage, rep=own_rep(storage), notices=tuple(said_at_open))
        app.run()
        crash = app.crash
    except sqlite3.Error as error:  # before the app runs: reading the settings
        crash = error
    finally:
        storage.close()
    if crash is not None:
        if is_damage(crash):
            raise DamagedDatabase(storage.path, str(crash)) from crash
        raise crash


# Each command's module and function: imported only when that command runs (or `--help`
# lists them all), so opening the app pays for none of them.
COMMANDS = {
    "assign": "team:assign",
    "backup": "upkeep:backup",
    "calendar": "calendar_export:calendar",
    "check": "upkeep:check",
    "config": "config:config",
    "email": "mail:email_command",
    "export": "exporting:export",
    "forget": "upkeep:forget",
    "import": "importing:import_command",
    "log": "calls:log_command",
    "migrate-to": "team:migrate_to",
    "next": "calls:next_command",
    "profile": "config:profile_command",
    "rep": "team:rep_group",
    "report": "report:report",
    "script": "script:script",
    "target": "targets:target",
}


class CommandsByModule(click.Group):
    """A group whose commands (besides those added to it) are found in `COMMANDS`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, name = COMMANDS[cmd_name].split(":")
        command = getattr(import_module(f"funnel_tui.cli.{module}"), name)
        assert isinstance(command, click.Command) and command.name == cmd_name
        return command


@click.group(
    cls=CommandsByModule,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@DB_PATH_OPTION
@click.version_option(__version__, "--version", prog_name="funnel")
@click.pass_context
def cli(context: click.Context, db_path: Path | None) -> None:
    """Work your call queue from the keyboard. Without a command, opens the app."""
    context.obj = Options(db_path)
    if context.invoked_subcommand is None:
        try:
            run_app(open_db(db_path, say_lost_triggers=False))
        except StorageError as error:
            raise UserError(str(error)) from None
    else:
        # Commands such as import build many objects that die young: collect as usual.
        resume_collecting()


@cli.command()
@db_option
@click.option("--no-open", is_flag=True, help="Build the file and exit without opening the app.")
@click.option("--seed", type=int, default=2026, show_default=True, help="Seed for the demo data.")
def demo(db_path: Path | None, no_open: bool, seed: int) -> None:
    """Build a realistic demo database in its own file and open it."""
    from funnel_tui.demo import build_demo

    if isinstance(db_path, str):
        raise UserError("the demo is a SQLite file of its own: give --db a file path")
    path = db_path or default_demo_path()
    # The real book may be a team's database ($FUNNEL_DB a URL): no file to mistake it for.
    real = default_db_path()
    if isinstance(real, Path) and path.expanduser().resolve() == real.expanduser().resolve():
        raise UserError(f"{path} is your real database; the demo needs a file of its own")
    # A folder or a pipe goes on to open_storage, which says what it is.
    if db_path is not None and path.is_file() and path.stat().st_size > 0:
        raise UserError(f"{path} already exists; choose a new file for the demo (or delete it)")
    if db_path is None:
        for leftover in (path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    storage = open_storage(path, create_folder=db_path is None)
    summary = build_demo(storage.db, now=system_now(), seed=seed)
    click.echo(
        f"Demo database with {summary.prospects} prospects and {summary.calls} calls:"
        f" {shown_path(path)}",
        err=True,
    )
    if not no_open:
        run_app(storage)


def usage_line(error: click.UsageError) -> str:
    """A usage error in one line, as every other error is said, with where the command's
    help is: `funnel: Invalid value for '--period': 'x' is not one of 'week', 'month',
    'quarter', 'year' (funnel report --help)`. Click's own words quote what was typed with
    repr: a byte that was not UTF-8 read `\\udcff`, which nobody typed."""
    ctx = error.ctx
    if ctx is not None and not isinstance(ctx.command, click.Group):
        command = ctx.command_path
    else:
        # Raised while a group still parsed (`funnel report --period`): named from argv.
        command = _named_command(sys.argv[1:])
    said = error.format_message().rstrip(".")
    return message_line(f"funnel: {said} ({command} --help)")


def _named_command(args: list[str]) -> str:
    """The command `args` name (`funnel config set`), for an error click raises before it
    knows which (an option given without its value: `funnel report --period`)."""
    path: list[str] = ["funnel"]
    command: click.Command | None = cli
    with click.Context(cli, info_name="funnel") as ctx:
        for arg in args:
            if isinstance(command, click.Group) and arg in command.list_commands(ctx):
                path.append(arg)
                command = command.get_command(ctx, arg)
    return " ".join(path)


def main() -> None:
    """Entry point: a usage error is said in one line (exit 2); nothing shows a traceback.

    An error nobody foresaw, in a command or in the app, leaves its traceback in a log
    file and prints one line naming it and the file.
    """
    try:
        # Without standalone mode click returns the code of `ctx.exit(n)` instead of exiting;
        # named `funnel` also when run as `python -m funnel_tui`, as the help says it.
        code = cli.main(prog_name="funnel", standalone_mode=False)
        # What is still buffered goes out here, where a full disk is reported like the rest.
        sys.stdout.flush()
    except click.UsageError as error:
        click.echo(usage_line(error), err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("funnel: aborted", err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(message_line(f"funnel: {describe_os_error(error)}"), err=True)
        sys.exit(1)
    except UnicodeEncodeError as error:
        if not isinstance(error.object, str) or "surrogates" not in error.reason:
            raise
        click.echo(not_utf8_line(error.object, sys.argv[1:]), err=True)
        sys.exit(1)
    except Exception as error:
        from funnel_tui.crash import crash_line, write_crash_log

        click.echo(crash_line(error, write_crash_log(error, system_now())), err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
