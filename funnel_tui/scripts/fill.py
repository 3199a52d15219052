"""A script filled in for one prospect: their facts, their situation, the steps and the answers.

The pane and `funnel script --prospect` both show what `fill_script` returns, so the rep
reads the same words in both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from funnel_tui.names import first_name_of, greeting
from funnel_tui.profile import Profile, chosen_entries, profile_facts
from funnel_tui.scripts.loader import CallScript
from funnel_tui.scripts.placeholders import PROSPECT_FIELDS
from funnel_tui.scripts.render import (
    ObjectionAnswer,
    Objections,
    RenderedStep,
    objection_answers,
    render_script,
)
from funnel_tui.scripts.situation import (
    ProspectHistory,
    history_facts,
    situation_of,
)
from funnel_tui.settings import Settings, source_phrase


@dataclass(frozen=True)
class FilledScript:
    """What the rep sees of a script for one prospect."""

    script: CallScript
    situation: str
    steps: tuple[RenderedStep, ...]
    matching_objections: list[ObjectionAnswer] = field(default_factory=list)
    other_objections: list[ObjectionAnswer] = field(default_factory=list)
    profile_entries: dict[str, str] = field(default_factory=dict)
    """Which profile feature, reference ... was picked for this prospect, by placeholder."""


def prospect_facts(
    prospect: Mapping[str, object],
    settings: Settings,
    *,
    history: ProspectHistory | None = None,
    today: date | None = None,
    profile: Profile | None = None,
) -> dict[str, str]:
    """The value of every placeholder this prospect has; a missing fact is absent."""
    facts = {name: _text(prospect, name) for name in PROSPECT_FIELDS}
    facts["first_name"] = _text(prospect, "first_name") or first_name_of(facts["name"]) or ""
    facts["greeting"] = greeting(facts["first_name"], facts["name"])
    facts["source_phrase"] = source_phrase(settings, facts["source"]) or ""
    facts["rep_name"] = settings.rep_name.strip()
    if history is not None and today is not None:
        facts.update(history_facts(history, today))
    facts.update(profile_facts(profile, prospect))
    facts["introduction"] = introduction(
        facts["greeting"], facts["rep_name"], facts.get("our_company")
    )
    return {name: value for name, value in facts.items() if value}


def introduction(greeting: str, rep_name: str, our_company: str | None) -> str:
    """How an opener begins, with what is known of who calls: "Hi Deepa, it's Alex Morgan
    from Kestrel Software", "Hi Deepa, it's Alex Morgan", "Hi Deepa, this is Kestrel
    Software" or "Hi Deepa"."""
    if rep_name and our_company:
        return f"{greeting}, it's {rep_name} from {our_company}"
    if rep_name:
        return f"{greeting}, it's {rep_name}"
    if our_company:
        return f"{greeting}, this is {our_company}"
    return greeting


def _text(prospect: Mapping[str, object], name: str) -> str:
    """The fact as one line; a BLOB another tool stored cannot be read, so it is missing."""
    try:
        value = prospect[name]
    except (KeyError, IndexError):  # sqlite3.Row raises IndexError for an unknown column
        return ""
    if value is None or isinstance(value, bytes):
        return ""
    return " ".join(str(value).split())


def fill_script(
    script: CallScript,
    prospect: Mapping[str, object],
    *,
    settings: Settings,
    history: ProspectHistory,
    today: date,
    profile: Profile | None,
    objections: Objections,
) -> FilledScript:
    """The script for this prospect: the opener for their situation, then every step."""
    facts = prospect_facts(prospect, settings, history=history, today=today, profile=profile)
    situation = situation_of(prospect, history, settings)
    matching, others = objection_answers(script, objections, _text(prospect, "objections"), facts)
    return FilledScript(
        script,
        situation,
        render_script(script, facts, situation),
        matching,
        others,
        chosen_entries(profile, prospect),
    )
