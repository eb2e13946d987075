from __future__ import annotations

import pytest

from dialog.errors import ComponentError
from dialog.nlu import spacy_tokenizer
from dialog.nlu.component import ComponentContext
from dialog.nlu.spacy_tokenizer import SpacyTokenizer
from dialog.types import ParseResult


def tokenize(text: str, **options) -> list:
    return list(SpacyTokenizer.from_config(options, ComponentContext())(ParseResult(text)).tokens)


def test_offsets_point_into_the_text_with_punctuation() -> None:
    text = "Where's my order #234567?"
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["Where", "'s", "my", "order", "#", "234567", "?"]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_unicode_offsets_are_code_points() -> None:
    text = "Café  naïve — 😀 ok"
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["Café", "naïve", "—", "😀", "ok"]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_whitespace_is_not_a_token_and_empty_text_has_none() -> None:
    assert tokenize("  \n ") == []
    assert [t.text for t in tokenize(" a \t b ")] == ["a", "b"]


def test_lookup_lemmas_and_shapes() -> None:
    tokens = tokenize("Orders running 123")
    assert [t.lemma for t in tokens] == ["order", "run", "123"]
    assert [t.shape for t in tokens] == ["Xxxxx", "xxxx", "ddd"]


def test_english_lemmas_ship_with_dialog_without_spacy_lookups_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spacy_tokenizer, "_lookups_data_installed", lambda: False)
    assert [t.lemma for t in tokenize("Orders were running")] == ["order", "be", "run"]


def test_other_languages_take_lemmas_from_spacy_lookups_data_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("spacy_lookups_data")
    assert [t.lemma for t in tokenize("ging", language="de")] == ["gehen"]
    monkeypatch.setattr(spacy_tokenizer, "_lookups_data_installed", lambda: False)
    assert [t.lemma for t in tokenize("ging", language="de")] == [""]  # no table, no lemma: the features use the text


def test_lemmas_can_be_disabled() -> None:
    assert [t.lemma for t in tokenize("orders", lemmas=False)] == [""]


def test_missing_packaged_pipeline_names_the_install_command() -> None:
    tokenizer = SpacyTokenizer.from_config({"model": "xx_not_installed_sm"}, ComponentContext())
    with pytest.raises(ComponentError, match="python -m spacy download xx_not_installed_sm"):
        tokenizer(ParseResult("hi"))


def test_unknown_option_lists_valid_ones() -> None:
    with pytest.raises(ComponentError, match="valid options: model, lemmas, language"):
        SpacyTokenizer.from_config({"modle": "x"}, ComponentContext())
