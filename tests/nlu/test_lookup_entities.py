from __future__ import annotations

import pytest

from dialog.config.models import NLUData
from dialog.errors import ComponentError
from dialog.nlu.component import ComponentContext
from dialog.nlu.lookup_entities import LookupEntityExtractor
from dialog.nlu.spacy_tokenizer import SpacyTokenizer
from dialog.types import ParseResult

TABLE = {"product": ("yoga mat", "running shoes", "mat"), "country": ("United States", "Côte d'Ivoire")}


def extractor(**options) -> LookupEntityExtractor:
    component = LookupEntityExtractor.from_config(options, ComponentContext())
    component.train((), [], NLUData(lookups=TABLE))
    return component


def found(component, text, tokenize=True):
    result = ParseResult(text)
    if tokenize:
        result = SpacyTokenizer.from_config({}, ComponentContext())(result)
    return [(e.entity, e.value, e.start, e.end, e.confidence) for e in component(result).entities]


def test_exact_case_insensitive_longest_match() -> None:
    assert found(extractor(), "I want a Yoga  Mat!") == [("product", "Yoga  Mat", 9, 18, 1.0)]


def test_only_on_token_boundaries() -> None:
    assert found(extractor(), "change the format please") == []
    assert found(extractor(), "mats") == []


def test_punctuation_and_unicode_entries() -> None:
    assert found(extractor(), "ship to côte d'ivoire.") == [("country", "côte d'ivoire", 8, 21, 1.0)]


def test_works_without_a_tokenizer() -> None:
    assert found(extractor(), "running shoes", tokenize=False) == [("product", "running shoes", 0, 13, 1.0)]


def test_fuzzy_is_off_by_default() -> None:
    assert found(extractor(), "runing shoes") == []


def test_fuzzy_gives_the_table_spelling_and_a_score() -> None:
    [(entity, value, start, end, confidence)] = found(extractor(fuzzy=True), "new runing shoes")
    assert (entity, value, start, end) == ("product", "running shoes", 4, 16)
    assert 0.9 < confidence < 1.0


def test_fuzzy_threshold_and_short_words() -> None:
    assert found(extractor(fuzzy=True, fuzzy_threshold=0.99), "runing shoes") == []
    assert found(extractor(fuzzy=True), "a mad day") == []  # "mad" is shorter than fuzzy_min_chars


def test_a_fuzzy_match_keeps_the_first_letter() -> None:
    component = LookupEntityExtractor.from_config({"fuzzy": True}, ComponentContext())
    component.train((), [], NLUData(lookups={"bike_type": ("ebike", "road")}))
    assert found(component, "a service for my bike") == []  # not a misspelt "ebike"
    assert [value for _, value, *_ in found(component, "two ebikes")] == ["ebike"]


def test_bad_threshold_is_a_component_error() -> None:
    with pytest.raises(ComponentError, match="fuzzy_threshold"):
        LookupEntityExtractor.from_config({"fuzzy_threshold": 2}, ComponentContext())


def test_only_declared_entities_and_save_load(tmp_path) -> None:
    component = LookupEntityExtractor.from_config({}, ComponentContext(entities=("country",)))
    component.train((), [], NLUData(lookups=TABLE))
    assert found(component, "yoga mat to United States") == [("country", "United States", 12, 25, 1.0)]
    component.save(tmp_path)
    loaded = LookupEntityExtractor.load(tmp_path, {}, ComponentContext())
    assert found(loaded, "yoga mat to United States") == found(component, "yoga mat to United States")


def test_fuzzy_without_rapidfuzz_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "rapidfuzz", None)  # as if not installed
    with pytest.raises(ComponentError, match=r"lookup_entities.*install it with: pip install rapidfuzz"):
        extractor(fuzzy=True)
