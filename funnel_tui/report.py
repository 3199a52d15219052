"""`funnel report` as a readable table: the quota figures, then conversion by method and source."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from funnel_tui.domain import BUILTIN_METHODS
from funnel_tui.money import format_money
from funnel_tui.pace import Breakdown, Pace, skipped_note
from funnel_tui.text import one_line

STATUS_STYLES = {"ahead": "bold green", "on_track": "bold yellow", "behind": "bold red"}
METHOD_NAMES = {method.value: method.name for method in BUILTIN_METHODS}


def breakdown_table(title: str, rows: tuple[Breakdown, ...], currency: str) -> Table:
    """Calls, connects, meetings and wins per selling method or lead source."""
    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
    table.add_column("", no_wrap=True)
    for column in ("calls", "connects", "rate", "meetings", "won", "conv.", "won amount"):
        table.add_column(column, justify="right", no_wrap=True)
    for row in rows:
        table.add_row(
            Text(one_line(METHOD_NAMES.get(row.name, row.name))),
            str(row.calls),
            str(row.connects),
            f"{row.connect_rate:.0%}",
            str(row.meetings),
            str(row.won),
            f"{row.conversion:.1%}",
            Text(format_money(row.won_cents, currency)),
        )
    return table


def pace_table(pace: Pace, currency: str) -> RenderableType:
    """The figures of PRODUCT section 9, one per line, then the two breakdowns."""
    money = lambda cents: format_money(cents, currency)  # noqa: E731
    figures = Table.grid(padding=(0, 2))
    figures.add_column(style="dim")
    figures.add_column(justify="right")
    rows = (
        ("period", f"{pace.period_name} ({pace.starts_on} to {pace.ends_on})"),
        ("as of", pace.today.isoformat()),
        ("target", money(pace.target_cents)),
        ("won", money(pace.won_cents)),
        ("attainment", f"{pace.attainment:.1%}"),
        ("business days", f"{pace.business_days} ({pace.elapsed_business_days} elapsed)"),
        ("remaining", str(pace.remaining_business_days)),
        ("expected to date", money(pace.expected_to_date_cents)),
        ("pace gap", money(pace.pace_gap_cents)),
        ("status", Text(pace.status.replace("_", " "), STATUS_STYLES[pace.status])),
        ("needed per day", money(pace.needed_per_day_cents)),
        ("projection", money(pace.projection_cents)),
        ("calls today", f"{pace.calls_today} of {pace.calls_per_day}"),
    )
    if pace.skipped:
        rows += (("skipped", skipped_note(pace.skipped)),)
    for label, value in rows:
        # A str cell would be read as markup, and the currency symbol is user text.
        figures.add_row(label, value if isinstance(value, Text) else Text(value))
    return Group(
        figures,
        Text(),
        breakdown_table("By selling method", pace.by_method, currency),
        breakdown_table("By lead source", pace.by_source, currency),
    )
