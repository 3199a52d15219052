"""The built-in scripts follow where the deal stands, past their opener: a meeting booked
is confirmed, a proposal out is asked about, and only otherwise is a meeting asked for; a
customer is not pitched what they bought, nor one who said no pitched again (PRODUCT 6).

A sales trainer's trial: Grace, a customer who said no to more on budget, heard "Shall we
book a demo this week?"; Noah, with a demo booked and a proposal out, heard it too.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from funnel_tui.domain import BUILTIN_METHOD_VALUES
from funnel_tui.profile import demo_profile
from funnel_tui.proposals import Proposal, last_proposal
from funnel_tui.scripts import ProspectHistory, load_builtin, read_history
from funnel_tui.scripts.fill import FilledScript, fill_script, prospect_facts
from funnel_tui.scripts.objections import load_objections
from funnel_tui.scripts.render import RenderedStep
from funnel_tui.settings import Settings
from funnel_tui.store.sqlite import open_storage
from funnel_tui.timestamps import system_now, to_stored
from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.script_pane import ScriptPane
from tests.app_support import FROZEN_NOW, settle
from tests.cli_support import invoke
from tests.test_script_pane import pane_lines

# FROZEN_NOW is Wednesday 18 November 2026, 14:30 in London.
SPOKE = FROZEN_NOW - timedelta(days=2)
TODAY = FROZEN_NOW.date()
DANA = {
    "name": "Dana Reyes",
    "company": "Reyes Dental",
    "needs": "Online booking for new patients",
    "pain_points": "Front desk stuck on the phones all morning",
}
KNOWN = {**DANA, "kind": "known"}
CUSTOMER = {**DANA, "kind": "customer"}
BOUGHT = ProspectHistory(SPOKE, date(2025, 3, 4), date(2026, 9, 1), "meeting")
# The feature the demo profile picks for Dana's needs: a customer may use it already.
HER_FEATURE = "online self-booking"
MEETING_AHEAD = datetime(2026, 11, 24, 10, tzinfo=UTC)
PROPOSAL_OUT = Proposal(datetime(2026, 11, 16, 15, tzinfo=UTC), date(2026, 11, 16))
# What asks for a meeting (or a demo, a session) that is booked already, or that a
# customer or one who said no did not ask for.
BOOKING = re.compile(r"\b(?:demo|thirty minutes|session|which day|next week|book)\b", re.I)


def script_for(
    method: str,
    prospect: dict[str, object],
    history: ProspectHistory,
    proposal: Proposal | None = None,
) -> FilledScript:
    return fill_script(
        load_builtin(method),
        prospect,
        settings=Settings(rep_name="Alex Morgan"),
        history=history,
        now=FROZEN_NOW,
        profile=demo_profile(),
        objections=load_objections(None),
        proposal=proposal,
    )


def last_step(filled: FilledScript) -> RenderedStep:
    return filled.steps[-1]


def spoken(step: RenderedStep) -> str:
    return " ".join((step.say, *step.ask))


def spoken_lines(filled: FilledScript) -> list[str]:
    return [line for step in filled.steps for line in (step.say, *step.ask) if line]


# What each method's last step says to a prospect with nothing booked: the meeting it
# asks for.
ASKS_FOR_A_MEETING = {
    "solution": "I'll send you a one-page summary of what you told me, for you to correct: the"
    " problem, its causes and what a fix must do. Which day next week suits you for thirty"
    " minutes with whoever signs off?",
    "value_proposition": "If those numbers hold, the next step is to check them with whoever"
    " owns the budget. Can we book thirty minutes with them this week?",
    "conceptual": "The most useful next step would be for you to bring the others involved to"
    " a working session, so we shape this around what you all want. Could you set that up for"
    " next week, and who would you bring?",
    "benefits": "Then the next step is to see it working on your own case. Shall we book a demo"
    " this week, and who else should be there?",
    "inbound": "The next step I'd suggest is a thirty-minute session where we map this onto"
    " Reyes Dental in detail. Which day next week suits you?",
}


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_a_prospect_with_nothing_booked_is_asked_for_a_meeting(method: str) -> None:
    cold = script_for(method, DANA, ProspectHistory())
    assert cold.situation == "cold"
    assert last_step(cold).say == ASKS_FOR_A_MEETING[method]
    known = script_for(method, KNOWN, ProspectHistory(SPOKE))
    assert last_step(known).say == ASKS_FOR_A_MEETING[method]


# The opener confirms the meeting; the last step refers back to its day, not its time again.
CONFIRMS_THE_MEETING = {
    "solution": "I'll send you a one-page summary of what you told me before we meet on Tuesday"
    " the 24th, for you to correct.",
    "value_proposition": "I'll put these numbers in writing before we meet on Tuesday the 24th:"
    " will whoever owns the budget be there to see them?",
    "conceptual": "Before we meet on Tuesday the 24th, could you bring in whoever else should"
    " shape this, so we work from what you all want?",
    "benefits": "When we meet on Tuesday the 24th, I'll show you that need being met on your own"
    " case. Who else should see it?",
    "inbound": "I'll send a short agenda before we meet on Tuesday the 24th, built on what you"
    " told me today.",
}


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_a_meeting_booked_is_confirmed_on_their_clock_not_booked_again(method: str) -> None:
    """Noah's demo was booked for Tuesday: his close still said "Shall we book a demo this
    week?". The meeting is said as the opener's cue gives it, on his clock (New York)."""
    in_new_york = {**KNOWN, "timezone": "America/New_York"}
    history = ProspectHistory(SPOKE, meeting_due_at=MEETING_AHEAD)
    filled = script_for(method, in_new_york, history)
    close = last_step(filled)
    assert close.say == CONFIRMS_THE_MEETING[method]
    assert "We're booked for Tuesday the 24th at 5 am" in filled.steps[0].say
    assert "meeting is booked for Tue 24 Nov 10:00 (05:00 their time)" in filled.steps[0].cue
    assert not BOOKING.search(" ".join(close.ask))
    # With a proposal out too, the meeting comes first: it is what is next.
    assert last_step(script_for(method, in_new_york, history, PROPOSAL_OUT)) == close


