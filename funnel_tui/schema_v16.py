"""Schema v16: an index of the words of the filter's texts that hold letters past ASCII,
with accents and case folded (`prospect_words`).

The filter matched its text as typed, and SQLite's LIKE ignores the case of ASCII letters
alone: `jose` did not find José, nor `émile` ÉMILE. A text in plain ASCII needs nothing
more: LIKE already finds it in any case, and a word typed with accents is also looked
for without them (queue_filter). The others, those of `prospect_accented`, are indexed
here word by word as FTS5's `unicode61` tokenizer reads them with `remove_diacritics 2`:
in lowercase (in any script), their Latin letters without accents. A word of the filter
also finds the prospects with a word that begins with it so read (`jose` José, `mull`
Müller). Most books write most names in ASCII, so the index is small and costs most
writes nothing. It is external-content over the view (only the lists of rows each word
is in, `detail=none`), and triggers on prospect_search keep it in step: a text is in it
while it has a letter past ASCII (more bytes than characters in UTF-8). A team's
PostgreSQL book folds its texts in a column of prospect_search instead
(store/postgres_schema.py, v16).
"""

from __future__ import annotations

WORDS = "prospect_words"
ACCENTED_TEXTS = "prospect_accented"


def _past_ascii(text: str) -> str:
    return f"length({text}) <> length(CAST({text} AS BLOB))"


ACCENTED_VIEW = f"""
CREATE VIEW IF NOT EXISTS {ACCENTED_TEXTS} AS
SELECT id, search_text FROM prospect_search WHERE {_past_ascii("search_text")}
"""

WORDS_TABLE = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {WORDS} USING fts5(
    search_text, content='{ACCENTED_TEXTS}', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', detail='none'
)
"""

_ADD = f"""INSERT INTO {WORDS} (rowid, search_text)
    SELECT NEW.id, NEW.search_text WHERE {_past_ascii("NEW.search_text")};"""
# An external-content index is told the old text to take out (only one it holds: a
# text it never had would corrupt it).
_TAKE_OUT = f"""INSERT INTO {WORDS} ({WORDS}, rowid, search_text)
    SELECT 'delete', OLD.id, OLD.search_text WHERE {_past_ascii("OLD.search_text")};"""

WORDS_TRIGGERS = f"""
CREATE TRIGGER prospect_words_after_insert AFTER INSERT ON prospect_search BEGIN
    {_ADD}
END;

CREATE TRIGGER prospect_words_after_delete AFTER DELETE ON prospect_search BEGIN
    {_TAKE_OUT}
END;

CREATE TRIGGER prospect_words_after_update AFTER UPDATE ON prospect_search BEGIN
    {_TAKE_OUT}
    {_ADD}
END;
"""
