"""Names the dialogue engine provides without the bot declaring them.

Flows may use these actions, and these responses have a default text when
domain.yml does not define them.
"""

from __future__ import annotations

__all__ = ["BUILTIN_ACTIONS", "BUILTIN_INTENTS", "DEFAULT_RESPONSES", "RESTART_INTENT", "SESSION_START_INTENT", "STOP_INTENT"]

# action name -> what it does
BUILTIN_ACTIONS: dict[str, str] = {
    "handoff": "hand the conversation to a human; the bot stays silent until /restart",
    "action_handoff": "same as handoff (Rasa-style name)",
    "restart": "forget the conversation's slots and flows",
    "action_restart": "same as restart (Rasa-style name)",
    "action_listen": "do nothing; wait for the user (Rasa compatibility)",
}

# response name -> default text when domain.yml has none
DEFAULT_RESPONSES: dict[str, str] = {
    "utter_default": "Sorry, I didn't get that. Could you rephrase?",
    "utter_internal_error": "Sorry, something went wrong on my side. Please try again.",
    "utter_give_up": "Sorry, I still couldn't get that, so let's start over. What can I help you with?",
    "utter_flow_cancelled": "Okay, I've stopped that.",
    "utter_handoff": "I'm handing you over to a human colleague.",
    "utter_restart": "Let's start over.",
}

RESTART_INTENT = "restart"  # the payload /restart
STOP_INTENT = "stop"  # the payload /stop
SESSION_START_INTENT = "session_start"  # the payload /session_start
# intents every bot understands as payloads, declared or not
BUILTIN_INTENTS = (RESTART_INTENT, STOP_INTENT, SESSION_START_INTENT)