WHAT_WOULD_DECIDE = (
    "On the proposal we sent on Monday: what would you still need from us to decide?"
)
ASKS_ABOUT_THE_PROPOSAL = {
    "solution": WHAT_WOULD_DECIDE,
    "value_proposition": "On the proposal we sent on Monday: do these numbers change where it"
    " stands, and who still needs to see them?",
    "conceptual": "On the proposal we sent on Monday: how well does it fit your picture, and"
    " what would you still need to decide?",
    "benefits": WHAT_WOULD_DECIDE,
    "inbound": WHAT_WOULD_DECIDE,
}


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_a_proposal_out_is_asked_about_not_proposed_again(method: str) -> None:
    """Olivia had our proposal: Inbound still offered "a thirty-minute session where we map
    this onto Bennett & Hale PR"."""
    filled = script_for(method, KNOWN, ProspectHistory(SPOKE), PROPOSAL_OUT)
    close = last_step(filled)
    assert close.say == ASKS_ABOUT_THE_PROPOSAL[method]
    assert not BOOKING.search(spoken(close))
    # A proposal won or declined is none to ask about.
    won = Proposal(PROPOSAL_OUT.sent_at, PROPOSAL_OUT.sent_on, "won", TODAY)
    assert (
        last_step(script_for(method, KNOWN, ProspectHistory(SPOKE), won)).say
        == (ASKS_FOR_A_MEETING[method])
    )


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_a_customer_is_not_pitched_what_they_bought(method: str) -> None:
    """Chloé signed on the 19th: Conceptual told her "The part that fits what you've
    described is our online self-booking", Benefits asked to book a demo."""
    filled = script_for(method, CUSTOMER, BOUGHT)
    assert filled.situation == "customer"
    lines = spoken_lines(filled)
    assert [line for line in lines if HER_FEATURE in line] == []
    assert [line for line in lines if BOOKING.search(line)] == []
    assert [line for line in lines if "payback" in line or "budget" in line] == []
    close = last_step(filled)
    assert close.say.startswith("Thanks"), close.say
    # A customer's meeting booked and proposal out are theirs to confirm too.
    booked = script_for(method, CUSTOMER, BOUGHT._replace(meeting_due_at=MEETING_AHEAD))
    assert "We're booked for Tuesday the 24th at 10 am" in booked.steps[0].say
    assert "meet on Tuesday the 24th" in last_step(booked).say
    proposed = script_for(method, CUSTOMER, BOUGHT, PROPOSAL_OUT)
    assert last_step(proposed).say == WHAT_WOULD_DECIDE


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_a_customer_who_bought_today_is_told_so_in_the_cue_too(method: str) -> None:
    """Inbound's cue read "Customer since (not recorded)" beside a line about what they
    bought earlier today."""
    filled = script_for(method, CUSTOMER, BOUGHT._replace(first_deal_on=TODAY, last_deal_on=TODAY))
    opener = filled.steps[0]
    assert "(not recorded)" not in opener.cue
    assert (
        "Last bought from us earlier today" in opener.cue
        or "Last purchase earlier today" in opener.cue
    )


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_a_customer_who_said_no_to_more_is_asked_about_nothing_they_declined(
    method: str,
) -> None:
    """Grace said no to more on budget: the cue said not to pitch it again, and the steps
    after it asked "Is there a budget for this?" and to book a demo."""
    history = BOUGHT._replace(last_connect_outcome="not_interested", declined_reason="budget")
    filled = script_for(method, CUSTOMER, history)
    assert "do not pitch it again" in filled.steps[0].cue
    lines = spoken_lines(filled)
    assert [line for line in lines if BOOKING.search(line)] == []
    assert [line for line in lines if "budget" in line.lower()] == []
    assert "if they said no to more, leave it there" in last_step(filled).cue.lower()


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
def test_one_who_said_no_hears_what_changed_and_when_to_check_back(method: str) -> None:
    declined = {**KNOWN, "stage": "lost"}
    history = ProspectHistory(
        SPOKE, last_connect_outcome="not_interested", declined_reason="timing"
    )
    filled = script_for(method, declined, history)
    assert filled.situation == "declined"
    close = last_step(filled)
    assert "I won't push" in close.say
    assert close.ask[-1] == "When would it make sense for me to check back?"
    assert "or should we leave it for now?" in close.ask[0]
    assert not BOOKING.search(spoken(close))


