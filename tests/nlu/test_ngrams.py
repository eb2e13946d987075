"""ngrams: the same n-grams as scikit-learn's TfidfVectorizer, for any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from dialog.nlu.ngrams import char_wb_ngrams, word_ngrams

# Words, odd spaces (tabs, runs, non-breaking), case, accents and symbols.
texts = st.text(alphabet=st.sampled_from(list("aAbéZ1 ?-\t\n\u00a0") + ["ß", "İ", "😀"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(text=texts, max_n=st.integers(1, 3))
def test_word_ngrams_match_scikit_learn(text: str, max_n: int) -> None:
    analyzer = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False, ngram_range=(1, max_n)).build_analyzer()
    assert word_ngrams(text, max_n) == analyzer(text)


@settings(max_examples=300, deadline=None)
@given(text=texts, low=st.integers(1, 3), extra=st.integers(0, 3))
def test_char_wb_ngrams_match_scikit_learn(text: str, low: int, extra: int) -> None:
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(low, low + extra), lowercase=True).build_analyzer()
    assert char_wb_ngrams(text, low, low + extra) == analyzer(text)
