"""Where cratedigger keeps state (models, wheels, indexes) and where it looks for data.

``CRATEDIGGER_HOME`` moves the state directory (default ``~/.cache/cratedigger``);
``CRATEDIGGER_DATA`` moves the data directory (default ``../shared/data`` beside the project root).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
DEMO_CATALOG = ASSETS_DIR / "demo_catalog.jsonl"
SHIPPED_MODELS_DIR = ASSETS_DIR / "models"


def state_dir() -> Path:
    """Directory for assembled models, cached wheels and default indexes."""
    path = Path(os.environ.get("CRATEDIGGER_HOME", Path.home() / ".cache" / "cratedigger"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Directory holding musiccaps/, jamendo/ and vocab/ (see ../shared/data/README.md)."""
    return Path(os.environ.get("CRATEDIGGER_DATA", PROJECT_ROOT.parent / "shared" / "data")).resolve()
