"""The product profile (`profile.toml`): what the scripts may claim, matched to each prospect.

Every text of a profile is written to be read in the middle of a sentence: lower case
unless it starts with a name, no full stop at the end. Each becomes a placeholder:

- `{our_company}`, `{product}`: names ("Kestrel Software", "Kestrel").
- `{feature}`: a noun phrase that reads after "our" ("live dispatch board");
  `{feature_does}` a verb phrase after it ("shows every van ... on one screen");
  `{advantage}` a clause after "so" ("your controllers see who is free ...");
  `{benefit}` a noun phrase after "for you that means" ("no double-booked drivers").
  The feature is the one whose `needs` keywords best match the prospect's needs and
  pain points; without a match these four are missing.
- `{alternative}` reads after "compared with" ("spreadsheets and a shared calendar");
  `{differentiator}` is a clause after "unlike {alternative}," ("the board updates
  itself ..."). The differentiator whose keywords the prospect's notes mention, else the
  first (the usual alternative).
- `{proof}`: a clause with a number ("couriers on Kestrel take on 18% more ..."): the
  chosen feature's proof point, else one that backs no feature in particular.
- `{reference}`: a customer's name; `{reference_industry}` reads after "also in"
  ("logistics"); `{reference_result}` a past-tense clause ("cut double-bookings to
  zero ..."). The reference whose industry keywords appear in the prospect's company,
  title, needs, pain points or goals (the company counts double); else missing.
- `{payback}`: how long the product takes to pay for itself, read after "typical payback
  is" ("about three months").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from funnel_tui.paths import shipped_text
from funnel_tui.scripts.loader import ScriptProblem, toml_problem
from funnel_tui.text import SHOWN_AT_MOST
from funnel_tui.words import Words, stems

PROFILE_FILE = "profile.toml"
DEMO_FILE = "demo_profile.toml"
DEMO_SOURCE = "demo"
HAS_DIGIT = re.compile(r"\d")
ANY_HEADER = re.compile(r"\s*\[")

# Each table's fields: name -> (kind, required). Kinds: "text" or "keywords".
FieldSpec = dict[str, tuple[str, bool]]
TOP_FIELDS: FieldSpec = {
    "our_company": ("text", True),
    "product": ("text", True),
    "payback": ("text", False),
}
TABLES: dict[str, FieldSpec] = {
    "features": {
        "name": ("text", True),
        "does": ("text", True),
        "advantage": ("text", False),
        "benefit": ("text", False),
        "needs": ("keywords", True),
    },
    "differentiators": {
        "against": ("text", True),
        "difference": ("text", True),
        "keywords": ("keywords", False),
    },
    "proofs": {"text": ("text", True), "feature": ("text", False)},
    "references": {
        "name": ("text", True),
        "industry": ("text", False),
        "industry_keywords": ("keywords", True),
        "result": ("text", False),
    },
}
# One entry of each table, as the problems name it.
ENTRY_NAMES = {
    "features": "feature",
    "differentiators": "differentiator",
    "proofs": "proof",
    "references": "reference",
}


class Feature(NamedTuple):
    """Something the product does, and the needs keywords that call for it."""

    name: str
    does: str
    advantage: str
    benefit: str
    needs: tuple[str, ...]


class Differentiator(NamedTuple):
    """How the product differs from an alternative the prospect may have instead."""

    against: str
    difference: str
    keywords: tuple[str, ...]


class Proof(NamedTuple):
    """A result with a number that backs a claim up."""

    text: str
    # The name of the feature it backs up; empty for a proof about the product as a whole.
    feature: str


class Reference(NamedTuple):
    """A customer to name, found by the words of its industry."""

    name: str
    industry: str
    industry_keywords: tuple[str, ...]
    result: str


class Profile(NamedTuple):
    """What the rep sells; `source` is the file it came from, or "demo"."""

    our_company: str
    product: str
    features: tuple[Feature, ...] = ()
    differentiators: tuple[Differentiator, ...] = ()
    proofs: tuple[Proof, ...] = ()
    references: tuple[Reference, ...] = ()
    payback: str = ""
    source: str = DEMO_SOURCE

    @property
    def is_demo(self) -> bool:
        return self.source == DEMO_SOURCE

    def describe_source(self) -> str:
        return "the demo profile" if self.is_demo else self.source


def profile_path(config_dir: Path) -> Path:
    return config_dir / PROFILE_FILE


def load_profile(
    config_dir: Path | None, *, demo_book: bool
) -> tuple[Profile | None, list[ScriptProblem]]:
    """The rep's `profile.toml`, else the demo profile for a demo book, else none.

    A file that cannot be used gives no profile at all (not the demo's), with the
    problems that say where to look; it never raises.
    """
    path = profile_path(config_dir) if config_dir is not None else None
    if path is not None and (path.exists() or path.is_symlink()):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            return None, [ScriptProblem(path, None, f"cannot read the file ({error})")]
        return parse_profile(text, path, str(path))
    if demo_book:
        return demo_profile(), []
    return None, []


@cache
def demo_profile() -> Profile:
    """The profile shipped for the demo's fictional vendor; a broken one is a packaging bug."""
    text = shipped_text(__package__, DEMO_FILE)
    profile, problems = parse_profile(text, Path(DEMO_FILE), DEMO_SOURCE)
    if profile is None:
        raise ValueError("; ".join(str(problem) for problem in problems))
    return profile


def parse_profile(text: str, path: Path, source: str) -> tuple[Profile | None, list[ScriptProblem]]:
    """Read a profile's text; on any problem the profile is None and problems say why."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, [toml_problem(error, path, text)]
    checker = ProfileChecker(path, text)
    top = checker.table(data, TOP_FIELDS, extra=TABLES.keys(), where=None)
    tables = {name: checker.entries(name, data.get(name)) for name in TABLES}
    features = tuple(Feature(**entry) for entry in tables["features"])
    feature_names = {feature.name.casefold() for feature in features}
    for index, entry in enumerate(tables["proofs"]):
        if not HAS_DIGIT.search(entry["text"]):
            checker.report(
                f"proof {index + 1} has no number; a proof point is a result with a figure,"
                ' such as text = "clinics cut no-shows by 40% within three months"',
                checker.key_line("text", "proofs", index),
            )
        if entry["feature"] and entry["feature"].casefold() not in feature_names:
            checker.report(
                f"proof {index + 1} backs feature {entry['feature']!r}, which the profile"
                " does not have; use the name of one of its [[features]]",
                checker.key_line("feature", "proofs", index),
            )
    if checker.problems:
        return None, checker.problems
    profile = Profile(
        our_company=top["our_company"],
        product=top["product"],
        features=features,
        differentiators=tuple(Differentiator(**entry) for entry in tables["differentiators"]),
        proofs=tuple(Proof(**entry) for entry in tables["proofs"]),
        references=tuple(Reference(**entry) for entry in tables["references"]),
        payback=top["payback"],
        source=source,
    )
    return profile, []


class ProfileChecker:
    """Checks the parsed shape of a profile, pointing each problem at the line of its key."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.problems: list[ScriptProblem] = []

    def report(self, message: str, line: int | None) -> None:
        self.problems.append(ScriptProblem(self.path, line, message))

    def entries(self, name: str, raw: object) -> list[dict[str, Any]]:
        if raw is None:
            return []
        entry_name = ENTRY_NAMES[name]
        if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
            self.report(
                f"{name} must be [[{name}]] tables, one per {entry_name}", self.key_line(name)
            )
            return []
        return [
            self.table(entry, TABLES[name], where=(name, index)) for index, entry in enumerate(raw)
        ]

    def table(
        self,
        raw: dict[str, Any],
        spec: FieldSpec,
        *,
        where: tuple[str, int] | None,
        extra: Iterable[str] = (),
    ) -> dict[str, Any]:
        """The fields of one table, checked: text as one line, keywords as a tuple."""
        section, index = where or (None, 0)
        label = f"{ENTRY_NAMES[section]} {index + 1}: " if section else ""
        known = (*spec, *extra)
        for key in raw:
            if key not in known:
                self.report(
                    f"{label}unknown field {key!r}; {_fields_sentence(section, known)}",
                    self.key_line(key, section, index),
                )
        values: dict[str, Any] = {}
        for key, (kind, required) in spec.items():
            value = raw.get(key)
            line = self.key_line(key, section, index)
            if value is None:
                if required:
                    self.report(
                        f"{label}{key} is missing", self.header_line(section, index) or line
                    )
                values[key] = "" if kind == "text" else ()
            elif kind == "text":
                values[key] = self._text(value, f"{label}{key}", line)
            else:
                values[key] = self._keywords(value, f"{label}{key}", line, required=required)
        return values

    def _text(self, value: object, what: str, line: int | None) -> str:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
        self.report(f"{what} must be text in quotes, for example {_example(what)}", line)
        return ""

    def _keywords(
        self, value: object, what: str, line: int | None, *, required: bool
    ) -> tuple[str, ...]:
        """A list of words or phrases. An empty one is as good as none where the list is
        optional; where it is required, it is named as empty, not as no list."""
        if not isinstance(value, list) or not all(isinstance(word, str) for word in value):
            self.report(
                f'{what} must be a list of words or phrases, for example ["dispatch", "no-shows"]',
                line,
            )
            return ()
        if not value and required:
            self.report(f"{what} is empty: list at least one word or phrase", line)
        for word in value:
            if not stems(word):
                self.report(f"{what}: {word!r} has no word in it; remove it or write one", line)
        return tuple(" ".join(word.split()) for word in value)

    def header_line(self, section: str | None, occurrence: int) -> int | None:
        """1-based line of the n-th `[[section]]` header, when the file uses headers."""
        if section is None:
            return None
        header = re.compile(rf"\s*\[\[\s*{re.escape(section)}\s*\]\]")
        matches = (number for number, line in enumerate(self.lines, 1) if header.match(line))
        return next((n for i, n in enumerate(matches) if i == occurrence), None)

    def key_line(self, key: str, section: str | None = None, occurrence: int = 0) -> int | None:
        """Best-effort line of `key =`, inside the n-th `[[section]]` when one is given, else
        before the first table header."""
        header = self.header_line(section, occurrence)
        if section is not None and header is None:
            # Written inline (`features = [{...}]`): the line of the list is the best guess.
            return self.key_line(section)
        start = header or 0
        stop = next(
            (i for i in range(start, len(self.lines)) if ANY_HEADER.match(self.lines[i])),
            len(self.lines),
        )
        pattern = re.compile(rf"""\s*(["']?){re.escape(key)}\1\s*=""")
        for index in range(start, stop):
            if pattern.match(self.lines[index]):
                return index + 1
        return header


def _fields_sentence(section: str | None, known: Iterable[str]) -> str:
    owner = f"a {ENTRY_NAMES[section]}" if section else "a profile"
    *most, last = known
    return f"{owner} has {', '.join(most)} and {last}"


def _example(what: str) -> str:
    return f'{what.rpartition(" ")[2]} = "..."'


Entry = TypeVar("Entry")


class _Choices(NamedTuple):
    """What was chosen for one prospect, and the keywords that chose it."""

    feature: Feature | None
    feature_words: list[str]
    differentiator: Differentiator | None
    differentiator_words: list[str]
    proof: Proof | None
    reference: Reference | None
    reference_words: list[str]


def _text(prospect: Mapping[str, Any], field: str) -> str:
    """The field's text, its first SHOWN_AT_MOST characters: the words the keywords are
    looked up in (a field of megabytes took minutes)."""
    try:
        value = prospect[field]
    except (KeyError, IndexError):  # sqlite3.Row raises IndexError for an unknown column
        return ""
    return "" if value is None else str(value)[:SHOWN_AT_MOST]


def _best(
    entries: Iterable[Entry], score: Callable[[Entry], tuple[int, list[str]]]
) -> tuple[Entry | None, list[str]]:
    """The entry with the highest score above zero, the first one on a tie."""
    best: tuple[Entry | None, list[str]] = (None, [])
    top = 0
    for entry in entries:
        points, words = score(entry)
        if points > top:
            best, top = (entry, words), points
    return best


def _choose(profile: Profile, prospect: Mapping[str, Any]) -> _Choices:
    needs_and_pain = Words.of(_text(prospect, "needs"), _text(prospect, "pain_points"))
    feature, feature_words = _best(
        profile.features,
        lambda feature: _counted(needs_and_pain.found(feature.needs)),
    )
    notes = Words.of(
        *(_text(prospect, field) for field in ("needs", "pain_points", "objections", "goals"))
    )
    differentiator, differentiator_words = _best(
        profile.differentiators,
        lambda differentiator: _counted(notes.found(differentiator.keywords)),
    )
    if differentiator is None and profile.differentiators:
        differentiator = profile.differentiators[0]
    company = Words.of(_text(prospect, "company"))
    about = Words.of(
        *(_text(prospect, field) for field in ("title", "needs", "pain_points", "goals"))
    )

    def industry_score(reference: Reference) -> tuple[int, list[str]]:
        # The company's own name says what they do more surely than a word in the notes.
        in_company = company.found(reference.industry_keywords)
        elsewhere = [
            word for word in about.found(reference.industry_keywords) if word not in in_company
        ]
        return 2 * len(in_company) + len(elsewhere), [*in_company, *elsewhere]

    reference, reference_words = _best(profile.references, industry_score)
    return _Choices(
        feature,
        feature_words,
        differentiator,
        differentiator_words,
        _proof_for(profile, feature),
        reference,
        reference_words,
    )


def _counted(words: list[str]) -> tuple[int, list[str]]:
    return len(words), words


def _proof_for(profile: Profile, feature: Feature | None) -> Proof | None:
    """The proof point of the chosen feature, else one about the product as a whole."""
    if feature is not None:
        for proof in profile.proofs:
            if proof.feature.casefold() == feature.name.casefold():
                return proof
    return next((proof for proof in profile.proofs if not proof.feature), None)


def profile_facts(profile: Profile | None, prospect: Mapping[str, Any]) -> dict[str, str]:
    """The profile placeholders for one prospect; a key is missing when nothing fits."""
    if profile is None:
        return {}
    chosen = _choose(profile, prospect)
    facts = {
        "our_company": profile.our_company,
        "product": profile.product,
        "payback": profile.payback,
    }
    if chosen.feature is not None:
        facts |= {
            "feature": chosen.feature.name,
            "feature_does": chosen.feature.does,
            "advantage": chosen.feature.advantage,
            "benefit": chosen.feature.benefit,
        }
    if chosen.differentiator is not None:
        facts["alternative"] = chosen.differentiator.against
        facts["differentiator"] = chosen.differentiator.difference
    if chosen.proof is not None:
        facts["proof"] = chosen.proof.text
    if chosen.reference is not None:
        facts |= {
            "reference": chosen.reference.name,
            "reference_industry": chosen.reference.industry,
            "reference_result": chosen.reference.result,
        }
    return {key: value for key, value in facts.items() if value}


def headline_feature_facts(profile: Profile | None) -> dict[str, str]:
    """The feature placeholders of the profile's first feature, its headline: what an email
    that summarises the product says of it when none answers this prospect's needs or pain
    points (a cold lead with none recorded). A script asks instead; an email cannot."""
    if profile is None or not profile.features:
        return {}
    feature = profile.features[0]
    facts = {
        "feature": feature.name,
        "feature_does": feature.does,
        "advantage": feature.advantage,
        "benefit": feature.benefit,
    }
    return {key: value for key, value in facts.items() if value}


def chosen_entries(profile: Profile | None, prospect: Mapping[str, Any]) -> dict[str, str]:
    """Which feature, differentiator, proof and reference were chosen for this prospect, and
    why, one line each (for `funnel script`); empty without a profile."""
    if profile is None:
        return {}
    chosen = _choose(profile, prospect)
    entries = {"profile": profile.describe_source()}
    if chosen.feature is not None:
        entries["feature"] = (
            f"{chosen.feature.name} (their needs and pain points mention"
            f" {_quoted(chosen.feature_words)})"
        )
    else:
        entries["feature"] = "none: no feature's needs keywords are in their needs or pain points"
    if chosen.differentiator is None:
        entries["differentiator"] = "none: the profile has no differentiators"
    elif chosen.differentiator_words:
        entries["differentiator"] = (
            f"against {chosen.differentiator.against} (their notes mention"
            f" {_quoted(chosen.differentiator_words)})"
        )
    else:
        entries["differentiator"] = (
            f"against {chosen.differentiator.against} (the usual alternative: first in the profile)"
        )
    if chosen.proof is None:
        entries["proof"] = "none: no proof point for this feature or the product as a whole"
    elif chosen.proof.feature:
        entries["proof"] = f"{chosen.proof.text} (backs {chosen.proof.feature})"
    else:
        entries["proof"] = f"{chosen.proof.text} (about the product as a whole)"
    if chosen.reference is not None:
        industry = f", {chosen.reference.industry}" if chosen.reference.industry else ""
        entries["reference"] = (
            f"{chosen.reference.name}{industry} (their company or notes mention"
            f" {_quoted(chosen.reference_words)})"
        )
    else:
        entries["reference"] = (
            "none: no reference's industry keywords are in their company, title or notes"
        )
    return entries


def _quoted(words: list[str]) -> str:
    return ", ".join(f"'{word}'" for word in words)


# What `funnel profile` suggests when there is no profile: the smallest useful one.
EXAMPLE_PROFILE = """\
our_company = "Acme Scheduling"
product = "Acme Rota"
payback = "about three months"

[[features]]
name = "dispatch board"
does = "shows every driver and job on one screen"
advantage = "your controllers see who is free without ringing round"
benefit = "no double-booked drivers"
needs = ["dispatch", "drivers", "double-booked"]

[[differentiators]]
against = "spreadsheets"
difference = "the board updates itself the moment a job changes"

[[proofs]]
text = "couriers take on 18% more same-day jobs within two months"
feature = "dispatch board"

[[references]]
name = "Northline Couriers"
industry = "logistics"
industry_keywords = ["logistics", "courier", "delivery"]
result = "stopped double-booking drivers in their first month"
"""


def describe_profile(profile: Profile) -> list[str]:
    """The profile as plain lines, every entry with what it is matched on."""
    lines = [
        f"Our company: {profile.our_company}",
        f"Product: {profile.product}",
        f"Payback: {profile.payback or '(none)'}",
    ]
    lines += _section("Features", profile.features, _feature_lines)
    lines += _section("Differentiators", profile.differentiators, _differentiator_lines)
    lines += _section("Proof points", profile.proofs, _proof_lines)
    lines += _section("References", profile.references, _reference_lines)
    return lines


def _section(
    title: str, entries: tuple[Entry, ...], describe: Callable[[Entry], list[str]]
) -> list[str]:
    if not entries:
        return ["", f"{title}: none"]
    return ["", f"{title} ({len(entries)})", *(line for e in entries for line in describe(e))]


def _feature_lines(feature: Feature) -> list[str]:
    return [
        f"- {feature.name}: {feature.does}",
        *([f"  advantage: {feature.advantage}"] if feature.advantage else []),
        *([f"  benefit: {feature.benefit}"] if feature.benefit else []),
        f"  needs: {', '.join(feature.needs)}",
    ]


def _differentiator_lines(differentiator: Differentiator) -> list[str]:
    keywords = ", ".join(differentiator.keywords) or "(none: the usual alternative when first)"
    return [
        f"- against {differentiator.against}: {differentiator.difference}",
        f"  keywords: {keywords}",
    ]


def _proof_lines(proof: Proof) -> list[str]:
    backs = proof.feature or "the product as a whole"
    return [f"- {proof.text} (backs {backs})"]


def _reference_lines(reference: Reference) -> list[str]:
    industry = f" ({reference.industry})" if reference.industry else ""
    result = f": {reference.result}" if reference.result else ""
    return [
        f"- {reference.name}{industry}{result}",
        f"  industry keywords: {', '.join(reference.industry_keywords)}",
    ]
