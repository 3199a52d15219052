"""The stored form of a moment, in Python and in SQL, for every form other tools write."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from funnel_tui.foreign_values import stored_moment_sql
from funnel_tui.timestamps import from_stored, local_zone, system_now, to_stored

MOMENTS = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31, 23, 59, 59)
).map(lambda moment: moment.replace(tzinfo=UTC))
# How SQLite's datetime(), JavaScript, spreadsheets and people write one UTC moment.
FORMS = st.sampled_from(
    [
        "%Y-%m-%dT%H:%M:%S+00:00",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%SZ",
        "%Y-%m-%dT%H:%M:%S.%fZ",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ]
)


def in_sql(value: object) -> object:
    with sqlite3.connect(":memory:") as db:
        query = f"SELECT {stored_moment_sql('calls', 'started_at')} FROM (SELECT ? AS started_at)"
        return db.execute(query, [value]).fetchone()[0]


@given(MOMENTS, FORMS)
def test_sql_reads_every_form_as_python_does(moment: datetime, form: str) -> None:
    text = moment.strftime(form)
    assert in_sql(text) == to_stored(from_stored(text))


@given(MOMENTS, MOMENTS, FORMS, FORMS)
def test_the_stored_form_sorts_as_time_does(one: datetime, other: datetime, a: str, b: str) -> None:
    first, second = in_sql(one.strftime(a)), in_sql(other.strftime(b))
    whole = (one.replace(microsecond=0), other.replace(microsecond=0))
    if "%S" not in a or "%S" not in b:
        whole = tuple(moment.replace(second=0) for moment in whole)
        first, second = first[:16], second[:16]
    assert (first < second) == (whole[0] < whole[1])


def test_a_date_is_its_midnight_and_what_is_not_a_moment_is_null() -> None:
    """NULL for what `funnel check` names: other offsets, hour 24, words, numbers."""
    assert in_sql("2026-12-01") == "2026-12-01T00:00:00+00:00"
    for text in (
        "yesterday",
        "now",
        "2460000.5",
        "2026-12-01 garbage",
        "2026-12-01T07:00:00+05:00",
        "2026-12-01T24:00:00+00:00",
        "2026-02-30T10:00:00+00:00",
        None,
        20261201,
    ):
        assert in_sql(text) is None, text


def test_the_machines_zone_by_its_name_keeps_its_clock_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    zone = local_zone()
    assert zone == ZoneInfo("America/New_York")
    # 09:00 on both sides of the clock change in New York, 1 November 2026.
    before = datetime(2026, 10, 30, 9, tzinfo=zone)
    after = datetime(2026, 11, 2, 9, tzinfo=zone)
    assert to_stored(before) == "2026-10-30T13:00:00+00:00"
    assert to_stored(after) == "2026-11-02T14:00:00+00:00"
    assert system_now().tzinfo == zone


def test_a_zone_given_as_a_rule_is_read_as_the_c_library_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # $TZ as a POSIX rule has no name: the zone is dateutil's reading of the C library's.
    monkeypatch.setenv("TZ", "EST5EDT,M3.2.0,M11.1.0")
    time.tzset()
    try:
        zone = local_zone()
        assert not isinstance(zone, ZoneInfo)
        summer = datetime(2026, 7, 1, 12, tzinfo=zone)
        winter = datetime(2026, 12, 1, 12, tzinfo=zone)
        assert summer.utcoffset() == timedelta(hours=-4)
        assert winter.utcoffset() == timedelta(hours=-5)
    finally:
        monkeypatch.undo()
        time.tzset()
