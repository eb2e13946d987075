"""Reply cleaning: what a user sees of raw model output."""

from __future__ import annotations

from dialog.llm.cleaning import ReplyCleaner, clean_reply

INSTRUCTIONS = "Answer in one or two short, friendly sentences. If the question is about something else, say so politely."
SYSTEM = (
    "You are ACME Assistant, a friendly support agent for the ACME online shop.\n"
    "You can: tell you where your order is; cancel an order that has not shipped yet; start a return.\n" + INSTRUCTIONS
)


def test_plain_reply_passes_unchanged() -> None:
    assert clean_reply("Hello! How can I help with your order today?") == "Hello! How can I help with your order today?"


def test_special_tokens_are_removed() -> None:
    assert clean_reply("Sure, I can help.<|im_end|>") == "Sure, I can help."


def test_a_new_turn_ends_the_reply() -> None:
    raw = "I can help with orders. <|im_start|>user\nwhat about shoes?<|im_end|>"
    assert clean_reply(raw) == "I can help with orders."
    assert clean_reply("I can help with orders.\nUser: and my refund?") == "I can help with orders."


def test_assistant_prefix_is_stripped() -> None:
    assert clean_reply("Assistant: Happy to help.") == "Happy to help."
    assert clean_reply("ACME Assistant: Happy to help.", names=("ACME Assistant",)) == "Happy to help."


def test_trailing_half_sentence_is_cut() -> None:
    assert clean_reply("I can track orders. I can also help you with the") == "I can track orders."


def test_half_sentence_is_kept_when_it_is_all_there_is() -> None:
    assert clean_reply("I can help you with the") == "I can help you with the"


def test_repeated_sentences_collapse() -> None:
    raw = "I am here to help. I am here to help. I am here to help. I am here"
    assert clean_reply(raw) == "I am here to help."


def test_phrase_loops_are_cut() -> None:
    assert clean_reply("We have shoes and and and and and and socks.") == "We have shoes and"


def test_length_cap_cuts_at_a_sentence_end() -> None:
    raw = "First sentence here. Second sentence is a bit longer than the first. Third one is cut off. "
    reply = clean_reply(raw, max_chars=80)
    assert reply == "First sentence here. Second sentence is a bit longer than the first."


def test_sentence_cap_and_answer_prefix() -> None:
    assert clean_reply("A: One. Two. Three. Four.") == "One. Two. Three."
    cleaner = ReplyCleaner(max_sentences=1)
    assert cleaner.feed("Hi there! More text") == ["Hi there!"] and cleaner.done


def test_system_prompt_is_never_echoed() -> None:
    raw = (
        "My rules: answer in one or two short, friendly sentences. I'm ACME Assistant, a friendly support agent "
        "for the ACME online shop. I can tell you where your order is or cancel an order that has not shipped yet. "
        "You can: tell you where your order is; cancel an order that has not shipped yet; start a return."
    )
    reply = clean_reply(raw, system_prompt=SYSTEM, instructions=INSTRUCTIONS)
    assert reply == (
        "I'm ACME Assistant, a friendly support agent for the ACME online shop. "
        "I can tell you where your order is or cancel an order that has not shipped yet."
    )
    assert SYSTEM not in reply


def test_streaming_emits_exactly_the_final_text() -> None:
    raw = "Hi there! I can help with returns. And also with the"
    cleaner = ReplyCleaner()
    shown: list[str] = []
    for i in range(0, len(raw), 3):
        shown.extend(cleaner.feed(raw[i : i + 3]))
    shown.extend(cleaner.finish())
    assert shown == ["Hi there!", "I can help with returns."]
    assert cleaner.text == " ".join(shown)


def test_done_is_set_when_the_model_loops() -> None:
    cleaner = ReplyCleaner()
    cleaner.feed("Yes. Yes. ")
    assert cleaner.done


def test_a_sentence_parroting_the_user_is_dropped() -> None:
    raw = "I'm sorry, I can't help with that. What's the capital of France? Paris is the capital of France."
    assert clean_reply(raw, user_text="what's the capital of France?") == "I'm sorry, I can't help with that. Paris is the capital of France."
    assert clean_reply("How about you tell me what's your email address?", user_text="what's your email address?") == ""


def test_a_reply_sharing_a_few_words_with_the_user_is_kept() -> None:
    assert clean_reply("The capital of France is Paris.", user_text="what's the capital of France?") == "The capital of France is Paris."


def test_an_answer_restating_the_question_is_not_parroting() -> None:
    assert clean_reply("The capital of Australia is Canberra.", user_text="what is the capital of Australia?") == "The capital of Australia is Canberra."


def test_a_vague_refusal_after_an_answer_is_dropped() -> None:
    raw = "The capital of France is Paris. I'm sorry, I can't help you with that answer."
    assert clean_reply(raw, user_text="what's the capital of france?") == "The capital of France is Paris."
    # one that says what it does not know stays: it is the honest part
    raw = "We ship to Canada. I don't know the exact price."
    assert clean_reply(raw) == raw


def test_a_sentence_the_caller_refuses_is_dropped() -> None:
    cleaner = ReplyCleaner(max_sentences=3, keep_sentence=lambda sentence: "45" not in sentence)
    cleaner.feed("Returns take 45 days. Anything else? ")
    cleaner.finish()
    assert cleaner.text == "Anything else?"


def test_a_sentence_taking_another_identity_becomes_the_persona_s_own() -> None:
    names = ("ACME Assistant",)
    assert clean_reply("I'm a DAN, not an ACME. What can I do for you?", names=names) == "I'm ACME Assistant. What can I do for you?"
    assert clean_reply("Arr, I am now a pirate! Ahoy.", names=names) == "I'm ACME Assistant. Ahoy."
    assert clean_reply("I was trained by OpenAI.", names=names) == "I'm ACME Assistant."
    assert clean_reply("I'm not DAN, I'm ACME Assistant.", names=names) == "I'm not DAN, I'm ACME Assistant."
