"""Schema v24: `prospects.do_not_email`, a prospect who asked for no email.

CRMs export it: Salesforce's `Email Opt Out`, HubSpot's `Unsubscribed from all email`.
Without a column of its own an import named it a column not used, and an opted-out lead
could be sent a template from funnel. It is a flag as `do_not_call` is: `0` or `1`, set
by an import and never cleared by one, every change kept in `flag_changes` by the
trigger that records the other flags, which is made again here with the new flag. A
prospect marked do not email is still called; no email goes to them, nor to another
prospect at their address, from the app or `funnel email`, until the flag is cleared in
the edit form. A partial index holds the marked ones' ids.
"""

from __future__ import annotations

from funnel_tui.schema_v3 import flags_trigger

FLAGS = ("do_not_call", "wrong_number", "nurture", "do_not_email")

COLUMN = (
    "ALTER TABLE prospects ADD COLUMN"
    " do_not_email INTEGER NOT NULL DEFAULT 0 CHECK (do_not_email IN (0, 1))"
)
# The prospects marked, whose addresses no email goes to (emailing.fit): the few a book
# has, found without reading the others.
INDEX = "CREATE INDEX prospects_do_not_email ON prospects (id) WHERE do_not_email = 1"

FLAGS_TRIGGER = flags_trigger(FLAGS)
