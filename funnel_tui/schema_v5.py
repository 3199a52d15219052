"""Schema v5: what reaching a prospect by phone and email adds (PRODUCT 15).

- `emails`: one row for every email sent to a prospect, over SMTP or handed to the mail
  app as a `mailto:` link, with what it said; the timeline shows them and the report
  counts them as `emails`, never as calls.
- `tasks.sequence`: how many times a task's time or status has changed, kept by a
  trigger; a calendar event's SEQUENCE, so a calendar applies a moved or cancelled
  meeting over the version it has.
- `book`: one row, a random name for this book, so that the UIDs of the calendar
  events of two books never meet in one calendar.
- `prospects.timezone_guessed`: 1 when the timezone was guessed from the phone number
  (the card marks it, `funnel check` lists it), 0 when the rep or an import set it.
- `calls.request_id`: the key a caller gives a call so that logging it again (a script's
  retry after a lost answer) finds it instead of writing it twice; unique, NULL for calls
  logged without one (before v5, by the app, by other tools).

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

BOOK_TABLE = """
CREATE TABLE book (
    id TEXT NOT NULL
)
"""
BOOK_ROW = "INSERT INTO book (id) VALUES (lower(hex(randomblob(6))))"

TASKS_SEQUENCE_COLUMN = "ALTER TABLE tasks ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0"

SCHEMA_V5_TRIGGERS = """
CREATE TRIGGER tasks_sequence AFTER UPDATE OF due_at, status ON tasks
WHEN NEW.due_at IS NOT OLD.due_at OR NEW.status IS NOT OLD.status
BEGIN
    UPDATE tasks SET sequence = OLD.sequence + 1 WHERE id = NEW.id;
END;
"""

CALLS_REQUEST_ID_COLUMN = "ALTER TABLE calls ADD COLUMN request_id TEXT"
# SQLite's UNIQUE lets any number of NULLs through: only the calls given a key are unique.
CALLS_REQUEST_ID_INDEX = "CREATE UNIQUE INDEX calls_request_id ON calls (request_id)"

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
