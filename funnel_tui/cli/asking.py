"""Asking before what cannot be undone."""

from __future__ import annotations

import sys

import click

from funnel_tui.cli.errors import UserError


def stdin_is_terminal() -> bool:
    """Whether someone at a terminal can answer a question."""
    return sys.stdin.isatty()


def confirm_for_good(yes: bool, *, doing: str, question: str, declined: str) -> None:
    """Ask before what cannot be undone, unless `--yes` was given: at a terminal the
    `question` (no answer, or `n`, says `declined` and exits 1); without a terminal nobody
    can answer, so one line says what `doing` would do and that it needs --yes."""
    if yes:
        return
    if not stdin_is_terminal():
        raise UserError(
            f"{doing} cannot be undone, so it asks first: run it in a terminal, or add --yes"
        )
    if not click.confirm(question, default=False):
        click.echo(declined, err=True)
        click.get_current_context().exit(1)