def test_the_meeting_and_the_proposal_are_placeholders_of_the_history() -> None:
    """`{meeting_at}` on the prospect's clock, as a rep says it on the phone, for a meeting
    ahead only; `{proposal_sent_on}` said as `{last_spoke_on}` is, on their clock."""
    ahead = ProspectHistory(meeting_due_at=MEETING_AHEAD)
    facts = prospect_facts(DANA, Settings(), history=ahead, now=FROZEN_NOW)
    assert facts["meeting_at"] == "Tuesday the 24th at 10 am"
    in_tokyo = {**DANA, "timezone": "Asia/Tokyo"}
    facts = prospect_facts(in_tokyo, Settings(), history=ahead, now=FROZEN_NOW)
    assert facts["meeting_at"] == "Tuesday the 24th at 7 pm"
    next_year = ProspectHistory(meeting_due_at=datetime(2027, 1, 5, 9, tzinfo=UTC))
    facts = prospect_facts(DANA, Settings(), history=next_year, now=FROZEN_NOW)
    assert facts["meeting_at"] == "Tuesday the 5th of January at 9 am"
    # A meeting of the past still open is the cue's to ask about, not one to confirm.
    past = ProspectHistory(meeting_due_at=FROZEN_NOW - timedelta(days=1))
    assert "meeting_at" not in prospect_facts(DANA, Settings(), history=past, now=FROZEN_NOW)
    facts = prospect_facts(
        DANA, Settings(), history=ProspectHistory(), now=FROZEN_NOW, proposal=PROPOSAL_OUT
    )
    assert facts["proposal_sent_on"] == "on Monday"
    # Sent at 23:30 in London on Monday: Tuesday already in Tokyo, yesterday there.
    late = Proposal(datetime(2026, 11, 16, 23, 30, tzinfo=UTC), date(2026, 11, 16))
    facts = prospect_facts(
        in_tokyo, Settings(), history=ProspectHistory(), now=FROZEN_NOW, proposal=late
    )
    assert facts["proposal_sent_on"] == "yesterday"
    declined = Proposal(PROPOSAL_OUT.sent_at, PROPOSAL_OUT.sent_on, "declined", TODAY)
    facts = prospect_facts(
        DANA, Settings(), history=ProspectHistory(), now=FROZEN_NOW, proposal=declined
    )
    assert "proposal_sent_on" not in facts


