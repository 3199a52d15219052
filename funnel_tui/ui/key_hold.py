"""Why the app holds the keys a fast typist sends ahead (FunnelApp.hold_keys): they are
replayed, in order, once nothing holds them any more."""

from __future__ import annotations

from enum import Enum


class KeyHold(Enum):
    """A reason to hold the keys typed from now on."""

    # The main screen being built as the app starts: keys typed meanwhile act once it is
    # up, on its first prospect, as they would a moment later.
    STARTUP = "startup"
    # A dialog saving: the keys after its enter belong to what comes after it.
    DIALOG = "dialog"
    # The queue read again after a call was logged: the keys typed ahead act on the
    # order without the prospect just logged, as they would at a slower pace.
    QUEUE_READ = "queue read"
    # A call's prospect being claimed (a team's book): the keys typed after enter act on
    # the call once it has started, or are dropped when another rep has the prospect.
    CALL_CLAIM = "call claim"
    # An undo or redo under way: the keys typed after it act once the call is taken back
    # (or logged again), never on the book before it.
    UNDO = "undo"
    # An email's template being filled in: the keys typed meanwhile are its first words.
    EMAIL_TEXT = "email text"
    # Escape typed with another key right behind it (read as one alt key): the key acts
    # once the escape has (fast_escape).
    ESCAPE = "escape"
