"""The `funnel` command line: a thin shell over the core, with one-line errors."""

from __future__ import annotations

import errno
import json
import os
import re
import shlex
import sqlite3
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from funnel_tui import __version__
from funnel_tui.counted import counted, listed
from funnel_tui.domain import (
    DEFAULT_METHOD,
    PERIOD_KINDS,
    Ask,
    method_or_default,
    outcome_names,
    reason_names,
)
from funnel_tui.exporter import (
    EXPORT_FORMATS,
    EXPORT_TABLES,
    WRITERS,
    ExportFailed,
    export_rows,
    export_to_file,
    export_total,
    for_the_screen,
    write_whole_file,
)
from funnel_tui.foreign_values import FIRST_DAY, LAST_DAY
from funnel_tui.launch import resume_collecting
from funnel_tui.money import AmountError, format_money, parse_amount
from funnel_tui.paths import (
    DB_ENV,
    config_dir,
    data_dir,
    default_db_path,
    default_demo_path,
    env_db_path,
    user_scripts_dir,
)
from funnel_tui.profile import load_profile
from funnel_tui.proposals import last_proposal
from funnel_tui.prospects import get_prospect, marked_at_address
from funnel_tui.queue import QueueMode, read_order
from funnel_tui.schema_version import LATEST_VERSION
from funnel_tui.scripts import load_library, read_history
from funnel_tui.scripts.fill import fill_script
from funnel_tui.scripts.objections import load_objections
from funnel_tui.settings import (
    KEYS,
    MAX_CALLS_PER_DAY,
    SettingError,
    Settings,
    is_demo_book,
    is_team_book,
    load_settings,
    read_settings,
    save_setting,
    setting_text,
    where_kept,
)
from funnel_tui.stop_signals import stopped_as_by_ctrl_c
from funnel_tui.store import open_team_book
from funnel_tui.store.book_copies import dated_backup_path
from funnel_tui.store.dialect import Dialect, hide_passwords, is_postgres_url, url_scheme
from funnel_tui.store.errors import ConnectionLost, database_errors
from funnel_tui.store.sqlite import (
    COMPANION_SUFFIXES,
    DamagedDatabase,
    Storage,
    StorageError,
    backup_database,
    describe_sqlite_error,
    is_damage,
    open_storage,
    refuse_database_files,
    refuse_other_databases,
)
from funnel_tui.text import clean_text, cut_for_quoting, one_line, quoted, with_bytes_shown
from funnel_tui.timestamps import system_now, to_stored

if TYPE_CHECKING:
    from funnel_tui.emailing.message import Draft
    from funnel_tui.emailing.record import SentEmail
    from funnel_tui.emailing.templates import EmailTemplate

# Read `-5` as a value, so a negative amount or count is a bad value (exit 1) with its
# reason, not an unknown option (exit 2).
VALUES_MAY_START_WITH_DASH = {"ignore_unknown_options": True}
# Why writing the output can fail: a full disk or quota, a file too large, a lost terminal.
OUTPUT_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


class UserError(click.ClickException):
    """An error the user can fix: printed as one line on stderr, exit 1."""

    def show(self, file: Any = None) -> None:
        # Messages name files and quote values, which may hold terminal escapes.
        click.echo(f"funnel: {one_line(self.format_message())}", err=True)


class FilePath(click.ParamType):
    """A file named on the command line.

    What the path is (a folder, a pipe, missing) is checked where the file is used, so it
    is a user error of one line (exit 1), as for `$FUNNEL_DB`, not click's usage error.
    """

    name = "path"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        if isinstance(value, Path):
            return value
        text = os.fsdecode(value)
        # Path() drops a trailing slash, and would write a file where a folder was meant.
        if text.endswith(("/", os.sep)):
            raise UserError(f"{text} ends with a slash, so it names a folder; name a file")
        if text != "-" and Path(text) == Path("-"):
            # `./-` names the file `-`, which Path() would make the `-` of standard output.
            return Path(os.path.abspath(text))
        return Path(text)


FILE_PATH = FilePath()


class WholeNumber(click.IntRange):
    """A count from `low` to `high`, refused in words of what it counts: `'abc' is not a
    whole number of seconds from 0 to 86,400` (click said `not a valid integer range`)."""

    def __init__(self, low: int, high: int, of: str) -> None:
        super().__init__(low, high)
        self.low, self.high, self.of = low, high, of

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        try:
            number = value if isinstance(value, int) else int(str(value).strip())
        except ValueError:
            number = None
        if number is None or not self.low <= number <= self.high:
            self.fail(
                f"{one_line(str(value))!r} is not a whole number of {self.of} from"
                f" {self.low:,} to {self.high:,}",
                param,
                ctx,
            )
        return number


class BookDay(click.DateTime):
    """A day given as `YYYY-MM-DD`, within the years a book keeps (1900 to 2999): a target
    set for a day outside them would be one its own report calls unreadable."""

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        day = super().convert(value, param, ctx)
        if not FIRST_DAY <= day.date().isoformat() <= LAST_DAY:
            self.fail(
                f"{day:%Y-%m-%d} is outside the years a book keeps, {FIRST_DAY[:4]} to"
                f" {LAST_DAY[:4]}",
                param,
                ctx,
            )
        return day


BOOK_DAY = BookDay()


# What libpq's keyword connection strings start their settings with.
KEYWORD_CONNINFO = re.compile(r"(?:^|\s)(?:host|hostaddr|dbname|user|password|port)=")


