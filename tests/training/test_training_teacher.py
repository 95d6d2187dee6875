"""training.teacher: a teacher run does not depend on what the process drew from torch's generator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from training.rows import pair
from training.teacher import TeacherConfig, train_teacher

SETS = [["rock", "loud"], ["piano", "sad"], ["jazz", "saxophone"], ["techno", "synth bass"],
        ["reggae", "happy"], ["folk", "acoustic guitar"]]


def _pairs(run: Path) -> None:
    run.mkdir()
    rows = [pair(f"some {' '.join(s)} music", s, "sentence", f"t{i}") for i, s in enumerate(SETS)]
    (run / "pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.mark.realmodel
def test_two_runs_give_one_teacher_whatever_the_global_seed(tmp_path: Path, tiny_model_path: Path) -> None:
    from sentence_transformers.cross_encoder import CrossEncoder

    cfg = TeacherConfig(base_model=str(tiny_model_path), queries=6, negatives_per_query=1, hard_to=4,
                        batch_size=4, show_progress_bar=False)
    scores = []
    for global_seed in (1, 2):
        torch.manual_seed(global_seed)  # what earlier work in the process left in the generator
        run = tmp_path / f"run{global_seed}"
        _pairs(run)
        train_teacher(cfg, run)
        model = CrossEncoder(str(run / "teacher"), device="cpu")
        scores.append(model.predict([("sad piano", "piano, sad"), ("sad piano", "rock, loud")]).tolist())
    assert scores[0] == pytest.approx(scores[1], abs=1e-6)
