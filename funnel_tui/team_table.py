"""`funnel report --team` as a readable table: a line per rep (their target, won, pace and
what they did in the period) and the team's total, then the team's whole report; with
`--rep NAME`, that rep's line and their whole report."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from funnel_tui.money import NO_FIGURE, format_money
from funnel_tui.pace import Pace
from funnel_tui.report import STATUS_STYLES, pace_table
from funnel_tui.team_report import RepLine, TeamReport
from funnel_tui.text import one_line

# Short headers: the table fits 80 columns, the width it is printed at into a pipe.
HEADERS = ("rep", "target", "won", "%", "pace", "calls", "conn", "mtgs", "deals")
COUNTS = ("calls", "connects", "meetings_booked", "deals_won")


def _pace_cells(pace: Pace | None, currency: str, won_cents: int = 0) -> list[Text]:
    if pace is None:
        won = Text(format_money(won_cents, currency))
        return [Text("no target", "dim italic"), won, Text(NO_FIGURE), Text(NO_FIGURE)]
    attained = NO_FIGURE if pace.attainment is None else f"{pace.attainment:.0%}"
    return [
        Text(format_money(pace.target_cents, currency)),
        Text(format_money(pace.won_cents, currency)),
        Text(attained),
        Text(pace.status.replace("_", " "), STATUS_STYLES[pace.status]),
    ]


def _rep_row(line: RepLine, currency: str) -> list[Text]:
    return [
        Text(one_line(line.rep)),
        *_pace_cells(line.pace, currency, line.activity["won_cents"]),
        *(Text(str(line.activity[key])) for key in COUNTS),
    ]


def team_table(found: TeamReport, currency: str) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for number, header in enumerate(HEADERS):
        if number == 0:
            table.add_column(header, min_width=4, max_width=16, overflow="ellipsis", no_wrap=True)
        else:
            table.add_column(header, justify="right", no_wrap=True)
    for line in found.reps:
        table.add_row(*_rep_row(line, currency))
    parts: list[RenderableType] = [table]
    if found.one_rep:
        for line in found.reps:
            if line.pace is not None:
                title = Text(f"{one_line(line.rep)}'s report", "bold")
                parts += [title, pace_table(line.pace, currency)]
        return Group(*parts)
    if found.team is not None:
        # The team's own figures: also the calls of reps no longer in the team.
        figures = found.team.figures
        totals = {key: getattr(figures, key) if figures is not None else 0 for key in COUNTS}
        table.add_section()
        table.add_row(
            Text("team", "bold"),
            *_pace_cells(found.team, currency),
            *(Text(str(totals[key]), "bold") for key in COUNTS),
        )
        summed = " (the sum of the reps' targets: the team has none of its own)"
        parts += [
            Text(f"The team's report{summed if found.summed_target else ''}", "bold"),
            pace_table(found.team, currency),
        ]
    else:
        parts.append(
            Text("No team target covers this period: funnel target set AMOUNT (without --rep)")
        )
    return Group(*parts)
