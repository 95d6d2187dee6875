"""The run manifest: which stages finished, with which config and which input files.

``manifest.json`` in the run directory maps stage name -> {config_hash, inputs: {file: sha256},
outputs: {file: sha256}, seconds}. A stage is *fresh* (skipped) when its config hash and the hashes of
its inputs match and its outputs are still there unchanged; otherwise it reruns. Out of scope: running
stages (see ``training.pipeline``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from training.files import file_hash, write_json

logger = logging.getLogger(__name__)


@dataclass
class Manifest:
    """Per-stage records of a run directory.

    Example:
        >>> import tempfile, pathlib
        >>> run = pathlib.Path(tempfile.mkdtemp())
        >>> m = Manifest.load(run)
        >>> m.is_fresh("data", "abc", [], [])
        False
    """

    run_dir: Path
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.run_dir / "manifest.json"

    @classmethod
    def load(cls, run_dir: Path) -> Manifest:
        path = run_dir / "manifest.json"
        stages = json.loads(path.read_text()) if path.is_file() else {}
        return cls(run_dir=run_dir, stages=stages)

    def _hashes(self, names: list[str]) -> dict[str, str] | None:
        hashes = {}
        for name in names:
            path = self.run_dir / name
            if not path.exists():
                return None
            hashes[name] = file_hash(path)
        return hashes

    def is_fresh(self, stage: str, cfg_hash: str, inputs: list[str], outputs: list[str]) -> bool:
        """True when ``stage`` finished with this config, these inputs, and its outputs are intact."""
        record = self.stages.get(stage)
        if record is None:
            return False
        if record.get("config_hash") != cfg_hash:
            logger.info("stage %s: config changed, rerunning", stage)
            return False
        if self._hashes(inputs) != record.get("inputs"):
            logger.info("stage %s: inputs changed, rerunning", stage)
            return False
        if self._hashes(outputs) != record.get("outputs"):
            logger.info("stage %s: outputs missing or changed, rerunning", stage)
            return False
        return True

    def record(
        self, stage: str, cfg_hash: str, inputs: list[str], outputs: list[str], seconds: float,
        result: dict[str, Any] | None = None,
    ) -> None:
        """Mark ``stage`` finished and save the manifest atomically."""
        self.stages[stage] = {
            "config_hash": cfg_hash,
            "inputs": self._hashes(inputs) or {},
            "outputs": self._hashes(outputs) or {},
            "seconds": round(seconds, 1),
            "result": result or {},
        }
        write_json(self.path, self.stages)
