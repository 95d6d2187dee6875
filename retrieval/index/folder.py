"""The files of an index folder, and replacing a folder safely.

``atomic_dir(target)`` writes into a staging folder beside ``target`` and renames it into place, but
first checks that ``target`` is ours to replace (``check_target``):

* a new path or an empty folder is fine;
* a folder that holds only index files (``INDEX_FOLDER_FILES``) is an index: replaced only with
  ``replace_index=True`` (``cratedigger index --force``);
* anything else is refused with ``UnsafeOutputError`` and left untouched: a plain file, a symbolic
  link, a folder holding other files, and a folder that holds a ``protect`` path (the source catalog).

Staging folders are named ``.<target>.tmp-<pid>-<random>`` and replaced targets ``.<target>.old-<pid>-<ns>``.
A kill (SIGKILL, power loss) can leave them behind; every later write to the same target removes those
whose process is gone or that are older than ``STALE_AFTER_S``, provided they hold only index files.

Out of scope: what goes into the files (``retrieval.search.assembly``, ``retrieval.index.vector_index``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from retrieval.errors import UnsafeOutputError

logger = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
INDEX_FILE = "index.faiss"
CATALOG_FILE = "catalog.jsonl"
DESCRIPTORS_FILE = "descriptors.json"
VECTORS_FILE = "descriptor_vectors.npy"
INDEX_FOLDER_FILES = frozenset({MANIFEST_FILE, INDEX_FILE, CATALOG_FILE, DESCRIPTORS_FILE, VECTORS_FILE})
STALE_AFTER_S = 24 * 3600  # a staging folder of a live process older than this is abandoned too
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-(?P<pid>\d+)-[A-Za-z0-9_]+$")


def is_index_folder(folder: Path) -> bool:
    """True when ``folder`` is a non-empty directory holding only index files (``INDEX_FOLDER_FILES``)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    names = [p.name for p in folder.iterdir()]
    return bool(names) and all(n in INDEX_FOLDER_FILES and (folder / n).is_file() for n in names)


def _listing(folder: Path, show: int = 4) -> str:
    names = sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())
    return ", ".join(names[:show]) + (f" and {len(names) - show} more" if len(names) > show else "")


def check_target(target: Path, replace_index: bool = True, protect: Iterable[Path] = ()) -> None:
    """Raise ``UnsafeOutputError`` unless writing an index to ``target`` destroys nothing but an index.

    Args:
        target: the index folder to write.
        replace_index: whether an existing index may be replaced (``cratedigger index --force``).
        protect: paths that must survive, e.g. the catalog being indexed; ``target`` may not hold them.
    """
    target = Path(os.path.abspath(target))
    nothing = "Nothing was changed."
    if target.is_symlink():
        raise UnsafeOutputError(f"--out {target} is a symbolic link; expected a folder path. {nothing} "
                                "Pass the folder it points to, or another --out.")
    if target.exists() and not target.is_dir():
        raise UnsafeOutputError(f"--out {target} is a file, not an index folder; expected a new or empty "
                                f"folder or an existing index. {nothing} Choose another --out.")
    for path in protect:
        if Path(os.path.abspath(path)).is_relative_to(target):
            raise UnsafeOutputError(
                f"--out {target} holds the catalog being indexed ({path}); replacing the folder would delete "
                f"it. {nothing} Choose an --out that does not contain the catalog, e.g. {target / 'index'}.")
    if not target.is_dir() or not any(target.iterdir()):
        return
    if not is_index_folder(target):
        raise UnsafeOutputError(
            f"--out {target} is a folder that is not a cratedigger index (it holds {_listing(target)}); "
            f"expected a new or empty folder or an existing index. {nothing} Choose another --out, e.g. "
            f"{target / 'index'}.")
    if not replace_index:
        raise UnsafeOutputError(f"--out {target} already holds a cratedigger index; {nothing} Pass --force "
                                "to replace it, or choose another --out.")


def _abandoned(path: Path, now: float) -> bool:
    match = _LEFTOVER.match(path.name)
    if not match or path.is_symlink() or not path.is_dir():
        return False
    if any(p.name not in INDEX_FOLDER_FILES for p in path.iterdir()):
        return False  # not something we wrote: leave it alone
    return not _pid_alive(int(match["pid"])) or now - path.stat().st_mtime > STALE_AFTER_S


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a live process of another user
        return True
    return True


def remove_leftovers(target: Path) -> list[Path]:
    """Remove abandoned staging and replaced folders of ``target`` (see the module docstring)."""
    target = Path(os.path.abspath(target))
    if not target.parent.is_dir():
        return []
    now, removed = time.time(), []
    for path in target.parent.glob(f".{glob_escape(target.name)}.*-*"):
        match = _LEFTOVER.match(path.name)
        if match and match["name"] == target.name and _abandoned(path, now):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    if removed:
        logger.info("removed %d abandoned staging folder(s) of %s: %s", len(removed), target,
                    ", ".join(p.name for p in removed))
    return removed


def glob_escape(name: str) -> str:
    """``name`` with glob wildcards escaped."""
    return re.sub(r"([*?\[])", r"[\1]", name)


@contextlib.contextmanager
def atomic_dir(target: Path, replace_index: bool = True, protect: Iterable[Path] = ()) -> Iterator[Path]:
    """Yield an empty staging folder beside ``target``; on success it replaces ``target`` by rename.

    ``check_target`` runs first (``UnsafeOutputError`` leaves everything untouched) and again just
    before the rename. On an exception the staging folder is removed and ``target`` is left as it was.
    """
    target, protect = Path(os.path.abspath(target)), tuple(protect)
    check_target(target, replace_index, protect)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=target.parent))
    try:
        yield staging
        check_target(target, replace_index, protect)
        old = None
        if target.exists():
            old = target.parent / f".{target.name}.old-{os.getpid()}-{time.time_ns()}"
            target.rename(old)
        staging.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
