"""Failed GCP calls, classified, and the API call log of a scan.

Nothing here imports a Google library.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from govscan.model import ApiCall

KINDS = ("denied", "disabled", "gone", "throttled", "server error", "unreachable", "credentials")


@dataclass(frozen=True)
class CallFailure(Exception):
    """A GCP call that failed for good. ``kind``: denied, disabled, gone, throttled,
    server error, unreachable, credentials or error."""

    api: str
    """Service name (``iam.googleapis.com``)."""
    operation: str
    """The IAM permission the call needs (``iam.serviceAccounts.list``)."""
    kind: str
    status: int
    message: str

    def __str__(self) -> str:
        return f"{self.kind} (HTTP {self.status}): {self.message}" if self.status else self.message

    def describe(self, project: str) -> str:
        where = f"project {project}, " if project else ""
        return f"{where}{self.api} {self.operation}: {self}"


def kind_of(status: int, reason: str = "", message: str = "") -> str:
    """What an HTTP error status (and Google's error reason) means for a scan."""
    text = f"{reason} {message}".lower()
    if status == 403 and (
        "service_disabled" in text or "has not been used" in text or "is disabled" in text
    ):
        return "disabled"
    if status in (401,):
        return "credentials"
    if status == 403:
        return "denied"
    if status == 404:
        return "gone"
    if status == 429:
        return "throttled"
    if status >= 500:
        return "server error"
    return "error"


class CallLog:
    """Thread-safe aggregation of calls per (project, api, operation).

    A row is [calls, failed calls, milliseconds, retries]; a retried call counts
    once, its repeated attempts in ``retries``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, str, str], list[float]] = {}

    def record(self, project: str, api: str, operation: str, seconds: float, failed: bool) -> None:
        with self._lock:
            row = self._rows.setdefault((project, api, operation), [0, 0, 0.0, 0])
            row[0] += 1
            row[1] += 1 if failed else 0
            row[2] += seconds * 1000.0

    def retried(self, project: str, api: str, operation: str) -> None:
        with self._lock:
            self._rows.setdefault((project, api, operation), [0, 0, 0.0, 0])[3] += 1

    def calls(self) -> list[ApiCall]:
        with self._lock:
            return [
                ApiCall("gcp", api, op, project, "", int(r[0]), int(r[1]), r[2], int(r[3]))
                for (project, api, op), r in sorted(self._rows.items())
            ]

    def operations(self) -> set[str]:
        """The permissions of every call made (for least-privilege checks)."""
        with self._lock:
            return {op for (_, _, op) in self._rows}
