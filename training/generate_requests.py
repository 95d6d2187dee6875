"""Requests and descriptions written by the packaged LLM, for training (issue 13, items 2 and 3).

Two kinds of training rows, each from the *train* split only:

- ``mc_request``: a MusicCaps train caption rewritten as the request a listener would type (the
  paper's MC_reco recipe, with the packaged Qwen 0.5B instead of Llama-3-8B);
- ``mc_sentence``: one MusicCaps train caption *sentence* rewritten as a request (the sentence-level
  queries of the paper's protocol, said the way people ask; only sentences with a descriptor in them);
- ``jamendo_description``: a natural description of an MTG-Jamendo train track written from its tag
  set alone (LP-MusicCaps' recipe), so a model learns to map how people describe music onto that
  vocabulary.

A third kind, ``jamendo_dev``, writes dev *queries* from MTG-Jamendo *validation* tracks with another
prompt and other examples (``benchmarks/jamendo_dev.py`` reads them); never train on it.

The model runs out of process (``chat.llm_server.LlamaServer``, one thread by default so other work
can go on). The script is **resumable**: it appends one JSON line per row to ``--out`` and skips the
keys already there, in a fixed seeded order, so any prefix is a random sample and a rerun continues.
Each row records the sha256 prefix of its source text or tags (not the text: that stays in the dataset),
the model's sha256 prefix and the sampling seed.

    python -m training.generate_requests --data ../shared/data --out training/generated/llm_rows.jsonl \\
        --kinds mc_request,jamendo_description --limit 6000

Out of scope: training on the rows (``training.data``), evaluation sets (``benchmarks/llm_requests.py``
writes those from dev splits), larger LLMs (point ``--llm-url`` at a vLLM server instead).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import logging
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from training.request_prompts import GROUNDING, PROMPTS

logger = logging.getLogger(__name__)


def musiccaps_items(data_dir: Path) -> Iterator[tuple[str, str]]:
    """(key, caption) for every MusicCaps train row."""
    with (data_dir / "musiccaps" / "musiccaps_train.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            caption = (row.get("caption") or "").strip()
            if row.get("ytid") and caption:
                yield f"mc:{row['ytid']}", caption


def musiccaps_sentence_items(data_dir: Path) -> Iterator[tuple[str, str]]:
    """(key, sentence) for every sentence of a MusicCaps *train-split* caption (dev tracks skipped) that
    names one of its track's descriptors, read by the served reader; keys ``mc:<ytid>:<index>``."""
    from retrieval.evaluation.benchmark import is_dev_track, split_sentences, verbatim_descriptors
    from training.data import read_musiccaps

    for row in read_musiccaps(data_dir / "musiccaps" / "musiccaps_train.csv"):
        if is_dev_track(row["ytid"]):
            continue
        for i, sentence in enumerate(split_sentences(row["caption"])):
            if verbatim_descriptors(sentence, row["aspects"]):
                yield f"mc:{row['ytid']}:{i}", sentence


