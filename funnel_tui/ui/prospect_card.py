"""ProspectCard: who the prospect is, what they need, and how the last calls went."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from funnel_tui.cadence import calling_window
from funnel_tui.clocks import (
    FIXED_OFFSET,
    UNKNOWN_ZONE,
    fixed_offset_region,
    their_time,
    unreadable_zone,
)
from funnel_tui.domain import Kind, Priority, outcome_label
from funnel_tui.foreign_values import MARK
from funnel_tui.money import format_money
from funnel_tui.phones import PhoneRefused, library_loaded, read_phone
from funnel_tui.prospects import CardData
from funnel_tui.rep_names import is_same_rep, named_rep
from funnel_tui.settings import Settings
from funnel_tui.text import one_line, shown_at_most
from funnel_tui.ui.formatting import (
    duration_label,
    local_time,
    moment_label,
    task_due_label,
    task_kind_label,
)
from funnel_tui.ui.late_style import PLAIN_LATE, late_style

FACTS = (
    ("Needs", "needs"),
    ("Pain points", "pain_points"),
    ("Objections", "objections"),
    ("Goals", "goals"),
)
MISSING = "not known yet"
# The most cells of a name, a title and a company each that the card's head shows: a
# CRM's 200 characters of each wrapped over every line of a small terminal's card, its
# phone and email out of sight (the edit form holds all of it). The title and the company
# are cut apart, so a long title leaves the company in sight.
HEAD_CELLS = 40


def _literal(value: object, style: str = "") -> Text:
    """User text as it was typed, its first SHOWN_AT_MOST characters: never markup, never
    terminal escapes."""
    return Text(shown_at_most(str(value)), style=style)


def _head(value: object, style: str = "") -> Text:
    """User text for the card's head: its first HEAD_CELLS cells, an ellipsis where cut."""
    text = _literal(value, style)
    text.truncate(HEAD_CELLS, overflow="ellipsis")
    return text


def _label_table() -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True, width=12)
    # A long word (an email address, a URL) folds onto the next line, never cut short.
    table.add_column(ratio=1, overflow="fold")
    return table


class TeamView(NamedTuple):
    """Whose the prospect is, seen by `rep` in a team's book (PRODUCT 16): `held_by` is
    the rep whose lease on a pool prospect runs now (`rep` themself once their app has
    claimed it)."""

    rep: str
    held_by: str | None = None


def owner_line(owner: str | None, team: TeamView) -> Text:
    """`yours`, `alex's`, or the pool's with who holds it now."""
    if owner is not None:
        if is_same_rep(owner, team.rep):
            return Text("yours")
        return Text.assemble(_literal(owner), "'s: not in your queue")
    if team.held_by is None:
        return Text("the pool: nobody holds it")
    if is_same_rep(team.held_by, team.rep):
        return Text("the pool: you hold it while the card is open")
    return Text.assemble(
        ("the pool: ", ""), _literal(team.held_by, "bold yellow"), (" is on it now", "yellow")
    )


