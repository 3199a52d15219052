"""Small books written row by row, as a rep's weeks (or another tool) would leave them, and
`funnel report --json` run over them in a fixed time zone (PRODUCT 9 and 9b)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from funnel_tui.cli import cli
from funnel_tui.reps import REP_ENV, add_rep
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sqlite import open_storage
from tests.rows import book_option, insert_row

# The rep's zone: five hours behind UTC all December, so a call at 04:30 UTC falls on
# the local day before.
REP_ZONE = "America/New_York"

# Keys the shared spec allows after `skipped`.
OPTIONAL_KEYS = {"meeting_leads", "won_leads", "speed_to_lead_by_source"}
ROW_KEYS = [
    "name",
    "calls",
    "connects",
    "connect_rate",
    "leads",
    "reached",
    "meetings",
    "meeting_rate",
    "won",
    "won_cents",
    "win_rate",
]
PLAN_KEYS = [
    "remaining_cents",
    "avg_deal_cents",
    "rates",
    "rate_sources",
    "deals",
    "meetings",
    "connects",
    "dials",
    "per_day",
    "reachable_by_calls",
]


def utc(moment: str) -> str:
    """`2026-12-01 16:15` as funnel stores a moment: `2026-12-01T16:15:00+00:00`."""
    day, clock = moment.split(" ")
    if clock.count(":") == 1:
        clock += ":00"
    return f"{day}T{clock}+00:00"


# The rep who writes every row of a report's book in a team's database: a plain report
# there is the rep's own (PRODUCT 16), so with one rep it is the whole book's.
TEAM_REP = "sam"


class Book:
    """A book made by funnel's own storage (real schema and triggers), filled with SQL: a
    SQLite file or a team's PostgreSQL database. With a `rep`, the book knows the rep and
    every target, call, deal and email is theirs, and every prospect is theirs to own."""

    def __init__(self, storage: Any, rep: str | None = None) -> None:
        self.storage = storage
        self.db = storage.db
        # What `--db` names it by.
        self.option = book_option(storage)
        self.rep = rep
        if rep is not None:
            add_rep(self.db, rep)

    @classmethod
    def at(cls, path: Path) -> Book:
        """A new book in the SQLite file at `path`."""
        return cls(open_storage(path))

    @classmethod
    def in_storage(cls, storage: Any, monkeypatch: pytest.MonkeyPatch) -> Book:
        """A new book in `storage`: in a team's database TEAM_REP's, who runs `funnel`."""
        if dialect_of(storage.db) is not Dialect.POSTGRESQL:
            return cls(storage)
        monkeypatch.setenv(REP_ENV, TEAM_REP)
        return cls(storage, TEAM_REP)

    def _theirs(self, row: dict[str, Any]) -> dict[str, Any]:
        return row if self.rep is None else {**row, "rep": self.rep}

    @property
    def path(self) -> Path:
        return self.storage.path

    def target(
        self,
        starts_on: str,
        ends_on: str,
        amount_cents: int,
        *,
        period: str = "month",
        calls_per_day: int | None = None,
    ) -> None:
        insert_row(
            self.db,
            "targets",
            self._theirs(
                {
                    "period": period,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "amount_cents": amount_cents,
                    "calls_per_day": calls_per_day,
                }
            ),
        )

    def prospect(
        self,
        name: str,
        *,
        created_at: str,
        source: str | None = None,
        method: str = "solution",
        **columns: Any,
    ) -> int:
        row = {"name": name, "created_at": utc(created_at), "source": source, "method": method}
        if self.rep is not None:
            row["owner"] = self.rep
        return insert_row(self.db, "prospects", {**row, **columns})

    def call(
        self,
        prospect_id: int,
        started_at: str,
        outcome: str,
        *,
        duration_s: int = 0,
        method: str | None = None,
        reason: str | None = None,
    ) -> int:
        row = {
            "prospect_id": prospect_id,
            "started_at": utc(started_at),
            "outcome": outcome,
            "duration_s": duration_s,
            "method": method,
            "reason": reason,
        }
        return insert_row(self.db, "calls", self._theirs(row))

    def deal(
        self,
        prospect_id: int,
        amount_cents: object,
        closed_on: str,
        *,
        call_id: int | None = None,
        kind: str = "new",
    ) -> None:
        # Plain SQL: another tool may write any type into these columns.
        self.db.execute(
            "INSERT INTO deals (prospect_id, call_id, amount_cents, closed_on, kind, rep)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [prospect_id, call_id, amount_cents, closed_on, kind, self.rep],
        )

    def email(self, prospect_id: int, sent_at: object, *, via: str = "smtp") -> None:
        """An email; `sent_at` as funnel stores it, or any value another tool might write."""
        self.db.execute(
            "INSERT INTO emails (prospect_id, sent_at, template, subject, body, via, rep)"
            " VALUES (?, ?, 'after_voicemail', 'Sorry I missed you', 'text', ?, ?)",
            [prospect_id, sent_at, via, self.rep],
        )

    def close(self) -> None:
        self.storage.close()


@contextmanager
def machine_zone(zone: str = REP_ZONE) -> Iterator[None]:
    """Run with the machine's zone set to `zone`: the CLI counts local days in it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", zone)
        time.tzset()
        try:
            yield
        finally:
            patch.undo()
            time.tzset()


def report_json(path: Path | str, today: str) -> dict[str, Any]:
    """`funnel report --json --today TODAY --db PATH` (a file or a URL), parsed."""
    result = CliRunner().invoke(cli, ["report", "--json", "--today", today, "--db", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
