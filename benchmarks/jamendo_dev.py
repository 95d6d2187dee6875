"""The MTG-Jamendo dev benchmark: descriptions of *validation* tracks -> the track's tag set (issue 13).

Queries are descriptions of MTG-Jamendo validation-split tracks, from seven sources:

* ``jamendo_validation_llm.jsonl``: the packaged LLM wrote them from the tags alone with a dev-only
  prompt (``python -m training.generate_requests --kinds jamendo_dev``); tracks with 3+ tags only.
* ``jamendo_validation_human.jsonl``: written by hand in a listener's words, naming the tags (so easy).
* ``jamendo_validation_listener.jsonl``: 130 descriptions of the sound rather than the tags, written by
  the session's agents for tracks drawn with ``random.Random(2026)``, independently of the lexicons.
* ``jamendo_validation_heard.jsonl``: 200 descriptions written as a listener writes after hearing the
  track, for tracks drawn uniformly over validation tracks (``random.Random(20261207)``), so short common
  tag sets are as frequent as in the split. The writers were told to leave out about a third of the tags
  and to add details such a track has but its uploader did not tag, as people describing audio do.
* ``jamendo_validation_heard_check.jsonl``: 120 more written the same way by another writer for a second
  uniform draw (``random.Random(20261208)``), first scored after the set prior's weight was chosen on the
  first 200; looked at often since, so a dev set now, not a check.
* ``jamendo_validation_heard_check2.jsonl``: 150 more, for a third uniform draw (``random.Random(20261209)``
  over validation tracks not in the human, listener, heard or heard-check sets; 3 of them are also in the
  LLM set), by a writer told to describe what a study participant hears and to leave out about a third
  of the tag content; scored once, after the model and the fusion weights were fixed (docs/results.md,
  "Listener descriptions of Jamendo train tracks"), and used since in the decision against a second
  batch of listener descriptions, so no longer a clean check.
* ``jamendo_validation_heard_check3.jsonl``: 150 more, for a fourth uniform draw (the sorted validation
  tracks shuffled with ``random.Random(20261210)``, skipping tracks of every set above, the first 150;
  check2 instead removed the used tracks before shuffling), by another writer told to answer "describe
  this music in a sentence or two" as a listener who never saw the tags, getting across about two thirds
  of them; scored once, after the second batch of listener descriptions was rejected (docs/results.md,
  "A second batch of listener descriptions"). Its writer named more of the tags: an easier set.

The corpus is every distinct tag set of the validation split (tags read as the served catalog reads
them, ``jamendo_descriptor``); a query's one relevant document is its track's set. Training never sees
the validation split (``training.data`` reads train tracks).

    .venv/bin/python benchmarks/jamendo_dev.py --out /tmp/jamendo-dev              # build the folders
    .venv/bin/python benchmarks/jamendo_dev.py --out /tmp/jamendo-dev --evaluate   # and score them

Writes ``OUT/jamendo-llm``, ``-human``, ``-listener``, ``-heard`` and ``-heard-check`` to ``-heard-check3``
(BEIR layout: ``cratedigger evaluate`` reads them).
Out of scope: the test split (held out), training data.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from pathlib import Path
from typing import Any

DEVSETS = Path(__file__).parent / "devsets"
SOURCES = {"jamendo-llm": "jamendo_validation_llm.jsonl", "jamendo-human": "jamendo_validation_human.jsonl",
           "jamendo-listener": "jamendo_validation_listener.jsonl",
           "jamendo-heard": "jamendo_validation_heard.jsonl",
           "jamendo-heard-check": "jamendo_validation_heard_check.jsonl",
           "jamendo-heard-check2": "jamendo_validation_heard_check2.jsonl",
           "jamendo-heard-check3": "jamendo_validation_heard_check3.jsonl"}


def validation_sets(tsv: Path) -> dict[str, str]:
    """track id -> its tag set as text ("rock, happy, guitar"), for validation tracks with 1+ tags."""
    from retrieval.catalog.dataset_readers import jamendo_descriptor

    out = {}
    with tsv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            tags = [jamendo_descriptor(t) for t in (row.get("tags") or "").split(",") if t.strip()]
            if row.get("split") == "validation" and tags:
                out[row["track_id"]] = ", ".join(dict.fromkeys(tags))
    return out


def _doc_id(text: str) -> str:
    return "j" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _queries(path: Path) -> list[tuple[str, str]]:
    """(track id, description) from an LLM-written (``key``) or hand-written (``track_id``) file."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            track = row.get("track_id") or row["key"].rsplit(":", 1)[-1]
            rows.append((track, row["text"]))
    return rows


def build(tsv: Path, out: Path) -> dict[str, dict[str, int]]:
    """Write one BEIR folder per query source; returns counts per folder."""
    sets = validation_sets(tsv)
    corpus = sorted(set(sets.values()))
    stats = {}
    for name, file in SOURCES.items():
        if not (DEVSETS / file).is_file():
            continue
        folder = out / name
        (folder / "qrels").mkdir(parents=True, exist_ok=True)
        with (folder / "corpus.jsonl").open("w", encoding="utf-8") as handle:
            for text in corpus:
                handle.write(json.dumps({"_id": _doc_id(text), "text": text}) + "\n")
        queries = [(t, q) for t, q in _queries(DEVSETS / file) if t in sets]
        with (folder / "queries.jsonl").open("w", encoding="utf-8") as qh, \
                (folder / "qrels" / "test.tsv").open("w", encoding="utf-8") as rh:
            rh.write("query-id\tcorpus-id\tscore\n")
            for n, (track, text) in enumerate(queries):
                qh.write(json.dumps({"_id": f"q{n}", "text": text, "track_id": track}) + "\n")
                rh.write(f"q{n}\t{_doc_id(sets[track])}\t1\n")
        stats[name] = {"queries": len(queries), "documents": len(corpus)}
    return stats


def evaluate(out: Path, names: list[str], model: str | None = None) -> dict[str, dict[str, Any]]:
    """Recall@10 and MRR@10 of every retriever on each folder (``model``: the dense model, default the
    shipped one)."""
    from retrieval.evaluation.evaluate import evaluate_retriever, load_beir
    from retrieval.paths import state_dir
    from retrieval.retrievers import build_retriever

    cache = str(state_dir() / "embeddings")
    kinds = {"tfidf": ("tfidf", {}), "bm25": ("bm25", {}),
             "dense:minilm": ("dense", {"model": "minilm", "cache_dir": cache}),
             "dense": ("dense", {"model": model, "cache_dir": cache}),
             "hybrid": ("hybrid", {"model": model, "cache_dir": cache})}
    table: dict[str, dict[str, Any]] = {}
    for name in names:
        data = load_beir(out / name)
        for label, (kind, kw) in kinds.items():
            result = evaluate_retriever(build_retriever(kind, **kw), data)
            table.setdefault(label, {})[name] = {
                "recall@10": round(100 * result["recall@10"], 1), "mrr@10": round(100 * result["mrr@10"], 1)
            }
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--evaluate", action="store_true", help="score every retriever on the folders")
    parser.add_argument("--model", default=None, help="dense model (default: the shipped one)")
    args = parser.parse_args()
    stats = build(args.data / "jamendo" / "tracks.tsv", args.out)
    print(json.dumps(stats))
    if args.evaluate:
        print(json.dumps(evaluate(args.out, list(stats), args.model), indent=1))


if __name__ == "__main__":
    main()
