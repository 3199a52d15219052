"""QuotaGauge: the period's target, what is won, where the rep should be today, the pace, and
the plan per day against what the rep did today."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from funnel_tui.counted import counted
from funnel_tui.money import NO_FIGURE, format_money, money_short_of, percent_text
from funnel_tui.settings import Settings
from funnel_tui.text import one_line

if TYPE_CHECKING:
    # Loaded with the gauge's figures, after the first frame.
    from funnel_tui.manager_figures import Plan, TodayActivity
    from funnel_tui.pace import Pace
    from funnel_tui.team_figures import TeamToday

STATUS_WORDS = {"ahead": "AHEAD", "on_track": "ON TRACK", "behind": "BEHIND"}
MIN_BAR = 10
MAX_BAR = 60
# The lines the gauge holds before its first read: the figures, the bar, the plan.
READING_LINES = 3
# From this width the gauge spells every figure out; narrower, it abbreviates.
WIDE = 130
# Between two figures on a line.
GAP = "  "


class Bar:
    """Where the bar goes among the figures: it takes the room its line has left."""


BAR = Bar()
# The bar's cells: won, still to win, and where the rep should be by today.
WON_CELL = "━"
LEFT_CELL = "─"


def bar_cells(pace: Pace, width: int) -> tuple[int, int]:
    """How many of `width` cells are won, and the cell of the expected-by-today marker."""
    if pace.target_cents <= 0:
        return width, width - 1
    won = min(width, round(width * pace.won_cents / pace.target_cents))
    if pace.won_cents < pace.target_cents:
        # Short of the target, never a full bar: the last cell is what is still to win.
        won = min(won, width - 1)
    marker = min(width - 1, round(width * pace.expected_to_date_cents / pace.target_cents))
    return won, marker


def daily_goals(settings: Settings, plan: Plan | None) -> tuple[int | None, int | None]:
    """Today's goals for connects and meetings: the settings', else the plan's per day
    (none once the target is won: the plan asks for nothing more)."""

    def goal(setting: int | None, key: str) -> int | None:
        if setting is not None:
            return setting
        return None if plan is None or not plan.remaining_cents else plan.per_day[key]

    return (
        goal(settings.connects_per_day, "connects"),
        goal(settings.meetings_per_day, "meetings"),
    )


def done_against(done: int, goal: int | None) -> str:
    """`done/goal`, or `done` alone where there is no goal: none set, or a goal of 0 (a
    period without one), which `49/0` would read as far over."""
    return f"{done:,}/{goal:,}" if goal else f"{done:,}"


def _cells(item: Text | Bar) -> int:
    return MIN_BAR if isinstance(item, Bar) else item.cell_len


def flow(groups: list[list[Text | Bar]], width: int) -> list[list[Text | Bar]]:
    """Lay the items out in lines of `width` cells: a figure is never cut, the gauge grows
    a line instead. A group (the bar and its legend) starts a new line rather than split,
    unless it is wider than a whole line."""
    lines: list[list[Text | Bar]] = [[]]
    used = 0
    for group in groups:
        size = sum(map(_cells, group)) + len(GAP) * (len(group) - 1)
        for position, item in enumerate(group):
            wanted = size if position == 0 else _cells(item)
            if lines[-1] and used + len(GAP) + wanted > width:
                lines.append([])
                used = 0
            used += (len(GAP) if lines[-1] else 0) + _cells(item)
            lines[-1].append(item)
    return lines


class QuotaGauge(Widget):
    """The figures, then the bar with the marker for where the rep should be: two lines
    on a wide terminal; narrower, the figures wrap onto more lines rather than be cut."""

    COMPONENT_CLASSES = {
        "quota-gauge--ahead",
        "quota-gauge--on_track",
        "quota-gauge--behind",
        "quota-gauge--bar-won",
        "quota-gauge--bar-empty",
        "quota-gauge--marker",
        "quota-gauge--label",
    }

    # Each may change how many lines the figures take: layout=True lets the gauge grow.
    read: reactive[bool] = reactive(False, layout=True)
    """False until the figures are first read: until then the gauge says so, not that
    there is no target."""

    pace: reactive[Pace | None] = reactive(None, layout=True)
    """The figures on show; None when no target covers today."""

    currency: reactive[str] = reactive("$", layout=True)
    """The currency symbol from the settings."""

    call_timer: reactive[str] = reactive("", layout=True)
    """The running call's elapsed time, empty when no call is running."""

    unreadable_targets: reactive[int] = reactive(0, layout=True)
    """Values of the wrong type or range in the targets covering today, which left them
    out: with no target shown, the gauge says there is one it cannot read."""

    call_with: reactive[str] = reactive("", layout=True)
    """The name of the prospect on the running call (whichever row the cursor is on)."""

    plan: reactive[Plan | None] = reactive(None, layout=True)
    """The activity that closes the gap; None when the size of a deal is unknown."""

    today: reactive[TodayActivity | None] = reactive(None, layout=True)
    """Dials, connects and meetings so far today; None until first read."""

    goals: reactive[tuple[int | None, int | None]] = reactive((None, None), layout=True)
    """Today's goals for connects and meetings (daily_goals); None where there is none."""

    team: reactive[TeamToday | None] = reactive(None, layout=True)
    """In a team's book: whose figures these are and the team's today (PRODUCT 16)."""

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.size.width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def _lines(self, width: int) -> list[Text]:
        if not self.read:
            label = self.get_component_rich_style("quota-gauge--label", partial=True)
            # As many lines as the figures take at 100 columns and more, so that the
            # panes below stay where they are when the figures come in.
            blank = [Text()] * (READING_LINES - 1)
            return [Text("Reading today's figures…", label), *blank]
        pace = self.pace
        wide = width >= WIDE
        figures = self._no_target() if pace is None else self._figures(pace, wide=wide)
        groups: list[list[Text | Bar]] = [[figure] for figure in figures]
        after: list[list[Text | Bar]] = []
        plan_items: list[Text | Bar] = []
        if pace is not None:
            after.append(self._bar_and_legend(pace, wide=wide))
            if pace.skipped:
                status = self.get_component_rich_style(f"quota-gauge--{pace.status}", partial=True)
                after.append([Text(f"{pace.skipped} unreadable left out (funnel check)", status)])
            plan_items = list(self._plan_line(pace, wide=wide))
        if self.call_timer:
            on_call, beside_plan = self._on_call(groups, after, plan_items, width)
            if beside_plan:
                plan_items.insert(0, on_call)
            else:
                groups.append([on_call])
        groups += after
        if pace is None:
            lines = [
                Text(GAP).join(item for item in line if isinstance(item, Text))
                for line in flow(groups, width)
            ]
            return lines + self._team_line(width)
        lines = []
        for line in flow(groups, width):
            # The bar takes the room its line has left, up to MAX_BAR.
            used = sum(map(_cells, line)) + len(GAP) * (len(line) - 1)
            bar = self._bar(pace, min(MAX_BAR, MIN_BAR + max(0, width - used)))
            lines.append(Text(GAP).join(bar if isinstance(item, Bar) else item for item in line))
        # The plan starts a line of its own.
        lines += [Text(GAP).join(line) for line in flow([[item] for item in plan_items], width)]
        return lines + self._team_line(width)

    def _on_call(
        self,
        before: list[list[Text | Bar]],
        after: list[list[Text | Bar]],
        plan: list[Text | Bar],
        width: int,
    ) -> tuple[Text, bool]:
        """Who the running call is with and its time, and whether it goes first on the
        plan's line: between the figures and the bar, as fully as fits there without a
        line more than the gauge has without it, else on the plan's line if it fits there
        whole; so a call starting does not move the panes below. Where neither has room,
        between the figures and the bar, the gauge a line taller."""
        name, timer = self.call_with, (self.call_timer, "bold")
        said = [
            Text.assemble(("● on call with ", "bold"), name, " ", timer),
            Text.assemble(("● ", "bold"), name, " ", timer),
            Text.assemble(("● on call ", "bold"), timer),
        ]
        lines = len(flow(before + after, width))
        for text in said:
            if len(flow([*before, [text], *after], width)) <= lines:
                return text, False
        plan_groups: list[list[Text | Bar]] = [[item] for item in plan]
        if plan and len(flow([[said[0]], *plan_groups], width)) <= len(flow(plan_groups, width)):
            return said[0], True
        return said[0], False

    def _team_line(self, width: int) -> list[Text]:
        """`alex's figures · team today 12 calls: alex 7, blake 5 · pool 340 · blake holds 1`."""
        team = self.team
        if team is None:
            return []
        label = self.get_component_rich_style("quota-gauge--label", partial=True)
        named = [f"{one_line(name)} {count:,}" for name, count in team.calls.items()]
        if team.former:
            named.append(f"former reps {team.former:,}")
        by_rep = ", ".join(named)
        items: list[Text | Bar] = [
            Text.assemble((one_line(team.rep), "bold"), "'s figures"),
            Text.assemble(
                ("team today ", label),
                counted(team.team_calls, "call"),
            ),
        ]
        if by_rep:
            items[-1].append(f": {by_rep}")
        items.append(Text.assemble(("pool ", label), f"{team.pool:,}"))
        others = {name: count for name, count in team.held.items() if name != team.rep}
        if others:
            held = ", ".join(f"{one_line(name)} holds {count}" for name, count in others.items())
            items.append(Text(held))
        return [Text(GAP).join(line) for line in flow([[item] for item in items], width)]

    def _no_target(self) -> list[Text]:
        label = self.get_component_rich_style("quota-gauge--label", partial=True)
        # A rep of a team sets their own: without --rep the command sets the team's.
        command = "funnel target set 50000 --period month"
        if self.team is not None:
            command += f" --rep {shlex.quote(one_line(self.team.rep))}"
        if self.unreadable_targets:
            return [
                Text("No readable target for this period: funnel check", "bold"),
                Text.assemble("Set one with ", (command, label)),
                Text("or press t."),
            ]
        return [
            Text("No target for this period.", "bold"),
            Text.assemble("Set one with ", (command, label)),
            Text("or press t."),
        ]

    def _figures(self, pace: Pace, *, wide: bool) -> list[Text]:
        """The figures, spelt out when `wide`, else abbreviated."""
        label = self.get_component_rich_style("quota-gauge--label", partial=True)
        status = self.get_component_rich_style(f"quota-gauge--{pace.status}", partial=True)
        money = lambda cents: format_money(cents, self.currency, whole=True)  # noqa: E731
        gap_sign = "+" if pace.pace_gap_cents >= 0 else "-"
        attainment = f" ({percent_text(pace.won_cents, pace.target_cents)})"
        won_so_far = money_short_of(pace.won_cents, pace.target_cents, self.currency)
        if wide:
            won = Text.assemble(
                ("target ", label),
                money(pace.target_cents),
                ("  won ", label),
                (won_so_far, "bold"),
                attainment,
            )
        else:
            won = Text.assemble((won_so_far, "bold"), f"/{money(pace.target_cents)}", attainment)
        return [
            Text(pace.period_name, "bold"),
            won,
            Text(STATUS_WORDS[pace.status], status),
            Text.assemble(("gap ", label), f"{gap_sign}{money(abs(pace.pace_gap_cents))}"),
            # With no business day left the whole gap is needed at once, not a day.
            Text.assemble(
                ("need ", label),
                money(pace.needed_per_day_cents),
                "/day" if pace.remaining_business_days else " now",
            ),
            Text.assemble(
                ("projection " if wide else "proj. ", label), money(pace.projection_cents)
            ),
            Text.assemble(
                ("calls today " if wide else "calls ", label),
                done_against(pace.calls_today, pace.calls_per_day),
            ),
            *self._goal_figures(wide=wide),
        ]

    def _goal_figures(self, *, wide: bool) -> list[Text]:
        """Connects and meetings today against their daily goals, beside calls today."""
        if self.today is None:
            return []
        label = self.get_component_rich_style("quota-gauge--label", partial=True)
        connects_goal, meetings_goal = self.goals
        return [
            Text.assemble(
                (name if wide else short, label),
                " ",
                done_against(done, goal),
            )
            for name, short, done, goal in (
                ("connects", "conn.", self.today.connects, connects_goal),
                ("meetings", "mtgs", self.today.meetings, meetings_goal),
            )
        ]

    def _plan_line(self, pace: Pace, *, wide: bool) -> list[Text]:
        """The plan per remaining business day against what was done today; whether
        calling alone can reach the target."""
        label = self.get_component_rich_style("quota-gauge--label", partial=True)
        heading = Text("plan per day" if wide else "plan/day", "bold")
        plan = self.plan
        if plan is None:
            # Said as the settings screen names it, not by the setting's key.
            no_size = "no deal size to plan with yet: s sets Plan deal size"
            return [heading, Text(no_size if wide else "no deal size yet (s)", label)]
        if plan.remaining_cents == 0:
            ahead = self.get_component_rich_style("quota-gauge--ahead", partial=True)
            return [heading, Text("nothing left to win", ahead)]
        # Already loaded, with the plan.
        from funnel_tui.manager_figures import TodayActivity

        today = self.today or TodayActivity(0, 0, 0)
        per_day = plan.per_day
        deals = per_day["deals"]

        def against(name: str, short: str, done: int, key: str) -> Text:
            wanted = per_day[key]
            figure = f"{done:,}/{NO_FIGURE if wanted is None else f'{wanted:,}'}"
            return Text.assemble((name if wide else short, label), " ", figure)

        items = [
            heading,
            against("dials", "dials", today.dials, "dials"),
            against("connects", "conn.", today.connects, "connects"),
            against("meetings", "mtgs", today.meetings, "meetings"),
            Text.assemble(("deals", label), " ", str(NO_FIGURE if deals is None else deals)),
        ]
        # Against a daily call goal: a goal of 0 is none, and no call is out of its reach.
        if plan.reachable_by_calls is False and pace.calls_per_day:
            behind = self.get_component_rich_style("quota-gauge--behind", partial=True)
            text = "calling alone cannot reach the target" if wide else "calls alone can't reach it"
            items.append(Text(text, behind))
        return items

    def _bar_and_legend(self, pace: Pace, *, wide: bool) -> list[Text | Bar]:
        label = self.get_component_rich_style("quota-gauge--label", partial=True)
        expected = format_money(pace.expected_to_date_cents, self.currency, whole=True)
        left = f"{pace.remaining_business_days} of {pace.business_days}"
        if wide:
            return [
                BAR,
                Text(f"┃ = where you should be today ({expected})", label),
                Text(f"· {left} business days left", label),
            ]
        return [BAR, Text(f"┃ by today {expected}", label), Text(f"{left} days left", label)]

    def _bar(self, pace: Pace, width: int) -> Text:
        """The won part heavy (`━`), the rest light (`─`): told apart without colour too,
        where the two greys of NO_COLOR showed no progress."""
        won_cells, marker = bar_cells(pace, width)
        won_style = self.get_component_rich_style("quota-gauge--bar-won", partial=True)
        empty_style = self.get_component_rich_style("quota-gauge--bar-empty", partial=True)
        marker_style = self.get_component_rich_style("quota-gauge--marker", partial=True)
        bar = Text()
        for cell in range(width):
            if cell == marker:
                bar.append("┃", marker_style)
            else:
                won = cell < won_cells
                bar.append(WON_CELL if won else LEFT_CELL, won_style if won else empty_style)
        return bar
