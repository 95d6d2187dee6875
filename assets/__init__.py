"""Package data of cratedigger: the demo catalog and the shipped retriever model.

Installed with the code (``pyproject.toml``: ``[tool.setuptools.package-data]``) and read with
``importlib.resources`` (``retrieval.paths``), so a non-editable ``pip install .`` has them too.
Out of scope: code; nothing here is imported for anything but its location.
"""
