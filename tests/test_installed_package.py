"""A non-editable install (a wheel, installed into a folder of its own) has its assets and serves:
``cratedigger index``/``search`` with the embedded model and ``cratedigger chat`` answering
``/recommend``, with the source tree nowhere on ``sys.path``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from chat.llm_server import free_port

pytestmark = [pytest.mark.realmodel, pytest.mark.install]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``site``: the folder the wheel was installed into; ``run``: a working folder outside the tree."""
    work = tmp_path_factory.mktemp("installed")
    pip = [sys.executable, "-m", "pip", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next((work / "dist").glob("cratedigger-*.whl"))
    subprocess.run([*pip, "install", "--no-deps", "--target", str(work / "site"), str(wheel)], check=True,
                   capture_output=True)
    (work / "run").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "catalog20.jsonl", work / "run" / "songs.jsonl")
    return {"site": work / "site", "run": work / "run", "home": work / "home"}


def _env(installed: dict[str, Path]) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(installed["site"]), "CRATEDIGGER_HOME": str(installed["home"]),
            "HF_HUB_OFFLINE": "1"}


def _run(installed: dict[str, Path], *args: str, timeout: float = 300) -> str:
    proc = subprocess.run(args, cwd=installed["run"], env=_env(installed), capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_the_installed_copy_has_its_assets(installed: dict[str, Path]) -> None:
    code = ("import json, retrieval, chat, training\n"
            "from retrieval.catalog import load_catalog, resolve_spec\n"
            "from retrieval.models import default_model, resolve\n"
            "print(json.dumps({'modules': [retrieval.__file__, chat.__file__, training.__file__],\n"
            "  'demo': str(resolve_spec('demo')[1]), 'songs': len(load_catalog('demo')[0]),\n"
            "  'default': default_model(), 'model': resolve('cratedigger')}))")
    out = json.loads(_run(installed, sys.executable, "-P", "-c", code))
    site = str(installed["site"])
    assert all(path.startswith(site) for path in out["modules"]), out
    assert out["demo"].startswith(site) and out["songs"] == 730
    assert out["default"] == "cratedigger" and out["model"].startswith(site)


def test_the_installed_cli_indexes_and_searches_with_the_embedded_model(installed: dict[str, Path]) -> None:
    cli = str(installed["site"] / "bin" / "cratedigger")
    assert "chat" in _run(installed, cli, "--help")
    _run(installed, cli, "index", "--catalog", "songs.jsonl", "--out", "idx")
    manifest = json.loads((installed["run"] / "idx" / "manifest.json").read_text())
    assert manifest["model_id"] == "cratedigger" and manifest["songs"] == 20
    result = json.loads(_run(installed, cli, "search", "calm piano", "--index", "idx", "--json", "-k", "3"))
    assert len(result["songs"]) == 3 and result["query"] == "calm piano"


@pytest.fixture()
def chat_app(installed: dict[str, Path]) -> Iterator[str]:
    port = free_port()
    cli = str(installed["site"] / "bin" / "cratedigger")
    log = (installed["run"] / "chat.log").open("wb")
    args = [cli, "chat", "--catalog", "songs.jsonl", "--backend", "rules", "--port", str(port)]
    proc = subprocess.Popen(args, cwd=installed["run"], env=_env(installed), stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, (installed["run"] / "chat.log").read_text()
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline, (installed["run"] / "chat.log").read_text()
                time.sleep(1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_the_installed_chat_answers_recommend(chat_app: str) -> None:
    from gradio_client import Client

    reply, results = Client(chat_app, verbose=False).predict("calm piano, no vocals", [],
                                                            api_name="/recommend")
    assert results["ok"] and results["songs"] and results["request"]["avoid"]
    assert isinstance(reply, str) and reply
