"""A label that says the same thing in several phrasings, longest first, and shows the
longest that fits on one line at its width: the queue's title keeps its height, and the
rows below it stay put, when its counts arrive. When none fits, the one that reads best
over two lines wraps rather than hide its end."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Label


class FittedLabel(Label):
    """Plain text (never markup) in the longest phrasing that fits its width."""

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(text, id=id, markup=False)
        self._phrasings: tuple[str, ...] = (text,)
        self._wrapped = text
        self._shown = text

    def say(self, *phrasings: str, wrapped: str | None = None) -> None:
        """Show the longest of `phrasings` (given longest first) that fits on one line;
        when none does, `wrapped` (by default the shortest), over as many as it needs."""
        self._phrasings = phrasings
        self._wrapped = phrasings[-1] if wrapped is None else wrapped
        self._fit()

    @property
    def shown(self) -> str:
        return self._shown

    def on_resize(self) -> None:
        # After the frame: a new text's layout asked for while the screen is being
        # arranged would be lost, and the label would keep the old text's height.
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        width = self.content_size.width
        fitting = (text for text in self._phrasings if not width or cell_len(text) <= width)
        text = next(fitting, self._wrapped)
        if text != self._shown:
            self._shown = text
            self.update(text)
