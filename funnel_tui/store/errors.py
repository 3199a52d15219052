"""The errors a book's database raises, whichever backend holds it, for the places that
catch them. psycopg is imported only when a team database is opened, so its errors can
only be raised once it is loaded: these ask for them then, and a one-rep session never
imports it."""

from __future__ import annotations

import sqlite3
import sys


def database_errors() -> tuple[type[Exception], ...]:
    """Every error of either backend's driver (sqlite3.Error, psycopg.Error), and a team
    database gone out of reach (ConnectionLost)."""
    psycopg = sys.modules.get("psycopg")
    if psycopg is None:
        return (sqlite3.Error, ConnectionLost)
    return (sqlite3.Error, psycopg.Error, ConnectionLost)


def integrity_errors() -> tuple[type[Exception], ...]:
    """A constraint refused the write: a unique key taken, a CHECK failed."""
    psycopg = sys.modules.get("psycopg")
    if psycopg is None:
        return (sqlite3.IntegrityError,)
    return (sqlite3.IntegrityError, psycopg.IntegrityError)


def is_refused_by_role(error: BaseException) -> bool:
    """Whether a team's server refused the statement for want of the role's right to make
    it: no try of this session's makes it, where a file's permissions may be mended and the
    write tried again."""
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and isinstance(error, psycopg.errors.InsufficientPrivilege)


def is_refused_write(error: BaseException) -> bool:
    """Whether the database refused a write for want of the right to make it: a team's
    role that may only read, or a SQLite file the process may not write (the primary code
    is the extended one's low byte)."""
    if isinstance(error, sqlite3.Error):
        return getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY
    return is_refused_by_role(error)


class ConnectionLost(Exception):
    """The book's database went out of reach mid-session (a team's server restarting, a
    network cut). What was shown is still there and nothing typed is lost: a read can be
    made again once the server is back, a write only with a request id (whether a commit
    that met it went through is unknown). str() is one line without the password;
    `reason` is why, as the server or the network said it."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
