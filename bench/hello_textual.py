"""The smallest Textual app: the start-up baseline the benchmark compares the real app to."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, Label

GREETING = "Hello from Textual"


class HelloApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Label(GREETING)
        yield Footer()


if __name__ == "__main__":
    HelloApp().run()
