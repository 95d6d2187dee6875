from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from retrieval.cli import main
from retrieval.perf.bench import run_from_args
from retrieval.perf.options import add_arguments


@pytest.fixture(scope="module")
def index_dir(cli_index: Path) -> Path:
    return cli_index


def test_index_then_search_json(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = json.loads((index_dir / "manifest.json").read_text())
    assert manifest["songs"] == 20 and manifest["index_type"] == "flat" and manifest["retriever"] == "hybrid"
    capsys.readouterr()
    assert main(["search", "tropical steel drums", "--index", str(index_dir), "-k", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["songs"][0]["id"] == "s01" and len(out["songs"]) == 3 and len(out["sets"]) == 3
    assert {"query_phrase": "tropical steel drums", "descriptor": "steel drums"}.items() <= \
        out["songs"][0]["matches"][0].items()


def test_search_text_with_avoid(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "upbeat", "--index", str(index_dir), "-k", "20", "--avoid", "vocals"]) == 0
    text = capsys.readouterr().out
    assert "notice: left out 11 song(s)" in text
    assert "[s01]" in text and "[s02]" not in text and "Descriptor sets:" in text


def test_cli_errors_exit_2_with_a_message(index_dir: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "   ", "--index", str(index_dir)]) == 2
    assert "error: empty request" in capsys.readouterr().err
    assert main(["search", "piano", "--index", str(tmp_path / "missing")]) == 2
    assert "no index at" in capsys.readouterr().err
    assert main(["search", "piano", "--index", str(index_dir), "--model", "minilm"]) == 2
    err = capsys.readouterr().err
    assert "model_id" in err and "cratedigger index --catalog" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "descriptors": []}\n')
    assert main(["index", "--catalog", str(bad), "--out", str(tmp_path / "i")]) == 2
    assert "no usable rows (1 skipped)" in capsys.readouterr().err
    assert not (tmp_path / "i").exists()


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


OUT_REFUSALS = {  # case -> (words in the error, extra arguments)
    "the catalog's folder": ("holds the catalog being indexed", []),
    "the current folder": ("holds the catalog being indexed", []),
    "a plain file": ("is a file, not an index folder", []),
    "a folder of other files": ("is a folder that is not a cratedigger index (it holds .bashrc, photos/)",
                                []),
    "an index, without --force": ("already holds a cratedigger index; Nothing was changed. Pass --force", []),
    "an index holding the catalog, with --force": ("holds the catalog being indexed", ["--force"]),
}


@pytest.mark.parametrize("case", list(OUT_REFUSALS))
def test_index_out_refuses_what_it_would_destroy(
    case: str, index_dir: Path, catalog20_path: Path, tiny_model_path: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    catalog = work / "songs.jsonl"
    shutil.copy(catalog20_path, catalog)
    out: Path | str = {"the catalog's folder": work, "the current folder": "."}.get(case, work / "out")
    if case == "the current folder":
        monkeypatch.chdir(work)
    elif case == "a plain file":
        (work / "out").write_text("my notes\n")
    elif case == "a folder of other files":
        (work / "out" / "photos").mkdir(parents=True)
        (work / "out" / ".bashrc").write_text("export X=1\n")
        (work / "out" / "photos" / "a.jpg").write_bytes(b"jpeg")
    elif case.startswith("an index"):
        shutil.copytree(index_dir, work / "out")
        catalog = work / "out" / "catalog.jsonl" if "holding" in case else catalog
    words, extra = OUT_REFUSALS[case]
    before = _tree(tmp_path)
    capsys.readouterr()
    argv = ["index", "--catalog", str(catalog), "--model", str(tiny_model_path), "--out", str(out), *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --out ") and words in err and "Nothing was changed" in err
    assert _tree(tmp_path) == before


def test_index_force_replaces_an_existing_index(index_dir: Path, catalog20_path: Path, tiny_model_path: Path,
                                                tmp_path: Path) -> None:
    out = tmp_path / "idx"
    shutil.copytree(index_dir, out)
    inode = out.stat().st_ino
    argv = ["index", "--catalog", str(catalog20_path), "--model", str(tiny_model_path), "--out", str(out)]
    assert main([*argv, "--force"]) == 0
    assert out.stat().st_ino != inode and json.loads((out / "manifest.json").read_text())["songs"] == 20
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]  # no staging or old folder left


def test_bench_at_1e3(catalog20_path: Path, tiny_model_path: Path, tmp_path: Path,
                      capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    md, js = tmp_path / "bench.md", tmp_path / "bench.json"
    args = parser.parse_args([
        "--sizes", "1e3", "--catalogs", str(catalog20_path), "--model", str(tiny_model_path),
        "--queries", "20", "--encode-queries", "5", "--exact-max", "500", "--ef-search", "16", "64",
        "--searcher",
        "--markdown", str(md), "--json", str(js)])
    assert run_from_args(args) == 0
    res = json.loads(js.read_text())
    assert [(r["size"], r["index"]) for r in res["rows"]] == [(1000, "flat"), (1000, "hnsw")]
    assert res["rows"][0]["recall@10"] == 1.0 and res["rows"][1]["recall@10"] >= 0.9
    assert res["rows"][0]["vectors"].startswith("20 real + 980 synthetic")
    assert [s["ef_search"] for s in res["sweep"]] == [16, 64]
    assert all(e["p50_ms"] > 0 for e in res["encode"]) and res["encode"][0]["torch_threads"] == 1
    assert "| 1,000 |" in md.read_text()
    assert "Query encode" in capsys.readouterr().out


def test_bench_subcommand_is_wired() -> None:
    from retrieval.cli import build_parser

    args = build_parser().parse_args(["bench", "retrieval", "--sizes", "1e3", "1e4"])
    assert args.sizes == [1000, 10000] and args.func.__name__ == "run_bench"


def test_a_stale_egg_info_on_the_path_does_not_hide_the_installed_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old ``cratedigger.egg-info`` (no entry points) in the working directory shadows the installed
    metadata for ``entry_points()``; every subcommand must still be found."""
    import sys

    from retrieval.cli.main import command_entry_points

    stale = tmp_path / "cratedigger.egg-info"
    stale.mkdir()
    (stale / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: cratedigger\nVersion: 0.0.1\n")
    (stale / "entry_points.txt").write_text("[console_scripts]\ncratedigger = retrieval.cli:main\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    assert {"retrieval", "chat", "training"} <= {ep.name for ep in command_entry_points()}


def test_index_stores_the_set_prior_weight(catalog20_path: Path, tiny_model_path: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["index", "--catalog", str(catalog20_path), "--model", str(tiny_model_path)]
    assert main([*argv, "--out", str(tmp_path / "i"), "--set-prior-weight", "0"]) == 0
    manifest = json.loads((tmp_path / "i" / "manifest.json").read_text())
    assert manifest["search_config"]["set_prior_weight"] == 0.0
    capsys.readouterr()
    assert main([*argv, "--out", str(tmp_path / "t"), "--retriever", "tfidf", "--set-prior-weight", "1"]) == 2
    assert "applies to --retriever hybrid" in capsys.readouterr().err
    assert main([*argv, "--out", str(tmp_path / "n"), "--set-prior-weight", "-1"]) == 2
    assert "set_prior_weight must be >= 0" in capsys.readouterr().err
