"""Where the queue's cursor goes once its order has been read again."""

from __future__ import annotations

from typing import NamedTuple


class PendingSelection(NamedTuple):
    """Where the cursor goes once the queue has been read again, unless the rep has moved
    it meanwhile: a key typed after a save wins over the save's choice of next prospect."""

    cursor_was_on: int | None
    """The prospect highlighted when the selection was asked for."""

    prospect_id: int | None = None
    """The prospect to select; None for the first row."""

    or_else: int | None = None
    """The prospect to select when `prospect_id` is not in the order read."""

    or_first: bool = False
    """When neither is in the order read, the first row rather than the row the cursor
    was at: a row's place in another view says nothing of this one."""
