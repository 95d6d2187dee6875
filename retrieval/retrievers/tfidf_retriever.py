"""TF-IDF retrieval configured exactly like scikit-learn's default ``TfidfVectorizer``.

Defaults (lower-casing, ``token_pattern=r"(?u)\\b\\w\\w+\\b"``, no stop words, smooth idf, sublinear tf
off, L2-normalized rows) are kept so numbers compare with the paper's TF-IDF column; the score is the
cosine (dot product of L2-normalized tf-idf vectors). Out of scope: stemming or other tuning.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from retrieval.retrievers.base import Ranking, Retriever
from retrieval.retrievers.ranking import search_by_scores


class TfidfRetriever(Retriever):
    """Cosine similarity over scikit-learn tf-idf vectors (default ``TfidfVectorizer()``).

    Example:
        >>> r = TfidfRetriever().fit(["steel drums, tropical", "piano, sad"])
        >>> r.search(["sad piano"], k=1)[0][0][0]
        1
    """

    name = "tfidf"

    def __init__(self, **vectorizer_kwargs: Any) -> None:
        """``vectorizer_kwargs`` are passed to ``TfidfVectorizer``; leave empty for the paper's setting."""
        self.vectorizer_kwargs = vectorizer_kwargs
        self._vectorizer: Any = None
        self._docs: Any = None

    def fit(self, corpus: Sequence[str]) -> TfidfRetriever:
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not corpus:
            raise ValueError("TfidfRetriever.fit needs at least one document, got an empty corpus")
        self._vectorizer = TfidfVectorizer(**self.vectorizer_kwargs)
        try:
            self._docs = self._vectorizer.fit_transform(list(corpus))
        except ValueError as exc:  # e.g. every document is empty or one-letter words
            raise ValueError(f"TF-IDF found no terms in the {len(corpus)} corpus texts: {exc}") from exc
        return self

    def score_all(self, queries: Sequence[str]) -> np.ndarray:
        if self._vectorizer is None:
            raise RuntimeError("TfidfRetriever: call fit(corpus) before scoring")
        query_vectors = self._vectorizer.transform(list(queries))
        return np.asarray((query_vectors @ self._docs.T).toarray(), dtype=np.float32)

    def search(self, queries: Sequence[str], k: int = 10) -> list[Ranking]:
        return search_by_scores(
            self.score_all, queries, k, self._docs.shape[0] if self._docs is not None else 0
        )
