"""Compare how ``Searcher`` scores songs from descriptor sets, on the MusicCaps dev tracks.

The catalog is the dev split (the fixed 15% of MusicCaps train tracks); each track's caption gives
queries whose relevant song is that track:

* ``sentence``: each caption sentence that names at least one of the track's descriptors verbatim
  (the paper's sentence queries, scored at song level);
* ``request``: the same sentences in request templates (``retrieval.evaluation.benchmark.request_query``);
* ``caption``: the whole caption (the paper's song-level variant).

For each retriever it reports song Recall@1/10 and MRR@10 of the ``song_scoring`` choices ``set``
(the retriever's score of the full set, i.e. the paper's ranking), ``coverage`` and ``combined`` with
several weights. Usage (about 10 minutes on 2 busy cores)::

    HF_HUB_OFFLINE=1 nice -n 5 python benchmarks/song_scoring.py --retrievers hybrid dense tfidf

Out of scope: set-level evaluation (``cratedigger evaluate``).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import time

import numpy as np

from retrieval.catalog import Catalog, load_catalog
from retrieval.evaluation.benchmark import (
    caption_of,
    request_query,
    sample_descriptor_set,
    select_split,
    split_sentences,
)
from retrieval.search.matching import split_phrases
from retrieval.search.searcher import Searcher

DEFAULT_WEIGHTS = (0.15, 0.3, 0.5, 0.7)


def make_queries(catalog: Catalog, seed: int = 0) -> dict[str, list[tuple[str, str]]]:
    """(query, relevant song id) lists per query kind."""
    out: dict[str, list[tuple[str, str]]] = {"sentence": [], "request": [], "caption": []}
    for song in catalog:
        caption = caption_of(song)
        if not caption:
            continue
        out["caption"].append((caption, song.id))
        rng = np.random.default_rng([seed, len(out["caption"])])
        for sentence in split_sentences(caption):
            chosen = sample_descriptor_set(sentence, song.descriptors, rng)
            if chosen:
                out["sentence"].append((sentence, song.id))
                out["request"].append((request_query(sentence, chosen, rng), song.id))
    return out


def evaluate(searcher: Searcher, queries: list[tuple[str, str]]) -> dict[str, float]:
    ranks = []
    for text, relevant in queries:
        ids = [h.song.id for h in searcher.search(text, k=10).songs]
        ranks.append(ids.index(relevant) + 1 if relevant in ids else 0)
    r = np.array(ranks)
    return {"recall@1": float(np.mean(r == 1)), "recall@10": float(np.mean(r > 0)),
            "mrr@10": float(np.mean(np.where(r > 0, 1.0 / np.maximum(r, 1), 0.0)))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", default="musiccaps")
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--retrievers", nargs="+", default=["hybrid", "dense", "tfidf"])
    parser.add_argument("--max-queries", type=int, default=800, help="per query kind (sampled, seed 0)")
    parser.add_argument("--split", choices=("dev", "train"), default="dev",
                        help="tracks to use: dev (report) or train (tune; sampled to --tracks)")
    parser.add_argument("--tracks", type=int, default=410, help="train tracks sampled with --split train")
    parser.add_argument("--weights", nargs="+", type=float, default=list(DEFAULT_WEIGHTS),
                        help="coverage weights of the combined scoring")
    parser.add_argument("--retrieval-text", choices=("request", "phrases"), default="request",
                        help="SearchConfig.retrieval_text: the request as typed, or its phrases")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    catalog, _ = load_catalog(args.catalog)
    songs = select_split(catalog.songs, args.split)
    if args.split == "train":
        picks = np.random.default_rng(1).choice(len(songs), min(args.tracks, len(songs)), replace=False)
        songs = [songs[i] for i in sorted(picks)]
    dev = Catalog(songs, name=f"musiccaps-{args.split}")
    variants = [("set", 0.0), ("coverage", 1.0)] + [("combined", w) for w in args.weights]
    kinds = make_queries(dev)
    rng = np.random.default_rng(0)
    for kind, items in kinds.items():
        if len(items) > args.max_queries:
            kinds[kind] = [items[i] for i in sorted(rng.choice(len(items), args.max_queries, replace=False))]
    print(f"{len(dev)} {args.split} tracks; queries: " + ", ".join(f"{k} {len(v)}" for k, v in kinds.items()))
    header = " | ".join(f"{k} R@1 | {k} R@10 | {k} MRR" for k in kinds)
    print(f"| retriever | song scoring | w | {header} |")
    print("|---|---|---:|" + "---:|" * (3 * len(kinds)))
    for name in args.retrievers:
        start = time.perf_counter()
        searcher = Searcher.build(dev, model=args.model, retriever=name)
        texts = [t for items in kinds.values() for t, _ in items]
        phrases = [split_phrases(t) for t in texts]
        searcher.encoder.encode(texts + [p for ps in phrases for p in ps] + [", ".join(ps) for ps in phrases])
        base = searcher.config
        for scoring, weight in variants:
            searcher.config = dataclasses.replace(base, song_scoring=scoring, coverage_weight=weight,
                                                  retrieval_text=args.retrieval_text)
            cells = []
            for items in kinds.values():
                m = evaluate(searcher, items)
                cells += [f"{100 * m[key]:.1f}" for key in ("recall@1", "recall@10", "mrr@10")]
            print(f"| {name} | {scoring} | {weight} | " + " | ".join(cells) + " |", flush=True)
        print(f"<!-- {name}: {time.perf_counter() - start:.0f} s -->", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
