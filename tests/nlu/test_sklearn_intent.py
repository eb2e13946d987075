"""SklearnIntentClassifier: intents, fallback threshold, tiny data, save/load."""

from __future__ import annotations

import pytest

from dialog.errors import ComponentError, ModelError
from dialog.nlu.sklearn_intent import SklearnIntentClassifier
from dialog.types import NLU_FALLBACK, ParseResult, Token, TrainingExample

DATA = [
    ("hi", "greet"),
    ("hello there", "greet"),
    ("hey, good morning", "greet"),
    ("bye", "goodbye"),
    ("see you later", "goodbye"),
    ("goodbye my friend", "goodbye"),
    ("where is my order", "check_order"),
    ("track my package", "check_order"),
    ("has my order shipped yet", "check_order"),
]


def _train(data=DATA, **options) -> SklearnIntentClassifier:
    examples = [TrainingExample(text, intent) for text, intent in data]
    classifier = SklearnIntentClassifier.from_config(options)
    classifier.train(examples, [ParseResult(example.text) for example in examples])
    return classifier


def test_predicts_the_intent_with_a_full_sorted_ranking() -> None:
    result = _train()(ParseResult("where is my package"))
    assert result.intent == "check_order"
    assert [score.name for score in result.ranking][0] == "check_order"
    assert {score.name for score in result.ranking} == {"greet", "goodbye", "check_order"}
    confidences = [score.confidence for score in result.ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)
    assert result.confidence == confidences[0]
    assert isinstance(result.intent, str) and type(result.ranking[0].name) is str


def test_below_threshold_gives_nlu_fallback_and_keeps_the_ranking() -> None:
    result = _train(threshold=1.0)(ParseResult("hello there"))
    assert result.intent == NLU_FALLBACK
    assert result.ranking[0].name == "greet"
    assert result.confidence == result.ranking[0].confidence


def test_two_intents_with_three_examples_each() -> None:
    classifier = _train(DATA[:6])
    assert classifier(ParseResult("hello")).intent == "greet"
    assert classifier(ParseResult("see you")).intent == "goodbye"


def test_a_single_intent_is_always_predicted() -> None:
    classifier = _train([("hi", "greet"), ("hello", "greet")])
    result = classifier(ParseResult("anything at all"))
    assert result.intent == "greet" and result.confidence == 1.0


def test_out_of_scope_is_an_ordinary_class() -> None:
    data = DATA + [("what is the weather on mars", "out_of_scope"), ("sing me a song", "out_of_scope"),
                   ("who won the football game", "out_of_scope")]
    assert _train(data)(ParseResult("sing a song for me")).intent == "out_of_scope"


def test_uses_lemmas_from_the_tokenizer() -> None:
    examples = [TrainingExample(t, i) for t, i in DATA]
    processed = [ParseResult(e.text, tokens=tuple(Token(w, 0, len(w), lemma="LEMMA" + w[:2]) for w in e.text.split()))
                 for e in examples]
    classifier = SklearnIntentClassifier.from_config({})
    classifier.train(examples, processed)
    tokens = (Token("wh", 0, 2, lemma="LEMMAwh"),)
    assert classifier(ParseResult("zz", tokens=tokens)).ranking[0].name == "check_order"


def test_process_batch_matches_single_calls() -> None:
    classifier = _train()
    texts = ["hi", "track it", "bye now"]
    batch = classifier.process_batch([ParseResult(text) for text in texts])
    assert [r.intent for r in batch] == [classifier(ParseResult(text)).intent for text in texts]


def test_save_and_load_round_trip(tmp_path) -> None:
    classifier = _train()
    classifier.save(tmp_path)
    loaded = SklearnIntentClassifier.load(tmp_path, {"threshold": 0.2})
    for text in ["hello", "where is my stuff", "later"]:
        assert loaded(ParseResult(text)).ranking == classifier(ParseResult(text)).ranking
    assert loaded.config.threshold == 0.2


