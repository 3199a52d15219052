"""Editing a text in the rep's own editor (`$VISUAL`, else `$EDITOR`): written to a
temporary file, the editor run on it without a shell, the file read back and removed.

The app runs the editor with the terminal handed over (`App.suspend`), and Textual gives
the terminal back only when that block ends normally: an exception raised inside it leaves
the app without its screen for good. So the command is found (`editor_command`) before
the terminal is handed over, and `run_editor` returns whatever goes wrong instead of
raising it; the caller reports it once the terminal is back, and keeps the text as it was.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

EDITOR_VARIABLES = ("VISUAL", "EDITOR")


class EditorFailed(Exception):
    """The editor could not be run or did not finish well; str() says why in one line."""


def editor_command(environ: Mapping[str, str] = os.environ) -> list[str]:
    """The editor's command line, split as a shell would (`code --wait` is two words);
    EditorFailed when none is set."""
    for variable in EDITOR_VARIABLES:
        text = environ.get(variable, "").strip()
        if text:
            try:
                argv = shlex.split(text)
            except ValueError as error:
                raise EditorFailed(f"cannot read ${variable} {text!r}: {error}") from None
            if argv:
                return argv
    raise EditorFailed("$EDITOR is not set (for example: export EDITOR=nano)")


def run_editor(argv: list[str], text: str, *, suffix: str = ".txt") -> str | EditorFailed:
    """`text` after the rep has edited it with `argv`, or the EditorFailed saying why not.

    Never raises, not even for an interrupt (ctrl+c reaches this process too while the
    editor has the terminal): the caller runs it with the terminal handed over."""
    try:
        return _edit(argv, text, suffix)
    except EditorFailed as failure:
        return failure
    except KeyboardInterrupt:
        return EditorFailed(f"{argv[0]} was interrupted")
    except Exception as error:  # anything else: the terminal must come back all the same
        return EditorFailed(f"{argv[0]} failed: {' '.join(str(error).split()) or error!r}")


def _edit(argv: list[str], text: str, suffix: str) -> str:
    handle, name = tempfile.mkstemp(prefix="funnel-", suffix=suffix, text=True)
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            # A text file ends with a line break, as editors and `echo >>` expect: a line
            # added at the end is a line of its own, not joined to the last one.
            file.write(text if text.endswith("\n") else text + "\n")
        try:
            finished = subprocess.run([*argv, str(path)], check=False)
        except OSError as error:
            raise EditorFailed(f"cannot run {argv[0]}: {error.strerror or error}") from None
        if finished.returncode != 0:
            raise EditorFailed(f"{argv[0]} ended with status {finished.returncode}")
        try:
            edited = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise EditorFailed(f"cannot read the edited text back ({error})") from None
    finally:
        path.unlink(missing_ok=True)
    # Editors end the file with a line break the text did not have.
    return edited.rstrip("\n")
