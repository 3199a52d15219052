"""The shared objection library: categories of objections, the phrases that name them, answers.

Reps write objections in their own words ("pricey", "call me in Q2", "we built our own").
Each category lists the phrases and synonyms that mean it, matched as whole words, and the
answer each selling method gives to it. The built-ins ship as `objections.toml` in this
package; the rep's `objections.toml` in the config dir replaces parts of a category or adds
new ones. A category of that file with a problem is reported and left out, the others are
used; a file that cannot be read as TOML is reported and the built-ins stay in use.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from funnel_tui.domain import BUILTIN_METHOD_VALUES
from funnel_tui.paths import shipped_text
from funnel_tui.scripts.loader import METHOD_NAME, FileChecker, ScriptProblem, toml_problem
from funnel_tui.scripts.placeholders import PLACEHOLDER, placeholder_problems

FILE_NAME = "objections.toml"
COMMON = "common"
CATEGORY_FIELDS = ("title", "phrases", "ignore", "answers", "fallback")
CATEGORY_KEY = re.compile(r"[a-z0-9_]+")
HAS_WORD = re.compile(r"\w")
# Reps type curly apostrophes as often as straight ones.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
# What an empty phrase list finds: a category the rep turned off with phrases = [].
NOTHING = re.compile(r"(?!)")
NOT_WORD = re.compile(r"\W")


@dataclass(frozen=True)
class ObjectionCategory:
    """One kind of objection: what it is called, the phrases that name it and its answers.

    `answers` maps a method value (or "common", for any method) to a spoken answer that may
    use placeholders; `fallback` has none and is said when a fact the answer needs is
    missing. `ignore` lists phrases that look like this category but are not it
    ("busy season" is not "I'm busy").
    """

    key: str
    title: str
    phrases: tuple[str, ...]
    answers: Mapping[str, str] = field(hash=False)
    fallback: str
    ignore: tuple[str, ...] = ()


# What is used instead of a file that cannot be read as TOML.
BUILT_INS_USED = "the built-in objections are used"


@dataclass
class ObjectionLibrary:
    """Every objection category in use and the problems met reading the rep's file, each
    with what is used instead (`used_instead`)."""

    categories: tuple[ObjectionCategory, ...]
    problems: list[ScriptProblem] = field(default_factory=list)
    # For a problem of one category: that only it is left out.
    instead: dict[ScriptProblem, str] = field(default_factory=dict)

    def used_instead(self, problem: ScriptProblem) -> str:
        """What is used instead of the part of the file a problem is about: the built-in
        category, the file without that category, or the built-ins alone."""
        return self.instead.get(problem, BUILT_INS_USED)

    @cached_property
    def _matchers(self) -> tuple[tuple[ObjectionCategory, _Matcher], ...]:
        """Made when text is first matched: a prospect without objections (and the first
        frame, often) needs none of them."""
        return tuple(
            (category, _matcher(category.phrases, category.ignore)) for category in self.categories
        )

    def get(self, key: str) -> ObjectionCategory | None:
        return next((category for category in self.categories if category.key == key), None)

    def match(self, text: str | None) -> list[ObjectionCategory]:
        """The categories the text names, in the order it first names them, each once."""
        if not text:
            return []
        normalised = normalise(text)
        word_starts = _word_starts(normalised)
        found = [
            (start, index, category)
            for index, (category, matcher) in enumerate(self._matchers)
            if (start := matcher.first(normalised, word_starts)) is not None
        ]
        return [category for _, _, category in sorted(found, key=lambda hit: hit[:2])]

    def answer(self, category: ObjectionCategory, method: str) -> str:
        """The method's own answer, else the common one, else the fallback."""
        return category.answers.get(method) or category.answers.get(COMMON) or category.fallback


