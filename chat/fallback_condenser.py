"""A chain of condensers: the first that answers wins; a failing one is skipped for a while.

A dead server, a timeout or a nonsense answer makes the chain try the next backend for that turn and
adds a user-visible notice; the dialog itself is never touched. A backend that is dead or slow
(``BackendDownError``, or an unexpected crash) is rested for ``cooldown_s`` so a dead server does not
cost a timeout on every turn; one wrong answer, or a busy backend, is never rested.
Out of scope: choosing the backends (``chat.commands.build_condenser``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from chat.condenser import (
    BackendDownError,
    CondensedRequest,
    Condenser,
    CondenserError,
    EmptyDialogError,
)

logger = logging.getLogger(__name__)


@dataclass
class FallbackConfig:
    """Args: cooldown_s: seconds a failed backend is skipped before it is tried again (0: never skip)."""

    cooldown_s: float = 30.0


class FallbackCondenser(Condenser):
    """Try ``backends`` in order; the last should be a ``RulesCondenser``, which always answers.

    Example:
        >>> from chat.rules_condenser import RulesCondenser
        >>> chain = FallbackCondenser([RulesCondenser()])
        >>> chain.condense([{"role": "user", "content": "calm piano"}]).backend
        'rules'
    """

    name = "fallback"

    def __init__(self, backends: Sequence[Condenser], config: FallbackConfig | None = None) -> None:
        if not backends:
            raise CondenserError("expected at least one condenser backend, got none")
        self.backends = list(backends)
        self.config = config or FallbackConfig()
        self._failed_at: dict[int, float] = {}
        self._lock = threading.Lock()

    @property
    def names(self) -> list[str]:
        return [b.name for b in self.backends]

    def _resting(self, index: int) -> bool:
        with self._lock:
            failed = self._failed_at.get(index)
        return failed is not None and time.monotonic() - failed < self.config.cooldown_s

    def _mark(self, index: int, ok: bool) -> None:
        with self._lock:
            if ok:
                self._failed_at.pop(index, None)
            else:
                self._failed_at[index] = time.monotonic()

    def condense(self, messages: list[dict]) -> CondensedRequest:
        notices: list[str] = []
        last_error: Exception | None = None
        candidates = [i for i in range(len(self.backends)) if not self._resting(i)] or [
            len(self.backends) - 1
        ]
        skipped = [self.backends[i].name for i in range(len(self.backends)) if i not in candidates]
        for position, index in enumerate(candidates):
            backend = self.backends[index]
            try:
                result = backend.condense(messages)
            except EmptyDialogError:
                raise
            except Exception as exc:  # noqa: BLE001 - any backend failure falls through to the next one
                if not isinstance(exc, CondenserError):
                    logger.exception("condenser %s crashed", backend.name)
                last_error = exc
                if isinstance(exc, BackendDownError) or not isinstance(exc, CondenserError):
                    self._mark(index, ok=False)  # dead, slow or crashing: rest it; a wrong answer: not
                nxt = self.backends[candidates[position + 1]].name if position + 1 < len(candidates) else None
                reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
                logger.warning("condenser %s failed: %s", backend.name, reason)
                if nxt:
                    notices.append(
                        f"The {backend.name} condenser failed ({reason}); used {nxt} for this turn."
                    )
                continue
            self._mark(index, ok=True)
            if skipped and index != 0:
                notices.append(
                    f"Using the {backend.name} condenser: {', '.join(skipped)} failed recently and "
                    f"rests for up to {self.config.cooldown_s:g} s."
                )
            return result.with_notices(notices)
        raise CondenserError(f"every condenser failed ({', '.join(self.names)}); last error: {last_error}")

    def close(self) -> None:
        for backend in self.backends:
            backend.close()
