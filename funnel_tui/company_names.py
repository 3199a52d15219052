"""How a script says a company: by the name people call it, without its legal form.

"Acme Pte Ltd" is said "Acme", "Reyes Dental, Inc." "Reyes Dental" and "Müller GmbH"
"Müller": cleanco knows the legal forms of every country. The card and every list keep
the name as stored.
"""

from __future__ import annotations

# A name left as one of these alone is no name ("The Company" is not "The"), or says what
# the company does, not which one it is ("Dental Corp" is not "Dental", "Apex Partners
# LLP" may be "Apex Partners" but "Partners LLP" is not "Partners").
_ARTICLES = "the a an"
_TRADES = """accounting advisors advisory associates capital care communications construction
    consultancy consultants consulting dental design developments digital energy
    engineering enterprises estates finance financial foods global group health
    healthcare holdings industries insurance international investments labs legal
    logistics management manufacturing marketing media medical motors national partners
    partnership pharma properties realty recruitment retail security services software
    solutions studio studios systems technologies technology trading transport travel
    united ventures"""
_NO_NAME = frozenset(f"{_ARTICLES} {_TRADES}".split())
# What may stand between the name and its legal form: "Reyes Dental, Inc.", "Northwind &
# Co.", "Acme - Ltd".
_BEFORE_THE_FORM = frozenset(" ,.;:&-–—/")


def spoken_company(company: str) -> str:
    """`company` without its legal form, as it is said aloud; whole when nothing is left
    of it but the form or an article, or when the form could not be cut off cleanly (a
    bracket or a word cut in two)."""
    from cleanco import basename

    base = basename(company).strip()
    rest = company[len(base) :] if company.startswith(base) else ""
    if not base or base.casefold() in _NO_NAME or not rest or rest[0] not in _BEFORE_THE_FORM:
        return company
    return base