class BookTarget(FilePath):
    """The book: a SQLite file, or a team's PostgreSQL database by its URL (kept as text)."""

    name = "file|url"

    def convert(  # type: ignore[override]
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Path | str:
        if is_postgres_url(value):
            return str(value)
        if isinstance(value, str) and KEYWORD_CONNINFO.search(value):
            # Never echoed: such a string may hold a password.
            raise UserError(
                "give a team database as a postgresql:// URL (a keyword connection string"
                " such as host=... dbname=... is not read)"
            )
        if isinstance(value, str):
            refuse_other_urls(value, "--db")
        return super().convert(value, param, ctx)


def refuse_other_urls(target: str, named: str) -> None:
    """Refuse a book named by a URL that is not PostgreSQL's (`mysql://...`, a mistyped
    `postgresq:team`), unless a file of that name exists: opened as a path it would become
    a new, empty SQLite file, or a folder named after the scheme that does not exist."""
    scheme = url_scheme(target)
    if scheme is None or is_postgres_url(target) or os.path.exists(os.path.expanduser(target)):
        return
    shown = quoted(hide_passwords(target))
    raise UserError(
        f"{named} {shown} reads as a {scheme}: URL; a book is a file path or a postgresql://"
        " URL (for a new file whose name holds a colon, put ./ before it)"
    )


DB_PATH_OPTION = click.option(
    "--db",
    "db_path",
    type=BookTarget(),
    default=None,
    help=f"Database file or postgresql:// URL (default: ${DB_ENV}, else funnel.db in the"
    " user data folder).",
)


def db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Accept `--db PATH` after the command name too; the nearest one wins."""

    @DB_PATH_OPTION
    @wraps(command)
    def wrapper(*args: Any, db_path: Path | None, **kwargs: Any) -> Any:
        context = click.get_current_context()
        chosen = db_path or context.find_object(Options).db_path
        try:
            return command(*args, db_path=chosen, **kwargs)
        except (StorageError, ConnectionLost, *database_errors()) as error:
            raise UserError(describe_book_error(chosen or default_db_path(), error)) from None

    return wrapper


def describe_book_error(book: Path | str, error: Exception) -> str:
    """One line for an error met on the book at `book` (a file's path, a team database's
    URL): a lock or damage names the file; a team database's never shows the password."""
    if isinstance(error, (StorageError, ConnectionLost)):
        return str(error)
    if isinstance(error, sqlite3.Error):
        return describe_sqlite_error(Path(book), error)
    from funnel_tui.store.postgres import describe_postgres_error

    return describe_postgres_error(str(book), error)


class Options:
    """Options given before the command name."""

    def __init__(self, db_path: Path | None) -> None:
        self.db_path = db_path


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
    _said_at_open.clear()
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
    storage = open_storage(
        chosen or data_dir() / "funnel.db",
        create_folder=chosen is None,
        must_exist=read_only,
        on_upgrade=_say_upgrading,
    )
    _closed_with_the_command(storage)
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
_said_at_open: list[str] = []


def _say_at_open(line: str) -> None:
    click.echo(line, err=True)
    _said_at_open.append(line)


def _say_upgrading(version: int, backup: Path) -> None:
    _say_at_open(
        f"Upgrading the book from schema v{version} to v{LATEST_VERSION}, once (a large book"
        f" takes a minute); a copy of it as it was: {backup}"
    )


def _say_own_settings_cleared(keys: tuple[str, ...]) -> None:
    from funnel_tui.own_settings import cleared_from_the_team

    _say_at_open(cleared_from_the_team(keys))


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
        app = FunnelApp(storage, rep=own_rep(storage), notices=tuple(_said_at_open))
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


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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
        f"Demo database with {summary.prospects} prospects and {summary.calls} calls: {path}",
        err=True,
    )
    if not no_open:
        run_app(storage)


