"""The retrieval corpus of a catalog: its unique descriptor sets, unique descriptors, and who carries what.

Each song contributes its full descriptor set; songs with identical sets share one corpus document (one
``SetHit`` listing every such song). Descriptors are numbered once per unique string so their
embeddings are computed and stored once. Out of scope: scoring (``retrieval.search.searcher``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from retrieval.catalog import Catalog


@dataclass
class SetTable:
    """Index arrays over a catalog.

    Attributes:
        sets: unique descriptor sets, in order of first appearance.
        set_songs: for each set, the catalog positions of the songs carrying it.
        song_set: for each song, the number of its set.
        descriptors: unique descriptor strings, in order of first appearance.
        song_descs: for each song, the numbers of its descriptors.
        desc_songs: for each descriptor, the catalog positions of the songs having it.

    Example:
        >>> from retrieval.song import Song
        >>> t = SetTable.from_catalog(Catalog([Song("a", "", "", ("x", "y")), Song("b", "", "", ("x", "y"))]))
        >>> t.texts, t.set_songs[0].tolist(), t.descriptors
        (['x, y'], [0, 1], ['x', 'y'])
    """

    sets: list[tuple[str, ...]]
    set_songs: list[np.ndarray]
    song_set: np.ndarray
    descriptors: list[str]
    song_descs: list[np.ndarray]
    desc_songs: list[np.ndarray]

    @property
    def texts(self) -> list[str]:
        """The corpus documents: each set's descriptors joined by ", "."""
        return [", ".join(s) for s in self.sets]

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> SetTable:
        set_ids: dict[tuple[str, ...], int] = {}
        desc_ids: dict[str, int] = {}
        set_members: list[list[int]] = []
        desc_members: list[list[int]] = []
        song_set = np.empty(len(catalog), dtype=np.int64)
        song_descs: list[np.ndarray] = []
        for pos, song in enumerate(catalog.songs):
            sid = set_ids.setdefault(song.descriptors, len(set_ids))
            if sid == len(set_members):
                set_members.append([])
            set_members[sid].append(pos)
            song_set[pos] = sid
            ids = []
            for desc in song.descriptors:
                did = desc_ids.setdefault(desc, len(desc_ids))
                if did == len(desc_members):
                    desc_members.append([])
                desc_members[did].append(pos)
                ids.append(did)
            song_descs.append(np.asarray(ids, dtype=np.int64))
        return cls(
            sets=list(set_ids),
            set_songs=[np.asarray(m, dtype=np.int64) for m in set_members],
            song_set=song_set,
            descriptors=list(desc_ids),
            song_descs=song_descs,
            desc_songs=[np.asarray(m, dtype=np.int64) for m in desc_members],
        )

    def songs_with(self, desc_ids: Iterable[int]) -> np.ndarray:
        """Catalog positions of the songs having any of ``desc_ids`` (sorted, unique)."""
        parts = [self.desc_songs[d] for d in desc_ids]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
