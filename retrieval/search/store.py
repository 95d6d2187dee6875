"""The index store: a ready ``Searcher`` from a saved index, or the catalog's index built once and cached.

``IndexStore(root).load_or_build(spec, index_dir=None, model=None)`` is what ``cratedigger chat`` calls.
Cached indexes live in ``<root>/<catalog>-<model>-<catalog hash>/`` (``root`` defaults to
``$CRATEDIGGER_HOME/indexes``); a cached index that no longer matches (other model weights, edited
catalog) is rebuilt, and so is a damaged one (``IndexDamagedError``: a truncated ``index.faiss``, a
missing file...), once, with a warning; when the rebuild fails too, that error is raised. Staging
folders left by a save that was killed are removed by the next save (``retrieval.index.folder``).

Out of scope: the index format (``retrieval.search.assembly``) and the dialog (the ``chat`` package).
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from retrieval.catalog import Catalog, load_catalog
from retrieval.errors import IndexDamagedError, IndexMismatchError
from retrieval.index.folder import MANIFEST_FILE
from retrieval.models.registry import default_model
from retrieval.paths import state_dir
from retrieval.search.searcher import Searcher

logger = logging.getLogger(__name__)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:40] or "x"


def cache_key(catalog_name: str, model: str, content_hash: str) -> str:
    """The folder name of a catalog/model pair's cached index.

    Example:
        >>> cache_key("demo", "minilm", "abcdef0123456789")
        'demo-minilm-abcdef012345'
    """
    return f"{_slug(catalog_name)}-{_slug(Path(model).name)}-{content_hash[:12]}"


def cache_dir_for(catalog_name: str, model: str, content_hash: str) -> Path:
    """Where ``IndexStore()`` caches the index of a catalog/model pair (under ``$CRATEDIGGER_HOME``)."""
    return IndexStore().root / cache_key(catalog_name, model, content_hash)


class IndexStore:
    """Cached indexes, one folder per catalog content and model.

    Args:
        root: the folder holding them; ``None``: ``$CRATEDIGGER_HOME/indexes``.

    Example:
        >>> store = IndexStore(Path("/tmp/indexes"))
        >>> store.root
        PosixPath('/tmp/indexes')
        >>> searcher = store.load_or_build("demo")  # doctest: +SKIP
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else state_dir() / "indexes"

    def folder_for(self, catalog: Catalog, model: str) -> Path:
        """The cache folder of ``catalog`` indexed with ``model``."""
        return self.root / cache_key(catalog.name, model, catalog.content_hash())

    def load_or_build(
        self, catalog_spec: str = "demo", index_dir: str | Path | None = None, model: str | None = None
    ) -> Searcher:
        """A ready ``Searcher``: ``index_dir`` when given, else the cached index of ``catalog_spec``.

        Args:
            catalog_spec: a ``load_catalog`` spec (``demo``, a path, ``jamendo``); unused with ``index_dir``.
            index_dir: a folder written by ``Searcher.save`` / ``cratedigger index``.
            model: sentence model; default ``retrieval.models.default_model()``.
        """
        if index_dir is not None:
            return Searcher.load(index_dir, model=model)
        model = model or default_model()
        catalog, report = load_catalog(catalog_spec)
        if report.skipped:
            logger.warning("%s", report.summary())
        folder = self.folder_for(catalog, model)
        repair = False
        if (folder / MANIFEST_FILE).is_file():
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
        logger.info("%s %s index (%d songs) in %.1f s; cached in %s",
                    "rebuilt the damaged" if repair else "built the", catalog.name, len(catalog),
                    time.perf_counter() - started, folder)
        return searcher


def load_or_build(
    catalog_spec: str = "demo", index_dir: str | Path | None = None, model: str | None = None
) -> Searcher:
    """``IndexStore().load_or_build(...)``: the searcher ``cratedigger chat`` serves."""
    return IndexStore().load_or_build(catalog_spec, index_dir, model)
