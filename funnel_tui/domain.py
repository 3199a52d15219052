"""The one definition of outcomes, selling methods, prospect kinds and stages."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import NamedTuple


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
    MEETING = "meeting"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    WON = "won"
    LOST = "lost"


# The stages an outcome moves a prospect forward through, in order (PRODUCT section 14).
# `lost` is not on the way: an outcome that brings a lost prospect back puts them where
# the outcome says.
FORWARD_STAGES = (
    Stage.LEAD,
    Stage.CONTACTED,
    Stage.MEETING,
    Stage.QUALIFIED,
    Stage.PROPOSAL,
    Stage.WON,
)
# The stages of an open opportunity: the pipeline (PRODUCT section 9b).
PIPELINE_STAGES = (Stage.MEETING, Stage.QUALIFIED, Stage.PROPOSAL)


def stage_at_least(current: Stage, wanted: Stage) -> Stage:
    """The stage after an outcome that moves the prospect to `wanted`: never backwards."""
    if current in FORWARD_STAGES and FORWARD_STAGES.index(current) > FORWARD_STAGES.index(wanted):
        return current
    return wanted


class Priority(IntEnum):
    """Queue priority: a higher number is called first among never-called prospects."""

    LOW = 0
    NORMAL = 1
    HIGH = 2

    @property
    def label(self) -> str:
        return self.name.lower()


class MethodInfo(NamedTuple):
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


def method_or_default(method: object) -> str:
    """The selling method a prospect is worked with: the one stored, or DEFAULT_METHOD
    where none is set (an empty method, as another tool may write one, is none, as NULL
    would be: the column's default applies)."""
    return str(method_used(method))


def method_used(method: object) -> object:
    """`method_or_default` for a value stored as it is: DEFAULT_METHOD where none is set,
    any other value unchanged (a BLOB stays one, which the report counts as unreadable).
    What a call is stored with, and the name the report counts a call of none under."""
    return DEFAULT_METHOD if method is None or method == "" else method


class Ask(StrEnum):
    """An extra field the outcome dialog asks for."""

    WHEN = "when"
    AMOUNT = "amount"
    CLOSE_ON = "expected close date"
    REASON = "reason"
    REVISIT_ON = "revisit date"


class Question(NamedTuple):
    """One extra field of an outcome: what it asks, how the dialog labels it, and whether
    the outcome can be saved without it."""

    ask: Ask
    label: str
    required: bool = True


class Outcome(StrEnum):
    """What happened on a call; the value is what `calls.outcome` stores."""

    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    BUSY = "busy"
    GATEKEEPER = "gatekeeper"
    CALLBACK = "callback"
    MEETING = "meeting"
    MEETING_HELD = "meeting_held"
    NO_SHOW = "no_show"
    PROPOSAL_SENT = "proposal_sent"
    WON = "won"
    NOT_INTERESTED = "not_interested"
    WRONG_NUMBER = "wrong_number"
    DO_NOT_CALL = "do_not_call"

    @property
    def spec(self) -> OutcomeSpec:
        return OUTCOME_SPECS[self]


class OutcomeSpec(NamedTuple):
    """How an outcome is picked in the dialog and what it asks for."""

    key: str
    label: str
    asks: tuple[Question, ...] = ()

    def asks_for(self, ask: Ask) -> Question | None:
        return next((question for question in self.asks if question.ask is ask), None)


OUTCOME_SPECS: dict[Outcome, OutcomeSpec] = {
    Outcome.NO_ANSWER: OutcomeSpec("n", "No answer"),
    Outcome.VOICEMAIL: OutcomeSpec("v", "Voicemail"),
    Outcome.BUSY: OutcomeSpec("b", "Busy"),
    Outcome.GATEKEEPER: OutcomeSpec(
        "g", "Gatekeeper", (Question(Ask.WHEN, "Call again when", required=False),)
    ),
    Outcome.CALLBACK: OutcomeSpec("c", "Callback", (Question(Ask.WHEN, "Call back when"),)),
    Outcome.MEETING: OutcomeSpec("m", "Meeting booked", (Question(Ask.WHEN, "Meeting when"),)),
    Outcome.MEETING_HELD: OutcomeSpec(
        "h", "Meeting held", (Question(Ask.WHEN, "Next step when", required=False),)
    ),
    Outcome.NO_SHOW: OutcomeSpec("s", "No-show", (Question(Ask.WHEN, "Reschedule when"),)),
    Outcome.PROPOSAL_SENT: OutcomeSpec(
        "p",
        "Proposal sent",
        (Question(Ask.AMOUNT, "Amount"), Question(Ask.CLOSE_ON, "Expected close")),
    ),
    Outcome.WON: OutcomeSpec("w", "Won", (Question(Ask.AMOUNT, "Amount"),)),
    Outcome.NOT_INTERESTED: OutcomeSpec(
        "x",
        "Not interested",
        (
            Question(Ask.REASON, "Reason", required=False),
            Question(Ask.REVISIT_ON, "Revisit on", required=False),
        ),
    ),
    Outcome.WRONG_NUMBER: OutcomeSpec("r", "Wrong number"),
    Outcome.DO_NOT_CALL: OutcomeSpec("d", "Do not call"),
}

# Outcomes where the next attempt is scheduled by the cadence (PRODUCT section 7).
CADENCE_OUTCOMES = frozenset(
    {Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.BUSY, Outcome.GATEKEEPER}
)

# The outcomes that complete a meeting (PRODUCT 14): logged for one that has come.
MEETING_OUTCOMES = frozenset({Outcome.MEETING_HELD, Outcome.NO_SHOW})

# A connect is a call on which the prospect was reached (PRODUCT section 9, schema v3).
CONNECT_OUTCOMES = frozenset(
    {
        Outcome.CALLBACK,
        Outcome.MEETING,
        Outcome.MEETING_HELD,
        Outcome.PROPOSAL_SENT,
        Outcome.WON,
        Outcome.NOT_INTERESTED,
        Outcome.DO_NOT_CALL,
    }
)


class LostReason(StrEnum):
    """Why a prospect was lost: what `calls.reason` and `prospects.lost_reason` store."""

    BUDGET = "budget"
    NO_NEED = "no_need"
    TIMING = "timing"
    COMPETITOR = "competitor"
    NO_AUTHORITY = "no_authority"
    OTHER = "other"
    # Set by the cadence after the last unanswered attempt, never picked by the rep.
    UNREACHABLE = "unreachable"

    @property
    def key(self) -> str:
        return LOST_REASON_KEYS[self]

    @property
    def label(self) -> str:
        return LOST_REASON_LABELS[self]


LOST_REASON_LABELS = {
    LostReason.BUDGET: "Budget",
    LostReason.NO_NEED: "No need",
    LostReason.TIMING: "Timing",
    LostReason.COMPETITOR: "Competitor or incumbent",
    LostReason.NO_AUTHORITY: "No authority",
    LostReason.OTHER: "Other",
    LostReason.UNREACHABLE: "Unreachable",
}
# The reasons a rep picks for a `not_interested`, one key each.
LOST_REASON_KEYS = {
    LostReason.BUDGET: "b",
    LostReason.NO_NEED: "n",
    LostReason.TIMING: "t",
    LostReason.COMPETITOR: "c",
    LostReason.NO_AUTHORITY: "a",
    LostReason.OTHER: "o",
}
PICKED_REASONS = tuple(LOST_REASON_KEYS)


def outcome_names() -> str:
    """`no_answer (n), voicemail (v), ...`: what an outcome may be typed as."""
    return ", ".join(f"{outcome.value} ({spec.key})" for outcome, spec in OUTCOME_SPECS.items())


def outcome_label(value: str | None) -> str:
    """The outcome's label, or the raw value for one that other tools wrote."""
    if not value:
        return ""
    try:
        return Outcome(value).spec.label
    except ValueError:
        return value


def reason_names() -> str:
    """`budget (b), no_need (n), ...`: the reasons a rep may pick."""
    return ", ".join(f"{reason.value} ({reason.key})" for reason in PICKED_REASONS)


class TaskKind(StrEnum):
    """What a task asks the rep to do (`tasks.kind`)."""

    CALL = "call"
    CALLBACK = "callback"
    MEETING = "meeting"
    REVISIT = "revisit"
    EMAIL = "email"


# Tasks at a time promised to the prospect: first in the queue (PRODUCT section 5).
APPOINTMENT_TASKS = (TaskKind.MEETING, TaskKind.CALLBACK)
# Tasks that ask the rep to phone the prospect: the ones a call answers, and the ones do
# not call closes (a meeting or an email is no phone call).
CALL_TASKS = (TaskKind.CALL, TaskKind.CALLBACK, TaskKind.REVISIT)


class TaskStatus(StrEnum):
    """Where a task stands (`tasks.status`)."""

    OPEN = "open"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


class DealKind(StrEnum):
    """A first sale, or more sold to a customer (`deals.kind`)."""

    NEW = "new"
    EXPANSION = "expansion"


PERIOD_KINDS = ("week", "month", "quarter", "year")

# The prospect columns that hold what a rep or an import writes as text.
TEXT_FIELDS = (
    "name",
    # How the scripts greet them; empty means the first given name in `name`.
    "first_name",
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
