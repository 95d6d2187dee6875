"""Search a catalog by free text: ranked descriptor sets, ranked songs, and why each song matched.

Design (measured in docs/performance.md, "Song scoring"):

* The retrieval corpus is the catalog's unique full descriptor sets (``retrieval.search.set_table``),
  ranked by a retriever from ``build_retriever`` (``hybrid`` by default: dense cosine, through the FAISS
  index, fused with BM25). The top ``candidates`` sets are re-scored per song.
* Song score (``song_scoring="combined"``): ``(1 - w) * set + w * coverage + v * include`` where ``set``
  is the set's retriever score min-max scaled over the candidates, ``coverage`` is the mean over
  request phrases of the best cosine to one of the song's descriptors (``retrieval.search.matching``),
  ``include`` the same for the ``include`` terms, ``w = coverage_weight`` and ``v = include_weight``.
  ``"set"`` and ``"coverage"`` use one part only. Whole sets keep the paper's unit of retrieval;
  coverage rewards songs whose descriptors answer *each* part of a multi-part request.
* The retriever gets the request as typed (plus ``include`` terms); ``retrieval_text="phrases"`` gives
  it the extracted phrases instead, which measured the same.
* ``avoid`` terms rule out descriptors (``DescriptorMatcher.avoided``); songs carrying one are removed
  (``avoid_mode="remove"``, named in ``notices``) or put after all other songs with ``SongHit.avoided``
  set (``avoid_mode="demote"``).

Each result carries its own step timings (``SearchResult.timings_ms``: ``encode`` and ``search``).

Out of scope: building, saving and loading the parts (``retrieval.search.assembly``), the cached
indexes (``retrieval.search.store``), dialog (the ``chat`` package).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.catalog import Catalog
from retrieval.errors import QueryError
from retrieval.models.threads import torch_threads
from retrieval.results import DescriptorMatch, SearchResult, SetHit, SongHit
from retrieval.retrievers.base import Ranking, Retriever
from retrieval.search import assembly
from retrieval.search.config import SearchConfig
from retrieval.search.matching import DescriptorMatcher, split_phrases
from retrieval.search.set_table import SetTable

logger = logging.getLogger(__name__)


@dataclass
class _Request:
    text: str
    phrases: list[str]
    include: list[str]
    avoid: list[str]
    notices: list[str]


class Searcher:
    """Catalog + retriever + descriptor matcher.

    Example:
        >>> catalog, _ = load_catalog("demo")                       # doctest: +SKIP
        >>> searcher = Searcher.build(catalog, model="minilm")      # doctest: +SKIP
        >>> result = searcher.search("tropical steel drums", k=3, avoid=["vocals"])  # doctest: +SKIP
        >>> [(h.song.title, [m.descriptor for m in h.matches]) for h in result.songs]  # doctest: +SKIP
    """

    def __init__(self, catalog: Catalog, table: SetTable, retriever: Retriever, encoder: Any,
                 matcher: DescriptorMatcher, config: SearchConfig, manifest: dict[str, Any]) -> None:
        self.catalog, self.table, self.retriever = catalog, table, retriever
        self.encoder, self.matcher, self.config, self.manifest = encoder, matcher, config, manifest

    @classmethod
    def _from(cls, parts: assembly.SearcherParts) -> Searcher:
        return cls(parts.catalog, parts.table, parts.retriever, parts.encoder, parts.matcher, parts.config,
                   parts.manifest)

    def parts(self) -> assembly.SearcherParts:
        """What this searcher is made of (what ``save`` writes)."""
        return assembly.SearcherParts(self.catalog, self.table, self.retriever, self.encoder, self.matcher,
                                      self.config, self.manifest)

    # -- construction -------------------------------------------------------------------------------
    @classmethod
    def build(cls, catalog: Catalog, model: str | None = None, retriever: str | None = None,
              config: SearchConfig | None = None) -> Searcher:
        """Index ``catalog`` with ``retriever`` (default ``config.retriever``, i.e. hybrid) and ``model``.

        ``model`` defaults to ``retrieval.models.default_model()``; it embeds sets (dense/hybrid) and,
        for every retriever, the descriptors and request phrases used for matching and ``avoid``.
        """
        config = config or SearchConfig()
        config = replace(config, retriever=retriever or config.retriever)
        return cls._from(assembly.build_parts(catalog, model, config))

    @classmethod
    def load(cls, folder: str | Path, model: str | None = None, catalog: Catalog | None = None) -> Searcher:
        """Load a searcher saved with ``save``.

        Raises:
            IndexMismatchError: ``model``/``catalog`` differ from what the folder was built with.
            IndexDamagedError: a file of the folder is missing, unreadable or inconsistent.
        """
        return cls._from(assembly.load_parts(Path(folder), model=model, catalog=catalog))

    def save(self, folder: str | Path, overwrite: bool = True,
             protect: Sequence[Path] = ()) -> dict[str, Any]:
        """Write catalog snapshot, index, descriptor vectors and manifest to ``folder`` atomically.

        Refuses (``UnsafeOutputError``) a file, a folder that is not an index, a folder holding a
        ``protect`` path and, unless ``overwrite``, an existing index (``retrieval.index.folder``).
        """
        return assembly.save_parts(self.parts(), Path(folder), overwrite=overwrite, protect=protect)

    # -- search -------------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, include: Sequence[str] = (),
               avoid: Sequence[str] = ()) -> SearchResult:
        """Rank descriptor sets and songs for ``query``.

        Raises:
            QueryError: the query is empty or whitespace, or ``k < 1``.
        """
        started = time.perf_counter()
        req = self._prepare(query, k, include, avoid)
        base = ", ".join(req.phrases) if self.config.retrieval_text == "phrases" else req.text
        retrieval_text = ", ".join([base, *req.include])
        texts = [retrieval_text, *req.phrases, *req.include, *req.avoid]
        encode_started = time.perf_counter()
        with torch_threads(self.config.query_threads):
            vecs = self.encoder.encode(texts)  # one batch; the dense retriever then hits the encoder cache
        encode_ms = _ms(encode_started)
        n_p, n_i = len(req.phrases), len(req.include)
        p_vecs, i_vecs, a_vecs = vecs[1 : 1 + n_p], vecs[1 + n_p : 1 + n_p + n_i], vecs[1 + n_p + n_i :]
        avoided = self._avoided_descriptors(req.avoid, a_vecs)
        bad_songs = set(self.table.songs_with(avoided).tolist())
        bad_sets = {int(self.table.song_set[p]) for p in bad_songs}
        n = min(len(self.table.sets), max(self.config.candidates, 3 * k) + len(bad_sets))
        ranking = self.retriever.search([retrieval_text], k=n)[0]
        if ranking and ranking[0][1] <= 0 and self.retriever.name in ("tfidf", "bm25"):
            req.notices.append("none of the request's words occur in the catalog's descriptors")
        kept = [(s, sc) for s, sc in ranking if s not in bad_sets]
        sets = [self._set_hit(s, sc) for s, sc in kept[:k]]
        scored = self._score_songs(ranking, p_vecs, i_vecs)
        songs = self._song_hits(scored, bad_songs, avoided, req, vecs[1 : 1 + n_p + n_i], k)
        timings = {"encode": encode_ms, "search": _ms(started) - encode_ms}
        return SearchResult(query=req.text, sets=sets, songs=songs, notices=req.notices, timings_ms=timings)

    def _prepare(self, query: str, k: int, include: Sequence[str], avoid: Sequence[str]) -> _Request:
        if not isinstance(query, str) or not query.strip():
            raise QueryError(f"empty request: expected words describing music (e.g. 'upbeat tropical "
                             f"steel drums'), got {query!r}")
        if k < 1:
            raise QueryError(f"k must be at least 1, got {k}")
        text, notices = " ".join(query.split()), []
        limit = self.config.max_query_chars
        if len(text) > limit:
            cut = text.rfind(" ", 0, limit)
            text = text[: cut if cut > limit // 2 else limit]
            notices.append(f"the request was {len(query):,} characters long; only the first {len(text):,} "
                           "were used")
        clean = [" ".join(t.split())[:200] for t in include if isinstance(t, str) and t.strip()]
        bad = [" ".join(t.split())[:200] for t in avoid if isinstance(t, str) and t.strip()]
        return _Request(text, split_phrases(text), list(dict.fromkeys(clean)), list(dict.fromkeys(bad)),
                        notices)

    def _avoided_descriptors(self, terms: list[str], vecs: np.ndarray) -> dict[int, DescriptorMatch]:
        out: dict[int, DescriptorMatch] = {}
        for term, vec in zip(terms, vecs, strict=True):
            for did, score in self.matcher.avoided(term, vec).items():
                if did not in out or out[did].score < score:
                    out[did] = DescriptorMatch(term, self.table.descriptors[did], score)
        return out

    def _set_hit(self, set_id: int, score: float) -> SetHit:
        ids = [self.catalog.songs[p].id for p in self.table.set_songs[set_id]]
        return SetHit(self.table.sets[set_id], round(float(score), 4), ids)

    def _score_songs(self, ranking: Ranking, p_vecs: np.ndarray,
                     i_vecs: np.ndarray) -> list[tuple[int, float]]:
        """(catalog position, score) for every song of the candidate sets, best first."""
        if not ranking:
            return []
        raw = np.array([s for _, s in ranking], dtype=np.float64)
        span = raw.max() - raw.min()
        set_part = (raw - raw.min()) / span if span > 0 else np.ones_like(raw)
        w = {"set": 0.0, "coverage": 1.0, "combined": self.config.coverage_weight}[self.config.song_scoring]
        out: list[tuple[int, float]] = []
        for (set_id, _), norm in zip(ranking, set_part, strict=True):
            desc_ids = self.matcher.ids(self.table.sets[set_id])
            score = (1 - w) * norm + (w * self.matcher.coverage(p_vecs, desc_ids) if w else 0.0)
            if len(i_vecs):
                score += self.config.include_weight * self.matcher.coverage(i_vecs, desc_ids)
            out.extend((int(p), float(score)) for p in self.table.set_songs[set_id])
        out.sort(key=lambda item: (-item[1], item[0]))
        return out

    def _song_hits(self, scored: list[tuple[int, float]], bad_songs: set[int],
                   avoided: dict[int, DescriptorMatch], req: _Request, match_vecs: np.ndarray,
                   k: int) -> list[SongHit]:
        phrases = [*req.phrases, *req.include]
        good = [(p, s) for p, s in scored if p not in bad_songs]
        dropped = [(p, s) for p, s in scored if p in bad_songs]
        chosen = good[:k] + (dropped[: k - len(good[:k])] if self.config.avoid_mode == "demote" else [])
        hits = []
        for pos, score in chosen:
            desc_ids = self.table.song_descs[pos]
            hits.append(SongHit(
                song=self.catalog.songs[pos], score=round(score, 4),
                matches=self.matcher.match(phrases, match_vecs, desc_ids),
                avoided=[avoided[int(d)] for d in desc_ids if int(d) in avoided],
            ))
        if req.avoid:
            req.notices.append(self._avoid_notice(req.avoid, bad_songs, dropped, avoided, k))
        return hits

    def _avoid_notice(self, terms: list[str], bad_songs: set[int], dropped: list[tuple[int, float]],
                      avoided: dict[int, DescriptorMatch], k: int) -> str:
        quoted = ", ".join(repr(t) for t in terms)
        if not bad_songs:
            return f"no song in the catalog has a descriptor matching {quoted}; nothing was left out"
        action = "left out" if self.config.avoid_mode == "remove" else "moved to the end"
        examples = []
        for pos, _ in dropped[:3]:
            song = self.catalog.songs[pos]
            hit = next(avoided[int(d)] for d in self.table.song_descs[pos] if int(d) in avoided)
            examples.append(f"{song.title or song.id} ({hit.descriptor!r})")
        near = f"; among the best matches: {', '.join(examples)}" if examples else ""
        return f"{action} {len(bad_songs)} song(s) with descriptors matching {quoted}{near}"


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0
