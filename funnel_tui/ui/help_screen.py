"""HelpScreen: every key, generated from the bindings so it never drifts from them."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from funnel_tui.domain import LOST_REASON_KEYS, OUTCOME_SPECS, Outcome, Question
from funnel_tui.ui.answer_once import AnswersOnce
from funnel_tui.ui.formatting import key_names
from funnel_tui.ui.styled_as_mounted import StyledAsMounted


def _section(table: Table, title: str, rows: Iterable[tuple[str, str]]) -> None:
    table.add_row(Text(title, "bold underline"), "")
    for keys, description in rows:
        table.add_row(Text(keys, "bold"), description)
    table.add_row("", "")


class HelpScreen(AnswersOnce, StyledAsMounted, ModalScreen[None]):
    """All keys of the main screen, the queue and the outcome dialog."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def _keys(self, bindings: Iterable[Binding]) -> list[tuple[str, str]]:
        """One row per key: a key bound twice (each binding for its own moment) lists
        what it does in each, in the order bound."""
        rows: dict[str, list[str]] = {}
        for binding in bindings:
            rows.setdefault(" / ".join(key_names(binding.key)), []).append(binding.description)
        return [(keys, "; ".join(descriptions)) for keys, descriptions in rows.items()]

    def compose(self) -> ComposeResult:
        from funnel_tui.ui.call_queue import CallQueue
        from funnel_tui.ui.email_screen import EmailScreen
        from funnel_tui.ui.main_screen import MainScreen
        from funnel_tui.ui.timeline_screen import TimelineScreen

        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column()
        _section(table, "Queue", self._keys(CallQueue.BINDINGS))
        filter_keys = MainScreen.FILTER_BINDINGS
        main_keys = (binding for binding in MainScreen.BINDINGS if binding not in filter_keys)
        _section(table, "Main screen", self._keys(main_keys))
        _section(table, "Filter (/)", self._keys(filter_keys))
        _section(
            table,
            "Outcome dialog (l)",
            [(spec.key, spec.label + _asks(outcome)) for outcome, spec in OUTCOME_SPECS.items()]
            + [
                ("tab / shift+tab", "List, asked fields, note: in a field every letter is text"),
                ("down", "In a date, next fri (this week's still to come): next week's instead"),
                ("enter", "Save"),
                ("escape", "Cancel, nothing changes"),
            ],
        )
        _section(
            table,
            "Reason (x)",
            [(key, reason.label) for reason, key in LOST_REASON_KEYS.items()]
            + [("backspace", "No reason (the reasons take every letter while they have focus)")],
        )
        _section(
            table,
            "Timeline (h)",
            [
                ("up / down, j / k", "Move through the open tasks and the story"),
                *self._keys(binding for binding in TimelineScreen.BINDINGS if binding.show),
                ("down", "In a new time, next fri (this week's still to come): next week's"),
            ],
        )
        _section(
            table,
            "Email (E)",
            [
                ("1-9 / enter", "Pick a template"),
                *self._keys(binding for binding in EmailScreen.BINDINGS if binding.show),
            ],
        )
        _section(
            table,
            "A sales team (a postgresql:// --db)",
            [
                ("who", "You are $FUNNEL_REP (or rep in config.toml); funnel rep add NAME"),
                ("queue", "Your prospects and the shared pool's, less those others hold"),
                ("card", "Resting on a pool prospect holds it for you (15 min, renewed)"),
                ("owner", "The first call that reaches a pool prospect makes them yours"),
                ("gauge", "Your target and won; the team's calls today and the pool"),
                ("live", "Other reps' calls and claims show within a second"),
                ("report", "funnel report --team: every rep and the team's total"),
            ],
        )
        _section(
            table,
            "Everywhere",
            [
                ("tab / shift+tab", "Move between panes"),
                ("ctrl+p", "Command palette: every action"),
            ],
        )
        # The keys scroll under the title; how to close stays in sight below them.
        with Vertical(id="help-box", classes="dialog"):
            yield Label("Keys", id="help-title", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(table, id="help-keys")
            yield Label("esc or ? closes", id="help-hint", classes="dialog-hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def _asks(outcome: Outcome) -> str:
    """` · asks amount, expected close`: each field the outcome asks for, by its label."""
    if not outcome.spec.asks:
        return ""
    asked = ", ".join(_asked(question) for question in outcome.spec.asks)
    starts_from = " (starts from the open deal value)" if outcome is Outcome.WON else ""
    return f" · asks {asked}{starts_from}"


def _asked(question: Question) -> str:
    return question.label.lower() + ("" if question.required else " (optional)")
