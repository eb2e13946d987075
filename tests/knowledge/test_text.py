"""Search terms: stop words out, one stem for the forms of a word."""

from __future__ import annotations

from dialog.knowledge.text import normalise_question, search_terms, stem


def test_forms_of_a_word_share_a_stem() -> None:
    assert stem("returns") == stem("returned") == stem("returning") == "return"
    assert stem("shipping") == stem("ships") == "ship"
    assert stem("policies") == "policy" and stem("boxes") == "box" and stem("address") == "address"


def test_stop_words_and_possessives_are_dropped() -> None:
    assert search_terms("What is the name of ACME's CEO?") == ["name", "acme", "ceo"]


def test_chat_spellings_are_written_out_for_the_search() -> None:
    assert normalise_question("whats ur return policy") == "what is your return policy"
    assert normalise_question("Hows shipping to the US, pls?") == "how is shipping to the US, please?"
    assert normalise_question("do you accept Amex") == "do you accept Amex"


def test_a_hyphenated_word_is_also_matched_joined() -> None:
    from dialog.knowledge.text import search_terms

    assert "email" in search_terms("We answer e-mails within a day")
    assert "noshow" in search_terms("a EUR 10 no-show fee")


def test_a_faq_s_own_question_is_never_the_answer() -> None:
    from dialog.knowledge.answers import statements

    assert statements(["How long does a transfer take?", "One to two business days."]) == ["One to two business days."]
    assert statements(["Why?", "Because."]) == ["Because."]
    assert statements(["Is it open?"]) == ["Is it open?"]  # nothing else to say