def main() -> None:
    """Entry point: click handles usage errors (exit 2); nothing else shows a traceback.

    An error nobody foresaw, in a command or in the app, leaves its traceback in a log
    file and prints one line naming it and the file.
    """
    try:
        # Without standalone mode click returns the code of `ctx.exit(n)` instead of exiting.
        code = cli.main(standalone_mode=False)
        # What is still buffered goes out here, where a full disk is reported like the rest.
        sys.stdout.flush()
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("funnel: aborted", err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(one_line(f"funnel: {describe_os_error(error)}"), err=True)
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


def not_utf8_line(text: str, args: list[str] | None = None) -> str:
    """The line for text given in bytes that are not UTF-8 (a terminal or a script in
    another encoding): Python hands them over as lone surrogates, which nothing can store.
    It names the option of the command line `args` that gave the text, if one did.
    Nothing was written: every write is one transaction, rolled back by the error."""
    shown = cut_for_quoting(one_line(with_bytes_shown(text)))
    option = _option_that_gave(text, args or [])
    given = f"{option} " if option else ""
    # Quoted by hand: repr would double the backslash of each \xNN shown.
    return f"funnel: {given}'{shown}' is not UTF-8 text; give it in UTF-8"


def _option_that_gave(text: str, args: list[str]) -> str | None:
    """The option (`--note`) whose value in `args` holds `text`, as `--note TEXT` or
    `--note=TEXT`; None for an argument that is no option's value."""
    for place, arg in enumerate(args):
        name, equals, value = arg.partition("=")
        if equals and name.startswith("--") and text in value:
            return name
        if text in arg and place > 0 and args[place - 1].startswith("-"):
            return args[place - 1]
    return None


def describe_os_error(error: OSError) -> str:
    """One line for a system error no command foresaw, naming what it happened to."""
    reason = error.strerror or str(error)
    if error.filename is not None:
        return f"{reason}: {error.filename}"
    # Every file a command opens is named in its own messages, so a failed write that names
    # none was writing the output: `funnel export calls > file` on a full disk.
    if error.errno in OUTPUT_WRITE_ERRORS:
        return f"cannot write standard output: {reason}"
    return reason


@cli.group()
def target() -> None:
    """The sales targets: set the one for a period, list those set."""


@target.command("set", context_settings=VALUES_MAY_START_WITH_DASH)
@db_option
@click.argument("amount")
@click.option(
    "--period",
    type=click.Choice(PERIOD_KINDS),
    default="month",
    show_default=True,
    help="The period containing today that the target is for.",
)
@click.option(
    "--calls-per-day",
    type=WholeNumber(0, MAX_CALLS_PER_DAY, "calls a day"),
    default=None,
    help="Daily call goal (without it, the period keeps the goal it has).",
)
@click.option("--rep", "rep_name", default=None, help="A rep's own target (else the team's).")
@click.option(
    "--today",
    type=BOOK_DAY,
    default=None,
    help="For the period containing this date (YYYY-MM-DD) instead: a past or coming one.",
)
def target_set(
    db_path: Path | None,
    amount: str,
    period: str,
    calls_per_day: int | None,
    rep_name: str | None,
    today: datetime | None,
) -> None:
    """Set the target for the period containing today (50000, 50,000, 50000.00 or 50k); in
    a team's book the team's, or with --rep NAME that rep's."""
    from funnel_tui.pace import Kept, OutOfBookYears, set_target
    from funnel_tui.periods import period_name
    from funnel_tui.reps import RepError, require_rep

    storage = open_db(db_path)
    settings = load_settings(storage.db)
    try:
        cents = parse_amount(amount, settings.currency)
    except AmountError as error:
        raise UserError(str(error)) from None
    if cents <= 0:
        raise UserError("a target must be more than zero")
    try:
        rep = None if rep_name is None else require_rep(storage.db, rep_name)
    except RepError as error:
        raise UserError(str(error)) from None
    try:
        row = set_target(
            storage.db,
            amount_cents=cents,
            period=period,
            today=today.date() if today else system_now().date(),
            calls_per_day=Kept.STORED if calls_per_day is None else calls_per_day,
            rep=rep,
        )
    except OutOfBookYears as error:
        raise UserError(str(error)) from None
    starts_on = date.fromisoformat(row["starts_on"])
    goal = f", {row['calls_per_day']} calls a day" if row["calls_per_day"] is not None else ""
    from funnel_tui.reps import has_reps

    team_book = has_reps(storage.db)
    whose = f"{one_line(rep)}'s target" if rep is not None else "Target"
    if rep is None and team_book:
        whose = "The team's target"
    click.echo(
        f"{whose} for {period_name(period, starts_on)} ({row['starts_on']} to"
        f" {row['ends_on']}): {format_money(row['amount_cents'], settings.currency)}{goal}"
    )
    from funnel_tui.target_list import overlapping

    for other in overlapping(storage.db, row):
        amount = format_money(other["amount_cents"], settings.currency)
        click.echo(
            f"Note: another {period} target, {other['starts_on']} to {other['ends_on']}"
            f" ({amount}), covers part of it; a day both cover is measured against the one"
            " that starts later (funnel target list shows both)"
        )


@target.command("list")
@db_option
@click.option(
    "--today",
    type=BOOK_DAY,
    default=None,
    help="Mark the targets in use on this date (YYYY-MM-DD) instead of today.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def target_list(db_path: Path | str | None, today: datetime | None, as_json: bool) -> None:
    """Every target set: the team's (a one-rep book's) and each rep's, the latest period
    first, with the one each report uses today marked."""
    from rich.console import Console

    from funnel_tui.target_list import list_targets, targets_table

    storage = open_db(db_path, read_only=True)
    day = today.date() if today else system_now().date()
    targets = list_targets(storage.db, day)
    if as_json:
        click.echo(json.dumps({"targets": [target.to_json() for target in targets]}, indent=2))
        return
    if not targets:
        click.echo("No targets yet: set one with: funnel target set 50000 --period month")
        return
    settings = load_settings(storage.db)
    console = Console()
    table = targets_table(targets, settings.currency)
    # Every value whole, however narrow the terminal or the pipe (80 columns).
    natural = console.measure(table, options=console.options.update_width(10**4)).maximum
    if natural > console.width:
        console = Console(width=natural)
    console.print(table, crop=False)


def _settings_said(db: Any) -> Settings:
    """The book's settings, as the app reads them: a stored value that cannot be used is
    said on stderr, with what is used instead (a holiday list's good days still count)."""
    settings, problems = read_settings(db)
    for problem in problems:
        click.echo(f"funnel: {problem}", err=True)
    return settings


@cli.command()
@db_option
@click.option(
    "--today",
    type=BOOK_DAY,
    default=None,
    help="Report as of this date (YYYY-MM-DD), calls today included.",
)
@click.option("--period", type=click.Choice(PERIOD_KINDS), default=None, help="Which target.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--team", is_flag=True, help="Each rep and the team's total (a team's book).")
@click.option("--rep", "rep_name", default=None, help="One rep's figures (a team's book).")
def report(
    db_path: Path | None,
    today: datetime | None,
    period: str | None,
    as_json: bool,
    team: bool,
    rep_name: str | None,
) -> None:
    """Quota, pace and activity for the period containing today (in a team's book, your
    own; --team every rep's and the team's, --rep NAME one rep's)."""
    # Each command imports what it alone needs: `funnel` opening the app pays for none.
    from funnel_tui.pace import load_pace, skipped_note, target_kinds, unreadable_targets

    day = today.date() if today else system_now().date()
    storage = open_db(db_path, read_only=True)
    settings = _settings_said(storage.db)
    if day > system_now().date():
        click.echo(
            f"funnel: {day} is still to come: the figures count what is logged so far,"
            " as if nothing more were done by then",
            err=True,
        )
    if team or rep_name is not None:
        _team_report(storage, day, settings, period=period, as_json=as_json, rep_name=rep_name)
        return
    rep = own_rep(storage)
    pace = load_pace(storage.db, day, settings, period=period, rep=rep)
    if pace is None:
        which = f"{period} target" if period else "target"
        whose = f" of {rep}" if rep is not None else ""
        skipped = unreadable_targets(storage.db, day, period, rep)
        left_out = f" ({skipped_note(skipped)})" if skipped else ""
        for_rep = f" --rep {shlex.quote(rep)}" if rep is not None else ""
        # The period of the day asked about, which is not today's.
        for_day = f" --today {day}" if today else ""
        raise UserError(
            f"no {which}{whose} covers {day}{left_out}; set one with: "
            f"funnel target set 50000 --period {period or 'month'}{for_rep}{for_day}"
        )
    if as_json:
        click.echo(json.dumps(pace.to_json(), indent=2))
        return
    from rich.console import Console

    from funnel_tui.burnup import load_burnup
    from funnel_tui.report import burnup_fits, pace_table

    console = Console()
    burnup = load_burnup(storage.db, pace, settings, rep) if burnup_fits(console) else None
    # Uncropped: a line wider than a very narrow terminal wraps there rather than lose figures.
    gone_by = day < system_now().date()
    console.print(
        pace_table(pace, settings.currency, burnup=burnup, pipeline_now=gone_by), crop=False
    )
    if period is None and (others := target_kinds(storage.db, day, rep)[1:]):
        # The shortest target is read: a month's reader should not take the week's for it.
        if len(others) == 1:
            also = f"a {others[0]} target also covers {day}"
        else:
            also = f"{listed(others)} targets also cover {day}"
        asks = " or ".join(f"--period {kind}" for kind in others)
        click.echo(f"The {pace.period}'s target is shown; {also} (funnel report {asks}).")


@cli.command("next")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def next_command(db_path: Path | None, as_json: bool) -> None:
    """The next prospect of today's queue, as the app orders it: who, how to reach them
    and why they are next (`{"prospect": null}` with --json when the queue is empty)."""
    from funnel_tui.next_prospect import next_prospect

    now = system_now()
    storage = open_db(db_path, read_only=True)
    db = storage.db
    settings = _settings_said(db)
    rep = own_rep(storage)
    found = next_prospect(db, now=now, settings=settings, rep=rep)
    if as_json:
        click.echo(json.dumps({"prospect": found.to_json() if found else None}, indent=2))
        return
    if found is None:
        waiting = read_order(
            db, now=now, mode=QueueMode.TODAY, text="", settings=settings, rep=rep
        ).held_back
        later = f"; {waiting} wait for their calling hours" if waiting else ""
        click.echo(f"Nobody to call now: today's queue is empty{later}.")
        return
    click.echo("\n".join(found.describe(now, settings.phone_region)))


# The option that types each field an outcome asks for.
FIELD_OPTIONS = {
    Ask.WHEN: "--when",
    Ask.AMOUNT: "--amount",
    Ask.CLOSE_ON: "--close-on",
    Ask.REASON: "--reason",
    Ask.REVISIT_ON: "--revisit-on",
}
# A call longer than the app keeps one running (call_state.KEPT_AT_MOST) was left
# running: the app logs it without its time, and the command refuses it.
MAX_DURATION_S = 12 * 60 * 60


@cli.command(
    "log",
    help="Log a call with PROSPECT_ID as the outcome dialog does. OUTCOME is a"
    f" `calls.outcome` value or the dialog's key: {outcome_names()}.",
)
@db_option
@click.argument("prospect_id", type=int)
@click.argument("outcome")
@click.option("--note", default=None, help="A note on the call.")
@click.option(
    "--when",
    default=None,
    help="When (a callback, meeting, no-show's reschedule, gatekeeper's or meeting held's "
    "next step): tomorrow 10am, fri 2pm, in 3 days, 2026-12-03 14:30.",
)
@click.option(
    "--amount",
    default=None,
    help="A proposal's or a win's amount (12000, 12k); a win defaults to the open deal value.",
)
@click.option("--close-on", default=None, help="A proposal's expected close date (15/12).")
@click.option("--reason", default=None, help=f"Why not interested: {reason_names()}.")
@click.option("--revisit-on", default=None, help="Not interested: the day to try again.")
@click.option(
    "--duration",
    type=WholeNumber(0, MAX_DURATION_S, "seconds"),
    default=0,
    help="How long the call took, in seconds (it ended now).",
)
@click.option(
    "--request-id",
    default=None,
    help="A key of your own for this call: run again with it, the call is found, never "
    "logged twice (default: a new one each run).",
)
@click.option("--yes", is_flag=True, help="Log it even when the prospect is marked do not call.")
def log_command(
    db_path: Path | None,
    prospect_id: int,
    outcome: str,
    note: str | None,
    when: str | None,
    amount: str | None,
    close_on: str | None,
    reason: str | None,
    revisit_on: str | None,
    duration: int,
    request_id: str | None,
    yes: bool,
) -> None:
    """Log a call (the help is built from the outcomes)."""
    from funnel_tui.call_log import OutcomeInvalid
    from funnel_tui.typed_call import (
        CallRefused,
        FieldsRefused,
        NeedsConfirmation,
        TypedCall,
        describe_logged,
        field_warnings,
        log_typed_call,
        meeting_warning_for,
        read_outcome,
    )

    try:
        chosen = read_outcome(outcome)
    except CallRefused as error:
        raise UserError(str(error)) from None
    typed = {
        Ask.WHEN: when,
        Ask.AMOUNT: amount,
        Ask.CLOSE_ON: close_on,
        Ask.REASON: reason,
        Ask.REVISIT_ON: revisit_on,
    }
    call = TypedCall(
        chosen,
        {ask: text for ask, text in typed.items() if text is not None},
        note=note,
        duration_s=duration,
    )
    now = system_now()
    try:
        storage = open_db(db_path, read_only=True)
        db = storage.db
        settings = _settings_said(db)
        rep = own_rep(storage)
        # Read before the call completes the meeting; said once it is logged, as the dialog
        # says it and still saves.
        warning = storage.retrying(lambda db: meeting_warning_for(db, prospect_id, chosen, now=now))
        warnings = storage.retrying(
            lambda db: field_warnings(db, prospect_id, call, now=now, settings=settings)
        )
    except (StorageError, ConnectionLost) as error:
        # Nothing was tried yet: running the command again logs the call once.
        raise UserError(f"{error}; nothing was logged") from None
    # One per run: a retry after a lost connection finds the call instead of writing it
    # again.
    key = str(uuid.uuid4()) if request_id is None else request_id
    try:
        logged = storage.retrying(
            lambda db: log_typed_call(
                db,
                prospect_id,
                call,
                now=now,
                settings=settings,
                request_id=key,
                confirmed=yes,
                rep=rep,
            )
        )
    except FieldsRefused as refused:
        raise UserError(
            "; ".join(f"{FIELD_OPTIONS[ask]}: {why}" for ask, why in refused.refused.items())
        ) from None
    except NeedsConfirmation as error:
        raise UserError(f"{error}: nothing logged (--yes logs it anyway)") from None
    except (CallRefused, OutcomeInvalid) as error:
        raise UserError(str(error)) from None
    except ConnectionLost as error:
        # The commit may have gone through with only its answer lost: the same key finds it.
        raise UserError(
            f"{error}; whether the call was logged is not known: run the same command with"
            f" --request-id {key} to log it exactly once"
        ) from None
    click.echo(one_line(describe_logged(storage.db, logged, now=now, settings=settings)))
    if logged.already_logged:
        return
    said = [warning] if warning is not None else []
    said += [f"{FIELD_OPTIONS[ask]}: {why}" for ask, why in warnings.items()]
    for line in said:
        click.echo(f"funnel: {one_line(f'⚠ {line}; logged all the same')}", err=True)


@cli.group()
def config() -> None:
    """Settings stored in the database (currency, rep name, business days, cadence...); in a
    team's database your own (name, dialing, email account) are kept in your config file."""


def _where(db: Any, key: str) -> str:
    """Where a team's book keeps a setting, to say after its value ("" in a SQLite file)."""
    from funnel_tui.reps import config_path

    where = where_kept(db, key)
    if where == "yours":
        return f"  (yours, in {config_path()})"
    return "  (the team's, in the database)" if where == "the team's" else ""


@config.command("list")
@db_option
def config_list(db_path: Path | None) -> None:
    """Every setting with its value; in a team's database, yours first, then the team's."""
    from funnel_tui.reps import config_path

    db = open_db(db_path, read_only=True).db
    settings = load_settings(db)
    if not is_team_book(db):
        for key in KEYS:
            click.echo(f"{key} = {setting_text(settings, key)}")
        return
    for heading, whose in (
        (f"# Yours (config file {config_path()}):", "yours"),
        ("# The team's (in the database, shared by every rep):", "the team's"),
    ):
        click.echo(heading)
        for key in KEYS:
            if where_kept(db, key) == whose:
                click.echo(f"{key} = {setting_text(settings, key)}")


@config.command("get")
@db_option
@click.argument("key")
def config_get(db_path: Path | None, key: str) -> None:
    """One setting's value."""
    if key not in KEYS:
        raise UserError(f"unknown setting {key!r}; known: {', '.join(KEYS)}")
    click.echo(setting_text(load_settings(open_db(db_path, read_only=True).db), key))


@config.command("set", context_settings=VALUES_MAY_START_WITH_DASH)
@db_option
@click.argument("key")
@click.argument("value")
def config_set(db_path: Path | None, key: str, value: str) -> None:
    """Change a setting (checked before it is stored); in a team's database your own go
    to your config file, the team's to the database."""
    db = open_db(db_path).db
    try:
        save_setting(db, key, value)
    except SettingError as error:
        raise UserError(f"{key}: {error}") from None
    click.echo(f"{key} = {setting_text(load_settings(db), key)}{_where(db, key)}")


@cli.command("profile")
@db_option
def profile_command(db_path: Path | None) -> None:
    """Print and check the product profile the scripts talk about (profile.toml)."""
    from funnel_tui.profile import (
        EXAMPLE_PROFILE,
        describe_profile,
        load_profile,
        profile_path,
    )

    path = profile_path(config_dir())
    profile, problems = load_profile(config_dir(), demo_book=_is_demo_book(db_path))
    if problems:
        for problem in problems:
            click.echo(f"funnel: {one_line(str(problem))}", err=True)
        click.echo("funnel: the scripts use no product profile until the file is fixed", err=True)
        click.get_current_context().exit(1)
    if profile is None:
        click.echo(
            f"No product profile: the scripts ask questions instead of making claims.\n"
            f"Create {path} to give them your product, for example:\n"
        )
        click.echo(EXAMPLE_PROFILE, nl=False)
        return
    if profile.is_demo:
        click.echo(f"The demo profile (a {path} of your own replaces it)")
    else:
        click.echo(f"Profile: {path}")
    click.echo(clean_text("\n".join(describe_profile(profile))))


def _is_demo_book(db_path: Path | None) -> bool:
    """Whether the book is a demo; no book yet (the default file is missing) is none."""
    if db_path is None and env_db_path() is None and not default_db_path().exists():
        return False
    return is_demo_book(open_db(db_path, read_only=True).db)


@cli.command()
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
    # Opened even for the script as written: a damaged book is reported by every command.
    db = open_db(db_path, read_only=True).db
    if prospect_id is None:
        assert chosen is not None
        click.echo(clean_text(template_plain(chosen)))
        return
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
        settings=_settings_said(db),
        history=read_history(db, prospect_id, now=now),
        now=now,
        profile=profile,
        objections=objections,
        no_email=marked_at_address(db, prospect_id, prospect["email"]) is not None,
        proposal=last_proposal(db, prospect, system_now()),
    )
    # Rows written by other tools may hold terminal escapes; they must not reach the terminal.
    click.echo(clean_text(filled_plain(filled)))


@cli.command("email")
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


@cli.command("import")
@db_option
@click.argument("file", type=FILE_PATH)
@click.option("--source", default=None, help="Lead source for every row (overrides the file's).")
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, report the rest.")
@click.option("--owner", default=None, help="The rep the new prospects go to (else the pool).")
def import_command(
    db_path: Path | None,
    file: Path,
    source: str | None,
    dry_run: bool,
    skip_invalid: bool,
    owner: str | None,
) -> None:
    """Import prospects from a CSV file (HubSpot, Salesforce, Pipedrive, Close or plain);
    in a team's book the new ones land in the pool, or with --owner REP are that rep's."""
    # Imported here, not at the top: opening the app should not pay for them.
    import shutil
    import tempfile
    from functools import partial

    from rich.markup import escape

    from funnel_tui.importer import CsvUnreadable, import_prospects
    from funnel_tui.progress_bar import import_progress, stderr_console
    from funnel_tui.read_process import ReadingFailed
    from funnel_tui.reps import RepError, require_rep

    book = db_path or default_db_path()
    made_here = False
    if dry_run and isinstance(book, Path) and not book.exists():
        # A dry run writes nothing, not even a new book: the file is read as into one in
        # a folder of its own, which goes when the command ends.
        folder = Path(tempfile.mkdtemp(prefix="funnel-dry-run-"))
        click.get_current_context().call_on_close(partial(shutil.rmtree, folder, True))
        storage = open_db(folder / book.name)
        click.echo(one_line(f"No book at {book} yet: the file is read as into a new one"))
    else:
        made_here = isinstance(book, Path) and not book.expanduser().exists()
        storage = open_db(db_path)
    with _removed_if_left_empty(storage) if made_here else nullcontext():
        try:
            owner = None if owner is None else require_rep(storage.db, owner)
        except RepError as error:
            raise UserError(str(error)) from None
        console = stderr_console()
        now = system_now()
        with stopped_as_by_ctrl_c(), import_progress(console) as bar:
            # The description is markup, and a file name may hold brackets and escapes.
            task = bar.add_task(f"Importing {escape(one_line(file.name))}", total=None)
            try:
                report = import_prospects(
                    storage.db,
                    file,
                    now=now,
                    source=source,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                    owner=owner,
                    methods=load_library(user_scripts_dir()).names(),
                )
            except CsvUnreadable as error:
                raise UserError(str(error)) from None
            except ReadingFailed as error:
                raise UserError(f"{file}: {error}") from None
            except KeyboardInterrupt:
                # Said, as a bare `aborted` left the rep to wonder what of a large file went in.
                raise UserError(_import_stopped(storage, file, now, dry_run)) from None
        for rejected in report.rejected:
            click.echo(one_line(f"funnel: {file}: {rejected}"), err=True)
        click.echo(one_line(report.summary()))
        if report.added and (report.written or report.dry_run):
            whose = _whose_new_prospects(storage, owner, report.added, report.dry_run)
            if whose is not None:
                click.echo(whose)
        for notice in report.notices():
            click.echo(one_line(notice))
        if report.rejected and not skip_invalid:
            click.get_current_context().exit(1)


@contextmanager
def _removed_if_left_empty(storage: Storage) -> Iterator[None]:
    """A book the import made goes again when the import leaves it holding no prospect
    (an error, rows refused or stopped; a file of no rows, or of rejected rows alone): a
    mistyped --db leaves no empty book to be opened by mistake later."""
    try:
        yield
    finally:
        try:
            empty = not storage.db.execute("SELECT EXISTS (SELECT 1 FROM prospects)").fetchone()[0]
        except Exception:  # the book out of reach: it stays as it is
            empty = False
        if empty:
            storage.close()
            for suffix in ("", *COMPANION_SUFFIXES):
                Path(f"{storage.path}{suffix}").unlink(missing_ok=True)


def _import_stopped(storage: Storage, file: Path, now: datetime, dry_run: bool) -> str:
    """What ctrl+c left of an import: its one transaction rolled back, so none of its rows;
    or, pressed as it committed, every row (those it wrote carry its time)."""
    stopped = f"import of {file} stopped: an import writes all of its rows or none"
    if dry_run:
        return f"{stopped}, and a dry run none"
    try:
        found = storage.db.execute(
            "SELECT EXISTS (SELECT 1 FROM prospects WHERE updated_at = ?)", [to_stored(now)]
        ).fetchone()[0]
    except Exception:  # the book out of reach: what it holds is unknown
        return f"{stopped}; run it again, or see the book, to know which"
    return f"{stopped}, and {'all of them were' if found else 'none were'} written"


def _whose_new_prospects(
    storage: Storage, owner: str | None, added: int, dry_run: bool
) -> str | None:
    """Where an import's new prospects went: to `owner`, else in a team's book to the
    pool; None in a book with no reps, where every prospect is its one rep's."""
    from funnel_tui.reps import has_reps

    if owner is None and not has_reps(storage.db):
        return None
    they = "The new prospect" if added == 1 else f"The {added:,} new prospects"
    went = "would go" if dry_run else "went"
    if owner is not None:
        return f"{they} {went} to {one_line(owner)}."
    return f"{they} {went} to the pool, for any rep to claim."


@cli.command()
@db_option
@click.argument("table", type=click.Choice(EXPORT_TABLES), required=False)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(EXPORT_FORMATS),
    default=None,
    help="csv or json (default: json for an -o FILE ending in .json, else csv).",
)
@click.option(
    "-o", "--output", type=FILE_PATH, help="File to write (default, or `-`: standard output)."
)
@click.option(
    "--prospect",
    "prospect_id",
    type=int,
    help="Everything stored about one prospect, as JSON (the right of access).",
)
def export(
    db_path: Path | None,
    table: str | None,
    file_format: str | None,
    output: Path | None,
    prospect_id: int | None,
) -> None:
    """Export prospects or calls (with each call's prospect and source) as CSV or JSON, or
    with --prospect ID one prospect's row, calls, notes, tasks, deals and emails as JSON."""
    if (table is None) == (prospect_id is None):
        raise click.UsageError("name what to export: prospects, calls, or --prospect ID")
    output = _or_standard_output(output)
    if prospect_id is not None:
        if file_format not in (None, "json"):
            raise click.UsageError("--prospect writes JSON only")
        _export_prospect(db_path, prospect_id, output)
        return
    assert table is not None
    file_format = file_format or _format_named_by(output)
    storage = open_db(db_path, read_only=True)
    if output is None:
        WRITERS[file_format](*export_rows(storage.db, table), for_the_screen(sys.stdout))
        return
    _refuse_overwriting_a_book(output, storage, "export")
    try:
        with _said_when_stopped("export", output):
            count = _export_with_progress(storage, table, file_format, output)
    except ExportFailed as error:
        raise UserError(str(error)) from None
    click.echo(
        one_line(f"Exported {counted(count, table.removesuffix('s'), table)} to {output}"), err=True
    )


