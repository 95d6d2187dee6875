"""Where cratedigger keeps state (models, wheels, indexes), where it looks for data, and its assets.

``CRATEDIGGER_HOME`` moves the state directory (default ``~/.cache/cratedigger``);
``CRATEDIGGER_DATA`` moves the data directory (default ``../shared/data`` beside the project root).
The demo catalog, the lexicons and the shipped model are package data of the ``assets`` package, found with
``importlib.resources`` wherever the package is installed (editable or not).

Out of scope: what is stored in these places (``retrieval.models``, ``retrieval.search.store``).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def assets_dir() -> Path:
    """The folder of the ``assets`` package (the demo catalog and ``models/``).

    Example:
        >>> (assets_dir() / "demo_catalog.jsonl").is_file()
        True
    """
    return Path(str(files("assets")))


def demo_catalog_path() -> Path:
    """The embedded demo catalog, ``demo_catalog.jsonl`` of the ``assets`` package."""
    return assets_dir() / "demo_catalog.jsonl"


def shipped_models_dir() -> Path:
    """The folder holding the shipped models (``models/`` of the ``assets`` package)."""
    return assets_dir() / "models"


def lexicons_dir() -> Path:
    """The hand-written phrase lexicons (``lexicons/`` of the ``assets`` package): training reads them to
    write listener descriptions, the sparse retrievers to expand queries."""
    return assets_dir() / "lexicons"


def priors_dir() -> Path:
    """Descriptor-set priors (``priors/`` of the ``assets`` package): how many reference tracks carry each
    set, read by the hybrid retriever (``retrieval.retrievers.set_prior``)."""
    return assets_dir() / "priors"


def state_dir() -> Path:
    """Directory for assembled models, cached wheels and default indexes."""
    path = Path(os.environ.get("CRATEDIGGER_HOME", Path.home() / ".cache" / "cratedigger"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Directory holding musiccaps/, jamendo/ and vocab/ (see ../shared/data/README.md)."""
    return Path(os.environ.get("CRATEDIGGER_DATA", PROJECT_ROOT.parent / "shared" / "data")).resolve()
