"""Finding model files: bundled names, local folders, and the errors for both."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialog.config.models import LLMSettings
from dialog.errors import ConfigError
from dialog.llm.hf import HFGenerator
from dialog.llm.loader import default_cache_dir, resolve_source

MARK = ("domains/shop/config.yml", 12, 3)


def test_bundled_model_is_found_without_importing_its_package() -> None:
    source = resolve_source("bundled:smollm2-135m")
    assert source.gguf_file == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert (source.folder / source.gguf_file).is_file()
    assert source.cache_key.startswith("smollm2-135m-")


def test_unknown_bundled_model_is_a_config_error_with_position() -> None:
    with pytest.raises(ConfigError, match=r"^domains/shop/config.yml:12:3: llm.model: unknown bundled model 'bundled:gpt5'"):
        resolve_source("bundled:gpt5", mark=MARK)


def test_missing_model_folder_is_a_config_error_with_position(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^domains/shop/config.yml:12:3: llm.model: model folder '.*models/nope' not found"):
        resolve_source("models/nope", root=tmp_path, mark=MARK)


def test_local_folder_is_resolved_against_the_bot_root(tmp_path: Path) -> None:
    (tmp_path / "models" / "tiny").mkdir(parents=True)
    (tmp_path / "models" / "tiny" / "config.json").write_text("{}", encoding="utf-8")
    source = resolve_source("models/tiny", root=tmp_path)
    assert source.folder == tmp_path / "models" / "tiny" and source.gguf_file is None


def test_cache_dir_follows_the_environment_when_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIALOG_CACHE_DIR", str(tmp_path))
    assert default_cache_dir() == tmp_path / "llm"
    monkeypatch.delenv("DIALOG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "dialog" / "llm"


def test_hf_settings_are_checked_without_loading(tmp_path: Path) -> None:
    generator = HFGenerator.from_settings(LLMSettings(options={"dtype": "bf16", "cache_dir": "cache"}), root=tmp_path)
    assert generator.dtype == "bf16" and generator.cache_dir == tmp_path / "cache"
    assert not generator.ready and generator.load_error is None
    with pytest.raises(ConfigError, match=r"config.yml:12:3: llm.options.dtype: unknown dtype 'int4'; valid: int8, bf16, fp32"):
        HFGenerator.from_settings(LLMSettings(options={"dtype": "int4"}, mark=MARK))
    with pytest.raises(ConfigError, match=r"config.yml:12:3: llm.options: unknown key\(s\) speed"):
        HFGenerator.from_settings(LLMSettings(options={"speed": "max"}, mark=MARK))


def test_a_non_llama_folder_without_transformers_names_the_hf_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from dialog.errors import LLMError
    from dialog.llm.loader import load_model

    (tmp_path / "config.json").write_text('{"model_type": "qwen2"}', encoding="utf-8")
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(LLMError, match=r"needs the 'transformers' package, .*: pip install 'dialog\[hf\]'"):
        load_model(resolve_source(str(tmp_path)), cache_dir=None)
