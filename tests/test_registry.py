from __future__ import annotations

import pytest

from dialog.errors import ComponentError
from dialog.registry import COMPONENTS, component_names, resolve, resolve_component


def test_unknown_component_lists_the_valid_names() -> None:
    with pytest.raises(ComponentError) as info:
        resolve_component("sklearn_intnet")
    message = str(info.value)
    assert "unknown component" in message
    for name in COMPONENTS:
        assert name in message


def test_component_names_are_sorted() -> None:
    assert component_names() == sorted(component_names())


def test_resolve_imports_module_attribute() -> None:
    assert resolve("dialog.errors:DialogError").__name__ == "DialogError"


def test_a_component_that_cannot_be_imported_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(COMPONENTS, "crf_entities", "dialog.nlu.not_installed:CRFEntityExtractor")
    with pytest.raises(ComponentError, match=r"cannot import dialog\.nlu\.not_installed:CRFEntityExtractor .*install it with: pip install sklearn-crfsuite"):
        resolve_component("crf_entities")
