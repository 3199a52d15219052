"""`funnel report` as a readable table: the quota figures, a small burn-up when the terminal
has room for it, then conversion by method and source; and the pipeline in detail, as the
pace screen shows it.

Laid out for the width it is printed at (80 columns when piped): names and headers
shorten to fit, figures never do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from fractions import Fraction

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from funnel_tui.burnup import BurnUp
from funnel_tui.charts import burnup_caption, draw_burnup
from funnel_tui.domain import BUILTIN_METHODS
from funnel_tui.foreign_values import MARK
from funnel_tui.manager_report import ManagerReport, rate_text
from funnel_tui.money import NO_FIGURE, format_money, percent_text, round_half_up
from funnel_tui.pace import Breakdown, Pace, skipped_note
from funnel_tui.pipeline import Pipeline
from funnel_tui.text import one_line

STATUS_STYLES = {"ahead": "bold green", "on_track": "bold yellow", "behind": "bold red"}
METHOD_NAMES = {method.value: method.name for method in BUILTIN_METHODS}

# Each figure column of a breakdown: its header, the shorter one used when the full ones
# leave the names too little room, and what it shows. Every rate has its counts beside it.
Column = tuple[str, str, Callable[[Breakdown, str], str]]
LEADS: Column = ("leads", "leads", lambda row, _: f"{row.leads:,}")
REACHED: Column = ("reached", "reach", lambda row, _: f"{row.reached:,}")
CONNECT_RATE: Column = (
    "connect rate",
    "conn.",
    lambda row, _: rate_text(row.connects, row.calls),
)
MEETINGS: Column = ("meetings", "mtgs", lambda row, _: f"{row.meetings:,}")
MEETING_RATE: Column = (
    "meeting rate",
    "mtg rate",
    lambda row, _: rate_text(row.meeting_leads, row.reached),
)
WON: Column = ("won", "won", lambda row, _: f"{row.won:,}")
WIN_RATE: Column = ("win rate", "win", lambda row, _: rate_text(row.won_leads, row.decided_leads))
AMOUNT: Column = (
    "won amount",
    "amount",
    lambda row, currency: format_money(row.won_cents, currency),
)
# A method does not make a phone ring: its table leaves the connect rate out.
METHOD_COLUMNS = (LEADS, REACHED, MEETINGS, MEETING_RATE, WON, WIN_RATE, AMOUNT)
SOURCE_COLUMNS = (LEADS, REACHED, CONNECT_RATE, MEETINGS, MEETING_RATE, WON, WIN_RATE, AMOUNT)
# A name is cut (with an ellipsis) to no fewer cells than this.
MIN_NAME_WIDTH = 10
# ...unless the figures need the room: then to as few as this (`Inbo…`).
NARROWEST_NAME_WIDTH = 5
# Between two columns of a breakdown: a cell of padding each side of a blank rule, or,
# when the figures need the room, only the padding on the right.
COLUMN_GAP = 3
TIGHT_COLUMN_GAP = 2
# Between the labels and the figures at the top.
LABEL_GAP = 2
# The report's burn-up: as wide as the narrowest terminal it is drawn on, and drawn only
# on a terminal tall enough to show it whole beside a screenful of figures.
BURNUP_COLUMNS = 80
BURNUP_ROWS = 12
BURNUP_MIN_TERMINAL_ROWS = 2 * BURNUP_ROWS
# As box.SIMPLE_HEAD, with a rule above the footer too (the pipeline's totals).
HEAD_AND_FOOT_RULES = box.Box("    \n    \n ── \n    \n    \n ── \n    \n    \n")


def breakdown_table(
    title: str,
    rows: tuple[Breakdown, ...],
    currency: str,
    *,
    width: int,
    columns: tuple[Column, ...] = SOURCE_COLUMNS,
) -> RenderableType:
    """Leads, reach, meetings and wins per selling method or lead source, each rate with
    its counts, in `width` cells when the figures leave room for names of at least
    NARROWEST_NAME_WIDTH. When they do not (a year of a large book at 80 columns), the
    columns go in bands one under the other, the fewest that fit, of as many columns
    each as can be, every band with the names cut alike: a figure is never cut, and no
    line is wider than `width` unless one column alone is."""
    names = [one_line(METHOD_NAMES.get(row.name, row.name)) for row in rows]
    figures = [tuple(cell(row, currency) for _, _, cell in columns) for row in rows]
    figure_widths = [
        max((cell_len(line[column]) for line in figures), default=1)
        for column in range(len(columns))
    ]
    name_width = max((cell_len(name) for name in names), default=1)
    for count in range(1, len(columns) + 1):
        size = -(-len(columns) // count)
        bands = [
            range(start, min(start + size, len(columns))) for start in range(0, len(columns), size)
        ]
        layouts = [
            _layout(
                tuple(columns[index] for index in band),
                [figure_widths[index] for index in band],
                name_width,
                width,
            )
            for band in bands
        ]
        if all(fits for _, fits in layouts):
            break
    # The names cut alike in every band: as the band with the least room cuts them.
    shown_name_width = min(layout[2] for layout, _ in layouts)
    tables = [
        _band_table(
            title if number == 0 else f"{title}, continued",
            names,
            [tuple(line[index] for index in band) for line in figures],
            layout,
            shown_name_width,
        )
        for number, (band, (layout, _)) in enumerate(zip(bands, layouts, strict=True))
    ]
    if len(tables) == 1:
        return tables[0]
    spaced: list[RenderableType] = []
    for table in tables:
        spaced += [Text(), table] if spaced else [table]
    return Group(*spaced)


def _band_table(
    title: str,
    names: list[str],
    figures: list[tuple[str, ...]],
    layout: Layout,
    name_width: int,
) -> Table:
    headers, gap, _, widths = layout
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1) if gap == COLUMN_GAP else (0, 1, 0, 0),
        # Exactly the columns' widths: never squeezed to the terminal, so no figure is cut.
        width=name_width + sum(widths) + gap * len(headers),
    )
    table.add_column("", width=name_width, no_wrap=True, overflow="ellipsis")
    for header, size in zip(headers, widths, strict=True):
        table.add_column(header, width=size, justify="right", no_wrap=True)
    for name, line in zip(names, figures, strict=True):
        # A str cell would be read as markup, and names and the currency are user text.
        table.add_row(Text(name), *map(Text, line))
    return table


Layout = tuple[tuple[str, ...], int, int, list[int]]


def _layout(
    columns: tuple[Column, ...], figure_widths: list[int], name_width: int, width: int
) -> tuple[Layout, bool]:
    """The roomiest layout of the columns that fits `width`, and True: full headers when
    every name fits whole, else short headers, then narrower gaps, with names cut to no
    fewer than MIN_NAME_WIDTH cells, then to NARROWEST_NAME_WIDTH (a figure is never the
    one cut). When none fits, the narrowest, and False."""
    full_headers = tuple(full for full, _, _ in columns)
    short_headers = tuple(short for _, short, _ in columns)
    shortest_name = min(name_width, MIN_NAME_WIDTH)
    layouts = (
        (full_headers, COLUMN_GAP, name_width),
        (short_headers, COLUMN_GAP, shortest_name),
        (short_headers, TIGHT_COLUMN_GAP, shortest_name),
        (short_headers, TIGHT_COLUMN_GAP, min(name_width, NARROWEST_NAME_WIDTH)),
    )
    for headers, gap, fewest_name_cells in layouts:
        widths = [
            max(size, cell_len(header)) for size, header in zip(figure_widths, headers, strict=True)
        ]
        room = width - sum(widths) - gap * len(headers)
        if room >= fewest_name_cells:
            return (headers, gap, max(min(name_width, room), fewest_name_cells), widths), True
    return (headers, gap, fewest_name_cells, widths), False


class PaceReport:
    """The figures of PRODUCT section 9, one per line, then the two breakdowns, laid out
    for the width they are rendered at (the terminal's, or the pace screen's).

    With `pipeline_detail` (the pace screen) the pipeline's lines make way for its own
    section, by stage and by expected close, before the breakdowns. With a `burnup` the
    chart follows the figures.
    """

    def __init__(
        self,
        pace: Pace,
        currency: str,
        *,
        pipeline_detail: bool = False,
        burnup: BurnUp | None = None,
        pipeline_now: bool = False,
    ) -> None:
        self.pace = pace
        self.currency = currency
        self.pipeline_detail = pipeline_detail
        self.burnup = burnup
        self.pipeline_now = pipeline_now
        # The lines laid out for each width: a screen renders the report several times
        # at one width while it lays itself out, and the tables are the slow part.
        self._lines: dict[int, list[list[Segment]]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if width not in self._lines:
            # Split, never cropped: a table wider than a narrow terminal wraps there.
            self._lines[width] = list(
                Segment.split_lines(console.render(Group(*self._parts(width)), options))
            )
        for line in self._lines[width]:
            yield from line
            yield Segment.line()

    def _parts(self, width: int) -> Iterator[RenderableType]:
        detail = self.pipeline_detail and self.pace.pipeline is not None
        yield figures_table(
            self.pace, self.currency, pipeline_rows=not detail, pipeline_now=self.pipeline_now
        )
        yield Text()
        if self.burnup is not None and self.burnup.days:
            yield burnup_caption(self.pace, self.burnup, self.currency)
            yield burnup_chart(self.burnup, self.currency)
            yield Text()
        if detail:
            yield PipelineReport(self.pace, self.currency)
            yield Text()
        if self.pace.figures is not None:
            yield ManagerReport(self.pace, self.currency)
            yield Text()
        yield breakdown_table(
            "By selling method",
            self.pace.by_method,
            self.currency,
            width=width,
            columns=METHOD_COLUMNS,
        )
        yield Text()
        yield breakdown_table("By lead source", self.pace.by_source, self.currency, width=width)


def figures_table(
    pace: Pace, currency: str, *, pipeline_rows: bool = True, pipeline_now: bool = False
) -> Table:
    """Label and figure, one per line; always as wide as the longest of each. With
    `pipeline_now` (a report as of a day gone by) the pipeline's lines say they are of
    now: the open opportunities are those of the moment (PRODUCT 9b), and coverage sets
    them against what was left to win on that day. Without a target (a team's rep
    without one of their own) the figures measured against one are dashes."""
    money = lambda cents: format_money(cents, currency)  # noqa: E731
    # A figure measured against the target: a dash without one.
    against = lambda cents: NO_FIGURE if cents is None else money(cents)  # noqa: E731
    gap = pace.pace_gap_cents
    rows = (
        ("period", Text(f"{pace.period_name} ({pace.starts_on} to {pace.ends_on})")),
        ("as of", Text(pace.today.isoformat())),
        ("target", Text(against(pace.target_cents))),
        ("won", Text(money(pace.won_cents))),
        ("attainment", Text(percent_text(pace.won_cents, pace.target_cents, 1))),
        ("business days", Text(f"{pace.business_days} ({pace.elapsed_business_days} elapsed)")),
        ("days remaining", Text(str(pace.remaining_business_days))),
        ("expected to date", Text(against(pace.expected_to_date_cents))),
        # Signed as the gauge says it: +$18,000 ahead of where the rep should be.
        ("pace gap", Text(("+" if gap is not None and gap > 0 else "") + against(gap))),
        ("status", status_text(pace.status)),
        # With no business day left the whole gap is needed at once, as the gauge says.
        (
            "needed per day" if pace.remaining_business_days else "needed now",
            Text(against(pace.needed_per_day_cents)),
        ),
        ("projection", Text(money(pace.projection_cents))),
        ("calls today", Text(calls_against_goal(pace))),
    )
    if pace.pipeline is not None and pipeline_rows:
        pipeline = pace.pipeline
        now = " (now)" if pipeline_now else ""
        rows += (
            (f"pipeline{now}", Text(f"{money(pipeline.pipeline_cents)} ({pipeline.count:,} open)")),
            (f"weighted pipeline{now}", Text(money(pipeline.weighted_pipeline_cents))),
            (
                "coverage (pipeline now)" if pipeline_now else "coverage",
                Text(coverage_text(pace, currency)),
            ),
        )
    if pace.skipped:
        rows += (("skipped", Text(skipped_note(pace.skipped))),)
    label_width = max(cell_len(label) for label, _ in rows)
    value_width = max(value.cell_len for _, value in rows)
    figures = Table.grid(padding=(0, LABEL_GAP))
    figures.width = label_width + LABEL_GAP + value_width
    figures.add_column(style="dim", width=label_width, no_wrap=True)
    figures.add_column(justify="right", width=value_width, no_wrap=True)
    for label, value in rows:
        # Text, not str: a str cell would be read as markup, and the currency is user text.
        figures.add_row(label, value)
    return figures


def status_text(status: str | None) -> Text:
    """`on track` in its colour; a dash without a target."""
    if status is None:
        return Text(NO_FIGURE)
    return Text(status.replace("_", " "), STATUS_STYLES[status])


def pace_table(
    pace: Pace,
    currency: str,
    *,
    pipeline_detail: bool = False,
    burnup: BurnUp | None = None,
    pipeline_now: bool = False,
) -> RenderableType:
    """`funnel report` and the pace screen: the same figures, fitted to where they show;
    `pipeline_now` for a report as of a day gone by (figures_table)."""
    return PaceReport(
        pace, currency, pipeline_detail=pipeline_detail, burnup=burnup, pipeline_now=pipeline_now
    )


def burnup_fits(console: Console) -> bool:
    """Whether `funnel report` draws its burn-up: on a terminal with room for it whole,
    never into a pipe or a file (that output stays plain text)."""
    return (
        console.is_terminal
        and console.width >= BURNUP_COLUMNS
        and console.height >= BURNUP_MIN_TERMINAL_ROWS
    )


def burnup_chart(burnup: BurnUp, currency: str) -> Text:
    """The burn-up as BURNUP_COLUMNS x BURNUP_ROWS cells of text, drawn by plotext."""
    import plotext

    plotext.clf()
    plotext.plotsize(BURNUP_COLUMNS, BURNUP_ROWS)
    # No background colours of its own: the terminal's show through.
    plotext.theme("clear")
    draw_burnup(plotext, burnup, currency)
    return Text.from_ansi(plotext.build().rstrip("\n"), no_wrap=True)


def ratio_text(ratio: Fraction) -> str:
    """`2.35x`, rounded half up to two decimals."""
    return f"{Decimal(round_half_up(ratio * 100)) / 100:,.2f}x"


def calls_against_goal(pace: Pace) -> str:
    """Calls today against the daily call goal; a goal of 0 is none (`49 of 0` would
    read as far over one)."""
    if not pace.calls_per_day:
        return f"{pace.calls_today:,} (no daily goal)"
    return f"{pace.calls_today:,} of {pace.calls_per_day:,}"


def coverage_text(pace: Pace, currency: str) -> str:
    """The weighted pipeline as a multiple of what is still to win."""
    if pace.remaining_cents is None:
        return f"{NO_FIGURE} (no target)"
    ratio = pace.coverage_ratio
    if ratio is None:
        return f"{NO_FIGURE} (nothing left to win)"
    return f"{ratio_text(ratio)} of {format_money(pace.remaining_cents, currency)} left to win"


class PipelineReport:
    """The pipeline by stage (count, value, weighted value), its coverage of what is
    still to win, and the opportunities expected to close soonest."""

    def __init__(self, pace: Pace, currency: str) -> None:
        self.pace = pace
        self.currency = currency

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        pipeline = self.pace.pipeline
        if pipeline is None:
            return
        yield stages_table(pipeline, self.currency)
        yield Text.assemble(("coverage: ", "dim"), coverage_text(self.pace, self.currency))
        yield closing_text(pipeline, self.currency)
        yield Text()
        if pipeline.soonest:
            yield soonest_table(pipeline, self.pace.today, self.currency)
        else:
            yield Text("No open opportunity has an expected close date.", "italic")


def stages_table(pipeline: Pipeline, currency: str) -> Table:
    """Count, value and weighted value by stage, with the totals below a rule."""
    table = Table(
        title="Pipeline",
        title_justify="left",
        title_style="bold",
        box=HEAD_AND_FOOT_RULES,
        show_edge=False,
        pad_edge=False,
        show_footer=True,
        footer_style="bold",
    )
    totals = (
        f"{pipeline.count:,}",
        format_money(pipeline.pipeline_cents, currency),
        # Rounded once, on the exact total: it may differ by a cent from the stages' sum.
        format_money(pipeline.weighted_pipeline_cents, currency),
    )
    table.add_column("stage (weight)", footer="total", no_wrap=True)
    for header, total in zip(("open", "value", "weighted"), totals, strict=True):
        # Text: the currency is user text, never markup.
        table.add_column(header, footer=Text(total), justify="right", no_wrap=True)
    for stage in pipeline.by_stage:
        table.add_row(
            Text(f"{stage.stage} ({stage.weight}%)"),
            Text(f"{stage.count:,}"),
            Text(format_money(stage.cents, currency)),
            Text(format_money(stage.weighted_cents, currency)),
        )
    return table


def closing_text(pipeline: Pipeline, currency: str) -> Text:
    """What is expected to close by the end of the period, and what has no date."""
    closing = (
        f"{pipeline.closing_count:,} worth {format_money(pipeline.closing_cents, currency)}"
        f" (weighted {format_money(pipeline.closing_weighted_cents, currency)})"
        if pipeline.closing_count
        else "none"
    )
    text = Text.assemble((f"closing by {pipeline.closing_by}: ", "dim"), closing)
    if pipeline.overdue:
        text.append(f", {pipeline.overdue:,} overdue", "red")
    if pipeline.undated:
        text.append(f"; {pipeline.undated:,} without a close date")
    return text


def soonest_table(pipeline: Pipeline, today: date, currency: str) -> Table:
    table = Table(
        title="Closing soonest",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("name", ratio=1, min_width=MIN_NAME_WIDTH, no_wrap=True, overflow="ellipsis")
    table.add_column("stage", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("expected close", no_wrap=True)
    for opportunity in pipeline.soonest:
        overdue = opportunity.expected_close_on < today
        table.add_row(
            # Text: a name is user text, never markup.
            Text(MARK if opportunity.name is None else one_line(opportunity.name)),
            Text(opportunity.stage),
            Text(format_money(opportunity.cents, currency)),
            Text.assemble(
                (opportunity.expected_close_on.isoformat(), "red" if overdue else ""),
                (" overdue" if overdue else "", "red"),
            ),
        )
    return table
