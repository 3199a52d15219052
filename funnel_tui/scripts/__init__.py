"""Call scripts for the selling methods: loading them and filling them in for a prospect."""

from funnel_tui.scripts.loader import (
    BUILTIN_SOURCE,
    CallScript,
    ScriptLibrary,
    ScriptProblem,
    ScriptStep,
    load_builtin,
    load_library,
    parse_script,
)
from funnel_tui.scripts.render import (
    FACT_PROMPTS,
    RenderedStep,
    objection_answers,
    prospect_facts,
    render_plain,
    render_script,
    render_text,
)

__all__ = [
    "BUILTIN_SOURCE",
    "FACT_PROMPTS",
    "CallScript",
    "RenderedStep",
    "ScriptLibrary",
    "ScriptProblem",
    "ScriptStep",
    "load_builtin",
    "load_library",
    "objection_answers",
    "parse_script",
    "prospect_facts",
    "render_plain",
    "render_script",
    "render_text",
]
