"""Rasa Pro CALM projects: a flow that nothing triggers starts from its description.

In CALM an LLM command generator reads every flow's description and starts the flow a
message asks for. Here no LLM chooses. A flow that nothing could start (no
``nlu_trigger`` key, no pattern, not the target of a ``call`` or ``link`` step; an
explicit ``nlu_trigger: []`` keeps a flow unstarted on purpose) becomes
reachable the way every other flow is: it gets an intent of its own, ``flow_<id>``,
learnt from its description (each sentence) and its name, and an ``nlu_trigger`` for
it. "I want to send money to my sister" then reads as ``flow_transfer_money`` of "Help
users send money to friends and family", through the sentence vectors.

An intent that no flow triggers but is named after the flow ("nlu-check_account_balance"
for ``check_account_balance``, as CALM projects keep examples beside an LLM-only
pipeline) is the flow's trigger instead, its examples with the description's.

A project with no NLU examples of its own (a CALM project has no nlu.yml) also gets
``chitchat``, a background intent of small talk and general questions: with nothing to
tell them from, every message would read as one of the flows. No flow answers
``chitchat``, so those messages go to the documents and the LLM fallback, as in CALM.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from dialog.config.domain import DomainSources
from dialog.config.flow_model import CallStep, Flow, LinkStep, Trigger
from dialog.config.flows import FlowSources
from dialog.config.models import Domain, NLUData
from dialog.types import TrainingExample

__all__ = ["BACKGROUND_INTENT", "DESCRIPTION_INTENT_PREFIX", "with_description_triggers"]

DESCRIPTION_INTENT_PREFIX = "flow_"
BACKGROUND_INTENT = "chitchat"
_BACKGROUND = (
    "hello", "hi there", "hey", "good morning", "good evening", "how are you?", "how's it going", "what's up",
    "thanks", "thank you so much", "bye", "see you later", "goodbye", "who are you?", "what's your name?",
    "are you a robot?", "how old are you?", "tell me a joke", "you're funny", "that's cool", "lol", "nice",
    "what's the weather like today?", "what time is it?", "what is the capital of France?", "who won the world cup?",
    "what's the meaning of life?", "do you like music?", "I like pizza", "I'm bored", "what's your favourite colour?",
    "can you sing?", "where do you live?", "tell me something interesting", "what day is it today?",
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def with_description_triggers(
    domain: Domain, domain_sources: DomainSources, nlu: NLUData, flows: dict[str, Flow], sources: FlowSources
) -> tuple[Domain, NLUData, dict[str, Flow]]:
    """The bot with an intent and a trigger for each flow nothing could start, if any; the
    intents are "defined" where their flows are (``domain_sources``)."""
    reached = {step.call if isinstance(step, CallStep) else step.link for flow in flows.values() for step in flow.steps if isinstance(step, (CallStep, LinkStep))}
    unreachable = [
        flow
        for flow in flows.values()
        if not flow.nlu_trigger and not flow.id.startswith("pattern_") and flow.id not in reached
        and flow.id in sources.flows and "nlu_trigger" not in sources.flows[flow.id][1]  # `nlu_trigger: []`: on purpose
    ]
    learnt = {flow.id: _examples(flow) for flow in unreachable}
    learnt = {flow_id: texts for flow_id, texts in learnt.items() if texts}
    if not learnt:
        return domain, nlu, flows
    named = _intents_named_after(learnt, nlu, flows)  # "nlu-check_balance" has examples for flow check_balance
    intent_of = {flow_id: named.get(flow_id, DESCRIPTION_INTENT_PREFIX + flow_id) for flow_id in learnt}
    examples = [TrainingExample(text, intent_of[flow_id]) for flow_id, texts in learnt.items() for text in texts]
    intents = [intent_of[flow_id] for flow_id in learnt]
    if not nlu.examples:
        examples += [TrainingExample(text, BACKGROUND_INTENT) for text in _BACKGROUND]
        intents.append(BACKGROUND_INTENT)
    updated = dict(flows)
    for flow_id, texts in learnt.items():
        intent = intent_of[flow_id]
        updated[flow_id] = dataclasses.replace(flows[flow_id], nlu_trigger=(Trigger(intent),))
        report, _, mark = sources.flows[flow_id]
        domain_sources.marks.setdefault(("intent", intent), (report.path, *mark))
        if BACKGROUND_INTENT in intents:
            domain_sources.marks.setdefault(("intent", BACKGROUND_INTENT), (report.path, *mark))
        also = f", with the examples of intent '{intent}', named after it" if flow_id in named else ""
        report.warn(
            mark,
            f"flow '{flow_id}' has no nlu_trigger: it starts from its description and name{also}, learnt as intent "
            f"'{intent}' ({len(texts)} example{'s' if len(texts) != 1 else ''} from them); add nlu_trigger "
            "intents with examples for better recognition",
        )
    domain = dataclasses.replace(domain, intents=domain.intents + tuple(i for i in intents if i not in domain.intents))
    return domain, dataclasses.replace(nlu, examples=nlu.examples + tuple(examples)), updated


def _intents_named_after(flows_by_id: Mapping[str, object], nlu: NLUData, flows: Mapping[str, Flow]) -> dict[str, str]:
    """flow id -> an intent with examples that no flow triggers and whose name ends with the
    flow's id ("nlu-check_account_balance" for ``check_account_balance``): CALM projects keep
    such examples beside an LLM-only pipeline, where Rasa never reads them."""
    triggering = {trigger.intent for flow in flows.values() for trigger in flow.nlu_trigger}
    found: dict[str, str] = {}
    for intent in nlu.intents:
        if intent in triggering:
            continue
        for flow_id in flows_by_id:
            if _same_name(intent, flow_id):
                found.setdefault(flow_id, intent)
    return found


def _same_name(intent: str, flow_id: str) -> bool:
    """"nlu-check_balance" and "check_balance", or "flow-check_balance": the same name once
    a one-word prefix is set aside."""
    a, b = (re.sub(r"\W", "_", name.lower()) for name in (intent, flow_id))
    if a == b or a.endswith("_" + b) or b.endswith("_" + a):
        return True
    core_a, core_b = (name.split("_", 1)[1] if "_" in name else "" for name in (a, b))
    return bool(core_a) and "_" in core_a and core_a == core_b


def _examples(flow: Flow) -> list[str]:
    """The flow's description, sentence by sentence, and its name: what the user would ask for."""
    texts = [sentence.strip() for sentence in _SENTENCE_END.split(" ".join(flow.description.split())) if sentence.strip()]
    if flow.name and flow.name != flow.id:
        texts.append(flow.name)
    if texts:
        texts.append(flow.id.replace("_", " "))
    return list(dict.fromkeys(texts))

