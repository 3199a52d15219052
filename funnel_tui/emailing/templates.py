"""Email templates: the built-ins shipped in this package and the rep's own TOML files.

A template is a subject and a body of paragraphs. Each of them is a line, or a list of
choices: the first choice whose every placeholder has a value for this prospect is used,
as a script's `say` gives way to its `fallback` (PRODUCT 6). A paragraph none of whose
choices can be filled is left out, so a missing fact never leaves `{x}` or a gap in the
text; the subject's last choice may name only what every prospect has, so there is always
a subject. The placeholders are the scripts' (`funnel_tui.scripts.placeholders`), with
what only an email says: the meeting time and the open deal.

A subject or a paragraph may also be a table of such choices by the prospect's situation
(`{ cold = ..., known = ..., other = ... }`): the scripts' situations, and `declined` for
one whose last conversation ended in "not interested". A template may say what it `needs`
(an open proposal, a meeting ahead, a number a voicemail could have been left on); one a
prospect lacks is not offered (`funnel_tui.emailing.fit`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from funnel_tui.scripts.loader import (
    BUILTIN_SOURCE,
    SITUATIONS,
    FileChecker,
    ScriptProblem,
    read_builtin,
    read_user_files,
    toml_problem,
)
from funnel_tui.scripts.placeholders import EMAIL_PLACEHOLDERS, placeholder_problems
from funnel_tui.scripts.render import fill_spoken, placeholders
from funnel_tui.scripts.situation import COLD

# In the order the compose screen offers them (digits 1 to 4).
BUILTIN_TEMPLATES = (
    "after_voicemail",
    "send_information",
    "meeting_confirmation",
    "proposal_follow_up",
    "meeting_cancelled",
)
TEMPLATE_KEYS = ("name", "fits", "subject", "body", "invite", "needs")
# The scripts' situations, `declined` among them (a prospect whose last conversation ended
# in "not interested" or "do not call"): what an email says to them differs from what it
# says to one who is still talking with the rep.
EMAIL_SITUATIONS = SITUATIONS
# In a table of choices by situation: the choices for every situation it does not name.
OTHER = "other"
# What a template can need of the prospect (`funnel_tui.emailing.fit` checks each).
NEEDS = ("proposal", "meeting", "cancelled_meeting", "voicemail", "profile")
TEMPLATE_NAME = re.compile(r"[a-z0-9_]+")
# What every prospect has (funnel_tui.scripts.fill.prospect_facts): the subject's last
# choice may name only these.
ALWAYS_KNOWN = ("greeting", "introduction")
PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class Choices:
    """A subject or a paragraph: texts to choose from, the same for every prospect, or by
    the prospect's situation."""

    every: tuple[str, ...] = ()
    by_situation: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Situation (or `other`) -> its choices; empty: `every` is for all."""

    def for_situation(self, situation: str) -> tuple[str, ...]:
        """The choices for a prospect in `situation`; none: the paragraph is left out."""
        if not self.by_situation:
            return self.every
        return self.by_situation.get(situation, self.by_situation.get(OTHER, ()))

    def all_choices(self) -> tuple[str, ...]:
        """Every text it may say, whatever the situation."""
        return (*self.every, *(text for texts in self.by_situation.values() for text in texts))


@dataclass(frozen=True)
class EmailTemplate:
    """One template; `key` is its file's stem (`after_voicemail`), what `funnel email
    --template` takes and `emails.template` records."""

    key: str
    name: str
    subject: Choices
    body: tuple[Choices, ...]
    fits: str = ""
    """One line for the picker: when to send it."""
    invite: bool = False
    """Whether the email carries the invite to the meeting it names: the prospect's next
    one, or for a template that needs a cancelled meeting, its cancellation."""
    source: str = BUILTIN_SOURCE
    needs: tuple[str, ...] = ()
    """What the prospect must have for it to say nothing false (NEEDS)."""


@dataclass(frozen=True)
class FilledEmail:
    """A template filled in for one prospect."""

    subject: str
    body: str


def first_filled(choices: tuple[str, ...], facts: Mapping[str, str]) -> str | None:
    """The first choice whose every placeholder has a value, filled in; None when none."""
    for choice in choices:
        filled = fill_spoken(choice, facts)
        if filled is not None:
            return filled
    return None


def fill_template(
    template: EmailTemplate, facts: Mapping[str, str], situation: str = COLD
) -> FilledEmail:
    """The subject and the body for these facts and the prospect's situation (PRODUCT 6's
    rule: a line is used only when every fact it names is known)."""
    subject = first_filled(template.subject.for_situation(situation), facts) or template.name
    paragraphs = (first_filled(body.for_situation(situation), facts) for body in template.body)
    return FilledEmail(
        " ".join(subject.split()),
        PARAGRAPH_BREAK.join(paragraph for paragraph in paragraphs if paragraph),
    )


@dataclass
class TemplateLibrary:
    """Every template in use, and the problems met loading the rep's files."""

    own: dict[str, EmailTemplate] = field(default_factory=dict)
    problems: list[ScriptProblem] = field(default_factory=list)

    def get(self, key: str) -> EmailTemplate | None:
        if key in self.own:
            return self.own[key]
        return load_builtin(key) if key in BUILTIN_TEMPLATES else None

    def templates(self) -> list[EmailTemplate]:
        """The built-ins first (the rep's file where there is one), then the rep's own, by key."""
        added = sorted(key for key in self.own if key not in BUILTIN_TEMPLATES)
        found = (self.get(key) for key in (*BUILTIN_TEMPLATES, *added))
        return [template for template in found if template is not None]

    def keys(self) -> list[str]:
        return [template.key for template in self.templates()]


def what_is_used(problem: ScriptProblem) -> str:
    """What is used instead of a file that could not be loaded: the built-in of its name,
    or nothing (a template the rep added)."""
    if problem.path.suffix == ".toml" and problem.path.stem in BUILTIN_TEMPLATES:
        return "using the built-in template"
    return "not used"


def templates_dir(config_dir: Path) -> Path:
    """Where the rep's templates live: beside the scripts folder, in `emails/`."""
    return config_dir / "emails"


def load_templates(user_dir: Path | None) -> TemplateLibrary:
    """The built-in templates, replaced or extended by `user_dir/*.toml`; never raises."""
    library = TemplateLibrary()
    for template in read_user_files(
        user_dir,
        library.problems,
        folder_of=".toml email templates",
        name=TEMPLATE_NAME,
        naming="the file name names the template, so use only lowercase letters, digits "
        "and _ (for example renewal_reminder.toml)",
        parse=parse_template,
    ):
        library.own[template.key] = template
    return library


@cache
def load_builtin(key: str) -> EmailTemplate:
    """A template shipped in the package; a broken one is a packaging bug, so it raises."""
    return read_builtin(__package__, key, parse_template)


def parse_template(
    key: str, text: str, path: Path, source: str
) -> tuple[EmailTemplate | None, list[ScriptProblem]]:
    """Read one template file's text; on any problem the template is None and the
    problems say why, each at its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, [toml_problem(error, path, text)]
    checker = _TemplateChecker(path, text)
    name = checker.one_line(data, "name", key.replace("_", " ").capitalize())
    fits = checker.one_line(data, "fits", "")
    subject = checker.subject(data.get("subject"))
    body = checker.body(data.get("body"))
    invite = data.get("invite", False)
    if not isinstance(invite, bool):
        checker.report("invite must be true or false", checker.key_line("invite"))
    needs = checker.needs(data.get("needs", []))
    if invite is True and not {"meeting", "cancelled_meeting"} & set(needs):
        # Sent to a prospect with no meeting, it went without the invite and without a word.
        checker.report(
            'invite = true needs needs = ["meeting"] (or ["cancelled_meeting"], whose invite'
            " cancels it): without a meeting there is nothing to invite to",
            checker.key_line("invite"),
        )
    for unknown in data:
        if unknown not in TEMPLATE_KEYS:
            checker.report(
                f"unknown key {unknown!r}; a template has name, fits, subject, body, invite"
                " and needs",
                checker.key_line(unknown),
            )
    if checker.problems:
        return None, checker.problems
    return EmailTemplate(key, name, subject, body, fits, invite is True, source, needs), []


class _TemplateChecker(FileChecker):
    """The script files' checker, for the shape of a template: each problem at its line."""

    def one_line(self, data: dict[str, object], key: str, default: str) -> str:
        value = data.get(key, default)
        if isinstance(value, str) and (value.strip() or key != "name"):
            return " ".join(value.split())
        self.report(f'{key} must be text in quotes, for example {key} = "..."', self.key_line(key))
        return default

    def needs(self, raw: object) -> tuple[str, ...]:
        known = ", ".join(NEEDS)
        if not isinstance(raw, list) or not all(isinstance(need, str) for need in raw):
            self.report(
                f'needs must be a list such as needs = ["proposal"] ({known})',
                self.key_line("needs"),
            )
            return ()
        for need in raw:
            if need not in NEEDS:
                self.report(
                    f"needs: unknown need {need!r}; a template can need {known}",
                    self.key_line("needs"),
                )
        return tuple(raw)

    def subject(self, raw: object) -> Choices:
        line = self.key_line("subject")
        if raw is None:
            self.report('no subject: add subject = "..." (or a list of choices)', None)
            return Choices()
        subject = self.choices(raw, "subject", line)
        lists = [subject.every] if not subject.by_situation else subject.by_situation.values()
        for choice in (choice for choices in lists for choice in choices if "\n" in choice):
            # A header is one line: sent, its lines would run into one another unseen.
            self.report(
                "subject: a subject is one line; put the rest in the body",
                self._line_with(choice.splitlines()[0], line),
            )
        for choices in lists:
            if choices and (
                unknown := [name for name in placeholders(choices[-1]) if name not in ALWAYS_KNOWN]
            ):
                self.report(
                    f"subject: the last choice names {{{unknown[0]}}}, which a prospect may"
                    " lack; end with a choice every prospect has, for example"
                    ' subject = ["Your demo, {first_name}", "Your demo"]',
                    self._line_with(choices[-1].splitlines()[0], line),
                )
        named = subject.by_situation
        missing = [situation for situation in EMAIL_SITUATIONS if situation not in named]
        if named and OTHER not in named and missing:
            self.report(
                f"subject: no choice for {', '.join(missing)}; name each situation or add"
                f" {OTHER} = [...]",
                line,
            )
        return subject

    def body(self, raw: object) -> tuple[Choices, ...]:
        line = self.key_line("body")
        if not isinstance(raw, list) or not raw:
            self.report(
                'body must be a list of paragraphs, for example body = ["{greeting},", "..."]',
                line,
            )
            return ()
        return tuple(
            choices
            for number, paragraph in enumerate(raw, 1)
            if (choices := self.choices(paragraph, f"body paragraph {number}", line)).all_choices()
        )

    def choices(self, raw: object, label: str, line: int | None) -> Choices:
        """A text, a list of texts to choose from, or a table of those by situation."""
        if not isinstance(raw, dict):
            return Choices(every=self.texts(raw, label, line))
        by_situation = {}
        for situation, texts in raw.items():
            if situation not in (*EMAIL_SITUATIONS, OTHER):
                self.report(
                    f"{label}: unknown situation {situation!r}; the situations are"
                    f" {', '.join(EMAIL_SITUATIONS)} and {OTHER} (for the rest)",
                    line,
                )
                continue
            by_situation[situation] = self.texts(texts, f"{label}, {situation}", line)
        return Choices(by_situation=by_situation)

    def texts(self, raw: object, label: str, line: int | None) -> tuple[str, ...]:
        """A text, or a list of texts to choose from, each checked for its placeholders."""
        choices = [raw] if isinstance(raw, str) else raw
        if not isinstance(choices, list) or not choices:
            self.report(
                f"{label} must be text in quotes, a list of choices, or a table of those by"
                " situation",
                line,
            )
            return ()
        found = []
        for choice in choices:
            if not isinstance(choice, str) or not choice.strip():
                self.report(f"{label}: each choice must be text in quotes", line)
                continue
            # Line by line, so a problem in a text over several lines is found at its own.
            for text_line in choice.splitlines():
                for problem in placeholder_problems(text_line, EMAIL_PLACEHOLDERS):
                    self.report(f"{label}: {problem}", self._line_with(text_line, line))
            found.append(choice.strip())
        return tuple(found)

    def _line_with(self, text: str, start: int | None) -> int | None:
        """The first line at or after `start` that holds `text` as the file writes it, else
        `start` (a text with escapes in the file is not found as it reads)."""
        wanted = text.strip()
        for number in range(start or 1, len(self.lines) + 1):
            if wanted and wanted in self.lines[number - 1]:
                return number
        return start
