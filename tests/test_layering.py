"""Imports point one way, down these layers; the core never pulls in the heavy ML stacks.

The layers of ``dialog``, top to bottom (a package may import its own layer's modules
only when they are its own, and any layer below it):

1. ``__main__``, then ``cli``         the command line
2. ``commands``                      one module per CLI command
3. ``channels``, ``testing``         console, HTTP server; story and NLU tests
4. ``bot``, ``reload``               one conversation turn: NLU, flows, LLM, store; swapping in a changed bot
5. ``knowledge``                     retrieval over the bot's documents
6. ``flows``, ``nlu``                the dialogue engine; the NLU pipeline
7. ``llm``, ``responses``, ``stores`` the fallback model; response rendering; conversation stores
8. ``config``                        reading and checking the bot's YAML into ``BotConfig``
9. ``dates``                         date and time slot values, ``now``/``today`` in conditions
10. ``duckling``                     Duckling's dimensions (dates, numbers, money...) from rules
11. core: ``types``, ``errors``, ``registry``, ``events``, ``builtin_names``,
   ``intent_payload``, ``actions``, ``protocols``, ``metrics`` (the counters any layer
   bumps), ``optional`` (imports from extras), ``reference_time``, ``questions`` (whether
   a text asks) and ``dialog/__init__``:
   the shared vocabulary every layer may use; core modules import only each other.

The check reads every ``import`` in ``dialog/`` (also the ones inside functions, which
are still dependencies), so it needs no imports itself. The ML checks run in a fresh
interpreter each, because this test process has long since imported everything:
``types``, ``errors``, ``config``, ``flows`` and ``stores`` must import without spaCy,
scikit-learn, transformers or torch, and so must loading and validating a bot, or
``dialog validate`` and a server's start would pay seconds for nothing.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dialog"

LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(names.split())
    for names in (
        "__main__",
        "cli",
        "commands",
        "channels testing",
        "bot reload",
        "knowledge",
        "flows nlu",
        "llm responses stores",
        "config",
        "dates",
        "duckling",
        "core",
    )
)
CORE = frozenset(
    {
        "__init__", "types", "errors", "registry", "events", "builtin_names", "intent_payload", "actions", "protocols",
        "metrics", "optional", "reference_time", "questions",
    }
)


def _unit(module: str) -> str:
    """``dialog.flows.engine`` -> ``flows``; a core module -> ``core``."""
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else "__init__"
    return "core" if name in CORE else name


def _layer(unit: str) -> int:
    for index, names in enumerate(LAYERS):
        if unit in names:
            return index
    raise AssertionError(f"dialog.{unit} is in no layer: add it to LAYERS in tests/test_layering.py (and docs/architecture.md)")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(module: str, text: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module) of every dialog import in the source ``text`` of ``module``."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            target = ".".join(part for part in (base, node.module or "") if part)
            found += [(node.lineno, _submodule(target, alias.name)) for alias in node.names]
    return [(line, name) for line, name in found if name == "dialog" or name.startswith("dialog.")]


def _submodule(package: str, name: str) -> str:
    """``from dialog import events`` imports the module ``dialog.events``; ``from dialog import __version__`` a name."""
    if package == "dialog" and ((PACKAGE / f"{name}.py").exists() or (PACKAGE / name).is_dir()):
        return f"dialog.{name}"
    return package


def _sources() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "templates" not in path.relative_to(PACKAGE).parts)


def test_every_import_points_down_the_layers() -> None:
    wrong = []
    for path in _sources():
        source = _unit(_module_name(path))
        for line, target in _imports(_module_name(path), path.read_text(encoding="utf-8"), path.name == "__init__.py"):
            unit = _unit(target)
            if unit == source:
                continue
            if _layer(unit) <= _layer(source):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {source} imports {target}, but {unit} is not below {source}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_the_check_sees_lazy_and_relative_imports() -> None:
    """The check must catch an import hidden in a function, or it proves nothing."""
    text = "def f():\n    from dialog import events\n    import dialog.bot\n    from ..flows import engine\n    from . import checks\n"
    assert [name for _, name in _imports("dialog.config.probe", text)] == ["dialog.events", "dialog.bot", "dialog.flows", "dialog.config"]
    assert [_unit(name) for _, name in _imports("dialog.config.probe", text)] == ["core", "bot", "flows", "config"]


def test_every_package_has_a_layer() -> None:
    for path in _sources():
        _layer(_unit(_module_name(path)))


HEAVY = ("spacy", "sklearn", "sklearn_crfsuite", "transformers", "torch")

_PROBE = """
import importlib, json, pkgutil, sys
import dialog
for name in {modules!r}:
    module = importlib.import_module(name)
    for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
        importlib.import_module(f"{{name}}.{{info.name}}")
{extra}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _heavy_after(modules: list[str], extra: str = "") -> list[str]:
    code = _PROBE.format(modules=modules, extra=extra, heavy=HEAVY)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "package",
    ["dialog.types", "dialog.errors", "dialog.events", "dialog.builtin_names", "dialog.intent_payload", "dialog.config", "dialog.flows", "dialog.stores", "dialog.registry", "dialog.cli"],
)
def test_core_modules_import_no_ml_stack(package: str) -> None:
    assert _heavy_after([package]) == []


def test_loading_a_bot_imports_no_ml_stack(tmp_path: Path) -> None:
    (tmp_path / "domain.yml").write_text('version: "3.1"\nintents: [greet]\nresponses:\n  utter_greet:\n    - text: hi\n')
    (tmp_path / "nlu.yml").write_text('version: "3.1"\nnlu:\n  - intent: greet\n    examples: |\n      - hi\n      - hello\n')
    (tmp_path / "flows.yml").write_text("flows:\n  greet:\n    description: say hi\n    nlu_trigger: [greet]\n    steps:\n      - action: utter_greet\n")
    (tmp_path / "config.yml").write_text(
        "language: en\npipeline:\n"
        + "".join(f"  - name: {name}\n" for name in ("spacy_tokenizer", "regex_entities", "lookup_entities", "crf_entities", "synonyms", "sentence_embeddings", "sklearn_intent"))
    )
    extra = f"from dialog.config import load_bot\nload_bot({str(tmp_path)!r})"
    assert _heavy_after([], extra) == []
