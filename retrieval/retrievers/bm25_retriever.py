"""BM25 retrieval with the ``bm25s`` library (Lucene variant, English stop words, no stemming).

With ``expand=True`` a query's score adds ``expansion_weight`` times the BM25 score of the catalog
descriptors its phrases point at (``retrieval.retrievers.query_expansion``): "no vocals" also matches
"instrumental". Plain BM25 (the baseline) leaves it off; the hybrid turns it on.

Out of scope: stemming (bm25s supports PyStemmer; not a dependency here) and persistence (a saved
searcher refits it from its catalog snapshot, ``retrieval.search.assembly``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrieval.retrievers.base import Ranking, Retriever
from retrieval.retrievers.ranking import search_by_scores


@dataclass
class BM25Config:
    """BM25 parameters (bm25s defaults): ``k1``, ``b``, ``method`` and the stop-word list."""

    k1: float = 1.5
    b: float = 0.75
    method: str = "lucene"
    stopwords: str | list[str] = "english"
    expand: bool = False
    expansion_weight: float = 1.0


class BM25Retriever(Retriever):
    """BM25 scores from ``bm25s``; queries made only of unknown or stop words score 0 everywhere.

    Example:
        >>> r = BM25Retriever().fit(["steel drums, tropical", "piano, sad"])
        >>> r.search(["sad piano"], k=1)[0][0][0]
        1
    """

    name = "bm25"

    def __init__(self, config: BM25Config | None = None, **kwargs: Any) -> None:
        self.config = config or BM25Config(**kwargs)
        self._tokenizer: Any = None
        self._model: Any = None
        self._n_docs = 0
        self._expander: Any = None

    def fit(self, corpus: Sequence[str]) -> BM25Retriever:
        import bm25s
        from bm25s.tokenization import Tokenizer

        if not corpus:
            raise ValueError("BM25Retriever.fit needs at least one document, got an empty corpus")
        self._tokenizer = Tokenizer(stopwords=self.config.stopwords)
        ids = self._tokenizer.tokenize(list(corpus), update_vocab=True, return_as="ids", show_progress=False)
        self._model = bm25s.BM25(k1=self.config.k1, b=self.config.b, method=self.config.method)
        self._model.index(ids, show_progress=False)
        self._n_docs = len(corpus)
        if self.config.expand:
            from retrieval.retrievers.query_expansion import QueryExpander

            self._expander = QueryExpander().fit(corpus)
        return self

    def expansions(self, queries: Sequence[str]) -> list[list[str]]:
        """The descriptors each query is expanded with (empty lists when expansion is off)."""
        if self._expander is None:
            return [[] for _ in queries]
        return [self._expander.expand(q) for q in queries]

    def score_all(self, queries: Sequence[str]) -> np.ndarray:
        if self._model is None:
            raise RuntimeError("BM25Retriever: call fit(corpus) before scoring")
        out = self._scores(queries)
        if self._expander is not None:
            extra = [", ".join(found) for found in self.expansions(queries)]
            rows = [i for i, text in enumerate(extra) if text]
            if rows:
                out[rows] += self.config.expansion_weight * self._scores([extra[i] for i in rows])
        return out

    def _scores(self, queries: Sequence[str]) -> np.ndarray:
        token_ids = self._tokenizer.tokenize(
            list(queries), update_vocab=False, return_as="ids", show_progress=False
        )
        empty = self._tokenizer.get_vocab_dict().get("")  # bm25s's token for "no known word"
        out = np.zeros((len(queries), self._n_docs), dtype=np.float32)
        for row, ids in enumerate(token_ids):
            known = [i for i in ids if i != empty]
            if known:
                out[row] = self._model.get_scores(known)
        return out

    def search(self, queries: Sequence[str], k: int = 10) -> list[Ranking]:
        return search_by_scores(self.score_all, queries, k, self._n_docs)
