"""Out-of-scope evidence: unknown words and distance to the intent's training examples."""

from __future__ import annotations

import pytest

from dialog.nlu.calibration import ClassVectors, familiarity, is_unfamiliar
from dialog.nlu.sklearn_intent import SklearnIntentClassifier
from dialog.types import NLU_FALLBACK, ParseResult, TrainingExample


def test_familiarity_counts_known_words_and_ngrams() -> None:
    words, grams = familiarity(["where", "blorp", "123"], ["whe", "her", "xyz"], {"where": 0}, {"whe": 0, "her": 1})
    assert words == pytest.approx(0.5) and grams == pytest.approx(2 / 3)
    assert is_unfamiliar(0.0, 0.3) and not is_unfamiliar(0.0, 0.8) and not is_unfamiliar(0.5, 0.0)


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
