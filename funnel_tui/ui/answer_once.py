"""A dialog answers once, however fast the keys come."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.await_complete import AwaitComplete

if TYPE_CHECKING:
    from textual.screen import Screen

    _Base = Screen[Any]
else:
    _Base = object


class AnswersOnce(_Base):
    """A screen mixin for `dismiss`: the first answer takes the screen off the stack, and
    any other that keys sent before it was handled (`enter enter`, a key held down) is
    ignored. Textual's own dismiss would call the callback again and pop whatever screen
    is on top by then: the main screen, leaving a blank app no key reaches."""

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if self not in self.app.screen_stack:
            return AwaitComplete.nothing()
        return super().dismiss(result)
