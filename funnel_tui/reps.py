"""The team's reps (PRODUCT 16): who this rep is (`$FUNNEL_REP`, else `rep` in the user
config file, never the book), and the names the book knows (`funnel rep add|list|remove`).

What a name may hold, and when two spellings are one rep: rep_names.
"""

from __future__ import annotations

import os
import shlex
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from funnel_tui.domain import TaskStatus
from funnel_tui.paths import config_dir
from funnel_tui.rep_names import RepError, is_reserved, read_rep_name, same_name

REP_ENV = "FUNNEL_REP"
CONFIG_FILE = "config.toml"


class Rep(NamedTuple):
    name: str
    added_at: str
    prospects: int


def config_path(folder: Path | None = None) -> Path:
    return (folder or config_dir()) / CONFIG_FILE


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


# How many of the book's reps a refusal names, for a name mistyped.
REPS_NAMED_AT_MOST = 8


def require_rep(db: Any, name: str) -> str:
    """The book's name for a rep that must exist; RepError naming the book's reps (the
    name may be mistyped) and pointing to `rep add`."""
    found = known_rep(db, name)
    if found is None:
        names = rep_names(db)
        listed = ", ".join(names[:REPS_NAMED_AT_MOST])
        if len(names) > REPS_NAMED_AT_MOST:
            listed += f" and {len(names) - REPS_NAMED_AT_MOST} more (funnel rep list)"
        its = f" (its reps: {listed})" if names else ""
        if is_reserved(name):
            # `rep add pool` is refused: no command to add them is offered.
            raise RepError(f"{name!r} is no rep's name{its}: it names the pool or the team")
        # Quoted for the shell: a name holding `;` or `$(...)` is pasted as one word.
        raise RepError(
            f"no rep named {name!r} in this book{its}; add them with:"
            f" funnel rep add {shlex.quote(name)}"
        )
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


def what_goes_to_the_pool(db: Any, name: str) -> tuple[str, int, int]:
    """What removing a rep that must exist would put back in the pool: the book's name for
    them, how many prospects they own and how many open tasks those prospects have."""
    found = require_rep(db, name)
    prospects, tasks = db.execute(
        "SELECT (SELECT count(*) FROM prospects WHERE owner = ?),"
        " (SELECT count(*) FROM tasks t JOIN prospects p ON p.id = t.prospect_id"
        "  WHERE p.owner = ? AND t.status = ?)",
        [found, found, TaskStatus.OPEN.value],
    ).fetchone()
    return found, prospects, tasks


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
