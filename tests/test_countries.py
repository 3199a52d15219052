"""A contact's country as CRMs and people write it, read as the region phonenumbers reads
numbers in."""

from __future__ import annotations

import pytest

from funnel_tui.countries import ALIAS_REGIONS, country_region
from funnel_tui.phones import REGIONS


@pytest.mark.parametrize(
    ("text", "region"),
    [
        # ISO 3166 codes, in any case.
        ("GB", "GB"),
        ("de", "DE"),
        (" us ", "US"),
        # English names, as phonenumbers gives them.
        ("United Kingdom", "GB"),
        ("Germany", "DE"),
        ("United States", "US"),
        ("the Netherlands", "NL"),
        ("Côte d'Ivoire", "CI"),
        ("cote divoire", "CI"),
        # The country's own name, and other languages' phonenumbers has.
        ("Deutschland", "DE"),
        ("España", "ES"),
        ("Espana", "ES"),
        ("Österreich", "AT"),
        ("Schweiz", "CH"),
        ("Royaume-Uni", "GB"),
        ("Allemagne", "DE"),
        ("Ελλάδα", "GR"),
        ("日本", "JP"),
        # What people type.
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("England", "GB"),
        ("USA", "US"),
        ("U.S.", "US"),
        ("U.S.A.", "US"),
        ("Holland", "NL"),
        ("Korea, Republic of", "KR"),
        # Two letters that are a name, not a code: Vietnamese for Belgium, not Burundi (BI).
        ("Bỉ", "BE"),
    ],
)
def test_a_country_is_read_as_its_region(text: str, region: str) -> None:
    assert country_region(text) == region


@pytest.mark.parametrize("text", ["Atlantis", "", "  ", "Europe", "XX", "Antarctica", "+44"])
def test_a_value_that_names_no_country_phonenumbers_knows_is_none(text: str) -> None:
    assert country_region(text) is None


def test_every_alias_is_of_a_region_phonenumbers_knows_and_is_no_code() -> None:
    assert set(ALIAS_REGIONS.values()) <= REGIONS
    assert not [key for key in ALIAS_REGIONS if key.upper() in REGIONS]
