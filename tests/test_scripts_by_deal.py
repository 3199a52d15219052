"""Where the deal stands, as a call script can say it: `{meeting_at}` for a meeting
booked ahead and `{proposal_sent_on}` for a proposal out (PRODUCT 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from funnel_tui.proposals import Proposal
from funnel_tui.scripts import ProspectHistory
from funnel_tui.scripts.fill import prospect_facts
from funnel_tui.settings import Settings
from tests.app_support import FROZEN_NOW

# FROZEN_NOW is Wednesday 18 November 2026, 14:30 in London.
TODAY = FROZEN_NOW.date()
DANA = {
    "name": "Dana Reyes",
    "company": "Reyes Dental",
    "needs": "Online booking for new patients",
    "pain_points": "Front desk stuck on the phones all morning",
}
MEETING_AHEAD = datetime(2026, 11, 24, 10, tzinfo=UTC)
PROPOSAL_OUT = Proposal(datetime(2026, 11, 16, 15, tzinfo=UTC), date(2026, 11, 16))


def test_the_meeting_and_the_proposal_are_placeholders_of_the_history() -> None:
    """`{meeting_at}` on the prospect's clock, with the year when it is not this one, for a
    meeting ahead only; `{proposal_sent_on}` said as `{last_spoke_on}` is, on their clock."""
    ahead = ProspectHistory(meeting_due_at=MEETING_AHEAD)
    facts = prospect_facts(DANA, Settings(), history=ahead, now=FROZEN_NOW)
    assert facts["meeting_at"] == "Tue 24 Nov at 10:00"
    in_tokyo = {**DANA, "timezone": "Asia/Tokyo"}
    facts = prospect_facts(in_tokyo, Settings(), history=ahead, now=FROZEN_NOW)
    assert facts["meeting_at"] == "Tue 24 Nov at 19:00"
    next_year = ProspectHistory(meeting_due_at=datetime(2027, 1, 5, 9, tzinfo=UTC))
    facts = prospect_facts(DANA, Settings(), history=next_year, now=FROZEN_NOW)
    assert facts["meeting_at"] == "Tue 5 Jan 2027 at 09:00"
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
