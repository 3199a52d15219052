"""The team's reps (PRODUCT 16): who this rep is (`$FUNNEL_REP`, else `rep` in the user
config file, never the book), and the names the book knows (`funnel rep add|list|remove`).

A rep's name is text a person types and reads; it is kept as typed (trimmed, accents
composed), and two names that differ only in case, in any script, are the same rep.
"""

from __future__ import annotations

import os
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from funnel_tui.paths import config_dir
from funnel_tui.text import clean_text

REP_ENV = "FUNNEL_REP"
CONFIG_FILE = "config.toml"
MAX_NAME_LENGTH = 60
# Words the commands and reports use for the pool, the whole team, the reps since
# removed (the team report's `former` line) and what was logged with no rep (`no rep`).
RESERVED_NAMES = frozenset({"pool", "team", "former", "no rep"})
# The zero-width joiner: a name may hold it inside an emoji (👩‍💻), never between letters,
# where it would make one name look like another.
_JOINER = "\u200d"
_EMOJI_PRESENTATION = "\ufe0f"


class RepError(ValueError):
    """A rep name that cannot be used; str() is one line that says what to do."""


@dataclass(frozen=True)
class Rep:
    name: str
    added_at: str
    prospects: int


def config_path(folder: Path | None = None) -> Path:
    return (folder or config_dir()) / CONFIG_FILE


def read_rep_name(text: object) -> str:
    """A rep name as typed, trimmed; RepError for an empty, overlong or unprintable one."""
    if not isinstance(text, str):
        raise RepError('a rep name is text: put it in quotes (rep = "alex")')
    if not text.strip():
        raise RepError("a rep name cannot be empty")
    name = unicodedata.normalize("NFC", text.strip())
    if clean_text(name) != name or not _printable(name):
        raise RepError("a rep name is plain text: no control characters or escapes")
    if len(name) > MAX_NAME_LENGTH:
        raise RepError(f"a rep name is at most {MAX_NAME_LENGTH} characters")
    if same_name(name) in RESERVED_NAMES:
        raise RepError(
            f"{name!r} names the shared pool, the team or a line of its report:"
            " choose another rep name"
        )
    return name


def _printable(name: str) -> bool:
    """Every character shows, but for joiners between the parts of an emoji."""
    return all(
        char.isprintable() or (char == _JOINER and _joins_emoji(name, at))
        for at, char in enumerate(name)
    )


def _joins_emoji(name: str, at: int) -> bool:
    if not 0 < at < len(name) - 1:
        return False
    before, after = name[at - 1], name[at + 1]
    # Before: a symbol, a skin tone (a modifier symbol) or the emoji presentation selector.
    return (
        unicodedata.category(before) in ("So", "Sk") or before == _EMOJI_PRESENTATION
    ) and unicodedata.category(after) == "So"


def same_name(name: str) -> str:
    """What two spellings of one rep's name share: composed accents, folded case."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def own_rep_name(folder: Path | None = None) -> str | None:
    """This rep's name: `$FUNNEL_REP`, else `rep = "..."` in the user config file, else
    None (a one-rep book needs none). RepError when the one given cannot be a name or the
    config file cannot be read."""
    from_env = os.environ.get(REP_ENV)
    if from_env is not None and from_env.strip():
        return read_rep_name(from_env)
    path = config_path(folder)
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RepError(f"cannot read {path}: {error}") from None
    if "rep" not in config:
        return None
    return read_rep_name(config["rep"])


def has_reps(db: Any) -> bool:
    """Whether the book keeps reps: a team's, rather than one rep's."""
    return db.execute("SELECT 1 FROM reps LIMIT 1").fetchone() is not None


# The name as the book keeps it of the rep named `?`, in any case of the ASCII letters:
# for a name the app has already looked up (known_rep), read in a batch of statements.
KNOWN_REP = "SELECT name FROM reps WHERE lower(name) = lower(?)"


def known_rep(db: Any, name: str) -> str | None:
    """The name as the book keeps it, whatever the case and the accents' form it was
    typed in; None if the book does not know the rep. Compared here rather than in SQL,
    where SQLite's lower() folds ASCII letters only: a team's names are a short list."""
    wanted = same_name(name)
    for (kept,) in db.execute("SELECT name FROM reps").fetchall():
        if same_name(kept) == wanted:
            return kept
    return None


def require_rep(db: Any, name: str) -> str:
    """The book's name for a rep that must exist; RepError pointing to `rep add`."""
    found = known_rep(db, name)
    if found is None:
        raise RepError(f"no rep named {name!r} in this book; add them with: funnel rep add {name}")
    return found


def add_rep(db: Any, name: str) -> tuple[str, bool]:
    """Add a rep; (the book's name for them, whether they were new)."""
    name = read_rep_name(name)
    found = known_rep(db, name)
    if found is not None:
        return found, False
    db.execute("INSERT INTO reps (name) VALUES (?)", [name])
    return name, True


_BY_NAME = "ORDER BY lower(r.name), r.name"


def list_reps(db: Any) -> list[Rep]:
    """Every rep with how many prospects they own, by name."""
    rows = db.execute(
        "SELECT r.name, r.added_at, (SELECT count(*) FROM prospects p WHERE p.owner = r.name)"
        f" FROM reps r {_BY_NAME}"
    ).fetchall()
    return [Rep(name, added_at, prospects) for name, added_at, prospects in rows]


def rep_names(db: Any) -> list[str]:
    """Every rep's name, in list_reps' order, without counting what they own."""
    return [name for (name,) in db.execute(f"SELECT r.name FROM reps r {_BY_NAME}").fetchall()]


def remove_rep(db: Any, name: str) -> tuple[str, int]:
    """Remove a rep (in the caller's transaction): their prospects go back to the pool and
    their claims are released; the calls, tasks and deals they made keep their name.
    Returns the book's name for them and how many prospects went to the pool."""
    found = require_rep(db, name)
    returned = db.execute(
        "UPDATE prospects SET owner = NULL WHERE owner = ? RETURNING id", [found]
    ).fetchall()
    db.execute("DELETE FROM claims WHERE rep = ?", [found])
    db.execute("DELETE FROM reps WHERE name = ?", [found])
    return found, len(returned)
