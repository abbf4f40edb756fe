"""A clock for retry and rate-limit tests: time moves only when someone sleeps."""

from __future__ import annotations

import threading


class VirtualClock:
    """Time that moves only when someone sleeps: to the latest deadline reached.

    ``frozen``: time stays at 0, so every sleep records its deadline as it was
    computed (a token bucket never refills)."""

    def __init__(self, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._now = 0.0
        self._frozen = frozen
        self.sleeps: list[float] = []

    def now(self) -> float:
        with self._lock:
            return self._now

    def sleep_until(self, deadline: float) -> None:
        with self._lock:
            self.sleeps.append(round(deadline - self._now, 6))
            if not self._frozen:
                self._now = max(self._now, deadline)
