"""How a script greets a person: the first given name of a full name, after any title."""

from __future__ import annotations

import re

# Titles, compared without case or a full stop: "Dr. John Doe" is John, "Prof Dr Anna
# Weber" is Anna.
TITLES = frozenset(
    {
        "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "lord",
        "lady", "rev", "revd", "fr", "herr", "frau", "mme", "mlle", "m", "sr", "sra", "srta",
        "dott", "ing", "mag",
    }
)  # fmt: skip
# What may follow a name after a comma: "John Doe, MD" is John; "Doe, John" is John too.
SUFFIXES = frozenset({"md", "phd", "jr", "sr", "dds", "dmd", "esq", "mba", "ii", "iii", "iv"})
INITIAL = re.compile(r"[^\W\d_]\.?")


def _bare(word: str) -> str:
    return word.rstrip(".").casefold()


def first_name_of(name: str | None) -> str | None:
    """The first given name, or None when there is none to greet by: "Dr. Smith" has a
    title and a surname only, "J. Smith" an initial."""
    if not name:
        return None
    words = name.replace(",", " , ").split()
    if "," in words:
        comma = words.index(",")
        after = [word for word in words[comma + 1 :] if word != ","]
        # "Doe, John" has the surname first; "John Doe, MD" a suffix after it.
        surname_first = after and _bare(after[0]) not in SUFFIXES
        words = after if surname_first else words[:comma]
    titles = 0
    while titles < len(words) and _bare(words[titles]) in TITLES:
        titles += 1
    words = words[titles:]
    # After a title a lone word is the surname: "Hi Smith" would be wrong.
    if not words or (titles and len(words) == 1):
        return None
    first = words[0]
    return None if INITIAL.fullmatch(first) else first
