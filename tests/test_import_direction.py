"""The import graph: retrieval imports nothing above it, no module imports in a circle, help is light.

Every import counts, at module level or inside a function (imports inside functions used to hide two
circles), and so do ``importlib.import_module("...")`` strings. An import of ``a.b.c`` is an edge to
``a.b.c`` (a package's ``__init__`` only when the package itself is named).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("retrieval", "chat", "training", "assets")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules imported by ``path`` (``from pkg import submodule`` names the submodule)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                     for a in node.names]
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", ""))
              in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)):
            names = [str(node.args[0].value)]
        out.update(n for n in names if n.split(".")[0] in PACKAGES)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) for name, path in modules.items()}


def test_retrieval_imports_nothing_from_chat_or_training() -> None:
    bad = {m: sorted(i for i in deps if i.split(".")[0] in ("chat", "training"))
           for m, deps in _graph().items() if m.split(".")[0] == "retrieval"}
    assert not {m: d for m, d in bad.items() if d}


def test_no_string_names_chat_or_training_for_importing() -> None:
    """No ``importlib`` by name, no module path strings of the packages above (the old CLI had them)."""
    found = []
    for path in (ROOT / "retrieval").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and node.value.startswith(("chat.", "training.")) and " " not in node.value):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert not found


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state and (found := visit(dep)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_circles_between_modules() -> None:
    assert _cycle(_graph()) is None


def test_no_import_circles_between_retrieval_subpackages() -> None:
    """Roles import one way (catalog <- models <- index <- retrievers <- search <- evaluation <- cli)."""
    subpackages = {p.parent.name for p in (ROOT / "retrieval").glob("*/__init__.py")}

    def role(module: str) -> str:  # a subpackage, or "retrieval" for the leaves (errors, paths, song...)
        parts = module.split(".")
        return f"retrieval.{parts[1]}" if len(parts) > 1 and parts[1] in subpackages else "retrieval"

    roles: dict[str, set[str]] = {}
    for module, deps in _graph().items():
        if module.startswith("retrieval."):
            roles.setdefault(role(module), set()).update(role(d) for d in deps if d.startswith("retrieval."))
    for name, deps in roles.items():
        deps.discard(name)
    assert _cycle(roles) is None


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_help_imports_neither_numpy_nor_torch() -> None:
    code = ("import sys, contextlib, io\nfrom retrieval.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    try:\n        main(['--help'])\n    except SystemExit:\n        pass\n"
            "assert 'chat' in out.getvalue() and 'train' in out.getvalue(), out.getvalue()\n"
            "print(sorted(m for m in ('numpy', 'torch', 'gradio') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert proc.stdout.strip() == "[]"
