"""The retry and rate-limit policy govscan applies to every cloud SDK.

Cloud SDKs disagree on retries: one honours a server's retry hint only up to
its own cap, another honours it without any cap, a third does not retry
throttling at all. govscan therefore switches each SDK's own retries off and
applies one policy: at most ``ATTEMPTS`` attempts per call, no single wait
longer than ``MAX_WAIT``, no more than ``TOTAL_WAIT`` of waiting per call, and
one token bucket per (account, region) so that a scan does not cause the
throttling it then has to wait out. The values are documented in docs/aws.md
("Retries and rate limits"); the SDK bindings (``collectors/aws/retries.py``)
decide which answers are worth retrying.

Rate is not the only thing a large organisation's scan must bound: ``Limits``
caps the calls in flight at once per scope (an account, a subscription, a
project) and across the whole scan, so that many accounts scanned together do
not exhaust a shared quota or the scanning host (docs/scale.md, "Concurrency limits").

Nothing here imports an SDK.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

ATTEMPTS = 5
"""Attempts per call: the first try plus up to four retries."""

MAX_WAIT = 20.0
"""Longest single wait in seconds, also when the server asks for longer (Retry-After)."""

TOTAL_WAIT = 60.0
"""Most seconds one call may spend waiting between its attempts; a retry whose wait
would go past it is not made."""

BACKOFF_BASE = 0.5
"""First backoff in seconds without a server hint; doubles with every retry."""

RATE = 50.0
"""Requests per second per (account, region, service) once the burst is spent."""

BURST = 100
"""Requests per (account, region, service) that may go out at once before ``RATE`` applies."""

SERVICE_RATES: Mapping[str, tuple[float, int]] = MappingProxyType(
    # EC2 documents its request-rate limits: describe calls refill 20 tokens a second
    # into a bucket of 100 (EC2 API reference, "Request throttling").
    # S3 answers thousands of requests a second per prefix; its bucket-configuration
    # calls are what a scan makes many of, one set per bucket.
    {"ec2": (20.0, 100), "s3": (200.0, 400)}
)
"""(rate, burst) for services whose limits are lower than the default."""

CONNECT_TIMEOUT = 10.0
"""Seconds to open a connection."""

READ_TIMEOUT = 30.0
"""Seconds to wait for an answer on an open connection."""

CALLS_PER_SCOPE = 8
"""Calls in flight at once in one account, subscription or project."""

CALLS = 32
"""Calls in flight at once across all scopes of one collector's scan."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long a collector retries, and how fast it may ask."""

    attempts: int = ATTEMPTS
    """Attempts per call (the first try included)."""
    max_wait: float = MAX_WAIT
    """Cap on one wait, server hints included."""
    total_wait: float = TOTAL_WAIT
    """Budget of waiting per call."""
    backoff_base: float = BACKOFF_BASE
    """First backoff without a server hint."""
    rate: float = RATE
    """Sustained requests per second per scope; ``math.inf`` switches the bucket off."""
    burst: int = BURST
    """Requests per scope allowed at once."""
    service_rates: Mapping[str, tuple[float, int]] = field(default_factory=lambda: SERVICE_RATES)
    """(rate, burst) per service name where it differs from ``rate`` and ``burst``."""
    connect_timeout: float = CONNECT_TIMEOUT
    """Seconds to open a connection."""
    read_timeout: float = READ_TIMEOUT
    """Seconds to wait for an answer."""

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.burst < 1 or not self.rate > 0:
            raise ValueError("a retry policy needs attempts, burst and rate above zero")
        if min(self.max_wait, self.total_wait, self.backoff_base) < 0:
            raise ValueError("a retry policy's waits cannot be negative")

    def next_wait(
        self, attempt: int, waited: float, hint: float | None, jitter: float
    ) -> float | None:
        """Seconds to wait before the attempt after ``attempt`` (1-based), or None to
        give up. ``waited``: seconds this call already waited; ``hint``: the
        server's Retry-After, if any; ``jitter``: a number in [0, 1]."""
        if attempt >= self.attempts:
            return None
        if hint is not None:
            wait = min(max(hint, 0.0), self.max_wait)
        else:
            # Half fixed, half random: callers that were throttled together spread
            # out, and none retries at once.
            step = min(self.backoff_base * 2 ** (attempt - 1), self.max_wait)
            wait = step / 2 + step / 2 * min(max(jitter, 0.0), 1.0)
        if waited + wait > self.total_wait:
            return None
        return wait


class Clock(Protocol):
    """Time as the policy sees it; tests pass a virtual one."""

    def now(self) -> float: ...

    def sleep_until(self, deadline: float) -> None: ...


class SystemClock:
    """The monotonic clock and real sleeps."""

    def now(self) -> float:
        return time.monotonic()

    def sleep_until(self, deadline: float) -> None:
        delay = deadline - time.monotonic()
        if delay > 0:
            time.sleep(delay)


