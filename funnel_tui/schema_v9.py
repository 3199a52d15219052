"""Schema v9: a trigram index of the filter's text (`prospect_trigrams`).

The queue filter matches its text anywhere in name, company, email or phone, which an
ordinary index cannot serve, so it read every row of prospect_search (15 ms at 100,000
prospects). An FTS5 trigram index answers a LIKE with three or more characters in a row
from the lists of the rows that hold each three-character piece, in well under a
millisecond for a name. The index is external-content over prospect_search: it keeps
only those lists, not a second copy of the text, and reads a candidate's text from
prospect_search to check the LIKE exactly (`detail=none`: no positions, a third of the
size; the check makes the answer exact all the same). Triggers on prospect_search keep
it in step, whatever writes that table (funnel's triggers on prospects, `funnel check
--repair`, another tool). PostgreSQL has no such index (store/postgres_schema.py says
why).
"""

from __future__ import annotations

TRIGRAMS = "prospect_trigrams"

TRIGRAMS_TABLE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {TRIGRAMS} USING fts5(
    search_text, phone_digits,
    content='prospect_search', content_rowid='id', tokenize='trigram', detail='none'
)
"""

# The index as prospect_search holds the text now (also the repair of a drifted or a
# dropped one, after TRIGRAMS_TABLE).
REBUILD_TRIGRAMS = f"INSERT INTO {TRIGRAMS} ({TRIGRAMS}) VALUES ('rebuild')"

_ADD = f"""INSERT INTO {TRIGRAMS} (rowid, search_text, phone_digits)
    VALUES (NEW.id, NEW.search_text, NEW.phone_digits);"""
# An external-content index is told the old text to take out.
_TAKE_OUT = f"""INSERT INTO {TRIGRAMS} ({TRIGRAMS}, rowid, search_text, phone_digits)
    VALUES ('delete', OLD.id, OLD.search_text, OLD.phone_digits);"""

TRIGRAMS_TRIGGERS = f"""
CREATE TRIGGER prospect_trigrams_after_insert AFTER INSERT ON prospect_search BEGIN
    {_ADD}
END;

CREATE TRIGGER prospect_trigrams_after_delete AFTER DELETE ON prospect_search BEGIN
    {_TAKE_OUT}
END;

CREATE TRIGGER prospect_trigrams_after_update AFTER UPDATE ON prospect_search BEGIN
    {_TAKE_OUT}
    {_ADD}
END;
"""
