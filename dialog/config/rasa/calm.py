"""Rasa Pro CALM projects: a flow that nothing triggers starts from its description.

In CALM an LLM command generator reads every flow's description and starts the flow a
message asks for. Here no LLM chooses. A flow that nothing could start (no
``nlu_trigger`` key, no pattern, not the target of a ``call`` or ``link`` step; an
explicit ``nlu_trigger: []`` keeps a flow unstarted on purpose) becomes
reachable the way every other flow is: it gets an intent of its own, ``flow_<id>``,
learnt from its description (each sentence) and its name, and an ``nlu_trigger`` for
it. "I want to send money to my sister" then reads as ``flow_transfer_money`` of "Help
users send money to friends and family", through the sentence vectors.

A project with no NLU examples of its own (a CALM project has no nlu.yml) also gets
``chitchat``, a background intent of small talk and general questions: with nothing to
tell them from, every message would read as one of the flows. No flow answers
``chitchat``, so those messages go to the documents and the LLM fallback, as in CALM.
"""

from __future__ import annotations

import dataclasses
import re

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
    examples = [TrainingExample(text, DESCRIPTION_INTENT_PREFIX + flow_id) for flow_id, texts in learnt.items() for text in texts]
    intents = [DESCRIPTION_INTENT_PREFIX + flow_id for flow_id in learnt]
    if not nlu.examples:
        examples += [TrainingExample(text, BACKGROUND_INTENT) for text in _BACKGROUND]
        intents.append(BACKGROUND_INTENT)
    updated = dict(flows)
    for flow_id, texts in learnt.items():
        updated[flow_id] = dataclasses.replace(flows[flow_id], nlu_trigger=(Trigger(DESCRIPTION_INTENT_PREFIX + flow_id),))
        report, _, mark = sources.flows[flow_id]
        domain_sources.marks[("intent", DESCRIPTION_INTENT_PREFIX + flow_id)] = (report.path, *mark)
        if BACKGROUND_INTENT in intents:
            domain_sources.marks.setdefault(("intent", BACKGROUND_INTENT), (report.path, *mark))
        report.warn(
            mark,
            f"flow '{flow_id}' has no nlu_trigger: it starts from its description and name, learnt as intent "
            f"'{DESCRIPTION_INTENT_PREFIX}{flow_id}' ({len(texts)} example{'s' if len(texts) != 1 else ''}); add nlu_trigger "
            "intents with examples for better recognition",
        )
    domain = dataclasses.replace(domain, intents=domain.intents + tuple(i for i in intents if i not in domain.intents))
    return domain, dataclasses.replace(nlu, examples=nlu.examples + tuple(examples)), updated


def _examples(flow: Flow) -> list[str]:
    """The flow's description, sentence by sentence, and its name: what the user would ask for."""
    texts = [sentence.strip() for sentence in _SENTENCE_END.split(" ".join(flow.description.split())) if sentence.strip()]
    if flow.name and flow.name != flow.id:
        texts.append(flow.name)
    if texts:
        texts.append(flow.id.replace("_", " "))
    return list(dict.fromkeys(texts))

