"""What a sales manager reads in `funnel report` (PRODUCT 9b): activity and results with the
counts beside each rate, why deals were lost, who went back to nurture, and the plan that
closes the gap, in plain words when calling alone cannot.

Laid out for the width it is rendered at; figures are never cut, lists wrap between items.
"""

from __future__ import annotations

from fractions import Fraction

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from funnel_tui.clocks import duration_text
from funnel_tui.counted import counted
from funnel_tui.manager_figures import HISTORY, OPEN_PIPELINE, ManagerFigures, Plan
from funnel_tui.money import NO_FIGURE, format_money, percent_text, round_half_up
from funnel_tui.pace import Pace
from funnel_tui.text import one_line

# Between the labels and the figures.
LABEL_GAP = 2
# Between two items of a wrapped list.
ITEM_GAP = " · "
LOST_REASON_LABELS = {"no_need": "no need", "no_authority": "no authority"}
# A source's name in a list is cut (with an ellipsis) to this many cells.
MAX_LISTED_NAME = 20

# Where each of the plan's figures comes from, as the table says it.
ORIGINS = {HISTORY: "last 90 days", OPEN_PIPELINE: "median of open opportunities"}


def rate_text(part: int, whole: int) -> str:
    """`3/41 7%`: the counts, then the share rounded half up; a dash over nothing."""
    if not whole:
        return NO_FIGURE
    return f"{part:,}/{whole:,} {percent_text(part, whole)}"


def listed_name(name: str) -> str:
    """A source's name for a list: one line (it is user text), cut to MAX_LISTED_NAME cells."""
    text = Text(one_line(name))
    text.truncate(MAX_LISTED_NAME, overflow="ellipsis")
    return text.plain


def _or_dash(value: float | None, unit: str, note: str = "") -> str:
    return NO_FIGURE if value is None else f"{value:,.1f} {unit}{note}"


def wrapped(label: str, items: list[str], width: int) -> Text:
    """`label: a · b · c`, wrapped between items (never inside one) to `width` cells."""
    lines = [Text(f"{label}: ", "dim")]
    for item in items or ["none"]:
        line = lines[-1]
        gap = ITEM_GAP if line.plain.strip() and not line.plain.endswith(": ") else ""
        if line.cell_len + len(gap) + cell_len(item) > width and line.plain.strip():
            lines.append(Text("  "))
            gap = ""
        lines[-1].append(gap + item)
    return Text("\n").join(lines)


def activity_table(pace: Pace, figures: ManagerFigures, currency: str) -> Table:
    """Per call, per lead and per deal, one figure a line, every rate with its counts."""
    money = lambda cents: format_money(cents, currency)  # noqa: E731
    avg_deal = figures.avg_deal_cents
    decided = sum(row.decided_leads for row in pace.by_source)
    per_day = figures.avg_calls_per_day
    per_day_text = NO_FIGURE if per_day is None else f"{per_day:,.2f}"
    rows = (
        ("calls", f"{figures.calls:,} ({per_day_text} a business day)"),
        ("emails", f"{figures.emails:,}"),
        ("connect rate", rate_text(figures.connects, figures.calls)),
        ("leads worked", f"{figures.leads_worked:,}"),
        ("reached", f"{figures.reached:,}"),
        ("meetings", f"{figures.meetings_booked:,} booked, {figures.meetings_held:,} held"),
        ("meeting rate", rate_text(figures.meeting_leads, figures.reached)),
        ("proposals", f"{figures.proposals:,}"),
        ("deals won", f"{figures.deals_won:,}"),
        ("win rate", rate_text(figures.won_leads, decided)),
        ("avg deal", NO_FIGURE if avg_deal is None else money(avg_deal)),
        ("sales cycle", _or_dash(figures.sales_cycle_days_median, "days", " (median)")),
        ("speed to lead", _or_dash(figures.speed_to_lead_hours_median, "hours", " (median)")),
        ("talk time", duration_text(figures.talk_time_s)),
    )
    label_width = max(len(label) for label, _ in rows)
    value_width = max(len(value) for _, value in rows)
    table = Table.grid(padding=(0, LABEL_GAP))
    table.width = label_width + LABEL_GAP + value_width
    table.add_column(style="dim", width=label_width, no_wrap=True)
    table.add_column(justify="right", width=value_width, no_wrap=True)
    for label, value in rows:
        table.add_row(label, Text(value))
    return table


