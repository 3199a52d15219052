"""LeanFooter: Textual's Footer, without keeping every key it has ever shown alive."""

from __future__ import annotations

from textual.widgets import Footer


class LeanFooter(Footer):
    """The Footer recomposes its keys whenever the bindings change (every dialog opens and
    closes it twice). In Textual 8.2 each new key binds to the footer's `compact` reactive,
    and the watchers of removed keys are only dropped when `compact` changes, so a day of
    logging calls kept tens of thousands of dead keys. Touching `compact` after each
    recompose lets Textual drop them."""

    async def recompose(self) -> None:
        await super().recompose()
        self.mutate_reactive(Footer.compact)
