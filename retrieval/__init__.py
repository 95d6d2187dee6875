"""Retrieval core of cratedigger: catalogs, retrievers over descriptor sets, FAISS index, search, evaluation.

Out of scope here: dialog handling (see ``chat``) and model training (see ``training``).
"""

from __future__ import annotations

__version__ = "0.1.0"
