"""What ``scan --baseline FILE|history`` does: check the baseline before anything is
collected, and mark the finished run with it before the reports are written.

``history`` takes the last run of the same series (the same targets) in the
``--history`` store as the baseline; a history keeps no messages, so a known
``error`` there is matched by fingerprint and status alone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from govscan.canonical import content_hash
from govscan.errors import UsageError
from govscan.fingerprint import code_fingerprint
from govscan.history.baseline import Baseline, baseline_digest, load_baseline
from govscan.model import ScanResult
from govscan.results.baseline import FINDINGS
from govscan.runinfo import BaselineMark, BaselineUse

HISTORY = "history"
"""``--baseline history``: the last run of the same targets in the history."""


def check_baseline(value: str | None, history: str | None) -> None:
    """Stop a run whose baseline is unusable before anything is collected (exit 2)."""
    if value is None:
        return
    if value == HISTORY:
        if history is None:
            raise UsageError("--baseline history needs --history: the runs to take it from")
        return
    load_baseline(Path(value))


def apply_baseline(
    scan: ScanResult, value: str | None, history: str | None, as_of: date | None
) -> ScanResult:
    """``scan`` with the baseline it is judged against recorded in its run."""
    if value is None:
        return scan
    today = as_of or scan.run.started_at.date()
    if value == HISTORY:
        use = _from_history(scan, history or "default")
    else:
        use = use_of(load_baseline(Path(value)), value, today)
    notes = list(use.notes)
    cloud = _cloud_findings(scan)
    if scan.run.fingerprints != "persistent" and cloud:
        notes.append(
            f"this run's cloud fingerprints are per-run (no {_KEY_HINT}): its {cloud} cloud "
            "findings cannot match the baseline and all count as new"
        )
    return replace(scan, run=replace(scan.run, baseline=replace(use, notes=tuple(notes))))


_KEY_HINT = "GOVSCAN_FINGERPRINT_KEY and no history"


def use_of(b: Baseline, source: str, today: date) -> BaselineUse:
    """The run's record of baseline ``b`` as of ``today`` (expired entries marked)."""
    marks = tuple(
        BaselineMark(
            e.fingerprint,
            e.control_id,
            e.status,
            e.severity,
            e.message_hash,
            e.path,
            e.expires,
            e.expires is not None and e.expires < today,
        )
        for e in b.entries
    )
    notes = []
    expired = sorted((m for m in marks if m.expired), key=lambda m: (m.expires, m.control_id))
    if expired:
        first = expired[0]
        notes.append(
            f"baseline {source}: {len(expired)} expired "
            f"{'entry counts' if len(expired) == 1 else 'entries count'} again "
            f"(first: {first.control_id} {first.fingerprint}, expired {first.expires})"
        )
    cloud = b.cloud_entries()
    if b.fingerprints != "persistent" and cloud:
        notes.append(
            f"baseline {source}: made from a run with per-run fingerprints; its {cloud} "
            "cloud entries match no later scan (recreate it from a run with "
            "GOVSCAN_FINGERPRINT_KEY or --history)"
        )
    return BaselineUse(source, baseline_digest(b), marks, tuple(notes))


def _cloud_findings(scan: ScanResult) -> int:
    """Findings whose fingerprint is keyed (not the code form)."""
    n = 0
    for r in scan.results.select(FINDINGS):
        path = r.resource.location.path if r.resource.location is not None else ""
        if r.fingerprint and r.fingerprint != code_fingerprint(r.control_id, path, r.resource.id):
            n += 1
    return n


def _from_history(scan: ScanResult, history: str) -> BaselineUse:
    from sqlalchemy import select

    from govscan.history import tables as t
    from govscan.history.appending import open_history
    from govscan.history.query import findings_of
    from govscan.history.record import series_of

    key, label = series_of(scan.run.targets)
    store = open_history(history)
    try:
        with store.transaction() as conn:
            row = conn.execute(
                select(t.runs.c.id, t.runs.c.fingerprints)
                .join(t.series, t.series.c.id == t.runs.c.series_id)
                .where(t.series.c.key == key)
                .order_by(t.runs.c.id.desc())
                .limit(1)
            ).first()
            rows = findings_of(conn, int(row[0])) if row is not None else []
    finally:
        store.close()
    if row is None:
        note = f"baseline history: no earlier run of {label}; every finding is new"
        return BaselineUse("history (no earlier run)", content_hash([]), (), (note,))
    wanted = {s.value for s in FINDINGS}
    marks = tuple(
        BaselineMark(f.fingerprint, f.control_id, f.status, f.severity)
        for f in rows
        if f.status in wanted
    )
    digest = content_hash(sorted([m.fingerprint, m.status, m.severity] for m in marks))
    source = f"history run {int(row[0])}"
    notes: tuple[str, ...] = ()
    if row[1] != "persistent":
        notes = (f"baseline {source} has per-run fingerprints: its cloud findings match nothing",)
    return BaselineUse(source, digest, marks, notes)
