"""Every placeholder a script or an email template can name, and the check that a text
names only those.

A script file reports a placeholder it misspells (`{frist_name}`) or a brace that opens no
placeholder at its line, instead of a line that can never be said or one said with the
brace in it.
"""

from __future__ import annotations

import re

# The prospect's own columns a script may name; `source` is the raw value.
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
# Worked out from the prospect and the settings.
DERIVED_PLACEHOLDERS = ("first_name", "greeting", "introduction", "source_phrase", "rep_name")
# From the prospect's calls, deals and tasks: what happened, and where the deal stands.
HISTORY_PLACEHOLDERS = (
    "last_spoke_on",
    "customer_since",
    "last_purchase_on",
    "declined_reason",
    "meeting_at",
    "meeting_day",
    "proposal_sent_on",
)
# What a product profile can fill.
PROFILE_PLACEHOLDERS = (
    "our_company",
    "product",
    "feature",
    "feature_does",
    "advantage",
    "benefit",
    "alternative",
    "differentiator",
    "proof",
    "reference",
    "reference_industry",
    "reference_result",
    "payback",
)
PLACEHOLDERS = (
    *PROSPECT_FIELDS,
    *DERIVED_PLACEHOLDERS,
    *HISTORY_PLACEHOLDERS,
    *PROFILE_PLACEHOLDERS,
)
# Each placeholder in plain words, for a cue that says what a line lacks: the prospect's own
# facts are asked for on the call, the others are recorded elsewhere, as the words say.
ASKED_FOR = {
    "name": "their name",
    "first_name": "their first name",
    "title": "their job title",
    "company": "their company",
    "needs": "their needs",
    "pain_points": "their pain points",
    "objections": "their objections",
    "goals": "their goals",
    "source": "how they found us",
    "source_phrase": "how they found us",
}
RECORDED_ELSEWHERE = {
    "greeting": "the greeting",
    "introduction": "the greeting and who calls",
    "rep_name": "your name (settings)",
    "last_spoke_on": "when you last spoke",
    "customer_since": "when they became a customer",
    "last_purchase_on": "when they last bought",
    "declined_reason": "why they said no",
    "meeting_at": "a meeting booked ahead",
    "meeting_day": "a meeting booked ahead",
    "proposal_sent_on": "when the open proposal went out",
    "our_company": "your company (product profile)",
    "product": "your product (product profile)",
    "feature": "a feature for their needs (product profile)",
    "feature_does": "what that feature does (product profile)",
    "advantage": "its advantage (product profile)",
    "benefit": "its benefit (product profile)",
    "alternative": "their usual alternative (product profile)",
    "differentiator": "your difference from it (product profile)",
    "proof": "a proof point (product profile)",
    "reference": "a reference customer (product profile)",
    "reference_industry": "the reference's industry (product profile)",
    "reference_result": "the reference's result (product profile)",
    "payback": "the typical payback (product profile)",
}
# What an email can say besides a script's placeholders (PRODUCT 15): the meeting to
# confirm in the prospect's time, the open deal and its close date, and the address the
# email comes from.
EMAIL_ONLY_PLACEHOLDERS = ("meeting_time", "deal_value", "close_date", "rep_email")
EMAIL_PLACEHOLDERS = (*PLACEHOLDERS, *EMAIL_ONLY_PLACEHOLDERS)
PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
# Anything in braces, or a brace left alone.
BRACED = re.compile(r"\{[^{}]*\}|[{}]")


def placeholder_problems(text: str, known: tuple[str, ...] = PLACEHOLDERS) -> list[str]:
    """What is wrong with the placeholders of one line of a script (or, with `known` =
    EMAIL_PLACEHOLDERS, of an email template), if anything."""
    problems = []
    for found in BRACED.finditer(text):
        braced = found.group()
        placeholder = PLACEHOLDER.fullmatch(braced)
        if placeholder is None:
            problems.append(
                f"{braced!r} is no placeholder: a placeholder is a name in braces, such as"
                " {company}, and a brace is not used otherwise"
            )
        elif placeholder.group(1).lower() not in known:
            problems.append(
                f"unknown placeholder {braced}; the README lists them all (such as {{company}},"
                " {greeting}, {feature})"
            )
    return problems
