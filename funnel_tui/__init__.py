"""funnel-tui: a keyboard-first terminal app for a sales rep's day."""

__version__ = "0.1.0"
