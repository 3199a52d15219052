"""The queue filter's FTS5 indexes of prospect_search in a SQLite file: its trigrams
(schema v9), and the words of its texts past ASCII with accents and case folded (v16).
Each is external-content, kept in step by triggers on prospect_search; `funnel check`
asks FTS5 whether each still holds what prospect_search does, `--repair` builds it
again, and forgetting a prospect merges each so that no piece of their text stays in the
file."""

from __future__ import annotations

from dataclasses import dataclass

from funnel_tui import schema_v9, schema_v16


@dataclass(frozen=True)
class FilterIndex:
    name: str
    # What makes it (IF NOT EXISTS): the FTS5 table, after the view it may index.
    tables: tuple[str, ...]
    # The triggers that keep it.
    triggers: str
    # What it is, as `funnel check` names it.
    what: str

    @property
    def objects(self) -> list[tuple[str, str, str]]:
        """(type, name, SQL) of each of `tables` as sqlite_master holds it: SQLite keeps
        the statement without IF NOT EXISTS, and a virtual table as a table."""
        found = []
        for statement in self.tables:
            sql = statement.strip().replace(" IF NOT EXISTS", "", 1)
            words = sql.split()
            if words[1] == "VIEW":
                found.append(("view", words[2], sql))
            else:
                found.append(("table", words[3 if words[1] == "VIRTUAL" else 2], sql))
        return found

    @property
    def rebuild(self) -> str:
        """The index as prospect_search holds the text now (after `tables`)."""
        return f"INSERT INTO {self.name} ({self.name}) VALUES ('rebuild')"

    @property
    def optimize(self) -> str:
        """Merges the index into one segment, which leaves out the rows deleted."""
        return f"INSERT INTO {self.name} ({self.name}) VALUES ('optimize')"

    @property
    def check(self) -> str:
        """Fails ("database disk image is malformed") when the index is not what
        prospect_search holds: rank 1 compares it with the content table too."""
        return f"INSERT INTO {self.name} ({self.name}, rank) VALUES ('integrity-check', 1)"


TRIGRAMS = FilterIndex(
    schema_v9.TRIGRAMS,
    (schema_v9.TRIGRAMS_TABLE,),
    schema_v9.TRIGRAMS_TRIGGERS,
    "the queue filter's index",
)
WORDS = FilterIndex(
    schema_v16.WORDS,
    (schema_v16.ACCENTED_VIEW, schema_v16.WORDS_TABLE),
    schema_v16.WORDS_TRIGGERS,
    "the queue filter's word index",
)
FILTER_INDEXES = (TRIGRAMS, WORDS)
