"""Render JSON files from ``cratedigger evaluate --output`` as the markdown tables of docs/results.md.

Each argument is ``LABEL=FILE``. Prints a Recall@10 headline table (one row per retriever, one column per
variant, mean ± std over seeds) and a full-metrics table per variant. Out of scope: running evaluations.

Example:
    python benchmarks/results_table.py TF-IDF=out/tfidf.json BM25=out/bm25.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from retrieval.evaluation.metrics import METRIC_NAMES

VARIANT_ORDER = ("sentence", "song", "request")


def _cell(agg: dict[str, Any], metric: str) -> str:
    mean, std, n = 100 * agg[metric]["mean"], 100 * agg[metric]["std"], len(agg["folders"])
    return f"{mean:.1f} ± {std:.1f}" if n > 1 else f"{mean:.1f}"


def render(results: dict[str, dict[str, Any]]) -> str:
    """Markdown for ``{label: evaluate-json}``."""
    variants = [v for v in VARIANT_ORDER if any(v in r["groups"] for r in results.values())]
    lines = [
        "### Recall@10 (%, mean ± std over seeds)",
        "",
        "| retriever | " + " | ".join(variants) + " |",
        "|---" * (len(variants) + 1) + "|",
    ]
    for label, res in results.items():
        cells = [_cell(res["groups"][v], "recall@10") if v in res["groups"] else "–" for v in variants]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for variant in variants:
        first = next(r for r in results.values() if variant in r["groups"])
        n_folders = len(first["groups"][variant]["folders"])
        queries = int(first["folders"][first["groups"][variant]["folders"][0]]["queries"])
        lines += [
            "",
            f"### {variant} ({n_folders} folder{'s' if n_folders > 1 else ''}, {queries} queries each; %)",
            "",
            "| retriever | " + " | ".join(METRIC_NAMES) + " |",
            "|---" * (len(METRIC_NAMES) + 1) + "|",
        ]
        for label, res in results.items():
            if variant in res["groups"]:
                cells = [_cell(res["groups"][variant], m) for m in METRIC_NAMES]
                lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv or any("=" not in a for a in argv):
        print("usage: results_table.py LABEL=FILE [LABEL=FILE ...]", file=sys.stderr)
        return 2
    results = {}
    for arg in argv:
        label, path = arg.split("=", 1)
        results[label] = json.loads(Path(path).read_text())
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
