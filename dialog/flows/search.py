"""Knowledge search in the dialogue: when a turn is answered from the documents.

``answer_from_knowledge`` is the engine's single hook, called before the LLM fallback
and for a question asked while a ``collect`` waits. It searches once per turn and,
when the documents answer (or the question is close enough to them that "I don't
know" is the honest reply), runs ``pattern_search`` (a flow of flows.yml with that
id, else the built-in one: ``action: action_trigger_search``). During a collect the
search runs as a digression, so the open question is asked again afterwards.

``trigger_search`` is the built-in action: it says the answer, with its sources in
the bot event's ``metadata.knowledge``, or ``utter_no_relevant_answer_found``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from typing import Any

from dialog import events
from dialog.builtin_names import PATTERN_SEARCH
from dialog.flows.arithmetic import calculation
from dialog.flows.bot_identity import asks_who_the_bot_is
from dialog.flows.follow_ups import follow_up_text, with_the_task
from dialog.flows.live_information import live_information_response
from dialog.flows.patterns import is_pattern
from dialog.flows.turn import Turn
from dialog.llm.facts import business_names, speaks_of_business
from dialog.questions import asks_about_the_offering, looks_like_question

__all__ = [
    "about_the_business",
    "answer_for_turn",
    "answer_from_knowledge",
    "business_question",
    "grounded_reply",
    "no_answer_text",
    "run_search_pattern",
    "say_no_answer",
    "trigger_search",
]

logger = logging.getLogger(__name__)

# Below this relevance a missed question is not about the documents at all ("how are
# you?", "is it sunny?"): the LLM's small talk answers it, under ``grounded_reply``'s
# check. Above it, a miss is a business question the documents do not answer: "I don't know".
NEAR_MISS_RELEVANCE = 0.3
NEAR_MISS_SIMILARITY = 0.45  # ...or this cosine similarity, whatever the words ("who is the CIO of ACME?")
# A flow of the bot's own that runs action_trigger_search was chosen by the NLU for a
# topic the documents cover (payment methods...): its question needs less evidence.
EXPLICIT_SEARCH_MARGIN = 0.08
# "do you...", "your CEO", "our order": the user asks about the bot or its business.
_ADDRESSES_THE_BOT = re.compile(r"\b(you|your|yours|you're|youre|yourself|u|ur|we|our|ours|us)\b", re.IGNORECASE)


async def answer_from_knowledge(turn: Turn, text: str, during_collect: bool = False) -> bool:
    """Answer ``text`` from the documents through ``pattern_search``; False: the turn is not for them.

    ``during_collect``: a flow waits for an answer; only a question the documents
    answer interrupts it (anything else is a failed attempt, as before)."""
    knowledge = turn.runtime.knowledge
    if knowledge is None or not text.strip() or text.lstrip().startswith("/") or live_information_response(text) or asks_who_the_bot_is(text) or calculation(text):
        return False  # "what time is it?" is not for the opening hours (flows/live_information.py), "who are you?" not for the documents
    question = looks_like_question(text)
    if during_collect and not question:
        return False
    answer = await answer_for_turn(turn, text)
    near = answer.relevance >= NEAR_MISS_RELEVANCE or answer.similarity >= NEAR_MISS_SIMILARITY
    if answer.text is None and (during_collect or not question or not near):
        return False
    await run_search_pattern(turn)
    return True


async def run_search_pattern(turn: Turn) -> None:
    """Run ``pattern_search`` (above the active flow, which resumes after it)."""
    from dialog.flows.steps import (  # steps imports this module's action
        run_flows,
        start_flow,
    )

    top = turn.state.top
    if top is not None:
        turn.emit(events.flow_interrupted(top.flow_id, turn.now(), by=PATTERN_SEARCH))
    await run_flows(turn, start_flow(turn, PATTERN_SEARCH))


async def trigger_search(turn: Turn, flow_id: str) -> None:
    """``action_trigger_search``: answer the user's last message from the documents."""
    text = str(turn.state.latest_message.get("text") or "")
    answer = None
    if turn.runtime.knowledge is not None and text.strip():
        topic = None if flow_id == PATTERN_SEARCH else turn.runtime.flow(flow_id).description
        answer = await answer_for_turn(turn, text, topic=topic)
    if answer is None or answer.text is None:
        say_no_answer(turn, answer)
        return
    turn.say_text(answer.text, {"knowledge": answer.metadata()})


def about_the_business(turn: Turn, text: str, reply: str = "") -> bool:
    """Whether the user's ``text`` asks about the bot or its business, not about the world.

    "do you have a store in Paris?", "who is ACME's CEO?", a question close to the
    documents, or a ``reply`` that speaks of the business ("The CEO of ACME is ...") are
    business matters, which only the bot's data may answer; "what is the capital of
    France?" is a general one, which the LLM may answer from its own knowledge."""
    if _ADDRESSES_THE_BOT.search(text):
        return True
    domain = turn.runtime.config.domain
    if speaks_of_business(f"{text} {reply}", business_names(domain.assistant_name, domain.persona)):
        return True
    searched = turn.knowledge_answer
    if searched is None:
        return False
    answer = searched[1]
    return bool(answer.relevance >= NEAR_MISS_RELEVANCE or answer.similarity >= NEAR_MISS_SIMILARITY)


