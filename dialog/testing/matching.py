"""Does a turn hold what the story says? The comparison rules of ``dialog test``.

Pure functions of a ``Turn`` (the events one user message caused, and the slots and
active flow after it), so the rules are testable without a bot.

The rules, per user turn (the steps between one ``user`` step and the next):

* ``utter: NAME`` / ``bot: TEXT`` match the turn's bot messages **in order**: each one
  must be the next bot message not yet matched (by response name / exact text). If a
  turn asserts at least one bot message, it must assert all of them: a bot message
  left over when the next ``user`` step (or the end) comes is a failure
  ("unexpected bot message"). A turn that asserts no bot message at all may say
  anything (useful for LLM turns, whose text is not compared).
* ``action: NAME`` (Rasa stories) must appear in the turn's actions and responses
  in order, but others may come between: a flow may run more per turn than a Rasa
  policy did, and Rasa stories run unchanged. A Rasa form's name counts as run in a
  turn where its flow (``form_NAME``) does something, before that flow's actions:
  Rasa's story writes ``action: my_form`` where the form asks or finishes. Rasa's
  ``action_restart``, ``action_default_fallback`` and ``action_deactivate_loop`` (a
  form's flow cancelled) hold where the turn did that.
* ``slot_was_set: NAME`` holds if the slot has a value after the turn or this turn
  set it to a value; ``slot_was_set: {NAME: VALUE}`` if it equals VALUE after the turn
  or this turn set it to VALUE (so a slot that a finished flow reset still counts).
  Rasa's ``requested_slot`` is the slot the active flow is asking for.
  ``slot_was_not_set`` is the exact opposite of each. Values compare with ``==`` or,
  failing that, as strings (``order_id: 234567`` matches the text ``"234567"``).
* ``intent: NAME`` is the parse of the turn's user message (``faq`` holds for a
  retrieval sub-intent ``faq/ask_name``, and ``action: utter_faq`` for its response
  ``utter_faq/ask_name``, as Rasa's ResponseSelector reports them, and so does
  ``action: respond_faq``); ``action: utter_default`` holds where the turn went to the
  fallback, as ``action: action_default_fallback`` does (Rasa's fallback utters it); ``entity`` (from Rasa
  annotations) must be among its entities with the same type, and either the same
  value or the annotated text as its span (so ``[earbuds](product)`` holds when a
  synonym turned the value into "wireless headphones").
* ``bot_uttered`` (Rasa Pro ``assertions:``) holds if ANY bot message of the turn has
  the response name and a text the regular expression finds; it consumes nothing.
* ``bot_knowledge`` matches the next bot message like ``bot`` does: an answer from the
  documents whose source ("file > heading > ...") contains ``source`` and whose text
  contains ``contains``; ``bot_knowledge: none`` is the "I don't know" answer.
* ``flow_started`` / ``flow_completed`` / ``flow_cancelled: ID``: such an event
  for that flow happened in the turn. ``llm_fallback: true``: the turn went to the
  LLM (``false``: it did not); the generated text is never compared.
"""

from __future__ import annotations

import json
import re
from typing import Any

from dialog.config.rasa.forms import FORM_FLOW_PREFIX
from dialog.config.rasa.intents import RETRIEVAL_ACTION_PREFIX, retrieval_base
from dialog.testing.results import BotMessage, Failure, Turn
from dialog.testing.stories import ANY_VALUE, Step

__all__ = ["TurnChecker", "same_value"]


def _utter_of(action: Any) -> str:
    """``utter_faq`` for Rasa's built-in ``respond_faq``, which utters ``utter_faq/<sub>``."""
    name = str(action)
    return "utter_" + name.removeprefix(RETRIEVAL_ACTION_PREFIX) if name.startswith(RETRIEVAL_ACTION_PREFIX) else ""


def same_value(actual: Any, expected: Any) -> bool:
    """Equal, or equal as text (YAML ``234567`` vs the text slot ``"234567"``)."""
    if actual == expected:
        return True
    return actual is not None and expected is not None and str(actual) == str(expected)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _list_messages(messages: list[BotMessage]) -> str:
    if not messages:
        return "none"
    return "; ".join(message.describe() for message in messages)


