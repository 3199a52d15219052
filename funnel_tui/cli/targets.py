"""`funnel target set` and `funnel target list`."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click

from funnel_tui.cli.book import db_option, group_db_option, open_db
from funnel_tui.cli.errors import UserError
from funnel_tui.cli.params import BOOK_DAY, VALUES_MAY_START_WITH_DASH, WholeNumber
from funnel_tui.domain import PERIOD_KINDS
from funnel_tui.money import AmountError, format_money, parse_amount
from funnel_tui.settings import MAX_CALLS_PER_DAY, load_settings
from funnel_tui.text import one_line
from funnel_tui.timestamps import system_now


@click.group()
@group_db_option
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
