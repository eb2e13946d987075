"""The built-in actions of the repair patterns (``dialog/flows/patterns.py``).

Each one reads what the engine found in ``Turn.repair`` (the corrected slots,
the flows to choose between) and the conversation so far (``Turn.stored``), so
a pattern flow needs no arguments. They run inside the pattern, whose frame is
on top of the interrupted user flow (``Turn.state.stack[-2]``).
"""

from __future__ import annotations

import logging
from typing import Any, Mapping

from dialog import events
from dialog.config.flow_model import CollectStep, Flow
from dialog.config.flow_titles import flow_title
from dialog.dates import said_values
from dialog.flows.arithmetic import CALCULATION_RESPONSE, calculation
from dialog.flows.bot_identity import NAME_RESPONSE, asks_who_the_bot_is, name_context
from dialog.flows.collect_classifier import asks_about_the_task
from dialog.flows.live_information import live_information_response
from dialog.flows.said_before import SAID_BEFORE_RESPONSE, sentence_said_before
from dialog.flows.search import about_the_business, business_question, grounded_reply, say_no_answer
from dialog.flows.state import INTERRUPTED, Frame
from dialog.flows.turn import Turn
from dialog.flows.why_asked import WHY_RESPONSE, asks_why_it_is_asked, why_context
from dialog.intent_payload import payload_text
from dialog.questions import looks_like_question
from dialog.types import Button

__all__ = ["PATTERN_ACTIONS", "answer_with_fallback", "interrupted_frame", "run_pattern_action"]

logger = logging.getLogger(__name__)

PATTERN_ACTIONS = frozenset(
    {
        "action_cancel_flow",
        "action_correct_flow_slot",
        "action_trigger_chitchat",
        "utter_free_chitchat_response",  # Rasa Pro's pattern_chitchat: its text is for Rasa's rephraser
        "action_clarify_flows",
        "action_skip_question",
        "action_repeat_bot_messages",
    }
)


def interrupted_frame(turn: Turn) -> Frame | None:
    """The user flow the running pattern interrupted (the frame below it), if any."""
    stack = turn.state.stack
    if len(stack) >= 2 and stack[-2].status == INTERRUPTED:
        return stack[-2]
    return None


async def run_pattern_action(turn: Turn, flow: Flow, name: str) -> None:
    """Run one pattern action; its ``action`` event is already emitted."""
    if name == "action_correct_flow_slot":
        _correct(turn)
    elif name in ("action_trigger_chitchat", "utter_free_chitchat_response"):
        await answer_with_fallback(turn)
    elif name == "action_clarify_flows":
        _clarify(turn)
    elif name == "action_skip_question":
        _skip(turn)
    elif name == "action_repeat_bot_messages":
        _repeat(turn)
    # action_cancel_flow: the engine already cancelled the flow before the pattern started


async def answer_with_fallback(turn: Turn) -> None:
    """The LLM fallback's reply to the latest message; ``utter_default`` when there is none or it fails.

    A question about the business that nothing of the bot answered ("do you have a
    swimming pool?", "who is the manager?") gets "I don't have information about that":
    whatever a small model says there ("you can find one at the beach") is a guess
    presented as the business's word. So does a question about the world right now
    (the weather, the news; the time is told from the clock): ``live_information``. A sum
    is worked out (``arithmetic``), and a question about what the bot just said is answered
    with that sentence (``said_before``). The
    bot's name is told from domain.yml (``bot_identity``), and why a question is asked
    from the flow that asks it (``why_asked``)."""
    text = str(turn.state.latest_message.get("text") or "")
    live = live_information_response(text)  # "what's the weather like?": no model can know
    if live is not None:
        turn.say(live)
        return
    worked_out = calculation(text)  # "what is 2+2?": a small model says 5
    if worked_out is not None:
        turn.say(CALCULATION_RESPONSE, context=worked_out)
        return
    said = sentence_said_before(turn.newest_first(), text)  # "when is it due?" right after the bill was told
    if said is not None:
        turn.say(SAID_BEFORE_RESPONSE, context={"sentence": said})
        return
    if asks_who_the_bot_is(text):  # "what's your name?": the bot knows, a small model invents one
        turn.say(NAME_RESPONSE, context=name_context(turn.runtime.config.domain))
        return
    frame = interrupted_frame(turn)
    if frame is not None and asks_why_it_is_asked(text):  # "why do you need my email?": for the flow that asks
        flow = turn.runtime.flow(frame.flow_id)
        step = flow.step(frame.step_id) if frame.step_id else None
        turn.say(WHY_RESPONSE, context=why_context(flow, step if isinstance(step, CollectStep) else None))
        return
    if business_question(turn, text) or (frame is not None and asks_about_the_task(turn.state.latest_message)):
        say_no_answer(turn, None)  # "how much does that cost?" while booking: the model would guess
        return
    fallback = turn.fallback
    if fallback is None:
        turn.emit(events.llm_fallback(turn.now(), outcome="unavailable"))
        if turn.runtime.knowledge is not None and looks_like_question(text):
            say_no_answer(turn, None)  # a clear question the documents do not answer: no "could you rephrase?"
        else:
            turn.say("utter_default")
        return
    # a business question's reply may be replaced by "I don't know" (grounded_reply): it is
    # shown only once it passed, so no invented word reaches a streaming client first
    held_back = turn.runtime.knowledge is not None and about_the_business(turn, text)
    answer = await fallback([*turn.stored, *turn.events], text, stream=not held_back)
    turn.emit(dict(answer.event))
    if answer.event.get("outcome") == "ungrounded":
        say_no_answer(turn, None)  # the model answered with facts the bot does not have
    elif answer.text and not grounded_reply(turn, answer.text):
        say_no_answer(turn, None)  # a fact from the model's memory: "I don't know" instead
    elif answer.text:
        turn.say_text(answer.text, {"llm": True})
    else:
        turn.say("utter_default")


