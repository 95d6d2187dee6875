"""What the tags a query names pin down: an estimate of Recall@10 for a retriever that knows them exactly.

For each query of a BEIR folder whose documents are tag sets ("rock, happy, guitar"), the tags of its
relevant set that the query names word for word are "named"; every corpus set holding all of them is a
candidate; a retriever that knew the named tags and nothing else, ranking the candidates at random, puts
the relevant set in its top k with probability min(1, k / candidates). The mean of that over the queries
is the estimate (docs/results.md, "How far the LLM-phrased request sets can go", for the Jamendo LLM set).

It is an estimate, not a bound: tags a query implies without naming them, and a prior over sets, can
do better; a paraphrased tag counts as not named. Out of scope: judging meaning (that took a reader:
``docs/analysis/llm_request_misses_judged.jsonl``).

    .venv/bin/python benchmarks/named_tag_ceiling.py J/jamendo-llm

Example:
    >>> round(expected_recall([({"rock", "happy"}, "happy rock please")], [{"rock", "happy"}] * 20), 2)
    0.5
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from pathlib import Path


def named_tags(tags: set[str], query: str) -> set[str]:
    """The tags of ``tags`` that ``query`` holds as whole words (case-folded)."""
    text = query.lower()
    return {t for t in tags if re.search(r"\b" + re.escape(t.lower()) + r"\b", text)}


def candidates(named: set[str], corpus: list[set[str]]) -> int:
    """How many corpus sets hold every named tag (all of them when nothing is named)."""
    return sum(named <= s for s in corpus)


def expected_recall(queries: list[tuple[set[str], str]], corpus: list[set[str]], k: int = 10) -> float:
    """Mean over (relevant set, query text) of min(1, k / the candidates of the query's named tags)."""
    return recall_from_counts([candidates(named_tags(rel, q), corpus) for rel, q in queries], k)


def recall_from_counts(counts: list[int], k: int = 10) -> float:
    """Mean of min(1, k / count) over the candidate counts of the queries."""
    return statistics.fmean(min(1.0, k / max(1, c)) for c in counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="BEIR folder whose documents are comma-separated tag sets")
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from retrieval.evaluation.evaluate import load_beir

    data = load_beir(args.folder)
    text = dict(zip(data.doc_ids, data.doc_texts, strict=True))
    corpus = [set(t.split(", ")) for t in data.doc_texts]
    queries = [(set(text[next(iter(data.qrels[q]))].split(", ")), t)
               for q, t in zip(data.query_ids, data.query_texts, strict=True)]
    counts = [candidates(named_tags(rel, q), corpus) for rel, q in queries]
    named = statistics.fmean(len(named_tags(r, q)) for r, q in queries)
    print(f"{args.folder}: {len(queries)} queries, {named:.2f} "
          f"tags named on average, median {statistics.median(counts):g} candidate sets "
          f"({100 * sum(c > args.k for c in counts) / len(counts):.0f}% over {args.k}), "
          f"expected Recall@{args.k} {100 * recall_from_counts(counts, args.k):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
