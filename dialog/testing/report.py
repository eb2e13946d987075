"""What a person reads after ``dialog test``: one line per case, a diff per failure, JUnit XML.

A failure report shows the first step that did not hold, then the state of the turn
it was about::

    FAIL cancel.yml::cancel an unshipped order (0.04s)
      at stories/cs/cancel.yml:14: utter: utter_ask_order_id
      - expected: response utter_ask_order_id
      + actual:   response utter_greet: 'Hi! How can I help?'
        user:     "I want to cancel my order"
        parse:    intent greet (0.41); entities: none
        bot said: utter_greet: 'Hi! How can I help?'
        slots:    (none set)
        flow:     (none active)
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dialog.testing.results import CaseResult, SuiteResult, Turn

__all__ = ["case_line", "failure_report", "junit_xml", "summary_line", "write_junit"]


def _seconds(value: float) -> str:
    return f"{value:.2f}s"


def case_line(result: CaseResult) -> str:
    """``PASS file::name (0.12s)`` or ``FAIL ...``."""
    status = "PASS" if result.passed else ("ERROR" if result.error else "FAIL")
    return f"{status} {result.case_id} ({_seconds(result.duration_s)})"


def _entities(turn: Turn) -> str:
    found = [f"{e.get('entity')}={json.dumps(e.get('value'), ensure_ascii=False)}" for e in turn.entities]
    return ", ".join(found) or "none"


def _slots(turn: Turn) -> str:
    filled = {name: value for name, value in sorted(turn.slots.items()) if value is not None}
    if not filled:
        return "(none set)"
    return ", ".join(f"{name}={json.dumps(value, ensure_ascii=False, default=str)}" for name, value in filled.items())


def _turn_lines(turn: Turn) -> list[str]:
    said = "; ".join(message.describe() for message in turn.bot_messages) or "(nothing)"
    llm = " [went to the LLM fallback]" if turn.has("llm_fallback") else ""
    return [
        f"    user:     {json.dumps(turn.text, ensure_ascii=False)}",
        f"    parse:    intent {turn.intent} ({turn.confidence:.2f}); entities: {_entities(turn)}",
        f"    bot said: {said}{llm}",
        f"    slots:    {_slots(turn)}",
        f"    flow:     {turn.active_flow or '(none active)'}",
    ]


def failure_report(result: CaseResult) -> str:
    """The case line and, for a failure, the diff at the first divergence."""
    lines = [case_line(result)]
    location = f"{result.path}:{result.line}" if result.path else result.name
    if result.error:
        lines += [f"  in case at {location}", f"  the bot raised: {result.error}"]
    failure = result.failure
    if failure is not None:
        where = f"{result.path}:{failure.line}" if result.path else f"line {failure.line}"
        lines += [
            f"  at {where}: {failure.step}",
            f"  - expected: {failure.expected}",
            f"  + actual:   {failure.actual}",
        ]
        if failure.turn is not None:
            lines += _turn_lines(failure.turn)
        if failure.note:
            lines.append(f"    why:      {failure.note}")
    return "\n".join(lines)


def summary_line(suite: SuiteResult) -> str:
    """The last line of ``dialog test``: counts and time, like pytest's."""
    failed = len(suite.failed)
    passed = len(suite.results) - failed
    parts = [f"{passed} passed"] + ([f"{failed} failed"] if failed else [])
    tail = " (stopped at the first failure: --fail-fast)" if suite.stopped_early else ""
    return f"{', '.join(parts)} in {_seconds(suite.duration_s)}{tail}"


def _classname(result: CaseResult) -> str:
    """``stories.customer_service.cancel`` from the file path, like pytest's JUnit."""
    if not result.path:
        return "stories"
    path = Path(result.path)
    try:
        path = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        path = Path(path.name)
    return ".".join(path.with_suffix("").parts)


def junit_xml(suite: SuiteResult, name: str = "dialog") -> str:
    """JUnit XML (the schema CI servers read: testsuites/testsuite/testcase/failure)."""
    errors = sum(1 for r in suite.results if r.error)
    failures = len(suite.failed) - errors
    root = ET.Element("testsuites", name=name, tests=str(len(suite.results)), failures=str(failures), errors=str(errors), time=f"{suite.duration_s:.3f}")
    element = ET.SubElement(
        root,
        "testsuite",
        name=name,
        tests=str(len(suite.results)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=f"{suite.duration_s:.3f}",
        timestamp=datetime.now(UTC).replace(microsecond=0).isoformat(),
        hostname=os.uname().nodename if hasattr(os, "uname") else "",
    )
    for result in suite.results:
        attributes: dict[str, Any] = {"classname": _classname(result), "name": result.name, "time": f"{result.duration_s:.3f}"}
        if result.path:
            attributes.update(file=result.path, line=str(result.line))
        case = ET.SubElement(element, "testcase", {k: str(v) for k, v in attributes.items()})
        if result.error:
            ET.SubElement(case, "error", message=result.error[:500], type="BotError").text = failure_report(result)
        elif result.failure:
            message = f"{result.failure.step}: expected {result.failure.expected}, got {result.failure.actual}"
            ET.SubElement(case, "failure", message=message[:500], type="StoryFailure").text = failure_report(result)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(suite: SuiteResult, path: str | Path, name: str = "dialog") -> None:
    """Write the JUnit XML that CI servers read, creating parent folders."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(junit_xml(suite, name), encoding="utf-8")