def test_the_pane_and_funnel_script_read_the_proposal_from_the_book(tmp_path: Path) -> None:
    """The open proposal is the one an email follows up: its `proposal_sent` call."""
    path = tmp_path / "book.db"
    storage = open_storage(path)
    db = storage.db
    now = system_now()
    prospect_id = (
        db["prospects"]
        .insert({"name": "Olivia Bennett", "kind": "known", "stage": "proposal"})
        .last_pk
    )
    sent = now - timedelta(days=3)
    db["calls"].insert(
        {"prospect_id": prospect_id, "started_at": to_stored(sent), "outcome": "proposal_sent"}
    )
    prospect = next(db.query("SELECT * FROM prospects WHERE id = ?", [prospect_id]))
    proposal = last_proposal(db, prospect, now)
    assert proposal is not None and proposal.is_open
    storage.close()
    result = invoke("script", "benefits", "--prospect", prospect_id, "--db", path)
    assert result.exit_code == 0, result.output
    weekday = f"{sent.astimezone(now.tzinfo):%A}"
    assert (
        f"   On the proposal we sent on {weekday}: what would you still need from us to decide?\n"
    ) in result.stdout
    assert "book a demo" not in result.stdout


async def test_the_pane_closes_on_the_proposal_out(demo_app: FunnelApp) -> None:
    """Noah has our proposal since Friday: the pane's last step asks where it stands."""
    db = demo_app.storage.db
    noah = next(db.query("SELECT * FROM prospects WHERE name = 'Noah Fitzgerald'"))
    proposal = last_proposal(db, noah, FROZEN_NOW)
    assert proposal is not None and proposal.is_open
    assert read_history(db, noah["id"], now=FROZEN_NOW).meeting_due_at is None
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("f", "slash", *noah["name"], "enter")
        await settle(pilot)
        main = demo_app.screen
        assert isinstance(main, MainScreen)
        assert main.card is not None and main.card.prospect["id"] == noah["id"]
        pane = main.query_one(ScriptPane)
        steps = len(load_builtin(noah["method"]).steps_for("known"))
        for _ in range(steps - 1):
            await pilot.press("right_square_bracket")
        await settle(pilot)
        lines = [line.plain for line in pane_lines(pane)]
        said = "On the proposal we sent on Friday: what would you still need from us to decide?"
        assert said in lines, lines


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
@pytest.mark.parametrize("prospect", [KNOWN, CUSTOMER], ids=["known", "customer"])
def test_the_opener_says_the_meeting_booked_or_the_proposal_out(
    method: str, prospect: dict[str, object]
) -> None:
    """Noah, a demo booked for Wednesday, heard "I'm calling to show you one thing that
    answers the need you described then"; Mateo, with a proposal out, "I'm calling to put
    some numbers on what a change would be worth". The cue said to confirm, the line
    said to start again."""
    spoke = ProspectHistory(SPOKE, meeting_due_at=MEETING_AHEAD)
    if prospect is CUSTOMER:
        spoke = spoke._replace(first_deal_on=date(2025, 3, 4), last_deal_on=date(2026, 9, 1))
    booked = script_for(method, prospect, spoke).steps[0].say
    assert "We're booked for Tuesday the 24th at 10 am" in booked
    proposed = script_for(method, prospect, spoke._replace(meeting_due_at=None), PROPOSAL_OUT)
    assert "We sent you our proposal" in proposed.steps[0].say
    neither = script_for(method, prospect, spoke._replace(meeting_due_at=None)).steps[0].say
    assert "booked for" not in neither and "proposal" not in neither