def _correct(turn: Turn) -> None:
    """Set the corrected slots, say so, and move the interrupted flow back to the
    earliest corrected question: when the pattern ends it goes on from there (the
    new value is validated, and the steps after it, a confirmation too, run again)."""
    corrections: dict[str, Any] = turn.repair.get("corrections") or {}
    if not corrections:
        return
    for name, value in corrections.items():
        turn.set_slot(name, value)
    shown = said_values(corrections, turn.runtime.config.domain.slots)
    turn.say("utter_corrected_previous_input", context={"new_values": shown, "corrected_slots": list(corrections)})
    frame = interrupted_frame(turn)
    step_id = turn.repair.get("step_id")
    if frame is not None and step_id:
        collect = turn.repair.get("slot")
        turn.emit(events.action("action_correct_flow_slot", turn.now(), frame.flow_id, step_id, collect, 0))


def _clarify(turn: Turn) -> None:
    """"Did you mean ...?" (or "What would you like me to do with 234567?") with one button
    per candidate flow; a button starts that flow with the message's entities."""
    choices: list[tuple[str, str]] = turn.repair.get("choices") or []
    entities = turn.repair.get("entities") or {}
    buttons = tuple(Button(flow_title(turn.runtime.flow(flow_id)), payload_text(intent, entities)) for intent, flow_id in choices)
    if turn.repair.get("value") is not None:
        turn.say("utter_ask_what_to_do_with", context={"value": turn.repair["value"]}, buttons=buttons)
    else:
        turn.say("utter_clarification_options", buttons=buttons)


def _skip(turn: Turn) -> None:
    """``utter_skip_<slot>`` (the bot's own help, e.g. where to find an order number) or
    ``utter_skip_question``; the question is asked again when the pattern ends."""
    frame = interrupted_frame(turn)
    slot = frame.requested_slot if frame is not None else None
    specific = f"utter_skip_{slot}" if slot else ""
    turn.say(specific if specific and turn.runtime.renderer.has(specific) else "utter_skip_question")


def _repeat(turn: Turn) -> None:
    """The bot messages of the previous turn again, except its last question when the
    interrupted flow is about to ask it anyway."""
    previous: list[Mapping[str, Any]] = []
    for event in reversed(turn.stored):
        if event.get("event") == "user":
            if previous:
                break
            continue
        if event.get("event") == "bot":
            previous.insert(0, event)
    question = _open_question(turn)
    if previous and question and (previous[-1].get("metadata") or {}).get("utter_action") == question:
        previous = previous[:-1]
        if not previous:
            return  # the question alone: the resumed flow asks it
    if not previous:
        turn.say("utter_no_previous_message")
        return
    for event in previous:
        turn.emit({**event, "timestamp": turn.now()})


def _open_question(turn: Turn) -> str | None:
    """The response the interrupted flow asks its open question with."""
    frame = interrupted_frame(turn)
    if frame is None or frame.step_id is None:
        return None
    step = turn.runtime.flow(frame.flow_id).step(frame.step_id)
    if not isinstance(step, CollectStep):
        return None
    return step.utter or f"utter_ask_{step.collect}"
