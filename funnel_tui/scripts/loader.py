"""Load call scripts: the built-ins shipped in this package and the rep's own TOML files."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple, TypeVar

from funnel_tui.counted import listed
from funnel_tui.domain import BUILTIN_METHOD_VALUES, BUILTIN_METHODS
from funnel_tui.paths import shipped_text
from funnel_tui.scripts.placeholders import placeholder_problems

BUILTIN_SOURCE = "built-in"
METHOD_NAME = re.compile(r"[a-z0-9_]+")
SCRIPT_KEYS = ("name", "fits", "openers", "steps", "objections")
STEP_KEYS = ("title", "say", "ask", "cue", "fallback", "for")
OPENER_KEYS = ("say", "ask", "cue", "fallback")
# Who the rep is calling (PRODUCT 6): each has its own opener, shown as step 1.
SITUATIONS = ("cold", "inbound", "known", "customer", "declined")
OPENER_TITLE = "Open"

TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
TOML_AT_END = re.compile(r"\s*\(at end of document\)$")
STEPS_HEADER = re.compile(r"\s*\[\[\s*steps\s*\]\]")
OBJECTIONS_HEADER = re.compile(r"\s*\[\s*objections\s*\]")
ANY_HEADER = re.compile(r"\s*\[")
HAS_WORD = re.compile(r"[A-Za-z0-9]")


class ScriptStep(NamedTuple):
    """One step of a call script.

    `say` and each `ask` item are spoken; `cue` is for the rep only; when a fact that `say`
    needs is missing, the first `fallback` line whose facts are all known is spoken instead.
    """

    title: str
    say: str = ""
    ask: tuple[str, ...] = ()
    cue: str = ""
    fallback: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()
    """The situations the step is for (`for = ["cold", "inbound"]`); empty: every one."""

    def is_for(self, situation: str) -> bool:
        return not self.situations or situation in self.situations


@dataclass(frozen=True)
class CallScript:
    """The script for one selling method; `source` is "built-in" or the file it came from."""

    method: str
    name: str
    steps: tuple[ScriptStep, ...]
    # keyword -> answer; excluded from the hash because a dict cannot be hashed.
    objections: dict[str, str] = field(hash=False)
    source: str = BUILTIN_SOURCE
    # situation -> opener; a file in the old format has none and starts at its first step.
    openers: dict[str, ScriptStep] = field(default_factory=dict, hash=False)
    fits: str = ""
    """One line for the method picker: when this method fits."""

    def opener(self, situation: str) -> ScriptStep | None:
        """The opener for a situation: this script's, else the built-in method's, else
        (for someone who said no) the known one's, else the first one the script has. A
        script without openers (the old format) has none: it starts at its own first step,
        which is often a greeting already."""
        if not self.openers:
            return None
        if situation in self.openers:
            return self.openers[situation]
        if self.source != BUILTIN_SOURCE and self.method in BUILTIN_METHOD_VALUES:
            return load_builtin(self.method).opener(situation)
        if situation == "declined" and "known" in self.openers:
            return self.openers["known"]
        return next(iter(self.openers.values()), None)

    def steps_for(self, situation: str) -> tuple[ScriptStep, ...]:
        """The steps as the rep goes through them: the situation's opener first, then the
        steps for that situation."""
        opener = self.opener(situation)
        steps = tuple(step for step in self.steps if step.is_for(situation))
        return steps if opener is None else (opener, *steps)


class ScriptProblem(NamedTuple):
    """Why a script file could not be used, with the line to look at when it is known."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


def script_used_instead(problem: ScriptProblem) -> str:
    """What is used instead of a script file that could not be loaded: the built-in of its
    method, or nothing (a method the rep added)."""
    if problem.path.suffix == ".toml" and problem.path.stem in BUILTIN_METHOD_VALUES:
        return "using the built-in script"
    return "not used"


