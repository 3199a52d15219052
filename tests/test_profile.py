"""The product profile: loading and checking profile.toml, the demo's own profile, and the
feature, differentiator, proof and reference chosen for each prospect."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from funnel_tui.demo_people import PEOPLE
from funnel_tui.profile import (
    chosen_entries,
    demo_profile,
    load_profile,
    parse_profile,
    profile_facts,
)
from funnel_tui.scripts.placeholders import PROFILE_PLACEHOLDERS

PROFILE = """\
our_company = "Acme Rota"
product = "Rota Cloud"
payback = "about two months"

[[features]]
name = "dispatch board"
does = "shows every van on one screen"
advantage = "nobody rings round to find a free driver"
benefit = "no double-booked drivers"
needs = ["dispatch", "van", "double-booked"]

[[features]]
name = "text reminders"
does = "sends reminders people answer to cancel"
needs = ["reminder", "no-show"]

[[differentiators]]
against = "spreadsheets"
difference = "the board updates itself"

[[differentiators]]
against = "a CRM add-on"
difference = "it covers every team"
keywords = ["crm"]

[[proofs]]
text = "couriers take on 18% more same-day jobs"
feature = "dispatch board"

[[proofs]]
text = "teams go live within 2 weeks"

[[references]]
name = "Northline Couriers"
industry = "logistics"
industry_keywords = ["logistics", "courier", "van"]
result = "stopped double-booking drivers"

