"""`funnel report --team` as a readable table: a line per rep (their target, won, pace and
what they did in the period) and the team's total, then the team's whole report; with
`--rep NAME`, that rep's line and their whole report (with or without a target of their
own)."""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from funnel_tui.money import NO_FIGURE, format_money, percent_text
from funnel_tui.pace import Pace
from funnel_tui.report import pace_table, status_text
from funnel_tui.team_report import RepLine, TeamReport
from funnel_tui.text import one_line

# Short headers: the table fits 80 columns, the width it is printed at into a pipe.
HEADERS = ("rep", "target", "won", "%", "pace", "calls", "conn", "mtgs", "deals")
# Rules under the headers and over the team's total, as a sum is drawn; rich's
# SIMPLE_HEAD left a line of spaces over the total.
TEAM_TABLE_BOX = box.Box("    \n    \n ── \n    \n ── \n ── \n    \n    \n")
COUNTS = ("calls", "connects", "meetings_booked", "deals_won")
# The names' column is this wide at least where there is room (`former` and `no rep`
# whole), as wide as the longest name up to the last, and as narrow as the next when room
# is short.
NAME_CELLS = 16
MAX_NAME_CELLS = 40
MIN_NAME_CELLS = 6


def _pace_cells(pace: Pace, currency: str) -> list[Text]:
    won = Text(format_money(pace.won_cents, currency))
    if pace.target_cents is None:
        return [Text("no target", "dim italic"), won, Text(NO_FIGURE), Text(NO_FIGURE)]
    attained = percent_text(pace.won_cents, pace.target_cents)
    return [
        Text(format_money(pace.target_cents, currency)),
        won,
        Text(attained),
        status_text(pace.status),
    ]


def _rep_row(line: RepLine, currency: str) -> list[Text]:
    return [
        Text(one_line(line.rep)),
        *_pace_cells(line.pace, currency),
        *(Text(f"{line.activity[key]:,}") for key in COUNTS),
    ]


def _outside_row(label: str, counts: dict[str, int], currency: str) -> list[Text]:
    """What the team's figures count outside the reps' lines: what reps no longer in the
    team did (`former`), or what was logged with no rep (`no rep`)."""
    return [
        Text(label, "dim italic"),
        Text(""),
        Text(format_money(counts["won_cents"], currency), "dim"),
        Text(""),
        Text(""),
        *(Text(f"{counts[key]:,}", "dim") for key in COUNTS),
    ]


def _team_row(team: Pace, currency: str) -> list[Text]:
    # The team's own figures: also what reps no longer in the team did.
    figures = team.figures
    totals = {key: getattr(figures, key) if figures is not None else 0 for key in COUNTS}
    return [
        Text("team", "bold"),
        *_pace_cells(team, currency),
        *(Text(f"{totals[key]:,}", "bold") for key in COUNTS),
    ]


class _Lines:
    """The lines, each figure whole: a name is what shortens when the table is too wide
    for where it is printed (a pipe's 80 columns), never a figure, and never so far that
    two reps' names read alike."""

    def __init__(self, rows: list[list[Text]], team_row: list[Text] | None) -> None:
        self.rows = rows
        self.team_row = team_row

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        unbounded = options.update_width(10**4)
        longest = max((row[0].cell_len for row in self.rows), default=0)
        widest = min(max(longest, NAME_CELLS), MAX_NAME_CELLS)
        if not self._names_apart(widest):
            widest = longest  # names that differ only past MAX_NAME_CELLS: whole
        whole = self._table(widest)
        whole_width = console.measure(whole, options=unbounded).maximum
        if whole_width <= options.max_width and self._names_apart(widest):
            yield whole
            return
        for name_cells in range(widest - 1, MIN_NAME_CELLS - 1, -1):
            # Two reps whose names cut alike (`alexandra-johns…` twice) read as one.
            if not self._names_apart(name_cells):
                break
            table = self._table(name_cells)
            if console.measure(table, options=unbounded).maximum <= options.max_width:
                yield table
                return
        # Too narrow for the figures even with names cut short: every column and whole
        # names, in lines as long as they need (a terminal wraps them).
        yield from console.render(whole, options.update_width(whole_width))

    def _names_apart(self, name_cells: int) -> bool:
        """Whether every rep's name, cut to `name_cells`, still differs from the others'."""
        names = [row[0].plain for row in self.rows]
        cut = set()
        for row in self.rows:
            name = row[0].copy()
            name.truncate(name_cells, overflow="ellipsis")
            cut.add(name.plain)
        return len(cut) == len(set(names))

    def _table(self, name_cells: int) -> Table:
        table = Table(box=TEAM_TABLE_BOX, pad_edge=False, show_edge=False)
        every_row = [*self.rows, *([self.team_row] if self.team_row else [])]
        for number, header in enumerate(HEADERS):
            if number == 0:
                table.add_column(
                    header,
                    min_width=MIN_NAME_CELLS,
                    max_width=name_cells,
                    overflow="ellipsis",
                    no_wrap=True,
                )
                continue
            widest = max((row[number].cell_len for row in every_row), default=0)
            table.add_column(
                header, justify="right", no_wrap=True, min_width=max(widest, len(header))
            )
        for row in self.rows:
            table.add_row(*row)
        if self.team_row is not None:
            table.add_section()
            table.add_row(*self.team_row)
        return table


def _other_periods(found: TeamReport, team: Pace) -> list[Text]:
    """A note for each rep whose line is of their own target's period, not the team's."""
    period = (team.starts_on, team.ends_on)
    return [
        Text(
            f"{one_line(line.rep)}'s line is of their own target's period: {line.pace.period_name}"
            f" ({line.pace.starts_on} to {line.pace.ends_on})",
            "dim",
        )
        for line in found.reps
        if (line.pace.starts_on, line.pace.ends_on) != period
    ]


def team_table(found: TeamReport, currency: str) -> RenderableType:
    rows = [_rep_row(line, currency) for line in found.reps]
    if found.one_rep:
        parts: list[RenderableType] = [_Lines(rows, None)]
        for line in found.reps:
            title = Text(f"{one_line(line.rep)}'s report", "bold")
            if line.pace.target_cents is None:
                title.append(" (no target of their own)", "dim")
            parts += [title, pace_table(line.pace, currency)]
        return Group(*parts)
    if found.former_reps is not None:
        rows.append(_outside_row("former", found.former_reps, currency))
    if found.no_rep is not None:
        rows.append(_outside_row("no rep", found.no_rep, currency))
    if found.team is None:
        return Group(
            _Lines(rows, None),
            Text("No team target covers this period: funnel target set AMOUNT (without --rep)"),
        )
    summed = " (the sum of the reps' targets: the team has none of its own)"
    return Group(
        _Lines(rows, _team_row(found.team, currency)),
        *_other_periods(found, found.team),
        Text(f"The team's report{summed if found.summed_target else ''}", "bold"),
        pace_table(found.team, currency),
    )
