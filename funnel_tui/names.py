"""How a script greets a person: the first given name of a full name, after any title, or
the title and surname when there is no given name ("Hello Dr. Smith"); a name that is only
the company's has neither. A name a CRM stored in capitals or in lower case is greeted as
people write it ("Hi John" for `DR. JOHN O'NEIL-SMITH`)."""

from __future__ import annotations

import re
import string
import unicodedata

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
# The words that join a surname (van der Berg, de la Tour, von Trapp): never a given
# name to greet by, and written in lower case inside a name.
PARTICLES = frozenset(
    {
        "van", "von", "der", "den", "de", "da", "di", "du", "del", "della", "des", "la",
        "le", "ten", "ter", "te", "dos", "das", "do", "zu", "af", "av",
    }
)  # fmt: skip
INITIAL = re.compile(r"[^\W\d_]\.?")
LETTERS = re.compile(r"[^\W\d_]+")
APOSTROPHES = ("'", "’")
VOWELS = frozenset("aeiouy")
# A text with a figure or a sign no name has (`{company}`, `sam@acme.io`) is no name to
# write in other case.
NOT_IN_A_NAME = frozenset(string.digits + string.punctuation) - frozenset(".,'-")


# Inside a word of a name, besides its letters and their marks: an apostrophe (O'Neil), a
# hyphen (Jean-Luc), a full stop (St.) and the joiners some scripts are written with.
INSIDE_A_NAME = frozenset("'’-.\u200c\u200d")
# The brackets and quotes that may open before a name, and what closes each.
CLOSING = {"(": ")", "[": "]", "{": "}", "<": ">", "«": "»", "“": "”", "‘": "’", "„": "“"}


def _bare(word: str) -> str:
    return word.rstrip(".").casefold()


def contact_name(name: str | None, company: str | None) -> str | None:
    """The name of the person to greet, or None when it is only their company's (a CRM's
    account row with no contact: "Acme Ltd" at ACME Ltd, "Acme, Inc." at Acme Inc), case,
    spacing and punctuation ignored."""
    if name and (folded := _folded(name)) and folded == _folded(company):
        return None
    return name


def _folded(text: str | None) -> str:
    """The letters and figures of a text, in lower case, each word once spaced."""
    return " ".join(re.sub(r"[^\w\s]|_", " ", text or "").split()).casefold()


def greeting(first_name: str | None, name: str | None) -> str:
    """How an opener begins: "Hi Deepa" by a first name; "Hello Dr. Smith" for a title and
    a surname; else "Hello", never a name it cannot say."""
    if first_name:
        return f"Hi {first_name}"
    addressed = _title_and_surname(name)
    return f"Hello {addressed}" if addressed else "Hello"


def _title_and_surname(name: str | None) -> str | None:
    """ "Dr. Smith" of "Dr. Smith" or "Dr. J. Smith": the titles and the surname, its last
    word and the particles before it ("Dr. van Dijk")."""
    words = _given_order(name or "")
    titles = 0
    while titles < len(words) and _bare(words[titles]) in TITLES:
        titles += 1
    if not titles or titles == len(words):
        return None
    # The last word, with the particles that join it (Dr. van Dijk, not Dr. Dijk).
    start = len(words) - 1
    while start > titles and _bare(words[start - 1]) in PARTICLES:
        start -= 1
    return " ".join((*words[:titles], *words[start:]))


def _given_order(name: str) -> list[str]:
    """The words of a name with any comma undone: "Doe, John" is John Doe, and a suffix
    after a comma ("John Doe, MD") is dropped, as is a word with no letter ("🦊 Sam")."""
    # A word without a letter is no part of a name to say: an emoji, a dash, an ampersand.
    words = [word for word in name.replace(",", " , ").split() if word == "," or _said(word)]
    if "," in words:
        comma = words.index(",")
        after = [word for word in words[comma + 1 :] if word != ","]
        # "Doe, John" has the surname first; "John Doe, MD" a suffix after it.
        surname_first = after and _bare(after[0]) not in SUFFIXES
        words = after + words[:comma] if surname_first else words[:comma]
    return words


