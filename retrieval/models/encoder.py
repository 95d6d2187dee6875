"""A thin sentence-transformers wrapper: explicit score function plus an embedding cache.

``Encoder.encode(texts)`` returns float32 embeddings; texts already seen (in this process, or in the
optional on-disk cache keyed by the model's weight hash) are not encoded again. With
``score_fn="cosine"`` the returned vectors are L2-normalized, so ``Encoder.similarity`` (a dot product)
is the cosine; with ``score_fn="dot"`` they are raw. Training code may reuse one encoder across steps:
call ``clear_cache()`` after changing the model's weights in place. The disk cache is used only for
models loaded by name or path, never for a model object passed in.

Out of scope: indexing (``retrieval.index.vector_index``) and ranking (``retrieval.retrievers``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.errors import ModelNotFoundError

logger = logging.getLogger(__name__)

SCORE_FNS = ("cosine", "dot")


@dataclass
class EncoderConfig:
    """How texts are encoded.

    Args:
        model: a short name (``minilm``, ``mpnet``, ``cratedigger``), a path or a hub name.
        score_fn: ``"cosine"`` (vectors are normalized) or ``"dot"`` (raw vectors).
        batch_size: texts per forward pass.
        show_progress_bar: a tqdm bar while encoding (only when something is actually encoded).
        device: torch device; ``None`` lets sentence-transformers choose.
        cache_dir: a folder for the on-disk embedding cache; ``None`` keeps the cache in memory only.
        max_seq_length: overrides the model's limit when set.
        max_cached: most embeddings kept in memory; the oldest are forgotten first, so a long-running
            server that sees ever new queries does not grow without bound. ``None`` keeps everything.
    """

    model: str = "minilm"
    score_fn: str = "cosine"
    batch_size: int = 64
    show_progress_bar: bool = False
    device: str | None = None
    cache_dir: str | None = None
    max_seq_length: int | None = None
    max_cached: int | None = 500_000


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class Encoder:
    """Encodes texts with a SentenceTransformer and remembers what it encoded.

    Example:
        >>> enc = Encoder(EncoderConfig(model="minilm"))  # doctest: +SKIP
        >>> q, d = enc.encode(["sad piano"]), enc.encode(["piano, sad", "metal"])  # doctest: +SKIP
        >>> enc.similarity(q, d).argmax()  # doctest: +SKIP
        0
    """

    def __init__(self, config: EncoderConfig | None = None, model: Any = None) -> None:
        self.config = config or EncoderConfig()
        if self.config.score_fn not in SCORE_FNS:
            raise ValueError(f"score_fn must be one of {SCORE_FNS}, got {self.config.score_fn!r}")
        self._model = model
        # The disk cache is keyed by the weights on disk: only used for models loaded from config.model.
        self._disk_enabled = model is None and bool(self.config.cache_dir)
        self._cache: dict[str, np.ndarray] = {}
        self._disk_loaded = False
        self._dirty = False

    @property
    def model_path(self) -> str:
        """The resolved local path (or hub name) of the model."""
        from retrieval.models import resolve

        return resolve(self.config.model)

    @property
    def model(self) -> Any:
        """The underlying ``SentenceTransformer`` (loaded on first use)."""
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            path = self.model_path
            try:
                self._model = SentenceTransformer(path, device=self.config.device)
            except OSError as exc:
                raise ModelNotFoundError(
                    f"could not load sentence-transformers model {self.config.model!r} from {path}: {exc}. "
                    "Run `cratedigger setup-models`, or pass a local model folder with --model"
                ) from exc
            if self.config.max_seq_length:
                self._model.max_seq_length = self.config.max_seq_length
        return self._model

    @property
    def dim(self) -> int:
        """Embedding dimension."""
        getter = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        return int(getter())

    def clear_cache(self) -> None:
        """Forget every cached embedding and stop using the disk cache (its file is left alone)."""
        self._cache.clear()
        self._disk_enabled = False  # weights may have changed in place: disk vectors could be stale

    def encode(self, texts: Sequence[str], show_progress_bar: bool | None = None) -> np.ndarray:
        """Embeddings of ``texts`` (float32 [n, dim]); normalized when ``score_fn == "cosine"``."""
        self._load_disk_cache()
        missing = list(dict.fromkeys(t for t in texts if _text_key(t) not in self._cache))
        if missing:
            progress = self.config.show_progress_bar if show_progress_bar is None else show_progress_bar
            vectors = self.model.encode(
                missing,
                batch_size=self.config.batch_size,
                show_progress_bar=progress,
                convert_to_numpy=True,
                normalize_embeddings=False,
            )
            for text, vector in zip(missing, np.asarray(vectors, dtype=np.float32), strict=True):
                self._cache[_text_key(text)] = vector
            self._dirty = True
            self._save_disk_cache()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.stack([self._cache[_text_key(t)] for t in texts]).astype(np.float32)
        self._evict()
        if self.config.score_fn == "cosine":
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.where(norms == 0, 1.0, norms)
        return out

    def _evict(self) -> None:
        limit = self.config.max_cached
        if limit is None or len(self._cache) <= limit:
            return
        for key in list(self._cache)[: len(self._cache) - limit]:  # dicts keep insertion order: oldest first
            del self._cache[key]

    def similarity(self, queries: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Score matrix [n_queries, n_docs] under the configured score function."""
        return np.asarray(queries, dtype=np.float32) @ np.asarray(docs, dtype=np.float32).T

    # -- on-disk cache -------------------------------------------------------------------------
    def _cache_file(self) -> Path | None:
        if not self._disk_enabled or not self.config.cache_dir:
            return None
        from retrieval.models.model_hash import model_hash

        key = hashlib.sha1(f"{model_hash(self.model_path)}|{self.config.max_seq_length}".encode()).hexdigest()
        return Path(self.config.cache_dir) / f"{key[:20]}.npz"

    def _load_disk_cache(self) -> None:
        if self._disk_loaded:
            return
        self._disk_loaded = True
        path = self._cache_file()
        if path is None or not path.is_file():
            return
        try:
            with np.load(path) as data:
                self._cache.update(zip(data["keys"].tolist(), data["vectors"], strict=True))
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("ignoring unreadable embedding cache %s (%s); it will be rewritten", path, exc)
            return
        logger.info("loaded %d cached embeddings from %s", len(self._cache), path)

    def _save_disk_cache(self) -> None:
        path = self._cache_file()
        if path is None or not self._dirty or not self._cache:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._cache), dtype="U40")
        vectors = np.stack(list(self._cache.values())).astype(np.float32)
        fd, tmp = tempfile.mkstemp(suffix=".npz", dir=path.parent)
        os.close(fd)
        try:
            np.savez(tmp, keys=keys, vectors=vectors)
            os.chmod(tmp, 0o644)  # mkstemp creates 0600 files
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self._dirty = False
