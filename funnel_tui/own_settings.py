"""A rep's own settings in a team's book (PRODUCT 16): who they are and how their machine
dials and sends mail. Every rep shares a team database's `settings` table, so these are
kept in the rep's user config file instead, in its `[settings]` table beside `rep`:

    rep = "alex"

    [settings]
    rep_name = "Alex Morgan"
    email_from = "Alex Morgan <alex@kestrel.example>"

On a SQLite file (one rep's book) they stay in the file's `settings` table with the rest.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path

from funnel_tui.reps import config_path

# The settings that belong to the rep rather than the team: the name the scripts greet
# prospects with, the command that dials, and the account email goes out from.
OWN_SETTINGS = (
    "rep_name",
    "dial_command",
    "email_from",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_user",
)
TABLE = "settings"
# The `[settings]` header line, and any header line (where the table ends).
_TABLE_HEADER = re.compile(rf"^\s*\[\s*{TABLE}\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")


class OwnSettingsError(ValueError):
    """The config file cannot be read or written; str() says which file and why."""


def cleared_from_the_team(keys: tuple[str, ...]) -> str:
    """One line telling the rep that the upgrade to schema v13 cleared these reps' own
    settings, which an older version kept in a team's shared table."""
    return (
        f"Cleared {', '.join(keys)} from the team's shared settings, where an older funnel"
        " kept reps' own settings: every rep could read them and nothing used them. Each"
        " rep keeps theirs in their config file: funnel config set KEY VALUE."
    )


def own_setting_texts(folder: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """The rep's own settings as the config file holds them (text, as `config set` stores
    it), and one line for each entry that cannot be used. A missing file holds none."""
    path = config_path(folder)
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return {}, [f"cannot read {path}: {error}; your own settings are left at their defaults"]
    table = config.get(TABLE, {})
    if not isinstance(table, dict):
        return {}, [f"{TABLE} in {path} is not a table; write it as [{TABLE}]"]
    texts: dict[str, str] = {}
    problems: list[str] = []
    for key, value in table.items():
        if key not in OWN_SETTINGS:
            problems.append(
                f"setting {key} in {path} is not one of yours ({', '.join(OWN_SETTINGS)});"
                " it is left out"
            )
        elif isinstance(value, int) and not isinstance(value, bool):
            texts[key] = str(value)
        elif isinstance(value, str):
            texts[key] = value
        else:
            problems.append(f"setting {key} in {path} is not text; using the default")
    return texts, problems


def own_settings_stamp(rep: str | None, folder: Path | None = None) -> int | None:
    """When the rep's config file last changed (nanoseconds), for an app to notice a
    `funnel config set` of their own settings; None in a one-rep book (`rep` None),
    whose settings are all in the file, or when there is no config file."""
    if rep is None:
        return None
    try:
        return config_path(folder).stat().st_mtime_ns
    except OSError:
        return None


def store_own_settings(texts: dict[str, str], folder: Path | None = None) -> Path:
    """Write these settings into the config file's `[settings]` table, keeping everything
    else in the file as it is; returns the file. OwnSettingsError when it cannot."""
    path = config_path(folder)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        raise OwnSettingsError(f"cannot read {path}: {error}") from None
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise OwnSettingsError(f"cannot read {path}: {error}; fix it by hand first") from None
    kept = before.get(TABLE, {})
    if not isinstance(kept, dict):
        raise OwnSettingsError(f"{TABLE} in {path} is not a table; write it as [{TABLE}]")
    wanted = {**kept, **texts}
    updated = _with_table(text, wanted)
    # Written only when it reads back as meant: a file laid out in a way this simple
    # editor does not follow (dotted keys, an inline table) is left as it was.
    try:
        after = tomllib.loads(updated)
    except tomllib.TOMLDecodeError:
        after = None
    if (
        after is None
        or after.get(TABLE) != wanted
        or _without_table(after) != _without_table(before)
    ):
        raise OwnSettingsError(
            f"cannot update the [{TABLE}] table of {path} safely; set it there by hand"
        )
    _replace_file(path, updated)
    return path


def _with_table(text: str, values: dict[str, object]) -> str:
    """The file's text with its `[settings]` table (if any) replaced by one of `values`,
    placed where the old one was, else at the end."""
    lines = text.splitlines()
    start = next((n for n, line in enumerate(lines) if _TABLE_HEADER.match(line)), None)
    table = [f"[{TABLE}]", *(f"{key} = {_toml_value(value)}" for key, value in values.items())]
    if start is None:
        while lines and not lines[-1].strip():
            lines.pop()
        head = [*lines, ""] if lines else []
        return "\n".join([*head, *table]) + "\n"
    end = next((n for n in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[n])), len(lines))
    tail = lines[end:]
    return "\n".join([*lines[:start], *table, *([""] if tail else []), *tail]) + "\n"


def _toml_value(value: object) -> str:
    """A TOML basic string for text (every control character escaped); a number as is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    escaped = []
    for char in str(value):
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _without_table(config: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in config.items() if key != TABLE}


def _replace_file(path: Path, text: str) -> None:
    """Write the whole file at once: a crash leaves the old file or the new, never half."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise OwnSettingsError(f"cannot write {path}: {error}") from None
