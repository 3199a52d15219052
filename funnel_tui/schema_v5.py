"""Schema v5: what reaching a prospect by phone and email adds (PRODUCT 15).

- `emails`: one row for every email sent to a prospect, over SMTP or handed to the mail
  app as a `mailto:` link, with what it said; the timeline shows them and the report
  counts them as `emails`, never as calls.
- `prospects.timezone_guessed`: 1 when the timezone was guessed from the phone number
  (the card marks it, `funnel check` lists it), 0 when the rep or an import set it.

The migration also writes every stored phone number in E.164 where phonenumbers reads
it (against the book's phone_region); the numbers it cannot read stay as they were
(`funnel check` lists them). A prospect without a timezone gets the one its number tells,
when it tells exactly one, marked as guessed.
"""

from __future__ import annotations

EMAILS_TABLE = """
CREATE TABLE emails (
    id INTEGER PRIMARY KEY,
    prospect_id INTEGER NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    sent_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    template TEXT,
    to_address TEXT,
    subject TEXT,
    body TEXT,
    via TEXT NOT NULL DEFAULT 'smtp',
    message_id TEXT
)
"""

EMAILS_INDEXES = """
CREATE INDEX emails_prospect ON emails (prospect_id, sent_at);
CREATE INDEX emails_sent_at ON emails (sent_at);
"""

TIMEZONE_GUESSED_COLUMN = (
    "ALTER TABLE prospects ADD COLUMN timezone_guessed INTEGER NOT NULL DEFAULT 0"
)

# The numbers the migration reads: text only (a BLOB another tool stored stays as it is),
# with the timezone where there is a readable one.
STORED_PHONES = """
SELECT id, phone, CASE WHEN typeof(timezone) = 'text' THEN trim(timezone) ELSE timezone END
FROM prospects WHERE typeof(phone) = 'text' AND phone != ''
"""

# (stored form, guessed zone or NULL, the same again, id): a guess also marks the zone.
NORMALISE_PHONE = """
UPDATE prospects SET phone = ?, timezone = coalesce(?, timezone),
    timezone_guessed = ? IS NOT NULL
WHERE id = ?
"""
