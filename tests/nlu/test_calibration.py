"""Out-of-scope evidence: unknown words and distance to the intent's training examples."""

from __future__ import annotations

import pytest

from dialog.nlu.calibration import ClassVectors, IntentDensity, familiarity, is_unfamiliar
from dialog.nlu.sklearn_intent import SklearnIntentClassifier
from dialog.types import NLU_FALLBACK, ParseResult, TrainingExample


def test_familiarity_counts_known_words_and_ngrams() -> None:
    words, grams = familiarity(["where", "blorp", "123"], ["whe", "her", "xyz"], {"where": 0}, {"whe": 0, "her": 1})
    assert words == pytest.approx(0.5) and grams == pytest.approx(2 / 3)
    assert is_unfamiliar(0.0, 0.3) and not is_unfamiliar(0.0, 0.8) and not is_unfamiliar(0.5, 0.0)
    assert is_unfamiliar(0.0, 0.5)  # "foo": half its n-grams known from "for" and "too" is no reason to pick an intent


def test_class_vectors_scale_confidence_by_distance_to_the_intents_examples() -> None:
    vectors = ClassVectors.fit([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]], ["a", "a", "b"], ("a", "b"), weight=1.0)
    assert vectors.factor([1.0, 0.0], 0) == pytest.approx(1.0)
    assert vectors.factor([0.0, 1.0], 0) < 0.6  # far from every example of "a": exp(0.11 - 0.8)
    assert vectors.factor([0.0, 1.0], 1) == pytest.approx(1.0)


def test_words_the_model_never_saw_get_no_intent() -> None:
    examples = [TrainingExample(text, "greet") for text in ("hello", "hi there", "good morning")] + [
        TrainingExample(text, "goodbye") for text in ("bye", "see you later", "goodbye then")
    ]
    classifier = SklearnIntentClassifier.from_config({})
    classifier.train(examples, [ParseResult(example.text) for example in examples])
    assert classifier(ParseResult("hello")).intent == "greet"
    unknown = classifier(ParseResult("zzxv qwpk"))
    assert unknown.intent == NLU_FALLBACK and unknown.confidence == 0.0
    assert {score.name for score in unknown.ranking} == {"greet", "goodbye"}


def _clusters(seed: int = 0, per_intent: int = 12) -> tuple[list[list[float]], list[str]]:
    """Three intents, each a cloud of unit vectors around its own axis in 8 dimensions."""
    import numpy as np

    rng = np.random.default_rng(seed)
    vectors, labels = [], []
    for axis, name in enumerate(("greet", "goodbye", "check_order")):
        for _ in range(per_intent):
            vector = np.zeros(8)
            vector[axis] = 1.0
            vector += rng.normal(0, 0.15, 8)
            vectors.append(list(vector / np.linalg.norm(vector)))
            labels.append(name)
    return vectors, labels


def test_intent_density_keeps_typical_messages_and_lowers_far_ones() -> None:
    vectors, labels = _clusters()
    density = IntentDensity.fit(vectors, labels, ("greet", "goodbye", "check_order"), weight=1.0)
    assert density is not None
    fresh, _ = _clusters(seed=1)
    # a new message of the intent is about as far as its training examples were: unchanged
    assert sorted(density.factor(vector, 0) for vector in fresh[:12])[6] == pytest.approx(1.0)
    off_topic = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]  # a direction no intent's examples take
    assert density.distance(off_topic, 0) > 5 * density.distance(fresh[0], 0)
    assert density.factor(off_topic, 0) < 0.05


def test_intent_density_needs_intents_with_several_examples() -> None:
    assert IntentDensity.fit([[1.0, 0.0], [0.0, 1.0]], ["a", "b"], ("a", "b"), weight=1.0) is None


def _train_on_clusters(**options: float) -> SklearnIntentClassifier:
    vectors, labels = _clusters()
    texts = {"greet": "hello there", "goodbye": "see you later", "check_order": "where is my order"}
    examples = [TrainingExample(texts[label], label) for label in labels]
    processed = [ParseResult(e.text, features={"sentence_embedding": v}) for e, v in zip(examples, vectors)]
    classifier = SklearnIntentClassifier.from_config({"fast_path": False, "similarity_weight": 0.0, **options})
    classifier.train(examples, processed)
    return classifier


def test_a_message_far_from_its_intents_centre_falls_back(tmp_path) -> None:
    off_topic = [0.6, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.8]  # "hello" in words, nowhere near greet's examples
    without = _train_on_clusters(density_weight=0.0)(ParseResult("hello there", features={"sentence_embedding": off_topic}))
    classifier = _train_on_clusters()
    far = classifier(ParseResult("hello there", features={"sentence_embedding": off_topic}))
    assert without.intent == "greet"
    assert far.intent == NLU_FALLBACK and far.ranking[0].name == "greet"
    assert far.confidence < without.confidence / 5
    typical = [0.98, 0.1, 0.0, 0.0, 0.1, 0.0, 0.0, 0.0]
    assert classifier(ParseResult("hello there", features={"sentence_embedding": typical})).intent == "greet"
    classifier.save(tmp_path)
    loaded = SklearnIntentClassifier.load(tmp_path, {})
    again = loaded(ParseResult("hello there", features={"sentence_embedding": off_topic}))
    assert again.confidence == pytest.approx(far.confidence, rel=1e-4)


def test_a_bot_with_fewer_examples_than_dimensions_keeps_its_paraphrases() -> None:
    """Three examples an intent in 64 dimensions: a new message varies in directions the
    examples never did, and must still count as typical (the spread is cross-fitted)."""
    import numpy as np

    rng = np.random.default_rng(0)

    def example(axis: int) -> list[float]:
        vector = np.zeros(64)
        vector[axis] = 1.0
        vector += rng.normal(0, 0.1, 64)
        return list(vector / np.linalg.norm(vector))

    vectors = [example(axis) for axis in (0, 0, 0, 1, 1, 1)]
    density = IntentDensity.fit(vectors, ["track"] * 3 + ["greet"] * 3, ("track", "greet"), weight=1.0)
    assert density is not None
    assert min(density.factor(example(0), 0) for _ in range(20)) == pytest.approx(1.0)
    assert density.factor(example(1), 0) < 0.9  # the other intent's message still loses confidence


def test_an_out_of_scope_prediction_keeps_its_confidence() -> None:
    """Lying far from every intent is what out_of_scope's examples share: no distance lowers it."""
    vectors, labels = _clusters()
    labels = ["out_of_scope" if label == "check_order" else label for label in labels]
    texts = {"greet": "hello there", "goodbye": "see you later", "out_of_scope": "what is the weather on mars"}
    examples = [TrainingExample(texts[label], label) for label in labels]
    processed = [ParseResult(e.text, features={"sentence_embedding": v}) for e, v in zip(examples, vectors)]
    classifier = SklearnIntentClassifier.from_config({"fast_path": False})
    classifier.train(examples, processed)
    far = [0.0, 0.0, 0.6, 0.0, 0.0, 0.0, 0.0, 0.8]  # out_of_scope's words, a vector none of its examples has
    result = classifier(ParseResult("what is the weather on mars", features={"sentence_embedding": far}))
    assert result.intent == "out_of_scope"
    assert result.confidence == pytest.approx(result.ranking[0].confidence) and result.confidence > 0.9
