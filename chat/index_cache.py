"""The chat app's searcher: load a saved index, or build the catalog's index once and cache it.

Cached indexes live in ``$CRATEDIGGER_HOME/indexes/<catalog>-<model>-<catalog hash>/``; a cached index
that no longer matches (other model weights, edited catalog) is rebuilt, and so is a damaged one
(``IndexDamagedError``: a truncated ``index.faiss``, a missing file...), once, with a warning; when the
rebuild fails too, that error is raised. Staging folders left by a save that was killed are removed by
the next save (``retrieval.index_folder``). Out of scope: the index format (``retrieval.searcher_io``).
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from retrieval.errors import IndexDamagedError, IndexMismatchError
from retrieval.paths import state_dir
from retrieval.searcher import Searcher

logger = logging.getLogger(__name__)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:40] or "x"


def cache_dir_for(catalog_name: str, model: str, content_hash: str) -> Path:
    """Where the index of a catalog/model pair is cached.

    Example:
        >>> cache_dir_for("demo", "minilm", "abcdef0123456789").name
        'demo-minilm-abcdef012345'
    """
    return state_dir() / "indexes" / f"{_slug(catalog_name)}-{_slug(Path(model).name)}-{content_hash[:12]}"


def load_searcher(
    catalog_spec: str = "demo", index_dir: str | Path | None = None, model: str | None = None
) -> Searcher:
    """A ready ``Searcher``: ``index_dir`` when given, else the cached index of ``catalog_spec``.

    Args:
        catalog_spec: any ``load_catalog`` spec (``demo``, a path, ``jamendo``); unused with ``index_dir``.
        index_dir: a folder written by ``Searcher.save`` / ``cratedigger index``.
        model: sentence model; default ``retrieval.models.default_model()``.

    Example:
        >>> searcher = load_searcher("demo")  # doctest: +SKIP
    """
    if index_dir is not None:
        return Searcher.load(index_dir, model=model)
    from retrieval.catalog import load_catalog
    from retrieval.models import default_model

    model = model or default_model()
    catalog, report = load_catalog(catalog_spec)
    if report.skipped:
        logger.warning("%s", report.summary())
    folder = cache_dir_for(catalog.name, model, catalog.content_hash())
    repair = False
    if (folder / "manifest.json").is_file():
        try:
            return Searcher.load(folder, model=model, catalog=catalog)
        except IndexDamagedError as exc:
            logger.warning("cached index is damaged (%s); rebuilding it once", exc)
            repair = True
        except IndexMismatchError as exc:
            logger.warning("cached index is stale (%s); rebuilding", exc)
    started = time.perf_counter()
    searcher = Searcher.build(catalog, model=model)
    searcher.save(folder)  # a second failure (e.g. a folder we may not replace) is raised to the caller
    logger.info(
        "%s %s index (%d songs) in %.1f s; cached in %s",
        "rebuilt the damaged" if repair else "built the",
        catalog.name,
        len(catalog),
        time.perf_counter() - started,
        folder,
    )
    return searcher
