"""The `funnel` command line: a thin shell over the core, with one-line errors.

`root` holds the group and its entry point; each command lives in a module of its own,
imported when it runs.
"""

from funnel_tui.cli.root import cli, main

__all__ = ["cli", "main"]