def jamendo_items(data_dir: Path, split: str = "train") -> Iterator[tuple[str, str]]:
    """(key, "tag, tag, ...") for every MTG-Jamendo track of ``split`` with 3+ tags, tags normalised
    as served."""
    from retrieval.catalog.dataset_readers import jamendo_descriptor

    with (data_dir / "jamendo" / "tracks.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            tags = [jamendo_descriptor(t) for t in (row.get("tags") or "").split(",") if t.strip()]
            if row.get("split") == split and len(tags) >= 3:
                yield f"jamendo:{row['track_id']}", ", ".join(dict.fromkeys(tags))


def clean_answer(answer: str, source: str) -> str:
    """The first line of ``answer`` without quotes or a chatty prefix; "" when unusable.

    Example:
        >>> clean_answer('"Sure! looking for calm piano"\\nmore', "calm piano music")
        'looking for calm piano'
        >>> clean_answer("calm piano music", "calm piano music")
        ''
    """
    lines = [ln for ln in (answer or "").strip().splitlines() if ln.strip()]
    text = lines[0].strip().strip('"').strip() if lines else ""
    text = re.sub(r"^(?:sure|okay|ok|here(?: is|'s) (?:the|a|your) \w+)[!.:,]*\s*", "", text, flags=re.I)
    text = text.strip().strip('"').strip()
    if not 8 <= len(text) <= 300 or text.lower() == source.lower():
        return ""
    return text


_PLAIN = frozenset(
    "looking for want wanted need some something song songs track tracks music tune tunes with that this "  # noqa: SIM905
    "like have any anything please play give would love kind sort feel feeling vibe vibes sound sounds "
    "sounding listen listener friend really very more also just from into over under their there which "
    "featuring features feature where when what while about maybe could lots plenty bit little elements "
    "element line lines including include includes often used range wide style type".split()
)


def copied_examples(answer: str, source: str, kind: str) -> bool:
    """Did the model copy two or more of its few-shot answers' words that the source does not have?

    Example:
        >>> copied_examples("instrumental rock with fast drums", "a male vocal rapping", "mc_request")
        True
    """
    stems = {w[:5] for w in re.findall(r"[a-z]+", source.lower())}
    example = {w for _, a in PROMPTS[kind][1] for w in re.findall(r"[a-z]+", a.lower())
               if len(w) > 3 and w not in _PLAIN}
    return sum(w in example and w[:5] not in stems for w in set(re.findall(r"[a-z]+", answer.lower()))) >= 2


def grounded(answer: str, source: str, share: float = 0.6) -> bool:
    """Do most content words of ``answer`` come from ``source`` (by their first 5 letters)? The 0.5B
    model sometimes copies its examples' details ("fast drums") into an unrelated answer.

    Example:
        >>> grounded("looking for emotional rap over strings", "a male vocal rapping over strings, emotional")
        True
        >>> grounded("instrumental rock with fast drums", "a male vocal rapping over strings, emotional")
        False
    """
    stems = {w[:5] for w in re.findall(r"[a-z]+", source.lower())}
    words = [w for w in re.findall(r"[a-z]+", answer.lower()) if len(w) > 3 and w not in _PLAIN]
    if not words:
        return False
    short = {s[:3] for s in stems}
    hits = sum(w[:5] in stems or (len(w) <= 4 and w[:3] in short) for w in words)
    return hits >= share * len(words)


def _ordered(items: list[tuple[str, str]], seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rng.shuffle(items)
    return items


def _done_keys(out: Path) -> set[str]:
    if not out.is_file():
        return set()
    keys = set()
    for line in out.read_text(encoding="utf-8").splitlines():
        try:
            keys.add(json.loads(line)["key"])
        except (ValueError, KeyError, TypeError):
            continue  # a line cut by a kill: it is redone
    return keys


def _client(args: argparse.Namespace) -> tuple[Any, Any, str]:
    """An OpenAI client on ``--llm-url``, or on a local server it starts (returned to stop it)."""
    from openai import OpenAI

    if args.llm_url:
        return OpenAI(base_url=args.llm_url, api_key="none", max_retries=1), None, args.llm_model
    from chat.llm_server import LlamaServer, LlamaServerConfig
    from retrieval.models import resolve

    path = resolve("qwen", allow_hub=False)
    server = LlamaServer(LlamaServerConfig(model_path=path, n_ctx=1024, n_threads=args.threads))
    server.start(wait=True)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    return OpenAI(base_url=server.url, api_key="none", max_retries=1), server, f"qwen-{digest}"


def generate(args: argparse.Namespace) -> dict[str, int]:
    """Append rows to ``args.out`` until ``args.limit`` rows (all kinds together) are there."""
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    readers = {
        "mc_request": musiccaps_items,
        "mc_sentence": musiccaps_sentence_items,
        "jamendo_description": jamendo_items,
        "jamendo_dev": lambda data: jamendo_items(data, split="validation"),  # dev queries only
    }
    per_kind: list[list[tuple[str, str, str]]] = []
    for kind in kinds:
        if kind not in readers:
            raise SystemExit(f"--kinds: expected any of {', '.join(readers)}, got {kind!r}")
        per_kind.append([(kind, k, t) for k, t in _ordered(list(readers[kind](args.data)), args.seed)])
    # round robin over the kinds, so any prefix holds each kind in equal parts
    todo = [item for group in itertools.zip_longest(*per_kind) for item in group if item is not None]
    done = _done_keys(args.out)
    todo = [t for t in todo if f"{t[0]}:{t[1]}" not in done][: max(args.limit - len(done), 0)]
    client, server, model_id = _client(args)
    counts = {"written": 0, "dropped": 0, "already": len(done)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        with args.out.open("a", encoding="utf-8") as out:
            for n, (kind, key, text) in enumerate(todo, 1):
                row = _one(client, kind, key, text, model_id, args.seed)
                counts["written" if row else "dropped"] += 1
                if row:
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    out.flush()
                if n % 25 == 0:
                    logger.info("%d/%d rows, %.1f s a row", n, len(todo), (time.monotonic() - started) / n)
    finally:
        if server is not None:
            server.stop()
    return counts


def _one(client: Any, kind: str, key: str, text: str, model_id: str, seed: int) -> dict[str, Any] | None:
    system, examples = PROMPTS[kind]
    messages = [{"role": "system", "content": system}]
    for source, answer in examples:
        messages += [{"role": "user", "content": source}, {"role": "assistant", "content": answer}]
    messages.append({"role": "user", "content": text})
    item_seed = int(hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()[:8], 16)
    try:
        out = client.chat.completions.create(
            model="local", messages=messages, max_tokens=70, temperature=0.7, seed=item_seed, timeout=120
        )
    except Exception as exc:  # noqa: BLE001 - one failed row is skipped and redone on the next run
        logger.warning("%s: %s", key, exc)
        return None
    answer = clean_answer(out.choices[0].message.content or "", text)
    share = GROUNDING.get(kind, 0.6)
    if not answer or not grounded(answer, text, share) or copied_examples(answer, text, kind):
        return None
    # the source text is not copied (it is the dataset's): its hash says which text the row was made from
    source_sha = hashlib.sha256(text.encode()).hexdigest()[:16]
    return {"key": f"{kind}:{key}", "kind": kind, "source_sha256": source_sha, "text": answer,
            "model": model_id, "seed": item_seed}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("training/generated/llm_rows.jsonl"))
    parser.add_argument("--kinds", default="mc_request,jamendo_description")
    parser.add_argument("--limit", type=int, default=6000, help="rows in --out when done (all kinds)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=1, help="CPU threads of the local model server")
    parser.add_argument("--llm-url", default=None, help="an OpenAI-compatible server, not the local one")
    parser.add_argument("--llm-model", default="meta-llama/Meta-Llama-3-8B-Instruct")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    print(json.dumps(generate(args)))


if __name__ == "__main__":
    main()