def render_card(
    card: CardData,
    *,
    now: datetime,
    settings: Settings,
    team: TeamView | None = None,
    late: str = PLAIN_LATE,
) -> RenderableType:
    """The card's content for one prospect; `?` where another tool stored a value of the
    wrong type or range. In a team's book it says whose the prospect is. An overdue task
    says how late in `late` (a style)."""
    prospect = card.prospect

    def shown(column: str, text: str) -> str:
        return card.shown("prospects", prospect, column, text)

    heading = Text.assemble(
        _head(shown("name", one_line(prospect["name"])), "bold"),
        "  ",
        (_kind_label(prospect["kind"]), "italic"),
        " · ",
        (prospect["stage"], "italic"),
    )
    title, company = (shown(column, one_line(prospect[column])) for column in ("title", "company"))
    role = Text(" at ").join(_head(part) for part in (title, company) if part)
    contact = _label_table()
    if team is not None:
        contact.add_row("Owner", owner_line(prospect.get("owner"), team))
    _add_phone_rows(contact, card, settings.phone_region)
    if prospect["wrong_number"]:
        contact.add_row("", Text("flagged as a wrong number: edit it (e) to call again", "red"))
    contact.add_row("Email", _literal(shown("email", prospect["email"] or "—")))
    if prospect["do_not_email"]:
        contact.add_row("", Text("marked do not email: no email goes to them", "red"))
    elif card.marked_at_address is not None:
        marked_id, marked_name = card.marked_at_address
        contact.add_row(
            "",
            Text.assemble(
                "no email: ",
                _literal(marked_name),
                f" (id {marked_id}), at this address, is marked do not email",
                style="red",
            ),
        )
    if there := local_time(prospect["timezone"], now):
        guessed = " (guessed from the number)" if prospect.get("timezone_guessed") else ""
        region = fixed_offset_region(prospect["timezone"])
        doubt = f"{MARK} " if region else ""
        contact.add_row("Their time", Text.assemble(doubt, _literal(there), (guessed, "italic")))
        if region:
            contact.add_row("", Text(f"{FIXED_OFFSET} ({region}?)", "yellow"))
        callable_now, opens_at = calling_window(now, settings, prospect["timezone"])
        if not callable_now and opens_at is not None:
            opens = f"outside calling hours: opens {opens_at:%a %H:%M} your time"
            contact.add_row("", Text(opens, "yellow"))
    elif card.shows_mark("prospects", prospect, "timezone") or unreadable_zone(
        prospect["timezone"]
    ):
        # Another tool wrote it: taken as no zone, as an empty one, which the card says.
        stored = prospect["timezone"]
        zone = Text.assemble(MARK, " ", _literal(one_line(stored))) if stored else Text(MARK)
        contact.add_row("Their time", zone)
        contact.add_row("", Text(f"{UNKNOWN_ZONE}: calling hours unchecked", "yellow"))
    if card.shows_mark("prospects", prospect, "deal_value_cents"):
        contact.add_row("Deal value", MARK)
    elif prospect["deal_value_cents"]:
        contact.add_row(
            "Deal value", _literal(format_money(prospect["deal_value_cents"], settings.currency))
        )
    contact.add_row("Source", _literal(shown("source", prospect["source"] or "—")))
    contact.add_row("Priority", shown("priority", _priority_label(prospect["priority"])))
    if prospect["do_not_call"]:
        contact.add_row("Next call", "never: do not call")
    _add_task_rows(contact, card, now, late)
    if card.shows_mark("prospects", prospect, "attempts"):
        contact.add_row("Attempts", MARK)
    elif prospect["attempts"]:
        contact.add_row("Attempts", str(prospect["attempts"]))

    facts = _label_table()
    for label, column in FACTS:
        value = prospect[column]
        if card.shows_mark("prospects", prospect, column):
            facts.add_row(label, MARK)
        else:
            facts.add_row(label, _literal(value) if value else Text(MISSING, "dim italic"))

    parts: list[RenderableType] = [heading]
    if role:
        parts.append(role)
    parts += [Text(), contact, Text(), facts, Text(), Text("Last calls", "bold underline")]
    parts += _calls_lines(card, now, team) if card.calls else [Text("never called", "dim italic")]
    if card.notes:
        parts += [Text(), Text("Notes", "bold underline")]
        for note in card.notes:
            created = card.shown("notes", note, "created_at", moment_label(note["created_at"], now))
            body = card.shown("notes", note, "body", note["body"] or "")
            parts.append(Text.assemble((created + "  ", "dim"), _literal(body)))
    return Group(*parts)


def _add_phone_rows(table: Table, card: CardData, region: str) -> None:
    """The number in the international format, or as stored with why it cannot be
    dialled (another tool wrote it, or it was there before numbers were checked)."""
    phone = card.prospect["phone"]
    if card.shows_mark("prospects", card.prospect, "phone") or not phone:
        table.add_row("Phone", MARK if phone else "—")
        return
    if not library_loaded():
        # The app's first frame shows the number as stored (`+15550001000`): phonenumbers
        # loads right after it, and the card is shown again (MainScreen._format_phones).
        table.add_row("Phone", _literal(phone))
        return
    try:
        shown = read_phone(phone, region).international
    except PhoneRefused as refused:
        table.add_row("Phone", _literal(phone))
        table.add_row("", Text(f"cannot be dialled: {refused}", "yellow"))
    else:
        table.add_row("Phone", _literal(shown))