class TurnChecker:
    """Checks the assertion steps of one case, turn by turn (see the module rules)."""

    def __init__(self) -> None:
        self.turn: Turn | None = None
        self._bot_cursor = 0
        self._action_cursor = 0
        self._last_bot_step: Step | None = None

    def begin_turn(self, turn: Turn) -> None:
        self.turn = turn
        self._bot_cursor = 0
        self._action_cursor = 0
        self._last_bot_step = None

    def end_turn(self) -> Failure | None:
        """A failure if the turn asserted bot messages but not all of them."""
        step, turn = self._last_bot_step, self.turn
        if step is None or turn is None:
            return None
        left = turn.bot_messages[self._bot_cursor :]
        if not left:
            return None
        return Failure(
            step=f"(after) {step.describe()}",
            line=step.line,
            expected="no further bot message in this turn",
            actual=f"unexpected bot message {left[0].describe()}",
            turn=turn,
            note="a turn that asserts bot messages must assert all of them, in order",
        )

    def check(self, step: Step) -> Failure | None:
        assert self.turn is not None, "the loader guarantees a user step comes first"
        method = getattr(self, f"_check_{step.kind}")
        problem = method(step, self.turn)
        if problem is None:
            return None
        expected, actual, note = problem
        return Failure(step=step.describe(), line=step.line, expected=expected, actual=actual, turn=self.turn, note=note)

    # Each _check_* returns None when the step holds, else (expected, actual, note).

    def _next_bot(self, step: Step, turn: Turn) -> BotMessage | None:
        self._last_bot_step = step
        messages = turn.bot_messages
        if self._bot_cursor >= len(messages):
            return None
        message = messages[self._bot_cursor]
        self._bot_cursor += 1
        return message

    def _no_more_bot(self, turn: Turn) -> str:
        matched = turn.bot_messages[: self._bot_cursor]
        return f"no more bot messages in this turn (already matched: {_list_messages(matched)})"

    def _check_utter(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        message = self._next_bot(step, turn)
        if message is None:
            return (f"response {step.value}", self._no_more_bot(turn), "")
        if message.response == step.value:
            return None
        return (f"response {step.value}", f"response {message.describe()}", "")

    def _check_bot(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        message = self._next_bot(step, turn)
        if message is None:
            return (f"text {_show(step.value)}", self._no_more_bot(turn), "")
        if message.text.strip() == str(step.value).strip():
            return None
        return (f"text {_show(step.value)}", f"text {_show(message.text)} (response {message.response})", "")

    def _check_action(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        names = _action_names(turn)
        for index in range(self._action_cursor, len(names)):
            if names[index] == step.value or retrieval_base(names[index]) in {step.value, _utter_of(step.value)} - {""} or (
                step.value == _DEFAULT_RESPONSE and names[index] == _RASA_ACTION_OF["llm_fallback"]
            ):
                self._action_cursor = index + 1
                return None
        ran = ", ".join(names[self._action_cursor :]) or "nothing more"
        return (f"action {step.value}", f"the turn then ran: {ran}", _form_still_asking(turn))

    def _check_slot_was_set(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        name, expected = step.value
        if _slot_matches(turn, name, expected):
            return None
        want = f"{name} set" if expected == ANY_VALUE else f"{name} = {_show(expected)}"
        return (want, _slot_story(turn, name), "")

    def _check_slot_was_not_set(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        name, expected = step.value
        if not _slot_matches(turn, name, expected):
            return None
        want = f"{name} not set" if expected == ANY_VALUE else f"{name} != {_show(expected)}"
        return (want, _slot_story(turn, name), "")

    def _check_bot_uttered(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        name, pattern = step.value
        for message in turn.bot_messages:
            if (name is None or message.response == name) and (pattern is None or re.search(pattern, message.text)):
                return None
        want = " and ".join(([f"response {name}"] if name else []) + ([f"text matching {_show(pattern)}"] if pattern else []))
        return (f"a bot message with {want}", f"bot said: {_list_messages(turn.bot_messages)}", "")

    def _check_bot_knowledge(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        source, contains = step.value
        want = "an answer from the documents" + (f" from {source}" if source else "") + (f" containing {_show(contains)}" if contains else "")
        if source is None and contains is None:
            want = "the 'no relevant answer' reply"
        message = self._next_bot(step, turn)
        if message is None:
            return (want, self._no_more_bot(turn), "")
        knowledge = message.knowledge
        if knowledge is None:
            return (want, f"a bot message not from the documents: {message.describe()}", "")
        sources = [" > ".join(filter(None, (s.get("file"), s.get("heading")))) for s in knowledge.get("sources") or []]
        if source is None and contains is None:
            return None if not sources else (want, f"an answer from {'; '.join(sources)}: {_show(message.text)}", "")
        if source is not None and not any(source in found for found in sources):
            return (want, f"an answer from {'; '.join(sources) or 'no document'}: {_show(message.text)}", "")
        if contains is not None and contains.lower() not in message.text.lower():
            return (want, f"text {_show(message.text)}", "")
        return None

    def _check_intent(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        if turn.intent == step.value or retrieval_base(turn.intent or "") == step.value:
            return None
        return (f"intent {step.value}", f"intent {turn.intent} ({turn.confidence:.2f})", "")

    def _check_entity(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        name, expected = step.value
        span = step.metadata.get("span")
        for entity in turn.entities:
            if entity.get("entity") != name:
                continue
            if expected == ANY_VALUE and span is None or same_value(entity.get("value"), expected):
                return None
            if span is not None and turn.text[entity.get("start", 0) : entity.get("end", 0)] == span:
                return None
        found = ", ".join(f"{e.get('entity')}={_show(e.get('value'))}" for e in turn.entities) or "none"
        want = f"entity {name}" if expected == ANY_VALUE else f"entity {name}={_show(expected)}"
        if span is not None:
            want += f" on {_show(span)}"
        return (want, f"entities: {found}", "")

    def _flow_event(self, event: str, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        happened = turn.named(event)
        if step.value in happened:
            return None
        return (f"{event} {step.value}", f"{event}: {', '.join(happened) or 'none'} in this turn", "")

    def _check_flow_started(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        return self._flow_event("flow_started", step, turn)

    def _check_flow_completed(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        return self._flow_event("flow_completed", step, turn)

    def _check_flow_cancelled(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        return self._flow_event("flow_cancelled", step, turn)

    def _check_llm_fallback(self, step: Step, turn: Turn) -> tuple[str, str, str] | None:
        went = turn.has("llm_fallback")
        if went == bool(step.value):
            return None
        expected = "the turn goes to the LLM fallback" if step.value else "the turn does not go to the LLM"
        actual = "it went to the LLM" if went else f"it did not (intent {turn.intent} {turn.confidence:.2f})"
        return (expected, actual, "")


def _form_still_asking(turn: Turn) -> str:
    """Why a Rasa test story that closes a form with no answers (``active_loop: null`` right
    after the form starts) fails here: Rasa's ``rasa test`` takes the story's events as
    given and checks only the next prediction; here the form really runs and asks."""
    flow = turn.active_flow or ""
    if not flow.startswith(FORM_FLOW_PREFIX) or not turn.requested_slot:
        return ""
    return (
        f"form '{flow.removeprefix(FORM_FLOW_PREFIX)}' is still asking for '{turn.requested_slot}': a Rasa test story's "
        "'active_loop: null' is taken as given by `rasa test`, but here the form runs, so the story needs the user turns that answer it"
    )


def _action_names(turn: Turn) -> list[str]:
    """Actions and responses of a turn in order; a response right after its own action counts once."""
    names: list[str] = []
    previous_action = ""
    for event in turn.events:
        kind = event.get("event")
        form = _form_of(event)
        if form and form not in names:
            names.append(form)
        if _RASA_ACTION_OF.get(str(kind)) and (kind != "flow_cancelled" or form):
            names.append(_RASA_ACTION_OF[str(kind)])
        if kind == "action":
            previous_action = str(event.get("name") or "")
            names.append(previous_action)
        elif kind == "bot":
            name = str((event.get("metadata") or {}).get("utter_action") or "")
            if name and name != previous_action:
                names.append(name)
            previous_action = ""
    return names


_DEFAULT_RESPONSE = "utter_default"  # what Rasa's fallback says; a fallback turn here holds for it too

# Events that Rasa writes as one of its default actions in a test story.
_RASA_ACTION_OF = {
    "restart": "action_restart",
    "llm_fallback": "action_default_fallback",  # Rasa's fallback; here the LLM's or utter_default
    "flow_cancelled": "action_deactivate_loop",  # of a Rasa form's flow only
}


def _form_of(event: dict[str, Any]) -> str:
    """The Rasa form whose flow this event belongs to ("" for any other flow or event, and
    for its interruption: the form acts again when it resumes, after the digression)."""
    if event.get("event") == "flow_interrupted":
        return ""
    flow_id = str(event.get("flow_id") or "")
    return flow_id[len(FORM_FLOW_PREFIX) :] if flow_id.startswith(FORM_FLOW_PREFIX) else ""


def _slot_set_values(turn: Turn, name: str) -> list[Any]:
    return [event.get("value") for event in turn.events if event.get("event") == "slot" and event.get("name") == name]


def _current(turn: Turn, name: str) -> Any:
    """The slot's value after the turn; Rasa's ``requested_slot`` is the slot a flow asks for."""
    if name == "requested_slot" and name not in turn.slots:
        return turn.requested_slot
    return turn.slots.get(name)


def _slot_matches(turn: Turn, name: str, expected: Any) -> bool:
    values = [_current(turn, name)] + _slot_set_values(turn, name)
    if expected == ANY_VALUE:
        return any(value is not None for value in values)
    return any(same_value(value, expected) for value in values)


def _slot_story(turn: Turn, name: str) -> str:
    set_now = _slot_set_values(turn, name)
    during = f"; this turn set it to {', '.join(_show(v) for v in set_now)}" if set_now else "; this turn did not set it"
    return f"{name} = {_show(_current(turn, name))} after the turn{during}"
