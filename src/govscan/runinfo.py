"""What a scan records about itself: its scopes, its API calls and the run.

Part of the data model (``govscan.model`` re-exports every name); kept apart
because nothing here depends on controls or results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
class BaselineMark:
    """One accepted finding of the baseline a run was judged against. Carries no
    resource id or message text: a bundle never learns names from a baseline."""

    fingerprint: str
    control_id: str
    status: str
    """``fail``, ``error`` or ``waived`` when the baseline was made."""
    severity: str
    message_hash: str = ""
    """``sha256:`` of an ``error``'s message: a known error is the same error."""
    path: str = ""
    """The defining file of a finding in code."""
    expires: date | None = None
    expired: bool = False
    """Expired on the run's date: the finding counts again."""


@dataclass(frozen=True)
class BaselineUse:
    """The baseline a run was judged against: only findings not in it count toward
    the exit code (``govscan.results.baseline``)."""

    source: str
    """The baseline file's name, or ``history run N``."""
    digest: str
    """Content hash (RFC 8785) of the baseline document or the history run's findings."""
    marks: tuple[BaselineMark, ...] = ()
    notes: tuple[str, ...] = ()
    """What the reader must know: expired entries, per-run fingerprints."""


@dataclass(frozen=True)
class ShardInfo:
    """Which part of a planned scan a run covered (``govscan scan --plan --shard I/N``),
    or, in a merged bundle, which shard bundles it was made of."""

    plan_digest: str
    """Content hash of the plan: controls and policy hashes, govscan version, as-of,
    targets and the unit list. Equal in every shard of one plan; never includes I."""
    index: int
    """1-based index of this shard; 0 in a merged bundle."""
    count: int
    units: tuple[str, ...] = ()
    """Keys of the units this shard scanned (``collector:scope[:part]``)."""
    collectors: tuple[str, ...] = ()
    """Collectors that ran in this shard (a merge recomputes ``not_applicable`` from them)."""
    merged: tuple[str, ...] = ()
    """In a merged bundle: the ``sha256:`` digests of the shard bundles' manifests, by index."""


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
    personal_data: str = ""
    """``pseudonymised`` when personal data was pseudonymised (the default),
    ``kept`` when the scan ran with ``--no-redact``; empty in bundles that
    predate it. Pushing to write-once storage reads it: erasure cannot be honoured
    there."""
    baseline: BaselineUse | None = None
    """The baseline this run was judged against, if any."""
    not_applicable: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """What the policy declares not applicable: framework key -> requirement id ->
    justification (``Policy.not_applicable``); empty when it declares nothing."""
    shard: ShardInfo | None = None
    """The part of a planned scan this run covered, or the shards a merged bundle
    joins; None for an ordinary scan."""


def merge_targets(targets: Iterable[Target]) -> tuple[Target, ...]:
    """One target per (collector, identity), in that order: the details of a scope
    recorded by several shards (or by a plan and a shard) are joined, lists as their
    sorted union (an account's regions, a repository's providers), other values as
    the first recorded."""
    joined: dict[tuple[str, str], dict[str, Any]] = {}
    for t in targets:
        into = joined.setdefault((t.collector, t.identity), {})
        for k, v in t.details.items():
            if k not in into:
                into[k] = list(v) if isinstance(v, list | tuple) else v
            elif isinstance(into[k], list) and isinstance(v, list | tuple):
                into[k] = sorted({*map(_frozen, into[k]), *map(_frozen, v)}, key=repr)
    return tuple(
        Target(c, i, {k: _thawed(v) for k, v in d.items()}) for (c, i), d in sorted(joined.items())
    )


def _frozen(value: Any) -> Any:
    # Lists of mappings (rare) are joined by their JSON text.
    if isinstance(value, dict):
        import json

        return "\0json" + json.dumps(value, sort_keys=True)
    return value


def _thawed(value: Any) -> Any:
    if isinstance(value, list):
        return [_thawed(v) for v in value]
    if isinstance(value, str) and value.startswith("\0json"):
        import json

        return json.loads(value[5:])
    return value


def error_order(e: Any) -> tuple[str, ...]:
    """A collection error's place in ``results.json``: the same whatever order the
    collectors' threads (or a scan's shards) reported them in."""
    return (
        e.collector,
        e.account,
        e.region,
        ",".join(e.resource_types),
        e.operation,
        e.message,
        ",".join(getattr(e, "fields", ()) or ()),
    )
