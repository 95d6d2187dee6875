"""Training pairs from the LLM-written rows of ``training.generate_requests`` (stage 1, data).

Row kinds and the pairs they give: ``mc_request`` (a whole MusicCaps train caption rewritten as a
request) with its track's aspects, kind ``llm_request``; ``mc_sentence`` (one caption sentence rewritten)
with every set its sentence was sampled into, kind ``llm_sentence``; ``jamendo_description`` (a Jamendo
train tag set described) with that tag set, kind ``llm_jamendo``; ``jamendo_heard`` (a Jamendo train track
described as a listener who heard it would, written from its tag set) with that tag set, kind
``llm_jamendo_heard``. Rows of dev tracks, rows whose source
sentence has changed since they were written, and lines cut by a kill are skipped.

Out of scope: writing the rows (``training.generate_requests``), the other data kinds
(``training.data``).

Example:
    >>> llm_rows_path("training/generated/llm_rows.jsonl").name
    'llm_rows.jsonl'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from retrieval.errors import DataNotFoundError
from retrieval.evaluation.benchmark import split_sentences
from training.rows import pair

LLM_KINDS = ("mc_request", "mc_sentence", "jamendo_description", "jamendo_heard")
JAMENDO_PAIR_KINDS = {"jamendo_description": "llm_jamendo", "jamendo_heard": "llm_jamendo_heard"}


def checked_kinds(kinds: Iterable[str] | None, section: str,
                  error: type[Exception]) -> tuple[str, ...] | None:
    """``kinds`` as a tuple (None stays None: every kind); raises ``error`` naming ``section`` for a kind
    not in ``LLM_KINDS``.

    Example:
        >>> checked_kinds(["mc_sentence"], "data", ValueError)
        ('mc_sentence',)
    """
    if kinds is None:
        return None
    kinds = tuple(kinds)
    if [k for k in kinds if k not in LLM_KINDS]:
        raise error(f"{section}.llm_kinds must list kinds from {LLM_KINDS}, got {list(kinds)}; fix the "
                    'config, e.g. "llm_kinds": ["mc_sentence"], or leave it out to read every kind')
    return kinds


def llm_rows_path(name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else Path(__file__).resolve().parents[1] / path


def llm_pairs(
    path: Path, train: list[dict[str, Any]], jamendo: dict[str, list[str]] | None = None,
    sentences: list[dict] | None = None, kinds: tuple[str, ...] | None = None,
) -> list[dict]:
    """Pairs from LLM-written rows: a MusicCaps request with its track's aspects (train tracks only); a
    rewritten caption sentence with the sets its ``sentence`` rows have (from ``sentences``); a Jamendo
    description with its train track's tag set (from ``jamendo``; rows of older files carry it as
    ``source``)."""
    aspects = {r["ytid"]: r["aspects"] for r in train}
    rows = [r for r in _llm_rows(path) if kinds is None or r["kind"] in kinds]
    pairs = _llm_sentence_pairs(rows, train, sentences or [])
    for row in rows:
        kind, key, text = row["kind"], row["key"], row["text"]
        if kind == "mc_request" and key.rsplit(":", 1)[-1] in aspects:
            ytid = key.rsplit(":", 1)[-1]
            pairs.append(pair(text, aspects[ytid], "llm_request", ytid))
        elif kind in JAMENDO_PAIR_KINDS:
            tags = (jamendo or {}).get(key.rsplit(":", 1)[-1]) or [
                t.strip() for t in str(row.get("source", "")).split(",") if t.strip()
            ]
            if tags:
                pairs.append(pair(text, tags, JAMENDO_PAIR_KINDS[kind], key.rsplit(":", 1)[-1]))
    return pairs


def _llm_sentence_pairs(rows: list[dict], train: list[dict[str, Any]], sentences: list[dict]) -> list[dict]:
    """``llm_sentence`` pairs: each ``mc_sentence`` row (key ``mc_sentence:mc:<ytid>:<index>``) with every
    sampled set of its source sentence's ``sentence`` rows; rows whose source no longer hashes the same,
    or of dev tracks, are skipped."""
    captions = {r["ytid"]: r["caption"] for r in train}
    sets: dict[tuple[str, str], list[list[str]]] = {}
    for p in sentences:
        sets.setdefault((p["group"], p["query"]), []).append(p["descriptors"])
    pairs = []
    for row in rows:
        if row["kind"] != "mc_sentence":
            continue
        ytid, _, index = row["key"].split(":", 2)[-1].rpartition(":")
        parts = split_sentences(captions.get(ytid, ""))
        if not index.isdigit() or int(index) >= len(parts):
            continue
        sentence = parts[int(index)]
        if row.get("source_sha256") not in (None, hashlib.sha256(sentence.encode()).hexdigest()[:16]):
            continue  # the caption changed since the row was written
        pairs += [pair(row["text"], d, "llm_sentence", ytid) for d in sets.get((ytid, sentence), [])]
    return pairs


def _llm_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line in _require_rows(path).read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue  # a line cut by a kill
        if isinstance(row, dict) and all(isinstance(row.get(k), str) for k in ("kind", "key", "text")):
            rows.append(row)
    return rows


def _require_rows(path: Path) -> Path:
    if not path.is_file():
        raise DataNotFoundError(
            f"expected LLM-written rows at {path}, found nothing; point data.llm_rows (or refine.llm_rows) "
            "at a rows file (the project ships training/generated/llm_rows.jsonl and agent_rows.jsonl)"
        )
    return path
