"""The ``cratedigger index --out`` and CSV catalog cases of ``benchmarks/index_corruption.py``.

Every case runs in its own folder under the caller's temporary folder; nothing outside it is touched.
Out of scope: the index corruption kinds (``benchmarks/index_corruption.py``).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from retrieval.catalog import load_catalog
from retrieval.errors import CatalogError

RunCli = Callable[[list[str]], tuple[str, str]]
_KILLED_SAVE = """
import os, sys
from pathlib import Path
from retrieval.index.manifest import atomic_dir
with atomic_dir(Path(sys.argv[1])) as staging:
    (staging / "index.faiss").write_bytes(b"half-written")
    os._exit(9)  # killed in the middle of the first save
"""


def _row(case: str, expected: str, observed: str) -> dict[str, str]:
    return {"input or fault": f"`--out` {case}", "expected": expected, "observed": observed}


def _snapshot(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` (or ``path`` itself) with its bytes, to see what a command changed."""
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def _kept(before: dict[str, bytes], path: Path) -> str:
    after = _snapshot(path) if path.exists() else {}
    lost = sorted(set(before) - set(after))
    changed = sorted(k for k in before if k in after and after[k] != before[k])
    if not lost and not changed:
        return "everything kept"
    return "; ".join(x for x in (f"DELETED {', '.join(lost)}" if lost else "",
                                 f"changed {', '.join(changed)}" if changed else "") if x)


def out_rows(run_cli: RunCli, catalog: Path, model: str, work: Path) -> list[dict[str, str]]:
    """One row per ``--out`` case: what it aims at, what should happen, what did."""
    rows: list[dict[str, str]] = []

    def index(out: str | Path, *extra: str, spec: str | Path | None = None) -> tuple[str, str]:
        argv = ["index", "--catalog", str(spec or catalog), "--model", model, "--out", str(out), *extra]
        return run_cli(argv)

    def add(case: str, expected: str, outcome: str, state: str) -> None:
        rows.append(_row(case, expected, f"{outcome}; {state}"))

    data = work / "mydata"
    data.mkdir(parents=True)
    shutil.copy(catalog, data / "songs.jsonl")
    before = _snapshot(data)
    add("the catalog's folder (`--catalog mydata/songs.jsonl --out mydata`)", "refused, catalog kept",
        index(data, spec=data / "songs.jsonl")[0], _kept(before, data))

    here = work / "here"
    here.mkdir()
    shutil.copy(catalog, here / "songs.jsonl")
    (here / "notes.txt").write_text("my notes\n")
    before, cwd = _snapshot(here), os.getcwd()
    os.chdir(here)
    try:
        outcome = index(".", spec="songs.jsonl")[0]
    finally:
        os.chdir(cwd)
    add("`.` (the current folder, holding the catalog)", "refused, folder kept", outcome, _kept(before, here))

    plain = work / "file.txt"
    plain.write_text("not an index\n")
    before = _snapshot(plain)
    outcome = index(plain)[0]
    left = sorted(p.name for p in work.glob(".file.txt.*"))
    add("a plain file", "refused, file kept", outcome,
        _kept(before, plain) + (f"; moved to {', '.join(left)}" if left else ""))

    home = work / "home"
    (home / "photos").mkdir(parents=True)
    (home / ".bashrc").write_text("export X=1\n")
    (home / "photos" / "a.jpg").write_bytes(b"\xff\xd8 jpeg")
    before = _snapshot(home)
    add("a folder of other files (like `~`)", "refused, folder kept", index(home)[0], _kept(before, home))

    rows.extend(_index_cases(index, work))
    return rows


def _index_cases(index: Callable[..., tuple[str, str]], work: Path) -> list[dict[str, str]]:
    """The cases where ``--out`` is an existing index."""
    rows = []
    idx = work / "idx"
    index(idx)
    before = _snapshot(idx)
    rows.append(_row("an existing index, no `--force`", "refused, index kept",
                     f"{index(idx)[0]}; {_kept(before, idx)}"))
    inode = idx.stat().st_ino
    outcome = index(idx, "--force")[0]
    new = idx.stat().st_ino != inode and (idx / "manifest.json").is_file()
    replaced = "index replaced" if new else "not replaced"
    rows.append(_row("an existing index, `--force`", "index replaced", f"{outcome}; {replaced}"))
    before = _snapshot(idx)
    outcome = index(idx, "--force", spec=idx / "catalog.jsonl")[0]
    rows.append(_row("the index holding the catalog (`--catalog idx/catalog.jsonl --out idx --force`)",
                     "refused, index kept", f"{outcome}; {_kept(before, idx)}"))
    return rows + _other_cases(index, work, idx)


def _other_cases(index: Callable[..., tuple[str, str]], work: Path, idx: Path) -> list[dict[str, str]]:
    """A link to an index, an empty folder, and a new folder beside a killed save's staging folder."""
    rows = []
    link = work / "link"
    link.symlink_to(idx)
    outcome = index(link)[0]
    state = "link kept" if link.is_symlink() else "link replaced by a folder"
    moved = sorted(p.name for p in work.glob(".link.*"))
    rows.append(_row("a symbolic link to an index", "refused, link kept",
                     f"{outcome}; {state}" + (f"; left {', '.join(moved)}" if moved else "")))
    empty = work / "empty"
    empty.mkdir()
    outcome = index(empty)[0]
    written = "index written" if (empty / "manifest.json").is_file() else "no index"
    rows.append(_row("an empty folder", "index written", f"{outcome}; {written}"))
    target = work / "killed"
    subprocess.run([sys.executable, "-c", _KILLED_SAVE, str(target)], check=False, env=dict(os.environ))
    killed = len(list(work.glob(".killed.*")))
    outcome = index(target)[0]
    left = len(list(work.glob(".killed.*")))
    rows.append(_row("a new folder after a save was killed (`os._exit`, like SIGKILL) mid-write",
                     "index written, staging folder removed",
                     f"{outcome}; staging folders: {killed} after the kill, {left} after the next index"))
    return rows


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().split(" (")[0])


