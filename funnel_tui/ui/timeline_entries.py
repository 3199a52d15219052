"""How each entry of a prospect's timeline reads on screen: one line, and the text typed
with it (a call's note, a task's note, an email's subject) literally on the next, each
wrapped at the column it starts at, so that the moments stand out down the left. `?`
where another tool stored a value of the wrong type or range."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime

from rich.console import Console, ConsoleOptions
from rich.text import Text

from funnel_tui.clocks import their_time
from funnel_tui.domain import outcome_label
from funnel_tui.foreign_values import MARK
from funnel_tui.money import format_money
from funnel_tui.rep_names import is_same_rep
from funnel_tui.tasks import Task
from funnel_tui.text import one_line, shown_at_most
from funnel_tui.timeline import (
    CallEntry,
    DealEntry,
    EmailEntry,
    Entry,
    FlagEntry,
    NoteEntry,
    TaskEntry,
)
from funnel_tui.ui.formatting import (
    day_and_time,
    duration_label,
    task_due_label,
    task_kind_label,
)
from funnel_tui.ui.late_style import PLAIN_LATE

# `Mon 24 Nov 14:30`, `14 Oct 2025 09:10` and `yesterday 09:10` fit.
WHEN_WIDTH = 17
WHAT_WIDTH = 8
# Where what follows the moment starts, and the text typed under it.
TEXT_COLUMN = WHEN_WIDTH + 2


@dataclass(frozen=True)
class EntryText:
    """An entry as the timeline shows it: `when` (on the first line only, TEXT_COLUMN wide;
    an open task has none), `head` after it, and `below` on the lines under it from
    TEXT_COLUMN. Each part wraps at the column it starts at."""

    head: Text
    when: Text | None = None
    below: Text | None = None

    @property
    def plain(self) -> str:
        """The entry as plain text, its wrapped parts each on one line."""
        lines = [(self.when.plain if self.when else "") + self.head.plain]
        if self.below is not None:
            lines.append(" " * TEXT_COLUMN + self.below.plain)
        return "\n".join(lines)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        width = options.max_width
        yield from _hanging(console, self.head, width, self.when)
        if self.below is not None:
            yield from _hanging(console, self.below, width, Text(" " * TEXT_COLUMN))


def _hanging(console: Console, text: Text, width: int, first: Text | None) -> Iterator[Text]:
    """The text wrapped to the width left after `first`, which starts its first line; the
    lines after it start under the text's first character."""
    indent = first.cell_len if first is not None else 0
    for number, line in enumerate(text.wrap(console, max(width - indent, 1))):
        prefix = first if number == 0 and first is not None else Text(" " * indent)
        row = Text.assemble(prefix, line)
        row.no_wrap = True
        yield row


# How an email went: sent over SMTP, or handed to the mail app as a mailto: link (which
# cannot tell whether the rep then sent it).
VIA_LABELS = {"smtp": "sent", "mailto": "handed to the mail app"}

FLAG_LABELS = {
    "do_not_call": ("marked do not call", "do not call cleared"),
    "wrong_number": ("flagged as a wrong number", "wrong-number flag cleared"),
    "nurture": ("put in nurture", "taken out of nurture"),
    "do_not_email": ("marked do not email", "do not email cleared"),
}


def _literal(text: str | None, style: str = "") -> Text:
    """Text as typed, its first SHOWN_AT_MOST characters: never markup, never terminal
    escapes."""
    return Text(shown_at_most(text or ""), style=style)


def _when(moment: datetime | None, now: datetime) -> str:
    """`day_and_time`, with the year for a moment in another year: a story runs for years."""
    if moment is None:
        return MARK
    local = moment.astimezone(now.tzinfo)
    if local.year != now.year:
        return f"{local.day} {local:%b %Y %H:%M}"
    return day_and_time(local, now)


def _day(day: date, now: datetime) -> str:
    """A day with no time of its own (a deal logged without its call): `Thu 30 Jul`, with
    the year when it is another's."""
    if day.year != now.year:
        return f"{day.day} {day:%b %Y}"
    return f"{day:%a} {day.day} {day:%b}"


def _line(when: str, what: str, *rest: Text | str | tuple[str, str]) -> EntryText:
    return EntryText(
        Text.assemble((f"{what:<{WHAT_WIDTH}} ", "bold"), *rest),
        when=Text(f"{when:<{WHEN_WIDTH}}  ", "dim"),
    )


def _with_text_below(entry: EntryText, text: str | None, shown: bool) -> EntryText:
    """The entry, and under it what was typed with it (or `?` where it cannot be read)."""
    return replace(entry, below=_literal(text or MARK, "italic")) if shown else entry


