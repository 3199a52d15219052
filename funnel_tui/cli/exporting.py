"""`funnel export`: prospects or calls as CSV or JSON, or everything kept about one prospect."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from funnel_tui.cli.book import db_option, open_db
from funnel_tui.cli.errors import UserError
from funnel_tui.cli.output import or_standard_output, refuse_overwriting_a_book, said_when_stopped
from funnel_tui.cli.params import FILE_PATH
from funnel_tui.counted import counted
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
from funnel_tui.text import one_line


@click.command()
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
    output = or_standard_output(output)
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
    refuse_overwriting_a_book(output, storage, "export")
    try:
        with said_when_stopped("export", output):
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


def _export_prospect(db_path: Path | None, prospect_id: int, output: Path | None) -> None:
    from funnel_tui.personal_data import prospect_record, write_record

    storage = open_db(db_path, read_only=True)
    record = prospect_record(storage.db, prospect_id)
    if record is None:
        raise UserError(f"no prospect with id {prospect_id}")
    if output is None:
        write_record(record, for_the_screen(sys.stdout))
        return
    refuse_overwriting_a_book(output, storage, "export")
    try:
        write_whole_file(output, lambda out: write_record(record, out))
    except ExportFailed as error:
        raise UserError(str(error)) from None
    click.echo(one_line(f"Exported prospect {prospect_id} to {output}"), err=True)
