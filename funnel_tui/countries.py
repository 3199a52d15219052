"""A contact's country as CRMs and people write it, read as the region phonenumbers reads
numbers in: an ISO 3166 code (`GB`, `de`), a name in English or in the country's own
language (`United Kingdom`, `Deutschland`, `España`), or what people type (`UK`, `U.S.`).

The names are phonenumbers' own (its geocoder's region names, in the forty-odd languages it
ships), read on first need: a file whose countries are codes and the usual aliases never
loads them. A few common names it does not have are kept here.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from funnel_tui.phones import REGIONS
from funnel_tui.text import says_nothing

# Names and abbreviations people and CRMs use that phonenumbers' names leave out, by region:
# the short forms, the parts of the UK, ISO 3166's formal names as Salesforce's country
# picklist writes them, and names a country has taken since. Matched as `country_key`
# reads text (case, accents, spaces and punctuation ignored).
ALIASES: dict[str, tuple[str, ...]] = {
    "GB": (
        "UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales",
        "Northern Ireland", "United Kingdom of Great Britain and Northern Ireland",
    ),
    "US": ("USA", "U.S.A.", "America", "United States of America"),
    "NL": ("Holland",),
    "AE": ("UAE", "U.A.E."),
    "KR": ("Republic of Korea", "Korea, Republic of"),
    "KP": ("Korea, Democratic People's Republic of",),
    "CZ": ("Czechia",),
    "RU": ("Russian Federation",),
    "IR": ("Iran, Islamic Republic of",),
    "SY": ("Syrian Arab Republic",),
    "LA": ("Lao People's Democratic Republic",),
    "TZ": ("Tanzania, United Republic of",),
    "VE": ("Venezuela, Bolivarian Republic of",),
    "BO": ("Bolivia, Plurinational State of",),
    "MD": ("Moldova, Republic of",),
    "MK": ("North Macedonia", "Macedonia, the former Yugoslav Republic of"),
    "CD": ("Congo, the Democratic Republic of the", "DR Congo", "DRC"),
    "CI": ("Ivory Coast",),
    "SZ": ("Eswatini",),
    "BN": ("Brunei Darussalam",),
    "VA": ("Holy See", "Vatican City"),
    "VG": ("Virgin Islands, British",),
    "VI": ("Virgin Islands, U.S.",),
    "FM": ("Micronesia, Federated States of",),
    "PS": ("Palestine, State of",),
    "MO": ("Macau",),
    "MM": ("Burma",),
    "TL": ("East Timor",),
}  # fmt: skip


def country_key(text: str) -> str:
    """What is left of a country's name once spelling is ignored: case, accents, spaces,
    punctuation and a leading `the` (`The Netherlands`, `U.S.`: `netherlands`, `us`).
    Letters of any script stay (`Ελλάδα`: `ελλαδα`)."""
    lowered = unicodedata.normalize("NFKD", text.casefold()).strip().removeprefix("the ")
    return "".join(character for character in lowered if character.isalnum())


ALIAS_REGIONS = {
    country_key(alias): region for region, aliases in ALIASES.items() for alias in aliases
}


@cache
def _named_regions() -> dict[str, str]:
    """Each name phonenumbers gives a region it has numbers for, in any of its languages,
    by `country_key`."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    return {
        country_key(name): region
        for region, names in LOCALE_DATA.items()
        if region in REGIONS
        for name in names.values()
        # `*de`: the name in another language, itself among the names.
        if not name.startswith("*")
    }


def country_region(text: str) -> str | None:
    """The region of the country `text` names (`GB` for `gb`, `United Kingdom`, `UK` or
    `Royaume-Uni`), when phonenumbers has numbers for it; else None."""
    key = country_key(text)
    # `N/A` is never Namibia's `NA`, nor `Unknown` a country not understood.
    if not key or says_nothing(text):
        return None
    # Two letters as typed (`Bỉ`, Vietnamese for Belgium, is a name, not Burundi's BI).
    if len(key) == 2 and text.isascii() and (code := key.upper()) in REGIONS:
        return code
    return ALIAS_REGIONS.get(key) or _named_regions().get(key)