def _format_named_by(output: Path | None) -> str:
    """The format a file's name asks for: JSON for `leads.json`, else CSV."""
    return "json" if output is not None and output.suffix.lower() == ".json" else "csv"


def _export_with_progress(storage: Any, table: str, file_format: str, output: Path) -> int:
    """Export `table` to `output`, with a bar of the rows written on a terminal (10,000,000
    calls take a minute and more)."""
    from rich.markup import escape

    from funnel_tui.progress_bar import export_progress, stderr_console

    console = stderr_console()
    with export_progress(console, table) as bar:
        # Counted only for a terminal: a pipe or a file shows no bar.
        total = export_total(storage.db, table) if console.is_terminal else None
        # The description is markup, and a file name may hold brackets and escapes.
        task = bar.add_task(f"Exporting to {escape(one_line(output.name))}", total=total)
        return export_to_file(
            storage.db,
            table,
            file_format,
            output,
            progress=lambda done: bar.update(task, completed=done),
        )


@contextmanager
def _said_when_stopped(what: str, output: Path) -> Iterator[None]:
    """Ctrl+c (or SIGTERM, SIGHUP) while a file is written whole or not at all, said as
    what it left: no file, the one there as it was, or, stopped as it was renamed into
    place, the whole new one."""
    before = _file_state(output)
    try:
        with stopped_as_by_ctrl_c():
            yield
    except KeyboardInterrupt:
        if _file_state(output) != before:
            left = "it was written whole"
        elif before is None:
            left = "no file was written"
        else:
            left = "the file there is as it was"
        raise UserError(f"{what} to {output} stopped: {left}") from None


