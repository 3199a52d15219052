"""The manager's rollup of a team's book (PRODUCT 16): `funnel report --team` gives each
rep's whole report (sections 9 and 9b) against their own target, and the team's against
the team's target. A rep without a target of their own has their whole report over the
team's period, with no figure measured against a target.

A team with no target of its own is measured against the sum of its reps' targets for the
period (those of the period the first rep's target has, so the sum is of one window).
A rep's 9b figures are read from their own calls (rep_figures); each statement of the
reps' reports runs once for the whole team, grouped by rep (rep_rows), as the activity
of every rep is read from the calls and deals of the period in one pass each; the team's
figures are the book's, as a one-rep report reads them.

The whole report is read in one snapshot of the book (store.snapshot), so that a call
logged while it is read counts in none of it; on a team's server the team's figures and
what each rep did in the period are read beside the reps' reports, on a second
connection, while the reps' are read on the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from funnel_tui.manager_figures import Window, calls_by_rep, connect_rate
from funnel_tui.pace import REPORT_KEYS, Pace, find_target, load_pace, load_period_pace, no_target
from funnel_tui.periods import period_bounds
from funnel_tui.rep_names import named_rep
from funnel_tui.rep_rows import FigureRows, Whose
from funnel_tui.reps import rep_names
from funnel_tui.settings import Settings
from funnel_tui.store.snapshot import Snapshot, one_snapshot

# A rep's line: their whole report, and how many prospects they own.
REP_KEYS = ("rep", *REPORT_KEYS, "prospects_owned")
# What each rep did in the period, read from their calls and deals.
ACTIVITY_KEYS = (
    "calls",
    "connects",
    "connect_rate",
    "meetings_booked",
    "meetings_held",
    "proposals",
    "deals_won",
    "talk_time_s",
    "prospects_owned",
)

# What each rep did, as call_days counts it: the columns of ACTIVITY_KEYS' calls counts.
_CALL_COUNTS = {
    "calls": "calls",
    "connects": "connects",
    "meetings_booked": "meetings",
    "meetings_held": "meetings_held",
    "proposals": "proposals",
    "talk_time_s": "talk_s",
}

# What each rep did in a window, by rep.
# By rep; the key None holds what was logged with no rep.
Activity = dict[str | None, dict[str, Any]]
# What reps no longer in the team did, added up beside the reps' lines.
FORMER_KEYS = ("calls", "connects", "meetings_booked", "deals_won", "won_cents")


DEALS_BY_REP_SQL = """
SELECT rep, count(*), coalesce(sum(amount_cents), 0) FROM deals
WHERE closed_on >= :starts_on AND closed_on < :after_end
GROUP BY rep
"""

OWNED_BY_REP_SQL = "SELECT owner, count(*) FROM prospects WHERE owner IS NOT NULL GROUP BY owner"


@dataclass(frozen=True)
class RepLine:
    """One rep: their whole report against their own target (without one, over the team's
    period with no target: `pace.target_cents` None) and what they did in its period."""

    rep: str
    pace: Pace
    activity: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """Every key of the rep's report (without a target of their own, None for the
        figures measured against one), and how many prospects they own."""
        report = self.pace.to_json()
        report |= {"rep": self.rep, "prospects_owned": self.activity["prospects_owned"]}
        return {key: report[key] for key in REP_KEYS}


@dataclass(frozen=True)
class TeamReport:
    reps: tuple[RepLine, ...]
    team: Pace | None
    # True when the team has no target of its own: `team` is measured against the sum
    # of the reps' targets.
    summed_target: bool = False
    # The report of one rep (`--rep NAME`): no team line.
    one_rep: bool = False
    # What reps no longer in the team did in its period (the team's figures count it):
    # None when they did nothing, or without a team line.
    former_reps: dict[str, int] | None = None
    # What was logged with no rep (by another tool, or before the book had reps), which
    # the team's figures count too: None when there is none, or without a team line.
    no_rep: dict[str, int] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "reps": [line.to_json() for line in self.reps],
            "team": None if self.team is None else self.team.to_json(),
            "former_reps": self.former_reps,
            "no_rep": self.no_rep,
        }


def summed_rep_targets(
    db: Any,
    today: date,
    period: str | None,
    reps: list[str],
    rows_of: Callable[[str], FigureRows],
) -> dict[str, Any] | None:
    """A target row for the team that has none: its reps' targets of one window added
    (each rep's read from `rows_of` the rep)."""
    targets = (find_target(db, today, period, rows=rows_of(rep)) for rep in reps)
    found = [row for row in targets if row is not None]
    if not found:
        return None
    window = (found[0]["period"], found[0]["starts_on"], found[0]["ends_on"])
    same = [row for row in found if (row["period"], row["starts_on"], row["ends_on"]) == window]
    return {
        "period": window[0],
        "starts_on": window[1],
        "ends_on": window[2],
        "amount_cents": sum(row["amount_cents"] for row in same),
        # Made from every rep's goal, as for a team target without one (team_call_goal).
        "calls_per_day": None,
    }


def team_call_goal(
    db: Any,
    today: date,
    team_target: dict[str, Any],
    reps: list[str],
    rows_of: Callable[[str], FigureRows],
    settings: Settings,
) -> int:
    """The team's daily call goal: its target's own, else every rep's added up (the goal
    of their target for the team's period, else the calls_per_day setting), so that a
    team of four is not held to one rep's sixty calls."""
    if team_target["calls_per_day"] is not None or not reps:
        goal = team_target["calls_per_day"]
        return settings.calls_per_day if goal is None else int(goal)
    total = 0
    for rep in reps:
        own = find_target(db, today, team_target["period"], rows=rows_of(rep))
        goal = None if own is None else own["calls_per_day"]
        total += settings.calls_per_day if goal is None else int(goal)
    return total


def _activity(db: Any, window: Window, every_rep: FigureRows | None = None) -> Activity:
    """What every rep did in the window, by rep (None: what was logged with no rep). Their
    calls are counted as their reports count them (manager_figures.calls_by_rep), read
    from `every_rep` when given: a team report's rows, every rep's read at once."""
    counted: dict[str | None, list[int]] = {}
    every_rep = every_rep or FigureRows(db, None, whose=Whose.EVERY_REP)
    for rep, counts in calls_by_rep(db, window, every_rep).items():
        _add(counted, named_rep(rep), [counts[column] for column in _CALL_COUNTS.values()])
    deals: dict[str | None, list[int]] = {}
    for rep, *counts in db.execute(DEALS_BY_REP_SQL, window.params):
        _add(deals, named_rep(rep), counts)
    owned = dict(db.execute(OWNED_BY_REP_SQL).fetchall())
    found: Activity = {}
    for rep in {*counted, *deals, *owned}:
        calls = dict(zip(_CALL_COUNTS, counted.get(rep, [0] * len(_CALL_COUNTS)), strict=True))
        won_deals, won_cents = deals.get(rep, [0, 0])
        found[rep] = calls | {
            "connect_rate": connect_rate(calls["connects"], calls["calls"]),
            "deals_won": won_deals,
            "won_cents": won_cents,
            "prospects_owned": int(owned.get(rep, 0)),
        }
    return found


def _add(totals: dict[str | None, list[int]], rep: str | None, counts: list[Any]) -> None:
    """Add one group's counts to `rep`'s (blank reps' groups all go to None)."""
    total = totals.setdefault(rep, [0] * len(counts))
    for place, count in enumerate(counts):
        total[place] += int(count)


def _idle() -> dict[str, Any]:
    return {key: 0 for key in (*ACTIVITY_KEYS, "won_cents")} | {"connect_rate": connect_rate(0, 0)}


def load_team_report(
    db: Any,
    today: date,
    settings: Settings,
    *,
    period: str | None = None,
    tz: tzinfo | None = None,
    only: str | None = None,
) -> TeamReport:
    """Each rep's line and the team's whole report, for the period containing `today`;
    with `only`, that rep's line alone. All of it is read in one snapshot of the book
    (store.snapshot): on a team's server the team's own figures are read beside the
    reps', on a second connection."""
    with one_snapshot(db) as snapshot:
        return _team_report(snapshot, today, settings, period=period, tz=tz, only=only)


def _team_report(
    snapshot: Snapshot,
    today: date,
    settings: Settings,
    *,
    period: str | None,
    tz: tzinfo | None,
    only: str | None,
) -> TeamReport:
    db = snapshot.db
    every_name = rep_names(db)
    names = every_name if only is None else [name for name in every_name if name == only]
    # Every rep's statements run once for the team; one rep's report runs their own.
    rows_of = FigureRows.every_rep(db) if only is None else lambda rep: FigureRows(db, rep)
    # The team's target sets the period of the lines without one of their own, also in
    # one rep's report, so that `--rep` gives a rep the line `--team` gives them.
    team_target = find_target(db, today, period)
    summed = team_target is None
    if summed:
        team_target = summed_rep_targets(db, today, period, every_name, rows_of)
    team_read: Future[tuple[Pace | None, Activity | None]] | None = None
    if team_target is not None and only is None:
        goal = team_call_goal(db, today, team_target, every_name, rows_of, settings)
        target = {**team_target, "calls_per_day": goal}

        def team_figures(side: Any) -> tuple[Pace | None, Activity | None]:
            team = load_pace(side, today, settings, period=period, tz=tz, target=target)
            return team, None if team is None else _activity(side, _pace_window(team, today, tz))

        team_read = snapshot.beside(team_figures)
    # A rep without a target of their own is read over the team's period (its own
    # target's, or its reps' summed), else the period asked for (this month: then no rep
    # has a target either); a rep with one over their target's own period, so that each
    # line is of one period.
    if team_target is not None:
        kind = team_target["period"]
        first, last = (date.fromisoformat(team_target[key]) for key in ("starts_on", "ends_on"))
    else:
        kind = period or "month"
        first, last = period_bounds(kind, today)
    common = _window(first, last, today, tz)
    # A rep with a target for the team's period is measured against it, else against
    # their own (of several, the shortest that covers today).
    team_period = None if team_target is None or period is not None else team_target["period"]

    def rep_pace(name: str) -> Pace:
        rows = rows_of(name)
        if team_period is not None:
            pace = load_pace(db, today, settings, period=team_period, tz=tz, rows=rows)
            if pace is not None:
                return pace
        pace = load_pace(db, today, settings, period=period, tz=tz, rows=rows)
        if pace is not None:
            return pace
        untargeted = no_target(kind, first, last)
        return load_period_pace(db, today, settings, untargeted, period=period, tz=tz, rows=rows)

    paces = {name: rep_pace(name) for name in names}
    team, team_activity = (None, None) if team_read is None else team_read.result()
    read: dict[Window, Activity] = {} if team_activity is None else {common: team_activity}

    def activity_over(window: Window) -> Activity:
        if window not in read:
            # Any rep's rows of a team report hold every rep's, read once.
            every_rep = rows_of(names[0]) if only is None and names else None
            read[window] = _activity(db, window, every_rep)
        return read[window]

    def line(name: str, pace: Pace) -> RepLine:
        window = _pace_window(pace, today, tz)
        return RepLine(name, pace, _idle() | activity_over(window).get(name, {}))

    lines = tuple(line(name, pace) for name, pace in paces.items())
    former = no_rep = None
    if only is None and team is not None:
        everyone = activity_over(common)
        former = _summed(
            counts for rep, counts in everyone.items() if rep is not None and rep not in paces
        )
        no_rep = _summed([everyone[None]] if None in everyone else [])
    return TeamReport(
        lines,
        team,
        summed_target=summed and team is not None,
        one_rep=only is not None,
        former_reps=former,
        no_rep=no_rep,
    )


def _summed(activities: Iterable[dict[str, Any]]) -> dict[str, int] | None:
    """What was done in the period outside the reps' lines, added up; None for nothing."""
    total = dict.fromkeys(FORMER_KEYS, 0)
    for counts in activities:
        for key in FORMER_KEYS:
            total[key] += int(counts.get(key, 0))
    return total if any(total.values()) else None


def _window(first: date, last: date, today: date, tz: tzinfo | None) -> Window:
    """The days of a period up to today."""
    return Window.of_days(first, min(last, today), tz)


def _pace_window(pace: Pace, today: date, tz: tzinfo | None) -> Window:
    """The days of `pace`'s period up to today."""
    return _window(pace.starts_on, pace.ends_on, today, tz)
