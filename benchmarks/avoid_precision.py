"""Precision and recall of ``avoid`` matching on a hand-labelled list of (term, descriptor, avoid?) pairs.

``benchmarks/devsets/avoid_pairs.jsonl`` labels whether avoiding a term should rule a descriptor out
("acoustic drums" does not rule out "acoustic piano"; "vocals" rules out "choir"). The matcher is the
shipped model's (encoded over the labelled descriptors plus the demo catalog's, so its adaptive
thresholds are the ones the app uses); ``--rule old`` replays the earlier rule (cosine >= threshold or
the term as whole words) for comparison.

    .venv/bin/python benchmarks/avoid_precision.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

PAIRS = Path(__file__).parent / "devsets" / "avoid_pairs.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rule", choices=("new", "old", "both"), default="both")
    args = parser.parse_args()
    from retrieval.catalog import load_catalog
    from retrieval.models import default_model
    from retrieval.models.encoder import Encoder, EncoderConfig
    from retrieval.search.matching import AVOID_FAMILIES, DescriptorMatcher, _contains, stems

    rows = [json.loads(line) for line in PAIRS.read_text().splitlines() if line.strip()]
    catalog, _ = load_catalog("demo")
    descriptors = sorted({d for s in catalog.songs for d in s.descriptors} | {r["descriptor"] for r in rows})
    encoder = Encoder(EncoderConfig(model=default_model()))
    matcher = DescriptorMatcher(descriptors, encoder.encode(descriptors))
    index = {d: i for i, d in enumerate(descriptors)}
    terms = sorted({r["term"] for r in rows})
    term_vecs = dict(zip(terms, encoder.encode(terms), strict=True))

    def old_rule(term: str, desc: str) -> bool:
        sim = float(matcher.vectors[index[desc]] @ term_vecs[term])
        words = [stems(w) for w in {term, *AVOID_FAMILIES.get(term, ())}]
        return sim >= matcher.avoid_threshold or any(_contains(stems(desc), w) for w in words if w)

    rules = {"new": lambda t, d: index[d] in matcher.avoided(t, term_vecs[t]), "old": old_rule}
    for name in ("new", "old") if args.rule == "both" else (args.rule,):
        got = [(rules[name](r["term"], r["descriptor"]), r["avoid"]) for r in rows]
        tp = sum(g and y for g, y in got)
        fp = sum(g and not y for g, y in got)
        fn = sum(y and not g for g, y in got)
        wrong = [f"{r['term']} -> {r['descriptor']}" for r, (g, y) in zip(rows, got, strict=True) if g != y]
        print(json.dumps({"rule": name, "pairs": len(rows), "precision": round(tp / max(tp + fp, 1), 3),
                          "recall": round(tp / max(tp + fn, 1), 3), "wrong": wrong}, indent=1))


if __name__ == "__main__":
    main()
