"""Check test cases against the bot before running them: a typo is named, not run.

``utter: utter_gret`` would otherwise fail at run time as a mismatch that looks like
a bot bug. Every name a step mentions (response, action, intent, slot, entity, flow)
must exist in the bot; problems point at the step's ``file:line:col`` and suggest
the closest known name. ``dialog test`` fails such a case without running it and runs
the others, as ``rasa test`` does; only when every case has one is it a usage error.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterable

from dialog.builtin_names import BUILTIN_ACTIONS, DEFAULT_RESPONSES
from dialog.config.rasa.dialogue import RASA_DEFAULT_ACTIONS
from dialog.config.rasa.intents import RETRIEVAL_ACTION_PREFIX
from dialog.errors import Problem
from dialog.flows.patterns import PATTERN_FLOWS
from dialog.testing.cases import TestCase
from dialog.types import NLU_FALLBACK, OUT_OF_SCOPE

__all__ = ["check_cases", "problems_by_case"]


def _known(config: Any) -> dict[str, tuple[str, set[str]]]:
    """Step kind -> (what it names, the names that exist)."""
    responses = set(config.domain.responses) | set(DEFAULT_RESPONSES)
    responses |= {name.partition("/")[0] for name in responses if "/" in name}  # utter_faq of utter_faq/ask_name
    retrieval_actions = {RETRIEVAL_ACTION_PREFIX + name.removeprefix("utter_").partition("/")[0] for name in responses if "/" in name}
    intents = set(config.domain.intents) | set(config.nlu.intents) | {NLU_FALLBACK, OUT_OF_SCOPE, "restart", "stop"}
    slots = set(config.domain.slots) | {"requested_slot"}
    flows = set(config.flows) | set(PATTERN_FLOWS)  # the built-in repair patterns run as flows too
    return {
        "utter": ("response", responses),
        "bot_uttered": ("response", responses),
        "action": (
            "action or response",
            responses | retrieval_actions | set(config.domain.actions) | set(config.domain.forms) | set(BUILTIN_ACTIONS) | RASA_DEFAULT_ACTIONS,
        ),
        "intent": ("intent", intents),
        "slot_was_set": ("slot", slots),
        "slot_was_not_set": ("slot", slots),
        "entity": ("entity", set(config.domain.entities)),
        "flow_started": ("flow", flows),
        "flow_completed": ("flow", flows),
        "flow_cancelled": ("flow", flows),
    }


def check_cases(cases: Iterable[TestCase], config: Any) -> list[Problem]:
    """One problem per step that names something the bot does not have."""
    return [problem for found in problems_by_case(cases, config).values() for problem in found]


def problems_by_case(cases: Iterable[TestCase], config: Any) -> dict[str, list[Problem]]:
    """``check_cases`` by case id, for the cases that have any (the bot's names are read once)."""
    known = _known(config)
    found: dict[str, list[Problem]] = {}
    for case in cases:
        problems = found.setdefault(case.id, [])
        for step in case.steps:
            if step.kind not in known:
                continue
            what, names = known[step.kind]
            name = step.value[0] if isinstance(step.value, tuple) else step.value
            if name in names or (name is None and step.kind == "bot_uttered"):
                continue
            close = difflib.get_close_matches(str(name), sorted(names), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(Problem(case.path, step.line, step.column, f"test case '{case.name}': unknown {what} '{name}'{hint}"))
        if not problems:
            del found[case.id]
    return found
