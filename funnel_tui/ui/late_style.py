"""The style a task's lateness is written in (`3 days late` on the card and the timeline):
the theme's red for text, which keeps its contrast on the theme's background; bold in the
text's own colour under NO_COLOR, as the queue's overdue rows are, where the terminal red
turned a dark grey."""

from __future__ import annotations

from textual.app import App

# Before a theme is applied, and for a theme without it.
PLAIN_LATE = "red"


def late_style(app: App) -> str:
    """The theme's `$text-error` as a Rich style, or bold without colour."""
    if app.no_color:
        return "bold"
    return app.theme_variables.get("text-error") or PLAIN_LATE
