"""Scripts as plain text for `funnel script`: spoken lines indented, questions with `-`,
rep-only cues with `> `."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from funnel_tui.scripts.fill import DO_NOT_CALL, FilledScript
from funnel_tui.scripts.loader import SITUATIONS, CallScript, ScriptStep
from funnel_tui.scripts.render import ObjectionAnswer, RenderedStep, no_answer_fits

INDENT = "   "
SITUATION_NAMES = {
    "cold": "cold (a new prospect who did not come to us)",
    "inbound": "inbound (a new prospect who came to us)",
    "known": "known (reached before)",
    "declined": "declined (said no when last reached)",
    "customer": "customer (has bought from us)",
    DO_NOT_CALL: "do not call (asked not to be called)",
}


def filled_plain(filled: FilledScript) -> str:
    """The script filled in for a prospect, with the opener and profile entries it chose."""
    script = filled.script
    lines = [script.name]
    if script.fits:
        lines.append(f"> {script.fits}")
    if filled.situation == DO_NOT_CALL:
        lines.append(f"> Situation: {SITUATION_NAMES[DO_NOT_CALL]}; no script")
    else:
        lines += _chosen_lines(filled)
    lines.append("")
    for number, step in enumerate(filled.steps, start=1):
        lines += _step_lines(number, step)
    sections = (
        [
            ("Objections recorded for this prospect", [], filled.matching_objections),
            ("Other objections", [], filled.other_objections),
        ]
        if filled.matching_objections
        else [("Objections", _no_match_lines(filled.objections_noted), filled.other_objections)]
    )
    for heading, notes, answers in sections:
        if answers:
            lines += [heading, *notes, *_answer_lines(answers), ""]
    return "\n".join(lines).rstrip("\n")


def _no_match_lines(noted: str) -> list[str]:
    """The objections recorded that no answer fits, as a cue: the opener's cue quotes
    them, so the answers must not read as if there were none."""
    if not noted:
        return []
    said = no_answer_fits(noted)
    return [f"{INDENT}> {said[:1].upper()}{said[1:]}"]


def _chosen_lines(filled: FilledScript) -> list[str]:
    """The opener and the profile entries chosen for this prospect."""
    situation = SITUATION_NAMES[filled.situation]
    opener = filled.script.opener(filled.situation)
    if opener is not None:
        lines = [f"> Opener: {situation}"]
    else:
        lines = [f"> Situation: {situation}; this script has no openers"]
    if filled.profile_entries:
        chosen = "; ".join(f"{key} = {value}" for key, value in filled.profile_entries.items())
        lines.append(f"> Profile: {chosen}")
    else:
        lines.append("> Profile: nothing chosen (no profile, or nothing in it matches)")
    return lines


def _step_lines(number: int, step: RenderedStep) -> list[str]:
    lines = [f"{number}. {step.title}"]
    if step.say:
        lines.append(textwrap.indent(step.say, INDENT))
    lines += [f"{INDENT}- {question}" for question in step.ask]
    if step.cue:
        lines.append(f"{INDENT}> {step.cue}")
    return [*lines, ""]


def _answer_lines(answers: Iterable[ObjectionAnswer]) -> list[str]:
    return [
        f"{INDENT}- {answer.title}: {answer.answer}"
        if answer.spoken
        else f"{INDENT}> {answer.title}: {answer.answer}"
        for answer in answers
    ]


def template_plain(script: CallScript) -> str:
    """The script as written, every opener and step with its placeholders, for reading it
    through before a call or checking a file."""
    lines = [script.name]
    if script.fits:
        lines.append(f"> {script.fits}")
    lines.append("")
    openers = [(situation, script.opener(situation)) for situation in SITUATIONS]
    if any(opener is not None for _, opener in openers):
        lines.append("Openers")
        for situation, opener in openers:
            if opener is not None:
                lines += _template_lines(f"Open: {SITUATION_NAMES[situation]}", opener)
    for number, step in enumerate(script.steps, start=1):
        only = f" (for {', '.join(step.situations)} only)" if step.situations else ""
        lines += _template_lines(f"{number}. {step.title}{only}", step)
    if script.objections:
        lines.append("Objections (this script's own answers)")
        lines += [f"{INDENT}- {key}: {answer}" for key, answer in script.objections.items()]
    return "\n".join(lines).rstrip("\n")


def _template_lines(heading: str, step: ScriptStep) -> list[str]:
    lines = [heading]
    if step.say:
        lines.append(textwrap.indent(step.say, INDENT))
    lines += [f"{INDENT}- {question}" for question in step.ask]
    lines += [f"{INDENT}(if a fact is missing) {line}" for line in step.fallback]
    if step.cue:
        lines.append(f"{INDENT}> {step.cue}")
    return [*lines, ""]
