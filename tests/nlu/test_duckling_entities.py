from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from dialog.errors import ComponentError
from dialog.nlu.component import ComponentContext
from dialog.nlu.duckling_entities import DucklingEntityExtractor
from dialog.reference_time import use_reference_time
from dialog.types import Entity, ParseResult

MONDAY_10AM = datetime(2030, 5, 6, 10, 0, tzinfo=UTC).timestamp()


def extract(text: str, **options) -> list[dict]:
    component = DucklingEntityExtractor.from_config(options, ComponentContext())
    with use_reference_time(MONDAY_10AM):
        return component(ParseResult(text)).as_json()["entities"]


def test_entities_come_out_as_rasa_gives_duckling_s_answers() -> None:
    [entity] = extract("see you tomorrow at 8pm", timezone="Europe/Berlin")
    assert entity == {
        "entity": "time",
        "value": "2030-05-07T20:00:00.000+02:00",
        "start": 8,
        "end": 23,
        "text": "tomorrow at 8pm",
        "additional_info": {
            "values": [{"value": "2030-05-07T20:00:00.000+02:00", "grain": "hour", "type": "value"}],
            "value": "2030-05-07T20:00:00.000+02:00",
            "grain": "hour",
            "type": "value",
        },
        "extractor": "DucklingEntityExtractor",
        "confidence": 1.0,
    }


def test_every_dimension_in_one_message() -> None:
    text = "table for 4 on friday, deposit $20 for 2 hours, call +1 555 123 4567 or mail a@b.io"
    found = [(e["entity"], e["text"], e["value"]) for e in extract(text)]
    assert found == [
        ("number", "4", 4),
        ("time", "on friday", "2030-05-10T00:00:00.000+00:00"),
        ("amount-of-money", "$20", 20),
        ("duration", "2 hours", 2),
        ("phone-number", "+1 555 123 4567", "(+1) 5551234567"),
        ("email", "a@b.io", "a@b.io"),
    ]


def test_dimensions_limit_what_is_extracted_and_free_the_spans_of_the_others() -> None:
    assert [e["entity"] for e in extract("$20 tomorrow", dimensions=["time"])] == ["time"]
    assert [(e["entity"], e["value"]) for e in extract("$20 tomorrow", dimensions=["number"])] == [("number", 20)]


def test_in_two_hours_is_a_time_and_a_duration_as_in_duckling() -> None:
    assert [(e["entity"], e["text"]) for e in extract("ready in 2 hours")] == [("time", "in 2 hours"), ("duration", "2 hours")]


def test_relative_dates_follow_the_reference_time() -> None:
    component = DucklingEntityExtractor.from_config({}, ComponentContext())
    with use_reference_time(datetime(2031, 1, 1, tzinfo=UTC).timestamp()):
        [entity] = component(ParseResult("tomorrow")).entities
    assert entity.value == "2031-01-02T00:00:00.000+00:00"


def test_entities_found_by_an_earlier_extractor_are_kept() -> None:
    component = DucklingEntityExtractor.from_config({}, ComponentContext())
    earlier = ParseResult("order 123456", entities=(Entity("number", "123456", 6, 12, extractor="regex_entities"),))
    assert component(earlier).entities == earlier.entities


def test_bad_options_are_named() -> None:
    with pytest.raises(ComponentError, match="unknown dimension\\(s\\) date; valid dimensions: email, phone-number"):
        DucklingEntityExtractor.from_config({"dimensions": ["date"]}, ComponentContext())
    with pytest.raises(ComponentError, match="unknown timezone 'Mars/Olympus'"):
        DucklingEntityExtractor.from_config({"timezone": "Mars/Olympus"}, ComponentContext())
    with pytest.raises(ComponentError, match="unknown option\\(s\\) grain"):
        DucklingEntityExtractor.from_config({"grain": "day"}, ComponentContext())


def test_a_duckling_url_is_accepted_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        DucklingEntityExtractor.from_config({"url": "http://localhost:8000", "timeout": 3}, ComponentContext())
    assert "'url' (http://localhost:8000) is not used" in caplog.text


def test_the_pipeline_runs_it_by_name_and_saves_and_loads_it(tmp_path) -> None:
    from dialog.config.models import ComponentSpec, NLUData, Settings
    from dialog.nlu.pipeline import NLUPipeline

    settings = Settings(pipeline=(ComponentSpec("duckling_entities", {"dimensions": ["time"]}),))
    pipeline = NLUPipeline.from_settings(settings, ComponentContext())
    pipeline.train(NLUData())
    pipeline.save(tmp_path)
    loaded = NLUPipeline.load(tmp_path)
    with use_reference_time(MONDAY_10AM):
        assert [e.value for e in loaded.parse("tomorrow, 3 items").entities] == ["2030-05-07T00:00:00.000+00:00"]


def test_another_language_gets_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        DucklingEntityExtractor.from_config({}, ComponentContext(language="de"))
    assert "duckling_entities reads English only; the bot's language is 'de'" in caplog.text


def test_duckling_dimensions_that_are_not_extracted_are_skipped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        component = DucklingEntityExtractor.from_config({"dimensions": ["time", "distance", "ordinal"]}, ComponentContext())
    assert component.dimensions == ("time",)
    assert "Duckling dimension(s) distance, ordinal are not extracted here" in caplog.text