@pytest.mark.parametrize(
    ("meeting", "said"),
    [
        # The trainer heard "We're booked for Thu 10 Dec at 13:30": read off a screen.
        (datetime(2026, 11, 18, 16, 30), "today at 4:30 pm"),
        (datetime(2026, 11, 19, 12, 0), "tomorrow at noon"),
        (datetime(2026, 11, 20, 9, 5), "Friday the 20th at 9:05 am"),
        (datetime(2026, 12, 10, 13, 30), "Thursday the 10th of December at 1:30 pm"),
        # Midnight ends the day before it: Thursday 00:00 was said "tomorrow at midnight",
        # which a prospect hears as Thursday night.
        (datetime(2026, 11, 19, 0, 0), "tonight at midnight"),
        (datetime(2026, 11, 20, 0, 0), "tomorrow at midnight"),
        (datetime(2027, 11, 2, 0, 0), "Monday the 1st of November 2027 at midnight"),
    ],
)
def test_a_meeting_ahead_is_said_as_people_say_it(meeting: datetime, said: str) -> None:
    history = ProspectHistory(meeting_due_at=meeting.replace(tzinfo=FROZEN_NOW.tzinfo))
    facts = prospect_facts(DANA, Settings(), history=history, now=FROZEN_NOW)
    assert facts["meeting_at"] == said


def test_a_customers_meeting_opener_on_solution_holds_together() -> None:
    """ "...to make sure it still works for you, and how what you have from us is doing
    before then": the second half had no verb."""
    history = ProspectHistory(SPOKE, first_deal_on=TODAY, meeting_due_at=MEETING_AHEAD)
    opener = script_for("solution", CUSTOMER, history).steps[0].say
    assert "still works for you, and to hear how what you have from us is doing" in opener


def test_the_cold_fallback_opener_leads_into_its_question() -> None:
    """Without a profile feature, Solution's cold opener said it was calling "to find out
    how your team plans its work today", then asked "How does Reyes Dental handle that
    today?": the question said the opener again."""
    cold = fill_script(
        load_builtin("solution"),
        DANA,
        settings=Settings(rep_name="Alex Morgan"),
        history=ProspectHistory(),
        now=FROZEN_NOW,
        profile=None,
        objections=load_objections(None),
    ).steps[0]
    assert "planning the week's work" in cold.say
    assert "today" not in cold.say
    assert cold.ask[0] == "How does Reyes Dental handle that today?"


SITUATIONS_TO_SAY = {
    "cold": (DANA, ProspectHistory(), None),
    "cold, no needs": ({"name": "Dana Reyes", "company": "Reyes Dental"}, ProspectHistory(), None),
    "inbound": ({**DANA, "source": "webinar"}, ProspectHistory(), None),
    "known": (KNOWN, ProspectHistory(SPOKE, last_connect_outcome="callback"), None),
    "meeting booked": (KNOWN, ProspectHistory(SPOKE, meeting_due_at=MEETING_AHEAD), None),
    "proposal out": (KNOWN, ProspectHistory(SPOKE), PROPOSAL_OUT),
    "declined": (
        {**KNOWN, "stage": "lost"},
        ProspectHistory(SPOKE, last_connect_outcome="not_interested", declined_reason="timing"),
        None,
    ),
    "customer": (CUSTOMER, BOUGHT, None),
    "customer, meeting booked": (CUSTOMER, BOUGHT._replace(meeting_due_at=MEETING_AHEAD), None),
    "customer, proposal out": (CUSTOMER, BOUGHT, PROPOSAL_OUT),
}
# The most words in a row two spoken lines of one script may share.
SHARED_WORDS_AT_MOST = 4


def phrases(line: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", line.lower())
    size = SHARED_WORDS_AT_MOST + 1
    return {tuple(words[start : start + size]) for start in range(len(words) - size + 1)}


@pytest.mark.parametrize("method", BUILTIN_METHOD_VALUES)
@pytest.mark.parametrize("situation", SITUATIONS_TO_SAY)
def test_no_script_says_the_same_thing_twice(method: str, situation: str) -> None:
    """A trainer read every script aloud: the declined opener said "to see whether anything
    has changed on your side since" and asked "What, if anything, has changed since
    then?"; the close said "We're booked for Tuesday the 24th at 10 am" as the opener had,
    and "We sent you our proposal on Monday" again; the cold opener's feature came back
    word for word in the vision question."""
    prospect, history, proposal = SITUATIONS_TO_SAY[situation]
    said_before: dict[tuple[str, ...], str] = {}
    for line in spoken_lines(script_for(method, prospect, history, proposal)):
        for phrase in phrases(line):
            assert phrase not in said_before, (" ".join(phrase), said_before[phrase], line)
        for phrase in phrases(line):
            said_before.setdefault(phrase, line)
