"""Hybrid retrieval: a weighted sum of per-query normalized dense and sparse scores.

``score = weight * norm(dense) + (1 - weight) * norm(sparse)`` over every document, with ``norm`` one
of ``minmax``, ``zscore`` or ``rrf`` (see ``retrieval.retrievers.ranking.normalize``). BM25 and z-score
were chosen with the GPL student (``benchmarks/tune_hybrid.py``; docs/results-gpl.md, "Hybrid fusion with
the shipped model"); the BM25 part's lexicon query expansion came later (docs/results.md, "Query
expansion"). The dense weight (0.8) and the prior's weight (0.3) were re-tuned together for the refined
model on ten dev groups, check sets left out (docs/results.md, "Listener descriptions of Jamendo train
tracks"); a stronger dense model wants more of the fusion.
With a ``prior`` (``SetPrior``, on by default through ``build_retriever``: the MTG-Jamendo train-split
counts), ``prior_weight * log P(set)`` is added to the fused score of every document; on corpora outside
the prior's vocabulary the prior is all zeros (docs/results.md, "Set prior").
Out of scope: candidate-only fusion for very large catalogs (every document is scored).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.retrievers.base import Ranking, Retriever
from retrieval.retrievers.ranking import normalize, search_by_scores
from retrieval.retrievers.set_prior import SetPrior

DEFAULT_WEIGHT = 0.8  # re-tuned for the refined model (module docstring)
DEFAULT_NORMALIZATION = "zscore"
DEFAULT_SPARSE = "bm25"
DEFAULT_EXPAND = True  # lexicon query expansion of the BM25 part: docs/results.md, "Query expansion"
DEFAULT_PRIOR_WEIGHT = 0.3  # weight of log P(set): docs/results.md, "Set prior" and "Listener descriptions…"


class HybridRetriever(Retriever):
    """Fuses a dense and a sparse retriever.

    Args:
        dense: a retriever with ``score_all`` (normally ``DenseRetriever``).
        sparse: a retriever with ``score_all`` (``TfidfRetriever`` or ``BM25Retriever``).
        weight: weight of the dense scores in [0, 1]; 1 is dense only, 0 sparse only.
        normalization: ``minmax``, ``zscore`` or ``rrf``.
        prior: a descriptor-set prior added to the fused scores (``None``: none).
        prior_weight: the weight of the prior's ``log P(set)``.

    Example:
        >>> h = HybridRetriever(DenseRetriever("minilm"), TfidfRetriever())  # doctest: +SKIP
        >>> h.fit(["steel drums, tropical", "piano, sad"]).search(["sad piano"], k=1)  # doctest: +SKIP
        [[(1, 1.0)]]
    """

    name = "hybrid"

    def __init__(
        self,
        dense: Retriever,
        sparse: Retriever,
        weight: float = DEFAULT_WEIGHT,
        normalization: str = DEFAULT_NORMALIZATION,
        prior: SetPrior | None = None,
        prior_weight: float = DEFAULT_PRIOR_WEIGHT,
    ) -> None:
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"hybrid weight must be in [0, 1], got {weight}")
        if prior_weight < 0.0:
            raise ValueError(f"prior weight must be >= 0, got {prior_weight}")
        normalize(np.zeros((1, 1)), normalization)  # validates the name early
        self.dense, self.sparse = dense, sparse
        self.weight, self.normalization = weight, normalization
        self.prior, self.prior_weight = prior, prior_weight
        self._n_docs = 0
        self._log_prior: np.ndarray | None = None
        self.prior_applies = False  # set by fit: the corpus is in the prior's vocabulary

    def fit(self, corpus: Sequence[str]) -> HybridRetriever:
        self.dense.fit(corpus)
        return self.fit_sparse(corpus)

    def fit_sparse(self, corpus: Sequence[str]) -> HybridRetriever:
        """Fit only the sparse part, for a dense part already fitted on the same corpus (a saved index)."""
        self.sparse.fit(corpus)
        self._n_docs = len(corpus)
        scores = self.prior.scores(corpus) if self.prior is not None else None
        self.prior_applies = scores is not None
        self._log_prior = scores if self.prior_weight > 0 else None
        return self

    @property
    def prior_active(self) -> bool:
        """Whether the prior moves scores: the fitted corpus is in its vocabulary and its weight is > 0."""
        return self._log_prior is not None

    def fuse(self, dense_scores: np.ndarray, sparse_scores: np.ndarray) -> np.ndarray:
        """The fused score matrix for precomputed dense and sparse score matrices (plus the fitted
        corpus's prior when it has one and the matrices cover that corpus)."""
        fused = self.weight * normalize(dense_scores, self.normalization) + (1.0 - self.weight) * normalize(
            sparse_scores, self.normalization
        )
        if self._log_prior is not None:
            if fused.shape[-1] != self._log_prior.shape[0]:
                raise ValueError(f"scores cover {fused.shape[-1]} documents but the fitted corpus has "
                                 f"{self._log_prior.shape[0]}: fuse scores of the corpus passed to fit")
            fused = fused + self.prior_weight * self._log_prior[None, :]
        return fused

    def score_all(self, queries: Sequence[str]) -> np.ndarray:
        return self.fuse(
            np.asarray(self.dense.score_all(queries)), np.asarray(self.sparse.score_all(queries))
        )

    def search(self, queries: Sequence[str], k: int = 10) -> list[Ranking]:
        return search_by_scores(self.score_all, queries, k, self._n_docs)
