"""Keyboard mashing vs words and names (WordPiece pieces of the bundled MiniLM vocabulary)."""

from __future__ import annotations

import pytest

from dialog.nlu.nonsense import looks_like_nonsense


@pytest.mark.parametrize("text", ["asdkj qwpoe zzxv", "xkcd", "jjjjj hjkl", "qwpoe zzxv hjkl", "asdfjkl qwpoeiru", "sdfjkl"])
def test_mashing_is_nonsense(text: str) -> None:
    assert looks_like_nonsense(text)


@pytest.mark.parametrize(
    "text",
    ["blah", "Jane Doe", "Nguyen", "Kowalczyk", "Oluwaseun Adeyemi", "no wait, 4pm", "123456", "ok", "it broke after a week",
     "property", "typewriter", "Pierre", "I live in Knightsbridge", "glass", "quiet", "send a tweet"],
)
def test_words_names_and_numbers_are_not(text: str) -> None:
    assert not looks_like_nonsense(text)


@pytest.mark.parametrize("text", ["lol", "idk", "thx", "yup", "omg", "pls", "ugh"])
def test_three_letter_chat_words_are_not_mashing(text: str) -> None:
    """They split into two pieces as mashing does; too short to judge, so never nonsense."""
    assert not looks_like_nonsense(text)
