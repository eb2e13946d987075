"""Conversation repair patterns: built-in flows with Rasa Pro's names.

The engine starts a pattern when a turn leaves the script (a correction, a
cancel, chit-chat, "can you repeat that?", "I don't know"...). A pattern runs
like a digression: it interrupts the active flow, says its piece, and when it
completes the interrupted flow resumes and asks its question again, so a repair
never counts as a failed attempt and never fills the open slot.

A flow in flows.yml with a pattern's id replaces the built-in one (``FlowRuntime.flow``
looks in flows.yml first), e.g. to say something else before a cancel. The
special work is done by built-in actions (``dialog/flows/pattern_actions.py``),
which an overriding flow may keep, drop or surround with its own steps.
"""

from __future__ import annotations

from dialog.config.flow_model import ActionStep, Flow

__all__ = [
    "CANCEL_FLOW",
    "CANNOT_HANDLE",
    "CHITCHAT",
    "CLARIFICATION",
    "COMPLETED",
    "CONTINUE_INTERRUPTED",
    "CORRECTION",
    "HUMAN_HANDOFF",
    "INTERNAL_ERROR",
    "PATTERN_FLOWS",
    "REPEAT_BOT_MESSAGES",
    "SKIP_QUESTION",
    "is_pattern",
]

CORRECTION = "pattern_correction"
CANCEL_FLOW = "pattern_cancel_flow"
CHITCHAT = "pattern_chitchat"
CLARIFICATION = "pattern_clarification"
CANNOT_HANDLE = "pattern_cannot_handle"
SKIP_QUESTION = "pattern_skip_question"
REPEAT_BOT_MESSAGES = "pattern_repeat_bot_messages"
HUMAN_HANDOFF = "pattern_human_handoff"
INTERNAL_ERROR = "pattern_internal_error"
COMPLETED = "pattern_completed"
CONTINUE_INTERRUPTED = "pattern_continue_interrupted"


def _pattern(flow_id: str, description: str, *actions: str) -> Flow:
    steps = tuple(ActionStep(id=f"{flow_id}_{index}", action=action) for index, action in enumerate(actions))
    return Flow(id=flow_id, steps=steps, description=description, name=flow_id, path="(built-in)")


PATTERN_FLOWS: dict[str, Flow] = {
    flow.id: flow
    for flow in (
        _pattern(CORRECTION, "The user changed an answer they gave earlier", "action_correct_flow_slot"),
        _pattern(CANCEL_FLOW, "The user stopped the current flow", "action_cancel_flow", "utter_flow_cancelled"),
        _pattern(CHITCHAT, "Small talk or a question no flow handles, while a flow waits", "action_trigger_chitchat"),
        _pattern(CLARIFICATION, "Two flows fit the message about equally well, or a value came with no request: ask which", "action_clarify_flows"),
        _pattern(CANNOT_HANDLE, "A message the bot cannot read at all", "utter_ask_rephrase"),
        _pattern(SKIP_QUESTION, "The user cannot or will not answer the open question", "action_skip_question"),
        _pattern(REPEAT_BOT_MESSAGES, "The user asked the bot to say it again", "action_repeat_bot_messages"),
        _pattern(HUMAN_HANDOFF, "The user asked for a person and no flow of the bot handles that", "action_handoff"),
        _pattern(INTERNAL_ERROR, "A step failed; the conversation goes on", "utter_internal_error"),
        _pattern(COMPLETED, "A task is done and nothing else is going on", "utter_can_do_something_else"),
        _pattern(CONTINUE_INTERRUPTED, "A digression ended; back to the interrupted flow", "utter_flow_continue_interrupted"),
    )
}


def is_pattern(flow_id: str) -> bool:
    return flow_id.startswith("pattern_")
