"""Dense retrieval: sentence-transformers embeddings searched with a FAISS ``VectorIndex``.

The score function is explicit (``cosine`` or ``dot``) and used both by the encoder and the index.
``search`` goes through the index (exact below 1e5 documents, HNSW above); ``score_all`` is an exact
matrix product over every document (used by hybrid fusion). Out of scope: saving indexes with
manifests (``retrieval.index.vector_index``, ``retrieval.search.assembly``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from retrieval.index.vector_index import VectorIndex
from retrieval.models.encoder import Encoder, EncoderConfig
from retrieval.retrievers.base import Ranking, Retriever


class DenseRetriever(Retriever):
    """Embeds the corpus once at ``fit``; ranks by cosine (default) or dot product.

    Args:
        model: short name (``minilm``, ``mpnet``, ``cratedigger``), path or hub name (see
            ``retrieval.models.resolve``).
        score_fn: ``"cosine"`` or ``"dot"``.
        batch_size: texts per forward pass.
        show_progress_bar: tqdm bars while encoding.
        cache_dir: on-disk embedding cache folder (``None``: in-memory only).
        encoder: an existing ``Encoder`` to share (its config wins over the arguments above).

    Example:
        >>> r = DenseRetriever("minilm").fit(["steel drums, tropical", "piano, sad"])  # doctest: +SKIP
        >>> r.search(["a sad piano ballad"], k=1)  # doctest: +SKIP
        [[(1, 0.6...)]]
    """

    name = "dense"

    def __init__(
        self,
        model: str = "minilm",
        score_fn: str = "cosine",
        batch_size: int = 64,
        show_progress_bar: bool = False,
        cache_dir: str | None = None,
        encoder: Encoder | None = None,
        **encoder_kwargs: Any,
    ) -> None:
        self.encoder = encoder or Encoder(
            EncoderConfig(
                model=model,
                score_fn=score_fn,
                batch_size=batch_size,
                show_progress_bar=show_progress_bar,
                cache_dir=cache_dir,
                **encoder_kwargs,
            )
        )
        self.score_fn = self.encoder.config.score_fn
        self._doc_vectors: np.ndarray | None = None
        self._index: VectorIndex | None = None

    @property
    def model(self) -> str:
        """The model name or path this retriever was configured with."""
        return self.encoder.config.model

    @property
    def doc_vectors(self) -> np.ndarray:
        """The corpus embeddings from ``fit`` (normalized for cosine), float32 [n_docs, dim]."""
        return self._check_fitted()

    @property
    def index(self) -> VectorIndex:
        """The ``VectorIndex`` built by ``fit`` (e.g. to ``save`` it with a manifest)."""
        self._check_fitted()
        assert self._index is not None
        return self._index

    def fit(self, corpus: Sequence[str]) -> DenseRetriever:
        if not corpus:
            raise ValueError("DenseRetriever.fit needs at least one document, got an empty corpus")
        self._doc_vectors = self.encoder.encode(list(corpus))
        self._index = VectorIndex.build(self._doc_vectors, metric=self.score_fn)
        return self

    def attach_index(self, index: VectorIndex) -> DenseRetriever:
        """Use a saved ``VectorIndex`` of the corpus instead of encoding it again with ``fit``.

        The index must have been built from this retriever's model and score function over the same
        corpus order (``retrieval.search.assembly`` checks that through the index manifest).

        Example:
            >>> retriever = DenseRetriever("minilm").attach_index(VectorIndex.load(folder))  # doctest: +SKIP
        """
        self._doc_vectors = index.vectors()
        self._index = index
        return self

    def _check_fitted(self) -> np.ndarray:
        if self._doc_vectors is None:
            raise RuntimeError("DenseRetriever: call fit(corpus) before searching")
        return self._doc_vectors

    def score_all(self, queries: Sequence[str]) -> np.ndarray:
        docs = self._check_fitted()
        return self.encoder.similarity(self.encoder.encode(list(queries)), docs)

    def search(self, queries: Sequence[str], k: int = 10) -> list[Ranking]:
        self._check_fitted()
        assert self._index is not None
        if not queries:
            return []
        scores, ids = self._index.search(self.encoder.encode(list(queries)), k=k)
        return [
            [(int(i), float(s)) for s, i in zip(row_scores, row_ids, strict=True) if i >= 0]
            for row_scores, row_ids in zip(scores, ids, strict=True)
        ]
