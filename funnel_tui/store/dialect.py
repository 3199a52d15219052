"""Which SQL a database speaks, told by the connection the core is handed, and by the
`--db` value a user gives (a file path or a `postgresql://` URL)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

URL_SCHEMES = ("postgresql://", "postgres://")


class Dialect(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


def dialect_of(db: Any) -> Dialect:
    """The dialect of a connection: PostgreSQL's says so, anything else is a SQLite file
    (sqlite-utils' Database, as tests and other tools open it)."""
    return getattr(db, "dialect", Dialect.SQLITE)


def is_postgres_url(target: object) -> bool:
    """Whether a `--db` value names a PostgreSQL database rather than a file."""
    return isinstance(target, str) and target.lower().startswith(URL_SCHEMES)


# A password in a URL's user part (`//user:secret@`) or in a `password=` parameter or
# keyword, wherever it stands in a text.
_PASSWORDS = re.compile(r"(?i)(//[^/:@\s]*):[^@\s]*@|\bpassword=[^&\s]*[&]?")


def without_password(url: str) -> str:
    """The URL as it may be shown: the password (in the user part or a `password=`
    parameter) left out. A URL that cannot be parsed loses it all the same."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return hide_passwords(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}@{host}"
    query = "&".join(
        item for item in parts.query.split("&") if not item.lower().startswith("password=")
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def hide_passwords(text: str) -> str:
    """Any text (an error, a command line) with every password in it left out."""
    return _PASSWORDS.sub(lambda found: f"{found[1]}@" if found[1] else "", text)
