"""Every module says what is out of scope, and every module it names in its docstring exists."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("retrieval", "chat", "training", "assets")
_DOTTED = re.compile(r"``((?:retrieval|chat|training)(?:\.[A-Za-z_][A-Za-z0-9_]*)*)``")


def _files() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def _resolves(dotted: str) -> bool:
    """``dotted`` is a module, or an attribute of one (``retrieval.models.default_model()``)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(obj, name):
                return False
            obj = getattr(obj, name)
        return True
    return False


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_docstring_names_its_scope_and_real_modules(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert "out of scope" in doc.lower(), f"{path.relative_to(ROOT)}: no 'Out of scope' in the docstring"
    missing = [name for name in _DOTTED.findall(doc) if not _resolves(name)]
    assert not missing, f"{path.relative_to(ROOT)} names modules that do not exist: {missing}"
