"""Builds the shipped descriptor-set prior from the MTG-Jamendo *train* split (issue 13).

``cratedigger build-set-prior`` counts how many train tracks carry each tag set (tags read as the served
catalog reads them, ``training.data.jamendo_train_tags``) and writes
``assets/priors/jamendo_train_sets.json``, which the hybrid retriever reads
(``retrieval.retrievers.set_prior``). Sets carried by one track are left out (their size's rate stands
in); the file holds counts, not tracks, and nothing of the validation or test splits.

Out of scope: using the prior (``retrieval.retrievers``), other datasets' priors.
"""

from __future__ import annotations

import logging
from pathlib import Path

from retrieval.retrievers.set_prior import SetPrior
from training.data import jamendo_train_tags

logger = logging.getLogger(__name__)

MIN_COUNT = 2


def build_set_prior(tracks_tsv: Path, out: Path, min_count: int = MIN_COUNT) -> SetPrior:
    """Count the train tracks' tag sets in ``tracks_tsv`` and save the prior to ``out``.

    Example:
        >>> prior = build_set_prior(data / "jamendo/tracks.tsv", Path("/tmp/p.json"))  # doctest: +SKIP
        >>> prior.counts["electronic"]  # doctest: +SKIP
        1113
    """
    tags = [t for t in jamendo_train_tags(tracks_tsv).values() if t]
    prior = SetPrior.from_tag_sets(tags, name=f"MTG-Jamendo split-0 train ({len(tags)} tracks)",
                                   min_count=min_count)
    prior.save(out)
    logger.info("set prior: %d tracks, %d sets kept (count >= %d) -> %s",
                len(tags), len(prior.counts), min_count, out)
    return prior
