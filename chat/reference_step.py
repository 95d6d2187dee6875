"""The reference step of a turn: take "like <artist>" / "no <artist>" out of the dialog, seed the search.

``take_references`` runs ``ReferenceResolver.find`` over the user turns since the last reset, returns
the references and the dialog without their spans (the condenser sees the rest). ``seed`` adds the
referenced songs' shared descriptors to the condensed request (or makes the request from them when
the listener said nothing else). ``drop_artists`` removes songs by excluded artists and by the artists
the listener compared to ("like Bob Marley" asks for other artists), then trims to ``k``.
Out of scope: finding references (``chat.references``) and searching.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from chat import rules_vocab
from chat.condenser import CondensedRequest
from chat.references import Reference, ReferenceResolver, seed_descriptors
from retrieval.results import SearchResult


@dataclass
class ReferenceOutcome:
    """What the references of a dialog amount to."""

    references: list[Reference] = field(default_factory=list)
    seeds: list[str] = field(default_factory=list)
    left_out_artists: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def unknown(self) -> list[Reference]:
        return [r for r in self.references if not r.found]


def take_references(
    resolver: ReferenceResolver, dialog: Sequence[dict[str, str]]
) -> tuple[ReferenceOutcome, list[dict[str, str]]]:
    """References of the user turns since the last reset, and the dialog with them taken out."""
    users = [i for i, m in enumerate(dialog) if m["role"] == "user"]
    start = max((i for i in users if rules_vocab.RESET.search(dialog[i]["content"].lower())), default=0)
    refs: list[Reference] = []
    out: list[dict[str, str]] = []
    for index, message in enumerate(dialog):
        if message["role"] != "user":
            out.append(message)
            continue
        found, rest = resolver.find(message["content"])
        if index >= start:
            refs += found
        out.append({"role": "user", "content": rest})
    return _outcome(resolver, refs), [m for m in out if m["content"].strip()]


def _outcome(resolver: ReferenceResolver, refs: list[Reference]) -> ReferenceOutcome:
    liked = [r for r in refs if r.found and not r.exclude]
    songs = [resolver.songs[i] for r in liked for i in r.song_ids]
    seeds = seed_descriptors(songs, 4, resolver.frequency, len(resolver.songs))
    outcome = ReferenceOutcome(references=refs, seeds=seeds)
    outcome.left_out_artists = list(dict.fromkeys(r.artist for r in refs if r.found and r.artist))
    for ref in liked:
        what = f"“{ref.title}” by {ref.artist}" if ref.title else ref.artist
        used = f" ({', '.join(outcome.seeds)})" if outcome.seeds else ""
        outcome.notices.append(f"Using {what} as the reference{used}.")
    for ref in refs:
        if ref.exclude:
            outcome.notices.append(f"Leaving out {ref.artist}.")
        elif not ref.found:
            outcome.notices.append(
                f"“{ref.text}” is not in this catalog, so I could not use it: tell me what you like about it "
                "(genre, mood, instruments, era)."
            )
    if any(r.found and not r.exclude for r in refs):
        outcome.notices.append("Songs by the artists you compared to are left out.")
    return outcome


def seed(condensed: CondensedRequest | None, outcome: ReferenceOutcome) -> CondensedRequest | None:
    """The condensed request with the reference seeds added (or made from them alone). Seeds go into
    the request text; only the most telling one is an ``include`` (more includes let any one of them
    pull in unrelated songs: "relaxed" alone is not reggae)."""
    if not outcome.seeds:
        return condensed
    avoided = {a.lower() for a in (condensed.avoid if condensed else ())}
    seeds = [s for s in outcome.seeds if s.lower() not in avoided]
    if not seeds:
        return condensed
    if condensed is None or condensed.request in ("music", ""):
        avoid = condensed.avoid if condensed else ()
        return CondensedRequest(", ".join(seeds), (seeds[0],), avoid, "references")
    request = ", ".join([condensed.request, *seeds[:2]])[:300]
    include = (*condensed.include, *(s for s in seeds[:1] if s not in condensed.include))
    return CondensedRequest(request, include, condensed.avoid, condensed.backend, condensed.notices)


def drop_artists(result: SearchResult, artists: Sequence[str], k: int) -> SearchResult:
    """``result`` without songs by ``artists``, trimmed to ``k`` songs."""
    banned = set(artists)
    songs = [hit for hit in result.songs if hit.song.artist not in banned][:k]
    return SearchResult(query=result.query, sets=result.sets, songs=songs, notices=result.notices,
                        timings_ms=result.timings_ms)


def reference_dicts(outcome: ReferenceOutcome | None) -> list[dict[str, Any]]:
    return [r.to_dict() for r in outcome.references] if outcome else []
