"""What a scan records about itself: its scopes, its API calls and the run.

Part of the data model (``govscan.model`` re-exports every name); kept apart
because nothing here depends on controls or results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Target:
    """One scanned scope, recorded in the run metadata."""

    collector: str
    identity: str
    """Account id, subscription, project or repository path."""
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiCall:
    """Aggregated calls of one operation in one scope (the API call log)."""

    collector: str
    service: str
    operation: str
    account: str
    region: str
    count: int
    errors: int
    duration_ms: float
    retries: int = 0
    """Repeated attempts of these calls (throttling, server errors, timeouts)."""


@dataclass(frozen=True)
class RunInfo:
    id: str
    started_at: datetime
    finished_at: datetime
    govscan_version: str
    policy: str
    targets: tuple[Target, ...] = ()
    controls_hash: str = ""
    policy_hash: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    as_of: date | None = None
    fingerprints: str = ""
    """``persistent`` when cloud findings' fingerprints were keyed with a key that
    outlives the run, ``per-run`` when not; empty in bundles that predate it."""
