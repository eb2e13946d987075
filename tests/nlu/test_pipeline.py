from __future__ import annotations

import json

import pytest

from dialog.config.models import ComponentSpec, Settings
from dialog.errors import ComponentError, ModelError
from dialog.nlu.pipeline import NLUPipeline

TEXTS = [
    "hello there",
    "where is my order 123456",
    "did my new runing shoes ship?",
    "where are my headphones",
    '/check_order_status{"order_id": "999999"}',
    "/restart",
    "",
]


def test_train_save_load_gives_identical_parses(full_settings, nlu_data, nlu_context, tmp_path) -> None:
    steps: list[str] = []
    pipeline = NLUPipeline.from_settings(full_settings, nlu_context)
    pipeline.train(nlu_data, steps.append)
    assert "training sklearn_intent" in steps
    pipeline.save(tmp_path / "model")
    loaded = NLUPipeline.load(tmp_path / "model")
    for text in TEXTS:
        assert loaded.parse(text).as_json() == pipeline.parse(text).as_json()
    assert [r.as_json() for r in loaded.parse_batch(TEXTS)] == [pipeline.parse(t).as_json() for t in TEXTS]


def test_parse_output_is_the_rasa_shape(full_settings, nlu_data, nlu_context) -> None:
    pipeline = NLUPipeline.from_settings(full_settings, nlu_context)
    pipeline.train(nlu_data)
    parse = pipeline.parse("where is my order 123456 for the yoga mat")
    data = parse.as_json()
    assert list(data) == ["text", "intent", "intent_ranking", "entities"]
    assert data["intent"]["name"] == "check_order_status"
    assert [(e["entity"], e["value"], e["extractor"]) for e in data["entities"]] == [
        ("order_id", "123456", "regex_entities"),
        ("product", "yoga mat", "lookup_entities"),
    ]
    assert json.loads(json.dumps(data)) == data


def test_entities_go_through_lookup_fuzzy_and_synonyms(rule_settings, nlu_data, nlu_context) -> None:
    pipeline = NLUPipeline.from_settings(rule_settings, nlu_context)
    pipeline.train(nlu_data)
    entities = pipeline.parse("my runing shoes and the Earbuds").entities
    assert [(e.entity, e.value) for e in entities] == [("product", "running shoes"), ("product", "wireless headphones")]


def test_payloads_skip_the_components(rule_settings, nlu_data, nlu_context) -> None:
    pipeline = NLUPipeline.from_settings(rule_settings, nlu_context)
    pipeline.train(nlu_data)
    result = pipeline.parse('/check_order_status{"order_id": "123456"}')
    assert (result.intent, result.confidence, result.tokens) == ("check_order_status", 1.0, ())
    assert pipeline.parse("/unknown_intent").intent is None  # parsed as text


def test_unknown_component_lists_valid_names(nlu_context) -> None:
    with pytest.raises(ComponentError, match="valid names: .*spacy_tokenizer"):
        NLUPipeline.from_settings(Settings(pipeline=(ComponentSpec("spacy_tokeniser"),)), nlu_context)


def test_loading_a_folder_that_is_not_a_model(tmp_path) -> None:
    with pytest.raises(ModelError, match="not a trained model"):
        NLUPipeline.load(tmp_path)
    (tmp_path / "pipeline.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot read"):
        NLUPipeline.load(tmp_path)


def test_empty_pipeline_means_the_default_one(nlu_context) -> None:
    pipeline = NLUPipeline.from_settings(Settings(), nlu_context)
    assert [spec.name for spec in pipeline.specs] == [
        "spacy_tokenizer",
        "regex_entities",
        "lookup_entities",
        "crf_entities",
        "synonyms",
        "sentence_embeddings",
        "sklearn_intent",
    ]


@pytest.mark.slow  # the default pipeline loads the real MiniLM
def test_the_default_pipeline_trains_saves_and_loads(nlu_data, nlu_context, tmp_path) -> None:
    pipeline = NLUPipeline.from_settings(Settings(), nlu_context)
    pipeline.train(nlu_data)
    pipeline.save(tmp_path)
    loaded = NLUPipeline.load(tmp_path, nlu_context)
    for text in TEXTS + ["status of order 765432 and my earbuds"]:
        assert loaded.parse(text) == pipeline.parse(text)
    assert loaded.parse("where are my earbuds").entities[0].value == "wireless headphones"


def test_training_data_flows_through_process_training_batch(nlu_data, nlu_context) -> None:
    """A component may treat the training pass differently from parses (sentence_embeddings batches it)."""
    seen: list[str] = []

    class Marker:
        def process_batch(self, results):
            seen.append("parse")
            return [result.replace(features={"marked": "parse"}) for result in results]

        def process_training_batch(self, results):
            seen.append("training")
            return [result.replace(features={"marked": "training"}) for result in results]

    class Reader:
        def train(self, examples, processed, data):
            seen.extend({result.features["marked"] for result in processed})

        def __call__(self, result):
            return result

    pipeline = NLUPipeline([ComponentSpec("marker"), ComponentSpec("reader")], [Marker(), Reader()], nlu_context)
    pipeline.train(nlu_data)
    assert seen == ["training", "training"]
    pipeline.parse_batch(["hello"])
    assert seen[-1] == "parse"


class _SlowModel:
    """A component with a model that loads now (``warm_up``) or in the background."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    @property
    def warm(self) -> bool:
        return bool(self.calls)

    def warm_up(self) -> None:
        self.calls.append("now")

    def start_warm_up(self) -> None:
        self.calls.append("background")

    def __call__(self, result):
        return result


def test_warm_up_loads_slow_models_now_or_in_the_background(nlu_context) -> None:
    now, background = _SlowModel(), _SlowModel()
    NLUPipeline([ComponentSpec("slow")], [now], nlu_context).warm_up()
    pipeline = NLUPipeline([ComponentSpec("slow")], [background], nlu_context)
    assert not pipeline.warm
    pipeline.warm_up(background=True)
    assert now.calls == ["now"] and background.calls == ["background"]
    assert pipeline.warm


def test_parses_from_many_threads_at_once_match_one_at_a_time(nlu_data, nlu_context) -> None:
    """A server parses each turn on a worker thread, so many parses run at once."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.nlu.conftest import RULE_PIPELINE

    settings = Settings(pipeline=(*RULE_PIPELINE, ComponentSpec("crf_entities"), ComponentSpec("sklearn_intent")))
    pipeline = NLUPipeline.from_settings(settings, nlu_context)
    pipeline.train(nlu_data)
    texts = TEXTS * 50
    expected = [pipeline.parse(text).as_json() for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(lambda text: pipeline.parse(text).as_json(), texts)) == expected