def business_question(turn: Turn, text: str) -> bool:
    """For a bot with documents, a question about what the business is, offers, allows or
    charges: one with a word of the business's own facts or names ("who is the manager?",
    "is ACME hiring?") or one about its offering ("do you sell gift cards?", "can I bring
    a friend?")."""
    if turn.runtime.knowledge is None or not looks_like_question(text):
        return False  # a bot without documents keeps its utter_default, as its author wrote it
    domain = turn.runtime.config.domain
    return asks_about_the_offering(text) or speaks_of_business(text, business_names(domain.assistant_name, domain.persona))


def grounded_reply(turn: Turn, text: str) -> bool:
    """Whether an LLM fallback reply of a bot with documents states no fact of its own.

    Small talk passes ("I'm fine, thanks! I can help with orders."); a reply with a
    number, address or name that neither the prompt (persona, skills) nor the
    documents contain is the model answering from memory ("The warranty on a laptop is
    1 year."), and the bot says it does not know instead. A general question ("what is
    the capital of France?") may be answered from the model's knowledge: only a question
    about the business (``about_the_business``) is held to the bot's data."""
    knowledge = turn.runtime.knowledge
    if knowledge is None:
        return True
    if not about_the_business(turn, str(turn.state.latest_message.get("text") or ""), text):
        return True
    from dialog.llm.prompt import PromptBuilder

    prompt = PromptBuilder.from_config(turn.runtime.config)
    allowed = " ".join([prompt.system_prompt, *(m.content for m in prompt.examples if m.role == "assistant")])
    missing = knowledge.unbacked_facts(text, allowed)
    if missing:
        logger.info("LLM reply states %s, which nothing the bot knows says; answering that it does not know", ", ".join(missing))
    return not missing


def say_no_answer(turn: Turn, answer: Any) -> None:
    """``utter_no_relevant_answer_found``; the built-in text goes on to list what the bot can do."""
    if answer is None and turn.knowledge_answer is not None:
        answer = turn.knowledge_answer[1]  # this turn's search, for the relevance shown by --debug
    meta: dict[str, Any] = {"knowledge": {"sources": [], "mode": "none", "relevance": round(answer.relevance, 3) if answer else 0.0}}
    if turn.runtime.config.domain.responses.get("utter_no_relevant_answer_found"):
        turn.say("utter_no_relevant_answer_found")
        turn.events[-1].setdefault("metadata", {}).update(meta)
        return
    turn.say_text(_no_answer_text(turn), meta | {"utter_action": "utter_no_relevant_answer_found"})


def _no_answer_text(turn: Turn) -> str:
    return no_answer_text(turn.runtime.config)


def no_answer_text(config: Any) -> str:
    """"Sorry, I don't have information about that. I can A, B or C, or put you in touch with a colleague." """
    from dialog.llm.prompt import PromptBuilder

    skills = [s for s in PromptBuilder.from_config(config).skills if not re.search(r"\b(human|agent|person)\b", s)][:3]
    if not skills:
        return "Sorry, I don't have information about that. I can put you in touch with a colleague."
    listed = skills[0] if len(skills) == 1 else ", ".join(skills[:-1]) + " or " + skills[-1]
    return f"Sorry, I don't have information about that. I can {listed}, or put you in touch with a colleague."


async def answer_for_turn(turn: Turn, text: str, topic: str | None = None) -> Any:
    """This turn's answer for ``text``; searched once, however many steps ask.

    ``topic``: the description of a flow of the bot's own that searches on purpose;
    its question needs ``EXPLICIT_SEARCH_MARGIN`` less relevance, but only for an
    answer from a section about that topic ("List the payment methods the shop
    accepts" finds it among its own best sections). Any other section must pass the
    threshold as usual: the NLU chose the flow, not the section."""
    cached = turn.knowledge_answer
    if cached is not None and cached[0] == (text, topic):
        return cached[1]
    knowledge = turn.runtime.knowledge
    threshold = knowledge.settings.threshold - EXPLICIT_SEARCH_MARGIN if topic is not None else None
    answer = await knowledge.answer(text, threshold=threshold)
    follow_up = follow_up_text(turn.stored, text) if answer.text is None else None
    if follow_up is not None:  # "and the cheapest one?" right after an answer: with that question
        answer = await knowledge.answer(follow_up, threshold=threshold, focus=text)
    top = turn.state.top
    task = turn.runtime.flow(top.flow_id) if top is not None and not is_pattern(top.flow_id) else None
    about_task = with_the_task(turn.state, task, text) if answer.text is None else None
    if about_task is not None:  # "how much does that cost?" while booking a full service: with its values
        answer = await knowledge.answer(about_task, threshold=threshold, focus=text)
    if topic is not None and answer.text is not None and answer.relevance < knowledge.settings.threshold:
        about = await asyncio.to_thread(knowledge.sections_about, topic) if topic.strip() else frozenset()
        if not any(" > ".join(filter(None, (source["file"], source["heading"]))) in about for source in answer.sources[:1]):
            answer = replace(answer, text=None, sources=[], mode="none", note="a section off the flow's topic")
    turn.knowledge_answer = ((text, topic), answer)
    return answer
