"""The errors a book's database raises, whichever backend holds it, for the places that
catch them. psycopg is imported only when a team database is opened, so its errors can
only be raised once it is loaded: these ask for them then, and a one-rep session never
imports it."""

from __future__ import annotations

import sqlite3
import sys


def database_errors() -> tuple[type[Exception], ...]:
    """Every error of either backend's driver (sqlite3.Error, psycopg.Error)."""
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.Error,) if psycopg is None else (sqlite3.Error, psycopg.Error)


def integrity_errors() -> tuple[type[Exception], ...]:
    """A constraint refused the write: a unique key taken, a CHECK failed."""
    psycopg = sys.modules.get("psycopg")
    if psycopg is None:
        return (sqlite3.IntegrityError,)
    return (sqlite3.IntegrityError, psycopg.IntegrityError)
