"""The run's loss curve and dev-recall-per-checkpoint PNGs, and the markdown results table.

Out of scope: computing the numbers (``training.student``, ``training.evaluate``).
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

LOSS_PNG = "gpl-loss-curve.png"
RECALL_PNG = "gpl-dev-recall.png"


def results_table(out: dict[str, Any]) -> str:
    """Markdown: Recall@10 per retriever (sentence = mean of seeds) and the reranker check.

    Example:
        >>> print(results_table({"summary": {"bm25": {"sentence": 0.5}}, "rerank": {}}).splitlines()[2])
        | bm25 | 0.500 |
    """
    order = ["sentence", "song", "request"]
    groups = sorted({g for per in out["summary"].values() for g in per}, key=order.index)
    lines = ["| retriever | " + " | ".join(f"{g} R@10" for g in groups) + " |",
             "|---|" + "---|" * len(groups)]
    for name, per in out["summary"].items():
        lines.append(f"| {name} | " + " | ".join(f"{per.get(g, float('nan')):.3f}" for g in groups) + " |")
    if out.get("rerank"):
        lines += ["", "Reranking check (sentence-seed0 sample, Recall@10):", "",
                  "| system | R@10 |", "|---|---|"]
        lines += [f"| {k} | {v:.3f} |" for k, v in out["rerank"].items() if k != "queries"]
    return "\n".join(lines) + "\n"


def write_plots(run_dir: Path, docs_dir: Path | None = None) -> list[Path]:
    """Draw the loss curve and dev recall per checkpoint from ``student_log.json``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    log = json.loads((run_dir / "student_log.json").read_text())
    written = []
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for phase in dict.fromkeys(h["phase"] for h in log["history"]):
        pts = [h for h in log["history"] if h["phase"] == phase]
        ax.plot([p["step"] for p in pts], [p["loss"] for p in pts], label=phase)
    ax.set(xlabel="step", ylabel="training loss", title="Student training loss")
    if log["history"]:
        ax.legend()
    fig.tight_layout()
    fig.savefig(run_dir / LOSS_PNG, dpi=110)
    written.append(run_dir / LOSS_PNG)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    pts = log.get("dev_recall", [])
    ax.plot([p["step"] for p in pts], [p["recall@10"] for p in pts], marker="o")
    ax.set(xlabel="step", ylabel="dev Recall@10 (query sample)", title="Dev recall per checkpoint")
    fig.tight_layout()
    fig.savefig(run_dir / RECALL_PNG, dpi=110)
    written.append(run_dir / RECALL_PNG)
    plt.close(fig)
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        for path in written:
            shutil.copyfile(path, docs_dir / path.name)
    return written
