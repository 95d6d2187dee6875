"""Conversation benchmark: every condenser on the hand-written dev sets in ``benchmarks/devsets/``.

One-turn requests (``requests_*.jsonl``: text, wanted, rejected, references, family): share of the
rejected descriptors that land in ``avoid``, share of the wanted ones wrongly avoided, share of the
wanted ones kept (in the request or include), answers with no songs. Dialogs (``dialogs.jsonl``: turns,
single, target, avoided): the target song in the top 10 after the dialog vs after the single request,
the avoided descriptor in the final avoid list, returned songs carrying an avoided descriptor. Each
figure overall and per phrase family, with the p50 time per turn. Runs on the demo catalog with the
shipped model; label matching is by words after light normalisation (``label_hit``).

    .venv/bin/python benchmarks/conversation_bench.py --backend rules
    .venv/bin/python benchmarks/conversation_bench.py --backend local --out docs/conversation-local.json
    .venv/bin/python benchmarks/conversation_bench.py --requests fresh_forum.jsonl --dialogs ''
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

DEVSETS = Path(__file__).parent / "devsets"
_CANON = {
    "vocal": "vocals", "voice": "vocals", "voices": "vocals", "singing": "vocals", "singer": "vocals",
    "singers": "vocals", "lyrics": "vocals", "words": "vocals", "sax": "saxophone", "drum": "drums",
    "guitars": "guitar", "synths": "synth", "horn": "horns", "beat": "beats", "songs": "", "song": "",
    "music": "", "stuff": "", "the": "", "any": "", "too": "", "very": "", "vocalist": "vocals",
    "vocalists": "vocals", "growling": "growl", "growled": "growl", "growls": "growl",
}


def _words(text: str) -> set[str]:
    """Words of a label or term: lowercase, hyphens joined ("auto-tune" = "autotune"), plurals and
    decades folded ("ballads" = "ballad", "80s" = "1980s"), vocal words canonical."""
    out = set()
    for word in re.findall(r"[a-z0-9']+", re.sub(r"(?<=\w)-(?=\w)", "", text.lower())):
        word = re.sub(r"^(\d0)'?s$", lambda m: "19" + m[1] + "s", word)  # 80s -> 1980s
        word = _CANON.get(word, word)
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "0s")) and word != "vocals":
            word = word[:-1]
        if word:
            out.add(word)
    return out


def label_hit(label: str, terms: list[str], broader_only: bool = False) -> bool:
    """Does one of ``terms`` name ``label``? ("male vocal" names "vocals"; "acoustic piano" not "drums").
    With ``broader_only`` a term must be as broad as the label: avoiding "smooth jazz" does not avoid
    the wanted "jazz" (used for wrongly avoided wanted descriptors).

    Example:
        >>> label_hit("vocals", ["no singing", "male vocal"]), label_hit("1980s", ["80s"])
        (True, True)
        >>> label_hit("jazz", ["smooth jazz"], broader_only=True)
        False
    """
    want = _words(label)
    if not want:
        return False
    for term in terms:
        got = _words(term)
        if got and (got <= want or (not broader_only and want <= got)):
            return True
    return False


def load(name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted(DEVSETS.glob(name)):
        rows += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return rows


def _engine(backend: str, cooldown_s: float = 30.0, tagger: str | None = None) -> Any:
    from chat.commands import build_condenser, wait_for_local_server
    from chat.engine import ChatEngine, EngineConfig
    from retrieval.models.threads import limit_torch_threads
    from retrieval.search.store import load_or_build

    condenser = build_condenser(backend, timeout_s=30.0, tagger=tagger)
    condenser.config.cooldown_s = cooldown_s
    for part in condenser.backends:
        if hasattr(part, "load"):
            part.load(wait=False)
    searcher = load_or_build("demo")
    wait_for_local_server(condenser, 120.0)
    limit_torch_threads(1)
    engine = ChatEngine(searcher, condenser, EngineConfig(k=10))
    engine.warm_up()
    return engine


def _rate(hits: list[bool]) -> float | None:
    return round(100.0 * sum(hits) / len(hits), 1) if hits else None


def one_turn(engine: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rejected avoided, wanted avoided, wanted kept; per family."""
    by_family: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    times, parse, backends = [], [], defaultdict(int)
    for row in rows:
        started = time.perf_counter()
        turn = engine.respond(row["text"], [])
        times.append((time.perf_counter() - started) * 1000)
        parse.append(turn.timings_ms.get("condense", 0.0))  # references, typo repair and the parser
        state = turn.condensed
        avoid = list(state.avoid) if state else []
        kept = [state.request, *state.include] if state else []
        backends[state.backend if state else "none"] += 1
        for family in ("all", row["family"]):
            bucket = by_family[family]
            bucket["rejected_avoided"] += [label_hit(r, avoid) for r in row["rejected"]]
            bucket["wanted_avoided"] += [label_hit(w, avoid, broader_only=True) for w in row["wanted"]]
            bucket["wanted_kept"] += [label_hit(w, kept) for w in row["wanted"]]
            bucket["empty_answer"].append(not (turn.result and turn.result.songs))
    table = {
        f: {k: _rate(v) for k, v in m.items()} | {"n": len(m["empty_answer"])} for f, m in by_family.items()
    }
    return {"families": table, "turn_ms_p50": round(statistics.median(times), 1),
            "parse_ms_p50": round(statistics.median(parse), 2), "backends": dict(backends)}


