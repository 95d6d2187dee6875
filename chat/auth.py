"""Login for the chat page: where credentials come from, and throttling of wrong passwords.

Credentials, first found wins: ``--auth-file PATH`` (lines ``user:password``; ``#`` comments), the
``CRATEDIGGER_AUTH`` environment variable (``user:password``), or ``--auth user:password`` (visible to
every local user in ``ps``, so it logs a warning). ``ThrottledAuth`` is the callable handed to Gradio:
after ``free_failures`` wrong tries for a user name it refuses *every* try for that name (the right
password too) for a back-off that doubles with each further failure, up to ``max_lockout_s``; a success
resets it. Only configured user names are tracked (others are refused outright), so the tables stay
bounded. Out of scope: user management, per-address limits and TLS (serve behind a proxy for those).
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.errors import CratediggerError

logger = logging.getLogger(__name__)
AUTH_ENV = "CRATEDIGGER_AUTH"


class AuthConfigError(CratediggerError):
    """Credentials given in an unusable form."""


def parse_pair(text: str, where: str) -> tuple[str, str]:
    """``"user:pass"`` -> ``("user", "pass")``.

    Example:
        >>> parse_pair("ana:s3cret:x", "--auth")
        ('ana', 's3cret:x')
    """
    user, sep, password = text.strip("\r\n").partition(":")
    user = user.strip()
    if not sep or not user or not password:
        raise AuthConfigError(f"{where} expects USER:PASSWORD (both non-empty), got {len(text)} characters")
    return user, password


def load_credentials(
    auth: str | None = None, auth_file: str | None = None, env: dict[str, str] | None = None
) -> dict[str, str]:
    """User -> password from ``--auth-file``, ``$CRATEDIGGER_AUTH`` or ``--auth``; {} means no login."""
    env = dict(os.environ) if env is None else env
    if auth_file:
        path = Path(auth_file).expanduser()
        if not path.is_file():
            raise AuthConfigError(f"--auth-file {auth_file!r} is not a readable file")
        lines = path.read_text(encoding="utf-8").splitlines()
        pairs = [parse_pair(ln, f"{auth_file} line {i}") for i, ln in enumerate(lines, 1)
                 if ln.strip() and not ln.lstrip().startswith("#")]
        if not pairs:
            raise AuthConfigError(f"--auth-file {auth_file!r} holds no USER:PASSWORD line")
        users = [u for u, _ in pairs]
        if len(set(users)) != len(users):
            raise AuthConfigError(f"--auth-file {auth_file!r} names a user twice")
        return dict(pairs)
    if env.get(AUTH_ENV):
        return dict([parse_pair(env[AUTH_ENV], f"${AUTH_ENV}")])
    if auth:
        logger.warning("--auth puts the password on the command line (visible in ps); "
                       "prefer --auth-file or $%s", AUTH_ENV)
        return dict([parse_pair(auth, "--auth")])
    return {}


@dataclass
class ThrottledAuth:
    """Gradio ``auth=`` callable with per-user lockout after repeated failures.

    Example:
        >>> check = ThrottledAuth({"ana": "s3cret"}, free_failures=1)
        >>> check("ana", "nope"), check("ana", "nope"), check("ana", "s3cret")
        (False, False, False)
    """

    credentials: dict[str, str]
    free_failures: int = 3
    base_lockout_s: float = 2.0
    max_lockout_s: float = 300.0
    clock: object = field(default=time.monotonic, repr=False)
    _failures: dict[str, int] = field(default_factory=dict, repr=False)
    _locked_until: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _now(self) -> float:
        return float(self.clock())  # type: ignore[operator]

    def __call__(self, username: str, password: str) -> bool:
        name = str(username)[:200]
        with self._lock:
            if self._locked_until.get(name, 0.0) > self._now():
                logger.warning("login for %r refused: locked after repeated failures", name)
                return False
            expected = self.credentials.get(name)
            # compare against a dummy for unknown names too (no timing hint of which names exist)
            ok = hmac.compare_digest((expected or "\0" * 16).encode(), str(password).encode())
            if expected is None:
                return False  # unknown names are refused, and not tracked (no unbounded memory)
            if ok:
                self._failures.pop(name, None)
                return True
            count = self._failures.get(name, 0) + 1
            self._failures[name] = count
            if count >= self.free_failures:
                wait = min(self.base_lockout_s * 2 ** (count - self.free_failures), self.max_lockout_s)
                self._locked_until[name] = self._now() + wait
                logger.warning("%d failed logins for %r; locked for %.0f s", count, name, wait)
            return False

    def locked_for(self, username: str) -> float:
        """Seconds left on ``username``'s lockout (0 when it may try)."""
        with self._lock:
            return max(0.0, self._locked_until.get(username, 0.0) - self._now())