@dataclass
class ScriptLibrary:
    """Every script in use, keyed by method value, and the problems met while loading.

    The rep's own files are read when the library is loaded, so their problems show at
    once; a built-in script is parsed when first asked for (the app shows one at start).
    """

    own: dict[str, CallScript] = field(default_factory=dict)
    problems: list[ScriptProblem] = field(default_factory=list)

    def get(self, method: str) -> CallScript | None:
        if method in self.own:
            return self.own[method]
        return load_builtin(method) if method in BUILTIN_METHOD_VALUES else None

    @property
    def scripts(self) -> dict[str, CallScript]:
        """Every script: the built-in methods first (the rep's file where there is one),
        then the methods the rep added, by name."""
        added = sorted(method for method in self.own if method not in BUILTIN_METHOD_VALUES)
        return {method: self._script(method) for method in (*BUILTIN_METHOD_VALUES, *added)}

    def _script(self, method: str) -> CallScript:
        script = self.get(method)
        assert script is not None, f"{method} is neither built in nor one of the rep's files"
        return script

    def methods(self) -> list[CallScript]:
        return list(self.scripts.values())

    def not_loaded(self) -> list[ScriptProblem]:
        """The first problem of each of the rep's files that could not be loaded, in the
        order they were read."""
        first: dict[Path, ScriptProblem] = {}
        for problem in self.problems:
            first.setdefault(problem.path, problem)
        return list(first.values())

    def names(self) -> dict[str, str]:
        """Method value -> display name, in the order the method picker shows them."""
        return {method: script.name for method, script in self.scripts.items()}


# How one file of a kind is read: (its key, its text, its path, where it came from) to
# the thing it holds (None when it cannot be used) and what is wrong with it.
T = TypeVar("T")
Parse = Callable[[str, str, Path, str], tuple[T | None, list[ScriptProblem]]]


def read_user_files(
    user_dir: Path | None,
    problems: list[ScriptProblem],
    *,
    folder_of: str,
    name: re.Pattern[str],
    naming: str,
    parse: Parse[T],
) -> Iterator[T]:
    """Each usable `user_dir/*.toml`, read by `parse` with its file name as its key, in
    name order; what is wrong with the others (and with a folder that is none) goes to
    `problems`. `folder_of` says what the folder holds, `naming` how to name a file."""
    if user_dir is None or not user_dir.exists():
        return
    if not user_dir.is_dir():
        problems.append(ScriptProblem(user_dir, None, f"expected a folder of {folder_of}"))
        return
    for path in sorted(user_dir.glob("*.toml"), key=lambda path: path.stem):
        if not name.fullmatch(path.stem):
            problems.append(ScriptProblem(path, None, naming))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(ScriptProblem(path, None, f"cannot read the file ({error})"))
            continue
        found, file_problems = parse(path.stem, text, path, str(path))
        problems.extend(file_problems)
        if found is not None:
            yield found


def read_builtin(package: str, key: str, parse: Parse[T]) -> T:
    """A file shipped in `package`; a broken one is a packaging bug, so it raises."""
    text = shipped_text(package, f"{key}.toml")
    found, problems = parse(key, text, Path(f"{key}.toml"), BUILTIN_SOURCE)
    if found is None:
        raise ValueError("; ".join(str(problem) for problem in problems))
    return found


def load_library(user_dir: Path | None) -> ScriptLibrary:
    """The built-in scripts, replaced or extended by `user_dir/*.toml`; never raises for those."""
    library = ScriptLibrary()
    for script in read_user_files(
        user_dir,
        library.problems,
        folder_of=".toml scripts",
        name=METHOD_NAME,
        naming="the file name becomes the method, so use only lowercase letters, digits "
        "and _ (for example cold_call.toml)",
        parse=parse_script,
    ):
        library.own[script.method] = script
    return library


@cache
def load_builtin(method: str) -> CallScript:
    """A script shipped in the package; a broken one is a packaging bug, so it raises."""
    return read_builtin(__package__, method, parse_script)


