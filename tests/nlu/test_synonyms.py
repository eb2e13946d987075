from __future__ import annotations

from dialog.nlu.component import ComponentContext
from dialog.nlu.synonyms import SynonymMapper
from dialog.types import Entity, ParseResult


def test_maps_values_from_synonyms_and_annotations(nlu_data, tmp_path) -> None:
    mapper = SynonymMapper.from_config({}, ComponentContext())
    mapper.train(nlu_data.examples, [], nlu_data)
    result = ParseResult(
        "x",
        entities=(
            Entity("product", "Headphones", 0, 10),
            Entity("product", "EARBUDS", 11, 18),
            Entity("order_id", "#234567", 19, 26),
            Entity("product", "yoga mat", 27, 35),
        ),
    )
    mapped = [e.value for e in mapper(result).entities]
    assert mapped == ["wireless headphones", "wireless headphones", "234567", "yoga mat"]
    mapper.save(tmp_path)
    loaded = SynonymMapper.load(tmp_path, {}, ComponentContext())
    assert loaded(result) == mapper(result)


def test_non_string_values_are_left_alone() -> None:
    mapper = SynonymMapper.from_config({}, ComponentContext())
    mapper.synonyms = {"1": "one"}
    result = ParseResult("x", entities=(Entity("n", 1, 0, 1),))
    assert mapper(result) == result
