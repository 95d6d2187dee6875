"""Saving and loading a ``Searcher``: one folder, written atomically, checked on load.

Folder layout: ``manifest.json`` (model id and weight hash, catalog hash and spec, retriever, search
config, and for dense/hybrid the FAISS index type, metric, dim and count), ``catalog.jsonl`` (the
catalog snapshot), ``descriptors.json`` + ``descriptor_vectors.npy`` (unique descriptors and their
embeddings) and, for dense/hybrid, ``index.faiss``. Sparse retrievers are refitted from the snapshot
on load (seconds); the dense index is never rebuilt on load. A save refuses a folder that is not an
index (``retrieval.index_folder``; ``overwrite=False`` refuses an existing index too).

A load fails with ``IndexMismatchError`` (naming each difference and the ``cratedigger index`` command
to run) when the requested model or catalog differs, when the stored model's weights changed since the
build, or when the snapshot does not hash to the manifest. Out of scope: searching (``retrieval.searcher``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from retrieval.catalog import Catalog, load_catalog
from retrieval.errors import IndexMismatchError
from retrieval.set_table import SetTable
from retrieval.vector_index import (
    FORMAT_VERSION,
    MANIFEST_FILE,
    VectorIndex,
    atomic_dir,
    check_manifest,
    model_hash,
    read_manifest,
    rebuild_hint,
)

if TYPE_CHECKING:
    from retrieval.searcher import SearchConfig, Searcher

logger = logging.getLogger(__name__)
CATALOG_FILE = "catalog.jsonl"
DESCRIPTORS_FILE = "descriptors.json"
VECTORS_FILE = "descriptor_vectors.npy"


def base_manifest(catalog: Catalog, model: str, config: SearchConfig) -> dict[str, Any]:
    """Manifest fields known before saving: what was indexed, with which model and settings."""
    from retrieval.models import resolve

    return {
        "format": FORMAT_VERSION,
        "model_id": model,
        "model_name": model,
        "model_hash": model_hash(resolve(model)),
        "catalog_hash": catalog.content_hash(),
        "catalog_name": catalog.name,
        "catalog_spec": catalog.spec or catalog.name,
        "songs": len(catalog),
        "retriever": config.retriever,
        "search_config": dataclasses.asdict(config),
    }


def _dense_part(retriever: Any) -> Any:
    """The DenseRetriever inside ``retriever`` (itself, or a hybrid's dense part), else None."""
    if retriever.name == "dense":
        return retriever
    return getattr(retriever, "dense", None) if retriever.name == "hybrid" else None


def save_searcher(searcher: Searcher, folder: Path, overwrite: bool = True,
                  protect: Iterable[Path] = ()) -> dict[str, Any]:
    """Write everything ``load_searcher`` needs into ``folder`` (replaced atomically).

    Raises:
        UnsafeOutputError: ``folder`` is a file or a folder that is not an index, holds a ``protect``
            path, or (``overwrite=False``) already holds an index; nothing is written.
    """
    manifest = {**searcher.manifest, "sets": len(searcher.table.sets)}
    with atomic_dir(folder, replace_index=overwrite, protect=protect) as staging:
        searcher.catalog.write_jsonl(staging / CATALOG_FILE)
        (staging / DESCRIPTORS_FILE).write_text(json.dumps(searcher.table.descriptors, ensure_ascii=False))
        np.save(staging / VECTORS_FILE, searcher.matcher.vectors)
        dense = _dense_part(searcher.retriever)
        index = dense.index if dense is not None else None
        if index is not None:
            manifest = index.write_files(staging, manifest)
        else:
            manifest = {**manifest, "index_type": "none", "created": _now()}
            (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    logger.info("saved %s index of %d sets to %s", searcher.retriever.name, len(searcher.table.sets), folder)
    return manifest


def _now() -> str:
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _expected(stored: dict[str, Any], model: str | None, catalog: Catalog | None) -> dict[str, Any]:
    """What the manifest must say: the requested model/catalog, and the stored model's current weights."""
    from retrieval.models import resolve

    want_model = model or stored.get("model_id") or ""
    expected: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "model_name": want_model,
        "model_hash": model_hash(resolve(want_model)),
        "catalog_spec": (catalog.spec or catalog.name) if catalog else stored.get("catalog_spec"),
    }
    if model is not None:
        expected["model_id"] = model
    if catalog is not None:
        expected["catalog_hash"] = catalog.content_hash()
    return expected


def load_searcher(cls: type[Searcher], folder: Path, model: str | None = None,
                  catalog: Catalog | None = None) -> Searcher:
    """Rebuild a ``Searcher`` from ``folder`` (see the module docstring for the checks)."""
    from retrieval.searcher import SearchConfig, make_encoder, make_retriever, match_config

    stored = read_manifest(folder, None, require_index=False)
    expected = _expected(stored, model, catalog)
    check_manifest(stored, expected, folder)
    hint = rebuild_hint(folder, expected)
    snapshot, _ = load_catalog(f"jsonl:{folder / CATALOG_FILE}", name=stored.get("catalog_name"))
    snapshot.spec = stored.get("catalog_spec", "")
    if snapshot.content_hash() != stored.get("catalog_hash"):
        raise IndexMismatchError(f"{folder / CATALOG_FILE} does not hash to the manifest's catalog_hash; "
                                 f"the folder was modified. {hint}")
    fields = {f.name for f in dataclasses.fields(SearchConfig)}
    config = SearchConfig(**{k: v for k, v in stored.get("search_config", {}).items() if k in fields})
    model_id = str(stored["model_id"])
    encoder = make_encoder(model_id, config)
    table = SetTable.from_catalog(snapshot)
    descriptors = json.loads((folder / DESCRIPTORS_FILE).read_text(encoding="utf-8"))
    vectors = np.load(folder / VECTORS_FILE)
    if descriptors != table.descriptors or len(vectors) != len(descriptors):
        raise IndexMismatchError(f"{folder}: descriptor files do not match the catalog snapshot. {hint}")
    retriever = make_retriever(config.retriever, model_id, encoder)
    _restore(retriever, folder, table, stored, expected)
    from retrieval.matching import DescriptorMatcher

    matcher = DescriptorMatcher(descriptors, vectors, match_config(config))
    return cls(snapshot, table, retriever, encoder, matcher, config, {k: v for k, v in stored.items()
                                                                        if k not in ("created",)})


def _restore(retriever: Any, folder: Path, table: SetTable, stored: dict[str, Any],
             expected: dict[str, Any]) -> None:
    """Refit sparse parts on the snapshot; attach the saved FAISS index to the dense part."""
    dense = _dense_part(retriever)
    if dense is None:
        retriever.fit(table.texts)
        return
    index = VectorIndex.load(folder, {**expected, "count": len(table.sets)})
    dense.attach_index(index)
    if retriever is not dense:
        retriever.fit_sparse(table.texts)
