"""What a person and a CI server read: case lines, the failure diff, JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from dialog.testing.report import case_line, failure_report, junit_xml, summary_line, write_junit
from dialog.testing.results import CaseResult, Failure, SuiteResult, Turn

TURN = Turn(
    text="I want to cancel my order",
    events=(
        {
            "event": "user",
            "text": "I want to cancel my order",
            "parse_data": {
                "intent": {"name": "greet", "confidence": 0.41},
                "entities": [{"entity": "product", "value": "yoga mat"}],
            },
        },
        {"event": "bot", "text": "Hi! How can I help?", "metadata": {"utter_action": "utter_greet"}},
    ),
    slots={"order_id": None, "email": "a@b.co"},
    active_flow="cancel_order (step ask_order_id)",
)
FAILURE = Failure(
    step="utter: utter_ask_order_id",
    line=14,
    expected="response utter_ask_order_id",
    actual="response utter_greet: 'Hi! How can I help?'",
    turn=TURN,
)
FAILED = CaseResult("cancel.yml::cancel an order", "cancel an order", "stories/cs/cancel.yml", 3, 0.0412, failure=FAILURE)
PASSED = CaseResult("cancel.yml::greet", "greet", "stories/cs/cancel.yml", 20, 0.01)
ERRORED = CaseResult("cancel.yml::boom", "boom", "stories/cs/cancel.yml", 30, 0.02, error="ActionError: lookup failed")


def test_case_lines() -> None:
    assert case_line(PASSED) == "PASS cancel.yml::greet (0.01s)"
    assert case_line(FAILED) == "FAIL cancel.yml::cancel an order (0.04s)"
    assert case_line(ERRORED) == "ERROR cancel.yml::boom (0.02s)"


def test_failure_report_is_the_documented_diff() -> None:
    assert failure_report(FAILED) == "\n".join(
        [
            "FAIL cancel.yml::cancel an order (0.04s)",
            "  at stories/cs/cancel.yml:14: utter: utter_ask_order_id",
            "  - expected: response utter_ask_order_id",
            "  + actual:   response utter_greet: 'Hi! How can I help?'",
            '    user:     "I want to cancel my order"',
            '    parse:    intent greet (0.41); entities: product="yoga mat"',
            "    bot said: utter_greet: 'Hi! How can I help?'",
            '    slots:    email="a@b.co"',
            "    flow:     cancel_order (step ask_order_id)",
        ]
    )


def test_error_report_names_the_exception() -> None:
    assert "the bot raised: ActionError: lookup failed" in failure_report(ERRORED)


def test_summary_line() -> None:
    suite = SuiteResult([PASSED, FAILED], duration_s=1.5, stopped_early=True)
    assert summary_line(suite) == "1 passed, 1 failed in 1.50s (stopped at the first failure: --fail-fast)"
    assert summary_line(SuiteResult([PASSED], duration_s=0.2)) == "1 passed in 0.20s"


def test_junit_xml_has_the_usual_fields(tmp_path: Path) -> None:
    suite = SuiteResult([PASSED, FAILED, ERRORED], duration_s=0.0712)
    path = tmp_path / "out" / "results.xml"
    write_junit(suite, path, name="customer_service")
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    [testsuite] = root.findall("testsuite")
    assert testsuite.attrib["name"] == "customer_service"
    assert (testsuite.attrib["tests"], testsuite.attrib["failures"], testsuite.attrib["errors"]) == ("3", "1", "1")
    assert testsuite.attrib["time"] == "0.071"
    assert "timestamp" in testsuite.attrib
    cases = testsuite.findall("testcase")
    assert [case.attrib["name"] for case in cases] == ["greet", "cancel an order", "boom"]
    assert cases[0].attrib["classname"] == "stories.cs.cancel"
    assert cases[0].attrib["time"] == "0.010"
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure.attrib["message"] == (
        "utter: utter_ask_order_id: expected response utter_ask_order_id, got response utter_greet: 'Hi! How can I help?'"
    )
    assert "+ actual:   response utter_greet" in failure.text
    assert cases[2].find("error").attrib["message"] == "ActionError: lookup failed"


def test_junit_escapes_markup_in_messages() -> None:
    turn = Turn(text="<b>&", events=(), slots={})
    bad = CaseResult("x::y", "a <case> & more", "", 0, 0.0, failure=Failure("bot: \"<i>\"", 1, "text <i>", "text &", turn))
    root = ET.fromstring(junit_xml(SuiteResult([bad])))
    case = root.find("testsuite/testcase")
    assert case.attrib["name"] == "a <case> & more"
    assert case.find("failure").attrib["message"].endswith("got text &")
