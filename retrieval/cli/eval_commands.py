"""Subcommands contributed by ``retrieval`` for evaluation: ``make-benchmark`` and ``evaluate``.

``cratedigger make-benchmark --dataset musiccaps:PATH --split dev --variant sentence --seeds 0 1 2 --out DIR``
writes ``DIR/<variant>-seed<N>`` BEIR folders; ``cratedigger evaluate DIR... --retriever tfidf`` prints
Recall@1/5/10, MRR@10 and nDCG@10 per folder and mean ± std per variant (folder name without
``-seed<N>``), and writes them as JSON with ``--output``. Out of scope: indexing and search commands
(``retrieval.cli.index_commands``).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from retrieval.errors import CratediggerError

logger = logging.getLogger(__name__)

_SEED_SUFFIX = re.compile(r"-seed\d+$")


def _default_dataset() -> str:
    from retrieval.paths import data_dir

    return f"musiccaps:{data_dir() / 'musiccaps' / 'musiccaps_train.csv'}"


def add_parsers(sub: Any) -> None:
    """Add ``make-benchmark`` and ``evaluate`` to ``sub`` (an argparse subparsers object)."""
    make = sub.add_parser(
        "make-benchmark",
        help="build BEIR benchmark folders from a captioned dataset (Epure et al. 2024 protocol)",
    )
    make.add_argument(
        "--dataset",
        default=None,
        help="catalog spec with captions, e.g. musiccaps:PATH or lp-musiccaps:PATH "
        "(default: musiccaps:$CRATEDIGGER_DATA/musiccaps/musiccaps_train.csv)",
    )
    make.add_argument(
        "--split",
        choices=("dev", "train", "all"),
        default="dev",
        help="dev = the fixed 15%% of tracks by hash of ytid (default), train = the rest",
    )
    make.add_argument(
        "--variant",
        nargs="+",
        choices=("sentence", "song", "request"),
        default=["sentence"],
        help="sentence: caption sentences; song: whole captions (no sampling, one folder for the first "
        "seed); request: request-style queries (default: sentence)",
    )
    make.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    make.add_argument("--out", required=True, help="output folder; writes OUT/<variant>-seed<N>")
    make.set_defaults(func=run_make_benchmark)

    ev = sub.add_parser("evaluate", help="Recall@1/5/10, MRR@10, nDCG@10 of a retriever on BEIR folders")
    ev.add_argument("dirs", nargs="+", help="BEIR folders (corpus.jsonl, queries.jsonl, qrels/test.tsv)")
    ev.add_argument("--retriever", choices=("tfidf", "bm25", "dense", "hybrid"), default="tfidf")
    ev.add_argument("--model", default=None, help="dense model for dense/hybrid (minilm, mpnet, a path...)")
    ev.add_argument("--score-fn", choices=("cosine", "dot"), default="cosine")
    ev.add_argument("--hybrid-weight", type=float, default=None, help="dense weight in [0, 1]")
    ev.add_argument("--hybrid-normalization", choices=("minmax", "zscore", "rrf"), default=None)
    ev.add_argument("--hybrid-sparse", choices=("tfidf", "bm25"), default=None)
    ev.add_argument(
        "--query-expansion", action=argparse.BooleanOptionalAction, default=None,
        help="lexicon query expansion of BM25 (default: on for hybrid, off for plain bm25)",
    )
    ev.add_argument(
        "--set-prior", action=argparse.BooleanOptionalAction, default=None,
        help="add the MTG-Jamendo descriptor-set prior to hybrid scores (default: on; it moves nothing on "
        "corpora outside the Jamendo vocabulary)",
    )
    ev.add_argument("--prior-weight", type=float, default=None, help="weight of log P(set) (hybrid)")
    ev.add_argument("--batch-size", type=int, default=64)
    ev.add_argument(
        "--no-embedding-cache",
        action="store_true",
        help="do not keep embeddings in $CRATEDIGGER_HOME/embeddings between runs",
    )
    ev.add_argument("--output", default=None, help="write the results as JSON to this file")
    ev.set_defaults(func=run_evaluate)


def run_make_benchmark(args: argparse.Namespace) -> int:
    from retrieval.catalog import load_catalog
    from retrieval.evaluation.benchmark import make_benchmark, select_split

    spec = args.dataset or _default_dataset()
    catalog, report = load_catalog(spec)
    songs = select_split(catalog.songs, args.split)
    print(f"{report.summary()}\nsplit {args.split}: {len(songs)} of {len(catalog)} tracks")
    out = Path(args.out)
    for variant in args.variant:
        seeds = args.seeds[:1] if variant == "song" else args.seeds  # the song variant samples nothing
        for seed in seeds:
            stats = make_benchmark(songs, out / f"{variant}-seed{seed}", seed=seed, variant=variant)
            print(
                f"{out / f'{variant}-seed{seed}'}: {stats.queries} queries, {stats.documents} documents, "
                f"{stats.tracks_used} tracks, {stats.sentences_dropped} of {stats.sentences} sentences "
                f"dropped, {len(stats.skipped)} tracks skipped"
            )
    return 0


def _retriever_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    from retrieval.paths import state_dir

    kw: dict[str, Any] = {}
    for key, value in (
        ("weight", args.hybrid_weight),
        ("normalization", args.hybrid_normalization),
        ("sparse", args.hybrid_sparse),
        ("prior", getattr(args, "set_prior", None)),
        ("prior_weight", getattr(args, "prior_weight", None)),
    ):
        if value is not None:
            if args.retriever != "hybrid":
                flag = {"prior": "set-prior", "prior_weight": "prior-weight"}.get(key, f"hybrid-{key}")
                raise CratediggerError(f"--{flag} only applies to --retriever hybrid, not {args.retriever}")
            kw[key] = value
    expand = getattr(args, "query_expansion", None)
    if expand is not None:
        if args.retriever not in ("bm25", "hybrid"):
            raise CratediggerError(f"--query-expansion applies to bm25 and hybrid, not {args.retriever}")
        kw["expand"] = expand
    if args.retriever in ("tfidf", "bm25"):
        return kw
    kw.update(score_fn=args.score_fn, batch_size=args.batch_size, show_progress_bar=True)
    if not args.no_embedding_cache:
        kw["cache_dir"] = str(state_dir() / "embeddings")
    return kw


def group_results(per_folder: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    """Mean ± std per variant: folders grouped by name without their ``-seed<N>`` suffix.

    Example:
        >>> g = group_results({"b/sentence-seed0": {"recall@10": 0.5}, "b/sentence-seed1": {"recall@10": 1}})
        >>> g["sentence"]["folders"], g["sentence"]["recall@10"]["mean"]
        (['b/sentence-seed0', 'b/sentence-seed1'], 0.75)
    """
    from retrieval.evaluation.evaluate import aggregate
    from retrieval.evaluation.metrics import METRIC_NAMES

    folders: dict[str, list[str]] = defaultdict(list)
    for folder in per_folder:
        folders[_SEED_SUFFIX.sub("", Path(folder).name)].append(folder)
    names = [m for m in METRIC_NAMES if all(m in r for r in per_folder.values())]
    return {
        name: {"folders": members, **aggregate((per_folder[f] for f in members), names)}
        for name, members in folders.items()
    }


def format_table(per_folder: dict[str, dict[str, float]], groups: dict[str, dict[str, Any]]) -> str:
    """A plain-text table: one row per folder, then one ``mean ± std`` row per variant."""
    from retrieval.evaluation.metrics import METRIC_NAMES

    width = max(12, *(len(Path(f).name) for f in per_folder), *(len(g) + 7 for g in groups))
    lines = [f"{'folder':<{width}} " + " ".join(f"{m:>13}" for m in METRIC_NAMES) + f" {'queries':>8}"]
    for folder, result in per_folder.items():
        cells = " ".join(f"{100 * result[m]:>13.1f}" for m in METRIC_NAMES)
        lines.append(f"{Path(folder).name:<{width}} {cells} {int(result['queries']):>8}")
    for name, agg in groups.items():
        cells = " ".join(f"{100 * agg[m]['mean']:>6.1f} ± {100 * agg[m]['std']:>4.1f}" for m in METRIC_NAMES)
        lines.append(f"{name + ' (mean)':<{width}} {cells}")
    return "\n".join(lines)


def run_evaluate(args: argparse.Namespace) -> int:
    from retrieval.evaluation.evaluate import evaluate_retriever, load_beir
    from retrieval.retrievers import build_retriever

    data = {folder: load_beir(folder) for folder in args.dirs}  # fail on a bad folder before encoding
    try:
        retriever = build_retriever(args.retriever, model=args.model, **_retriever_kwargs(args))
    except ValueError as exc:
        raise CratediggerError(f"cannot build the {args.retriever} retriever: {exc}") from exc
    per_folder: dict[str, dict[str, float]] = {}
    for folder, beir in data.items():
        logger.info(
            "evaluating %s on %s (%d queries, %d documents)",
            args.retriever,
            folder,
            len(beir.query_ids),
            len(beir.doc_ids),
        )
        try:
            per_folder[folder] = evaluate_retriever(retriever, beir)
        except ValueError as exc:
            raise CratediggerError(f"{folder}: {exc}; check its corpus.jsonl and queries.jsonl") from exc
        prior_state = _prior_state(retriever)
        if prior_state is not None:
            per_folder[folder]["set_prior_active"] = float(prior_state == "applied")
            logger.info("%s: set prior %s", folder, prior_state)
    groups = group_results(per_folder)
    print(format_table(per_folder, groups))
    if args.output:
        payload = {
            "retriever": args.retriever,
            "model": getattr(retriever, "model", None)
            or getattr(getattr(retriever, "dense", None), "model", None),
            "options": {k: v for k, v in vars(args).items() if k not in ("func", "dirs", "output")},
            "query_expansion": bool(getattr(getattr(getattr(retriever, "sparse", retriever), "config", None),
                                            "expand", False)),
            "set_prior": _prior_fields(retriever),
            "folders": per_folder,
            "groups": groups,
        }
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


def _prior_state(retriever: Any) -> str | None:
    """How the hybrid's set prior acted on the last corpus it was fitted on (None: it has none)."""
    if getattr(retriever, "prior", None) is None:
        return None
    if getattr(retriever, "prior_active", False):
        return "applied"
    if not getattr(retriever, "prior_applies", False):
        return "not applied (corpus outside its vocabulary)"
    return "off (weight 0)"


def _prior_fields(retriever: Any) -> dict[str, Any] | None:
    """The set prior's name and weight for the results file (None when the retriever has no prior)."""
    prior = getattr(retriever, "prior", None)
    if prior is None:
        return None
    return {"name": prior.name, "weight": retriever.prior_weight, "min_coverage": prior.config.min_coverage}
