from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval.errors import IndexMismatchError
from retrieval.index.config import IndexConfig, ef_search_for
from retrieval.index.folder import atomic_dir
from retrieval.index.vector_index import VectorIndex
from retrieval.models.model_hash import model_hash


def _unit(n: int, d: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_flat_cosine_worked_example() -> None:
    # rows: x axis, y axis, and a long vector along x+y; cosine ignores its length
    vecs = np.array([[1, 0], [0, 1], [10, 10]], dtype=np.float32)
    idx = VectorIndex.build(vecs, metric="cosine")
    scores, ids = idx.search(np.array([[1.0, 0.9]], dtype=np.float32), k=3)
    assert idx.kind == "flat" and len(idx) == 3 and idx.dim == 2
    assert ids[0].tolist() == [2, 0, 1]
    assert scores[0, 0] == pytest.approx((1 + 0.9) / np.sqrt(2) / np.sqrt(1.81), abs=1e-5)


def test_dot_metric_keeps_lengths() -> None:
    vecs = np.array([[1, 0], [0, 1], [10, 10]], dtype=np.float32)
    idx = VectorIndex.build(vecs, metric="dot")
    scores, ids = idx.search(np.array([[1.0, 0.0]], dtype=np.float32), k=2)
    assert ids[0].tolist() == [2, 0] and scores[0].tolist() == pytest.approx([10.0, 1.0])


@pytest.mark.parametrize("storage", ["sq8", "flat"])
def test_auto_switches_to_hnsw_and_recall_is_high(storage: str, tmp_path: Path) -> None:
    vecs = _unit(2000, 16)
    cfg = IndexConfig(exact_max=1000, ef_search=64, storage=storage)
    ann = VectorIndex.build(vecs, kind="auto", config=cfg)
    exact = VectorIndex.build(vecs, kind="flat")
    assert ann.kind == "hnsw" and ann.ef_search == 64 and len(ann) == 2000
    q = _unit(50, 16, seed=1)
    scores, a = ann.search(q, 10)
    exact_scores, e = exact.search(q, 10)
    recall = np.mean([len(set(x) & set(y)) / 10 for x, y in zip(a, e, strict=True)])
    assert recall >= 0.95
    if storage == "sq8":  # re-ranked with the float vectors: scores are exact cosines
        np.testing.assert_allclose(scores[:, 0], exact_scores[:, 0], atol=1e-5)
    # graph links make it bigger than the 2000 x 16 float vectors (plus 8-bit codes for sq8)
    assert ann.nbytes() > 2000 * 16 * 4 + (2000 * 16 if storage == "sq8" else 0)
    ann.save(tmp_path / "ann")
    back = VectorIndex.load(tmp_path / "ann")
    assert back.kind == "hnsw" and back.ef_search == 64
    np.testing.assert_array_equal(back.search(q, 10)[1], a)
    np.testing.assert_allclose(back.vectors(), vecs, atol=1e-6)


def test_ef_search_grows_with_size() -> None:
    assert ef_search_for(100_000) == 192 and ef_search_for(1_000_000) == 764
    assert ef_search_for(10) == 64 and ef_search_for(10**9) == 1024


def test_round_trip_and_manifest(tmp_path: Path) -> None:
    vecs = _unit(30, 8)
    idx = VectorIndex.build(vecs)
    out = tmp_path / "idx"
    manifest = idx.save(out, {"model_id": "m", "model_hash": "h1", "catalog_hash": "c1"})
    assert {"index_type", "metric", "dim", "count", "created"} <= manifest.keys()
    assert json.loads((out / "manifest.json").read_text())["count"] == 30
    loaded = VectorIndex.load(out, {"model_id": "m", "model_hash": "h1", "catalog_hash": "c1"})
    q = _unit(3, 8, seed=2)
    np.testing.assert_array_equal(loaded.search(q, 5)[1], idx.search(q, 5)[1])
    np.testing.assert_allclose(loaded.vectors(), vecs, atol=1e-6)


def test_mismatch_names_what_differs_and_how_to_rebuild(tmp_path: Path) -> None:
    out = tmp_path / "idx"
    stored = {"model_id": "minilm", "model_hash": "aaa", "catalog_hash": "c1"}
    VectorIndex.build(_unit(5, 4)).save(out, stored)
    expected = {"model_id": "mpnet", "model_hash": "bbb", "catalog_hash": "c1", "catalog_spec": "demo"}
    with pytest.raises(IndexMismatchError) as err:
        VectorIndex.load(out, expected)
    msg = str(err.value)
    assert "model_id: index has 'minilm', expected 'mpnet'" in msg
    assert "model_hash" in msg and "catalog_hash" not in msg
    assert f"cratedigger index --catalog demo --model mpnet --out {out}" in msg


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexMismatchError, match="no index at"):
        VectorIndex.load(tmp_path / "nowhere")


def test_atomic_dir_keeps_old_index_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "idx"
    VectorIndex.build(_unit(5, 4)).save(out, {"catalog_hash": "old"})
    with pytest.raises(RuntimeError), atomic_dir(out) as staging:
        (staging / "index.faiss").write_bytes(b"half")
        raise RuntimeError("crash mid-write")
    assert json.loads((out / "manifest.json").read_text())["catalog_hash"] == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]  # no staging folder left behind
    VectorIndex.build(_unit(7, 4)).save(out, {"catalog_hash": "new"})
    assert len(VectorIndex.load(out, {"catalog_hash": "new"})) == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]


def test_model_hash_changes_with_weights(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"abc")
    first = model_hash(str(tmp_path))
    (tmp_path / "model.safetensors").write_bytes(b"abcd")
    assert model_hash(str(tmp_path)) != first
    assert model_hash("org/not-a-path") == "name:org/not-a-path"
