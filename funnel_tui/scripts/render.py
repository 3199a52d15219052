"""Fill call scripts in for a prospect: spoken lines only when every fact is known, cues always.

The rules (PRODUCT 6): a spoken line (`say`, an `ask` item, an objection answer) is used
only when every `{placeholder}` in it has a value. Otherwise `say` gives way to the step's
first `fallback` line that can be said (by the same rule), a question is dropped, and a
step with nothing left to say shows its cue alone; when neither `say` nor a fallback could
be said, the cue starts with what is missing, in plain words ("Not recorded: their needs;
ask for it."). A cue is for the rep and is always shown; a missing fact in it reads `(not
recorded)`. Inserted text is never read again as a template, and a fact that ends a
sentence takes the place of the full stop after it ("...answers the phone." then ".").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import NamedTuple, Protocol

from funnel_tui.counted import listed
from funnel_tui.scripts.loader import CallScript, ScriptStep
from funnel_tui.scripts.placeholders import ASKED_FOR, PLACEHOLDER, RECORDED_ELSEWHERE

NOT_RECORDED = "(not recorded)"
SENTENCE_ENDS = (".", "?", "!", "…")
# Words whose full stop marks an abbreviation, which stays before a comma ("Acme Inc.,
# who signs"): a company's form, a name's suffix or title, and a few of the notes'.
ABBREVIATIONS = frozenset(
    {
        *("inc", "ltd", "co", "corp", "plc", "llc", "llp", "bros", "assn", "intl"),
        *("jr", "sr", "dr", "mr", "mrs", "ms", "prof", "st"),
        *("etc", "vs", "approx", "dept", "est", "no"),
    }
)
# A placeholder and the full stop after it, unless that begins an ellipsis, or the comma,
# semicolon or colon after it.
PLACEHOLDER_AND_STOP = re.compile(PLACEHOLDER.pattern + r"(\.(?!\.)|[,;:])?")
# Hyphenated words count as one word too, so "e-mail" is found by the keyword "email".
WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Longest first; enough to let "price" find "pricing", "prices" and "pricey".
SUFFIXES = ("ings", "ing", "ers", "ies", "ier", "es", "ed", "er", "ey", "ly", "s", "e", "d", "y")
SHORTEST_STEM = 3


class RenderedStep(NamedTuple):
    """A step filled in for one prospect: `say` and `ask` are spoken, `cue` is for the rep.

    `say` is empty when neither the line nor a fallback could be filled.
    """

    title: str
    say: str
    ask: tuple[str, ...]
    cue: str = ""


class ObjectionAnswer(NamedTuple):
    """The answer to one objection, under its category's title (or the script's keyword).

    `spoken` is False for a script's own answer that needs a fact this prospect lacks:
    it is then shown as a note for the rep, with the gaps marked, never read out.
    """

    title: str
    answer: str
    spoken: bool = True


def no_answer_fits(noted: str) -> str:
    """What stands for the objection answers when none fits the objections recorded,
    quoted, so that one the opener's cue quotes does not read as none."""
    return f"none matched: no answer fits “{noted}”"


class Category(Protocol):
    key: str
    title: str
    fallback: str


class Objections(Protocol):
    """The shared objection library, as the renderer uses it."""

    @property
    def categories(self) -> tuple[Category, ...]: ...

    def match(self, text: str | None) -> list[Category]: ...

    def answer(self, category: Category, method: str) -> str: ...


def placeholders(template: str) -> list[str]:
    """The placeholder names a template uses, in order."""
    return [match.group(1).lower() for match in PLACEHOLDER.finditer(template)]


def fill_spoken(template: str, facts: Mapping[str, str]) -> str | None:
    """The line with every placeholder replaced once, or None when a fact is missing."""
    if any(not facts.get(key, "").strip() for key in placeholders(template)):
        return None
    return _filled(template, lambda key: facts[key].strip())


def fill_cue(template: str, facts: Mapping[str, str]) -> str:
    """A rep-only line: every placeholder replaced once, a missing fact as `(not recorded)`."""
    return _filled(template, lambda key: facts.get(key, "").strip() or NOT_RECORDED)


def _filled(template: str, value_of: Callable[[str], str]) -> str:
    """Every placeholder replaced by its value; the template's full stop after a value that
    ends a sentence is left out, so that "Inc." or "cost?" is not followed by another, and
    a value's own full stop before the template's comma, semicolon or colon."""

    def fill(match: re.Match[str]) -> str:
        value = value_of(match.group(1).lower())
        after = match.group(2) or ""
        if after == ".":
            return value if value.endswith(SENTENCE_ENDS) else value + after
        if after and _ends_sentence(value):
            # "screen., so" and "no-shows.; open concerns": the comma goes on the word.
            return value[:-1] + after
        return value + after

    return PLACEHOLDER_AND_STOP.sub(fill, template)