def _file_state(path: Path) -> tuple[int, int, int] | None:
    """Which file is at `path`, and when it last changed; None for none."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


def _or_standard_output(output: Path | None) -> Path | None:
    """`-o -` is standard output, as for most tools, not a file named `-` (`./-` is)."""
    return None if output is not None and str(output) == "-" else output


def _refuse_overwriting_a_book(output: Path, storage: Any, purpose: str) -> None:
    """Refuse to write `purpose` over the open book, a file SQLite keeps beside it, or any
    other SQLite database (StorageError)."""
    if isinstance(storage, Storage):  # a team database keeps no file to overwrite
        refuse_database_files(output, storage.path, purpose)
    refuse_other_databases(output, purpose)


def _export_prospect(db_path: Path | None, prospect_id: int, output: Path | None) -> None:
    from funnel_tui.personal_data import prospect_record, write_record

    storage = open_db(db_path, read_only=True)
    record = prospect_record(storage.db, prospect_id)
    if record is None:
        raise UserError(f"no prospect with id {prospect_id}")
    if output is None:
        write_record(record, for_the_screen(sys.stdout))
        return
    _refuse_overwriting_a_book(output, storage, "export")
    try:
        write_whole_file(output, lambda out: write_record(record, out))
    except ExportFailed as error:
        raise UserError(str(error)) from None
    click.echo(one_line(f"Exported prospect {prospect_id} to {output}"), err=True)


def stdin_is_terminal() -> bool:
    """Whether someone at a terminal can answer a question."""
    return sys.stdin.isatty()


def confirm_for_good(yes: bool, *, doing: str, question: str, declined: str) -> None:
    """Ask before what cannot be undone, unless `--yes` was given: at a terminal the
    `question` (no answer, or `n`, says `declined` and exits 1); without a terminal nobody
    can answer, so one line says what `doing` would do and that it needs --yes."""
    if yes:
        return
    if not stdin_is_terminal():
        raise UserError(
            f"{doing} cannot be undone, so it asks first: run it in a terminal, or add --yes"
        )
    if not click.confirm(question, default=False):
        click.echo(declined, err=True)
        click.get_current_context().exit(1)


@cli.command()
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


@cli.command()
@db_option
@click.option(
    "-o", "--output", type=FILE_PATH, help="File to write (default, or `-`: standard output)."
)
@click.option(
    "--days",
    type=WholeNumber(1, 3650, "days"),
    default=30,
    show_default=True,
    help="Meetings and callbacks due by the end of this many days from today (overdue ones too).",
)
def calendar(db_path: Path | None, output: Path | None, days: int) -> None:
    """Write the open meetings and callbacks as an iCalendar file (in a team's book, those
    of your own prospects and the pool's); import it again after a change and the events
    update (stable UIDs), never doubled."""
    from funnel_tui.calendar_file import write_calendar  # icalendar is slow to import

    output = _or_standard_output(output)
    storage = open_db(db_path, read_only=True)
    now, rep = system_now(), own_rep(storage)
    if output is None:
        # As written: iCalendar's lines end in CR LF on every system.
        sys.stdout.flush()
        written = write_calendar(storage.db, now, days, sys.stdout.buffer, rep=rep)
    else:
        _refuse_overwriting_a_book(output, storage, "calendar")
        try:
            with _said_when_stopped("calendar", output):
                # Bytes under the text file: the lines end in CR LF as written.
                written = write_whole_file(
                    output, lambda out: write_calendar(storage.db, now, days, out.buffer, rep=rep)
                )
        except ExportFailed as error:
            raise UserError(str(error)) from None
        cancelled = f" and {written.cancelled:,} cancelled" if written.cancelled else ""
        events = counted(written.events, "meeting or callback", "meetings and callbacks")
        click.echo(f"Wrote {events}{cancelled} to {output}", err=True)
    if written.skipped:
        click.echo(
            f"funnel: left out {counted(written.skipped, 'task')} whose due time is no moment"
            " (`funnel check` lists them)",
            err=True,
        )


@cli.command()
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
    if damaged:
        # A copy to keep before trying to mend the book, not a good backup.
        click.echo(
            f"Copied {path} to {destination} as it is, damage included (`funnel check` lists"
            " it); this copy is no healthy backup"
        )
        return
    click.echo(f"Backed up {path} to {destination}")


@cli.command()
@db_option
@click.option(
    "--repair",
    is_flag=True,
    help="First put back funnel's triggers (missing or changed), work out again what they "
    "keep, build call_days and prospect_search again, set each prospect's next call "
    "from its tasks, and store in E.164 the phone numbers kept in another form (national "
    "ones read as phone_region's).",
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
    else:
        path = storage.path
        if repair:
            repair = repair_database(storage.db)
            put_back = (
                f"put back funnel's triggers {', '.join(repair.triggers)}; "
                if repair.triggers
                else ""
            )
            click.echo(
                f"{path}: {put_back}worked out again from calls, prospects and tasks: "
                f"{', '.join(repair.recomputed)}"
            )
            if repair.indexes:
                click.echo(f"{path}: made funnel's index {', '.join(repair.indexes)} again")
            if repair.phones:
                click.echo(
                    f"{path}: stored {counted(repair.phones, 'phone number')} in E.164 (national"
                    f" ones read as {repair.region} numbers)"
                )
            for flag, prospects in repair.flags_set_back.items():
                click.echo(
                    f"{path}: set {flag} back on {counted(prospects, 'prospect')}, as"
                    " flag_changes last recorded it"
                )
            for flag, prospects in repair.flags_recorded.items():
                click.echo(
                    f"{path}: recorded {flag} set on {counted(prospects, 'prospect')} in"
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
        click.echo(f"funnel: {path}: {problem}", err=True)
    if not problems:
        click.echo(f"{path}: ok")
    # Information, not a problem: a rep who set no timezone relies on them.
    if guesses and not damaged:
        for guess in timezone_guesses(path):
            click.echo(f"{path}: {guess}")
    elif not damaged and (guessed := count_timezone_guesses(path)):
        click.echo(
            f"{path}: {counted(guessed, 'timezone')} guessed from the phone number, not set by "
            "you; `funnel check --guesses` lists them"
        )
    if problems:
        click.get_current_context().exit(1)


# --- a team's book (PRODUCT 16) -----------------------------------------------------------


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


@cli.group("rep")
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


@cli.command()
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
    from funnel_tui.rep_names import is_reserved
    from funnel_tui.reps import RepError, require_rep

    if (to_rep is None) == (not pool):
        raise UserError("say where they go: --to REP or --pool")
    if to_rep is not None and is_reserved(to_rep):
        raise UserError(f"{to_rep!r} is no rep: the shared pool is --pool")
    if bool(prospect_ids) == (from_rep is not None):
        raise UserError("say which prospects: their ids, or --from REP for all of a rep's")
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


@cli.command("migrate-to")
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


def _team_report(
    storage: Storage,
    day: date,
    settings: Settings,
    *,
    period: str | None,
    as_json: bool,
    rep_name: str | None,
) -> None:
    """`funnel report --team` and `--rep NAME` (PRODUCT 16)."""
    from funnel_tui.reps import RepError, require_rep
    from funnel_tui.team_report import load_team_report

    try:
        only = None if rep_name is None else require_rep(storage.db, rep_name)
    except RepError as error:
        raise UserError(str(error)) from None
    # One snapshot, read again whole on a new connection if the server dropped this one.
    found = storage.retrying(
        lambda db: load_team_report(db, day, settings, period=period, only=only)
    )
    if not found.reps and found.team is None:
        raise UserError("this book has no reps yet: add them with: funnel rep add NAME")
    if as_json:
        click.echo(json.dumps(found.to_json(), indent=2))
        return
    from rich.console import Console

    from funnel_tui.team_table import team_table

    Console().print(team_table(found, settings.currency), crop=False)
