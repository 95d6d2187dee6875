"""Dev Recall@10 during student training, for the dev-recall-per-checkpoint plot.

Scores a fixed sample of dev queries against the full dev corpus of one BEIR folder with the model
being trained (exact search, the configured score function). Out of scope: the full evaluation.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)


class DevRecallCallback:
    """Measures Recall@10 of ``model`` on a dev sample; ``points`` holds (step, phase, recall@10).

    Example:
        >>> mon = DevRecallCallback(model, Path("run/dev/sentence-seed0"), 300, "cosine")  # doctest: +SKIP
        >>> mon.record(0, "start"); mon.points[0]["recall@10"]
        0.41
    """

    def __init__(self, model: Any, dev_dir: Path, n_queries: int, score_fn: str, seed: int = 0) -> None:
        from retrieval.evaluation.evaluate import load_beir

        data = load_beir(dev_dir)
        n = len(data.query_ids)
        idx = sorted(random.Random(seed).sample(range(n), min(n_queries, n)))
        self.model = model
        self.score_fn = score_fn
        self.docs = data.doc_texts
        self.queries = [data.query_texts[i] for i in idx]
        pos = {d: j for j, d in enumerate(data.doc_ids)}
        self.relevant = [{pos[d] for d, s in data.qrels[data.query_ids[i]].items() if s > 0} for i in idx]
        self.points: list[dict[str, Any]] = []

    def recall_at_10(self) -> float:
        was_training = self.model.training
        self.model.eval()
        norm = self.score_fn == "cosine"
        docs = self.model.encode(self.docs, batch_size=64, normalize_embeddings=norm)
        queries = self.model.encode(self.queries, batch_size=64, normalize_embeddings=norm)
        if was_training:
            self.model.train()
        top = np.argsort(-(queries @ docs.T), axis=1)[:, :10]
        hits = [len(rel & set(row.tolist())) / len(rel) for rel, row in zip(self.relevant, top, strict=True)]
        return float(np.mean(hits))

    def record(self, step: int, phase: str) -> None:
        value = self.recall_at_10()
        self.points.append({"step": step, "phase": phase, "recall@10": round(value, 4)})
        logger.info("step %d (%s): dev-sample recall@10 %.4f", step, phase, value)

    def callback(self, offset: int, phase: str, every: int) -> Any:
        """A transformers ``TrainerCallback`` calling ``record`` every ``every`` steps."""
        from transformers import TrainerCallback

        monitor = self

        class _Callback(TrainerCallback):  # type: ignore[misc]
            def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
                if every and state.global_step % every == 0 and state.global_step < state.max_steps:
                    monitor.record(offset + state.global_step, phase)
                return control

        return _Callback()