def _said(word: str) -> bool:
    return any(character.isalpha() for character in word)


def first_name_of(name: str | None) -> str | None:
    """The first given name, or None when there is none to greet by: "Dr. Smith" has a
    title and a surname only, "J. Smith" an initial."""
    if not name:
        return None
    words = _given_order(name)
    titles = 0
    while titles < len(words) and _bare(words[titles]) in TITLES:
        titles += 1
    words = words[titles:]
    # After a title a lone word is the surname: "Hi Smith" would be wrong.
    if not words or (titles and len(words) == 1):
        return None
    first = words[0]
    # "van der Berg" is a surname alone ("Van Morrison", capitalised in a name of mixed
    # case, is a given name).
    particle = _bare(first) in PARTICLES and len(words) > 1
    if particle and (first.islower() or name.isupper() or name.islower()):
        return None
    first = _sayable(first)
    if first is None or INITIAL.fullmatch(first):
        return None
    return first.rstrip(".")


def _sayable(word: str) -> str | None:
    """A word as a greeting says it: without the signs around it (`"Eve"`, `(Eve)`), or None
    when signs no name has stay inside it, as in text written as markup
    (`[bold]Eve[/bold]`, which greeted "Hi [bold]Eve[/bold]", or `[bold red]Eve`) or
    `Eve/Adam`."""
    start, end = 0, len(word)
    while start < end and not _letter(word[start]):
        start += 1
    while end > start and not _letter(word[end - 1]) and word[end - 1] != ".":
        end -= 1
    said, before, after = word[start:end], word[:start], word[end:]
    inside = all(_letter(character) or character in INSIDE_A_NAME for character in said)
    # A bracket opened before the word is closed after it: `[bold` is no name.
    closed = all(CLOSING[sign] in after for sign in before if sign in CLOSING)
    return said if said and inside and closed else None


def _letter(character: str) -> bool:
    """A letter, or a mark written on one (the vowel signs of Devanagari)."""
    return unicodedata.category(character)[0] in "LM"


def written_case(name: str | None) -> str | None:
    """A name as people write it when it is stored wholly in capitals or wholly in lower
    case, as CRMs often export names: `DR. JOHN O'NEIL-SMITH` is `Dr. John O'Neil-Smith`,
    `kate o'brien` is `Kate O'Brien`, `jean-luc mcgregor` is `Jean-Luc McGregor`. A name
    in mixed case is kept as stored (`McDonald`, `van der Berg`, `DeShawn`), and so is the
    case no rule can tell: `MACY` is `Macy`, never `MacY`. Text with a figure or a sign
    no name has is kept as stored."""
    if not name or not (name.isupper() or name.islower()) or NOT_IN_A_NAME & set(name):
        return name
    said = []
    end = 0
    before = ""
    for run in LETTERS.finditer(name):
        between = name[end : run.start()]
        letters = run.group()
        # After O' or D' a name starts again (O'Neil, D'Arcy); after a longer run the
        # apostrophe is inside one (Ma'ata).
        inside = between in APOSTROPHES and len(before) > 1
        # A particle after the first word stays in lower case (Jan van der Berg).
        joins = before and between.isspace() and letters.lower() in PARTICLES
        said.extend((between, letters.lower() if inside or joins else _capitalised(letters)))
        before = letters
        end = run.end()
    said.append(name[end:])
    return "".join(said)


def _capitalised(letters: str) -> str:
    """One run of letters with a capital first: `Mc` names with a capital after it too
    (McGregor), and two consonants that are no title (Dr, Mr) kept as initials (`JD`)."""
    folded = letters.lower()
    initials = len(folded) == 2 and folded.isascii() and not VOWELS & set(folded)
    if initials and folded not in TITLES:
        return folded.upper()
    if folded.startswith("mc") and len(folded) > 3:
        return "Mc" + folded[2:].capitalize()
    return folded[:1].title() + folded[1:]
