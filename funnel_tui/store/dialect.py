"""Which SQL a database speaks, told by the connection the core is handed, and by the
`--db` value a user gives (a file path or a `postgresql://` URL)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any
from urllib.parse import unquote

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


def postgres_url(target: str) -> str:
    """A PostgreSQL URL with its scheme in lower case, as libpq reads it: it took
    `POSTGRESQL://host/db` for a keyword string and said `missing "=" after ...`."""
    scheme, separator, rest = target.partition("://")
    return f"{scheme.lower()}{separator}{rest}"


# What starts a URL: a scheme (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`) and
# its colon. One letter is left out, so that `C:\books\funnel.db` stays a path.
_URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]+):", re.IGNORECASE)


def url_scheme(target: str) -> str | None:
    """The scheme of a `--db` value that starts as a URL does (`mysql://...`,
    `postgresq:team`), lower-cased; None for one that does not. Whether it is a file that
    exists after all, or the PostgreSQL URL funnel opens, is for the caller to ask."""
    found = _URL_SCHEME.match(target)
    return found[1].lower() if found else None


# libpq's keywords whose values are secrets: the password, and the passphrase of the
# client's key. A URL may percent-encode a keyword too (`pass%77ord=`): libpq decodes it.
SECRET_KEYWORDS = frozenset({"password", "sslpassword"})

# A password in a URL's user part (`//user:secret@`), wherever it stands in a text.
_USER_PART_PASSWORD = re.compile(r"(//[^/:@\s]*):[^@\s]*@")
# A `keyword=value` of a URL's query or a libpq connection string, with the `&` after it.
_KEYWORD_VALUE = re.compile(r"(?i)(?<![\w%])((?:\w|%[0-9a-f]{2})+)=[^&\s]*&?")


def is_secret_keyword(key: str) -> bool:
    """Whether a URL's query parameter or a connection string's keyword holds a secret."""
    return unquote(key).strip().lower() in SECRET_KEYWORDS


def without_password(url: str) -> str:
    """The URL as it may be shown: the password in the user part and every `password=` or
    `sslpassword=` parameter (however its name is encoded) left out. The user part ends at
    the URL's last `@`, so a password whose `@`, `/`, `?` or `#` is not percent-encoded is
    left out whole as well."""
    url = _without_user_password(url)
    base, question, rest = url.partition("?")
    if not question:
        return url
    query, hash_mark, fragment = rest.partition("#")
    kept = [part for part in query.split("&") if not is_secret_keyword(part.partition("=")[0])]
    return f"{base}{'?' if kept else ''}{'&'.join(kept)}{hash_mark}{fragment}"


def url_password(url: str) -> str | None:
    """The password in a URL's user part, as written (percent-encoded or not); None when
    it has none."""
    _, user_part, _ = _user_part(url)
    return None if user_part is None else user_part.partition(":")[2] or None


def url_secrets(url: str) -> list[str]:
    """Every secret a URL holds, as written: its user part's password and the values of its
    secret parameters (a message may quote any of them)."""
    secrets = [password] if (password := url_password(url)) else []
    query = _without_user_password(url).partition("?")[2].partition("#")[0]
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if value and is_secret_keyword(key):
            secrets.append(value)
    return secrets


def _without_user_password(url: str) -> str:
    start, user_part, after = _user_part(url)
    return url if user_part is None else f"{start}{user_part.partition(':')[0]}@{after}"


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


def _without_secret_value(found: re.Match[str]) -> str:
    return "" if is_secret_keyword(found[1]) else found[0]


def hide_passwords(text: str) -> str:
    """Any text (an error, a command line) with every password in it left out: a URL's
    user part's, and each secret `keyword=value` of a URL or a connection string."""
    text = _USER_PART_PASSWORD.sub(lambda found: f"{found[1]}@", text)
    return _KEYWORD_VALUE.sub(_without_secret_value, text)
