"""The script linter: every built-in script, filled in for every demo prospect and for
synthetic ones, must read as something a rep can say out loud (PRODUCT 6).

Run it after changing a built-in script: each failure names the method, the prospect, the
step and the line, and what is wrong with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from funnel_tui.domain import BUILTIN_METHOD_VALUES
from funnel_tui.profile import Profile, load_profile
from funnel_tui.proposals import Proposal, last_proposal
from funnel_tui.scripts import (
    SITUATIONS,
    CallScript,
    ProspectHistory,
    load_builtin,
    parse_script,
    read_history,
    render_step,
)
from funnel_tui.scripts.fill import FilledScript, fill_script, prospect_facts
from funnel_tui.scripts.objections import load_objections
from funnel_tui.scripts.render import placeholders
from funnel_tui.settings import Settings, load_settings
from tests.app_support import FROZEN_NOW, build_demo_storage

MAX_SPOKEN_WORDS = 45
NOTES_FACTS = ("needs", "pain_points", "goals", "objections", "notes")
# Lines that only make sense when the rep has spoken with the prospect before.
EARLIER_CONTACT = (
    "last time",
    "we spoke",
    "we talked",
    "you mentioned",
    "still accurate",
    "since we last",
    "last conversation",
    "where we left off",
    "since then",
    "as we discussed",
    "as discussed",
    "our last conversation",
    "where we left off",
    "following up on our",
)
# What a later "since then" can refer back to, said earlier in the step.
EARLIER_MOMENT = re.compile(r"\b(?:we (?:last )?spoke|we talked|last time)\b", re.IGNORECASE)
# Lines that claim the prospect came to us: never for a cold list.
CAME_TO_US = ("your details", "you came to us", "you came through", "your interest", "you asked")
PERMISSION = ("bad time", "good time")
LEFT_PLACEHOLDER = re.compile(r"\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}")
SENTENCE_END = re.compile(r"[.!?;:]\s*$|[.!?;]\s+\S")
# `..`, `?.`, `!.`, `….`: a fact that ended its sentence, and the template's full stop.
DOUBLED_STOP = re.compile(r"(?<!\.)[.?!…]\.(?!\.)")
# A company name may end in a full stop that ends no sentence.
ABBREVIATION_END = re.compile(r"\b(?:ltd|inc|co|corp|plc|llc|bros|jr|sr)\.\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Case:
    """One prospect to fill the scripts in for: its row, history and the profile in use."""

    label: str
    prospect: dict[str, object]
    history: ProspectHistory
    profile: Profile | None
    proposal: Proposal | None = None


def demo_profile() -> Profile | None:
    return load_profile(None, demo_book=True)[0]


def synthetic_cases(profile: Profile | None) -> list[Case]:
    spoke = datetime(2026, 10, 20, 15, tzinfo=UTC)
    bought = ProspectHistory(spoke, date(2025, 3, 4), date(2026, 9, 1))
    meeting = datetime(2026, 11, 24, 10, tzinfo=UTC)
    proposal = Proposal(datetime(2026, 11, 16, 15, tzinfo=UTC), date(2026, 11, 16))
    full = {
        "name": "Dr. Wei Ling Tan",
        "title": "Head of Operations",
        "company": "Northwind Clinics Ltd.",
        "needs": "One diary for every clinic; online booking",
        "pain_points": "Each clinic keeps its own diary; no view of capacity",
        "goals": "Fill cancelled slots the same day.",
        "objections": "Wants it all by email first, then she will decide",
    }
    tag = "profile" if profile else "no profile"
    return [
        Case(f"cold, no facts ({tag})", {"name": "Sam"}, ProspectHistory(), profile),
        Case(f"cold, empty name ({tag})", {"name": ""}, ProspectHistory(), profile),
        Case(f"cold list ({tag})", {**full, "source": "cold list"}, ProspectHistory(), profile),
        Case(f"inbound ({tag})", {**full, "source": "Webinar"}, ProspectHistory(), profile),
        Case(
            f"inbound, bare ({tag})",
            {"name": "Jo", "source": "referral"},
            ProspectHistory(),
            profile,
        ),
        Case(f"known, reached ({tag})", {**full, "kind": "known"}, ProspectHistory(spoke), profile),
        Case(
            f"known, never reached ({tag})", {**full, "kind": "known"}, ProspectHistory(), profile
        ),
        Case(
            f"declined ({tag})",
            {**full, "kind": "known", "stage": "lost"},
            ProspectHistory(spoke, last_connect_outcome="not_interested"),
            profile,
        ),
        *(
            Case(
                f"declined, {reason} ({tag})",
                {**full, "kind": "known", "stage": "lost"},
                ProspectHistory(
                    spoke, last_connect_outcome="not_interested", declined_reason=reason
                ),
                profile,
            )
            for reason in ("timing", "budget", "competitor", "no_need", "no_authority", "other")
        ),
        Case(
            f"declined, no date ({tag})",
            {"name": "Jo", "kind": "known"},
            ProspectHistory(last_connect_outcome="not_interested"),
            profile,
        ),
        Case(f"customer ({tag})", {**full, "kind": "customer"}, bought, profile),
        Case(
            f"customer, no deals ({tag})", {**full, "kind": "customer"}, ProspectHistory(), profile
        ),
        Case(
            f"known, meeting booked ({tag})",
            {**full, "kind": "known", "timezone": "America/New_York"},
            ProspectHistory(spoke, meeting_due_at=meeting),
            profile,
        ),
        Case(
            f"known, proposal out ({tag})",
            {**full, "kind": "known", "stage": "proposal"},
            ProspectHistory(spoke),
            profile,
            proposal,
        ),
        Case(
            f"customer, meeting booked ({tag})",
            {**full, "kind": "customer"},
            bought._replace(meeting_due_at=meeting),
            profile,
        ),
        Case(
            f"customer, proposal out ({tag})",
            {**full, "kind": "customer"},
            bought,
            profile,
            proposal,
        ),
    ]


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory) -> tuple[list[Case], Settings]:
    storage = build_demo_storage(tmp_path_factory.mktemp("lint") / "demo.db")
    settings = load_settings(storage.db)
    rows = list(storage.db.query("SELECT * FROM prospects ORDER BY id"))
    cases = [
        Case(
            f"demo #{row['id']} {row['name']}{tag}",
            row,
            read_history(storage.db, row["id"], now=FROZEN_NOW),
            profile,
            last_proposal(storage.db, row, FROZEN_NOW),
        )
        for profile, tag in ((demo_profile(), ""), (None, " (no profile)"))
        for row in rows
    ]
    storage.close()
    return cases, settings


def lint(
    script: CallScript, filled: FilledScript, case: Case, facts: dict[str, str]
) -> Iterator[str]:
    """What is wrong with the script as this prospect would hear it."""
    never_reached = filled.situation in ("cold", "inbound")
    objections_note = str(case.prospect.get("objections") or "").strip()
    spoken_lines = [
        (step.title, line) for step in filled.steps for line in (step.say, *step.ask) if line
    ]
    spoken_lines += [
        ("objections", answer.answer)
        for answer in (*filled.matching_objections, *filled.other_objections)
        if answer.spoken
    ]
    for title, line in spoken_lines:
        lowered = line.lower()
        where = f"{title}: {line!r}"
        if LEFT_PLACEHOLDER.search(line):
            yield f"unfilled placeholder in {where}"
        if "(ask:" in lowered or "(not recorded)" in lowered:
            yield f"a prompt inside a spoken line: {where}"
        if len(line.split()) > MAX_SPOKEN_WORDS:
            yield f"over {MAX_SPOKEN_WORDS} words ({len(line.split())}): {where}"
        if any(phrase in lowered for phrase in PERMISSION):
            yield f"asks for permission: {where}"
        if never_reached and any(phrase in lowered for phrase in EARLIER_CONTACT):
            yield f"claims earlier contact with a prospect never reached: {where}"
        if filled.situation == "cold" and any(phrase in lowered for phrase in CAME_TO_US):
            yield f"tells a cold prospect they came to us: {where}"
        if len(objections_note) > 8 and objections_note.lower() in lowered:
            yield f"reads the rep's objection notes aloud: {where}"
    for step in filled.steps:
        questions = [" ".join(question.lower().split()) for question in step.ask]
        if len(set(questions)) < len(questions):
            yield f"{step.title}: the same question twice"
        if step.say.rstrip().endswith("?") and step.say.lower() in questions:
            yield f"{step.title}: says and asks the same question"
        if not (step.say or step.ask or step.cue):
            yield f"{step.title}: nothing to say and no cue"
        if LEFT_PLACEHOLDER.search(step.cue):
            yield f"unfilled placeholder in the cue of {step.title}: {step.cue!r}"
        if GAP_MID_SENTENCE.search(step.cue):
            yield f"a missing fact in the middle of a sentence of the cue of {step.title}"
        for said_before, line in (("", step.say), *((step.say, ask) for ask in step.ask)):
            then = line.lower().find("since then")
            if then >= 0 and not EARLIER_MOMENT.search(f"{said_before} {line[:then]}"):
                yield f"{step.title}: 'since then' with no earlier moment said before: {line!r}"
        for line in (step.say, *step.ask, step.cue):
            if DOUBLED_STOP.search(line):
                yield f"a full stop after a sentence already ended in {step.title}: {line!r}"
    cold_opener = script.opener("cold")
    if (
        filled.situation == "customer"
        and cold_opener is not None
        and filled.steps[0] == render_step(cold_opener, facts)
    ):
        yield "a customer hears the cold opener"


# A cue's missing fact reads as a note after a label (`Source: (not recorded).`), never in
# the middle of a sentence: `If their alternative is not (not recorded), ask ...`.
GAP_MID_SENTENCE = re.compile(
    r"(?:\(|\b(?:is|not|than|the|a|an|to|if|of|with|and|or|way)\s)\(not recorded\)", re.I
)


def lint_template(script: CallScript) -> Iterator[str]:
    """What is wrong with the script whatever the prospect: notes read aloud, a missing
    opener, a fact that ends a sentence while the line goes on in lower case."""
    missing = [situation for situation in SITUATIONS if situation not in script.openers]
    if missing:
        yield f"no opener for {', '.join(missing)}"
    if not script.fits:
        yield "no fits line for the method picker"
    steps = [*script.openers.values(), *script.steps]
    for step in steps:
        for line in (step.say, *step.fallback, *step.ask, *script.objections.values()):
            used = placeholders(line)
            if "objections" in used:
                yield f"{step.title}: the prospect's objection notes in a spoken line: {line!r}"
            elif set(used) & set(NOTES_FACTS):
                yield f"{step.title}: the rep's notes spliced into a spoken line: {line!r}"


def continues_in_lower_case(template: str, facts: dict[str, str]) -> list[str]:
    """Facts that end a sentence where the template goes on in lower case."""
    found = []
    for match in LEFT_PLACEHOLDER.finditer(template):
        value = facts.get(match.group(0).strip("{} ").lower(), "")
        after = template[match.end() :]
        ends_sentence = SENTENCE_END.search(value) and not ABBREVIATION_END.search(value)
        if value and ends_sentence and re.match(r"\s*[a-z]", after):
            found.append(f"{value!r} then {after[:20]!r}")
    return found


def lint_case(method: str, case: Case, settings: Settings) -> list[str]:
    """Every problem of one built-in script filled in for one prospect."""
    script = load_builtin(method)
    filled = fill_script(
        script,
        case.prospect,
        settings=settings,
        history=case.history,
        now=FROZEN_NOW,
        profile=case.profile,
        objections=load_objections(None),
        proposal=case.proposal,
    )
    facts = prospect_facts(
        case.prospect,
        settings,
        history=case.history,
        now=FROZEN_NOW,
        profile=case.profile,
        proposal=case.proposal,
    )
    problems = list(lint(script, filled, case, facts))
    for step in script.steps_for(filled.situation):
        for line in (step.say, *step.fallback, *step.ask):
            problems += [
                f"{step.title}: a sentence goes on in lower case after a fact: {found}"
                for found in continues_in_lower_case(line, facts)
            ]
    return [f"{method}, {case.label}: {problem}" for problem in problems]


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_builtin_script_as_written(method):
    assert list(lint_template(load_builtin(method))) == []


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_every_demo_prospect_hears_lines_that_can_be_said(demo_book, method):
    cases, settings = demo_book
    problems = [problem for case in cases for problem in lint_case(method, case, settings)]
    assert problems == []


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
@pytest.mark.parametrize("with_profile", [True, False], ids=["profile", "no profile"])
def test_synthetic_prospects_hear_lines_that_can_be_said(method, with_profile):
    settings = Settings(rep_name="Alex Morgan")
    profile = demo_profile() if with_profile else None
    problems = [
        problem
        for case in synthetic_cases(profile)
        for problem in lint_case(method, case, settings)
    ]
    assert problems == []


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_without_a_rep_name_the_openers_still_say_something(method):
    case = synthetic_cases(None)[2]
    filled = fill_script(
        load_builtin(method),
        case.prospect,
        settings=Settings(),
        history=case.history,
        now=FROZEN_NOW,
        profile=None,
        objections=load_objections(None),
    )
    assert filled.steps[0].title == "Open"
    assert filled.steps[0].say.startswith("Hi Wei. ")


def test_the_situation_picks_the_opener():
    settings = Settings(rep_name="Alex Morgan")
    expected = [
        "cold",
        "cold",
        "cold",
        "inbound",
        "inbound",
        "known",
        "known",
        "declined",
        *["declined"] * 6,
        "declined",
        "customer",
        "customer",
        *["known"] * 2,
        *["customer"] * 2,
    ]
    situations = [
        fill_script(
            load_builtin("solution"),
            case.prospect,
            settings=settings,
            history=case.history,
            now=FROZEN_NOW,
            profile=None,
            objections=load_objections(None),
        ).situation
        for case in synthetic_cases(None)
    ]
    assert situations == expected


def test_the_linter_catches_what_it_is_for(tmp_path: Path):
    """A script with every fault the linter knows: each one is reported."""
    text = """\
