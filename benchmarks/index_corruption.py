"""Apply each index corruption, ``--out`` hazard and CSV fault, run the real CLI code, record what happened.

Usage (about 2 minutes on 2 busy cores; every file it writes is under a temporary folder)::

    HF_HUB_OFFLINE=1 nice -n 10 python benchmarks/index_corruption.py [--model minilm] \\
        [--only corruption out csv cache] [--before OLD.json] [--markdown OUT.md] [--json OUT.json]

* corruption: one index of ``tests/fixtures/catalog20.jsonl`` is built with ``cratedigger index``; each
  kind (``CORRUPTIONS``) damages a fresh copy, then ``cratedigger search piano --index COPY`` runs
  through ``retrieval.cli.main``. Outcomes: ``damaged`` / ``stale`` (a project error: exit 2 and a
  one-line message naming the damage or the difference), ``traceback`` (another exception escaped),
  ``accepted`` (exit 0).
* out: ``cratedigger index --out`` aimed at the catalog's folder, ``.``, a file, a folder of other
  files, an index with and without ``--force``, and a target with a staging folder left by a killed save.
* csv: 100-row CSV/TSV catalogs with stray quotes, a multi-line caption and over-long fields; what
  ``load_catalog`` loaded and reported, and how many rows were lost without a report.
* cache: the chat's cached index with a truncated ``index.faiss``, started twice (``CRATEDIGGER_HOME``
  is set to the temporary folder).

Run it against another checkout with ``PYTHONPATH=THAT_CHECKOUT``: it only uses the CLI and
``load_catalog`` (docs/reliability.md has the before/after numbers). Out of scope: the chat app.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import fault_cases  # benchmarks/fault_cases.py (the script's folder is on sys.path): --out and CSV cases
import numpy as np

from retrieval.cli import main

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "tests" / "fixtures" / "catalog20.jsonl"
DEL = object()  # a manifest value that removes the key


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_cli(argv: list[str]) -> tuple[str, str]:
    """``(outcome, message)`` of ``cratedigger ARGV`` run in this process (for exit 0: the first warning)."""
    out, err, warnings = io.StringIO(), io.StringIO(), _Warnings()
    logging.getLogger().addHandler(warnings)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            rc = main(argv)
    except SystemExit as exc:
        return f"usage error (exit {exc.code})", err.getvalue().strip().splitlines()[-1][:160]
    except Exception as exc:  # noqa: BLE001 - what escapes main is what a user sees as a traceback
        return "traceback", f"{type(exc).__name__}: {str(exc).splitlines()[0][:140] if str(exc) else ''}"
    finally:
        logging.getLogger().removeHandler(warnings)
    text = err.getvalue().strip()
    if rc == 0:
        return "accepted", f"warning: {warnings.messages[0]}" if warnings.messages else ""
    kind = "damaged" if "is damaged" in text else "stale" if "stale" in text else "error"
    return f"{kind} (exit {rc})", text.removeprefix("error: ")


def _cut(path: Path, keep: int | None = None) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 if keep is None else keep])


def _manifest(folder: Path, **changes: Any) -> None:
    path = folder / "manifest.json"
    data = json.loads(path.read_text())
    for key, value in changes.items():
        target, _, sub = key.partition("__")
        holder = data[target] if sub else data
        name = sub or target
        if value is DEL:
            holder.pop(name, None)
        else:
            holder[name] = value
    path.write_text(json.dumps(data))


def _faiss(folder: Path, n: int, d: int, kind: str = "ip") -> None:
    import faiss

    index = {"ip": faiss.IndexFlatIP, "l2": faiss.IndexFlatL2}.get(kind, lambda dim: faiss.IndexHNSWFlat(
        dim, 8, faiss.METRIC_INNER_PRODUCT))(d)
    index.add(np.random.default_rng(0).random((n, d), dtype=np.float32))
    faiss.write_index(index, str(folder / "index.faiss"))


def _vectors(folder: Path, array: Any, pickle: bool = False) -> None:
    np.save(folder / "descriptor_vectors.npy", array, allow_pickle=pickle)


def _random(path: Path) -> None:
    path.write_bytes(np.random.default_rng(1).bytes(max(path.stat().st_size, 64)))


def _n_desc(f: Path) -> int:
    return len(json.loads((f / "descriptors.json").read_text()))


def _write(folder: Path, name: str, data: str | bytes) -> None:
    path = folder / name
    path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data)


def _shuffled(folder: Path) -> None:
    descriptors = json.loads((folder / "descriptors.json").read_text())
    _write(folder, "descriptors.json", json.dumps(sorted(descriptors, reverse=True)))


Corruption = Callable[[Path, dict[str, Any]], None]
_VEC = "descriptor_vectors.npy"
CORRUPTIONS: dict[str, dict[str, Corruption]] = {
    "index.faiss": {
        "truncated (half)": lambda f, m: _cut(f / "index.faiss"),
        "empty": lambda f, m: _cut(f / "index.faiss", 0),
        "random bytes": lambda f, m: _random(f / "index.faiss"),
        "missing": lambda f, m: (f / "index.faiss").unlink(),
        "header only (16 bytes)": lambda f, m: _cut(f / "index.faiss", 16),
        "another index, 8-d": lambda f, m: _faiss(f, m["count"], 8),
        "another index, one vector short": lambda f, m: _faiss(f, m["count"] - 1, m["dim"]),
        "an L2 index": lambda f, m: _faiss(f, m["count"], m["dim"], "l2"),
        "an HNSW index, manifest says flat": lambda f, m: _faiss(f, m["count"], m["dim"], "hnsw"),
    },
    _VEC: {
        "truncated (half)": lambda f, m: _cut(f / _VEC),
        "empty": lambda f, m: _cut(f / _VEC, 0),
        "missing": lambda f, m: (f / _VEC).unlink(),
        "random bytes": lambda f, m: _random(f / _VEC),
        "8 wide": lambda f, m: _vectors(f, np.ones((_n_desc(f), 8), "f4")),
        "one row short": lambda f, m: _vectors(f, np.ones((_n_desc(f) - 1, m["dim"]), "f4")),
        "pickled objects": lambda f, m: _vectors(f, np.array([{"x": 1}] * _n_desc(f)), pickle=True),
        "NaN": lambda f, m: _vectors(f, np.full((_n_desc(f), m["dim"]), np.nan, "f4")),
        "1-d": lambda f, m: _vectors(f, np.ones(_n_desc(f), "f4")),
        "text": lambda f, m: _vectors(f, np.full((_n_desc(f), m["dim"]), "x")),
    },
    "descriptors.json": {
        "invalid JSON": lambda f, m: _write(f, "descriptors.json", '["a'),
        "missing": lambda f, m: (f / "descriptors.json").unlink(),
        "an object": lambda f, m: _write(f, "descriptors.json", "{}"),
        "numbers": lambda f, m: _write(f, "descriptors.json", "[1, 2]"),
        "reordered": lambda f, m: _shuffled(f),
        "not UTF-8": lambda f, m: _write(f, "descriptors.json", b'["\xff"]'),
    },
    "catalog.jsonl": {
        "missing": lambda f, m: (f / "catalog.jsonl").unlink(),
        "last line cut": lambda f, m: _cut(f / "catalog.jsonl", (f / "catalog.jsonl").stat().st_size - 9),
        "empty": lambda f, m: _cut(f / "catalog.jsonl", 0),
        "one descriptor edited": lambda f, m: _write(
            f, "catalog.jsonl", (f / "catalog.jsonl").read_text().replace("piano", "banjo", 1)),
        "random bytes": lambda f, m: _random(f / "catalog.jsonl"),
    },
    "manifest.json": {
        "missing": lambda f, m: (f / "manifest.json").unlink(),
        "invalid JSON": lambda f, m: _cut(f / "manifest.json"),
        "a list": lambda f, m: _write(f, "manifest.json", "[]"),
        "metric 'l2'": lambda f, m: _manifest(f, metric="l2"),
        "candidates -5": lambda f, m: _manifest(f, search_config__candidates=-5),
        "candidates '100' (text)": lambda f, m: _manifest(f, search_config__candidates="100"),
        "coverage_weight NaN": lambda f, m: _manifest(f, search_config__coverage_weight=float("nan")),
        "song_scoring 'best'": lambda f, m: _manifest(f, search_config__song_scoring="best"),
        "retriever 'magic'": lambda f, m: _manifest(f, retriever="magic"),
        "search_config a list": lambda f, m: _manifest(f, search_config=[1]),
        "model_id removed": lambda f, m: _manifest(f, model_id=DEL),
        "model_id a number": lambda f, m: _manifest(f, model_id=5),
        "dim 999": lambda f, m: _manifest(f, dim=999),
        "count one less": lambda f, m: _manifest(f, count=m["count"] - 1),
        "sets one more": lambda f, m: _manifest(f, sets=m["sets"] + 1),
        "index_type 'ivf'": lambda f, m: _manifest(f, index_type="ivf"),
        "config.ef_search -1": lambda f, m: _manifest(f, config__ef_search=-1),
        "config.storage 'pq'": lambda f, m: _manifest(f, config__storage="pq"),
        "format 2": lambda f, m: _manifest(f, format=2),
        "unknown setting key": lambda f, m: _manifest(f, search_config__old_knob=1),
    },
}
# Ignored with a warning: an index written by an older version may carry a since-removed setting.
EXPECTED_ACCEPTED = {"unknown setting key"}


def corruption_rows(model: str, work: Path) -> list[dict[str, str]]:
    """One row per corruption kind: file, kind, expected, observed outcome and message."""
    base = work / "base"
    built = run_cli(["index", "--catalog", str(CATALOG), "--model", model, "--out", str(base)])
    assert built[0] == "accepted", built
    manifest = json.loads((base / "manifest.json").read_text())
    rows = []
    kinds = [(file, name, corrupt) for file, group in CORRUPTIONS.items() for name, corrupt in group.items()]
    for number, (file, name, corrupt) in enumerate(kinds):
        folder = work / f"case{number}"
        shutil.copytree(base, folder)
        corrupt(folder, manifest)
        outcome, message = run_cli(["search", "piano", "--index", str(folder)])
        expected = "accepted, warning" if name in EXPECTED_ACCEPTED else "project error (exit 2)"
        rows.append({"input or fault": f"`{file}`: {name}", "expected": expected, "observed": outcome,
                     "message": short_message(message, folder)})
    return rows


def short_message(message: str, folder: Path) -> str:
    """The part of an error that says what is wrong (no folder path, no rebuild command)."""
    text = message.replace(str(folder), "DIR").replace(str(ROOT) + "/", "")
    text = text.split(": rebuild with `")[0].split(" Rebuild it with `")[0]
    if text.startswith("index at DIR is damaged (") and text.endswith(")"):
        text = text[len("index at DIR is damaged (") : -1]
    return text[:160]


def with_before(rows: list[dict[str, str]], before: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """``rows`` with a ``before`` column: the ``observed`` of the same case in ``before`` (another run)."""
    if not before:
        return rows
    keyed = {tuple(list(r.values())[:2]): r["observed"] for r in before}
    return [{**r, "before": keyed.get(tuple(list(r.values())[:2]), "(not run)")} for r in rows]


def markdown(title: str, rows: list[dict[str, str]]) -> str:
    keys = list(rows[0])
    lines = [f"### {title}", "", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r[k]).replace("|", "\\|") for k in keys) + " |" for r in rows]
    return "\n".join(lines)


SECTIONS = {
    "corruption": "Index corruption: `cratedigger search piano --index DIR`",
    "out": "`cratedigger index --out`",
    "csv": "CSV catalogs: `load_catalog`",
    "cache": "The chat's cached index (`retrieval.search.store.load_or_build`, run by `cratedigger chat`)",
}


def summary(rows: list[dict[str, str]]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        key = row["observed"].split(" (")[0]
        counts[key] = counts.get(key, 0) + 1
    return f"{len(rows)} corruption kinds: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))


def main_cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--before", type=Path, help="a --json file of another run: adds a 'before' column")
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, handlers=[logging.NullHandler()])
    logging.disable(logging.INFO)  # keep warnings (recorded per run), drop library chatter
    before = json.loads(args.before.read_text()) if args.before else {}
    result: dict[str, list[dict[str, str]]] = {}
    with tempfile.TemporaryDirectory(prefix="cratedigger-faults-") as tmp:
        work = Path(tmp)
        if "corruption" in args.only:
            result["corruption"] = corruption_rows(args.model, work / "corruption")
        if "out" in args.only:
            result["out"] = fault_cases.out_rows(run_cli, CATALOG, args.model, work / "out")
        if "csv" in args.only:
            result["csv"] = fault_cases.csv_rows(work / "csv")
        if "cache" in args.only:
            result["cache"] = fault_cases.cache_rows(CATALOG, args.model, work / "cache")
    tables = [markdown(SECTIONS[k], with_before(rows, before.get(k))) for k, rows in result.items()]
    if "corruption" in result:
        tables.insert(1, summary(result["corruption"]))
    text = "\n\n".join(tables) + "\n"
    print(text)
    if args.markdown:
        args.markdown.write_text(text)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main_cli())
