"""Where the deal stands, as a script says it to the prospect: the meeting booked ahead and
the proposal out.

The built-in scripts close on what is next for this deal: a meeting booked is confirmed,
a proposal out is asked about, and only otherwise is a meeting asked for. The meeting is
the one the opener's cue names (`ProspectHistory.meeting_due_at`), the proposal the one
an email follows up (`proposals.last_proposal`), each said on the clock of `now`: the
prospect's, when their zone is known.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from funnel_tui.scripts.situation import (
    ProspectHistory,
    spoken_ahead,
    spoken_day_ahead,
    spoken_moment,
)

if TYPE_CHECKING:
    from funnel_tui.proposals import Proposal


def deal_facts(
    history: ProspectHistory, proposal: Proposal | None, now: datetime
) -> dict[str, str]:
    """`{meeting_at}` for a meeting booked ahead ("Tuesday the 8th at 4:30 pm"), and its
    day alone, `{meeting_day}` ("on Tuesday the 8th", "tomorrow"), for a line that refers
    back to it; `{proposal_sent_on}` for a proposal still open ("on the 19th of November",
    said as `{last_spoke_on}` is), when there is one."""
    facts = {}
    if (due := history.meeting_due_at) is not None and due > now:
        facts["meeting_at"] = spoken_ahead(due, now)
        facts["meeting_day"] = spoken_day_ahead(due, now)
    if proposal is not None and proposal.is_open:
        facts["proposal_sent_on"] = spoken_moment(proposal.sent_at, now)
    return facts
