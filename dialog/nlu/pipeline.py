"""NLUPipeline: the configured components, run in order over a ``ParseResult``.

Training fits each component in turn and then runs it over the training texts, so
a later component sees the earlier ones' output (tokens, regex matches,
embeddings). ``save`` writes ``pipeline.json`` plus one folder per component;
``load`` rebuilds the same pipeline from that folder with no network access and no
re-training. A model folder is the project's own output (see ``training.py``).
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from dialog import __version__
from dialog.config.defaults import DEFAULT_PIPELINE
from dialog.config.models import ComponentSpec, NLUData, Settings
from dialog.errors import ComponentError, ModelError
from dialog.intent_payload import parse_payload
from dialog.nlu.component import (
    BackgroundTrainingComponent,
    BatchComponent,
    Component,
    ComponentClass,
    ComponentContext,
    LoadableComponent,
    SavedComponent,
    SlowComponent,
    TrainableComponent,
    TrainingBatchComponent,
)
from dialog.nlu.nonsense import with_nonsense_flag
from dialog.registry import resolve_component
from dialog.types import ParseResult

__all__ = ["NLUPipeline", "PIPELINE_FILE"]

logger = logging.getLogger(__name__)

PIPELINE_FILE = "pipeline.json"
_FORMAT = 1

Progress = Callable[[str], None]


class NLUPipeline:
    """A list of (spec, component); ``parse`` turns a text into a ``ParseResult``."""

    def __init__(self, specs: Sequence[ComponentSpec], components: Sequence[Component], context: ComponentContext) -> None:
        self.specs = tuple(specs)
        self.components = list(components)
        self.context = context

    @classmethod
    def from_settings(cls, settings: Settings, context: ComponentContext) -> NLUPipeline:
        """Build (untrained) components from config.yml; the default pipeline if it lists none."""
        specs = settings.pipeline or tuple(
            ComponentSpec(entry["name"], {k: v for k, v in entry.items() if k != "name"}) for entry in DEFAULT_PIPELINE
        )
        components = [resolve_component(spec.name).from_config(dict(spec.options), context) for spec in specs]
        return cls(specs, components, context)

    # training ---------------------------------------------------------------

    def train(self, data: NLUData, progress: Progress | None = None) -> None:
        examples = data.examples
        processed = [ParseResult(text=example.text) for example in examples]
        for index, (spec, component) in enumerate(zip(self.specs, self.components)):
            started = time.perf_counter()
            if isinstance(component, TrainableComponent):
                _report(progress, f"training {spec.name}")
                component.train(examples, processed, data)
            if index < len(self.components) - 1:
                processed = _run_training_batch(component, processed)
            _report(progress, f"{spec.name} done in {time.perf_counter() - started:.1f}s")
        for spec, component in zip(self.specs, self.components):
            if isinstance(component, BackgroundTrainingComponent):  # e.g. crf_entities trains on in a worker process
                started = time.perf_counter()
                component.finish_training()
                _report(progress, f"{spec.name} finished in the background, waited {time.perf_counter() - started:.1f}s")

    # parsing ----------------------------------------------------------------

    def parse(self, text: str) -> ParseResult:
        """The parse of ``text``; a ``/intent{...}`` payload skips the components."""
        payload = parse_payload(text, self.context.intents)
        if payload is not None:
            return payload
        result = ParseResult(text=text)
        for component in self.components:
            result = component(result)
        return with_nonsense_flag(result)

    def warm_up(self, background: bool = False) -> None:
        """Load the components' slow models (``sentence_embeddings``: torch and MiniLM,
        ~2 s) now, or in the background so that a bot answers before they are ready."""
        for component in self.components:
            if not isinstance(component, SlowComponent):
                continue
            if background:
                component.start_warm_up()
            else:
                component.warm_up()

    @property
    def warm(self) -> bool:
        """Whether every slow model is loaded (``/status`` shows it as ``nlu_warm``)."""
        return all(component.warm for component in self.components if isinstance(component, SlowComponent))

    def parse_batch(self, texts: Sequence[str]) -> list[ParseResult]:
        payloads = [parse_payload(text, self.context.intents) for text in texts]
        pending = [index for index, payload in enumerate(payloads) if payload is None]
        results = [ParseResult(text=texts[index]) for index in pending]
        for component in self.components:
            results = _run_batch(component, results)
        out: list[ParseResult | None] = list(payloads)
        for index, result in zip(pending, results):
            out[index] = result
        return [result for result in out if result is not None]

    # persistence ------------------------------------------------------------

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        entries = []
        for index, (spec, component) in enumerate(zip(self.specs, self.components)):
            folder = f"{index:02d}_{spec.name}"
            (directory / folder).mkdir(exist_ok=True)
            if isinstance(component, SavedComponent):
                component.save(directory / folder)
            entries.append({"name": spec.name, "options": _jsonable(spec.options), "folder": folder})
        manifest = {
            "format": _FORMAT,
            "dialog_version": __version__,
            "language": self.context.language,
            "intents": list(self.context.intents),
            "entities": list(self.context.entities),
            "components": entries,
        }
        (directory / PIPELINE_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, context: ComponentContext | None = None) -> NLUPipeline:
        """Rebuild a saved pipeline; ``context`` defaults to the one it was trained with."""
        directory = Path(directory)
        manifest = _read_manifest(directory)
        if context is None:
            context = ComponentContext(
                language=manifest.get("language", "en"),
                root=directory,
                entities=tuple(manifest.get("entities", ())),
                intents=tuple(manifest.get("intents", ())),
            )
        specs, components = [], []
        for entry in manifest["components"]:
            spec = ComponentSpec(entry["name"], entry.get("options", {}))
            component_class: ComponentClass = resolve_component(spec.name)
            folder = directory / entry["folder"]
            if isinstance(component_class, LoadableComponent):  # the class has a ``load`` class method
                component = component_class.load(folder, dict(spec.options), context)
            else:
                component = component_class.from_config(dict(spec.options), context)
            specs.append(spec)
            components.append(component)
        return cls(specs, components, context)


def _run_batch(component: Component, results: list[ParseResult]) -> list[ParseResult]:
    if isinstance(component, BatchComponent):
        return list(component.process_batch(results))
    return [component(result) for result in results]


def _run_training_batch(component: Component, results: list[ParseResult]) -> list[ParseResult]:
    """The training data on its way to the next component; a component may process it
    differently from a parse (``sentence_embeddings`` batches it, which is faster but
    not bit-identical to embedding one text at a time)."""
    if isinstance(component, TrainingBatchComponent):
        return list(component.process_training_batch(results))
    return _run_batch(component, results)


def _report(progress: Progress | None, message: str) -> None:
    logger.info(message)
    if progress is not None:
        progress(message)


def _jsonable(options: Any) -> Any:
    """Options as plain JSON (tuples become lists); raises for values JSON cannot hold."""
    try:
        return json.loads(json.dumps(dict(options)))
    except (TypeError, ValueError) as exc:
        raise ComponentError("pipeline", f"options {dict(options)!r} are not plain YAML values: {exc}") from exc


def _read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / PIPELINE_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"{directory} is not a trained model (no {PIPELINE_FILE}); run `dialog train`") from exc
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path}: {exc}") from exc
    if manifest.get("format") != _FORMAT or not isinstance(manifest.get("components"), list):
        raise ModelError(f"{path} was written by another dialog version; retrain with `dialog train --force`")
    return manifest
