"""Subcommands contributed by ``training`` to the ``cratedigger`` CLI: ``train``, ``ship-model`` and
``build-set-prior``.

Out of scope: the stages themselves (``training.pipeline``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def add_parsers(sub: Any) -> None:
    """Add ``train``, ``ship-model`` and ``build-set-prior`` to ``sub`` (an argparse subparsers object)."""
    train = sub.add_parser("train", help="run the GPL training pipeline (resumable)")
    train.add_argument("--config", required=True, help="pipeline config JSON (see training/configs/)")
    train.add_argument("--stages", nargs="+", default=None,
                       help="only these stages (data teacher negatives pseudo_labels student refine "
                            "evaluate; refine runs by default only when the config enables it)")
    train.add_argument("--run-dir", default=None, help="run directory (default runs/<config name>)")
    train.add_argument("--force", action="store_true", help="rerun the chosen stages even when up to date")
    train.set_defaults(func=_train)
    ship = sub.add_parser("ship-model", help="copy a run's student into assets/models (fp16, model card)")
    ship.add_argument("--run-dir", required=True)
    ship.add_argument("--config", required=True, help="the config the run used (quoted in the model card)")
    ship.add_argument("--force", action="store_true", help="ship even if it does not beat MiniLM on dev")
    ship.add_argument("--checkpoint", choices=["auto", "student", "warmup", "refined"], default="auto",
                      help="the final student, its contrastive warm-up, (auto) the better on dev, or the "
                           "refine stage's model")
    ship.set_defaults(func=_ship)
    prior = sub.add_parser("build-set-prior",
                           help="count the MTG-Jamendo train tracks' tag sets into the hybrid's set prior")
    prior.add_argument("--data", default=None,
                       help="tracks.tsv (default $CRATEDIGGER_DATA/jamendo/tracks.tsv)")
    prior.add_argument("--out", default=None, help="output JSON (default: the shipped assets/priors file)")
    prior.set_defaults(func=_build_prior)


def _train(args: argparse.Namespace) -> int:
    from training.pipeline import load_config, run_pipeline

    cfg = load_config(args.config)
    run_dir = Path(args.run_dir or Path("runs") / Path(args.config).stem)
    records = run_pipeline(cfg, run_dir, args.stages, force=args.force)
    summary = {k: {"seconds": v.get("seconds"), "result": v.get("result")} for k, v in records.items()}
    print(json.dumps(summary, indent=1))
    return 0


def _build_prior(args: argparse.Namespace) -> int:
    from retrieval.paths import data_dir, priors_dir
    from retrieval.retrievers.set_prior import JAMENDO_PRIOR
    from training.set_prior import build_set_prior

    tsv = Path(args.data) if args.data else data_dir() / "jamendo" / "tracks.tsv"
    out = Path(args.out) if args.out else priors_dir() / JAMENDO_PRIOR
    prior = build_set_prior(tsv, out)
    print(f"{out}: {len(prior.counts)} tag sets, rates by size {prior.size_rates}")
    return 0


def _ship(args: argparse.Namespace) -> int:
    from training.ship import ship_model

    path = ship_model(Path(args.run_dir), Path(args.config), force=args.force,
                      checkpoint=args.checkpoint)
    print(f"shipped {path}")
    return 0