def test_load_from_an_empty_folder_is_a_model_error(tmp_path) -> None:
    with pytest.raises(ModelError):
        SklearnIntentClassifier.load(tmp_path, {})


def test_untrained_call_is_a_model_error() -> None:
    with pytest.raises(ModelError):
        SklearnIntentClassifier.from_config({})(ParseResult("hi"))


@pytest.mark.parametrize(
    "options",
    [{"threshold": 2}, {"char_ngrams": [5, 2]}, {"colour": "red"}, {"fast_confidence": 0}, {"density_weight": -1}],
)
def test_bad_options_name_the_component(options) -> None:
    with pytest.raises(ComponentError, match="sklearn_intent"):
        SklearnIntentClassifier.from_config(options)


def test_no_examples_is_a_component_error() -> None:
    with pytest.raises(ComponentError, match="no training examples"):
        SklearnIntentClassifier.from_config({}).train([], [])


def test_single_parse_gives_the_batch_confidences() -> None:
    classifier = _train()
    texts = ["hi there", "where's my order??", "bye", "", "unrelated words entirely"]
    batch = classifier.process_batch([ParseResult(text) for text in texts])
    for text, expected in zip(texts, batch):
        single = classifier(ParseResult(text))
        assert [s.name for s in single.ranking] == [s.name for s in expected.ranking]
        assert [s.confidence for s in single.ranking] == pytest.approx([s.confidence for s in expected.ranking], abs=1e-5)


def test_binary_single_parse_matches_batch() -> None:
    classifier = _train(DATA[:6])
    single = classifier(ParseResult("good morning"))
    batch = classifier.process_batch([ParseResult("good morning")])[0]
    assert single.intent == batch.intent == "greet"
    assert single.confidence == pytest.approx(batch.confidence, abs=1e-5)


def test_embedding_features_are_appended_and_then_required() -> None:
    examples = [TrainingExample(text, intent) for text, intent in DATA]
    axis = {"greet": [1.0, 0.0, 0.0], "goodbye": [0.0, 1.0, 0.0], "check_order": [0.0, 0.0, 1.0]}
    processed = [ParseResult(e.text, features={"sentence_embedding": axis[e.intent]}) for e in examples]
    classifier = SklearnIntentClassifier.from_config({"embedding_weight": 3.0})
    classifier.train(examples, processed)
    result = classifier(ParseResult("zzz", features={"sentence_embedding": [0.0, 1.0, 0.0]}))
    assert result.ranking[0].name == "goodbye"
    with pytest.raises(ComponentError, match="sentence_embeddings"):
        classifier(ParseResult("zzz"))
    with pytest.raises(ComponentError, match="sentence_embeddings"):
        classifier.process_batch([ParseResult("zzz")])


AXIS = {"greet": [1.0, 0.0, 0.0], "goodbye": [0.0, 1.0, 0.0], "check_order": [0.0, 0.0, 1.0]}


class _CountedVector:
    """A deferred sentence vector (what sentence_embeddings leaves) that counts its runs."""

    def __init__(self, vector: list[float]) -> None:
        self.vector, self.runs = vector, 0

    def __call__(self) -> list[float]:
        self.runs += 1
        return self.vector


def _train_with_vectors(**options) -> SklearnIntentClassifier:
    examples = [TrainingExample(text, intent) for text, intent in DATA]
    processed = [ParseResult(e.text, features={"sentence_embedding": AXIS[e.intent]}) for e in examples]
    classifier = SklearnIntentClassifier.from_config({"embedding_weight": 3.0, **options})
    classifier.train(examples, processed)
    return classifier


def _with_vector(text: str, vector: _CountedVector) -> ParseResult:
    return ParseResult(text, features={"sentence_embedding": vector})


