"""Run the command line with `python -m funnel_tui`."""

from funnel_tui.launch import main

main()
