"""Dev Recall@10 during student training, for the dev-recall-per-checkpoint plot.

Scores a fixed sample of dev queries against the full dev corpus of one BEIR folder with the model
being trained, through sentence-transformers' ``InformationRetrievalEvaluator`` (exact search, the
configured score function). Out of scope: the full evaluation (``training.evaluate``) and the metric
definitions the project reports (``retrieval.evaluation.metrics``).
"""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def _ir_evaluator_class() -> Any:
    try:  # sentence-transformers >= 6
        from sentence_transformers.sentence_transformer.evaluation import InformationRetrievalEvaluator as ir
    except ImportError:  # pragma: no cover - sentence-transformers 5 has it only here
        from sentence_transformers.evaluation import InformationRetrievalEvaluator as ir  # type: ignore[no-redef]
    return ir


class DevRecallCallback:
    """Measures Recall@10 of ``model`` on a dev sample; ``points`` holds (step, phase, recall@10).

    Example:
        >>> mon = DevRecallCallback(model, Path("run/dev/sentence-seed0"), 300, "cosine")  # doctest: +SKIP
        >>> mon.record(0, "start"); mon.points[0]["recall@10"]  # doctest: +SKIP
        0.41
    """

    def __init__(self, model: Any, dev_dir: Path, n_queries: int, score_fn: str, seed: int = 0) -> None:
        from sentence_transformers.util import cos_sim, dot_score

        from retrieval.evaluation.evaluate import load_beir

        data = load_beir(dev_dir)
        n = len(data.query_ids)
        idx = sorted(random.Random(seed).sample(range(n), min(n_queries, n)))
        qids = [data.query_ids[i] for i in idx]
        self.model = model
        self.score_fn = score_fn
        self.evaluator = _ir_evaluator_class()(
            queries={data.query_ids[i]: data.query_texts[i] for i in idx},
            corpus=dict(zip(data.doc_ids, data.doc_texts, strict=True)),
            relevant_docs={q: {d for d, s in data.qrels[q].items() if s > 0} for q in qids},
            precision_recall_at_k=[10], accuracy_at_k=[10], mrr_at_k=[10], ndcg_at_k=[10], map_at_k=[10],
            batch_size=64, name="dev-sample", write_csv=False,
            score_functions={score_fn: cos_sim if score_fn == "cosine" else dot_score},
        )
        self.points: list[dict[str, Any]] = []

    def recall_at_10(self) -> float:
        """Recall@10 of the model as it is now (its training mode is restored afterwards)."""
        was_training = self.model.training
        self.model.eval()
        try:
            metrics = self.evaluator(self.model)
        finally:
            if was_training:
                self.model.train()
        return float(metrics[f"dev-sample_{self.score_fn}_recall@10"])

    def record(self, step: int, phase: str) -> None:
        """Measure now and keep the point ``(step, phase, recall@10)``."""
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
