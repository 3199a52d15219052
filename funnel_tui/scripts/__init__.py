"""Call scripts for the selling methods: loading them and filling them in for a prospect.

`funnel_tui.scripts.fill` (a script filled in for one prospect) and `.plain` (as text) are
imported from their modules: they use the product profile, which reads its file with
this package's loader.
"""

from funnel_tui.scripts.loader import (
    BUILTIN_SOURCE,
    SITUATIONS,
    CallScript,
    ScriptLibrary,
    ScriptProblem,
    ScriptStep,
    load_builtin,
    load_library,
    parse_script,
)
from funnel_tui.scripts.render import (
    NOT_RECORDED,
    ObjectionAnswer,
    RenderedStep,
    fill_cue,
    fill_spoken,
    objection_answers,
    render_script,
    render_step,
)
from funnel_tui.scripts.situation import (
    ProspectHistory,
    read_history,
    situation_of,
    suggested_method,
)

__all__ = [
    "BUILTIN_SOURCE",
    "NOT_RECORDED",
    "SITUATIONS",
    "CallScript",
    "ObjectionAnswer",
    "ProspectHistory",
    "RenderedStep",
    "ScriptLibrary",
    "ScriptProblem",
    "ScriptStep",
    "fill_cue",
    "fill_spoken",
    "load_builtin",
    "load_library",
    "objection_answers",
    "parse_script",
    "read_history",
    "render_script",
    "render_step",
    "situation_of",
    "suggested_method",
]
