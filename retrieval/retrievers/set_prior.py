"""A popularity prior over descriptor sets: how many real tracks carry a set (issue 13).

A tag set such as "rock" or "electronic" is carried by hundreds of MTG-Jamendo tracks; most of the
thousands of longer sets ("classic rock, hard rock, indie, bass, drums, guitar") by one. Uploaders tag
sparsely, so the set a described track really has is often short and common, while a description that
names five things scores the five-tag sets highest. ``SetPrior`` adds ``log P(set)`` to the hybrid's
fused score, Bayes' rule with the retriever's score as the likelihood:

``log_prior(set) = log(count(set) + smoothing * rate(len(set)))``, centred over the corpus, where
``count`` is how many reference tracks carry exactly that set (tags in any order) and ``rate(n)`` is
the mean number of reference tracks per distinct set of ``n`` tags (a set seen once or never still gets
its size's share: on the MTG-Jamendo train split a 1-tag set has 45 tracks on average, a 4-tag set 1.9).

The prior applies only to corpora in its vocabulary: when fewer than ``min_coverage`` (90%) of a
corpus's documents are sets of the reference's descriptors, every document gets 0 and rankings are
unchanged (MusicCaps aspect lists: 0–6% are, the demo catalog 0%; every MTG-Jamendo split 100%).

The shipped prior (``assets/priors/jamendo_train_sets.json``) counts the MTG-Jamendo split-0 *train*
tracks only, written by ``cratedigger build-set-prior``; sets carried by one track are left out of the
file (their size's rate stands in).

Out of scope: per-catalog song counts at serving time, priors over other vocabularies (build one with
``SetPrior.from_tag_sets``), anything that looks at the query.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.catalog.dataset_readers import jamendo_descriptor
from retrieval.errors import CratediggerError

JAMENDO_PRIOR = "jamendo_train_sets.json"
FORMAT_VERSION = 1


class SetPriorError(CratediggerError, ValueError):
    """A set prior file is missing or malformed (a ``ValueError`` too, for callers that catch those)."""


@dataclass(frozen=True)
class SetPriorConfig:
    """How strongly and where the prior applies.

    Args:
        smoothing: weight of the size rate added to every set's count (``count + smoothing * rate``).
        min_coverage: the share of a corpus's documents that must be sets of the prior's vocabulary.
        max_size: sets longer than this share the rate of ``max_size``.
    """

    smoothing: float = 1.0
    min_coverage: float = 0.9
    max_size: int = 10


def descriptor_key(descriptors: Iterable[str]) -> str:
    """The order-free key of a descriptor set: each read as the Jamendo catalog reads it, sorted, joined.

    Example:
        >>> descriptor_key(["genre---hiphop", " Rap "])
        'hip hop, rap'
    """
    return ", ".join(sorted({jamendo_descriptor(d.strip().lower()) for d in descriptors if d.strip()}))


class SetPrior:
    """``log P(set)`` from how many reference tracks carry each descriptor set.

    Args:
        counts: descriptor key (``descriptor_key``) -> number of reference tracks carrying that set.
        size_rates: set size -> mean tracks per distinct set of that size in the reference.
        vocabulary: every descriptor of the reference.
        name: where the counts came from (shown in logs and results).
        config: smoothing and coverage (``SetPriorConfig``).

    Example:
        >>> prior = SetPrior.from_tag_sets([["rock"]] * 5 + [["rock", "guitar"]], name="toy")
        >>> [round(float(x), 2) for x in prior.log_prior(["rock", "guitar, rock"])]  # log 10, log 2, centred
        [0.8, -0.8]
    """

    def __init__(
        self,
        counts: Mapping[str, int],
        size_rates: Mapping[int, float],
        vocabulary: Iterable[str],
        name: str = "custom",
        config: SetPriorConfig | None = None,
    ) -> None:
        if not size_rates:
            raise ValueError("a set prior needs at least one size rate; build it from 1+ tag sets")
        self.counts = dict(counts)
        self.size_rates = {int(k): float(v) for k, v in size_rates.items()}
        self.vocabulary = frozenset(vocabulary)
        self.name = name
        self.config = config or SetPriorConfig()

    @classmethod
    def from_tag_sets(
        cls, tag_sets: Iterable[Sequence[str]], name: str = "custom", min_count: int = 1,
        config: SetPriorConfig | None = None,
    ) -> SetPrior:
        """Count tag sets (one tag sequence per reference track); keep sets seen ``min_count``+ times."""
        config = config or SetPriorConfig()
        counts = Counter(key for key in (descriptor_key(tags) for tags in tag_sets) if key)
        per_size: Counter[int] = Counter()
        tracks_per_size: Counter[int] = Counter()
        for key, count in counts.items():
            size = min(len(key.split(", ")), config.max_size)
            per_size[size] += 1
            tracks_per_size[size] += count
        rates = {size: tracks_per_size[size] / per_size[size] for size in per_size}
        vocabulary = {d for key in counts for d in key.split(", ")}
        kept = {key: count for key, count in counts.items() if count >= min_count}
        return cls(kept, rates, vocabulary, name=name, config=config)

    def _rate(self, size: int) -> float:
        size = min(size, self.config.max_size)
        if size in self.size_rates:
            return self.size_rates[size]
        nearest = min(self.size_rates, key=lambda s: (abs(s - size), s))
        return self.size_rates[nearest]

    def _keys(self, corpus: Sequence[str]) -> list[str]:
        return [descriptor_key(doc.split(",")) for doc in corpus]

    def _coverage(self, keys: Sequence[str]) -> float:
        inside = sum(1 for key in keys if key and set(key.split(", ")) <= self.vocabulary)
        return inside / len(keys) if keys else 0.0

    def coverage(self, corpus: Sequence[str]) -> float:
        """The share of ``corpus`` documents ("a, b, c") whose every descriptor is in the vocabulary."""
        return self._coverage(self._keys(corpus))

    def applies(self, corpus: Sequence[str]) -> bool:
        """Whether ``corpus`` is in the prior's vocabulary (``coverage >= config.min_coverage``)."""
        return bool(corpus) and self.coverage(corpus) >= self.config.min_coverage

    def log_prior(self, corpus: Sequence[str]) -> np.ndarray:
        """One centred ``log P(set)`` per document; all zeros when the corpus is outside the vocabulary."""
        values = self.scores(corpus)
        return np.zeros(len(corpus), dtype=np.float32) if values is None else values

    def scores(self, corpus: Sequence[str]) -> np.ndarray | None:
        """``log_prior``, or None when the corpus is outside the vocabulary (one pass over the corpus)."""
        keys = self._keys(corpus)
        if not keys or self._coverage(keys) < self.config.min_coverage:
            return None
        values = np.empty(len(keys), dtype=np.float64)
        for i, key in enumerate(keys):
            size = len(key.split(", ")) if key else 1
            values[i] = math.log(self.counts.get(key, 0) + self.config.smoothing * self._rate(size))
        return (values - values.mean()).astype(np.float32)

    def to_dict(self) -> dict[str, object]:
        """The JSON form ``save`` writes: format version, name, size rates, vocabulary, counts."""
        return {
            "format_version": FORMAT_VERSION, "name": self.name,
            "size_rates": {str(k): round(v, 4) for k, v in sorted(self.size_rates.items())},
            "vocabulary": sorted(self.vocabulary),
            "counts": dict(sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        }

    def save(self, path: str | Path) -> Path:
        """Write the prior as JSON (sorted, so a rebuild from the same data is byte-identical)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path, config: SetPriorConfig | None = None) -> SetPrior:
        """Read a prior written by ``save``.

        Raises:
            SetPriorError: the file is missing or malformed; the message says which and how to rebuild it.
        """
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format_version") != FORMAT_VERSION:
                raise ValueError(f"format_version {data.get('format_version')!r}, expected {FORMAT_VERSION}")
            return cls(
                {str(k): int(v) for k, v in data["counts"].items()},
                {int(k): float(v) for k, v in data["size_rates"].items()},
                data["vocabulary"], name=str(data.get("name", path.stem)), config=config,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SetPriorError(
                f"cannot read the set prior {path}: {exc}; rebuild it with `cratedigger build-set-prior`"
            ) from exc


@functools.lru_cache(maxsize=4)
def packaged_prior(config: SetPriorConfig | None = None) -> SetPrior:
    """The shipped MTG-Jamendo train-split prior (``assets/priors/jamendo_train_sets.json``), read once.

    Raises:
        SetPriorError: the file is missing or malformed (a broken install: reinstall the package).
    """
    from retrieval.paths import priors_dir

    return SetPrior.load(priors_dir() / JAMENDO_PRIOR, config=config)