def _carries(song: Any, label: str) -> bool:
    return label_hit(label, list(song.song.descriptors))


def dialogs(engine: Any, rows: list[dict[str, Any]], use_state: bool = False) -> dict[str, Any]:
    """Target in top 10 after the dialog vs after the single request; avoided labels honoured. With
    ``use_state`` each turn gets the previous turn's dialog state instead of the history (the page's path)."""
    by_family: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    times = []
    for row in rows:
        history: list[dict[str, str]] = []
        turn = None
        for text in row["turns"]:
            started = time.perf_counter()
            state = turn.state if use_state and turn is not None else None
            turn = engine.respond(text, [] if use_state else history, state=state)
            times.append((time.perf_counter() - started) * 1000)
            history += [{"role": "user", "content": text}, {"role": "assistant", "content": turn.reply}]
        single = engine.respond(row["single"], [])
        songs = turn.result.songs if turn and turn.result else []
        avoid = list(turn.condensed.avoid) if turn and turn.condensed else []
        for family in ("all", row["family"]):
            bucket = by_family[family]
            bucket["dialog_top10"].append(any(s.song.id == row["target"] for s in songs))
            bucket["single_top10"].append(
                any(s.song.id == row["target"] for s in (single.result.songs if single.result else []))
            )
            bucket["avoided_in_state"] += [label_hit(a, avoid) for a in row["avoided"]]
            bucket["songs_with_avoided"] += [_carries(s, a) for s in songs for a in row["avoided"]]
            bucket["empty_answer"].append(not songs)
    table = {}
    for family, metrics in by_family.items():
        rates = {k: _rate(v) for k, v in metrics.items()}
        d, s = rates["dialog_top10"], rates["single_top10"]
        rates["dialog_over_single"] = round(d / s, 3) if d is not None and s else None
        table[family] = rates | {"n": len(metrics["dialog_top10"])}
    return {"families": table, "turn_ms_p50": round(statistics.median(times), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="rules", choices=("rules", "local", "vllm", "auto"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N rows of each set")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--state", action="store_true", help="dialogs pass the state, not the history")
    parser.add_argument(
        "--cooldown", type=float, default=30.0, help="seconds a failed backend rests (0: never)"
    )
    parser.add_argument("--tagger", default=None, help="span tagger folder ('none': the rules alone)")
    parser.add_argument("--requests", default="requests_*.jsonl", help="one-turn sets (a glob in devsets/)")
    parser.add_argument("--dialogs", default="dialogs.jsonl", help="dialog sets ('' for none)")
    args = parser.parse_args()
    engine = _engine(args.backend, args.cooldown, args.tagger)
    requests, dialog_rows = load(args.requests), load(args.dialogs) if args.dialogs else []
    if args.limit:
        requests, dialog_rows = requests[: args.limit], dialog_rows[: args.limit]
    report = {
        "backend": args.backend,
        "one_turn": one_turn(engine, requests),
        "dialogs": dialogs(engine, dialog_rows, use_state=args.state) if dialog_rows else None,
        "dialog_input": "state" if args.state else "history",
    }
    engine.condenser.close()
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
