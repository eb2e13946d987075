"""A package from an optional extra that is missing names the pip line that installs it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dialog.optional import MissingExtraError, require


def test_an_installed_package_is_returned() -> None:
    assert require("json", "hf", "anything").dumps([1]) == "[1]"


def test_a_missing_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(MissingExtraError, match=r"^a Qwen model needs the 'transformers' package, .*: pip install 'dialog\[hf\]'$"):
        require("transformers", "hf", "a Qwen model")


def test_a_broken_dependency_of_an_installed_package_is_not_blamed_on_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "brokenpkg").mkdir()
    (tmp_path / "brokenpkg" / "__init__.py").write_text("import dialog_no_such_module\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="dialog_no_such_module") as caught:
        require("brokenpkg", "hf", "x")
    assert not isinstance(caught.value, MissingExtraError)
    sys.modules.pop("brokenpkg", None)
