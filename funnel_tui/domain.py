"""The one definition of outcomes, selling methods, prospect kinds and stages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Kind(StrEnum):
    """Who the prospect is to the rep."""

    NEW = "new"
    KNOWN = "known"
    CUSTOMER = "customer"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.NEW: "New prospect",
    Kind.KNOWN: "Known prospect",
    Kind.CUSTOMER: "Customer",
}


class Stage(StrEnum):
    """Where the prospect stands in the sales process, in order."""

    LEAD = "lead"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    WON = "won"
    LOST = "lost"


# Stages at or beyond "qualified"; a booked meeting never moves a prospect backwards.
QUALIFIED_OR_LATER = (Stage.QUALIFIED, Stage.PROPOSAL, Stage.WON)


class Priority(IntEnum):
    """Queue priority: a higher number is called first among never-called prospects."""

    LOW = 0
    NORMAL = 1
    HIGH = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class MethodInfo:
    """A built-in selling method: its stored value and its display name."""

    value: str
    name: str


BUILTIN_METHODS: tuple[MethodInfo, ...] = (
    MethodInfo("solution", "Solution Selling"),
    MethodInfo("value_proposition", "Value Proposition Selling"),
    MethodInfo("conceptual", "Conceptual Selling"),
    MethodInfo("benefits", "Benefits Selling"),
    MethodInfo("inbound", "Inbound Selling"),
)
BUILTIN_METHOD_VALUES = tuple(method.value for method in BUILTIN_METHODS)
DEFAULT_METHOD = "solution"


class Ask(StrEnum):
    """The one extra field an outcome asks for."""

    NOTHING = ""
    WHEN = "when"
    AMOUNT = "amount"


class Outcome(StrEnum):
    """What happened on a call; the value is what `calls.outcome` stores."""

    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    BUSY = "busy"
    GATEKEEPER = "gatekeeper"
    CALLBACK = "callback"
    MEETING = "meeting"
    WON = "won"
    NOT_INTERESTED = "not_interested"
    WRONG_NUMBER = "wrong_number"
    DO_NOT_CALL = "do_not_call"

    @property
    def spec(self) -> OutcomeSpec:
        return OUTCOME_SPECS[self]


@dataclass(frozen=True)
class OutcomeSpec:
    """How an outcome is picked in the dialog and what it asks for."""

    key: str
    label: str
    asks: Ask = Ask.NOTHING


OUTCOME_SPECS: dict[Outcome, OutcomeSpec] = {
    Outcome.NO_ANSWER: OutcomeSpec("n", "No answer"),
    Outcome.VOICEMAIL: OutcomeSpec("v", "Voicemail"),
    Outcome.BUSY: OutcomeSpec("b", "Busy"),
    Outcome.GATEKEEPER: OutcomeSpec("g", "Gatekeeper"),
    Outcome.CALLBACK: OutcomeSpec("c", "Callback", Ask.WHEN),
    Outcome.MEETING: OutcomeSpec("m", "Meeting booked", Ask.WHEN),
    Outcome.WON: OutcomeSpec("w", "Won", Ask.AMOUNT),
    Outcome.NOT_INTERESTED: OutcomeSpec("x", "Not interested"),
    Outcome.WRONG_NUMBER: OutcomeSpec("r", "Wrong number"),
    Outcome.DO_NOT_CALL: OutcomeSpec("d", "Do not call"),
}

# Outcomes where the next attempt is scheduled by the cadence.
CADENCE_OUTCOMES = frozenset(
    {Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.BUSY, Outcome.GATEKEEPER}
)

# A connect is a call on which the prospect was reached (PRODUCT section 9).
CONNECT_OUTCOMES = frozenset(
    {Outcome.CALLBACK, Outcome.MEETING, Outcome.WON, Outcome.NOT_INTERESTED}
)

PERIOD_KINDS = ("week", "month", "quarter", "year")

# The prospect columns that hold what a rep or an import writes as text.
TEXT_FIELDS = (
    "name",
    "title",
    "company",
    "phone",
    "email",
    "timezone",
    "needs",
    "pain_points",
    "objections",
    "goals",
    "source",
)

# The source the report names for prospects without one (NULL or blank).
NO_SOURCE = "(none)"


def sql_list(values: object) -> str:
    """Render string values as a SQL list literal for CHECK constraints and IN clauses."""
    return ", ".join(f"'{value}'" for value in values)  # type: ignore[attr-defined]