def parse_script(
    method: str, text: str, path: Path, source: str
) -> tuple[CallScript | None, list[ScriptProblem]]:
    """Read one script file's text; on any problem the script is None and problems say why."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, [toml_problem(error, path, text)]
    checker = FileChecker(path, text)
    name = checker.name(data, method)
    fits = checker.fits(data.get("fits", ""))
    openers = checker.openers(data.get("openers", {}))
    steps = checker.steps(data.get("steps"))
    objections = checker.objections(data.get("objections", {}))
    for key in data:
        if key not in SCRIPT_KEYS:
            checker.report(
                f"unknown key {key!r}; a script has name, fits, openers, steps and objections",
                checker.key_line(key),
            )
    if checker.problems:
        return None, checker.problems
    return CallScript(method, name, steps, objections, source, openers, fits), []


def toml_problem(error: tomllib.TOMLDecodeError, path: Path, text: str) -> ScriptProblem:
    """A file that is not valid TOML, as a problem at the line the parser names."""
    message = str(error)
    position = TOML_POSITION.search(message)
    if position:
        line: int | None = int(position.group(1))
        message = f"{message[: position.start()]} (column {position.group(2)})"
    elif TOML_AT_END.search(message):
        line = max(1, len(text.splitlines()))
        message = TOML_AT_END.sub(" (at the end of the file)", message)
    else:
        line = None
    return ScriptProblem(path, line, f"not valid TOML: {message}")


class FileChecker:
    """Checks the parsed shape of a script file, pointing each problem at the line of its
    key (the objections file reuses its way of finding lines)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.problems: list[ScriptProblem] = []

    def report(self, message: str, line: int | None) -> None:
        self.problems.append(ScriptProblem(self.path, line, message))

    def name(self, data: dict[str, object], method: str) -> str:
        name = data.get("name", _default_name(method))
        if isinstance(name, str) and name.strip():
            return name.strip()
        self.report(
            'name must be text in quotes, for example name = "Cold Call"', self.key_line("name")
        )
        return ""

    def steps(self, steps: object) -> tuple[ScriptStep, ...]:
        if steps is None:
            self.report("no steps: add at least one [[steps]] table with title and say", None)
            return ()
        if not isinstance(steps, list) or not steps:
            self.report(
                "steps must be one or more [[steps]] tables with title and say",
                self.key_line("steps"),
            )
            return ()
        return tuple(
            step for index, raw in enumerate(steps) if (step := self.step(index, raw)) is not None
        )

    def fits(self, fits: object) -> str:
        if isinstance(fits, str):
            return " ".join(fits.split())
        self.report(
            'fits must be one line in quotes, for example fits = "They know their problem."',
            self.key_line("fits"),
        )
        return ""

    def openers(self, openers: object) -> dict[str, ScriptStep]:
        if not isinstance(openers, dict):
            self.report(
                "openers must be tables such as [openers.cold] with say, ask, cue and fallback",
                self.key_line("openers"),
            )
            return {}
        found = {}
        for situation, raw in openers.items():
            header = _opener_header(situation)
            if situation not in SITUATIONS:
                self.report(
                    f"unknown opener {situation!r}; openers are {', '.join(SITUATIONS)}",
                    self.header_line(header) or self.key_line("openers"),
                )
                continue
            opener = self.parts(
                f"opener {situation}", raw, OPENER_KEYS, header, 0, {"title": OPENER_TITLE}
            )
            if opener is not None:
                found[situation] = opener
        return found

    def step(self, index: int, raw: object) -> ScriptStep | None:
        return self.parts(f"step {index + 1}", raw, STEP_KEYS, STEPS_HEADER, index, {})

    def parts(
        self,
        label: str,
        raw: object,
        keys: tuple[str, ...],
        header_pattern: re.Pattern[str],
        index: int,
        texts: dict[str, str],
    ) -> ScriptStep | None:
        """One step or opener; `texts` holds what the file does not give (an opener's title)."""
        header = self.header_line(header_pattern, index)
        if not isinstance(raw, dict):
            self.report(f"{label} must be a table with {listed(keys)}", header)
            return None
        problems_before = len(self.problems)
        for key in ("title", "say", "cue"):
            if key not in keys:
                continue
            value = raw.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                self.report(
                    f"{label}: {key} must be text in quotes",
                    self.key_line(key, header_pattern, index),
                )
            else:
                texts[key] = value.strip()
        ask = raw.get("ask", [])
        if not isinstance(ask, list) or not all(
            isinstance(question, str) and question.strip() for question in ask
        ):
            self.report(
                f'{label}: ask must be a list of questions, for example ask = ["How ...?"]',
                self.key_line("ask", header_pattern, index),
            )
            ask = []
        fallback = raw.get("fallback", [])
        if isinstance(fallback, str):
            fallback = [fallback]
        if not isinstance(fallback, list) or not all(
            isinstance(line, str) and line.strip() for line in fallback
        ):
            self.report(
                f"{label}: fallback must be text in quotes, or a list of lines tried in order",
                self.key_line("fallback", header_pattern, index),
            )
            fallback = []
        situations = raw.get("for", [])
        if not isinstance(situations, list) or not all(
            situation in SITUATIONS for situation in situations
        ):
            self.report(
                f"{label}: for must list situations from {', '.join(SITUATIONS)},"
                ' for example for = ["cold", "inbound"]',
                self.key_line("for", header_pattern, index),
            )
            situations = []
        for key in raw:
            if key not in keys:
                self.report(
                    f"{label}: unknown key {key!r}; it has {listed(keys)}",
                    self.key_line(key, header_pattern, index),
                )
        spoken = [(key, texts[key]) for key in ("say", "cue") if key in texts]
        spoken += [("ask", question) for question in ask]
        spoken += [("fallback", line) for line in fallback]
        for key, text in spoken:
            for problem in placeholder_problems(text):
                self.report(f"{label}: {key}: {problem}", self.key_line(key, header_pattern, index))
        if "title" in keys and "title" not in raw:
            self.report(f"{label} has no title", header)
        if "say" not in raw and not ask:
            # Something must be spoken; a step of questions needs no `say`.
            if raw.get("ask") == []:
                self.report(
                    f"{label} has no say and its ask is empty: give it a say, or at least"
                    " one question in ask",
                    self.key_line("ask", header_pattern, index),
                )
            else:
                self.report(f"{label} has no say: give it a say, or questions in ask", header)
        if len(self.problems) > problems_before:
            return None
        return ScriptStep(
            texts["title"],
            texts.get("say", ""),
            tuple(question.strip() for question in ask),
            texts.get("cue", ""),
            tuple(line.strip() for line in fallback),
            tuple(dict.fromkeys(situations)),
        )

    def objections(self, objections: object) -> dict[str, str]:
        if not isinstance(objections, dict):
            self.report(
                'objections must be a table: [objections] then keyword = "answer" lines',
                self.key_line("objections"),
            )
            return {}
        answers = {}
        for keyword, answer in objections.items():
            line = self.key_line(keyword, OBJECTIONS_HEADER)
            if not HAS_WORD.search(keyword):
                self.report(f"objection keyword {keyword!r} must be a word", line)
            elif not isinstance(answer, str) or not answer.strip():
                self.report(f"objection {keyword!r}: the answer must be text in quotes", line)
            elif problems := placeholder_problems(answer):
                for problem in problems:
                    self.report(f"objection {keyword!r}: {problem}", line)
            else:
                answers[keyword] = answer.strip()
        return answers

    def header_line(self, header: re.Pattern[str], occurrence: int = 0) -> int | None:
        """1-based line of the n-th table header of a kind, when the file uses headers."""
        matches = (number for number, line in enumerate(self.lines, 1) if header.match(line))
        return next((n for i, n in enumerate(matches) if i == occurrence), None)

    def key_line(
        self, key: str, section: re.Pattern[str] | None = None, occurrence: int = 0
    ) -> int | None:
        """Best-effort line of `key =`, inside the n-th `section` table when one is given."""
        start, stop = 0, len(self.lines)
        header = self.header_line(section, occurrence) if section else None
        if header is not None:
            start = header
            stop = next(
                (i for i in range(start, len(self.lines)) if ANY_HEADER.match(self.lines[i])),
                stop,
            )
        pattern = re.compile(rf"""\s*(?:[\w"'.-]+\.)?(["']?){re.escape(key)}\1\s*=""")
        for index in range(start, stop):
            if pattern.match(self.lines[index]):
                return index + 1
        return header


def _opener_header(situation: str) -> re.Pattern[str]:
    return re.compile(rf"""\s*\[\s*openers\s*\.\s*(["']?){re.escape(situation)}\1\s*\]""")


def _default_name(method: str) -> str:
    builtin_names = {info.value: info.name for info in BUILTIN_METHODS}
    return builtin_names.get(method, method.replace("_", " ").title())