class _Matcher:
    """A category's phrases and ignored phrases, each compiled into one pattern when a text
    first could hold a phrase.

    Compiling every category's pattern takes longer than the rest of a first frame's script
    (about 10 ms for the built-ins), and most texts name one or two categories. A phrase's
    words each start a word of any text it matches, with the word's first piece as it is
    written ("don" of "don't", "in" of "in-house"): a text in which no phrase's longest
    such piece (its anchor) starts a word is passed over uncompiled.
    """

    def __init__(self, phrases: tuple[str, ...], ignore: tuple[str, ...]) -> None:
        self._phrases = phrases
        self._ignore = ignore
        self._anchors = frozenset(_anchor(phrase) for phrase in phrases)

    @cached_property
    def _patterns(self) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
        ignore = compile_phrases(self._ignore) if self._ignore else None
        return compile_phrases(self._phrases), ignore

    def first(self, text: str, word_starts: str) -> int | None:
        """Where the first phrase starts that no ignored phrase takes part of; None if none
        does. A phrase that holds a whole ignored one is not taken ("don't have the
        budget" holds the ignored "have the budget"). `word_starts` is the text as
        `_word_starts` gives it."""
        if not any(anchor in word_starts for anchor in self._anchors):
            return None
        phrases, ignore = self._patterns
        ignored = [] if ignore is None else [hit.span() for hit in ignore.finditer(text)]
        at = 0
        while (hit := phrases.search(text, at)) is not None:
            if not any(_takes_part_of(span, hit.span()) for span in ignored):
                return hit.start()
            at = hit.start() + 1
        return None


def _takes_part_of(ignored: tuple[int, int], phrase: tuple[int, int]) -> bool:
    """Whether an ignored phrase's span overlaps a phrase's, other than lying within it."""
    (ignored_start, ignored_end), (start, end) = ignored, phrase
    overlaps = ignored_start < end and start < ignored_end
    within = (
        start <= ignored_start and ignored_end <= end and end - start > ignored_end - ignored_start
    )
    return overlaps and not within


@cache
def _matcher(phrases: tuple[str, ...], ignore: tuple[str, ...]) -> _Matcher:
    """Made once per phrase list, however often the library is loaded."""
    return _Matcher(phrases, ignore)


def normalise(text: str) -> str:
    """Lower case with straight apostrophes: the form phrases are matched against."""
    return text.lower().translate(APOSTROPHES)


def compile_phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern finding any phrase as whole words in `normalise`d text.

    Words may be separated by spaces or hyphens ("lock in" finds "lock-in"), a hyphen in a
    phrase may also be a space or left out ("in-house" finds "in house" and "inhouse"), an
    apostrophe may be left out ("don't" finds "dont"), and the last word may take a plural
    s or es ("price" finds "prices"); any other inflection is a phrase of its own
    ("pricing", "pricey").
    """
    alternatives = sorted({_phrase_pattern(phrase) for phrase in phrases}, key=len, reverse=True)
    if not alternatives:
        return NOTHING
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?:e?s)?(?!\w)")


def _phrase_pattern(phrase: str) -> str:
    return r"[\s-]+".join(
        r"[\s-]?".join(r"'?".join(re.escape(piece) for piece in part) for part in word)
        for word in _pieces(phrase)
    )


def _pieces(phrase: str) -> list[list[list[str]]]:
    """The phrase's words, each split at its hyphens, each part at its apostrophes: the
    pieces a match holds as they are, whatever is typed between them."""
    return [[part.split("'") for part in word.split("-")] for word in normalise(phrase).split()]


def _anchor(phrase: str) -> str:
    """The longest first piece of the phrase's words, as `_word_starts` writes it: every
    text the phrase matches holds it there."""
    first_pieces = (word[0][0] for word in _pieces(phrase))
    return _word_starts(max(first_pieces, key=len, default=""))


def _word_starts(text: str) -> str:
    """The text with a space for every character that is not part of a word, and one in
    front: a piece starting a word, written the same way, follows a space in it."""
    return " " + NOT_WORD.sub(" ", text)


def load_objections(user_dir: Path | None) -> ObjectionLibrary:
    """The built-in categories, changed or extended by `user_dir/objections.toml`.

    Never raises for the rep's file: a problem in it is reported with the file and line,
    and the category it is in is left out (the built-ins as they ship, for a file that
    cannot be read).
    """
    builtins = builtin_categories()
    if user_dir is None:
        return ObjectionLibrary(builtins)
    path = user_dir / FILE_NAME
    if not path.exists():
        return ObjectionLibrary(builtins)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return ObjectionLibrary(
            builtins, [ScriptProblem(path, None, f"cannot read the file ({error})")]
        )
    methods = {*BUILTIN_METHOD_VALUES, *_user_methods(user_dir / "scripts")}
    return parse_objections(text, path, builtins, methods)


def _user_methods(scripts_dir: Path) -> set[str]:
    """The methods the rep added as script files, so their answers can be named too."""
    if not scripts_dir.is_dir():
        return set()
    return {path.stem for path in scripts_dir.glob("*.toml") if METHOD_NAME.fullmatch(path.stem)}


@cache
def builtin_categories() -> tuple[ObjectionCategory, ...]:
    """The categories shipped in the package; a broken file is a packaging bug, so it raises."""
    text = shipped_text(__package__, FILE_NAME)
    library = parse_objections(text, Path(FILE_NAME), (), set(BUILTIN_METHOD_VALUES))
    if library.problems:
        raise ValueError("; ".join(str(problem) for problem in library.problems))
    return library.categories


def parse_objections(
    text: str,
    path: Path,
    base: tuple[ObjectionCategory, ...],
    methods: set[str],
) -> ObjectionLibrary:
    """`base` with the sound categories of one objections file applied; the problems say
    what is wrong with the others, which are left out.

    A category already in `base` takes each field the file gives (each answer on its own);
    a new one is added after them. `methods` are the method values an answer may name.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return ObjectionLibrary(base, [toml_problem(error, path, text)])
    reader = _FileReader(path, text, methods)
    merged = {category.key: category for category in base}
    instead = {}
    for key, table in data.items():
        problems_before = len(reader.problems)
        builtin = merged.get(key)
        category = reader.category(key, table, builtin)
        if category is not None:
            merged[key] = category
        kept = f"[{key}] stays as built in" if builtin is not None else f"[{key}] is left out"
        left_out = f"{kept}; the rest of the file is used"
        instead.update(dict.fromkeys(reader.problems[problems_before:], left_out))
    return ObjectionLibrary(tuple(merged.values()), reader.problems, instead)