[[references]]
name = "Maple Lane Dental"
industry = "dentistry"
industry_keywords = ["dental", "dentist"]
result = "cut no-shows from 11% to 7%"
"""

LOGISTICS = {
    "name": "Priya Natarajan",
    "company": "Harbourline Logistics",
    "needs": "Live view of 40 vans",
    "pain_points": "Dispatch runs on spreadsheets; 2 drivers double-booked",
}


def write_profile(config: Path, text: str) -> Path:
    config.mkdir(parents=True, exist_ok=True)
    path = config / "profile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def parsed(text: str = PROFILE):
    profile, problems = parse_profile(text, Path("profile.toml"), "profile.toml")
    assert problems == []
    return profile


def problems_of(text: str) -> list[str]:
    profile, problems = parse_profile(text, Path("profile.toml"), "profile.toml")
    assert profile is None
    return [str(problem) for problem in problems]


def test_the_feature_reference_and_proof_fit_the_prospect() -> None:
    facts = profile_facts(parsed(), LOGISTICS)
    assert facts == {
        "our_company": "Acme Rota",
        "product": "Rota Cloud",
        "payback": "about two months",
        "feature": "dispatch board",
        "feature_does": "shows every van on one screen",
        "advantage": "nobody rings round to find a free driver",
        "benefit": "no double-booked drivers",
        "alternative": "spreadsheets",
        "differentiator": "the board updates itself",
        "proof": "couriers take on 18% more same-day jobs",
        "reference": "Northline Couriers",
        "reference_industry": "logistics",
        "reference_result": "stopped double-booking drivers",
    }
    assert set(facts) <= set(PROFILE_PLACEHOLDERS)


def test_keywords_match_whole_words_and_their_forms_only() -> None:
    profile = parsed()
    # "advantage" holds "van", "dispatcher" holds "dispatch": neither is the word.
    assert "feature" not in profile_facts(profile, {"needs": "an advantage for the dispatcher"})
    assert profile_facts(profile, {"pain_points": "No shows at 12%"})["feature"] == (
        "text reminders"
    )
    assert profile_facts(profile, {"needs": "Reminders by text"})["feature"] == "text reminders"


def test_without_a_match_the_feature_and_reference_are_missing_not_guessed() -> None:
    facts = profile_facts(parsed(), {"company": "Stackwise", "needs": "power dialling"})
    for missing in ("feature", "feature_does", "advantage", "benefit", "reference"):
        assert missing not in facts
    # What the profile says about the product as a whole still holds.
    assert facts["proof"] == "teams go live within 2 weeks"
    assert facts["alternative"] == "spreadsheets"


def test_a_feature_without_an_advantage_leaves_that_placeholder_missing() -> None:
    facts = profile_facts(parsed(), {"needs": "fewer no-shows"})
    assert facts["feature"] == "text reminders"
    assert "advantage" not in facts and "benefit" not in facts


def test_the_differentiator_their_notes_point_to_wins_over_the_usual_one() -> None:
    facts = profile_facts(parsed(), {"objections": "Already pays a CRM vendor"})
    assert (facts["alternative"], facts["differentiator"]) == (
        "a CRM add-on",
        "it covers every team",
    )


def test_a_reference_is_found_by_the_company_name_and_the_notes() -> None:
    profile = parsed()
    assert profile_facts(profile, {"company": "Carter Dental"})["reference"] == "Maple Lane Dental"
    assert profile_facts(profile, {"goals": "more courier work"})["reference"] == (
        "Northline Couriers"
    )


def test_a_sqlite_row_without_some_columns_is_read_like_a_mapping() -> None:
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT 'Priya' AS name, 'Harbourline Logistics' AS company").fetchone()
    assert profile_facts(parsed(), row)["reference"] == "Northline Couriers"


def test_chosen_entries_say_what_was_picked_and_why() -> None:
    entries = chosen_entries(parsed(), LOGISTICS)
    assert entries == {
        "profile": "profile.toml",
        "feature": "dispatch board (their needs and pain points mention 'dispatch', 'van',"
        " 'double-booked')",
        "differentiator": "against spreadsheets (the usual alternative: first in the profile)",
        "proof": "couriers take on 18% more same-day jobs (backs dispatch board)",
        "reference": "Northline Couriers, logistics (their company or notes mention"
        " 'logistics', 'van')",
    }
    nothing = chosen_entries(parsed(), {"name": "Sam"})
    assert nothing["feature"].startswith("none: ")
    assert nothing["reference"].startswith("none: ")
    assert chosen_entries(None, LOGISTICS) == {} == profile_facts(None, LOGISTICS)


def test_no_profile_file_and_a_real_book_means_no_profile(tmp_path: Path) -> None:
    assert load_profile(tmp_path / "config", demo_book=False) == (None, [])
    assert load_profile(None, demo_book=False) == (None, [])


def test_a_demo_book_without_a_profile_file_gets_the_demo_profile(tmp_path: Path) -> None:
    profile, problems = load_profile(tmp_path / "config", demo_book=True)
    assert problems == []
    assert profile is demo_profile()
    assert profile.describe_source() == "the demo profile"


def test_the_reps_own_profile_wins_over_the_demo_one(tmp_path: Path) -> None:
    path = write_profile(tmp_path / "config", PROFILE)
    profile, problems = load_profile(tmp_path / "config", demo_book=True)
    assert problems == []
    assert profile is not None
    assert (profile.product, profile.source) == ("Rota Cloud", str(path))


def test_a_broken_profile_file_gives_no_profile_and_says_where(tmp_path: Path) -> None:
    path = write_profile(tmp_path / "config", 'our_company = "Acme"\nproduct = \n')
    profile, problems = load_profile(tmp_path / "config", demo_book=True)
    assert profile is None
    [problem] = problems
    assert str(problem).startswith(f"{path}:2: not valid TOML: ")


def test_a_profile_file_that_cannot_be_read_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "config" / "profile.toml").mkdir(parents=True)
    profile, [problem] = load_profile(tmp_path / "config", demo_book=False)
    assert profile is None
    assert problem.line is None and "cannot read the file" in problem.message
    (tmp_path / "config" / "profile.toml").rmdir()
    (tmp_path / "config" / "profile.toml").write_bytes(b'product = "\xff"\n')
    profile, [problem] = load_profile(tmp_path / "config", demo_book=False)
    assert profile is None and "cannot read the file" in problem.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'our_company = "A"\nproduct = "B"\ntagline = "C"\n',
            "profile.toml:3: unknown field 'tagline'; a profile has our_company, product,"
            " payback, features, differentiators, proofs and references",
        ),
        (
            'our_company = "A"\nproduct = "B"\n\n[[features]]\nname = "x"\ndoes = "y"\n'
            'needs = ["z"]\n\n[[features]]\nname = "p"\ndoes = "q"\nneeds = ["r"]\ncolour = 1\n',
            "profile.toml:13: feature 2: unknown field 'colour'; a feature has name, does,"
            " advantage, benefit and needs",
        ),
        (
            'our_company = "A"\n\n[[references]]\nname = "N"\n',
            "profile.toml: product is missing",
        ),
        (
            'our_company = "A"\nproduct = "B"\n[[references]]\nname = "N"\n',
            "profile.toml:3: reference 1: industry_keywords is missing",
        ),
        (
            'our_company = "A"\nproduct = 7\n',
            'profile.toml:2: product must be text in quotes, for example product = "..."',
        ),
        (
            'our_company = "A"\nproduct = "B"\n[[features]]\nname = "x"\ndoes = "y"\nneeds = "z"\n',
            "profile.toml:6: feature 1: needs must be a list of words or phrases, for example"
            ' ["dispatch", "no-shows"]',
        ),
        (
            'our_company = "A"\nproduct = "B"\n[[proofs]]\ntext = "customers love it"\n',
            "profile.toml:4: proof 1 has no number; a proof point is a result with a figure,"
            ' such as text = "clinics cut no-shows by 40% within three months"',
        ),
        (
            'our_company = "A"\nproduct = "B"\n[[proofs]]\ntext = "2x faster"\nfeature = "z"\n',
            "profile.toml:5: proof 1 backs feature 'z', which the profile does not have; use"
            " the name of one of its [[features]]",
        ),
        (
            'our_company = "A"\nproduct = "B"\n[[features]]\nname = "x"\ndoes = "y"\n'
            'needs = ["ok", "--"]\n',
            "profile.toml:6: feature 1: needs: '--' has no word in it; remove it or write one",
        ),
        (
            'our_company = "A"\nproduct = "B"\n[[features]]\nname = "x"\ndoes = "y"\nneeds = []\n',
            "profile.toml:6: feature 1: needs is empty: list at least one word or phrase",
        ),
        (
            'our_company = "A"\nproduct = "B"\n[[references]]\nname = "N"\n'
            "industry_keywords = []\n",
            "profile.toml:5: reference 1: industry_keywords is empty: list at least one word or"
            " phrase",
        ),
        (
            'our_company = "A"\nproduct = "B"\nfeatures = [\n  {name = "x", does = "y"},\n]\n',
            "profile.toml:3: feature 1: needs is missing",
        ),
        (
            'our_company = "A"\nproduct = "B"\nfeatures = "all of them"\n',
            "profile.toml:3: features must be [[features]] tables, one per feature",
        ),
    ],
)
def test_a_profile_that_cannot_be_used_names_the_line_and_the_fix(text: str, expected: str) -> None:
    assert expected in problems_of(text)


def test_an_optional_list_left_empty_is_as_good_as_none() -> None:
    """`keywords = []` on a differentiator dropped the whole profile as "not a list"."""
    text = PROFILE.replace('keywords = ["crm"]', "keywords = []")
    profile, problems = parse_profile(text, Path("profile.toml"), "profile.toml")
    assert problems == []
    assert profile is not None and profile.differentiators[1].keywords == ()


def test_the_demo_profile_is_sound_and_its_proof_points_have_numbers() -> None:
    profile = demo_profile()
    assert profile.is_demo
    assert len(profile.features) >= 6 and len(profile.references) >= 8
    assert all(any(ch.isdigit() for ch in proof.text) for proof in profile.proofs)
    # Every text reads mid-sentence: no full stop at the end, a capital only for a name.
    texts = [
        *(text for f in profile.features for text in (f.does, f.advantage, f.benefit)),
        *(text for d in profile.differentiators for text in (d.against, d.difference)),
        *(proof.text for proof in profile.proofs),
        *(reference.result for reference in profile.references),
        profile.payback,
    ]
    assert not [text for text in texts if text.endswith((".", "!", "?"))]
    assert not [text for text in texts if text[0].isupper() and not text.startswith("Kestrel")]


def test_the_demo_profile_fits_most_of_the_demo_book() -> None:
    profile = demo_profile()
    facts = [profile_facts(profile, person) for person in PEOPLE]
    with_feature = sum("feature" in fact for fact in facts)
    with_reference = sum("reference" in fact for fact in facts)
    assert with_feature >= 0.9 * len(PEOPLE)
    assert with_reference >= 0.9 * len(PEOPLE)


@pytest.mark.parametrize(
    ("company", "feature", "reference"),
    [
        ("Harbourline Logistics", "live dispatch board", "Northline Couriers"),
        ("Brightsmile Dental Group", "reminder service", "Maple Lane Dental"),
        ("Whitaker HVAC Services", "route and patch planner", "Calder Heating Services"),
        ("St Aldhelm's Academy Trust", "multi-site calendar", "Ashgrove Academy Trust"),
        ("Klarwerk Software GmbH", "follow-up call scheduler", "Corvid Software"),
        ("Thistle Home Care", "live arrival tracker", "Bramble Home Care"),
        ("Harbour View Hotel", "follow-up call scheduler", "Saltmarsh Hotels"),
        ("Adeyemi Property Management", "online self-booking", "Greyfriars Lettings"),
        ("Vistula Packaging", "booking rules engine", "Harlow Components"),
    ],
)
def test_demo_prospects_hear_about_what_fits_their_business(
    company: str, feature: str, reference: str
) -> None:
    [person] = [person for person in PEOPLE if person["company"] == company]
    facts = profile_facts(demo_profile(), person)
    assert (facts["feature"], facts["reference"]) == (feature, reference)


def test_the_readme_example_is_a_working_profile() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The product profile", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    profile = parsed(example)
    facts = profile_facts(profile, LOGISTICS)
    assert (facts["feature"], facts["reference"]) == ("dispatch board", "Northline Couriers")
