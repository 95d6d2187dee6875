"""The dev benchmarks the training run reports on (built once per run in ``run_dir/dev``).

Variants: ``sentence-seed0..2``, ``song``, ``request-seed0..2`` from the MusicCaps dev tracks
(``retrieval.evaluation.benchmark.is_dev_track``). Out of scope: the benchmark protocol
(``retrieval.evaluation.benchmark``).
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)

DEV_VARIANTS = ("sentence-seed0", "sentence-seed1", "sentence-seed2", "song",
                "request-seed0", "request-seed1", "request-seed2")


def build_dev_sets(
    musiccaps_csv: Path, out_dir: Path, names: tuple[str, ...] = DEV_VARIANTS
) -> dict[str, Path]:
    """Build (or reuse) the named dev BEIR folders; returns name -> folder.

    Example:
        >>> build_dev_sets(Path("musiccaps_train.csv"), Path("run/dev"), ("song",))  # doctest: +SKIP
        {'song': PosixPath('run/dev/song')}
    """
    from retrieval.catalog import load_catalog
    from retrieval.evaluation.benchmark import make_benchmark, select_split

    out: dict[str, Path] = {}
    songs = None
    for name in names:
        folder = out_dir / name
        out[name] = folder
        if (folder / "qrels" / "test.tsv").is_file():
            continue
        if songs is None:
            catalog, _ = load_catalog(f"musiccaps:{musiccaps_csv}")
            songs = select_split(catalog.songs, "dev")
        variant, _, seed = name.partition("-seed")
        make_benchmark(songs, folder, seed=int(seed or 0), variant=variant)
    return out
