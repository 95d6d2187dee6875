"""The joint student loss: MultipleNegativesRankingLoss plus a weighted MarginMSE term on one batch.

GPL's MarginMSE alone (or after a contrastive warm-up) pulls a cosine student towards the teacher's
margins, including the teacher's mistakes; the contrastive term keeps the in-batch ranking signal while
the margin term adds the teacher's graded knowledge. Both terms use the same embeddings (one forward
pass), so the joint loss costs what MNRL alone costs. Out of scope: the pseudo labels themselves
(``training.pseudo_labels``) and which rows are trained on (``training.student``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch
from torch import Tensor, nn


class JointMarginLoss(nn.Module):
    """``mnrl(q, pos, neg) + weight * mse(sim(q, pos) - sim(q, neg), δ)`` for rows (q, pos, neg, δ).

    Args:
        model: the SentenceTransformer being trained.
        score_fn: ``cosine`` or ``dot``: the similarity of both terms (and of search).
        scale: MNRL's logit scale (20 for cosine, 1 for dot product).
        weight: the MarginMSE term's weight.

    Example:
        >>> loss = JointMarginLoss(model, "cosine", weight=5.0)  # doctest: +SKIP
        >>> loss(features, labels)  # {"mnrl": tensor(...), "marginmse": tensor(...)}  # doctest: +SKIP
    """

    def __init__(self, model: Any, score_fn: str = "cosine", scale: float = 20.0,
                 weight: float = 5.0) -> None:
        from sentence_transformers import util
        from sentence_transformers.sentence_transformer import losses

        super().__init__()
        if score_fn not in ("cosine", "dot"):
            raise ValueError(f"unknown score_fn {score_fn!r}: expected 'cosine' or 'dot'")
        self.model = model
        self.weight = weight
        cosine = score_fn == "cosine"
        self.mnrl = losses.MultipleNegativesRankingLoss(
            model, scale=scale if cosine else 1.0, similarity_fct=util.cos_sim if cosine else util.dot_score)
        self.pairwise = util.pairwise_cos_sim if cosine else util.pairwise_dot_score

    def forward(self, sentence_features: Iterable[dict[str, Tensor]], labels: Tensor) -> dict[str, Tensor]:
        embeddings = [self.model(f)["sentence_embedding"] for f in sentence_features]
        if len(embeddings) != 3:
            raise ValueError("JointMarginLoss expects (query, positive, negative) columns, "
                             f"got {len(embeddings)}")
        query, pos, neg = embeddings
        margin = self.pairwise(query, pos) - self.pairwise(query, neg)
        mse = torch.nn.functional.mse_loss(margin, labels.to(margin.dtype))
        mnrl = self.mnrl.compute_loss_from_embeddings(embeddings, labels)
        return {"mnrl": mnrl, "marginmse": self.weight * mse}
