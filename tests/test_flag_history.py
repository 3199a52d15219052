"""A prospect's row written anew by another tool (`sqlite-utils insert --replace`) loses
its flags with nothing recorded in flag_changes: `funnel check` finds each flag that is
not the last value recorded, and `--repair` sets it back (or records a set the history
lacks), never clearing one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils

from funnel_tui.store.sqlite import Storage
from tests.cli_support import invoke


def _problems(book: Path) -> tuple[int, list[str]]:
    result = invoke("check", "--db", book)
    prefix = f"funnel: {book}: "
    return result.exit_code, [line.removeprefix(prefix) for line in result.stderr.splitlines()]


def _written_anew(book: Path, prospect_id: int, **columns: Any) -> None:
    """What `echo '{...}' | sqlite-utils insert BOOK prospects - --pk id --replace` does."""
    other = sqlite_utils.Database(book)
    name, phone = other.execute(
        "SELECT name, phone FROM prospects WHERE id = ?", [prospect_id]
    ).fetchone()
    other["prospects"].insert(
        {"id": prospect_id, "name": name, "phone": phone, **columns}, pk="id", replace=True
    )
    other.close()


def _rows(book: Path, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    other = sqlite_utils.Database(book)
    try:
        return other.execute(sql, params).fetchall()
    finally:
        other.close()


def _flagged(book: Path, flag: str) -> list[int]:
    """The prospects whose `flag` the book set through funnel (so flag_changes has it)."""
    return [
        row[0]
        for row in _rows(
            book,
            f"SELECT p.id FROM prospects p WHERE p.{flag} = 1 AND EXISTS (SELECT 1 FROM"
            f" flag_changes f WHERE f.prospect_id = p.id AND f.flag = '{flag}') ORDER BY p.id",
            [],
        )
    ]


def _history(book: Path, prospect_id: int, flag: str) -> list[tuple[int, str]]:
    return _rows(
        book,
        "SELECT value, changed_at FROM flag_changes WHERE prospect_id = ? AND flag = ? ORDER BY id",
        [prospect_id, flag],
    )


def _flag_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if " where flag_changes last recorded " in line]


def test_a_do_not_call_lost_by_a_row_written_anew_is_listed_and_set_back(
    demo_storage: Storage,
) -> None:
    book = demo_storage.path
    demo_storage.close()
    (prospect_id,) = _flagged(book, "do_not_call")[:1]
    history = _history(book, prospect_id, "do_not_call")
    _written_anew(book, prospect_id, company="Al-Sayed Trading")
    assert _rows(book, "SELECT do_not_call FROM prospects WHERE id = ?", [prospect_id]) == [(0,)]
    code, lines = _problems(book)
    assert code == 1
    assert _flag_lines(lines) == [
        f"prospects.do_not_call is 0 where flag_changes last recorded it set, for 1 prospect,"
        f" the first row {prospect_id} (a row written anew, as `sqlite-utils insert --replace`"
        " writes it, records nothing), so the app would call them; `funnel check --repair`"
        " sets it back"
    ]
    repaired = invoke("check", "--repair", "--db", book)
    assert repaired.exit_code == 0, repaired.stderr
    assert "set do_not_call back on 1 prospect, as flag_changes last recorded it" in (
        repaired.stdout
    )
    assert _rows(book, "SELECT do_not_call FROM prospects WHERE id = ?", [prospect_id]) == [(1,)]
    # The history had it set: the repair is not a second mark, dated today.
    assert _history(book, prospect_id, "do_not_call") == history
    assert _problems(book) == (0, [])


def test_flags_lost_by_several_rows_are_one_line_a_flag_and_nurture_keeps_its_date(
    demo_storage: Storage,
) -> None:
    book = demo_storage.path
    demo_storage.close()
    nurtured = _flagged(book, "nurture")
    assert len(nurtured) >= 2
    dates = {
        prospect_id: _rows(book, "SELECT nurtured_at FROM prospects WHERE id = ?", [prospect_id])
        for prospect_id in nurtured
    }
    for prospect_id in nurtured:
        _written_anew(book, prospect_id)
    code, lines = _problems(book)
    assert code == 1
    assert _flag_lines(lines) == [
        f"prospects.nurture is 0 where flag_changes last recorded it set, for"
        f" {len(nurtured)} prospects, the first row {nurtured[0]} (a row written anew, as"
        " `sqlite-utils insert --replace` writes it, records nothing), so they leave nurture;"
        " `funnel check --repair` sets it back"
    ]
    assert invoke("check", "--repair", "--db", book).exit_code == 0
    for prospect_id in nurtured:
        assert _rows(
            book, "SELECT nurture, nurtured_at FROM prospects WHERE id = ?", [prospect_id]
        ) == [(1, dates[prospect_id][0][0])]
    assert _problems(book) == (0, [])


def test_a_flag_set_with_nothing_recorded_is_kept_and_recorded_never_cleared(
    demo_storage: Storage,
) -> None:
    """The history says cleared (through an UPDATE, which the trigger records), the row
    written anew says do not call: repair keeps the mark and records it."""
    book = demo_storage.path
    demo_storage.close()
    (prospect_id,) = _flagged(book, "do_not_call")[:1]
    other = sqlite_utils.Database(book)
    other.execute("UPDATE prospects SET do_not_call = 0 WHERE id = ?", [prospect_id])
    other.conn.commit()
    other.close()
    _written_anew(book, prospect_id, do_not_call=1)
    code, lines = _problems(book)
    assert code == 1
    assert _flag_lines(lines) == [
        f"prospects.do_not_call is 1 where flag_changes last recorded it cleared, for 1"
        f" prospect, the first row {prospect_id} (a row written anew with it, or set while"
        " funnel's triggers were dropped); `funnel check --repair` records it set, as the row"
        " says"
    ]
    repaired = invoke("check", "--repair", "--db", book)
    assert "recorded do_not_call set on 1 prospect in flag_changes" in repaired.stdout
    assert _rows(book, "SELECT do_not_call FROM prospects WHERE id = ?", [prospect_id]) == [(1,)]
    assert [value for value, _ in _history(book, prospect_id, "do_not_call")] == [1, 0, 1]
    assert _problems(book) == (0, [])


def test_a_history_value_that_is_no_flag_is_passed_over(demo_storage: Storage) -> None:
    """A flag_changes row another tool wrote with a value that is not 0 or 1 says nothing
    of the flag: the last one that reads is compared, and repair never writes it."""
    book = demo_storage.path
    demo_storage.close()
    (prospect_id,) = _flagged(book, "do_not_call")[:1]
    other = sqlite_utils.Database(book)
    other.execute(
        "INSERT INTO flag_changes (prospect_id, flag, value) VALUES (?, 'do_not_call', 'x')",
        [prospect_id],
    )
    other.conn.commit()
    other.close()
    assert _flag_lines(_problems(book)[1]) == []
