"""Editing a text in the rep's own editor: $VISUAL, else $EDITOR, run without a shell on a
temporary file that is read back and removed; a failure says why, changes nothing, and is
returned rather than raised (the app runs the editor with the terminal handed over)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from funnel_tui.editor import EditorFailed, editor_command, run_editor

# Appends a line, as `echo >>` does, and records which file it was given.
EDITOR = """
import sys
path = sys.argv[-1]
open(sys.argv[-2], "w").write(path)
with open(path, "a", encoding="utf-8") as file:
    file.write("added ü\\n")
"""


def editor(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "editor's script.py"
    script.write_text(EDITOR, encoding="utf-8")
    seen = tmp_path / "seen.txt"
    return f'{sys.executable} "{script}" {seen}', seen


def test_the_text_comes_back_edited_and_the_file_is_removed(tmp_path: Path) -> None:
    """The file ends with a line break: a line appended to it stays a line of its own
    (`Kestrel SoftwareEDITOR-ADDED LINE` went out in an email)."""
    command, seen = editor(tmp_path)
    assert run_editor(editor_command({"EDITOR": command}), "Hi Ada,") == "Hi Ada,\nadded ü"
    assert not Path(seen.read_text()).exists()


def test_visual_comes_before_editor() -> None:
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "nano"}) == ["code", "--wait"]
    assert editor_command({"VISUAL": " ", "EDITOR": "nano"}) == ["nano"]


@pytest.mark.parametrize(
    ("environ", "reason"),
    [
        ({}, "$EDITOR is not set (for example: export EDITOR=nano)"),
        ({"EDITOR": "vim 'unclosed"}, 'cannot read $EDITOR "vim \'unclosed": No closing quotation'),
    ],
)
def test_no_editor_to_run_is_one_line(environ: dict[str, str], reason: str) -> None:
    with pytest.raises(EditorFailed) as failed:
        editor_command(environ)
    assert str(failed.value) == reason


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["false"], "false ended with status 1"),
        (["no-such-editor-anywhere"], "cannot run no-such-editor-anywhere: No such file"),
    ],
)
def test_a_failing_editor_is_returned_not_raised(argv: list[str], reason: str) -> None:
    failed = run_editor(argv, "text")
    assert isinstance(failed, EditorFailed)
    assert str(failed).startswith(reason)


def test_an_interrupted_editor_is_returned_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("subprocess.run", interrupted)
    failed = run_editor(["nano"], "text")
    assert isinstance(failed, EditorFailed)
    assert str(failed) == "nano was interrupted"
