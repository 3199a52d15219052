"""The schema version this funnel writes, and the marker of a funnel file: what opening a
file checks. The migrations that bring an older file up to it (funnel_tui.migrations,
with every version's schema) load only when a file needs them.
"""

from __future__ import annotations

# The number of migrations (tests/test_storage.py holds the two together).
LATEST_VERSION = 29

# `PRAGMA application_id` of every funnel file: "FUNL" in ASCII. Opening a file sets it.
APPLICATION_ID = 0x46554E4C
