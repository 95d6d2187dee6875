"""``training.device``: the training stages' device comes from ``CRATEDIGGER_TRAIN_DEVICE``."""

from __future__ import annotations

import pytest
import torch

from retrieval.errors import CratediggerError
from training.device import ENV, on_cpu, train_device


def test_unset_or_blank_means_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert train_device() == "cpu" and on_cpu()
    monkeypatch.setenv(ENV, "  ")
    assert train_device() == "cpu"


def test_cuda_without_a_gpu_says_how_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(CratediggerError, match="sees no CUDA device.*unset it"):
        train_device()


def test_cuda_when_torch_sees_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "cuda:0")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert train_device() == "cuda:0" and not on_cpu()


def test_teacher_and_student_take_their_device_from_it() -> None:
    """The stages must not pin ``device="cpu"`` again (what they did before the variable existed)."""
    from pathlib import Path

    import training

    root = Path(training.__file__).parent
    for name in ("teacher.py", "student.py", "negatives.py", "evaluate.py", "mining.py"):
        text = (root / name).read_text()
        assert 'device="cpu"' not in text and "use_cpu=True" not in text, name
        assert "train_device()" in text, name