class _Given(NamedTuple):
    """The fields one category table of a file gives; None where it leaves one out."""

    title: str | None
    phrases: tuple[str, ...] | None
    ignore: tuple[str, ...] | None
    answers: dict[str, str]
    fallback: str | None

    def new(self, key: str) -> ObjectionCategory:
        return ObjectionCategory(
            key,
            self.title or key.replace("_", " ").capitalize(),
            self.phrases,
            MappingProxyType(self.answers),
            self.fallback or self.answers[COMMON],
            self.ignore or (),
        )

    def changed(self, builtin: ObjectionCategory) -> ObjectionCategory:
        """`builtin` with each field given replaced, and each answer given on its own."""
        return ObjectionCategory(
            builtin.key,
            self.title or builtin.title,
            builtin.phrases if self.phrases is None else self.phrases,
            MappingProxyType({**builtin.answers, **self.answers}),
            self.fallback or builtin.fallback,
            builtin.ignore if self.ignore is None else self.ignore,
        )


class _FileReader:
    """Checks the categories of one objections file, pointing each problem at its line."""

    def __init__(self, path: Path, text: str, methods: set[str]) -> None:
        self.lines = FileChecker(path, text)
        self.methods = methods

    @property
    def problems(self) -> list[ScriptProblem]:
        return self.lines.problems

    def report(self, message: str, line: int | None) -> None:
        self.lines.report(message, line)

    def category(
        self, key: str, table: object, builtin: ObjectionCategory | None
    ) -> ObjectionCategory | None:
        """The category `table` describes, or None (with the problems reported)."""
        if not isinstance(table, dict):
            self.report(
                f"{key!r} must be a category table: [{key}] then title, phrases, answers "
                "and fallback",
                self.lines.key_line(key) or self.category_line(key),
            )
            return None
        if not CATEGORY_KEY.fullmatch(key):
            self.report(
                f"category [{key}]: use only lowercase letters, digits and _ in its name",
                self.category_line(key),
            )
            return None
        problems_before = len(self.problems)
        for name in table:
            if name not in CATEGORY_FIELDS:
                self.report(
                    f"category [{key}]: unknown field {name!r}; a category has title, "
                    "phrases, ignore, answers and fallback",
                    self.field_line(key, name),
                )
        given = _Given(
            title=self._text(key, table, "title"),
            phrases=self._phrases(key, table, "phrases"),
            ignore=self._phrases(key, table, "ignore"),
            answers=self._answers(key, table.get("answers", {})),
            fallback=self._fallback(key, table),
        )
        if builtin is None:
            self._check_complete(key, given)
        if len(self.problems) > problems_before:
            return None
        return given.changed(builtin) if builtin else given.new(key)

    def _check_complete(self, key: str, given: _Given) -> None:
        """A new category needs phrases and a line to say when a fact is missing."""
        if not given.phrases:
            self.report(
                f'category [{key}] has no phrases: add phrases = ["...", "..."]',
                self.category_line(key),
            )
        common = given.answers.get(COMMON, "")
        if given.fallback is None and (not common or PLACEHOLDER.search(common)):
            self.report(
                f'category [{key}] has no fallback: add fallback = "...", the answer '
                "said when a fact is missing (no {placeholders})",
                self.category_line(key),
            )

    def _fallback(self, key: str, table: dict) -> str | None:
        fallback = self._text(key, table, "fallback")
        if fallback and PLACEHOLDER.search(fallback):
            self.report(
                f"category [{key}]: the fallback is said when a fact is missing, so it "
                "cannot use {placeholders}",
                self.field_line(key, "fallback"),
            )
        return fallback

    def field_line(self, key: str, name: str, *subtable: str) -> int | None:
        """The line of `name =` in the category's table (or its `subtable`): looked for
        only to point at a problem, since each look compiles a pattern and reads the file."""
        return self.lines.key_line(name, _header(key, *subtable))

    def category_line(self, key: str) -> int | None:
        """The line of `[key]`, else of `[key.answers]` when the file only has that."""
        return self.lines.header_line(_header(key)) or self.lines.header_line(
            _header(key, "answers")
        )

    def _text(self, key: str, table: dict, name: str) -> str | None:
        value = table.get(name)
        if value is None:
            return None
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.report(f"category [{key}]: {name} must be text in quotes", self.field_line(key, name))
        return None

    def _phrases(self, key: str, table: dict, name: str) -> tuple[str, ...] | None:
        value = table.get(name)
        if value is None:
            return None
        if isinstance(value, list) and all(
            isinstance(phrase, str) and HAS_WORD.search(phrase) for phrase in value
        ):
            return tuple(" ".join(phrase.split()) for phrase in value)
        self.report(
            f"category [{key}]: {name} must be a list of words or phrases, for example "
            f'{name} = ["too expensive", "pricey"]',
            self.field_line(key, name),
        )
        return None

    def _answers(self, key: str, answers: object) -> dict[str, str]:
        if not isinstance(answers, dict):
            self.report(
                f"category [{key}]: answers must be a table: [{key}.answers] then "
                'common = "..." or one line per method',
                self.field_line(key, "answers"),
            )
            return {}
        checked = {}
        for method, answer in answers.items():
            problems = self._answer_problems(method, answer)
            for problem in problems:
                self.report(f"category [{key}]: {problem}", self.field_line(key, method, "answers"))
            if not problems:
                checked[method] = " ".join(answer.split())
        return checked

    def _answer_problems(self, method: str, answer: object) -> list[str]:
        if method != COMMON and method not in self.methods:
            known = ", ".join((COMMON, *sorted(self.methods)))
            return [f"unknown method {method!r} in answers; use one of {known}"]
        if not isinstance(answer, str) or not answer.strip():
            return [f"the {method} answer must be text in quotes"]
        return [f"the {method} answer: {problem}" for problem in placeholder_problems(answer)]


def _header(key: str, *subtable: str) -> re.Pattern[str]:
    """The `[key]` (or `[key.answers]`) table header line of a category; `[[key]]` too, so
    a file that wrongly makes it an array of tables is still pointed at."""
    dotted = r"\s*\.\s*".join(re.escape(part) for part in (key, *subtable))
    return re.compile(rf"\s*\[\[?\s*[\"']?{dotted}[\"']?\s*\]")
