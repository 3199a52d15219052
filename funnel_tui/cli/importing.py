"""`funnel import`: prospects from a CRM's CSV file, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path

import click

from funnel_tui.cli.book import (
    db_option,
    holds_nothing,
    made_by_the_command,
    open_db,
    remove_book,
)
from funnel_tui.cli.errors import UserError
from funnel_tui.cli.params import FILE_PATH
from funnel_tui.paths import default_db_path, user_scripts_dir
from funnel_tui.scripts import load_library
from funnel_tui.stop_signals import stopped_as_by_ctrl_c
from funnel_tui.store.sqlite import Storage
from funnel_tui.text import one_line
from funnel_tui.timestamps import system_now, to_stored


@click.command("import")
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
    # Imported as the command runs: `funnel --help`, which loads this module, needs none.
    import shutil
    import tempfile
    from functools import partial

    from rich.markup import escape

    from funnel_tui.importer import CsvUnreadable, import_prospects
    from funnel_tui.progress_bar import import_progress, stderr_console
    from funnel_tui.read_process import ReadingFailed
    from funnel_tui.reps import RepError, require_rep

    book = db_path or default_db_path()
    if dry_run and isinstance(book, Path) and _no_book_yet(book):
        # A dry run writes nothing, not even a new book (nor one in an empty file): the
        # file is read as into one in a folder of its own, which goes when the command
        # ends.
        folder = Path(tempfile.mkdtemp(prefix="funnel-dry-run-"))
        click.get_current_context().call_on_close(partial(shutil.rmtree, folder, True))
        storage = open_db(folder / book.name)
        click.echo(one_line(f"No book at {book} yet: the file is read as into a new one"))
    else:
        storage = open_db(db_path)
    with _removed_if_left_empty(storage) if made_by_the_command(storage) else nullcontext():
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
        if not report.rows_read:
            # A script can tell this from an import that did what it was asked.
            click.echo(one_line(f"funnel: {file} has no rows after its header"), err=True)
        elif report.rejected and report.rows_read == len(report.rejected):
            click.echo(one_line(f"funnel: {file}: every row was rejected"), err=True)
        elif not (report.rejected and not skip_invalid):
            return
        click.get_current_context().exit(1)


def _no_book_yet(book: Path) -> bool:
    """Whether `book` holds no book yet: no file, or an empty one (which opening it would
    make a book of)."""
    try:
        return book.expanduser().stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError:  # said as the book is opened
        return False


@contextmanager
def _removed_if_left_empty(storage: Storage) -> Iterator[None]:
    """A book the import made goes again when the import leaves it holding no prospect
    (an error, rows refused or stopped; a file of no rows, or of rejected rows alone): a
    mistyped --db leaves no empty book to be opened by mistake later."""
    try:
        yield
    finally:
        if holds_nothing(storage):
            remove_book(storage)


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
