"""A script says a company as people call it: without its legal form, else whole."""

from __future__ import annotations

import pytest

from funnel_tui.company_names import spoken_company
from funnel_tui.scripts import ProspectHistory
from funnel_tui.scripts.fill import prospect_facts
from funnel_tui.settings import Settings
from tests.app_support import FROZEN_NOW


@pytest.mark.parametrize(
    ("stored", "said"),
    [
        # The trainer heard "Acme Pte Ltd" and "Reyes Dental, Inc." read out whole.
        ("Acme Pte Ltd", "Acme"),
        ("Reyes Dental, Inc.", "Reyes Dental"),
        ("Müller GmbH", "Müller"),
        ("Tata Sons Pvt. Ltd.", "Tata Sons"),
        ("Reyes Dental Group, LLC", "Reyes Dental Group"),
        ("Kestrel Software", "Kestrel Software"),
        # Nothing, or an article alone, would be left: said whole.
        ("Ltd", "Ltd"),
        ("The Company", "The Company"),
        ("Co-op", "Co-op"),
        # Or a word that says what a company does, not which one: "Dental Corp" was said
        # "Dental", "Partners LLP" "Partners".
        ("Dental Corp", "Dental Corp"),
        ("Partners LLP", "Partners LLP"),
        ("Apex Partners LLP", "Apex Partners"),
        ("Kestrel Co-op", "Kestrel"),
        # The form cannot be cut off cleanly: said whole, brackets and all.
        ("Kestrel Software Ltd (UK)", "Kestrel Software Ltd (UK)"),
        ("[bold]Acme[/bold] Ltd", "[bold]Acme[/bold] Ltd"),
    ],
)
def test_a_company_is_said_without_its_legal_form(stored: str, said: str) -> None:
    assert spoken_company(stored) == said


def test_the_script_says_the_company_and_the_card_keeps_it_whole() -> None:
    prospect = {"name": "Wei Tan", "company": "Acme   Pte Ltd", "kind": "new"}
    facts = prospect_facts(prospect, Settings(), history=ProspectHistory(), now=FROZEN_NOW)
    assert facts["company"] == "Acme"
    # A row that names the company alone greets no one by the legal form either.
    account = {"name": "Acme Pte Ltd", "company": "Acme Pte Ltd", "kind": "new"}
    facts = prospect_facts(account, Settings(), history=ProspectHistory(), now=FROZEN_NOW)
    assert facts["company"] == "Acme"
    assert prospect["company"] == "Acme   Pte Ltd"
