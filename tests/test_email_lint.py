"""The email linter: every built-in template, filled in for every demo prospect, must state
only what the prospect's history supports (PRODUCT 6 and 15), and a template is refused
exactly for the prospects it does not fit.

The history is read here straight from the tables, not through `emailing.fit`, so the
linter does not grade the code with its own answers. Run it after changing a built-in
template: each failure names the template, the prospect and the claim.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import phonenumbers
import pytest
import sqlite_utils

from funnel_tui.emailing.compose import CannotCompose, compose_draft
from funnel_tui.emailing.templates import BUILTIN_TEMPLATES, EmailTemplate, load_builtin
from funnel_tui.emailing.templates import parse_template as parse_email_template
from funnel_tui.profile import Profile, load_profile
from funnel_tui.settings import Settings, load_settings
from funnel_tui.store.sqlite import Storage
from funnel_tui.timestamps import from_stored
from tests.app_support import FROZEN_NOW, build_demo_storage

CONNECTS = ("callback", "meeting", "meeting_held", "proposal_sent", "won", "not_interested")
DECLINING = ("not_interested", "do_not_call")
# Claims and what must be so for each.
PROPOSAL_CLAIMS = ("the proposal i sent", "our proposal")
MEETING_CLAIMS = ("confirms our meeting", "our meeting on", "agreeing to meet", "our meeting")
ASKED_CLAIMS = ("as you asked", "as promised", "you asked for", "the information you asked")
SPOKE_CLAIMS = ("thank you for your time", "when we spoke", "where we left off", "since we spoke")
VOICEMAIL_CLAIMS = ("voicemail",)
CAME_TO_US_CLAIMS = ("you came to us", "your interest")
CUSTOMER_CLAIMS = ("being a customer", "works well for you", "what else")
# What only someone new to us is told: never a customer.
COLD_LINES = ("whether this fits", "whether that would help", "how things run", "introduce")


@dataclass(frozen=True)
class History:
    """What happened with one demo prospect, read straight from the tables."""

    prospect_id: int
    name: str
    customer: bool
    inbound_or_known: bool
    connected: bool
    last_connect_declined: bool
    proposal_open: bool
    meeting_ahead: bool
    meeting_called_off: bool
    """A meeting ahead, cancelled after a confirmation went out once it was booked."""
    may_leave_voicemail: bool


def moment(text: object) -> datetime:
    found = from_stored(text if isinstance(text, str) else None)
    assert found is not None, text
    return found


def history_of(db: sqlite_utils.Database, row: dict[str, object], now: datetime) -> History:
    prospect_id = row["id"]
    calls = sorted(
        (moment(call["started_at"]), call["outcome"])
        for call in db.query("SELECT * FROM calls WHERE prospect_id = ?", [prospect_id])
    )
    connects = [outcome for _, outcome in calls if outcome in (*CONNECTS, "do_not_call")]
    sent = [at for at, outcome in calls if outcome == "proposal_sent"]
    deals = [
        deal["closed_on"]
        for deal in db.query("SELECT closed_on FROM deals WHERE prospect_id = ?", [prospect_id])
    ]
    proposal_open = bool(sent) and not any(
        at > sent[-1] and outcome in ("won", *DECLINING) for at, outcome in calls
    )
    if sent and any(day >= sent[-1].date().isoformat() for day in deals):
        proposal_open = False
    if row["stage"] == "lost" and row["kind"] != "customer":
        proposal_open = False
    meetings = db.query(
        "SELECT due_at FROM tasks WHERE prospect_id = ? AND kind = 'meeting' AND status = 'open'",
        [prospect_id],
    )
    confirmed = [
        moment(email["sent_at"])
        for email in db.query(
            "SELECT sent_at FROM emails WHERE prospect_id = ? AND template = ?",
            [prospect_id, "meeting_confirmation"],
        )
    ]
    called_off = db.query(
        "SELECT due_at, created_at FROM tasks WHERE prospect_id = ? AND kind = 'meeting'"
        " AND status = 'cancelled'",
        [prospect_id],
    )
    number = str(row["phone"] or "").strip()
    return History(
        prospect_id=int(prospect_id),  # type: ignore[call-overload]
        name=str(row["name"]),
        customer=row["kind"] == "customer" or bool(deals),
        inbound_or_known=row["kind"] == "known" or bool(connects) or row["source"] != "cold list",
        connected=bool(connects),
        last_connect_declined=bool(connects) and connects[-1] in DECLINING,
        proposal_open=proposal_open,
        meeting_ahead=any(moment(meeting["due_at"]) >= now for meeting in meetings),
        meeting_called_off=any(
            moment(meeting["due_at"]) >= now
            and any(sent >= moment(meeting["created_at"]) for sent in confirmed)
            for meeting in called_off
        ),
        may_leave_voicemail=not row["do_not_call"]
        and not row["wrong_number"]
        and bool(number)
        and phonenumbers.is_possible_number(phonenumbers.parse(number, "GB")),
    )


def claims(text: str, phrases: tuple[str, ...]) -> list[str]:
    lowered = text.lower()
    return [phrase for phrase in phrases if phrase in lowered]


def false_claims(text: str, history: History) -> Iterator[str]:
    """Each claim in an email that this prospect's history does not support."""
    if (found := claims(text, PROPOSAL_CLAIMS)) and not history.proposal_open:
        yield f"speaks of a proposal ({found[0]!r}) with none open"
    if (found := claims(text, MEETING_CLAIMS)) and not (
        history.meeting_ahead or history.meeting_called_off
    ):
        yield f"speaks of a meeting ({found[0]!r}) without a meeting ahead, open or called off"
    if (found := claims(text, ASKED_CLAIMS)) and (
        not history.connected or history.last_connect_declined
    ):
        yield f"says they asked ({found[0]!r}) without a conversation that could have"
    if (found := claims(text, SPOKE_CLAIMS)) and not history.connected:
        yield f"refers to a conversation ({found[0]!r}) that never happened"
    if claims(text, VOICEMAIL_CLAIMS) and not history.may_leave_voicemail:
        yield "claims a voicemail to someone no voicemail can have been left for"
    if (found := claims(text, CAME_TO_US_CLAIMS)) and not history.inbound_or_known:
        yield f"tells a cold prospect they came to us ({found[0]!r})"
    if (found := claims(text, CUSTOMER_CLAIMS)) and not history.customer:
        yield f"treats someone who never bought as a customer ({found[0]!r})"
    if history.customer and (found := claims(text, COLD_LINES)):
        yield f"addresses a customer as cold ({found[0]!r})"