def _load_cached(spec: str, model: str) -> tuple[str, str]:
    """``(outcome, log)`` of ``retrieval.search.store.load_or_build``: what ``cratedigger chat`` runs."""
    from retrieval.search.store import load_or_build

    handler = _Records()
    logger = logging.getLogger("retrieval.search.store")
    logger.addHandler(handler)
    level, disabled = logger.level, logging.root.manager.disable
    logger.setLevel(logging.INFO)
    logging.disable(logging.NOTSET)
    try:
        load_or_build(spec, model=model).search("piano", k=1)
        outcome = "started"
    except Exception as exc:  # noqa: BLE001 - what escapes is what `cratedigger chat` shows
        outcome = f"{type(exc).__name__}"
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logging.disable(disabled)
    return outcome, "; ".join(handler.messages)


def cache_rows(catalog: Path, model: str, work: Path) -> list[dict[str, str]]:
    """The chat's cached index with a truncated ``index.faiss``, on three starts in a row."""
    os.environ["CRATEDIGGER_HOME"] = str(work / "home")
    spec = str(work / "songs.jsonl")
    work.mkdir(parents=True)
    shutil.copy(catalog, spec)
    _load_cached(spec, model)
    faiss_file = next((work / "home" / "indexes").glob("*/index.faiss"))
    faiss_file.write_bytes(faiss_file.read_bytes()[: faiss_file.stat().st_size // 2])
    rows = []
    for start in (1, 2):
        outcome, log = _load_cached(spec, model)
        expected = "rebuilt once, with a warning; starts" if start == 1 else "loads the rebuilt cache; starts"
        rows.append({"input or fault": f"start {start} after truncating the cached `index.faiss`",
                     "expected": expected, "observed": f"{outcome}; log: {log or '-'}"})
    return rows


def _write_csv(path: Path, rows: list[str], header: str = "id,title,descriptors") -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _ranges(numbers: list[int]) -> str:
    out: list[str] = []
    for n in sorted(set(numbers)):
        if out and out[-1].split("-")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def _csv_cases() -> list[tuple[str, str, list[str], str, str]]:
    """``(name, expected, rows, suffix, header)`` per CSV case; 100 data rows each (header on line 1)."""
    head = "id,title,descriptors"
    plain = [f"s{i:03d},Song {i},piano;calm" for i in range(1, 101)]
    quoted = [f's{i:03d},Song {i},"piano, calm"' for i in range(1, 101)]

    def edit(rows: list[str], **at: str) -> list[str]:
        out = list(rows)
        for key, value in at.items():
            out[int(key[1:]) - 1] = value
        return out

    stray10, stray20, stray50 = 's010,"Song 10,piano', 's020,"Song 20,piano', 's050,"Song 50,piano'
    tsv = [r.replace(",", "\t", 2) for r in edit(plain, r50=stray50)]
    caption = edit([r + ",ok" for r in plain], r5='s005,Song 5,piano,"two\nlines"')
    limit = "loaded 99; line 6 reported (limit)"
    return [
        ("100 rows, clean", "loaded 100", plain, ".csv", head),
        ("one stray quote (row 10), nothing closes it", "loaded 9; lines 11-101 reported",
         edit(plain, r10=stray10), ".csv", head),
        ("two stray quotes (rows 10 and 20)", "loaded 89; lines 11-21 reported",
         edit(plain, r10=stray10, r20=stray20), ".csv", head),
        ("one stray quote, closed by the next row's quoted field", "loaded 98; lines 11-12 reported",
         edit(quoted, r10=stray10), ".csv", head),
        ("TSV, stray quote in a title (row 50)", "loaded 49; lines 51-101 reported", tsv, ".tsv",
         head.replace(",", "\t")),
        ("a caption with a line break (a real multi-line field)", "loaded 100; a note names the lines",
         caption, ".csv", head + ",caption"),
        ("a 10 MB descriptor", limit, edit(plain, r5="s005,Song 5," + "x" * 10_000_000), ".csv", head),
        ("a 300-character descriptor", limit, edit(plain, r5="s005,Song 5,piano;" + "y" * 300), ".csv", head),
        ("600 descriptors in one row", limit,
         edit(plain, r5="s005,Song 5," + ";".join(f"d{i}" for i in range(600))), ".csv", head),
        ("a 10 MB title", limit, edit(plain, r5="s005," + "t" * 10_000_000 + ",piano"), ".csv", head),
    ]


def csv_rows(work: Path) -> list[dict[str, str]]:
    """One row per CSV case: loaded, reported lines, and rows lost without a report."""
    work.mkdir(parents=True)
    out = []
    for number, (name, expected, rows, suffix, header) in enumerate(_csv_cases()):
        path = _write_csv(work / f"case{number}{suffix}", rows, header)
        try:
            _, report = load_catalog(str(path))
        except CatalogError as exc:
            out.append({"input or fault": name, "expected": expected, "observed": f"error: {str(exc)[:120]}"})
            continue
        lines = [line for line, _ in report.skipped]
        lost = max(0, len(rows) - report.loaded - len(lines))
        seen = f"loaded {report.loaded}; reported lines: {_ranges(lines) or 'none'}; lost unreported: {lost}"
        notes = [n for n in report.notes if "several lines" in n]
        seen += "".join(f"; note: {n}" for n in notes)
        out.append({"input or fault": name, "expected": expected, "observed": seen})
    return out
