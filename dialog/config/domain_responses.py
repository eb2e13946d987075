"""The ``responses:`` section of domain.yml: variations with text, buttons, conditions and media."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

from dialog.config.models import ResponseVariation
from dialog.config.schema import FileReport, describe
from dialog.config.yaml_reader import LocatedMap, to_plain
from dialog.types import Button

if TYPE_CHECKING:
    from dialog.config.domain import DomainSources

__all__ = ["parse_responses"]

_VARIATION_KEYS = ("buttons", "channel", "condition", "custom", "image", "metadata", "text")
_VARIATION_IGNORED = {
    "attachment": "the REST channel sends text, buttons, image and custom only",
    "elements": "the REST channel sends text, buttons, image and custom only",
    "quick_replies": "use buttons",
    "button_type": "buttons are sent as a plain list",
    "id": "variations are picked at random",
}
_CONTENT_KEYS = ("text", "buttons", "image", "custom", "attachment", "elements", "quick_replies")
_BUTTON_KEYS = ("payload", "title")
_CONDITION_KEYS = ("name", "type", "value")


def parse_responses(
    responses: LocatedMap, report: FileReport, into: dict[str, tuple[ResponseVariation, ...]], sources: DomainSources
) -> None:
    """Add ``responses:`` to ``into``; templates and ``/intent`` payloads are queued in ``sources`` for the cross-file checks."""
    for name, value in responses.items():
        mark = responses.key_mark(name)
        if name in into:
            report.duplicate(mark, f"response '{name}'", sources.marks[("response", name)])
            continue
        items = report.sequence(value, responses.value_mark(name), f"response '{name}'")
        if items is None:
            continue
        if not items:
            report.error(responses.value_mark(name), f"response '{name}' has no variations; add at least one '- text: ...'")
        variations = []
        for index, item in enumerate(items):
            variation = _parse_variation(str(name), item, items.item_mark(index), report, sources)
            if variation is not None:
                variations.append(variation)
        into[str(name)] = tuple(variations)
        sources.marks[("response", str(name))] = (report.path, *mark)


def _parse_variation(name: str, item: object, mark: tuple[int, int], report: FileReport, sources: DomainSources) -> ResponseVariation | None:
    what = f"response '{name}'"
    data = report.mapping(item, mark, f"{what}: each variation")
    if data is None:
        return None
    report.keys(data, _VARIATION_KEYS, what, ignored=_VARIATION_IGNORED)
    if not any(key in data for key in _CONTENT_KEYS):
        report.error(mark, f"{what}: a variation needs 'text', 'buttons', 'image' or 'custom'")
    text = report.typed(data, "text", str, what, "")
    if text:
        sources.templates.append((report, data.value_mark("text"), name, text))
    custom = report.typed(data, "custom", dict, what)
    metadata = report.typed(data, "metadata", dict, what)
    return ResponseVariation(
        text=text,
        buttons=_parse_buttons(name, data, report, sources) if "buttons" in data else (),
        condition=_parse_condition(data, report, what, sources) if "condition" in data else (),
        image=report.typed(data, "image", str, what),
        custom=MappingProxyType(to_plain(custom)) if custom is not None else None,
        channel=report.typed(data, "channel", str, what),
        metadata=MappingProxyType(to_plain(metadata)) if metadata is not None else None,
        mark=(report.path, *mark),
    )


def _parse_buttons(name: str, data: LocatedMap, report: FileReport, sources: DomainSources) -> tuple[Button, ...]:
    """Titles and payloads are templates too; a ``/intent`` payload is checked against the domain later."""
    what = f"response '{name}'"
    buttons = []
    for button in report.mappings(data["buttons"], data.value_mark("buttons"), f"{what}: 'buttons'", f"{what}: each button"):
        report.keys(button, _BUTTON_KEYS, f"{what} button", required=("title",))
        title = report.typed(button, "title", (str, int, float), f"{what} button", "")
        payload = report.typed(button, "payload", (str, int, float), f"{what} button", title)
        for key, text in (("title", str(title)), ("payload", str(payload))):
            if key in button and "{" in text:
                sources.templates.append((report, button.value_mark(key), name, text))
        if "payload" in button and str(payload).startswith("/"):
            sources.payloads.append((report, button.value_mark("payload"), name, str(payload)))
        buttons.append(Button(title=str(title), payload=str(payload)))
    return tuple(buttons)


def _parse_condition(data: LocatedMap, report: FileReport, what: str, sources: DomainSources) -> tuple[tuple[str, object], ...]:
    result = []
    for condition in report.mappings(data["condition"], data.value_mark("condition"), f"{what}: 'condition'", f"{what}: each condition"):
        report.keys(condition, _CONDITION_KEYS, f"{what} condition", required=("name", "value"))
        if condition.get("type", "slot") != "slot":
            report.error(condition.value_mark("type"), f"{what} condition: type must be 'slot', got {describe(condition['type'])}")
        slot = report.typed(condition, "name", str, f"{what} condition")
        if slot is not None:
            sources.slot_refs.append((report, condition.value_mark("name"), slot, f"{what} condition"))
            result.append((slot, to_plain(condition.get("value"))))
    return tuple(result)
