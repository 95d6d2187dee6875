"""Saving and loading a ``Searcher``: one folder, written atomically, checked on load.

Folder layout: ``manifest.json`` (model id and weight hash, catalog hash and spec, retriever, search
config, and for dense/hybrid the FAISS index type, metric, dim and count), ``catalog.jsonl`` (the
catalog snapshot), ``descriptors.json`` + ``descriptor_vectors.npy`` (unique descriptors and their
embeddings) and, for dense/hybrid, ``index.faiss``. Sparse retrievers are refitted from the snapshot
on load (seconds); the dense index is never rebuilt on load.

A save refuses a folder that is not an index (``retrieval.index_folder``; ``overwrite=False`` refuses
an existing index too). A load fails with ``IndexMismatchError`` (naming each difference and the
``cratedigger index`` command to run) when the requested model or catalog differs or the stored
model's weights changed since the build, and with ``IndexDamagedError`` when any file is missing,
unreadable, or disagrees with the manifest or the snapshot (``retrieval.index_checks``).
Out of scope: searching (``retrieval.searcher``).
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
from retrieval.errors import CatalogError
from retrieval.index_checks import check_searcher_fields, read_descriptors, read_vectors, settings
from retrieval.index_folder import CATALOG_FILE, DESCRIPTORS_FILE, VECTORS_FILE
from retrieval.index_manifest import Damage, damage_reporter
from retrieval.set_table import SetTable
from retrieval.vector_index import (
    FORMAT_VERSION,
    MANIFEST_FILE,
    VectorIndex,
    atomic_dir,
    check_manifest,
    model_hash,
    read_manifest,
)

if TYPE_CHECKING:
    from retrieval.searcher import SearchConfig, Searcher

logger = logging.getLogger(__name__)
__all__ = [
    "CATALOG_FILE", "DESCRIPTORS_FILE", "VECTORS_FILE", "base_manifest", "load_searcher", "save_searcher",
]


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
    from retrieval.matching import DescriptorMatcher
    from retrieval.searcher import SearchConfig, make_encoder, make_retriever, match_config

    stored = read_manifest(folder, None, require_index=False)
    known = {key: stored[key] for key in ("catalog_spec", "model_id") if isinstance(stored.get(key), str)}
    check_searcher_fields(stored, damage_reporter(folder, known))
    expected = _expected(stored, model, catalog)
    check_manifest(stored, expected, folder)
    damaged = damage_reporter(folder, expected)
    values = stored.get("search_config", {})
    values = {"retriever": stored["retriever"], **values} if isinstance(values, dict) else values
    config = settings(SearchConfig, values, "search_config", damaged)
    snapshot = _read_snapshot(folder, stored, damaged)
    table = SetTable.from_catalog(snapshot)
    if (len(snapshot), len(table.sets)) != (stored["songs"], stored["sets"]):
        raise damaged(f"{CATALOG_FILE} has {len(snapshot)} songs in {len(table.sets)} sets but the manifest "
                      f"says {stored['songs']} in {stored['sets']}")
    model_id = str(stored["model_id"])
    encoder = make_encoder(model_id, config)
    descriptors = read_descriptors(folder / DESCRIPTORS_FILE, damaged)
    if descriptors != table.descriptors:
        raise damaged(f"{DESCRIPTORS_FILE} does not match the catalog snapshot's descriptors")
    dim = int(stored["dim"]) if "dim" in stored else encoder.dim
    vectors = read_vectors(folder / VECTORS_FILE, len(descriptors), dim, damaged)
    retriever = make_retriever(config.retriever, model_id, encoder)
    _restore(retriever, folder, table, stored, expected)
    matcher = DescriptorMatcher(descriptors, vectors, match_config(config))
    return cls(snapshot, table, retriever, encoder, matcher, config, {k: v for k, v in stored.items()
                                                                        if k not in ("created",)})


def _read_snapshot(folder: Path, stored: dict[str, Any], damaged: Damage) -> Catalog:
    """The catalog snapshot, which must hash to the manifest's ``catalog_hash``."""
    path = folder / CATALOG_FILE
    if not path.is_file():
        raise damaged(f"{CATALOG_FILE} is missing")
    try:
        snapshot, _ = load_catalog(f"jsonl:{path}", name=stored["catalog_name"])
    except CatalogError as exc:
        raise damaged(f"{CATALOG_FILE} does not load: {exc}") from exc
    snapshot.spec = stored.get("catalog_spec", "")
    if snapshot.content_hash() != stored["catalog_hash"]:
        raise damaged(f"{CATALOG_FILE} does not hash to the manifest's catalog_hash; the folder was modified")
    return snapshot


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
