"""Build an LLM-rephrased request set from a dev BEIR folder (a small, local stand-in for MC_reco).

Epure et al. (2024) rephrased LP-MusicCaps-MC captions into listener requests with Llama-3-8B
("MC_reco"); their scores dropped on it. Our dev ``request`` variant is template-made, so a model could
learn the templates' style rather than requests. This script samples queries of a ``sentence`` folder,
asks the local Qwen2.5-Coder-0.5B (llama-cpp-python, greedy) to rewrite each as something a listener
would type to a music assistant, and writes a BEIR folder with the same corpus and qrels. Evaluate it
with ``cratedigger evaluate OUT --retriever ...``. Rewrites that come back empty, very long, or
identical to the sentence are dropped (counted in ``stats.json``).

llama.cpp's greedy output differs across CPUs, so ``--rewrites FILE`` keeps every rewrite in a JSONL
cache keyed by a hash of the source text (``benchmarks/devsets/musiccaps_dev_llm_rewrites.jsonl`` holds
the dev folders' rewrites): rewrites found there are reused, new ones appended, so a folder rebuilt on
another machine holds the same requests and a stopped run resumes where it stopped.

Out of scope: a larger LLM, human-written requests, training on these (they are for evaluation only).

Example:
    python benchmarks/llm_requests.py runs/v3/dev/sentence-seed0 /tmp/llm-request --queries 200
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from retrieval.evaluation.evaluate import load_beir
from retrieval.models import resolve

logger = logging.getLogger(__name__)

DEV_REWRITES = Path(__file__).parent / "devsets" / "musiccaps_dev_llm_rewrites.jsonl"

SYSTEM = (
    "Rewrite the music description as a short casual request a listener would type to a music app. "
    "Use only details from the description. Reply with the request only."
)
# Few-shot pairs: with one example the 0.5B model copied its details into every answer; three
# different ones make it copy the style instead (it still adds a stray detail now and then).
EXAMPLES = (
    ("A female vocalist sings a soulful melody over a piano.",
     "got any soulful songs with a woman singing over piano?"),
    ("The tempo is fast and the drums are loud.", "looking for something fast with loud drums"),
    ("This is a violin solo with a slow tempo.", "i'd like a slow violin solo"),
)


def rephrase(llm: object, sentence: str, max_tokens: int = 60) -> str:
    """One greedy rewrite of ``sentence``; "" when the model gives nothing usable."""
    messages = [{"role": "system", "content": SYSTEM}]
    for description, request in EXAMPLES:
        messages += [{"role": "user", "content": description}, {"role": "assistant", "content": request}]
    messages.append({"role": "user", "content": sentence})
    out = llm.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0)  # type: ignore[attr-defined]
    lines = (out["choices"][0]["message"]["content"] or "").strip().splitlines()
    answer = lines[0].strip().strip('"').strip() if lines else ""
    if not answer or len(answer) > 300 or answer.lower() == sentence.lower():
        return ""
    return answer


def source_key(text: str) -> str:
    """The cache key of a source sentence: its first 16 hex digits of SHA-256.

    Example:
        >>> source_key("A slow violin solo.")
        '34e513acde978fa6'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class RewriteCache:
    """Rewrites by source key, read from and appended to a JSONL file (``None``: no file)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.known: dict[str, str] = {}
        if path and path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    self.known[row["source_sha256"]] = row["text"]

    def get(self, llm_factory: Callable[[], Any], sentence: str) -> str:
        """The cached rewrite of ``sentence``, or a new one from ``llm_factory()``'s model, cached."""
        key = source_key(sentence)
        if key not in self.known:
            self.known[key] = rephrase(llm_factory(), sentence)
            if self.path:
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"source_sha256": key, "text": self.known[key],
                                        "model": "qwen2.5-coder-0.5b-q4km-greedy"}) + "\n")
        return self.known[key]


def build(src: Path, out: Path, n_queries: int, seed: int, rewrites: Path | None = None) -> dict[str, int]:
    data = load_beir(src)
    rng = random.Random(seed)
    picked = rng.sample(range(len(data.query_ids)), min(n_queries, len(data.query_ids)))
    cache = RewriteCache(rewrites)
    loaded: list[Any] = []

    def llm() -> Any:  # loaded on the first rewrite the cache lacks
        if not loaded:
            from llama_cpp import Llama

            loaded.append(Llama(model_path=resolve("qwen"), n_ctx=1024, verbose=False, seed=seed))
        return loaded[0]

    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "qrels").mkdir(parents=True)
    shutil.copy(src / "corpus.jsonl", tmp / "corpus.jsonl")
    kept, dropped, start = 0, 0, time.perf_counter()
    with (tmp / "queries.jsonl").open("w") as q, (tmp / "qrels" / "test.tsv").open("w") as r:
        r.write("query-id\tcorpus-id\tscore\n")
        for n, i in enumerate(picked, 1):
            qid, text = data.query_ids[i], cache.get(llm, data.query_texts[i])
            if not text:
                dropped += 1
                continue
            q.write(json.dumps({"_id": qid, "text": text, "source": data.query_texts[i]}) + "\n")
            for doc_id, score in data.qrels[qid].items():
                r.write(f"{qid}\t{doc_id}\t{score}\n")
            kept += 1
            if n % 25 == 0:
                each = (time.perf_counter() - start) / n
                logger.info("%d/%d rephrased (%.1f s each)", n, len(picked), each)
    stats = {"queries": kept, "dropped": dropped, "seconds": round(time.perf_counter() - start),
             "llm_loaded": bool(loaded)}
    (tmp / "stats.json").write_text(json.dumps({"source": str(src), "seed": seed, **stats}, indent=1))
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="a dev sentence BEIR folder (make-benchmark output)")
    parser.add_argument("out", type=Path)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rewrites", type=Path, default=None,
                        help="JSONL cache of rewrites to reuse and extend, e.g. " + str(DEV_REWRITES))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    print(json.dumps(build(args.src, args.out, args.queries, args.seed, args.rewrites)))


if __name__ == "__main__":
    main()
