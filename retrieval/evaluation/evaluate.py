"""Reads BEIR folders and scores a retriever on them (Recall@1/5/10, MRR@10, nDCG@10).

Out of scope: building benchmarks (``retrieval.evaluation.benchmark``), the metric definitions
(``retrieval.evaluation.metrics``) and the CLI (``retrieval.cli.eval_commands``).
"""

from __future__ import annotations

import json
import logging
import statistics
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.errors import BenchmarkError
from retrieval.evaluation.metrics import METRIC_NAMES, compute_metrics
from retrieval.retrievers.base import Retriever

logger = logging.getLogger(__name__)


@dataclass
class BeirData:
    """One BEIR folder in memory: parallel id/text lists and ``qrels[query_id][corpus_id] = score``."""

    doc_ids: list[str]
    doc_texts: list[str]
    query_ids: list[str]
    query_texts: list[str]
    qrels: dict[str, dict[str, int]]


def _read_jsonl(path: Path, required: Sequence[str]) -> list[dict[str, Any]]:
    if not path.is_file():
        raise BenchmarkError(
            f"{path} is missing: expected a BEIR folder; build one with `cratedigger make-benchmark`"
        )
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BenchmarkError(
                f"{path}:{lineno}: not valid JSON ({exc.msg}); fix or rebuild the file"
            ) from exc
        missing = [key for key in required if not isinstance(row, dict) or key not in row]
        if missing:
            raise BenchmarkError(
                f"{path}:{lineno}: missing field(s) {', '.join(missing)}; expected {list(required)}"
            )
        rows.append(row)
    return rows


def _read_qrels(path: Path) -> dict[str, dict[str, int]]:
    if not path.is_file():
        raise BenchmarkError(
            f"{path} is missing: expected qrels/test.tsv with header query-id, corpus-id, score"
        )
    qrels: dict[str, dict[str, int]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fields = line.rstrip("\n").split("\t")
        if lineno == 1 and fields[0] == "query-id" or not line.strip():
            continue
        if len(fields) != 3 or not fields[2].lstrip("-").isdigit():
            raise BenchmarkError(
                f"{path}:{lineno}: expected 'query-id<TAB>corpus-id<TAB>integer score', got {line!r}"
            )
        qrels.setdefault(fields[0], {})[fields[1]] = int(fields[2])
    return qrels


def load_beir(beir_dir: str | Path) -> BeirData:
    """Load ``corpus.jsonl``, ``queries.jsonl`` and ``qrels/test.tsv``; keep only queries with qrels.

    Example:
        >>> data = load_beir("bench/sentence-seed0")  # doctest: +SKIP
        >>> len(data.query_ids), len(data.doc_ids)  # doctest: +SKIP
        (1072, 923)
    """
    root = Path(beir_dir)
    corpus = _read_jsonl(root / "corpus.jsonl", ("_id", "text"))
    queries = _read_jsonl(root / "queries.jsonl", ("_id", "text"))
    qrels = _read_qrels(root / "qrels" / "test.tsv")
    doc_ids = [str(row["_id"]) for row in corpus]
    known = set(doc_ids)
    unknown = sorted({d for judged in qrels.values() for d in judged} - known)
    if unknown:
        raise BenchmarkError(
            f"{root}: qrels name {len(unknown)} corpus id(s) not in corpus.jsonl, e.g. {unknown[:3]}"
        )
    queries = [row for row in queries if str(row["_id"]) in qrels]
    if not queries:
        raise BenchmarkError(f"{root}: no query in queries.jsonl has a judgement in qrels/test.tsv")
    return BeirData(
        doc_ids=doc_ids,
        doc_texts=[(str(row.get("title") or "") + " " + str(row["text"])).strip() for row in corpus],
        query_ids=[str(row["_id"]) for row in queries],
        query_texts=[str(row["text"]) for row in queries],
        qrels={str(row["_id"]): qrels[str(row["_id"])] for row in queries},
    )


def rank(retriever: Retriever, data: BeirData, k: int = 10, batch_size: int = 256) -> dict[str, list[str]]:
    """Fit ``retriever`` on the corpus and return the top-``k`` corpus ids per query id."""
    retriever.fit(data.doc_texts)
    run: dict[str, list[str]] = {}
    for start in range(0, len(data.query_texts), batch_size):
        batch = data.query_texts[start : start + batch_size]
        for offset, hits in enumerate(retriever.search(batch, k=k)):
            run[data.query_ids[start + offset]] = [data.doc_ids[i] for i, _ in hits]
    return run


def evaluate_retriever(
    retriever: Retriever, beir_dir: str | Path | BeirData, k: int = 10
) -> dict[str, float]:
    """Recall@1/5/10, MRR@10 and nDCG@10 of ``retriever`` on one BEIR folder (plus counts and seconds).

    Example:
        >>> evaluate_retriever(TfidfRetriever(), "bench/sentence-seed0")["recall@10"]  # doctest: +SKIP
        0.848
    """
    data = beir_dir if isinstance(beir_dir, BeirData) else load_beir(beir_dir)
    started = time.perf_counter()
    run = rank(retriever, data, k=max(k, 10))
    result = compute_metrics(run, data.qrels)
    result.update(
        queries=float(len(data.query_ids)),
        documents=float(len(data.doc_ids)),
        seconds=time.perf_counter() - started,
    )
    return result


def aggregate(
    results: Iterable[Mapping[str, float]], names: Sequence[str] = METRIC_NAMES
) -> dict[str, dict[str, float]]:
    """Mean and sample standard deviation (0 for a single result) of each metric.

    Example:
        >>> aggregate([{"recall@10": 0.5}, {"recall@10": 1.0}], ["recall@10"])["recall@10"]["mean"]
        0.75
    """
    results = list(results)
    out: dict[str, dict[str, float]] = {}
    for name in names:
        values = [float(r[name]) for r in results]
        out[name] = {
            "mean": statistics.fmean(values) if values else 0.0,
            "std": statistics.stdev(values) if len(values) > 1 else 0.0,
        }
    return out
