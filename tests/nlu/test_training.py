from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dialog.config.models import BotConfig, ComponentSpec, Domain, Settings
from dialog.errors import ModelError
from dialog.nlu.training import KEEP_MODELS, load_model, model_dir, model_fingerprint, train_model
from dialog.types import TrainingExample

from .conftest import RULE_PIPELINE, make_data


def bot(root: Path, **settings) -> BotConfig:
    return BotConfig(
        root=root,
        domain=Domain(intents=("greet", "check_order_status"), entities=("order_id", "product")),
        nlu=make_data(),
        flows={},
        settings=Settings(pipeline=RULE_PIPELINE, **settings),
    )


def test_fingerprint_is_stable_and_ignores_unrelated_changes(tmp_path) -> None:
    config = bot(tmp_path)
    assert model_fingerprint(config) == model_fingerprint(bot(tmp_path))
    unrelated = dataclasses.replace(
        config,
        domain=dataclasses.replace(config.domain, persona="grumpy", session_expiration_minutes=5),
        settings=dataclasses.replace(config.settings, tracker_store="memory://", trigger_threshold=0.9),
    )
    assert model_fingerprint(unrelated) == model_fingerprint(config)
    assert model_dir(config) == tmp_path / ".dialog" / "models" / model_fingerprint(config)


def test_a_new_model_generation_retrains_models_of_older_code(tmp_path, monkeypatch) -> None:
    import dialog.nlu.training as training

    before = model_fingerprint(bot(tmp_path))
    monkeypatch.setattr(training, "MODEL_GENERATION", training.MODEL_GENERATION + 1)
    assert model_fingerprint(bot(tmp_path)) != before


@pytest.mark.parametrize(
    "change",
    [
        lambda c: dataclasses.replace(c, nlu=dataclasses.replace(c.nlu, examples=c.nlu.examples + (TrainingExample("yo", "greet"),))),
        lambda c: dataclasses.replace(c, nlu=dataclasses.replace(c.nlu, synonyms={"mat": "yoga mat"})),
        lambda c: dataclasses.replace(c, nlu=dataclasses.replace(c.nlu, regexes=())),
        lambda c: dataclasses.replace(c, nlu=dataclasses.replace(c.nlu, lookups={"product": ("mat",)})),
        lambda c: dataclasses.replace(c, domain=dataclasses.replace(c.domain, entities=("order_id",))),
        lambda c: dataclasses.replace(c, settings=dataclasses.replace(c.settings, language="de")),
        lambda c: dataclasses.replace(c, settings=dataclasses.replace(c.settings, pipeline=RULE_PIPELINE[:2])),
        lambda c: dataclasses.replace(
            c, settings=dataclasses.replace(c.settings, pipeline=(*RULE_PIPELINE[:2], ComponentSpec("lookup_entities")))
        ),
    ],
)
def test_fingerprint_changes_with_data_and_config(tmp_path, change) -> None:
    config = bot(tmp_path)
    assert model_fingerprint(change(config)) != model_fingerprint(config)


def test_train_then_skip_then_force(tmp_path) -> None:
    config = bot(tmp_path)
    first = train_model(config)
    assert not first.skipped and first.path == model_dir(config)
    assert (first.path / "pipeline.json").is_file()
    assert (tmp_path / ".dialog" / "models" / "latest").read_text().strip() == first.path.name
    assert train_model(config).skipped
    forced = train_model(config, force=True)
    assert not forced.skipped and forced.path == first.path
    assert [p.name for p in first.path.parent.iterdir() if p.name.startswith(".")] == []  # no leftovers


def test_old_models_are_pruned(tmp_path) -> None:
    paths = []
    for index in range(KEEP_MODELS + 2):
        config = bot(tmp_path)
        examples = config.nlu.examples + (TrainingExample(f"hi number {index}", "greet"),)
        paths.append(train_model(dataclasses.replace(config, nlu=dataclasses.replace(config.nlu, examples=examples))).path)
    kept = sorted(p for p in paths if p.exists())
    assert len(kept) == KEEP_MODELS and paths[-1] in kept


def test_load_model_trains_when_missing_unless_told_not_to(tmp_path) -> None:
    config = bot(tmp_path)
    with pytest.raises(ModelError, match="dialog train"):
        load_model(config, train_if_stale=False)
    steps: list[str] = []
    pipeline = load_model(config, progress=steps.append)
    assert steps and model_dir(config).is_dir()
    assert pipeline.parse("order 123456").entities[0].value == "123456"
    assert load_model(config, train_if_stale=False).parse("order 123456") == pipeline.parse("order 123456")


def test_an_unreadable_model_is_trained_again_unless_told_not_to(tmp_path) -> None:
    config = bot(tmp_path)
    load_model(config)
    (model_dir(config) / "01_regex_entities" / "regexes.json").write_text("{", encoding="utf-8")  # damaged (or written by another build of this generation)
    with pytest.raises(ModelError, match="cannot be read .*dialog train --force"):
        load_model(config, train_if_stale=False)
    assert load_model(config).parse("order 123456").entities[0].value == "123456"
