"""`funnel calendar`: the open meetings and callbacks as an iCalendar file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from funnel_tui.cli.book import db_option, open_db, own_rep
from funnel_tui.cli.errors import UserError
from funnel_tui.cli.output import or_standard_output, refuse_overwriting_a_book, said_when_stopped
from funnel_tui.cli.params import FILE_PATH, WholeNumber
from funnel_tui.counted import counted
from funnel_tui.exporter import ExportFailed, write_whole_file
from funnel_tui.text import shown_path
from funnel_tui.timestamps import system_now


@click.command()
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

    output = or_standard_output(output)
    storage = open_db(db_path, read_only=True)
    now, rep = system_now(), own_rep(storage)
    if output is None:
        # As written: iCalendar's lines end in CR LF on every system.
        sys.stdout.flush()
        written = write_calendar(storage.db, now, days, sys.stdout.buffer, rep=rep)
    else:
        refuse_overwriting_a_book(output, storage, "calendar")
        try:
            with said_when_stopped("calendar", output):
                # Bytes under the text file: the lines end in CR LF as written.
                written = write_whole_file(
                    output, lambda out: write_calendar(storage.db, now, days, out.buffer, rep=rep)
                )
        except ExportFailed as error:
            raise UserError(str(error)) from None
        cancelled = f" and {written.cancelled:,} cancelled" if written.cancelled else ""
        events = counted(written.events, "meeting or callback", "meetings and callbacks")
        click.echo(f"Wrote {events}{cancelled} to {shown_path(output)}", err=True)
    if written.skipped:
        click.echo(
            f"funnel: left out {counted(written.skipped, 'task')} whose due time is no moment"
            " (`funnel check` lists them)",
            err=True,
        )
