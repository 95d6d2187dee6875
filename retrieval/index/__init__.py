"""Vector indexes on disk: the FAISS index, its manifest, the checks on every file, safe folder writes.

Modules, imported one way: ``config`` and ``folder`` (leaves) ← ``manifest`` ← ``checks`` ←
``vector_index``. Nothing is re-exported here, so ``retrieval.index.config`` imports without numpy.

Out of scope: what a searcher stores beside the index (``retrieval.search.assembly``) and model weight
hashes (``retrieval.models.model_hash``).
"""
