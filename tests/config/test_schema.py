"""The schema helpers every config file reader shares: each problem is reported at its ``file:line:col`` and reading goes on."""

from __future__ import annotations

import pytest

from dialog.config.files import Document
from dialog.config.schema import Reporter
from dialog.config.yaml_reader import load_yaml_text
from dialog.errors import ConfigError


def _document(path: str, text: str) -> Document:
    return Document(path, load_yaml_text(text, path), tuple(text.splitlines()))


def _lines(reporter: Reporter) -> list[str]:
    return [str(problem) for problem in reporter.problems]


def test_top_mappings_skips_non_mappings_and_checks_keys() -> None:
    reporter = Reporter()
    documents = [
        _document("a.yml", "version: '3.1'\nflows: {}\n"),
        _document("b.yml", "- not\n- a mapping\n"),
        _document("c.yml", "flowz: {}\nrules: []\n"),
        _document("d.yml", ""),  # empty counts as an empty mapping
    ]
    seen = [report.path for report, _, _ in reporter.top_mappings(documents, "a flows file", ("flows", "version"), {"rules": "no rules here"}, keys_what="flows file")]
    assert seen == ["a.yml", "c.yml", "d.yml"]
    assert _lines(reporter) == [
        "b.yml:1:1: a flows file must be a mapping, got a list",
        "c.yml:1:1: unknown key 'flowz' in flows file (did you mean 'flows'?); valid keys: flows, rules, version",
    ]
    assert reporter.warning_lines() == ("c.yml:2:1: 'rules' in flows file is accepted but ignored: no rules here",)


def test_mappings_reports_each_bad_item_and_yields_the_rest() -> None:
    data = load_yaml_text("buttons:\n  - title: Small\n  - just text\n  - title: Large\n", "r.yml")
    reporter = Reporter()
    report = reporter.file("r.yml")
    found = [button["title"] for button in report.mappings(data["buttons"], data.value_mark("buttons"), "'buttons'", "each button")]
    assert found == ["Small", "Large"]
    assert _lines(reporter) == ["r.yml:3:5: each button must be a mapping, got a string ('just text')"]
    assert list(report.mappings("oops", (7, 3), "'buttons'", "each button")) == []
    assert _lines(reporter)[-1] == "r.yml:7:3: 'buttons' must be a list, got a string ('oops')"


def test_null_is_an_empty_container_at_its_mark() -> None:
    report = Reporter().file("x.yml")
    empty_map, empty_list = report.mapping(None, (4, 2), "m"), report.sequence(None, (5, 6), "s")
    assert (empty_map, empty_map.mark) == ({}, (4, 2))
    assert (empty_list, empty_list.mark) == ([], (5, 6))


def test_duplicate_names_where_it_was_first() -> None:
    reporter = Reporter()
    reporter.file("b.yml").duplicate((2, 3), "slot 'size'", ("a.yml", 3, 3))
    with pytest.raises(ConfigError) as info:
        reporter.raise_if_any()
    assert str(info.value) == "b.yml:2:3: slot 'size' is defined twice (first at a.yml:3:3)"
