from __future__ import annotations

import pytest

from dialog.config.annotations import parse_annotated
from dialog.config.models import NLUData
from dialog.errors import ComponentError, ModelError
from dialog.nlu.component import ComponentContext
from dialog.nlu.crf_entities import CRFEntityExtractor
from dialog.nlu.crf_features import attribute_tags, tag_runs
from dialog.nlu.spacy_tokenizer import SpacyTokenizer
from dialog.types import Entity, ParseResult, Token, TrainingExample

LINES = [
    "fly from [Paris]{\"entity\": \"city\", \"role\": \"from\"} to [Berlin]{\"entity\": \"city\", \"role\": \"to\"}",
    "a flight from [London]{\"entity\": \"city\", \"role\": \"from\"} to [Rome]{\"entity\": \"city\", \"role\": \"to\"}",
    "book a trip from [Madrid]{\"entity\": \"city\", \"role\": \"from\"} to [New York]{\"entity\": \"city\", \"role\": \"to\"}",
    "from [Oslo]{\"entity\": \"city\", \"role\": \"from\"} to [Vienna]{\"entity\": \"city\", \"role\": \"to\"} please",
    "I need [2](count) tickets",
    "get me [3](count) tickets to [Lisbon]{\"entity\": \"city\", \"role\": \"to\"}",
    "[4](count) seats from [Athens]{\"entity\": \"city\", \"role\": \"from\"} to [Prague]{\"entity\": \"city\", \"role\": \"to\"}",
    "hello",
]


def _tokenized(texts):
    tokenizer = SpacyTokenizer.from_config({}, ComponentContext())
    return [tokenizer(ParseResult(text)) for text in texts]


@pytest.fixture(scope="module")
def crf() -> CRFEntityExtractor:
    examples = []
    for line in LINES:
        text, entities = parse_annotated(line)
        examples.append(TrainingExample(text, "book", entities))
    component = CRFEntityExtractor.from_config({}, ComponentContext())
    component.train(examples, _tokenized([e.text for e in examples]), NLUData(examples=tuple(examples)))
    return component


def test_learns_entities_and_roles_of_a_tiny_dataset(crf) -> None:
    [result] = _tokenized(["fly from Paris to New York"])
    found = crf(result).entities
    assert [(e.entity, e.value, e.role, e.extractor) for e in found] == [
        ("city", "Paris", "from", "crf_entities"),
        ("city", "New York", "to", "crf_entities"),
    ]
    assert found[1].start == 18 and found[1].end == 26
    assert all(0.0 < e.confidence <= 1.0 for e in found)
    assert crf(_tokenized(["hello"])[0]).entities == ()


def test_earlier_extractors_win_on_overlap(crf) -> None:
    [result] = _tokenized(["fly from Paris to Berlin"])
    regex_hit = Entity("city", "Paris", 9, 14, extractor="regex_entities")
    found = crf(result.replace(entities=(regex_hit,))).entities
    assert [(e.value, e.extractor) for e in found] == [("Paris", "regex_entities"), ("Berlin", "crf_entities")]


def test_save_and_load_round_trip(crf, tmp_path) -> None:
    crf.save(tmp_path)
    loaded = CRFEntityExtractor.load(tmp_path, {}, ComponentContext())
    [result] = _tokenized(["a flight from Oslo to Rome for 2"])
    assert loaded(result) == crf(result)


def test_without_annotations_it_extracts_nothing(tmp_path) -> None:
    component = CRFEntityExtractor.from_config({}, ComponentContext())
    examples = (TrainingExample("hi", "greet"),)
    component.train(examples, _tokenized(["hi"]), NLUData(examples=examples))
    component.save(tmp_path)
    [result] = _tokenized(["hi there"])
    assert CRFEntityExtractor.load(tmp_path, {}, ComponentContext())(result).entities == ()


def test_broken_model_folder_is_a_model_error(tmp_path) -> None:
    with pytest.raises(ModelError, match="CRF model"):
        CRFEntityExtractor.load(tmp_path, {}, ComponentContext())


def test_bad_options() -> None:
    with pytest.raises(ComponentError, match="max_iterations"):
        CRFEntityExtractor.from_config({"max_iterations": 0}, ComponentContext())


