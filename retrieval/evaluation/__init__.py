"""Evaluation with the protocol of Epure et al. (2024): BEIR benchmark folders and ranking metrics.

Modules, imported one way: ``metrics`` (Recall@k, MRR@k, nDCG@k: the one definition of each) and
``benchmark`` (building BEIR folders from captioned songs) ← ``evaluate`` (reading BEIR folders,
scoring a retriever, aggregating seeds). Nothing is re-exported here.

Out of scope: the retrievers (``retrieval.retrievers``), the CLI (``retrieval.cli.eval_commands``)
and timing (``retrieval.perf``).
"""
