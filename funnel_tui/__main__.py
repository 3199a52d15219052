"""Run the command line with `python -m funnel_tui`."""

from funnel_tui.cli import main

main()
