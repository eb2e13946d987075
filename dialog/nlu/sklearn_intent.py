"""``sklearn_intent``: TF-IDF word + char n-grams (+ sentence embeddings) and a linear SVM.

Probabilities are a softmax over the SVM's decision scores with a temperature fitted
on cross-validated scores, so ``threshold`` means roughly "how sure": below it the
intent becomes ``nlu_fallback`` while the ranking keeps the real intents.

With sentence embeddings there are two models: the full one (TF-IDF + embedding)
and a fast one on the TF-IDF columns alone. A parse asks the fast one first and
runs the sentence encoder only when it is less than ``fast_confidence`` sure. On
held-out customer_service examples that skips the encoder for half the messages
at 0.3 points of accuracy (91.12 vs 91.43; TF-IDF alone 82.24), and for the
everyday messages a bot sees most (ones like its training examples) nearly always.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from dialog.errors import ComponentError, ModelError
from dialog.nlu.calibration import ClassVectors, IntentDensity, is_unfamiliar
from dialog.nlu.component import ComponentContext, build_config
from dialog.nlu.intent_features import FeatureSettings, IntentFeaturizer, embedding_of
from dialog.nlu.intent_space import LearnedIntentSpace
from dialog.nlu.linear_model import LinearModel, fit_svm, fit_temperature
from dialog.types import NLU_FALLBACK, OUT_OF_SCOPE, IntentScore, ParseResult, TrainingExample

__all__ = ["SklearnIntentClassifier"]

logger = logging.getLogger(__name__)

_FEATURIZER_FILE = "intent_features.joblib"
_WEIGHTS_FILE = "intent_weights.npy"
_BIAS_FILE = "intent_bias.npy"
_FAST_WEIGHTS_FILE = "intent_fast_weights.npy"
_FAST_BIAS_FILE = "intent_fast_bias.npy"
_META_FILE = "intent_meta.json"
_CLASS_VECTORS_FILE = "intent_class_vectors.npy"
_CLASS_OFFSETS_FILE = "intent_class_offsets.npy"
_CENTRES_FILE = "intent_centres.npy"
_WHITENING_FILE = "intent_whitening.npy"
_FORMAT = 3  # 2: the featurizer keeps plain vocabularies, not scikit-learn vectorizers; 3: + the learned intent space


@dataclass(frozen=True)
class SklearnIntentConfig:
    threshold: float = 0.4
    word_ngrams: int = 2
    char_ngrams: tuple[int, int] = (2, 5)
    min_df: int = 1
    C: float = 0.5
    temperature: float = 0.0  # 0 = fit on cross-validated scores
    embedding_weight: float = 2.0  # chosen on BANKING77 / CLINC150 dev splits (1, 2, 3 tried)
    # with embeddings: answer from TF-IDF alone when that model is this sure (bench/nlu_tried.md)
    fast_path: bool = True
    # 0.98 / 0.99 / 0.995 / 0.999 tried on dev: accuracy alike; above 0.99 fewer out-of-scope texts skip the checks
    # below (CLINC150 valid: 88 / 89 recall at 0.995 / 0.999), and 0.995 keeps the median parse off the encoder
    fast_confidence: float = 0.995
    # with embeddings: confidence *= min(1, exp(w * (cosine to the intent's nearest example - 0.8))); 0 = off
    similarity_weight: float = 1.0  # dialog/nlu/calibration.py; 0 / 1 / 2.5 / 5 / 10 tried on CLINC150 valid
    # with embeddings: confidence *= min(1, exp(-w * (distance to the intent's centre / typical - 2))); 0 = off
    density_weight: float = 1.0  # dialog/nlu/calibration.py; 0.5 / 1 / 2 tried (bench/RESULTS.md #14)
    # with embeddings: the same in a space learned from the intents, no change up to 2.5 typical distances
    learned_density_weight: float = 1.0  # dialog/nlu/intent_space.py; 0 = off (saves its training time)

    def __post_init__(self) -> None:
        object.__setattr__(self, "char_ngrams", tuple(self.char_ngrams))
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self.threshold}")
        if not 0.0 < self.fast_confidence <= 1.0:
            raise ValueError(f"fast_confidence must be above 0 and at most 1, got {self.fast_confidence}")
        low, high = self.char_ngrams if len(self.char_ngrams) == 2 else (0, -1)
        if not 1 <= low <= high:
            raise ValueError(f"char_ngrams must be [low, high] with 1 <= low <= high, got {list(self.char_ngrams)}")
        if min(self.similarity_weight, self.density_weight, self.learned_density_weight) < 0:
            raise ValueError("similarity_weight, density_weight and learned_density_weight must be >= 0")
        if self.word_ngrams < 1 or self.min_df < 1 or self.C <= 0 or self.temperature < 0:
            raise ValueError("word_ngrams and min_df must be >= 1, C > 0 and temperature >= 0")


class SklearnIntentClassifier:
    """Predicts the intent of a ``ParseResult`` from its text, tokens and embedding."""

    name = "sklearn_intent"
    Config = SklearnIntentConfig

    def __init__(self, config: SklearnIntentConfig) -> None:
        self.config = config
        self._featurizer: IntentFeaturizer | None = None
        self._classes: tuple[str, ...] = ()
        self._model: LinearModel | None = None  # None: a single intent, always predicted
        self._fast: LinearModel | None = None  # TF-IDF columns only; see the module docstring
        self._vectors: ClassVectors | None = None  # training sentence vectors per intent (calibration.py)
        self._density: IntentDensity | None = None  # intent centres in the sentence-vector space (calibration.py)
        self._space: LearnedIntentSpace | None = None  # intent centres in a learned space (intent_space.py)

    @classmethod
    def from_config(cls, options: Mapping[str, Any], context: ComponentContext | None = None) -> SklearnIntentClassifier:
        return cls(build_config(SklearnIntentConfig, options, cls.name))

    # training ---------------------------------------------------------------

    def train(
        self,
        examples: Sequence[TrainingExample],
        processed: Sequence[ParseResult],
        data: Any = None,
    ) -> None:
        """Fit vectorizers and the SVM; one intent needs no model at all."""
        if not examples:
            raise ComponentError(self.name, "no training examples; add intents with examples to nlu.yml")
        labels = [example.intent for example in examples]
        self._classes = tuple(sorted(set(labels)))
        settings = FeatureSettings(
            word_ngrams=self.config.word_ngrams,
            char_ngrams=self.config.char_ngrams,
            min_df=min(self.config.min_df, len(examples)),
            embedding_weight=self.config.embedding_weight,
        )
        self._featurizer = IntentFeaturizer(settings)
        features = self._featurizer.fit_transform(list(processed))
        self._model = self._fast = None
        if len(self._classes) < 2:
            return
        with_fast = self.config.fast_path and self._featurizer.embedding_size > 0
        text_features = features[:, : self._featurizer.n_text_features] if with_fast else None
        # Many intents with few examples each (a Rasa FAQ bot's retrieval sub-intents) make
        # sklearn guess "regression?" on a fold, which they are not. The filter is set here,
        # around the pool's whole life: warning filters are global, so one set inside a
        # worker thread could be undone by another thread's.
        with warnings.catch_warnings(), ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
            warnings.filterwarnings("ignore", message="The number of unique classes is greater than 50%", category=UserWarning)
            # liblinear releases the GIL: every fit is queued at once, the slowest (the full
            # model, whose dense embedding columns dominate) first, and two run side by side
            fitted = pool.submit(fit_svm, self.config.C, features, labels)
            temperature = self._temperature_later(features, labels, pool)
            if with_fast:
                fitted_fast = pool.submit(fit_svm, self.config.C, text_features, labels)
                fast_temperature = self._temperature_later(text_features, labels, pool)
                self._fast = LinearModel.of(fitted_fast.result(), fast_temperature())
            self._model = LinearModel.of(fitted.result(), temperature())
        self._classes = self._model.classes
        self._vectors = self._density = self._space = None
        if self._featurizer.embedding_size:
            vectors = [embedding_of(result) for result in processed]
            if self.config.similarity_weight > 0:
                self._vectors = ClassVectors.fit(vectors, labels, self._classes, self.config.similarity_weight)
            if self.config.density_weight > 0:
                self._density = IntentDensity.fit(vectors, labels, self._classes, self.config.density_weight)
            if self.config.learned_density_weight > 0:
                self._space = LearnedIntentSpace.fit(vectors, labels, self._classes, self.config.learned_density_weight)
        logger.debug("intent softmax temperature %.4f", self._model.temperature)

    def _temperature_later(self, features: Any, labels: list[str], pool: Executor) -> Callable[[], float]:
        """Queue the temperature's fold fits now; the returned function waits for them."""
        if self.config.temperature:
            return lambda: self.config.temperature
        return fit_temperature(self.config.C, features, labels, pool)

    # prediction -------------------------------------------------------------

    def __call__(self, result: ParseResult) -> ParseResult:
        """One text: gathers only the weight rows of its n-grams (no sparse matrices)."""
        if self._featurizer is None:
            raise ModelError("sklearn_intent is not trained; run `dialog train` first")
        if self._model is None:
            return self._annotate(result, [1.0])
        import numpy as np

        featurizer, model = self._featurizer, self._model
        try:
            featurizer.check_embeddings([result])
        except ValueError as exc:
            raise ComponentError(self.name, str(exc)) from exc
        columns, values = featurizer.row(result)
        unfamiliar = is_unfamiliar(*featurizer.familiarity(result))
        if self._fast is not None and not unfamiliar:
            probabilities = self._fast.probabilities(values @ self._fast.weights[columns] + self._fast.bias)
            if probabilities.max() >= self.config.fast_confidence:
                return self._annotate(result, probabilities[0])
        vector = embedding_of(result) if featurizer.embedding_size else None
        scores = values @ model.weights[columns] + model.bias
        if vector is not None:
            scores += np.asarray(vector, dtype=np.float32) * featurizer.settings.embedding_weight @ model.weights[featurizer.n_text_features :]
        probabilities = model.probabilities(scores)[0]
        if unfamiliar:
            # no known word, at least half of the n-grams unknown: the ranking stays, no intent may claim it (calibration.py)
            return self._annotate(result, probabilities, factor=0.0)
        factor, best = 1.0, int(probabilities.argmax())
        if self._classes[best] == OUT_OF_SCOPE:
            # being far from every intent is what out_of_scope's examples have in common: the
            # distances below would only make a right answer less sure (CLINC150 valid ECE 0.043 -> 0.036)
            return self._annotate(result, probabilities)
        if self._vectors is not None and vector is not None:
            factor = self._vectors.factor(vector, best)
        if self._density is not None and vector is not None:
            factor *= self._density.factor(vector, best)
        if self._space is not None and vector is not None:
            factor *= self._space.factor(vector, best)
        return self._annotate(result, probabilities, factor)

    def process_batch(self, results: Sequence[ParseResult]) -> list[ParseResult]:
        """One text at a time: the fast path decides per text, and a single text's row
        costs no more than its share of a sparse matrix would."""
        return [self(result) for result in results]

    def _annotate(self, result: ParseResult, probabilities: Sequence[float], factor: float = 1.0) -> ParseResult:
        """The ranking, every confidence times ``factor`` (how in-scope the text looks)."""
        ranked = sorted(zip(self._classes, probabilities), key=lambda pair: -float(pair[1]))
        ranking = [IntentScore(name, float(p) * factor) for name, p in ranked]
        best = ranking[0]
        sure = _family_confidence(best.name, ranking)
        intent = best.name if sure >= self.config.threshold else NLU_FALLBACK
        return result.replace(intent=intent, confidence=sure, ranking=tuple(ranking))

    # persistence ------------------------------------------------------------

    def save(self, directory: Path) -> None:
        import joblib
        import numpy as np

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        joblib.dump(self._featurizer, directory / _FEATURIZER_FILE, compress=3)
        if self._model is not None:
            np.save(directory / _WEIGHTS_FILE, self._model.weights, allow_pickle=False)
            np.save(directory / _BIAS_FILE, self._model.bias, allow_pickle=False)
        if self._fast is not None:
            np.save(directory / _FAST_WEIGHTS_FILE, self._fast.weights, allow_pickle=False)
            np.save(directory / _FAST_BIAS_FILE, self._fast.bias, allow_pickle=False)
        if self._vectors is not None:
            np.save(directory / _CLASS_VECTORS_FILE, self._vectors.vectors, allow_pickle=False)
            np.save(directory / _CLASS_OFFSETS_FILE, self._vectors.offsets, allow_pickle=False)
        if self._density is not None:
            np.save(directory / _CENTRES_FILE, self._density.centres, allow_pickle=False)
            np.save(directory / _WHITENING_FILE, self._density.whitening, allow_pickle=False)
        meta = {
            "format": _FORMAT,
            "classes": list(self._classes),
            "temperature": self._model.temperature if self._model is not None else 1.0,
            "fast_temperature": self._fast.temperature if self._fast is not None else None,
            "similarity_weight": self._vectors.weight if self._vectors is not None else None,
            "density": (
                {"typical": self._density.typical, "weight": self._density.weight} if self._density is not None else None
            ),
            "space": self._space.save(directory) if self._space is not None else None,
            "config": asdict(self.config),
        }
        (directory / _META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")

    @classmethod
    def load(
        cls, directory: Path, options: Mapping[str, Any], context: ComponentContext | None = None
    ) -> SklearnIntentClassifier:
        """Rebuild from ``save``'s files; ``options`` may change the threshold only."""
        import joblib
        import numpy as np

        directory = Path(directory)
        try:
            meta = json.loads((directory / _META_FILE).read_text(encoding="utf-8"))
            if meta.get("format") != _FORMAT:
                raise ModelError(f"intent model in {directory} has format {meta.get('format')}; retrain with `dialog train`")
            featurizer = joblib.load(directory / _FEATURIZER_FILE)
            classes = tuple(meta["classes"])
            model = fast = None
            if len(classes) > 1:
                model = LinearModel.read(directory, _WEIGHTS_FILE, _BIAS_FILE, classes, meta["temperature"])
            if meta.get("fast_temperature") is not None:
                fast = LinearModel.read(directory, _FAST_WEIGHTS_FILE, _FAST_BIAS_FILE, classes, meta["fast_temperature"])
            vectors = None
            if meta.get("similarity_weight") is not None:
                vectors = ClassVectors(
                    np.load(directory / _CLASS_VECTORS_FILE, allow_pickle=False),
                    np.load(directory / _CLASS_OFFSETS_FILE, allow_pickle=False),
                    float(meta["similarity_weight"]),
                )
            density = None
            if meta.get("density") is not None:
                density = IntentDensity(
                    np.load(directory / _CENTRES_FILE, allow_pickle=False),
                    np.load(directory / _WHITENING_FILE, allow_pickle=False),
                    float(meta["density"]["typical"]),
                    float(meta["density"]["weight"]),
                )
            space = LearnedIntentSpace.load(directory, meta["space"]) if meta.get("space") is not None else None
        except (OSError, ValueError, EOFError, KeyError) as exc:
            raise ModelError(f"cannot read the intent model in {directory}: {exc}") from exc
        component = cls.from_config(options, context)
        component._featurizer = featurizer
        component._classes, component._model = classes, model
        component._fast = fast if component.config.fast_path else None
        component._vectors, component._density, component._space = vectors, density, space
        return component


def _family_confidence(name: str, ranking: Sequence[IntentScore]) -> float:
    """How sure the parse is of ``name``: for a Rasa retrieval sub-intent (``faq/ask_name``)
    the summed probability of its retrieval intent's sub-intents, as Rasa's classifier is
    sure of ``faq`` while its ResponseSelector picks the sub-intent; else its own."""
    base, slash, _ = name.partition("/")
    if not slash:
        return next(score.confidence for score in ranking if score.name == name)
    return min(1.0, sum(score.confidence for score in ranking if score.name.startswith(base + "/")))
