"""IntentFeaturizer: fitted with scikit-learn, used without it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from dialog.nlu.intent_features import FeatureSettings, IntentFeaturizer
from dialog.nlu.sklearn_intent import SklearnIntentClassifier
from dialog.types import ParseResult, TrainingExample

TEXTS = ["where is my order", "Track my PACKAGE please", "hi  there", "", "naïve café ☕", "bye bye bye"]


def test_a_texts_row_is_its_row_of_the_training_matrix() -> None:
    featurizer = IntentFeaturizer(FeatureSettings())
    results = [ParseResult(text) for text in TEXTS]
    fitted = featurizer.fit_transform(results).toarray()
    for result, expected in zip(results, fitted):
        columns, values = featurizer.row(result)
        row = np.zeros(featurizer.n_text_features, dtype=np.float32)
        row[columns] = values
        assert np.allclose(row, expected, atol=1e-6)


def test_a_saved_intent_model_loads_and_parses_without_importing_scikit_learn(tmp_path) -> None:
    """scikit-learn's import costs a server 0.7-0.9 s of its start."""
    data = [("hi", "greet"), ("hello there", "greet"), ("bye", "goodbye"), ("see you later", "goodbye")]
    examples = [TrainingExample(text, intent) for text, intent in data]
    classifier = SklearnIntentClassifier.from_config({})
    classifier.train(examples, [ParseResult(example.text) for example in examples])
    classifier.save(tmp_path)
    script = (
        "import sys\n"
        "from dialog.nlu.sklearn_intent import SklearnIntentClassifier\n"
        "from dialog.types import ParseResult\n"
        f"loaded = SklearnIntentClassifier.load({str(tmp_path)!r}, {{}})\n"
        "print(loaded(ParseResult('hello')).intent, 'sklearn' in sys.modules)\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["greet", "False"]
