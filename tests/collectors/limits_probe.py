"""A fake transport that counts the calls in flight, per scope and overall.

The first calls wait inside the transport until each of the test's threads is
either in the transport too or queued for a call slot: a limit that holds is then
reached exactly, and one that does not hold lets every thread in (a peak above
the limit), whatever the scheduling. Later calls pass at once."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Hashable
from typing import Any

from govscan.collectors.retry import Slot, Throttle


class Probe:
    def __init__(self, throttle: Throttle, threads: int) -> None:
        self.threads = threads
        self.peak = 0
        self.peaks: Counter[Hashable] = Counter()
        self.calls = 0
        self._now: Counter[Hashable] = Counter()
        self._queued = 0
        self._cond = threading.Condition()
        self._released = False
        slot = throttle.slot

        def watched(scope: Hashable) -> Slot:
            with self._cond:
                self._queued += 1
                self._cond.notify_all()
            try:
                return slot(scope)
            finally:
                with self._cond:
                    self._queued -= 1

        throttle.slot = watched  # type: ignore[method-assign]

    def _settled(self) -> bool:
        return sum(self._now.values()) + self._queued >= self.threads

    def enter(self, scope: Hashable) -> None:
        with self._cond:
            self.calls += 1
            self._now[scope] += 1
            self.peaks[scope] = max(self.peaks[scope], self._now[scope])
            self.peak = max(self.peak, sum(self._now.values()))
            if not self._released:
                self._cond.wait_for(lambda: self._released or self._settled())
                self._released = True
                self._cond.notify_all()

    def leave(self, scope: Hashable) -> None:
        with self._cond:
            self._now[scope] -= 1


def run_threads(count: int, target: Callable[[int], Any]) -> None:
    """``target(i)`` in ``count`` threads; re-raises the first failure."""
    failures: list[BaseException] = []

    def body(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:  # handed to the test thread
            failures.append(exc)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
