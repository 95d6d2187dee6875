"""Build the agent-written LLM-style request folders (a faithful stand-in for MC_reco) from dev folders.

``benchmarks/llm_requests.py`` rewrites dev sentences with the packaged Qwen 0.5B; that model drops or
inverts what a sentence says often enough that most of what the retrievers lose on its requests cannot
be recovered by any retriever (docs/results.md, "Agent-written requests"). Epure et al. rephrased with
Llama-3-8B, which keeps the content. These files hold requests written by LLM agents asked to rephrase
each dev sentence (or whole caption) "as a request a user would send to a music recommendation
assistant", keeping its content:

- ``benchmarks/devsets/musiccaps_dev_agent_requests.jsonl``: the same 600 sentences (200 per
  sentence-seed folder) and 199 captions (song-seed0) as the Qwen folders, for tuning;
- ``benchmarks/devsets/musiccaps_dev_agent_requests_check.jsonl``: 300 other sentences by another
  writer and prompt, first scored after the choices were made. It has been looked at since (the fusion
  re-tune of docs/results.md, "Listener descriptions of Jamendo train tracks", landed on the weight it
  favoured), so it is a second dev set now rather than a clean check.

Each row names its folder, query id and source text; the output folder keeps the source folder's corpus
and qrels and replaces the query texts. A row whose source no longer matches the dev folder's query (the
dev build changed) is dropped and counted.

Out of scope: writing the requests (no LLM runs here), other dev variants.

Example:
    python benchmarks/agent_requests.py B A      # B: cratedigger make-benchmark --split dev output
    python benchmarks/agent_requests.py B A-check \
        --rows benchmarks/devsets/musiccaps_dev_agent_requests_check.jsonl
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

DEVSETS = Path(__file__).parent / "devsets"
ROWS = DEVSETS / "musiccaps_dev_agent_requests.jsonl"


def build(src_root: Path, out_root: Path, rows_path: Path = ROWS) -> dict[str, int]:
    """Write one BEIR folder per folder named in ``rows_path``; returns kept queries per folder (and
    ``dropped``)."""
    if out_root.resolve() == src_root.resolve():
        raise ValueError(f"the output folder {out_root} is the dev folder itself; pick another "
                         "(the output is replaced)")
    rows = [json.loads(line) for line in rows_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts: dict[str, int] = {"dropped": 0}
    for folder in dict.fromkeys(r["folder"] for r in rows):
        src = src_root / folder
        if not (src / "queries.jsonl").is_file():
            raise FileNotFoundError(f"expected a dev folder at {src} (cratedigger make-benchmark --split dev "
                                    f"--variant sentence song --seeds 0 1 2 --out {src_root}), found none")
        originals = {}
        for line in (src / "queries.jsonl").read_text(encoding="utf-8").splitlines():
            query = json.loads(line)
            originals[query["_id"]] = query
        out = out_root / folder
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(src, out)
        kept = []
        for row in (r for r in rows if r["folder"] == folder):
            original = originals.get(row["query_id"])
            if original is None or original["text"] != row["source"]:
                counts["dropped"] += 1
                continue
            kept.append({"_id": row["query_id"], "text": row["text"], "source": row["source"]})
        (out / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in kept), encoding="utf-8")
        counts[folder] = len(kept)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="the make-benchmark --split dev output folder")
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=Path, default=ROWS)
    args = parser.parse_args()
    print(json.dumps(build(args.src, args.out, args.rows)))


if __name__ == "__main__":
    main()
