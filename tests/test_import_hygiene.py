"""The core never imports Textual: the CLI and other tools stay fast and usable without it."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import funnel_tui

# The UI package is the one place Textual belongs; __main__ runs the CLI when imported.
NOT_CORE = {"funnel_tui.ui", "funnel_tui.__main__"}

# Named so that a discovery that silently finds nothing (or misses these) fails loudly.
KNOWN_CORE = {
    "funnel_tui.domain", "funnel_tui.store.sqlite", "funnel_tui.migrations", "funnel_tui.settings",
    "funnel_tui.timestamps", "funnel_tui.text", "funnel_tui.queue", "funnel_tui.prospects",
    "funnel_tui.call_log", "funnel_tui.money", "funnel_tui.periods", "funnel_tui.pace",
    "funnel_tui.dates", "funnel_tui.cadence", "funnel_tui.scripts", "funnel_tui.demo",
    "funnel_tui.paths", "funnel_tui.cli", "funnel_tui.emailing", "funnel_tui.emailing.sending",
    "funnel_tui.editor",
}  # fmt: skip

# Imports each module in turn and reports the first one after which Textual is loaded.
CHECK = """
import importlib, json, sys
culprit = None
for name in sys.argv[1:]:
    importlib.import_module(name)
    if "textual" in sys.modules:
        culprit = name
        break
print(json.dumps({"culprit": culprit, "textual": "textual" in sys.modules}))
"""


def core_modules() -> list[str]:
    """Every module of the package outside the UI, found without importing any of them."""
    found: list[str] = []

    def visit(folder: Path, prefix: str) -> None:
        for module in pkgutil.iter_modules([str(folder)], prefix):
            if module.name in NOT_CORE:
                continue
            found.append(module.name)
            if module.ispkg:
                visit(folder / module.name.rpartition(".")[2], f"{module.name}.")

    visit(Path(funnel_tui.__file__).parent, "funnel_tui.")
    return sorted(found)


def test_discovery_finds_the_core_and_leaves_out_the_ui() -> None:
    modules = core_modules()
    assert set(modules) >= KNOWN_CORE
    assert not [name for name in modules if name.startswith("funnel_tui.ui")]


def test_core_modules_do_not_import_textual() -> None:
    checked = subprocess.run(
        [sys.executable, "-c", CHECK, *core_modules()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report == {"culprit": None, "textual": False}
