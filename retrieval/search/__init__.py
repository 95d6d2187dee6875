"""Search: free text in, ranked descriptor sets and songs out, with why each song matched.

Modules, imported one way: ``config`` (``SearchConfig``, ``MatchConfig``) ← ``set_table``,
``matching`` ← ``assembly`` (building, saving and loading a searcher's parts) ← ``searcher``
(``Searcher``) ← ``store`` (``IndexStore.load_or_build``, the cached index the chat serves).
Nothing is re-exported here.

Out of scope: ranking sets (``retrieval.retrievers``), the index files (``retrieval.index``), dialog
(the ``chat`` package).
"""