class TokenBucket:
    """Admits ``rate`` requests per second after an initial ``burst``.

    Tokens may go negative: a caller reserves the next free slot under the lock
    and sleeps until it outside the lock, so concurrent callers queue in order
    without holding each other up while they wait."""

    def __init__(self, rate: float, burst: int, clock: Clock) -> None:
        self._rate = rate
        self._burst = float(max(burst, 1))
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = self._burst
        self._stamp = clock.now()

    def take(self) -> float:
        """Wait for one token; returns the seconds waited (0.0 when one was free)."""
        if math.isinf(self._rate):
            return 0.0
        with self._lock:
            now = self._clock.now()
            self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            self._tokens -= 1.0
            wait = -self._tokens / self._rate if self._tokens < 0 else 0.0
        if wait > 0:
            self._clock.sleep_until(now + wait)
        return wait


@dataclass(frozen=True)
class Limits:
    """How many calls may be in flight at once (an HTTP attempt, from sending the
    request to having the answer; waits between attempts do not count)."""

    per_scope: int = CALLS_PER_SCOPE
    """In one scope: an account, a subscription or a project."""
    overall: int = CALLS
    """Across every scope of the scan."""

    def __post_init__(self) -> None:
        if self.per_scope < 1 or self.overall < 1:
            raise ValueError("call limits must be at least 1")


def limits(options: Mapping[str, Any], per_scope: str, overall: str) -> Limits:
    """The limits a collector's options give (``per_scope``, ``overall``: their keys);
    an option not given keeps its default."""
    return Limits(
        int(options.get(per_scope) or CALLS_PER_SCOPE), int(options.get(overall) or CALLS)
    )


class Slot:
    """One call's place in its scope's and the scan's limit; ``release`` gives it back
    (once, however often it is called)."""

    def __init__(self, release: Callable[[], None]) -> None:
        self._release: Callable[[], None] | None = release
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            release, self._release = self._release, None
        if release is not None:
            release()

    def __enter__(self) -> Slot:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


class Throttle:
    """One scan's policy, clock, token buckets (one bucket per scope key) and call
    limits (one per scope, one for the scan)."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        jitter: Callable[[], float] = random.random,
        limits: Limits | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.clock: Clock = clock or SystemClock()
        self.jitter = jitter
        self._lock = threading.Lock()
        self._buckets: dict[Hashable, TokenBucket] = {}
        self._busy: dict[Hashable, int] = {}
        self.limit(limits or Limits())

    def limit(self, limits: Limits) -> None:
        """Set the call limits; for a collector configuring its throttle before its scan
        starts (a slot taken earlier goes back to the limits it came from)."""
        with self._lock:
            self.limits = limits
            self._overall = threading.BoundedSemaphore(limits.overall)
            self._scopes: dict[Hashable, threading.BoundedSemaphore] = {}

    def slot(self, scope: Hashable) -> Slot:
        """Wait for a free call slot in ``scope`` and in the scan; use it as a context
        manager around one attempt on the wire, never around a wait between attempts
        (a waiting call would keep others of its scope from going out)."""
        with self._lock:
            own = self._scopes.get(scope)
            if own is None:
                own = self._scopes[scope] = threading.BoundedSemaphore(self.limits.per_scope)
            overall = self._overall
        # The scope first: a call queueing behind its own busy account must not hold
        # one of the scan's slots that another account could use meanwhile.
        own.acquire()
        try:
            overall.acquire()
        except BaseException:
            own.release()
            raise
        with self._lock:
            self._busy[scope] = self._busy.get(scope, 0) + 1

        def release() -> None:
            with self._lock:
                self._busy[scope] -= 1
                if not self._busy[scope]:
                    del self._busy[scope]
            overall.release()
            own.release()

        return Slot(release)

    def in_flight(self, scope: Hashable | None = None) -> int:
        """Calls holding a slot now: in ``scope``, or in the whole scan."""
        with self._lock:
            return self._busy.get(scope, 0) if scope is not None else sum(self._busy.values())

    def bucket(self, key: Hashable, service: str = "") -> TokenBucket:
        """The bucket of one scope, e.g. ``(account, region, service)``; ``service``
        picks its rate from ``RetryPolicy.service_rates``."""
        with self._lock:
            found = self._buckets.get(key)
            if found is None:
                rate, burst = self.policy.service_rates.get(
                    service, (self.policy.rate, self.policy.burst)
                )
                if math.isinf(self.policy.rate):
                    rate = self.policy.rate  # the bucket switched off for every service
                found = TokenBucket(rate, burst, self.clock)
                self._buckets[key] = found
            return found


@dataclass(frozen=True)
class GaveUp:
    """Why a call was not retried any further, for the one-line error."""

    reason: str
    """``throttled``, ``server error``, ``timed out`` or ``unreachable``."""
    attempts: int
    waited: float
    detail: str
    """The last answer, e.g. ``ThrottlingException: Rate exceeded``."""

    def describe(self, where: str) -> str:
        return (
            f"{self.reason}: gave up after {self.attempts} attempt"
            f"{'s' if self.attempts != 1 else ''} / {self.waited:g} s waited ({where}; "
            f"last answer {self.detail})"
        )


class RetriesExhausted(Exception):
    """A call that failed transiently on every attempt the policy allowed."""

    def __init__(self, gave_up: GaveUp, operation: str, account: str, region: str) -> None:
        self.gave_up = gave_up
        self.operation = operation
        self.account = account
        self.region = region
        where = ", ".join(
            x
            for x in (
                operation,
                f"account {account}" if account else "",
                f"region {region}" if region else "",
            )
            if x
        )
        super().__init__(gave_up.describe(where))
