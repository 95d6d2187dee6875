"""Retrieval core of cratedigger: catalogs, retrievers over descriptor sets, FAISS index, search, evaluation.

Subpackages by role, each importing only those before it: ``catalog``, ``models``, ``index``,
``retrievers``, ``search``, ``evaluation``, ``perf``, ``cli``; the leaves ``errors``, ``paths``,
``song`` and ``results`` import nothing of the project but each other (docs/architecture.md).
Out of scope here: dialog handling (see ``chat``) and model training (see ``training``); this package
imports neither.
"""

from __future__ import annotations

__version__ = "0.1.0"