def _ends_sentence(value: str) -> bool:
    """Whether a value's last full stop ends a sentence rather than an abbreviation or an
    initial ("slow.", "30%.", not "Inc.", "Jr." or "M.")."""
    if not value.endswith(".") or value.endswith(".."):
        return False
    words = value[:-1].split()
    if not words:
        return False
    last = words[-1].rsplit(".", 1)[-1].casefold()
    return len(last) > 1 and last not in ABBREVIATIONS


def render_step(step: ScriptStep, facts: Mapping[str, str]) -> RenderedStep:
    """One step filled in by the rules above."""
    said = (fill_spoken(line, facts) for line in (step.say, *step.fallback) if line)
    say = next((line for line in said if line is not None), None)
    asked = (fill_spoken(question, facts) for question in step.ask)
    cue = fill_cue(step.cue, facts) if step.cue else ""
    if step.say and say is None:
        cue = f"{missing_facts(' '.join((step.say, *step.fallback)), facts)} {cue}".strip()
    return RenderedStep(
        fill_cue(step.title, facts),
        say or "",
        tuple(question for question in asked if question is not None),
        cue,
    )


def missing_facts(template: str, facts: Mapping[str, str]) -> str:
    """For the rep, the facts a line could not be said without, in plain words: "Not
    recorded: their needs; ask for it." for the prospect's own, "Not recorded: a proof
    point (product profile)." for the others."""
    missing = [
        key for key in dict.fromkeys(placeholders(template)) if not facts.get(key, "").strip()
    ]
    asked = list(dict.fromkeys(ASKED_FOR[key] for key in missing if key in ASKED_FOR))
    elsewhere = [
        RECORDED_ELSEWHERE.get(key, key.replace("_", " "))
        for key in missing
        if key not in ASKED_FOR
    ]
    notes = []
    if asked:
        notes.append(
            f"Not recorded: {listed(asked)}; ask for {'it' if len(asked) == 1 else 'them'}."
        )
    if elsewhere:
        notes.append(f"Not recorded: {listed(elsewhere)}.")
    return " ".join(notes)


def render_script(
    script: CallScript, facts: Mapping[str, str], situation: str
) -> tuple[RenderedStep, ...]:
    """Every step filled in, the situation's opener first (as step 1, "Open")."""
    return tuple(render_step(step, facts) for step in script.steps_for(situation))


def objection_answers(
    script: CallScript,
    library: Objections,
    objections_text: str | None,
    facts: Mapping[str, str],
) -> tuple[list[ObjectionAnswer], list[ObjectionAnswer]]:
    """(matching, others): answers to the objections the prospect's notes name, in the
    order they name them, then every other answer.

    A category's answer is the script's own for that category key, else the library's
    for this method; when it lacks a fact, the category's fallback is used. A script key
    that is no category is the script's own objection, found as a whole word.
    """
    matched = library.match(objections_text)
    matched_keys = {category.key for category in matched}
    matching = [_category_answer(script, library, category, facts) for category in matched]
    others = [
        _category_answer(script, library, category, facts)
        for category in library.categories
        if category.key not in matched_keys
    ]
    category_keys = {category.key for category in library.categories}
    words, word_runs = _words(objections_text or "")
    for keyword, answer in script.objections.items():
        if keyword in category_keys:
            continue
        filled = fill_spoken(answer, facts)
        own = ObjectionAnswer(
            keyword.replace("_", " ").capitalize(),
            fill_cue(answer, facts) if filled is None else filled,
            spoken=filled is not None,
        )
        (matching if _mentions(words, word_runs, keyword) else others).append(own)
    return matching, others


def _category_answer(
    script: CallScript, library: Objections, category: Category, facts: Mapping[str, str]
) -> ObjectionAnswer:
    template = script.objections.get(category.key) or library.answer(category, script.method)
    answer = fill_spoken(template, facts) or fill_spoken(category.fallback, facts)
    return ObjectionAnswer(category.title, answer or category.fallback)


def _mentions(words: set[str], word_runs: list[str], keyword: str) -> bool:
    keyword_stems = [_stem(word.replace("-", "")) for word in WORD.findall(keyword.lower())]
    if len(keyword_stems) == 1:
        return keyword_stems[0] in words
    return _contains_run(word_runs, keyword_stems)


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
