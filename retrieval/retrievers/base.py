"""The one interface every retriever implements.

Fit on a corpus of texts, return the top-k (index, score) pairs per query. Out of scope: catalogs and
songs (``retrieval.search.searcher``) and saving a fitted retriever (``retrieval.search.assembly``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

Ranking = list[tuple[int, float]]


class Retriever(ABC):
    """Ranks corpus documents (descriptor-set texts) for free-text queries.

    Subclasses set ``name`` and implement ``fit`` and ``search``; scores are "higher is better" and
    comparable within one query.

    Example:
        >>> from retrieval.retrievers import TfidfRetriever
        >>> r = TfidfRetriever().fit(["steel drums, tropical", "piano, sad"])
        >>> isinstance(r, Retriever), r.search(["tropical steel drums"], k=1)[0][0][0]
        (True, 0)
    """

    name: str = "retriever"

    @abstractmethod
    def fit(self, corpus: Sequence[str]) -> Retriever:
        """Index ``corpus``; returns self."""

    @abstractmethod
    def search(self, queries: Sequence[str], k: int = 10) -> list[Ranking]:
        """Top ``k`` (corpus index, score) pairs per query, best first."""

    def score_all(self, queries: Sequence[str]) -> np.ndarray:
        """Scores of every corpus document for each query (used by hybrid fusion). Override when cheaper."""
        raise NotImplementedError(f"{type(self).__name__} does not implement score_all")
