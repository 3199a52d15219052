"""The rep's own files the scripts are made of: their script files, their objection answers
and their product profile, read together, and a stamp that tells when one has changed.

An open app compares the stamp as it looks for other changes (twice a second) and reads
the files again when it moves, as it follows the settings: an edit reaches the pane
without a restart.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from funnel_tui.profile import Profile, load_profile, profile_path
from funnel_tui.scripts.loader import ScriptLibrary, ScriptProblem, load_library
from funnel_tui.scripts.objections import FILE_NAME as OBJECTIONS_FILE
from funnel_tui.scripts.objections import ObjectionLibrary, load_objections

# What a file's stamp holds: when it last changed (nanoseconds) and its size.
FileStamp = tuple[int, int]


class RepFiles(NamedTuple):
    """What the rep's files hold, each with the problems met reading it."""

    scripts: ScriptLibrary
    objections: ObjectionLibrary
    profile: Profile | None
    profile_problems: list[ScriptProblem]


def read_rep_files(scripts_dir: Path, *, demo_book: bool) -> RepFiles:
    """The scripts in `scripts_dir`, and the objections and profile beside it; never raises."""
    config_dir = scripts_dir.parent
    profile, profile_problems = load_profile(config_dir, demo_book=demo_book)
    return RepFiles(
        load_library(scripts_dir), load_objections(config_dir), profile, profile_problems
    )


def rep_files_stamp(scripts_dir: Path) -> dict[Path, FileStamp]:
    """Each of the rep's files there is, with its stamp: a file written, added or removed
    changes it."""
    config_dir = scripts_dir.parent
    paths = [profile_path(config_dir), config_dir / OBJECTIONS_FILE]
    stamps = {}
    for path in (*paths, *scripts_dir.glob("*.toml")):
        try:
            status = path.stat()
        except OSError:
            continue
        stamps[path] = (status.st_mtime_ns, status.st_size)
    return stamps


def changed_files(before: dict[Path, FileStamp], after: dict[Path, FileStamp]) -> list[Path]:
    """The files written, added or removed from one stamp to the next, in name order."""
    return sorted(
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    )
