"""Tiny NLU data shared by the component and pipeline tests."""

from __future__ import annotations

import pytest

from dialog.config.annotations import parse_annotated
from dialog.config.models import ComponentSpec, NLUData, Settings
from dialog.nlu.component import ComponentContext
from dialog.types import TrainingExample

EXAMPLES = {
    "greet": ["hi", "hello there", "good morning", "hey", "hello"],
    "check_order_status": [
        "where is my order [123456](order_id)",
        'track order [#234567]{"entity": "order_id", "value": "234567"}',
        "status of order [654321](order_id)",
        "has my [yoga mat](product) shipped",
        "where are my [earbuds](product:wireless headphones)",
    ],
}


def make_data() -> NLUData:
    examples = []
    for intent, lines in EXAMPLES.items():
        for line in lines:
            text, entities = parse_annotated(line)
            examples.append(TrainingExample(text, intent, entities))
    return NLUData(
        examples=tuple(examples),
        synonyms={"headphones": "wireless headphones"},
        regexes=(("order_id", r"\b\d{6}\b"),),
        lookups={"product": ("yoga mat", "running shoes", "wireless headphones", "earbuds")},
    )


@pytest.fixture
def nlu_data() -> NLUData:
    return make_data()


@pytest.fixture
def nlu_context() -> ComponentContext:
    return ComponentContext(entities=("order_id", "product"), intents=("greet", "check_order_status"))


RULE_PIPELINE = (
    ComponentSpec("spacy_tokenizer"),
    ComponentSpec("regex_entities"),
    ComponentSpec("lookup_entities", {"fuzzy": True}),
    ComponentSpec("synonyms"),
)


@pytest.fixture
def rule_settings() -> Settings:
    """No learned component: trains in milliseconds."""
    return Settings(pipeline=RULE_PIPELINE)


@pytest.fixture
def full_settings() -> Settings:
    return Settings(pipeline=(*RULE_PIPELINE, ComponentSpec("sklearn_intent", {"threshold": 0.3})))