def test_a_text_tfidf_is_sure_of_never_runs_the_encoder() -> None:
    classifier = _train_with_vectors(fast_confidence=0.5)
    sure, unsure = _CountedVector(AXIS["greet"]), _CountedVector(AXIS["goodbye"])
    assert classifier(_with_vector("hello there", sure)).intent == "greet"
    assert sure.runs == 0
    # no known n-gram: TF-IDF alone is a coin toss, so the vector decides
    assert classifier(_with_vector("zzz", unsure)).ranking[0].name == "goodbye"
    assert unsure.runs == 1


def test_the_batch_runs_the_encoder_only_for_unsure_texts_and_matches_single_parses() -> None:
    classifier = _train_with_vectors(fast_confidence=0.5)
    texts = ["hello there", "zzz", "track my package", "qqq"]
    vectors = [_CountedVector(AXIS[name]) for name in ("greet", "goodbye", "check_order", "check_order")]
    batch = classifier.process_batch([_with_vector(text, vector) for text, vector in zip(texts, vectors)])
    assert [vector.runs for vector in vectors] == [0, 1, 0, 1]
    for text, vector, expected in zip(texts, vectors, batch):
        single = classifier(_with_vector(text, vector))
        assert [s.name for s in single.ranking] == [s.name for s in expected.ranking]
        assert single.confidence == pytest.approx(expected.confidence, abs=1e-5)


def test_without_the_fast_path_every_text_runs_the_encoder() -> None:
    classifier = _train_with_vectors(fast_path=False)
    vector = _CountedVector(AXIS["greet"])
    assert classifier(_with_vector("hello there", vector)).intent == "greet"
    assert vector.runs == 1


def test_the_fast_model_survives_save_and_load(tmp_path) -> None:
    classifier = _train_with_vectors(fast_confidence=0.5)
    classifier.save(tmp_path)
    loaded = SklearnIntentClassifier.load(tmp_path, {"embedding_weight": 3.0, "fast_confidence": 0.5})
    for text in ["hello there", "zzz", "see you later"]:
        vector = _CountedVector(AXIS["goodbye"])
        assert loaded(_with_vector(text, vector)).ranking == classifier(_with_vector(text, vector)).ranking
    sure = _CountedVector(AXIS["greet"])
    loaded(_with_vector("hello there", sure))
    assert sure.runs == 0


def test_a_missing_embedding_fails_even_when_tfidf_is_sure() -> None:
    classifier = _train_with_vectors(fast_confidence=0.5)
    with pytest.raises(ComponentError, match="sentence_embeddings"):
        classifier(ParseResult("hello there"))


def test_large_data_gets_calibrated_confidences_from_one_held_out_half() -> None:
    """From 5,000 examples the temperature comes from one half-fit (not folds). With one
    label in five wrong at random, "how sure" should read about 0.8 on a clear text."""
    import random

    rng = random.Random(0)
    words = {"greet": ["hi", "hello", "hey"], "goodbye": ["bye", "later", "farewell"],
             "check_order": ["order", "parcel", "package"], "pay": ["card", "paypal", "invoice"]}
    filler = ["please", "now", "my", "the", "thanks", "um", "so"]
    data = []
    for intent, vocabulary in words.items():
        for _ in range(1300):
            label = intent if rng.random() < 0.8 else rng.choice([other for other in words if other != intent])
            data.append((" ".join(rng.sample(filler, 3) + [rng.choice(vocabulary)]), label))
    result = _train(data)(ParseResult("hello please"))
    assert result.intent == "greet"
    assert 0.7 < result.confidence < 0.9


def test_a_retrieval_sub_intent_is_as_sure_as_its_whole_family() -> None:
    from dialog.nlu.sklearn_intent import _family_confidence
    from dialog.types import IntentScore

    ranking = [IntentScore("faq/ask_name", 0.35), IntentScore("faq/ask_age", 0.3), IntentScore("greet", 0.2), IntentScore("faq2", 0.15)]
    assert _family_confidence("faq/ask_name", ranking) == pytest.approx(0.65)
    assert _family_confidence("greet", ranking) == pytest.approx(0.2)
