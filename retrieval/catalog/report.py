"""The load report: which rows of a catalog file were loaded, which were skipped and why.

Out of scope: reading rows (``retrieval.catalog.row_readers``, ``retrieval.catalog.dataset_readers``)
and choosing the format (``retrieval.catalog.formats``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LoadReport:
    """What a load did: rows loaded, rows skipped as ``(row number, reason)``, and remarks.

    Row numbers are 1-based physical line numbers of the file (the CSV header is line 1).

    Example:
        >>> r = LoadReport("x.csv", loaded=2, skipped=[(3, "no id")])
        >>> r.summary()
        'x.csv: loaded 2 songs, skipped 1 row (line 3: no id)'
    """

    source: str = ""
    loaded: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def skip(self, row: int, reason: str) -> None:
        """Record that ``row`` was skipped for ``reason``."""
        self.skipped.append((row, reason))

    def summary(self, show: int = 5) -> str:
        """One line: counts plus the first ``show`` skipped rows and every note."""
        n = len(self.skipped)
        text = f"{self.source}: loaded {self.loaded} songs, skipped {n} row{'s' if n != 1 else ''}"
        if n:
            shown = "; ".join(f"line {row}: {why}" for row, why in self.skipped[:show])
            text += f" ({shown}{'; ...' if n > show else ''})"
        if self.notes:
            text += ". " + ". ".join(self.notes)
        return text
