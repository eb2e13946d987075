"""Names the dialogue engine provides without the bot declaring them.

Flows may use these actions, and these responses have a default text when
domain.yml does not define them.
"""

from __future__ import annotations

__all__ = [
    "AFFIRM_INTENT",
    "BUILTIN_ACTIONS",
    "BUILTIN_INTENTS",
    "CORRECT_INTENT",
    "DEFAULT_RESPONSES",
    "DENY_INTENT",
    "GOODBYE_INTENT",
    "HANDOFF_INTENT",
    "HESITATION_INTENT",
    "OUT_OF_SCOPE_INTENT",
    "PATTERN_SEARCH",
    "REPEAT_INTENT",
    "RESTART_INTENT",
    "SEARCH_ACTION",
    "SESSION_START_INTENT",
    "SKIP_INTENT",
    "STOP_INTENT",
]

# action name -> what it does
BUILTIN_ACTIONS: dict[str, str] = {
    "handoff": "hand the conversation to a human; the bot stays silent until /restart",
    "action_handoff": "same as handoff (Rasa-style name)",
    "restart": "forget the conversation's slots and flows",
    "action_restart": "same as restart (Rasa-style name)",
    "action_listen": "do nothing; wait for the user (Rasa compatibility)",
    "action_deactivate_loop": "cancel every active flow, saying nothing (Rasa's form deactivation)",
    # the conversation repair patterns' actions (dialog/flows/pattern_actions.py)
    "action_cancel_flow": "nothing more: the engine cancelled the flow before pattern_cancel_flow started",
    "action_correct_flow_slot": "say what a correction changed and re-run the steps after the corrected slot",
    "action_trigger_chitchat": "answer the message with the LLM fallback (or a knowledge hook)",
    "utter_free_chitchat_response": "Rasa Pro's free chit-chat reply: the LLM fallback answers (its text in domain.yml, a placeholder for Rasa's rephraser, is not said)",
    "action_clarify_flows": "ask which of the close flows the user meant, one button each",
    "action_skip_question": "say utter_skip_<slot> (or utter_skip_question) for the question the user cannot answer",
    "action_repeat_bot_messages": "say the bot's previous messages again",
    "action_trigger_search": "answer the user's last message from the bot's documents (knowledge/), as in Rasa Pro",
}

# response name -> default text when domain.yml has none
DEFAULT_RESPONSES: dict[str, str] = {
    "utter_default": "Sorry, I didn't get that. Could you rephrase?",
    "utter_internal_error": "Sorry, something went wrong on my side. Please try again.",
    "utter_give_up": "Sorry, I still couldn't get that, so let's start over. What can I help you with?",
    "utter_flow_cancelled": "Okay, I've stopped that.",
    "utter_handoff": "I'm handing you over to a human colleague.",
    "utter_restart": "Let's start over.",
    # conversation repair (dialog/flows/patterns.py)
    "utter_corrected_previous_input": "Okay, I've changed that to {{ context.new_values }}.",
    "utter_can_do_something_else": "Is there anything else I can help you with?",
    "utter_clarification_options": "Sorry, I'm not sure what you meant. Did you mean one of these?",
    "utter_ask_what_to_do_with": "What would you like me to do with {{ context.value }}?",
    "utter_ask_rephrase": "Sorry, I didn't understand that. Could you say it in other words?",
    "utter_skip_question": "No problem. I need this to go on, so tell me when you have it, or say \"stop\" to do something else.",
    "utter_flow_continue_interrupted": "Let's get back to where we were.",
    "utter_no_previous_message": "I haven't said anything yet. How can I help you?",
    # when the documents hold no answer; without one in domain.yml the bot also lists what it can do
    "utter_no_relevant_answer_found": "Sorry, I don't have information about that.",
    # after a question about a task answered from the documents, with a button that starts the task's flow
    "utter_offer_flow": "Would you like me to help with that?",
    # a bare yes or no that answers no question and that no flow handles ("ok" after "it has shipped")
    "utter_acknowledge_yes": "Okay! What else can I help you with?",
    "utter_acknowledge_no": "No problem. If there's anything else, just ask.",
    # questions about the world right now that nothing else answered (dialog/flows/live_information.py)
    "utter_no_live_information": "Sorry, I can't look up live information such as the weather, the news or match results.",
    "utter_current_time": "It's {{ now | time_of_day }} on {{ now | weekday | capitalize }}, {{ today }}.",
    "utter_calculation": "{{ context.expression }} = {{ context.result }}.",
    "utter_said_before": "As I said: {{ context.sentence }}",
    # "hold on", "let me check" with no question open
    "utter_take_your_time": "Sure, take your time. I'm here when you're ready.",
    # "what's your name?", "who are you?" that no flow handles (dialog/flows/bot_identity.py)
    "utter_bot_name": "I'm {{ context.name }}, {{ context.persona }}. How can I help?",
    # "why do you need that?" at an open question (dialog/flows/why_asked.py)
    "utter_why_asked": "I need it to go on with your request: {{ context.request }}.",
}
# Rasa Pro's own names for the same default responses, which its projects' patterns name
DEFAULT_RESPONSES.update(
    {
        "utter_flow_cancelled_rasa": DEFAULT_RESPONSES["utter_flow_cancelled"],
        "utter_internal_error_rasa": DEFAULT_RESPONSES["utter_internal_error"],
        "utter_clarification_options_rasa": DEFAULT_RESPONSES["utter_clarification_options"],
        "utter_cannot_handle": "Sorry, I can't help with that. Could you say it in other words?",
        "utter_human_handoff_not_available": "Sorry, I can't connect you to a person right now.",
        "utter_no_knowledge_base": "Sorry, I don't have information about that.",
        "utter_skip_question_answer": "Okay, let's skip that question.",
    }
)

RESTART_INTENT = "restart"  # the payload /restart
STOP_INTENT = "stop"  # the payload /stop
SESSION_START_INTENT = "session_start"  # the payload /session_start
# intents every bot understands as payloads, declared or not
BUILTIN_INTENTS = (RESTART_INTENT, STOP_INTENT, SESSION_START_INTENT)

# intents the repair patterns react to (the shipped bots and `dialog init` train them)
REPEAT_INTENT = "repeat"  # "can you repeat that?"
SKIP_INTENT = "skip"  # "I don't know", "skip this one"
CORRECT_INTENT = "correct"  # "actually, make it Tuesday"
HANDOFF_INTENT = "human_handoff"  # "let me talk to a person"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# yes and no, as Rasa projects name them: a typed "yes" presses an offer's button (flows/button_replies.py)
AFFIRM_INTENT = "affirm"
DENY_INTENT = "deny"
GOODBYE_INTENT = "goodbye"  # as a digression, it cancels the flows instead of interrupting them
HESITATION_INTENT = "unsure"  # "hmm", "hang on, let me check": the question is asked again, no failed attempt
PATTERN_SEARCH = "pattern_search"  # the flow that answers from the documents; flows.yml may override it
SEARCH_ACTION = "action_trigger_search"
