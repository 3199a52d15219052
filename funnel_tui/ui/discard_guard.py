"""Escape on a dialog that holds changes asks before throwing them away."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Select

from funnel_tui.ui.confirm_dialog import ConfirmDialog

if TYPE_CHECKING:
    from textual.screen import ModalScreen
    from textual.widget import Widget

    from funnel_tui.ui.app import FunnelApp

    _Base = ModalScreen[Any]
else:
    _Base = object


class DiscardGuard(_Base):
    """A dialog mixin for `action_cancel`: a dialog left as it opened closes at once; one
    with changes asks first, and `n` or escape there goes back to it with everything kept.

    The dialog binds escape with priority (CANCEL_BINDING), so that it acts the moment it
    arrives: the keys typed after it wait for the question, never join a field.
    """

    CLOSED_UNSAVED: Any = None
    """What the dialog returns when it closes without saving."""

    def has_changes(self) -> bool:
        """Whether anything differs from what the dialog opened with."""
        raise NotImplementedError

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # An open list (a Select's) closes first.
        return action != "cancel" or open_select_around(self.focused) is None

    def action_cancel(self) -> None:
        if not self.has_changes():
            self.dismiss(self.CLOSED_UNSAVED)
            return
        self.ask_before_leaving(
            Text("Discard your changes? Nothing you changed here is saved."), yes="discard"
        )

    def ask_before_leaving(self, question: Text, *, yes: str) -> None:
        """Ask `question`; only `y` leaves. The keys typed from the escape on are held until
        the question is up, and go to it."""
        funnel: FunnelApp = self.app  # type: ignore[assignment]
        funnel.hold_keys()
        dialog = ConfirmDialog(question, yes=yes, enter_says_yes=False)
        self.app.push_screen(dialog, self._discard_answered)
        dialog.call_after_refresh(funnel.release_keys)

    def _discard_answered(self, discard: bool | None) -> None:
        if discard:
            self.dismiss(self.CLOSED_UNSAVED)
            # The yes held the keys typed after it: they belong to the screen below.
            funnel: FunnelApp = self.app  # type: ignore[assignment]
            funnel.release_keys()


# Escape, for a dialog with DiscardGuard.
CANCEL_BINDING = Binding("escape", "cancel", "Cancel", priority=True)


def open_select_around(widget: Widget | None) -> Select[Any] | None:
    """The Select around `widget` whose list is open (its options have the focus)."""
    if widget is None:
        return None
    return next(
        (node for node in widget.ancestors if isinstance(node, Select) and node.expanded), None
    )
