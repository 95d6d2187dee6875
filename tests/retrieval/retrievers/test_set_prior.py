"""The descriptor-set prior: worked examples, the vocabulary rule, the hybrid's use, the shipped file."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval.retrievers import HybridRetriever, SetPrior, SetPriorConfig, build_retriever
from retrieval.retrievers.base import Ranking, Retriever
from retrieval.retrievers.ranking import top_k
from retrieval.retrievers.set_prior import descriptor_key, packaged_prior

# 4 tracks tagged "rock", 2 "jazz", 1 "guitar, rock", 1 "piano, jazz, calm".
TRACKS = [["rock"]] * 4 + [["jazz"]] * 2 + [["guitar", "rock"], ["piano", "jazz", "calm"]]


class FixedScores(Retriever):
    """Returns the same score row for every query (the fusion is what is under test)."""

    def __init__(self, scores: Sequence[float]) -> None:
        self.scores = np.asarray(scores, dtype=np.float64)

    def fit(self, corpus: Sequence[str]) -> FixedScores:
        return self

    def score_all(self, queries: Sequence[str]) -> np.ndarray:
        return np.tile(self.scores, (len(queries), 1))

    def search(self, queries: Sequence[str], k: int = 10) -> list[Ranking]:
        return top_k(self.score_all(queries), k)


def test_counts_and_size_rates_worked_example() -> None:
    prior = SetPrior.from_tag_sets(TRACKS)
    assert prior.counts == {"rock": 4, "jazz": 2, "guitar, rock": 1, "calm, jazz, piano": 1}
    # size 1: 6 tracks over 2 sets; size 2: 1 over 1; size 3: 1 over 1
    assert prior.size_rates == {1: 3.0, 2: 1.0, 3: 1.0}
    # log(count + rate): rock log 7, jazz log 5, an unseen 1-tag set log 3, "guitar, rock" log 2
    values = prior.log_prior(["rock", "jazz", "calm", "rock, guitar"])
    expected = np.log([7.0, 5.0, 3.0, 2.0])
    assert values.tolist() == pytest.approx((expected - expected.mean()).tolist(), abs=1e-6)
    assert SetPrior.from_tag_sets(TRACKS, min_count=2).counts == {"rock": 4, "jazz": 2}


def test_sets_match_in_any_order_and_as_the_jamendo_catalog_reads_them() -> None:
    assert descriptor_key(["genre---hiphop", " Rap "]) == "hip hop, rap"
    assert descriptor_key(["rock", "guitar", "rock"]) == descriptor_key(["guitar", "rock"]) == "guitar, rock"
    prior = SetPrior.from_tag_sets([["genre---hiphop", "genre---rap"]] * 3 + [["rock"]])
    values = prior.log_prior(["rap, hip hop", "rock"])
    # "hip hop, rap": 3 tracks + its size's rate 3; "rock": 1 track + its size's rate 1
    assert values[0] - values[1] == pytest.approx(math.log(3 + 3) - math.log(1 + 1), abs=1e-6)


def test_a_corpus_outside_the_vocabulary_gets_no_prior() -> None:
    prior = SetPrior.from_tag_sets(TRACKS)
    musiccaps_like = ["low quality, male vocal, rock", "jazz", "mellow piano melody, soft drums, calm"]
    assert prior.coverage(musiccaps_like) == pytest.approx(1 / 3)
    assert not prior.log_prior(musiccaps_like).any()
    strict = SetPrior.from_tag_sets(TRACKS, config=SetPriorConfig(min_coverage=0.2))
    assert strict.log_prior(musiccaps_like).any()
    assert prior.coverage([]) == 0.0 and prior.log_prior([]).shape == (0,)


def test_hybrid_adds_the_weighted_prior_and_breaks_a_tie_towards_the_common_set() -> None:
    corpus = ["guitar, rock", "rock"]  # both score the same for the query
    dense, sparse = FixedScores([1.0, 1.0]), FixedScores([2.0, 2.0])
    prior = SetPrior.from_tag_sets(TRACKS)
    plain = HybridRetriever(dense, sparse, normalization="minmax").fit(corpus)
    with_prior = HybridRetriever(dense, sparse, normalization="minmax", prior=prior, prior_weight=0.5)
    with_prior.fit(corpus)
    assert with_prior.prior_active and not plain.prior_active
    log_p = prior.log_prior(corpus)
    assert (with_prior.score_all(["q"]) - plain.score_all(["q"]))[0].tolist() == pytest.approx(
        (0.5 * log_p).tolist(), abs=1e-6)
    assert [i for i, _ in with_prior.search(["q"], k=2)[0]] == [1, 0]
    assert [i for i, _ in plain.search(["q"], k=2)[0]] == [0, 1]  # the tie goes to the lower index
    outside = HybridRetriever(dense, sparse, prior=prior).fit(["male vocal, low quality", "echo, reverb"])
    assert not outside.prior_active
    with pytest.raises(ValueError, match=">= 0"):
        HybridRetriever(dense, sparse, prior=prior, prior_weight=-1)


def test_save_load_round_trip_and_clear_errors(tmp_path: Path) -> None:
    prior = SetPrior.from_tag_sets(TRACKS, name="toy")
    first = prior.save(tmp_path / "p.json").read_bytes()
    again = SetPrior.load(tmp_path / "p.json")
    assert (again.counts, again.size_rates, again.vocabulary, again.name) == (
        prior.counts, prior.size_rates, prior.vocabulary, "toy")
    assert again.save(tmp_path / "q.json").read_bytes() == first
    with pytest.raises(ValueError, match="cannot read the set prior .*missing.json.*build-set-prior"):
        SetPrior.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text('{"format_version": 9}')
    with pytest.raises(ValueError, match="format_version 9, expected 1"):
        SetPrior.load(tmp_path / "bad.json")
    with pytest.raises(ValueError, match="size rate"):
        SetPrior({}, {}, [])


def test_build_retriever_uses_the_packaged_prior_unless_told_not_to(tiny_model_path: Path) -> None:
    hybrid = build_retriever("hybrid", model=str(tiny_model_path))
    assert isinstance(hybrid, HybridRetriever) and hybrid.prior is not None
    assert hybrid.prior.name.startswith("MTG-Jamendo split-0 train")
    off = build_retriever("hybrid", model=str(tiny_model_path), prior=False)
    assert isinstance(off, HybridRetriever) and off.prior is None
    mine = SetPrior.from_tag_sets(TRACKS)
    assert build_retriever("hybrid", model=str(tiny_model_path), prior=mine, prior_weight=0.1).prior is mine
    with pytest.raises(ValueError, match="only apply to the hybrid"):
        build_retriever("dense", model=str(tiny_model_path), prior=False)


def test_packaged_prior_counts_common_short_sets_highest() -> None:
    prior = packaged_prior()
    assert max(prior.counts, key=prior.counts.__getitem__) == "electronic"
    assert min(prior.counts.values()) >= 2
    assert prior.size_rates[1] > 10 * prior.size_rates[4]  # 1-tag sets carry far more tracks each
    assert {"rock", "hip hop", "vocals", "punk rock"} <= prior.vocabulary  # read as the catalog reads tags


@pytest.mark.realdata
def test_packaged_prior_is_rebuilt_from_the_train_split_alone(shared_data: Path, tmp_path: Path) -> None:
    from retrieval.paths import priors_dir
    from training.set_prior import build_set_prior

    tsv = shared_data / "jamendo" / "tracks.tsv"
    if not tsv.is_file():
        pytest.skip(f"{tsv} not found")
    build_set_prior(tsv, tmp_path / "prior.json")
    assert (tmp_path / "prior.json").read_bytes() == (priors_dir() / "jamendo_train_sets.json").read_bytes()


@pytest.mark.realdata
def test_musiccaps_sets_are_outside_the_prior(shared_data: Path) -> None:
    from retrieval.catalog import load_catalog

    catalog, _ = load_catalog(f"musiccaps:{shared_data / 'musiccaps' / 'musiccaps_train.csv'}")
    texts = [", ".join(song.descriptors) for song in catalog.songs]
    assert packaged_prior().coverage(texts) < 0.1
    assert not packaged_prior().log_prior(texts).any()


def test_weight_zero_applies_but_moves_nothing_and_shapes_must_match() -> None:
    corpus = ["guitar, rock", "rock"]
    dense, sparse = FixedScores([1.0, 0.0]), FixedScores([0.0, 1.0])
    prior = SetPrior.from_tag_sets(TRACKS)
    off = HybridRetriever(dense, sparse, prior=prior, prior_weight=0.0).fit(corpus)
    assert off.prior_applies and not off.prior_active
    on = HybridRetriever(dense, sparse, prior=prior).fit(corpus)
    with pytest.raises(ValueError, match="cover 3 documents but the fitted corpus has 2"):
        on.fuse(np.zeros((1, 3)), np.zeros((1, 3)))
    assert prior.applies(corpus) and not prior.applies([]) and not prior.applies(["echo, reverb"])
