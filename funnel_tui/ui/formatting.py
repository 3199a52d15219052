"""Short labels for moments, outcomes and keys, as the queue, the card, the help screen and
the command palette show them, and a typed date's reading, as its field shows it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.keys import format_key

from funnel_tui.clocks import duration_text, known_zone
from funnel_tui.counted import counted
from funnel_tui.domain import Outcome, TaskKind
from funnel_tui.foreign_values import MARK
from funnel_tui.tasks import Task
from funnel_tui.timestamps import from_stored, has_passed, seconds_between

if TYPE_CHECKING:
    from funnel_tui.outcome_answers import Answer


def due_label(stored: str | None, now: datetime) -> str:
    """`2d late`, `due 14:00`, `14:30`, `Mon 09:00`, `3 Dec` or an empty string."""
    moment = from_stored(stored)
    if moment is None:
        return ""
    local = moment.astimezone(now.tzinfo)
    # The stored moment, in UTC, against now: two moments of now's zone would compare by
    # their clock faces, an hour out in the hour the clocks go back.
    if moment <= now:
        days = (now.date() - local.date()).days
        return f"{days}d late" if days else f"due {local:%H:%M}"
    days_ahead = (local.date() - now.date()).days
    if days_ahead == 0:
        return f"{local:%H:%M}"
    if days_ahead < 7:
        return f"{local:%a %H:%M}"
    return f"{local.day} {local:%b}"


# The task kinds in as few letters as still read, for a narrow queue column.
SHORT_TASK_KINDS = {
    TaskKind.CALL: "call",
    TaskKind.CALLBACK: "cb",
    TaskKind.MEETING: "mtg",
    TaskKind.REVISIT: "rev",
    TaskKind.EMAIL: "em",
}


# Marks a task past its day where the column has no room for `late`.
LATE_MARK = "!"


def next_task_label(kind: str | None, stored: str | None, now: datetime, width: int) -> str:
    """The next task in at most `width` cells: `meeting 10:00`, `callback 2d late`,
    `revisit`, `call Fri`, `email 3 Dec`; the kind shortened (`mtg 10:00`, `cb 2d late`),
    then a late one marked `!` in place of `late` (`!cb 2d`), then the kind left out, when
    it does not fit.

    Today's tasks are told by the clock (the row's colour, or bold without colour, says
    whether that time has passed), earlier ones by how late they are, the week's by the
    day, later ones by the date, and those a year or more ahead by the month and year
    (`Nov 2027`). Lateness is said in characters, never by colour alone: `cb 2d` alone
    would read as "in two days".
    """
    moment = from_stored(stored)
    if moment is None:
        return ""
    local = moment.astimezone(now.tzinfo)
    try:
        task = TaskKind(kind)
    except ValueError:
        task = None
    if task is TaskKind.REVISIT and moment <= now:
        # A revisit is for a day, not an hour: once that day has come, the kind says it.
        return "revisit"
    days = (local.date() - now.date()).days
    late = False
    # The time said in full, and as short as it still reads.
    if days == 0:
        when = short_when = f"{local:%H:%M}"
    elif days < 0:
        when, short_when = f"{-days}d late", f"{-days}d"
        late = True
    elif days < 7:
        when = short_when = f"{local:%a}"
    elif days < 365:
        when = short_when = f"{local.day} {local:%b}"
    else:
        # A year or more ahead: `30 Nov` would read as the coming one.
        when = short_when = f"{local:%b %Y}"
    if task is None:
        return when
    short_kind = SHORT_TASK_KINDS[task]
    # A late task's shortest form keeps the word's meaning in one mark, `!cb 2d`.
    shortest = f"{LATE_MARK}{short_kind} {short_when}" if late else f"{short_kind} {short_when}"
    for label in (f"{task} {when}", f"{short_kind} {when}", shortest):
        if len(label) <= width:
            return label
    return when


def moment_label(stored: str | None, now: datetime) -> str:
    """A stored moment as `day_and_time` says it; an empty string for none."""
    moment = from_stored(stored)
    return "" if moment is None else day_and_time(moment, now)


# The days said by their distance from today (days before it).
_DAYS_FROM_TODAY = {0: "today", 1: "yesterday", -1: "tomorrow"}


def day_and_time(moment: datetime, now: datetime, *, from_today: bool = True) -> str:
    """`today 14:30`, `yesterday 09:10`, `tomorrow 10:00`, `Mon 24 Nov 14:30` in the rep's
    zone; `Tue 30 Nov 2027 10:00` in another year (a revisit next November is not this
    one's). Without `from_today`, for a line of another day, never `tomorrow`: a call of
    Thursday that booked Monday is not read as booking Friday."""
    local = moment.astimezone(now.tzinfo)
    days = (now.date() - local.date()).days
    if from_today and days in _DAYS_FROM_TODAY:
        return f"{_DAYS_FROM_TODAY[days]} {local:%H:%M}"
    if local.year != now.year:
        return f"{local:%a} {local.day} {local:%b %Y %H:%M}"
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def task_when_label(due: datetime, now: datetime) -> str:
    """When an open task is due, as the card lists it: `today 15:00`, `Tue 2 Dec 10:00`,
    or how late it is once overdue: `due now` in its first minute, then `20 min late`,
    `3 h late`, `2 days late`."""
    local = due.astimezone(now.tzinfo)
    if not has_passed(due, now):
        return day_and_time(local, now)
    days = (now.date() - local.date()).days
    if days:
        return f"{days} day{'s' if days != 1 else ''} late"
    minutes = int(seconds_between(due, now)) // 60
    if not minutes:
        return "due now"
    return f"{minutes // 60} h late" if minutes >= 60 else f"{minutes} min late"


def task_kind_label(task: Task) -> str:
    """The task's kind, or `?` for one another tool wrote."""
    return MARK if task.kind is None else task.kind.value


def task_due_label(task: Task, now: datetime) -> str:
    """`task_when_label` of the task's due moment, or `?` where it cannot be read."""
    return MARK if task.due_at is None else task_when_label(task.due_at, now)


SHORT_OUTCOME_LABELS = {
    Outcome.NO_ANSWER: "no answer",
    Outcome.VOICEMAIL: "voicemail",
    Outcome.BUSY: "busy",
    Outcome.GATEKEEPER: "gatekeep.",
    Outcome.CALLBACK: "callback",
    Outcome.MEETING: "meeting",
    Outcome.MEETING_HELD: "mtg held",
    Outcome.NO_SHOW: "no-show",
    Outcome.PROPOSAL_SENT: "proposal",
    Outcome.WON: "won",
    Outcome.NOT_INTERESTED: "not int.",
    Outcome.WRONG_NUMBER: "wrong no.",
    Outcome.DO_NOT_CALL: "DNC",
}


def short_outcome_label(value: str | None) -> str:
    """At most 9 characters, for the queue's last-outcome column."""
    if not value:
        return ""
    try:
        return SHORT_OUTCOME_LABELS[Outcome(value)]
    except ValueError:
        return value


def local_time(timezone: str | None, now: datetime) -> str | None:
    """`14:05 Europe/Berlin` for a known IANA zone, else None."""
    zone = known_zone(timezone)
    if zone is None:
        return None
    return f"{now.astimezone(zone):%a %H:%M} {timezone}"


def to_fix(count: int, what: str) -> str:
    """`1 field to fix`, `2 settings to fix`: what a form still refuses."""
    return f"{counted(count, what)} to fix"


def duration_label(seconds: int | None) -> str:
    """How long a call took, `14m 05s` (or `1h 02m`): `14:05` read as a time of day beside
    the call's own time."""
    if not seconds:
        return ""
    return duration_text(int(seconds))


# Where Textual's key display is not how a rep says the key (it writes ⏎ for enter).
SPOKEN_KEYS = {"enter": "enter"}


def key_names(keys: str) -> list[str]:
    """A binding's keys as people read them: `u,ctrl+z` -> `u`, `ctrl+z`;
    `left_square_bracket` -> `[`; `question_mark` -> `?`."""
    names = []
    for key in keys.split(","):
        *modifiers, name = key.strip().split("+")
        names.append("+".join([*modifiers, SPOKEN_KEYS.get(name) or format_key(name)]))
    return names


def read_back_text(answer: Answer, aside: Text | None = None) -> Text:
    """What a typed date or time reads as, under its field (`→ Fri 11 Dec 10:00`), then
    `aside`, then a warning that does not stop the save."""
    line = Text.assemble(("→ " + answer.read_back, "bold"))
    if aside is not None:
        line.append_text(aside)
    if answer.warning:
        line.append(f"\n⚠ {answer.warning}; enter still saves it", "yellow")
    return line


def read_back_line(answer: Answer | None, switched: bool) -> Text | str:
    """What a date field reads as: the value, the other day down switches to (or back to,
    once `switched`), and a warning that does not stop the save."""
    if answer is None:
        return ""
    if not answer.other:
        return read_back_text(answer)
    if switched:
        return read_back_text(answer, Text(f" · instead of {answer.other} (↓: back)", "dim"))
    return read_back_text(answer, Text(f" · ↓: {answer.other} instead"))
