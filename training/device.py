"""Which torch device the training stages run on: ``CRATEDIGGER_TRAIN_DEVICE`` (default ``cpu``).

Every figure of the recipe (stage times, the 90-minute budget) is measured on CPU; a GPU only makes a
run faster, and its weights differ from a CPU run's in the last bits. Out of scope: the served app,
which encodes on whatever device sentence-transformers picks (``retrieval.models``).
"""

from __future__ import annotations

import os

from retrieval.errors import CratediggerError

ENV = "CRATEDIGGER_TRAIN_DEVICE"


def train_device() -> str:
    """The device named by ``CRATEDIGGER_TRAIN_DEVICE``, checked; ``"cpu"`` when unset.

    Raises:
        CratediggerError: the variable names a CUDA device and torch sees none.

    Example:
        >>> os.environ.pop(ENV, None) and None
        >>> train_device()
        'cpu'
    """
    value = os.environ.get(ENV, "").strip() or "cpu"
    if value.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise CratediggerError(
                f"{ENV}={value!r} but torch sees no CUDA device (torch {torch.__version__}); unset it to "
                "train on the CPU, or install a CUDA build of torch"
            )
    return value


def on_cpu() -> bool:
    """True when the training stages run on the CPU (the trainers' ``use_cpu``)."""
    return train_device() == "cpu"
