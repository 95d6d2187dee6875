"""The parts of a ``Searcher``: building them, and saving and loading them (one folder, written
atomically, checked on load).

Folder layout: ``manifest.json`` (model id and weight hash, catalog hash and spec, retriever, search
config, and for dense/hybrid the FAISS index type, metric, dim and count), ``catalog.jsonl`` (the
catalog snapshot), ``descriptors.json`` + ``descriptor_vectors.npy`` (unique descriptors and their
embeddings) and, for dense/hybrid, ``index.faiss``. Sparse retrievers are refitted from the snapshot
on load (seconds); the dense index is never rebuilt on load.

A save refuses a folder that is not an index (``retrieval.index.folder``; ``overwrite=False`` refuses
an existing index too). A load fails with ``IndexMismatchError`` (naming each difference and the
``cratedigger index`` command to run) when the requested model or catalog differs or the stored
model's weights changed since the build, and with ``IndexDamagedError`` when any file is missing,
unreadable, or disagrees with the manifest or the snapshot (``retrieval.index.checks``).
Out of scope: searching (``retrieval.search.searcher``, which imports this module, never the other way)
and the cache of indexes (``retrieval.search.store``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.catalog import Catalog, load_catalog
from retrieval.errors import CatalogError
from retrieval.index.checks import check_searcher_fields, read_descriptors, read_vectors, settings
from retrieval.index.folder import CATALOG_FILE, DESCRIPTORS_FILE, VECTORS_FILE, atomic_dir
from retrieval.index.manifest import (
    FORMAT_VERSION,
    Damage,
    IndexManifest,
    check_manifest,
    damage_reporter,
    read_manifest,
)
from retrieval.index.vector_index import VectorIndex
from retrieval.models.encoder import Encoder, EncoderConfig
from retrieval.models.model_hash import model_hash
from retrieval.models.registry import default_model, resolve
from retrieval.retrievers import build_retriever
from retrieval.retrievers.base import Retriever
from retrieval.search.config import MATCH_KEYS, MatchConfig, SearchConfig
from retrieval.search.matching import DescriptorMatcher
from retrieval.search.set_table import SetTable

logger = logging.getLogger(__name__)


@dataclass
class SearcherParts:
    """What a ``Searcher`` is made of; ``manifest`` holds what was indexed (model, catalog, settings)."""

    catalog: Catalog
    table: SetTable
    retriever: Retriever
    encoder: Any
    matcher: DescriptorMatcher
    config: SearchConfig
    manifest: dict[str, Any]


def build_parts(catalog: Catalog, model: str | None, config: SearchConfig) -> SearcherParts:
    """Index ``catalog`` with ``config.retriever`` and ``model`` (default ``default_model()``)."""
    model = model or default_model()
    encoder = make_encoder(model, config)
    table = SetTable.from_catalog(catalog)
    retriever = make_retriever(config.retriever, model, encoder, config.set_prior_weight)
    logger.info("indexing %d descriptor sets of %d songs (%s)", len(table.sets), len(catalog), retriever.name)
    retriever.fit(table.texts)
    matcher = DescriptorMatcher(table.descriptors, encoder.encode(table.descriptors), config.match)
    return SearcherParts(catalog, table, retriever, encoder, matcher, config,
                         searcher_fields(catalog, model, config))


def searcher_fields(catalog: Catalog, model: str, config: SearchConfig) -> dict[str, Any]:
    """A searcher's manifest fields known before saving: what was indexed, with which model and settings."""
    return {
        "model_id": model,
        "model_name": model,
        "model_hash": model_hash(resolve(model)),
        "catalog_hash": catalog.content_hash(),
        "catalog_name": catalog.name,
        "catalog_spec": catalog.spec or catalog.name,
        "songs": len(catalog),
        "retriever": config.retriever,
        "search_config": config.to_dict(),
    }


def make_encoder(model: str, config: SearchConfig) -> Encoder:
    """The shared sentence encoder (cosine; caches every text it has embedded)."""
    return Encoder(EncoderConfig(model=model, batch_size=config.batch_size,
                                 show_progress_bar=config.show_progress_bar))