def plan_table(plan: Plan, pace: Pace, currency: str) -> Table:
    """Deals, meetings, connects and dials to close the gap, in total and per remaining
    business day, each with the figure it comes from and where that came from."""
    money = lambda cents: format_money(cents, currency)  # noqa: E731
    days = pace.remaining_business_days
    table = Table(
        # Text, not str: a str title is read as markup, and the currency is user text.
        title=Text(f"Plan: {money(plan.remaining_cents)} to go in {counted(days, 'business day')}"),
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("", no_wrap=True)
    table.add_column("total", justify="right", no_wrap=True)
    table.add_column("a day", justify="right", no_wrap=True)
    table.add_column("from", no_wrap=False)
    sources = plan.rate_sources
    rates = plan.rates

    def share(rate: float) -> str:
        return f"{round_half_up(Fraction(rate) * 100)}%"

    reasons = (
        ("deals", f"avg deal {money(plan.avg_deal_cents)}", sources["avg_deal"]),
        ("meetings", f"{share(rates['win'])} of meetings win", sources["win"]),
        ("connects", f"{share(rates['meeting'])} of connects book", sources["meeting"]),
        ("dials", f"{share(rates['connect'])} of dials connect", sources["connect"]),
    )
    for key, reason, source in reasons:
        per_day = plan.per_day[key]
        origin = ORIGINS.get(source, "default setting")
        table.add_row(
            Text(key),
            Text(f"{getattr(plan, key):,}"),
            Text(NO_FIGURE if per_day is None else f"{per_day:,}"),
            Text.assemble(reason, (f" ({origin})", "dim")),
        )
    return table


def plan_sentence(plan: Plan, pace: Pace) -> Text:
    """Whether the daily call goal can reach the target (what is left to win), in one
    sentence."""
    dials = plan.per_day["dials"]
    goal = pace.calls_per_day
    if plan.reachable_by_calls is None or dials is None:
        return Text("No business day is left in the period to plan for.", "italic")
    if not goal:
        # A goal of 0 is none: nothing to hold the dials against.
        return Text(f"The plan needs {dials:,} dials a day; the period has no daily call goal.")
    if plan.reachable_by_calls:
        return Text(
            f"Calling can reach the target: {dials:,} dials a day within a goal of {goal:,}."
        )
    return Text(
        f"Calling alone cannot reach the target: {dials:,} dials a day against a goal of {goal:,}.",
        "bold red",
    )


class ManagerReport:
    """The figures of PRODUCT 9b after the quota's: activity and results, lost reasons,
    hand-backs, speed to lead by source, and the plan."""

    def __init__(self, pace: Pace, currency: str) -> None:
        self.pace = pace
        self.currency = currency

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        pace, figures = self.pace, self.pace.figures
        if figures is None:
            return
        width = options.max_width
        yield Text("Activity and results", "bold")
        yield activity_table(pace, figures, self.currency)
        lost = [
            f"{LOST_REASON_LABELS.get(reason, reason)} {count:,}"
            for reason, count in figures.lost_reasons.items()
            if count
        ]
        yield wrapped("lost", lost, width)
        handed_back = sum(row["count"] for row in figures.handed_back)
        yield wrapped(
            f"handed back to nurture ({handed_back:,})",
            [f"{listed_name(row['source'])} {row['count']:,}" for row in figures.handed_back],
            width,
        )
        yield wrapped(
            "speed to lead by source (median)",
            [
                f"{listed_name(row['source'])} {_or_dash(row['hours_median'], 'h')}"
                f" ({counted(row['leads'], 'lead')})"
                for row in figures.speed_to_lead_by_source
            ],
            width,
        )
        yield Text()
        plan = figures.plan
        if pace.target_cents is None:
            yield Text("Plan: no target to plan against.", "italic")
        elif plan is None:
            yield Text(
                "Plan: no deal size to plan with yet (set one with funnel config set"
                " plan_avg_deal 5000).",
                "italic",
            )
        elif plan.remaining_cents == 0:
            yield Text("Plan: the target is reached; nothing is left to win.", "italic")
        else:
            yield plan_table(plan, pace, self.currency)
            yield plan_sentence(plan, pace)
