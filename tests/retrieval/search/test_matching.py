from __future__ import annotations

import numpy as np
import pytest

from retrieval.search.matching import (
    DescriptorMatcher,
    MatchConfig,
    is_negated,
    similarity_stats,
    split_phrases,
    stems,
)


def test_split_phrases_worked_examples() -> None:
    assert split_phrases("I want some tropical songs with steel drums and an upbeat feel.") == [
        "tropical", "steel drums", "upbeat feel"]
    assert split_phrases("Something sad, slow. Female vocals please!") == ["sad", "slow", "Female vocals"]
    assert split_phrases("drum and bass, rock and roll") == ["drum and bass", "rock and roll"]
    assert split_phrases("songs") == ["songs"]  # nothing but filler: keep the request itself
    assert split_phrases("   ") == []


def test_negation_and_stems() -> None:
    descriptors = ("no voice", "without drums", "vocal-free", "non-vocal", "nostalgic", "instrumental",
                   "vocals absent")
    assert [is_negated(d) for d in descriptors] == [True, True, True, True, False, False, True]
    assert stems("Male Vocals, bass") == ("male", "vocal", "bass")


def _matcher(threshold_match: float = 0.5, threshold_avoid: float = 0.9) -> DescriptorMatcher:
    # 2-d toy vectors: descriptors along known directions, so cosines are checkable by hand
    descs = ["male vocals", "choir", "instrumental", "no vocals", "piano", "voice-like synth"]
    angle = {"male vocals": 0, "choir": 80, "instrumental": 90, "no vocals": 5, "piano": 180,
             "voice-like synth": 20}
    rad = np.radians([angle[d] for d in descs])
    vecs = np.stack([np.cos(rad), np.sin(rad)], axis=1).astype(np.float32)
    return DescriptorMatcher(descs, vecs, MatchConfig(match_threshold=threshold_match,
                                                      avoid_threshold=threshold_avoid))


def test_avoid_uses_family_lexicon_threshold_and_negation() -> None:
    m = _matcher()
    term_vec = np.array([1.0, 0.0], dtype=np.float32)  # "vocals" along 0 degrees
    hit = {m.descriptors[i] for i in m.avoided("vocals", term_vec)}
    # male vocals: word match; choir: family; voice-like synth: cos(20deg)=0.94 >= 0.9 but "voice" only
    # modifies an instrument and the strict threshold (mean + 7.5 std > 1 here) is not reached;
    # no vocals: negated (kept); instrumental: cos 0 and no word match; piano: opposite
    assert hit == {"male vocals", "choir"}
    assert m.avoided("vocals", term_vec)[0] == pytest.approx(1.0)


def test_precise_avoid_head_words_and_modifiers() -> None:
    descs = ["acoustic guitar", "acoustic drums", "nylon-string guitar", "orchestral strings",
             "drum and bass", "auto-tune", "synthesizers"]
    vecs = np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (len(descs), 1))  # all "similar" (cos 1)
    m = DescriptorMatcher(descs, vecs, MatchConfig(avoid_threshold=0.5, avoid_strict_threshold=1.5))
    term = np.array([1.0, 0.0], dtype=np.float32)

    def hit(t: str) -> set[str]:
        return {m.descriptors[i] for i in m.avoided(t, term)}

    assert hit("acoustic drums") == {"acoustic drums"}  # "acoustic piano" is no "acoustic drums"
    assert hit("strings") == {"orchestral strings"}  # not the strings of a guitar
    assert "drum and bass" not in hit("drums") and hit("autotune") == {"auto-tune"}
    assert hit("ボーカル") == set()  # no words: nothing is ruled out by an empty match


def test_a_long_term_rules_out_the_descriptor_it_ends_in() -> None:
    descs = ["horn section", "boom bap", "horns", "acoustic guitar", "guitar", "big band"]
    vecs = np.tile(np.array([[0.0, 1.0]], dtype=np.float32), (len(descs), 1))  # nothing is close
    m = DescriptorMatcher(descs, vecs, MatchConfig(avoid_threshold=0.5, avoid_strict_threshold=1.5))
    term = np.array([1.0, 0.0], dtype=np.float32)

    def hit(t: str) -> set[str]:
        return {m.descriptors[i] for i in m.avoided(t, term)}

    assert hit("big horn section") == {"horn section"}
    assert hit("laid-back jazzy boom bap") == {"boom bap"}
    assert hit("soft acoustic guitar") == {"acoustic guitar"}  # not every "guitar"
    assert hit("horn section") == {"horn section"} and hit("big band") == {"big band"}  # two words: as before


def test_match_and_coverage() -> None:
    m = _matcher()
    phrases = ["vocals", "keys"]
    vecs = np.array([[1.0, 0.0], [-1.0, 0.0]], dtype=np.float32)
    got = m.match(phrases, vecs, m.ids(["male vocals", "piano", "instrumental"]))
    assert [(x.query_phrase, x.descriptor, x.score) for x in got] == [
        ("vocals", "male vocals", 1.0), ("keys", "piano", 1.0)]
    # coverage: each phrase finds a perfect descriptor -> 1.0; with only "instrumental" -> mean(0, 0) = 0
    assert m.coverage(vecs, m.ids(["male vocals", "piano"])) == pytest.approx(1.0)
    assert m.coverage(vecs, m.ids(["instrumental"])) == pytest.approx(0.0, abs=1e-6)


def test_auto_thresholds_follow_the_similarity_scale() -> None:
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((200, 16)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    mean, std = similarity_stats(vecs)
    m = DescriptorMatcher([f"d{i}" for i in range(200)], vecs, MatchConfig(match_z=3.0, avoid_z=4.3))
    assert abs(mean) < 0.05 and 0.15 < std < 0.35  # random 16-d unit vectors: cosine sd ~ 1/4
    assert m.match_threshold == pytest.approx(mean + 3.0 * std, abs=1e-3)
    assert m.avoid_threshold == pytest.approx(mean + 4.3 * std, abs=1e-3)


@pytest.mark.realmodel
def test_avoid_vocals_with_minilm() -> None:
    from retrieval.models.encoder import Encoder, EncoderConfig

    descs = ["male vocal", "female vocal", "rap vocals", "choir", "singer", "vocal harmonies", "instrumental",
             "no voice", "no vocals", "piano", "acoustic guitar", "drums", "upbeat", "sad", "synthesizer",
             "electronic", "slow tempo", "string section", "ambient pads", "bass"]
    enc = Encoder(EncoderConfig(model="minilm"))
    m = DescriptorMatcher(descs, enc.encode(descs))
    hit = {descs[i] for i in m.avoided("vocals", enc.encode(["vocals"])[0])}
    assert hit == {"male vocal", "female vocal", "rap vocals", "choir", "singer", "vocal harmonies"}
    guitar = {descs[i] for i in m.avoided("guitar", enc.encode(["guitar"])[0])}
    assert guitar == {"acoustic guitar"}
