"""Performance benchmarks: encode and search latency, memory, ANN recall against exact search.

Modules, imported one way: ``options`` (CLI options, no numpy) and ``data`` (benchmark inputs) ←
``bench`` (timing and the report). Nothing is re-exported here.

Out of scope: retrieval quality (``retrieval.evaluation``).
"""
