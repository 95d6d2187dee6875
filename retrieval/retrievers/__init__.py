"""Retrievers: the ``Retriever`` interface (``base``), its implementations, the ``build_retriever`` factory.

Out of scope: catalogs and songs (``retrieval.catalog``, ``retrieval.search``) and saving a fitted
retriever (``retrieval.search.assembly`` saves the dense part's index, refits the sparse ones).
"""

from __future__ import annotations

from typing import Any

from retrieval.retrievers.base import Retriever
from retrieval.retrievers.bm25_retriever import BM25Retriever
from retrieval.retrievers.dense_retriever import DenseRetriever
from retrieval.retrievers.hybrid_retriever import (
    DEFAULT_EXPAND,
    DEFAULT_NORMALIZATION,
    DEFAULT_PRIOR_WEIGHT,
    DEFAULT_SPARSE,
    DEFAULT_WEIGHT,
    HybridRetriever,
)
from retrieval.retrievers.set_prior import SetPrior, SetPriorConfig, packaged_prior
from retrieval.retrievers.tfidf_retriever import TfidfRetriever

RETRIEVER_NAMES = ("tfidf", "bm25", "dense", "hybrid")
_HYBRID_KEYS = ("weight", "normalization", "sparse", "expand", "prior", "prior_weight")

__all__ = [
    "BM25Retriever",
    "DenseRetriever",
    "HybridRetriever",
    "SetPrior",
    "SetPriorConfig",
    "TfidfRetriever",
    "RETRIEVER_NAMES",
    "build_retriever",
]


def build_retriever(name: str, model: str | None = None, **kw: Any) -> Retriever:
    """A retriever by name: ``tfidf``, ``bm25``, ``dense`` or ``hybrid``.

    Args:
        name: which retriever.
        model: the dense model for ``dense``/``hybrid`` (default: ``retrieval.models.default_model()``).
        **kw: ``dense``: ``DenseRetriever`` arguments (``score_fn``, ``batch_size``, ``cache_dir``,
            ``show_progress_bar``, ``encoder``); ``hybrid``: those plus ``weight``, ``normalization``,
            ``sparse`` (``"tfidf"`` or ``"bm25"``) and ``expand`` (lexicon query expansion of its BM25
            part, default on), ``prior`` (a ``SetPrior``, ``True`` for the packaged MTG-Jamendo one,
            the default, or ``False``/``None`` for none) and ``prior_weight``; ``bm25``:
            ``BM25Config`` fields (``expand`` default off); ``tfidf``:
            ``TfidfVectorizer`` arguments.

    Example:
        >>> build_retriever("hybrid", model="minilm", weight=0.5).weight  # the model loads on first use
        0.5
    """
    if name == "tfidf":
        return TfidfRetriever(**kw)
    if name == "bm25":
        return BM25Retriever(**kw)
    if name not in ("dense", "hybrid"):
        raise ValueError(f"unknown retriever {name!r}: expected one of {', '.join(RETRIEVER_NAMES)}")
    if model is None:
        from retrieval.models import default_model

        model = default_model()
    hybrid_kw = {key: kw.pop(key) for key in _HYBRID_KEYS if key in kw}
    dense = DenseRetriever(model, **kw)
    if name == "dense":
        if hybrid_kw:
            raise ValueError(f"options {sorted(hybrid_kw)} only apply to the hybrid retriever")
        return dense
    sparse_name = hybrid_kw.pop("sparse", DEFAULT_SPARSE)
    if sparse_name not in ("tfidf", "bm25"):
        raise ValueError(f"hybrid sparse retriever must be 'tfidf' or 'bm25', got {sparse_name!r}")
    expand = hybrid_kw.pop("expand", None)
    if sparse_name == "tfidf" and expand:
        raise ValueError("query expansion applies to the bm25 sparse part, not tfidf")
    sparse_kw: dict[str, Any] = {}
    if sparse_name == "bm25":
        sparse_kw["expand"] = DEFAULT_EXPAND if expand is None else bool(expand)
    return HybridRetriever(
        dense,
        build_retriever(sparse_name, **sparse_kw),
        weight=hybrid_kw.get("weight", DEFAULT_WEIGHT),
        normalization=hybrid_kw.get("normalization", DEFAULT_NORMALIZATION),
        prior=_prior(hybrid_kw.get("prior", True)),
        prior_weight=hybrid_kw.get("prior_weight", DEFAULT_PRIOR_WEIGHT),
    )


def _prior(prior: SetPrior | bool | None) -> SetPrior | None:
    """``True``: the packaged MTG-Jamendo train-split prior; ``False``/``None``: none; a prior: itself."""
    if prior is True:
        return packaged_prior()
    return prior or None
