"""Fill call scripts with a prospect's facts and pick the objection answers that apply."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from funnel_tui.scripts.loader import CallScript
from funnel_tui.settings import Settings

# What the rep sees instead of a missing fact: a prompt to find it out, never a blank.
FACT_PROMPTS: dict[str, str] = {
    "name": "(ask: their name)",
    "first_name": "(ask: their name)",
    "title": "(ask: their role)",
    "company": "(ask: their company)",
    "needs": "(ask: their needs)",
    "pain_points": "(ask: what hurts today)",
    "objections": "(ask: their concerns)",
    "goals": "(ask: their goals)",
    "source": "(ask: how they found us)",
    "rep_name": "(set your name: funnel config set rep_name ...)",
}
PROSPECT_FIELDS = (
    "name",
    "title",
    "company",
    "needs",
    "pain_points",
    "objections",
    "goals",
    "source",
)

PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
# Hyphenated words count as one word too, so "e-mail" is found by the keyword "email".
WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Longest first; enough to let "price" find "pricing", "prices" and "pricey".
SUFFIXES = ("ings", "ing", "ers", "ies", "ier", "es", "ed", "er", "ey", "ly", "s", "e", "d", "y")
SHORTEST_STEM = 3


@dataclass(frozen=True)
class RenderedStep:
    """A script step with the prospect's facts filled in."""

    title: str
    say: str
    ask: tuple[str, ...]


def prospect_facts(prospect: Mapping[str, object], settings: Settings) -> dict[str, str]:
    """The value of every placeholder for one prospect row; a missing fact becomes a prompt."""
    values = {field: _field_text(prospect, field) for field in PROSPECT_FIELDS}
    name_words = values["name"].split()
    values["first_name"] = name_words[0] if name_words else ""
    values["rep_name"] = settings.rep_name.strip()
    return {key: value or FACT_PROMPTS[key] for key, value in values.items()}


def _field_text(prospect: Mapping[str, object], field: str) -> str:
    try:
        value = prospect[field]
    except (KeyError, IndexError):  # sqlite3.Row raises IndexError for an unknown column
        return ""
    return "" if value is None else str(value).strip()


def render_text(template: str, facts: Mapping[str, str]) -> str:
    """Replace each `{placeholder}` once; inserted text is never read again as a template."""

    def fill(match: re.Match[str]) -> str:
        key = match.group(1).lower()
        value = facts.get(key)
        if value and value.strip():
            return value
        return FACT_PROMPTS.get(key, f"(ask: {key.replace('_', ' ')})")

    return PLACEHOLDER.sub(fill, template)


def render_script(script: CallScript, facts: Mapping[str, str]) -> tuple[RenderedStep, ...]:
    """Every step of the script filled in with the facts."""
    return tuple(
        RenderedStep(
            render_text(step.title, facts),
            render_text(step.say, facts),
            tuple(render_text(question, facts) for question in step.ask),
        )
        for step in script.steps
    )


def objection_answers(
    script: CallScript, objections_text: str | None, facts: Mapping[str, str]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(matching, others): the answers whose keyword the prospect's objections mention first."""
    words, word_runs = _words(objections_text or "")
    matching: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    for keyword, answer in script.objections.items():
        keyword_stems = [_stem(word.replace("-", "")) for word in WORD.findall(keyword.lower())]
        if len(keyword_stems) == 1:
            found = keyword_stems[0] in words
        else:
            found = _contains_run(word_runs, keyword_stems)
        (matching if found else others).append((keyword, render_text(answer, facts)))
    return matching, others


def _words(text: str) -> tuple[set[str], list[str]]:
    """Stems of every word, with hyphenated words also whole, and the stems in text order."""
    run: list[str] = []
    stems: set[str] = set()
    for word in WORD.findall(text.lower()):
        parts = [_stem(part) for part in word.split("-")]
        run.extend(parts)
        stems.update(parts)
        stems.add(_stem(word.replace("-", "")))
    return stems, run


def _contains_run(run: list[str], wanted: list[str]) -> bool:
    width = len(wanted)
    return any(run[start : start + width] == wanted for start in range(len(run) - width + 1))


def _stem(word: str) -> str:
    for suffix in SUFFIXES:
        # "process" keeps its double s, so it stems like "processes".
        if suffix == "s" and word.endswith("ss"):
            continue
        if word.endswith(suffix) and len(word) - len(suffix) >= SHORTEST_STEM:
            return word[: -len(suffix)]
    return word


def render_plain(script: CallScript, facts: Mapping[str, str], objections_text: str | None) -> str:
    """The filled-in script as plain text: numbered steps, questions, then objection answers."""
    lines = [script.name, ""]
    for number, step in enumerate(render_script(script, facts), start=1):
        lines.append(f"{number}. {step.title}")
        lines.append(textwrap.indent(step.say, "   "))
        lines.extend(textwrap.indent(f"- {question}", "   ") for question in step.ask)
        lines.append("")
    matching, others = objection_answers(script, objections_text, facts)
    sections = (
        [("Objections recorded for this prospect", matching), ("Other objections", others)]
        if matching
        else [("Objections", others)]
    )
    for heading, answers in sections:
        if answers:
            lines.append(heading)
            lines.extend(textwrap.indent(f"- {kw}: {answer}", "   ") for kw, answer in answers)
            lines.append("")
    return "\n".join(lines).rstrip("\n")
