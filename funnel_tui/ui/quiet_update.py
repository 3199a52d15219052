"""`Static.update` only when what it shows would change: an update lays the whole screen
out again, changed or not, and a form updates its lines under the fields at every key."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.widgets import Static


def update_if_changed(static: Static, content: str | Text | Content) -> None:
    """Show `content` in `static` unless it shows the same text in the same style."""
    if not _same(static.content, content):
        static.update(content)


def _same(shown: object, content: str | Text | Content) -> bool:
    # Text and Content compare their characters (Text its spans too), not a whole style.
    if isinstance(shown, Text) and isinstance(content, Text):
        return shown == content and shown.style == content.style
    if isinstance(shown, Content) and isinstance(content, Content):
        return shown.plain == content.plain and shown.spans == content.spans
    return isinstance(shown, str) and isinstance(content, str) and shown == content
