"""Every ``Example:`` in the packages' docstrings runs as a doctest (heavy ones are marked ``+SKIP``).

One test per module, so a failing example names its module; a module without examples passes.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOT_IMPORTED = {"retrieval.cli.__main__"}  # runs the CLI on import


def _modules() -> list[str]:
    names = []
    for package in ("retrieval", "chat", "training", "assets"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return [n for n in names if n not in NOT_IMPORTED]


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CRATEDIGGER_HOME", str(tmp_path / "home"))
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name} (see stdout)"


def test_examples_are_found() -> None:
    """The finder does see the examples (a guard against a test that silently runs nothing)."""
    from retrieval.evaluation import metrics

    assert sum(len(t.examples) for t in doctest.DocTestFinder().find(metrics)) >= 4