def make_retriever(name: str, model: str, encoder: Encoder, set_prior_weight: float = 0.0) -> Retriever:
    """``build_retriever(name)``, sharing ``encoder`` with the dense part when there is one; a hybrid gets
    the packaged descriptor-set prior at ``set_prior_weight`` (0: none)."""
    if name == "hybrid":
        return build_retriever(name, model=model, encoder=encoder, prior=set_prior_weight > 0,
                               prior_weight=set_prior_weight)
    if name == "dense":
        return build_retriever(name, model=model, encoder=encoder)
    return build_retriever(name)


def _dense_part(retriever: Any) -> Any:
    """The DenseRetriever inside ``retriever`` (itself, or a hybrid's dense part), else None."""
    if retriever.name == "dense":
        return retriever
    return getattr(retriever, "dense", None) if retriever.name == "hybrid" else None


def save_parts(parts: SearcherParts, folder: Path, overwrite: bool = True,
               protect: Iterable[Path] = ()) -> dict[str, Any]:
    """Write everything ``load_parts`` needs into ``folder`` (replaced atomically); returns the manifest.

    Raises:
        UnsafeOutputError: ``folder`` is a file or a folder that is not an index, holds a ``protect``
            path, or (``overwrite=False``) already holds an index; nothing is written.
    """
    fields = {**parts.manifest, "sets": len(parts.table.sets)}
    with atomic_dir(folder, replace_index=overwrite, protect=protect) as staging:
        parts.catalog.write_jsonl(staging / CATALOG_FILE)
        (staging / DESCRIPTORS_FILE).write_text(json.dumps(parts.table.descriptors, ensure_ascii=False))
        np.save(staging / VECTORS_FILE, parts.matcher.vectors)
        dense = _dense_part(parts.retriever)
        if dense is not None:
            manifest = dense.index.write_files(staging, fields)
        else:
            manifest = IndexManifest(extra=fields).write(staging)
    logger.info("saved %s index of %d sets to %s", parts.retriever.name, len(parts.table.sets), folder)
    return manifest


def _expected(stored: dict[str, Any], model: str | None, catalog: Catalog | None) -> dict[str, Any]:
    """What the manifest must say: the requested model/catalog, and the stored model's current weights."""
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


def load_parts(folder: Path, model: str | None = None, catalog: Catalog | None = None) -> SearcherParts:
    """The parts of the searcher saved in ``folder`` (see the module docstring for the checks)."""
    stored = read_manifest(folder, None, require_index=False)
    known = {key: stored[key] for key in ("catalog_spec", "model_id") if isinstance(stored.get(key), str)}
    check_searcher_fields(stored, damage_reporter(folder, known))
    expected = _expected(stored, model, catalog)
    check_manifest(stored, expected, folder)
    damaged = damage_reporter(folder, expected)
    config = _search_config(stored, damaged)
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
    retriever = make_retriever(config.retriever, model_id, encoder, config.set_prior_weight)
    _restore(retriever, folder, table, stored, expected)
    matcher = DescriptorMatcher(descriptors, vectors, config.match)
    manifest = {k: v for k, v in stored.items() if k != "created"}
    return SearcherParts(snapshot, table, retriever, encoder, matcher, config, manifest)


def _search_config(stored: dict[str, Any], damaged: Damage) -> SearchConfig:
    """The manifest's ``search_config`` (flat: the match thresholds beside the other settings), checked."""
    values = stored.get("search_config", {})
    values = {"retriever": stored["retriever"], **values} if isinstance(values, dict) else values
    if not isinstance(values, dict):
        return settings(SearchConfig, values, "search_config", damaged)  # raises: not an object
    match = settings(MatchConfig, {k: v for k, v in values.items() if k in MATCH_KEYS}, "search_config",
                     damaged)
    config = settings(SearchConfig, {k: v for k, v in values.items() if k not in MATCH_KEYS},
                      "search_config", damaged)
    return dataclasses.replace(config, match=match)


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
