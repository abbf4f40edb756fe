"""Pushes of bundles to write-once storage, as the history records them.

A push is recorded in one transaction after every object was uploaded and read
back; a push that failed part-way records nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select

from govscan.evidence.push import PushReport
from govscan.history import tables as t
from govscan.history.store import HistoryStore


@dataclass(frozen=True)
class PushRow:
    number: int
    run_id: str
    bundle_digest: str
    url: str
    pushed_at: str
    retain_until: str
    objects: tuple[dict[str, object], ...]
    """``name``, ``key``, ``version_id``, ``sha256``, ``size`` of each object."""


def record_push(store: HistoryStore, report: PushReport) -> str:
    """Add the push; returns the line the CLI shows."""
    objects = [
        {
            "name": o.name,
            "key": o.key,
            "version_id": o.version_id,
            "sha256": o.sha256,
            "size": o.size,
        }
        for o in report.objects
    ]
    with store.transaction() as conn:
        result = conn.execute(
            insert(t.pushes).values(
                run_id=report.run_id,
                bundle_digest=report.bundle_digest,
                url=report.url,
                pushed_at=_iso(report.pushed_at),
                retain_until=_iso(report.retain_until),
                objects=json.dumps(objects, sort_keys=True, separators=(",", ":")),
            )
        )
        key = result.inserted_primary_key
        number = int(key[0]) if key is not None else 0
    return f"history: push recorded as push {number} in {store.location.shown}"


def list_pushes(store: HistoryStore, bundle_digest: str | None = None) -> list[PushRow]:
    """Recorded pushes, oldest first (of one bundle when ``bundle_digest`` is given)."""
    query = select(t.pushes).order_by(t.pushes.c.id)
    if bundle_digest is not None:
        query = query.where(t.pushes.c.bundle_digest == bundle_digest)
    with store.transaction() as conn:
        rows = conn.execute(query).all()
    return [
        PushRow(
            number=int(r.id),
            run_id=str(r.run_id),
            bundle_digest=str(r.bundle_digest),
            url=str(r.url),
            pushed_at=str(r.pushed_at),
            retain_until=str(r.retain_until),
            objects=tuple(json.loads(r.objects)),
        )
        for r in rows
    ]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
