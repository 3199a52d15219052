"""`funnel report`: a rep's quota, pace and activity, or a team's."""

from __future__ import annotations

import json
import shlex
from datetime import date, datetime
from pathlib import Path

import click

from funnel_tui.cli.book import db_option, open_db, own_rep, settings_said
from funnel_tui.cli.errors import UserError
from funnel_tui.cli.params import BOOK_DAY
from funnel_tui.counted import listed
from funnel_tui.domain import PERIOD_KINDS
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import Storage
from funnel_tui.timestamps import system_now


@click.command()
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
    # Imported as the command runs: `funnel --help`, which loads this module, needs none.
    from funnel_tui.pace import load_pace, skipped_note, target_kinds, unreadable_targets

    day = today.date() if today else system_now().date()
    storage = open_db(db_path, read_only=True)
    settings = settings_said(storage.db)
    if day > system_now().date():
        click.echo(
            f"funnel: {day} is still to come: the figures count what is logged so far,"
            " as if nothing more were done by then",
            err=True,
        )
    if team or rep_name is not None:
        _team_report(storage, day, settings, period=period, as_json=as_json, rep_name=rep_name)
        return
    try:
        rep = own_rep(storage)
    except UserError as error:
        # A manager reads a team's book without being a rep of it.
        raise UserError(f"{error}; or read every rep's with funnel report --team") from None
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
        # Wrapped at the width the table takes (80 columns when piped), as the table is.
        console.print(
            f"The {pace.period}'s target is shown; {also} (funnel report {asks}).",
            markup=False,
            highlight=False,
        )


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