def fits(key: str, history: History, profile: Profile | None) -> bool:
    """Whether the built-in `key` should be offered for this prospect at all (a summary
    of what the rep sells: with the rep's profile, to everyone)."""
    return {
        "after_voicemail": history.may_leave_voicemail,
        "send_information": profile is not None,
        "meeting_confirmation": history.meeting_ahead,
        "proposal_follow_up": history.proposal_open,
        "meeting_cancelled": history.meeting_called_off,
    }[key]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Storage:
    """The demo book, with one of its meetings ahead confirmed and then called off (the
    demo sends no email)."""
    storage = build_demo_storage(tmp_path_factory.mktemp("email-lint") / "demo.db")
    db = storage.db
    task_id, prospect_id, booked = db.execute(
        "SELECT t.id, t.prospect_id, t.created_at FROM tasks t JOIN prospects p"
        " ON p.id = t.prospect_id WHERE t.kind = 'meeting' AND t.status = 'open'"
        " AND t.due_at > ? AND p.email IS NOT NULL ORDER BY t.id LIMIT 1",
        [FROZEN_NOW.isoformat()],
    ).fetchone()
    db["emails"].insert(
        {"prospect_id": prospect_id, "template": "meeting_confirmation", "sent_at": booked}
    )
    db.execute(
        "UPDATE tasks SET status = 'cancelled', done_at = ? WHERE id = ?",
        [FROZEN_NOW.isoformat(), task_id],
    )
    db.conn.commit()
    return storage


def demo_profile() -> Profile | None:
    return load_profile(None, demo_book=True)[0]


def lint_template(
    db: sqlite_utils.Database,
    template: EmailTemplate,
    settings: Settings,
    profile: Profile | None,
    *,
    check_fit: bool,
) -> list[str]:
    problems = []
    rows = db.query("SELECT * FROM prospects WHERE email IS NOT NULL AND email != ''")
    for row in rows:
        history = history_of(db, row, FROZEN_NOW)
        where = f"{template.key} for #{history.prospect_id} {history.name}"
        try:
            draft = compose_draft(
                db,
                history.prospect_id,
                template,
                settings=settings,
                profile=profile,
                now=FROZEN_NOW,
            )
        except CannotCompose as refused:
            if check_fit and fits(template.key, history, profile):
                problems.append(f"{where}: refused though it fits ({refused})")
            continue
        if check_fit and not fits(template.key, history, profile):
            problems.append(f"{where}: offered though it does not fit")
        text = f"{draft.subject}\n{draft.body}"
        problems += [f"{where}: {claim}\n{text}" for claim in false_claims(text, history)]
    return problems


@pytest.mark.parametrize("key", BUILTIN_TEMPLATES)
@pytest.mark.parametrize("with_profile", [True, False], ids=["profile", "no-profile"])
def test_every_builtin_states_only_what_each_demo_prospects_history_supports(
    demo: Storage, key: str, with_profile: bool
) -> None:
    db = demo.db
    profile = demo_profile() if with_profile else None
    problems = lint_template(db, load_builtin(key), load_settings(db), profile, check_fit=True)
    assert problems == [], "\n\n".join(problems[:5])


def test_the_demo_has_prospects_on_both_sides_of_every_need(demo: Storage) -> None:
    """Else the linter above would pass without checking a refusal, or an email."""
    histories = [
        history_of(demo.db, row, FROZEN_NOW)
        for row in demo.db.query("SELECT * FROM prospects WHERE email IS NOT NULL")
    ]
    for key in BUILTIN_TEMPLATES:
        offered = {fits(key, history, demo_profile()) for history in histories}
        assert offered == {True, False} or key == "send_information", key
    assert any(history.last_connect_declined for history in histories)
    assert any(history.customer for history in histories)
    assert any(not history.connected for history in histories)


def test_the_linter_catches_what_it_is_for(demo: Storage, tmp_path: Path) -> None:
    """A template that claims everything to everyone: each claim is caught for someone."""
    text = """\
subject = "Our proposal, as promised"
body = [
    "{greeting},",
    "I just left you a voicemail. Thank you for your time; as you asked, here is our proposal.",
    "This confirms our meeting. You came to us through our website.",
    "I'd like to see whether this fits {company}.",
]
"""
    template, problems = parse_email_template("claims", text, tmp_path / "claims.toml", "test")
    assert template is not None, problems
    db = demo.db
    found = " | ".join(
        lint_template(db, template, load_settings(db), demo_profile(), check_fit=False)
    )
    for fault in (
        "speaks of a proposal",
        "speaks of a meeting",
        "says they asked",
        "refers to a conversation",
        "claims a voicemail",
        "tells a cold prospect they came to us",
        "addresses a customer as cold",
    ):
        assert fault in found, fault
