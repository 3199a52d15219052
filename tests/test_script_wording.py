"""The built-in scripts' lines read with every value a setting or a profile may give them:
each lead source's phrase, any proof point and difference, and a question that asks the
prospect about their own way of working, not whether they use ours (PRODUCT 6)."""

from __future__ import annotations

import pytest

from funnel_tui.domain import BUILTIN_METHOD_VALUES
from funnel_tui.profile import demo_profile
from funnel_tui.scripts import ProspectHistory, load_builtin
from funnel_tui.scripts.fill import FilledScript, fill_script
from funnel_tui.scripts.objections import load_objections
from funnel_tui.scripts.render import RenderedStep
from funnel_tui.settings import SOURCE_PHRASES, Settings
from tests.app_support import FROZEN_NOW

DANA = {
    "name": "Dana Reyes",
    "company": "Reyes Dental",
    "needs": "Online booking for new patients",
    "pain_points": "Front desk stuck on the phones all morning",
}


def script_for(method: str, prospect: dict[str, object]) -> FilledScript:
    return fill_script(
        load_builtin(method),
        prospect,
        settings=Settings(rep_name="Alex Morgan"),
        history=ProspectHistory(),
        now=FROZEN_NOW,
        profile=demo_profile(),
        objections=load_objections(None),
    )


def spoken(step: RenderedStep) -> str:
    return " ".join((step.say, *step.ask))


def test_benefits_asks_how_they_handle_it_not_whether_they_use_ours() -> None:
    """A cold prospect was asked whether their team uses our online self-booking today."""
    filled = script_for("benefits", DANA)
    steps = {step.title: step for step in filled.steps}
    feature = steps["Feature"]
    assert feature.say.startswith("One part of Kestrel answers that directly: our online")
    assert feature.say.endswith(". How do you handle that today?")
    assert "uses today" not in " ".join(spoken(step) for step in filled.steps)
    # The next step does not ask it again.
    assert "how do you handle" not in spoken(steps["Advantage"]).lower()


@pytest.mark.parametrize("source", [source for source, _ in SOURCE_PHRASES])
def test_every_lead_source_reads_in_the_inbound_openers(source: str) -> None:
    """A referral was told "I'd like to make sure you found what you were looking for", and
    "You found us through your demo request" was said of one who asked us."""
    phrase = dict(SOURCE_PHRASES)[source]
    for method in BUILTIN_METHOD_VALUES:
        opener = script_for(method, {**DANA, "source": source}).steps[0]
        said = spoken(opener)
        assert f"ou came to us through {phrase}, " in said, method
        assert "found" not in said, method


def test_value_proposition_reads_any_proof_and_difference_of_the_profile() -> None:
    """ "A result our customers get: customers cut no-shows by 40%", and "Unlike phone calls
    and a shared inbox, customers answer a text": the lines presumed how a proof and a
    difference begin."""
    profile = demo_profile()
    script = load_builtin("value_proposition")
    cold = script.openers["cold"].say
    [differences] = [step for step in script.steps if step.title == "The differences that matter"]
    for proof in profile.proofs:
        line = cold.replace("{proof}", proof.text)
        assert line.lower().count("customers") <= 1, line
    for differentiator in profile.differentiators:
        line = differences.say.replace("{alternative}", differentiator.against)
        line = line.replace("{differentiator}", differentiator.difference)
        assert line.startswith(
            f"Compared with {differentiator.against}, the difference is that"
            f" {differentiator.difference}."
        )
