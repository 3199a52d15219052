"""The core's SQLite-style parameters, read by PostgreSQL through psycopg."""

from __future__ import annotations

import psycopg
import pytest

from funnel_tui.store.pg_sql import to_psycopg


@pytest.mark.parametrize(
    ("sqlite", "psycopg_form"),
    [
        ("SELECT * FROM t WHERE id = ?", "SELECT * FROM t WHERE id = %s"),
        ("UPDATE t SET a = :a WHERE id = :id", "UPDATE t SET a = %(a)s WHERE id = %(id)s"),
        (
            "SELECT '?' || ':x', \"a?b\" FROM t WHERE c = ?",
            "SELECT '?' || ':x', \"a?b\" FROM t WHERE c = %s",
        ),
        ("SELECT 'it''s ?', ? ", "SELECT 'it''s ?', %s "),
        (
            "SELECT x::text FROM t WHERE y LIKE '%a%' AND z = ?",
            "SELECT x::text FROM t WHERE y LIKE '%%a%%' AND z = %s",
        ),
        ("SELECT 5 % 2, ?", "SELECT 5 %% 2, %s"),
        (
            "SELECT 1 -- is it? :no\nFROM t WHERE a = ?",
            "SELECT 1 -- is it? :no\nFROM t WHERE a = %s",
        ),
        ("SELECT /* :no ? */ ?", "SELECT /* :no ? */ %s"),
    ],
)
def test_parameters_become_psycopgs_and_text_stays(sqlite: str, psycopg_form: str) -> None:
    assert to_psycopg(sqlite) == psycopg_form


def test_the_server_reads_them(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute(to_psycopg("SELECT ?::text || ':x', '50%'"), ["a"]).fetchone() == (
            "a:x",
            "50%",
        )
        assert conn.execute(to_psycopg("SELECT :n::int + 1"), {"n": 41}).fetchone() == (42,)
