"""Which SQL a database speaks, told by the connection the core is handed, and by the
`--db` value a user gives (a file path or a `postgresql://` URL)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

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
    parameter) left out. The user part ends at the URL's last `@`, so a password whose
    `@`, `/`, `?` or `#` is not percent-encoded is left out whole as well."""
    start, user_part, after = _user_part(url)
    if user_part is not None:
        url = f"{start}{user_part.partition(':')[0]}@{after}"
    return _PASSWORD_PARAMETERS.sub(_joined, url)


def url_password(url: str) -> str | None:
    """The password in a URL's user part, as written (percent-encoded or not); None when
    it has none."""
    _, user_part, _ = _user_part(url)
    return None if user_part is None else user_part.partition(":")[2] or None


def _user_part(url: str) -> tuple[str, str | None, str]:
    """(the scheme and `://`, the user part up to the URL's last `@`, what follows that
    `@`); the user part None when the URL has none."""
    scheme, separator, rest = url.partition("://")
    user_part, at, after = rest.rpartition("@")
    if not (separator and at):
        return url, None, ""
    return f"{scheme}{separator}", user_part, after


def misencoded_password(url: str) -> bool:
    """Whether the URL's password holds a character a URL must percent-encode there (`@`,
    `/`, `?`, `#`): PostgreSQL would read the URL otherwise than it was meant."""
    password = url_password(url)
    return password is not None and any(char in password for char in "@/?#")


# A `password=` parameter of a URL's query, with the `&` that joins it to the next.
_PASSWORD_PARAMETERS = re.compile(r"(?i)([?&])password=[^&#\s]*(&?)")


def _joined(found: re.Match[str]) -> str:
    # `?password=x&sslmode=...` keeps its `?`; a last parameter leaves nothing behind.
    return found[1] if found[2] else ""


def hide_passwords(text: str) -> str:
    """Any text (an error, a command line) with every password in it left out."""
    return _PASSWORDS.sub(lambda found: f"{found[1]}@" if found[1] else "", text)
