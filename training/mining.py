"""Top-k candidate search used to mine negatives: BM25 (bm25s) and dense (sentence-transformers).

Kept small and private to training so mining does not depend on index persistence; the scores only
rank candidates; the dense search is sentence-transformers' ``semantic_search``. Out of scope: serving
search (``retrieval.retrievers``), false-negative filtering (``training.negatives``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np

from training.device import train_device

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"[a-z0-9]+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def bm25_topk(queries: Sequence[str], corpus: Sequence[str], k: int) -> list[list[int]]:
    """Indices of the ``k`` best BM25 documents per query, best first.

    Example:
        >>> bm25_topk(["sad piano"], ["rock, loud", "piano, sad", "piano"], k=2)
        [[1, 2]]
    """
    import bm25s

    retriever = bm25s.BM25()
    retriever.index([_tokens(t) or ["_"] for t in corpus], show_progress=False)
    k = min(k, len(corpus))
    ids, _ = retriever.retrieve([_tokens(q) or ["_"] for q in queries], k=k, show_progress=False)
    return [[int(i) for i in row] for row in np.asarray(ids)]


def dense_topk(
    model_path: str, queries: Sequence[str], corpus: Sequence[str], k: int, batch_size: int = 64,
    show_progress_bar: bool = False,
) -> list[list[int]]:
    """Indices of the ``k`` most cosine-similar documents per query (exact search), best first.

    The search is sentence-transformers' ``util.semantic_search`` over normalized embeddings.
    """
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.util import dot_score, semantic_search

    model = SentenceTransformer(model_path, device=train_device())
    model.max_seq_length = 64
    docs = model.encode(list(corpus), batch_size=batch_size, normalize_embeddings=True,
                        show_progress_bar=show_progress_bar, convert_to_tensor=True)
    qs = model.encode(list(queries), batch_size=batch_size, normalize_embeddings=True,
                      show_progress_bar=show_progress_bar, convert_to_tensor=True)
    hits = semantic_search(qs, docs, query_chunk_size=1024, top_k=min(k, len(corpus)),
                           score_function=dot_score)
    return [[int(hit["corpus_id"]) for hit in row] for row in hits]


def is_subset(candidate: Sequence[str], positive: Sequence[str]) -> bool:
    """True when every descriptor of ``candidate`` is in ``positive`` (a false negative).

    Example:
        >>> is_subset(["piano"], ["piano", "sad"]), is_subset(["rock"], ["piano"])
        (True, False)
    """
    pos = {p.strip().lower() for p in positive}
    return {c.strip().lower() for c in candidate} <= pos
