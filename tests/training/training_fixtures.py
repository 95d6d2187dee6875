"""Helpers for the training tests: a 20-caption MusicCaps-style CSV with 5 dev tracks."""

from __future__ import annotations

import csv
from pathlib import Path

from retrieval.evaluation.benchmark import is_dev_track

GENRES = ["rock", "jazz", "folk", "techno", "reggae"]
INSTRUMENTS = ["acoustic guitar", "piano", "saxophone", "synth bass", "steel drums"]
MOODS = ["happy", "sad", "relaxing", "energetic", "dark"]


def track_ids(n_train: int, n_dev: int) -> list[str]:
    """Deterministic ids: the first ``n_train`` non-dev and ``n_dev`` dev ids of ``trk0, trk1, ...``."""
    train: list[str] = []
    dev: list[str] = []
    i = 0
    while len(train) < n_train or len(dev) < n_dev:
        ytid = f"trk{i}"
        (dev if is_dev_track(ytid) else train).append(ytid)
        i += 1
    return train[:n_train] + dev[:n_dev]


def write_captions(path: Path, n_train: int = 15, n_dev: int = 5) -> list[str]:
    """Write a MusicCaps-layout CSV; every sentence names one of the track's aspects verbatim."""
    ids = track_ids(n_train, n_dev)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ytid", "start_s", "end_s", "audioset_positive_labels", "aspect_list", "caption",
                         "author_id", "is_balanced_subset", "is_audioset_eval"])
        for i, ytid in enumerate(ids):
            g, ins, m = GENRES[i % 5], INSTRUMENTS[(i * 2) % 5], MOODS[(i * 3) % 5]
            aspects = [g, ins, m, "male vocal" if i % 2 else "instrumental"]
            caption = (f"This is a {g} song. The {ins} plays the melody. The mood is {m}. "
                       f"It is {'sung by a male vocal' if i % 2 else 'instrumental'}.")
            writer.writerow([ytid, 0, 10, "", repr(aspects), caption, 0, False, False])
    return ids
