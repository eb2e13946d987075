"""Flows the dialogue engine runs when flows.yml does not define one with that id."""

from __future__ import annotations

from dialog.builtin_names import PATTERN_SEARCH, SEARCH_ACTION
from dialog.config.flow_model import ActionStep, Flow

__all__ = ["BUILTIN_FLOWS"]

# flow id -> the flow used when flows.yml does not define one with that id
BUILTIN_FLOWS: dict[str, Flow] = {
    PATTERN_SEARCH: Flow(
        id=PATTERN_SEARCH,
        steps=(ActionStep(id="search", action=SEARCH_ACTION),),
        description="Answer a question from the bot's documents",
        path="<built-in>",
    )
}
