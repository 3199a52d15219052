"""A window's calls in a file: the quick test for the form funnel writes picks the same
calls as the whole reading of every form (`stored_start_sql`) would."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from funnel_tui.figure_sql import calls_in_window_sql, stored_start_sql
from funnel_tui.store.dialect import Dialect

DIGITS = st.text(alphabet="0123456789", min_size=2, max_size=2)
# Moments in funnel's form with any digits (days that do not exist, hour 24, second 60,
# years out of range), and in the other forms other tools write.
FUNNEL_FORM = st.builds(
    lambda year, month, day, hour, minute, second: (
        f"{year}-{month}-{day}T{hour}:{minute}:{second}+00:00"
    ),
    st.sampled_from(["1899", "1900", "2026", "2999", "3000", "0000"]),
    DIGITS,
    DIGITS,
    DIGITS,
    DIGITS,
    DIGITS,
)
OTHER_FORMS = st.sampled_from(
    [
        "2026-11-30 10:00:00",
        "2026-11-30T10:00:00Z",
        "2026-11-30T10:00",
        "2026-11-30",
        "2026-11-30T10:00:00.123+00:00",
        "2026-12-01T01:00:00+02:00",
        "2026-11-31T10:00:00+00:00",
        "soon",
        "",
    ]
)
BOUNDS = st.sampled_from(
    [
        ("2026-11-30T00:00:00+00:00", "2026-12-01T00:00:00+00:00"),
        ("1900-01-01T00:00:00+00:00", "3000-01-01T00:00:00+00:00"),
        ("2026-02-28T00:00:00+00:00", "2026-03-02T00:00:00+00:00"),
    ]
)


@settings(max_examples=400, deadline=None)
@given(started_at=st.one_of(FUNNEL_FORM, OTHER_FORMS), bounds=BOUNDS)
def test_the_quick_test_picks_what_the_whole_reading_picks(
    started_at: str, bounds: tuple[str, str]
) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE calls (started_at)")
    conn.execute("INSERT INTO calls VALUES (?)", [started_at])
    stored = stored_start_sql(Dialect.SQLITE)
    whole = f"{stored} >= :start AND {stored} < :end"
    start, end = bounds
    params = {"start": start, "end": end}
    picked = [
        conn.execute(f"SELECT coalesce({test}, 0) FROM calls c", params).fetchone()[0]
        for test in (calls_in_window_sql(Dialect.SQLITE), whole)
    ]
    assert picked[0] == picked[1], started_at