def _add_task_rows(table: Table, card: CardData, now: datetime, late: str) -> None:
    """The soonest open tasks, one row each: kind and when (on their clock too, where it
    reads otherwise, as the toasts and emails say it), or how late (in `late`, a style)."""
    if not card.tasks:
        table.add_row("Tasks", Text("none open: not scheduled", "dim italic"))
        return
    for number, task in enumerate(card.tasks):
        overdue = task.due_at is not None and task.due_at <= now
        theirs = ""
        if task.due_at is not None and not overdue:
            theirs = their_time(task.due_at, now, card.prospect["timezone"])
        table.add_row(
            "Tasks" if number == 0 else "",
            Text.assemble(
                (f"{task_kind_label(task):<9}", "bold"),
                (task_due_label(task, now), late if overdue else ""),
                (f"  {theirs}" if theirs else "", "dim"),
            ),
        )
    if more := card.open_task_count - len(card.tasks):
        table.add_row("", Text(f"and {more} more (h: timeline)", "dim italic"))


def _calls_lines(card: CardData, now: datetime, team: TeamView | None) -> list[Text]:
    """Each last call: when, the outcome and how long, then its note; in a team's book,
    one another rep made says whose it was under it, before its note (`blake: asked for
    a call after lunch`, or `by blake`), where a narrow card does not part the name from
    the word before it."""
    lines = []
    for call in card.calls:
        started = card.shown("calls", call, "started_at", moment_label(call["started_at"], now))
        duration = card.shown("calls", call, "duration_s", duration_label(call["duration_s"]))
        lines.append(
            Text.assemble(
                (started, "dim"),
                "  ",
                (outcome_label(call["outcome"]), "bold"),
                (f"  {duration}" if duration else "", "dim"),
            )
        )
        caller = named_rep(call.get("rep"))
        theirs = team is not None and caller is not None and not is_same_rep(caller, team.rep)
        notes = card.shown("calls", call, "notes", call["notes"] or "")
        if theirs and notes:
            lines.append(
                Text.assemble("  ", (f"{one_line(caller)}: ", "bold"), _literal(notes, "italic"))
            )
        elif theirs:
            lines.append(Text(f"  by {one_line(caller)}", "italic"))
        elif notes:
            lines.append(Text.assemble("  ", _literal(notes, "italic")))
    return lines


def _kind_label(kind: str) -> str:
    try:
        return Kind(kind).label
    except ValueError:
        return kind


def _priority_label(priority: int) -> str:
    try:
        return Priority(priority).label
    except ValueError:
        return str(priority)


class ProspectCard(VerticalScroll, can_focus=True):
    """The highlighted prospect, scrollable when the notes run long."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Whose card is on screen: showing them again (a refresh) keeps the scroll.
        self._shown_id: int | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text("No prospect selected", "dim italic"), id="card-body")

    def show(
        self,
        card: CardData | None,
        *,
        now: datetime,
        settings: Settings,
        team: TeamView | None = None,
        nobody: str = "The queue is empty: nothing to call right now.",
    ) -> None:
        """Show the card, or with none what `nobody` says (why the list is empty): another
        prospect's from the top, where their name is, the same prospect's where it was."""
        body = self.query_one("#card-body", Static)
        shown_id = None if card is None else card.prospect["id"]
        if shown_id != self._shown_id:
            self._shown_id = shown_id
            self.scroll_home(animate=False)
        if card is None:
            body.update(Text(nobody, "dim italic"))
            return
        body.update(
            render_card(card, now=now, settings=settings, team=team, late=late_style(self.app))
        )

    def show_unread(self) -> None:
        """The highlighted prospect's card could not be read (a team's database out of
        reach): say so rather than keep showing the prospect before."""
        self._shown_id = None
        self.query_one("#card-body", Static).update(
            Text("This card cannot be read while the team database is out of reach.", "dim italic")
        )