def open_task_line(
    task: Task, now: datetime, timezone: object = None, late_style: str = PLAIN_LATE
) -> EntryText:
    """`meeting   Tue 2 Dec 10:00  15:00 their time`, or `call      2 days late  due Mon 16
    Nov 09:00` with the lateness in `late_style`; its note below. Their time is the
    prospect's (`timezone`), as the card says it, where it reads otherwise."""
    late = task.due_at is not None and task.due_at <= now
    line = Text.assemble(
        (f"{task_kind_label(task):<{WHAT_WIDTH + 1}}", "bold"),
        (task_due_label(task, now), late_style if late else ""),
    )
    if late and task.due_at is not None:
        line.append(f"  due {day_and_time(task.due_at, now)}", "dim")
    elif task.due_at is not None and (theirs := their_time(task.due_at, now, timezone)):
        line.append(f"  {theirs}", "dim")
    return _with_text_below(
        EntryText(line), task.note, bool(task.note) or "note" in task.unreadable
    )


def _call_line(call: CallEntry, now: datetime, timezone: object, viewer: str | None) -> EntryText:
    outcome = outcome_label(call.outcome_text)
    if "reason" in call.unreadable:
        outcome += f" ({MARK})"
    elif call.reason is not None:
        outcome += f" ({call.reason.label.lower()})"
    duration = MARK if "duration_s" in call.unreadable else duration_label(call.duration_s)
    # What it booked, and for when: `meeting booked  for Wed 16 Dec 10:00 (05:00 their
    # time)`.
    booked = ""
    if call.follow_up_at is not None:
        # Said from today only on a line of today's: under an older call `tomorrow` would
        # read as the day after it.
        today = call.at is not None and call.at.astimezone(now.tzinfo).date() == now.date()
        booked = f"  for {day_and_time(call.follow_up_at, now, from_today=today)}"
        if theirs := their_time(call.follow_up_at, now, timezone):
            booked += f" ({theirs})"
    by = ""
    if viewer is not None and call.rep is not None and not is_same_rep(call.rep, viewer):
        # A team's book: another rep's call says whose it was.
        by = f"  by {one_line(call.rep)}"
    line = _line(
        _when(call.at, now),
        "call",
        (outcome, "bold"),
        (booked, ""),
        (f"  {duration}" if duration else "", "dim"),
        (by, "italic"),
    )
    return _with_text_below(line, call.notes, bool(call.notes) or "notes" in call.unreadable)


def _task_line(entry: TaskEntry, now: datetime) -> EntryText:
    task = entry.task
    status = MARK if task.status is None else task.status.value
    due = MARK if task.due_at is None else day_and_time(task.due_at, now)
    line = _line(
        _when(entry.at, now), "task", f"{task_kind_label(task)} {status}", (f"  due {due}", "dim")
    )
    return _with_text_below(line, task.note, bool(task.note) or "note" in task.unreadable)


def _email_line(email: EmailEntry, now: datetime) -> EntryText:
    """`email    after voicemail · sent  to ada@example.com`, the subject below."""
    template = MARK if "template" in email.unreadable else (email.template or "")
    via = MARK if "via" in email.unreadable else VIA_LABELS.get(email.via or "", email.via or MARK)
    address = MARK if "to_address" in email.unreadable else (email.to_address or "")
    what = " · ".join(part for part in (one_line(template).replace("_", " "), via) if part)
    line = _line(
        _when(email.at, now),
        "email",
        _literal(what, "bold"),
        _literal(f"  to {one_line(address)}" if address else "", "dim"),
    )
    return _with_text_below(line, one_line(email.subject), True)


def _deal_line(deal: DealEntry, currency: str) -> tuple[str, ...]:
    amount = MARK if deal.amount_cents is None else format_money(deal.amount_cents, currency)
    kind = MARK if deal.kind is None else deal.kind.value
    return (f"won {amount}", f" ({kind})")


def entry_line(
    entry: Entry,
    now: datetime,
    currency: str,
    timezone: object = None,
    viewer: str | None = None,
) -> EntryText:
    """One entry of the story as the timeline lists it; a time a call booked also on the
    prospect's clock (`timezone`); in a team's book, a call another rep than `viewer`
    made says whose it was."""
    match entry:
        case CallEntry():
            return _call_line(entry, now, timezone, viewer)
        case TaskEntry():
            return _task_line(entry, now)
        case EmailEntry():
            return _email_line(entry, now)
        case NoteEntry():
            body = MARK if "body" in entry.unreadable else entry.body
            return _line(_when(entry.at, now), "note", _literal(body))
        case DealEntry():
            when = _when(entry.at, now) if entry.day is None else _day(entry.day, now)
            return _line(when, "deal", *_deal_line(entry, currency))
        case FlagEntry():
            set_label, cleared_label = FLAG_LABELS.get(
                entry.flag, (f"{entry.flag} set", f"{entry.flag} cleared")
            )
            label = set_label if entry.value else cleared_label
            return _line(_when(entry.at, now), "flag", _literal(label))
