"""Escape on a dialog that holds changes asks before throwing them away."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from funnel_tui.ui.confirm_dialog import ConfirmDialog

if TYPE_CHECKING:
    from textual.screen import ModalScreen

    from funnel_tui.ui.app import FunnelApp

    _Base = ModalScreen[Any]
else:
    _Base = object


class DiscardGuard(_Base):
    """A dialog mixin for `action_cancel`: a dialog left as it opened closes at once; one
    with changes asks first, and `n` or escape there goes back to it with everything kept."""

    CLOSED_UNSAVED: Any = None
    """What the dialog returns when it closes without saving."""

    def has_changes(self) -> bool:
        """Whether anything differs from what the dialog opened with."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        if not self.has_changes():
            self.dismiss(self.CLOSED_UNSAVED)
            return
        question = Text("Discard your changes? Nothing you changed here is saved.")
        self.app.push_screen(ConfirmDialog(question, yes="discard"), self._discard_answered)

    def _discard_answered(self, discard: bool | None) -> None:
        if discard:
            self.dismiss(self.CLOSED_UNSAVED)
            # The yes held the keys typed after it: they belong to the screen below.
            funnel: FunnelApp = self.app  # type: ignore[assignment]
            funnel.release_keys()
