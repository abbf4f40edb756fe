"""Azure Resource Manager calls: the call log, and failures classified.

The call log aggregates by (subscription, resource provider, action) and goes
into the evidence bundle; the action (``Microsoft.Storage/storageAccounts/read``)
is what ``govscan permissions`` grants, so a test can compare the two. Failures
are classified so that the runner can tell "access denied" (an error result)
from "the resource is gone" (skip it).

Nothing here imports an SDK at module level.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from govscan.collectors.retry import RetriesExhausted
from govscan.model import ApiCall

CURRENT: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar(
    "govscan_azure_call", default=("", "")
)
"""(subscription, action) of the call in progress in this thread: the retry policy
names it in its log line, counts retries under it and in a give-up message."""


@contextmanager
def calling(subscription: str, action: str) -> Iterator[None]:
    token = CURRENT.set((subscription, action))
    try:
        yield
    finally:
        CURRENT.reset(token)


class CallFailure(Exception):
    """A failed ARM call, classified. ``kind``: denied, throttled, gone, unreachable,
    credentials, disabled or error. (Not a frozen dataclass: raising through a
    context manager sets ``__traceback__`` on it.)"""

    def __init__(self, operation: str, kind: str, code: str, message: str) -> None:
        super().__init__(operation, kind, code, message)
        self.operation = operation
        """The action of the call (``Microsoft.Storage/storageAccounts/read``)."""
        self.kind = kind
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message


# Codes ARM answers for a subscription that exists but cannot be read now.
DISABLED_CODES = frozenset({"SubscriptionNotFound", "ReadOnlyDisabledSubscription"})
DISABLED_CODES_LOWER = frozenset(c.lower() for c in DISABLED_CODES)
_GAVE_UP_KIND = {"throttled": "throttled", "timed out": "unreachable", "unreachable": "unreachable"}


def _first_line(text: str, limit: int = 300) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:limit]


def classify(exc: BaseException) -> tuple[str, str, str]:
    """(kind, code, message) for an exception raised through azure-core."""
    if isinstance(exc, RetriesExhausted):
        return _GAVE_UP_KIND.get(exc.gave_up.reason, "error"), "", str(exc)
    if isinstance(exc, CallFailure):
        return exc.kind, exc.code, exc.message
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ResourceNotFoundError,
        ServiceRequestError,
        ServiceResponseError,
    )

    if isinstance(exc, HttpResponseError):
        status = int(getattr(exc, "status_code", 0) or 0)
        error = getattr(exc, "error", None)
        code = str(getattr(error, "code", "") or "")
        message = _first_line(str(getattr(error, "message", "") or exc.reason or ""))
        if not code and status:
            code = f"HTTP {status}"
        if code.lower() in DISABLED_CODES_LOWER:
            return "disabled", code, message
        if isinstance(exc, ResourceNotFoundError) or status == 404:
            return "gone", code or "NotFound", message
        if status == 403:
            return "denied", code or "AuthorizationFailed", message
        if isinstance(exc, ClientAuthenticationError) or status == 401:
            return "credentials", code or "Unauthorized", message
        if status == 429:
            return "throttled", code, message
        return "error", code, message
    if isinstance(exc, ServiceRequestError | ServiceResponseError):
        return "unreachable", type(exc).__name__, _first_line(str(exc))
    if isinstance(exc, ClientAuthenticationError):
        return "credentials", type(exc).__name__, _first_line(str(exc))
    return "error", type(exc).__name__, _first_line(str(exc))


def failure(action: str, exc: BaseException) -> CallFailure:
    kind, code, message = classify(exc)
    return CallFailure(action, kind, code, message)


class CallLog:
    """Thread-safe aggregation of calls per (subscription, provider, action).

    A row is [calls, failed calls, milliseconds, retries]; a page of a list
    counts as one call, a retried call once (its repeats in ``retries``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, str, str], list[float]] = {}

    def record(self, subscription: str, action: str, seconds: float, failed: bool) -> None:
        key = (subscription, action.split("/", 1)[0], action)
        with self._lock:
            row = self._rows.setdefault(key, [0, 0, 0.0, 0])
            row[0] += 1
            row[1] += 1 if failed else 0
            row[2] += seconds * 1000.0

    def retried(self, subscription: str, action: str) -> None:
        key = (subscription, action.split("/", 1)[0], action)
        with self._lock:
            self._rows.setdefault(key, [0, 0, 0.0, 0])[3] += 1

    def calls(self) -> list[ApiCall]:
        with self._lock:
            return [
                ApiCall("azure", prov, action, sub, "", int(r[0]), int(r[1]), r[2], int(r[3]))
                for (sub, prov, action), r in sorted(self._rows.items())
            ]

    def actions(self) -> set[str]:
        """Actions called (for least-privilege checks)."""
        with self._lock:
            return {action for (_, _, action) in self._rows}
