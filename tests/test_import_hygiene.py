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


# The app started on a one-prospect book, headless: which of the slowest imports the
# core could need are loaded when the first frame is painted, and what the card shows
# once the app has settled.
FIRST_FRAME = """
import asyncio, io, json, sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from rich.console import Console
from funnel_tui.store.sqlite import open_storage
from funnel_tui.ui.app import FunnelApp

storage = open_storage(Path(sys.argv[1]))
storage.db.execute("INSERT INTO prospects (name, phone) VALUES ('Ada', '+15550001000')")
now = datetime(2026, 11, 18, 14, 30, tzinfo=ZoneInfo("Europe/London"))
app = FunnelApp(storage, clock=lambda: now, scripts_dir=Path(sys.argv[2]))
report = {}
paint = app._display

def display(screen, renderable):
    paint(screen, renderable)
    if renderable is None:
        return
    if "first_frame" not in report:
        slow = ("sqlite_utils", "phonenumbers", "dateutil.parser", "dateutil.tz")
        slow += ("importlib.resources",)
        # What no key of the first frame needs: the email templates, forgetting, the
        # suppression list's hashing (read when a prospect is added or edited), and the
        # file that keeps a running call (read after the first frame, written with a call).
        slow += ("funnel_tui.emailing.templates", "funnel_tui.forget", "hashlib")
        slow += ("funnel_tui.call_state",)
        # The reader of typed dates waits for the first date typed, and the cadence's
        # business days need none of dateutil's rules.
        slow += ("funnel_tui.dates", "dateutil.rrule")
        report["first_frame"] = [name for name in slow if name in sys.modules]
    # Textual writes no frame to the terminal until its start-up batch is over.
    if "first_frame_out" not in report and not app._batch_count:
        after = ("phonenumbers", "funnel_tui.gauge_figures")
        report["first_frame_out"] = [name for name in after if name in sys.modules]

app._display = display

async def run():
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#card-body").content)
        report["card"] = console.export_text()
        # The gauge's figures are read by now; a call logged and the pace screen opened.
        await pilot.press("l", "n", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("p")
        await pilot.pause()
        await app.workers.wait_for_complete()
        report["rep_s_day"] = [name for name in ("sqlite_utils",) if name in sys.modules]
        report["calls"] = storage.db.execute("SELECT count(*) FROM calls").fetchone()[0]

asyncio.run(run())
storage.close()
print(json.dumps(report))
"""


def test_the_first_frame_needs_none_of_the_slow_imports(tmp_path: Path) -> None:
    # sqlite-utils and phonenumbers cost more to import than anything else the first frame
    # shows; phonenumbers follows the first frame, and the card then shows the number
    # formatted. dateutil's parser and time zones wait for the first date typed, and the
    # files shipped in the package are read without importlib.resources.
    ran = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(tmp_path / "book.db"), str(tmp_path / "scripts")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    report = json.loads(ran.stdout)
    assert report["first_frame"] == []
    # What follows the first frame (phonenumbers, the gauge's figures) waits until that
    # frame can reach the terminal, rather than delay it.
    assert report["first_frame_out"] == []
    assert "+1 555-000-1000" in report["card"]
    # The core names sqlite-utils in type hints alone: the gauge, a call logged and the
    # pace screen never load it.
    assert report["calls"] == 1
    assert report["rep_s_day"] == []


def test_the_command_line_loads_what_opening_the_app_needs_and_no_more() -> None:
    # `funnel` opens the app through the command line: what only other commands use
    # (periods and dateutil's calendar for `target`, hashing for exports' and imports'
    # suppression checks) is imported by those commands.
    unused = ("funnel_tui.periods", "funnel_tui.suppression", "secrets", "hashlib")
    ran = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, funnel_tui.cli; print(json.dumps(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    loaded = set(json.loads(ran.stdout))
    assert "funnel_tui.cli" in loaded
    assert [name for name in unused if name in loaded] == []


# What the app and the commands load for a book in a file: the gauge's, the pace
# screen's and the report's figures, an import, the command line.
A_FILES_BOOK = [
    "funnel_tui.cli", "funnel_tui.ui.app", "funnel_tui.gauge_figures",
    "funnel_tui.manager_figures", "funnel_tui.report", "funnel_tui.importer",
    "funnel_tui.store.snapshot",
]  # fmt: skip


def test_a_book_in_a_file_never_loads_psycopg() -> None:
    """psycopg takes about 70 ms to import: after the first frame, that was time taken
    from the rep's first keys on every start-up, for a team's server the book is not on."""
    check = "import importlib, sys\n"
    check += "for name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    check += "print(sorted(m for m in sys.modules if m.split('.')[0] == 'psycopg'))\n"
    result = subprocess.run(
        [sys.executable, "-c", check, *A_FILES_BOOK], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
