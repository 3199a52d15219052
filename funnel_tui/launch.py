"""The `funnel` command's entry point: start-up with the cyclic garbage collector held off."""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """Run the command line, without collecting garbage until start-up is done.

    Start-up builds tens of thousands of objects that live as long as the process
    (modules, classes, styles), and the collector would walk them again and again: about
    50 ms of a 500 ms start. The command line resumes collecting before a command runs,
    the app once it has painted its first frame (`resume_collecting`).
    """
    gc.disable()
    try:
        from funnel_tui.cli import main as run_command_line
    except KeyboardInterrupt:
        # ctrl+c while the command line loads, before it can say so itself.
        sys.stderr.write("funnel: aborted\n")
        sys.exit(1)
    run_command_line()


def resume_collecting() -> None:
    """Collect garbage again after `main` held it off; everything built so far, which lives
    as long as the process, is frozen out of later collections."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
