"""Catalogs: reading song files of every supported layout into a ``Catalog`` and a ``LoadReport``.

Modules, imported one way: ``report`` and ``row_limits`` (leaves) ← ``csv_rows`` ← ``formats``,
``row_readers`` ← ``dataset_readers`` ← ``catalog``. This package re-exports the public names.

Out of scope: models, indexes and search (``retrieval.models``, ``retrieval.index``, ``retrieval.search``).
"""

from __future__ import annotations

from retrieval.catalog.catalog import Catalog, load_catalog, load_songs
from retrieval.catalog.formats import FORMATS, detect_format, resolve_spec
from retrieval.catalog.report import LoadReport

__all__ = ["FORMATS", "Catalog", "LoadReport", "detect_format", "load_catalog", "load_songs", "resolve_spec"]