def test_io_tags_and_runs() -> None:
    tokens = [Token(w, i * 10, i * 10 + len(w)) for i, w in enumerate(["to", "new", "york", "city", "on", "monday"])]
    entities = (Entity("city", "new york city", 10, 34, role="to"), Entity("day", "monday", 50, 56))
    assert attribute_tags(entities, tokens) == ["O", "city", "city", "city", "O", "day"]
    assert attribute_tags(entities, tokens, "role") == ["O", "to", "to", "to", "O", "O"]
    assert tag_runs(attribute_tags(entities, tokens)) == [("city", 1, 3), ("day", 5, 5)]
    assert tag_runs(["a", "b", "b", "O", "a"]) == [("a", 0, 0), ("b", 1, 2), ("a", 4, 4)]
    assert tag_runs([]) == []


def test_a_missing_crfsuite_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pycrfsuite", None)  # as if not installed
    example = TrainingExample("I need 2 tickets", "book", (Entity("count", "2", 7, 8),))
    with pytest.raises(ComponentError, match=r"crf_entities.*install it with: pip install sklearn-crfsuite"):
        component = CRFEntityExtractor.from_config({}, ComponentContext())  # checks before any training
        component.train([example], _tokenized([example.text]), NLUData(examples=(example,)))


def _examples():
    examples = []
    for line in LINES:
        text, entities = parse_annotated(line)
        examples.append(TrainingExample(text, "book", entities))
    return examples


def test_large_data_trains_in_a_worker_process_with_the_same_result(crf, monkeypatch, tmp_path) -> None:
    from dialog.nlu import crf_entities

    monkeypatch.setattr(crf_entities, "_BACKGROUND_MIN_SEQUENCES", 1)  # every dataset counts as large
    examples = _examples()
    component = CRFEntityExtractor.from_config({}, ComponentContext())
    processed = _tokenized([e.text for e in examples])
    component.train(examples, processed, NLUData(examples=tuple(examples)))
    assert component._pending is not None  # training goes on in the worker
    assert component.process_training_batch(processed) == processed  # the data flows on untouched
    component.finish_training()
    [result] = _tokenized(["fly from Paris to New York"])
    assert component(result).entities == crf(result).entities  # same crfsuite, same data, same model
    component.save(tmp_path)
    assert sorted(path.name for path in tmp_path.glob("*.crfsuite")) == ["entity.crfsuite", "role.crfsuite"]


def test_a_failing_worker_is_a_component_error(monkeypatch) -> None:
    from dialog.nlu import crf_entities

    monkeypatch.setattr(crf_entities, "_BACKGROUND_MIN_SEQUENCES", 1)
    examples = _examples()
    component = CRFEntityExtractor.from_config({}, ComponentContext())
    monkeypatch.setattr(component, "_params", lambda: {"no_such_crfsuite_parameter": 1})
    component.train(examples, _tokenized([e.text for e in examples]), NLUData(examples=tuple(examples)))
    with pytest.raises(ComponentError, match="crf_entities.*worker process failed.*exited with"):
        component.finish_training()


def test_an_abandoned_worker_is_stopped() -> None:
    from dialog.nlu.crf_training import BackgroundFit

    pairs = [([{"bias": 1.0}], ["O"]), ([{"bias": 1.0}], ["city"])]
    fit = BackgroundFit({"entity": pairs * 10}, {"max_iterations": 5})
    process, folder = fit._process, fit._folder
    del fit
    assert process.poll() is not None and not folder.exists()


def test_a_message_that_is_only_a_value_annotated_in_training_is_that_entity(tmp_path) -> None:
    lines = [
        "I am interested in an apartment. Could you tell me the [process](topic) and requirements",
        "what's the [process](topic)", "I want to know the [process](topic)", "what about the [contract](topic)",
        "what is the [contract](topic)", "what is the [contract](topic) like", "What are the terms of [payment](topic)",
        "I want to [buy](kind)", "I'd like to [rent](kind)", "hello", "thanks a lot", "goodbye",
    ]
    examples = [TrainingExample(text, "ask", entities) for text, entities in map(parse_annotated, lines)]
    crf = CRFEntityExtractor.from_config({}, ComponentContext())
    crf.train(examples, _tokenized([e.text for e in examples]), NLUData(examples=tuple(examples)))
    crf.save(tmp_path)
    loaded = CRFEntityExtractor.load(tmp_path, {}, ComponentContext())
    for model in (crf, loaded):  # learnt inside sentences, "process" alone (the answer to "which topic?") is still one
        [result] = _tokenized(["  Process! "])
        assert [(e.entity, e.value, e.start, e.end) for e in model(result).entities] == [("topic", "Process", 2, 9)]
