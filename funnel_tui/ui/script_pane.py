"""ScriptPane: the call script for the prospect's selling method, one step at a time.

Spoken lines (what to say, questions to ask, objection answers) are plain text; cues for
the rep alone are dim italic behind a `▸`, so the eye skips them while talking.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.text import Text
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from funnel_tui.scripts import ObjectionAnswer, RenderedStep
from funnel_tui.scripts.render import no_answer_fits
from funnel_tui.text import clean_text


@dataclass(frozen=True)
class ScriptView:
    """A script rendered for one prospect: steps and objection answers, all plain text."""

    method_name: str
    steps: tuple[RenderedStep, ...]
    matching_objections: list[ObjectionAnswer] = field(default_factory=list)
    other_objections: list[ObjectionAnswer] = field(default_factory=list)
    # Which prospect and method this is: showing the same again keeps the current step.
    subject: tuple[object, ...] = ()
    # The prospect's objections as recorded, which may match no answer.
    objections_noted: str = ""


def render_step_strip(view: ScriptView, current: int) -> Text:
    """`1 Pain › 2 Reasons › ...` with the current step highlighted."""
    strip = Text()
    for number, step in enumerate(view.steps):
        if number:
            strip.append(" › ", "dim")
        style = "reverse bold" if number == current else ("dim" if number < current else "")
        strip.append(f"{number + 1} {clean_text(step.title)}", style)
    return strip


CUE_MARK = "▸ "
CUE_STYLE = "dim italic"


def cue_line(text: str) -> Text:
    """A line for the rep only: never to be read out."""
    return Text.assemble((CUE_MARK + clean_text(text), CUE_STYLE))


def answer_line(answer: ObjectionAnswer, title_style: str) -> Text:
    title = (f"{clean_text(answer.title)}: ", title_style)
    if answer.spoken:
        return Text.assemble(title, clean_text(answer.answer))
    return Text.assemble(title, (CUE_MARK + clean_text(answer.answer), CUE_STYLE))


def no_match(noted: str) -> str:
    """What stands for the answers when none matches: whether any objection is recorded,
    and which, so that one quoted in a cue does not read as none."""
    if not noted:
        return "none recorded for this prospect"
    return no_answer_fits(clean_text(noted))


def render_script(view: ScriptView, current: int, *, all_objections: bool) -> RenderableType:
    step = view.steps[current]
    parts: list[RenderableType] = [
        Text.assemble(
            (clean_text(view.method_name), "bold"),
            (f"  step {current + 1} of {len(view.steps)}", "dim"),
        ),
        render_step_strip(view, current),
        Text(),
        Text(clean_text(step.title), "bold underline"),
    ]
    if step.say:
        parts.append(Text(clean_text(step.say)))
    if step.ask:
        parts += [Text(), Text("Ask", "bold")]
        parts += [Text.assemble(" • ", clean_text(question)) for question in step.ask]
    if step.cue:
        parts += [Text(), cue_line(step.cue)]
    if not (view.matching_objections or view.other_objections):
        return Group(*parts)
    parts += [Text(), Text("Objections", "bold underline")]
    if view.matching_objections:
        parts += [answer_line(answer, "bold $warning") for answer in view.matching_objections]
    else:
        parts.append(Text(no_match(view.objections_noted), "dim italic"))
    if all_objections:
        parts += [answer_line(answer, "bold") for answer in view.other_objections]
    elif view.other_objections:
        parts.append(Text(f"o: show {len(view.other_objections)} more answers", "dim"))
    return Group(*parts)


class ScriptPane(VerticalScroll, can_focus=True):
    """Shows one step of the script; the screen moves between steps with `[` and `]`."""

    step = reactive(0, init=False)
    """The step on screen, counted from 0."""

    all_objections = reactive(False, init=False)
    """Whether answers to objections this prospect has not raised are shown too."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._view: ScriptView | None = None
        # Why there is no prospect to show, when there is none.
        self._nobody = "the queue is empty"

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="script-body")

    def show(self, view: ScriptView | None, *, nobody: str = "the queue is empty") -> None:
        """Show a script: from its first step, or at the same step when it is the same
        prospect and method again (a refresh); with none, `nobody` says why."""
        same = view is not None and self._view is not None and view.subject == self._view.subject
        self._view = view
        self._nobody = nobody
        if not same:
            # Set even when it is already 0 (no watcher runs then): a new prospect's
            # script starts at the top, wherever the last one was scrolled to.
            self.step = 0
            self.scroll_home(animate=False)
        self._update_body()

    def show_unread(self) -> None:
        """No script: the prospect's card could not be read (a team's database out of
        reach)."""
        self._view = None
        self.query_one("#script-body", Static).update(
            Text("The script shows once the card can be read.", "dim italic")
        )

    def validate_step(self, value: int) -> int:
        if self._view is None:
            return 0
        return max(0, min(value, len(self._view.steps) - 1))

    def watch_step(self) -> None:
        self._update_body()
        self.scroll_home(animate=False)

    def watch_all_objections(self) -> None:
        self._update_body()

    def _update_body(self) -> None:
        body = self.query_one("#script-body", Static)
        if self._view is None:
            body.update(Text(f"No prospect selected: {self._nobody}.", "dim italic"))
            return
        if not self._view.steps:
            body.update(Text("No script for this prospect's method.", "dim italic"))
            return
        body.update(render_script(self._view, self.step, all_objections=self.all_objections))