name = "Bad"
[openers.cold]
say = "Hi {first_name}, is this a bad time? Last time you mentioned {objections}."
[[steps]]
title = "Pain"
say = "How we would tackle {pain_points} for you and {company} and everyone else involved \
in the whole long process of buying and running this thing, which is a lot of words for \
one breath to carry, and then some more words on top of all of those."
ask = ["What hurts?", "What hurts?", "What has changed since then?"]
"""
    script, problems = parse_script("bad", text, tmp_path / "bad.toml", "bad")
    assert script is not None, problems
    case = Case(
        "cold",
        {
            "name": "Sam Carter",
            "company": "Acme",
            "pain_points": "Late invoices. they pile up",
            "objections": "Wants it all by email first",
        },
        ProspectHistory(),
        None,
    )
    filled = fill_script(
        script,
        case.prospect,
        settings=Settings(),
        history=case.history,
        now=FROZEN_NOW,
        profile=None,
        objections=load_objections(None),
    )
    facts = prospect_facts(case.prospect, Settings())
    found = " | ".join(lint(script, filled, case, facts))
    for fault in (
        "asks for permission",
        "claims earlier contact",
        "reads the rep's objection",
        "over 45 words",
        "the same question twice",
        "'since then' with no earlier moment",
    ):
        assert fault in found
    template = " | ".join(lint_template(script))
    assert "objection notes in a spoken line" in template
    assert "notes spliced" in template
    assert "no opener for inbound, known, customer" in template
    assert continues_in_lower_case("We fixed {pain_points} for them", {"pain_points": "Late. Slow"})
