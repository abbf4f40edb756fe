"""Reading a history: runs, one run's findings and scores, trends, pruning."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, delete, func, select, update

from govscan.errors import UsageError
from govscan.history import tables as t
from govscan.history.store import HistoryStore


@dataclass(frozen=True)
class RunRow:
    number: int
    run_id: str
    series: str
    started_at: str
    policy: str
    exit_code: int
    fingerprints: str
    bundle_digest: str | None
    key_id: str | None
    counts: dict[str, dict[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "run_id": self.run_id,
            "series": self.series,
            "started_at": self.started_at,
            "policy": self.policy,
            "exit_code": self.exit_code,
            "fingerprints": self.fingerprints,
            "bundle_digest": self.bundle_digest,
            "key_id": self.key_id,
            "counts": self.counts,
        }


@dataclass(frozen=True)
class FindingRow:
    fingerprint: str
    control_id: str
    resource_type: str
    resource_id: str
    status: str
    severity: str
    since: str
    """When the finding entered this status (the first run of its span)."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


_RUN_COLUMNS = (
    t.runs.c.id,
    t.runs.c.run_id,
    t.series.c.label,
    t.runs.c.started_at,
    t.runs.c.policy,
    t.runs.c.exit_code,
    t.runs.c.fingerprints,
    t.runs.c.bundle_digest,
    t.runs.c.key_id,
    t.runs.c.counts,
)


def _run_row(row: Any) -> RunRow:
    return RunRow(
        int(row[0]),
        row[1],
        row[2],
        row[3],
        row[4],
        int(row[5]),
        row[6],
        row[7],
        row[8],
        json.loads(row[9]),
    )


def list_runs(store: HistoryStore, since: str | None = None) -> list[RunRow]:
    """Every run, oldest first; ``since`` an ISO date or time."""
    query = select(*_RUN_COLUMNS).join(t.series, t.series.c.id == t.runs.c.series_id)
    if since:
        query = query.where(t.runs.c.started_at >= since)
    with store.transaction() as conn:
        return [_run_row(r) for r in conn.execute(query.order_by(t.runs.c.id))]


def find_run(conn: Connection, ref: str) -> int:
    """A run by its number in the history, its run id, or ``latest``."""
    text = ref.removeprefix("run:")
    if text == "latest":
        found = conn.execute(select(func.max(t.runs.c.id))).scalar()
    elif text.isdigit():
        found = conn.execute(select(t.runs.c.id).where(t.runs.c.id == int(text))).scalar()
    else:
        found = conn.execute(select(t.runs.c.id).where(t.runs.c.run_id == text)).scalar()
    if found is None:
        raise UsageError(f"history: no run {ref!r} (see govscan history list)")
    return int(found)


def show_run(
    store: HistoryStore, ref: str
) -> tuple[RunRow, list[dict[str, Any]], list[FindingRow]]:
    """A run, its framework scores and the state of each of its findings."""
    with store.transaction() as conn:
        pk = find_run(conn, ref)
        run = _run_row(
            conn.execute(
                select(*_RUN_COLUMNS)
                .join(t.series, t.series.c.id == t.runs.c.series_id)
                .where(t.runs.c.id == pk)
            ).one()
        )
        scores = [
            {k: v for k, v in r._mapping.items() if k != "run_id"}
            for r in conn.execute(
                select(t.scores).where(t.scores.c.run_id == pk).order_by(t.scores.c.framework)
            )
        ]
        findings = findings_of(conn, pk)
    return run, scores, findings


def findings_of(conn: Connection, run_pk: int) -> list[FindingRow]:
    """The findings of one run with their status (spans covering the run)."""
    first = t.runs.alias("first")
    query = (
        select(
            t.findings.c.fingerprint,
            t.findings.c.control_id,
            t.findings.c.resource_type,
            t.findings.c.resource_id,
            t.spans.c.status,
            t.spans.c.severity,
            first.c.started_at,
        )
        .join(t.findings, t.findings.c.id == t.spans.c.finding_id)
        .join(first, first.c.id == t.spans.c.first_run)
        .where(and_(t.spans.c.first_run <= run_pk, t.spans.c.last_run >= run_pk))
        .where(
            t.findings.c.series_id
            == select(t.runs.c.series_id).where(t.runs.c.id == run_pk).scalar_subquery()
        )
        .order_by(t.findings.c.control_id, t.findings.c.resource_id)
    )
    return [FindingRow(*row) for row in conn.execute(query)]


@dataclass(frozen=True)
class TrendPoint:
    number: int
    started_at: str
    series: str
    failing: dict[str, int]
    """Failing results per severity."""
    status: dict[str, int]
    scores: dict[str, float]
    """Framework -> passed among assessed requirements."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def trend(store: HistoryStore, since: str | None = None) -> list[TrendPoint]:
    """Per run: failing results by severity, results by status, framework scores.
    Reads only the runs and scores tables: a year of daily runs stays fast."""
    runs = list_runs(store, since)
    scores: dict[int, dict[str, float]] = {}
    with store.transaction() as conn:
        query = select(t.scores.c.run_id, t.scores.c.framework, t.scores.c.ratio)
        if runs:
            query = query.where(t.scores.c.run_id >= runs[0].number)
        for run_pk, framework, ratio in conn.execute(query):
            scores.setdefault(int(run_pk), {})[framework] = round(float(ratio), 4)
    return [
        TrendPoint(
            r.number,
            r.started_at,
            r.series,
            dict(r.counts.get("failing", {})),
            dict(r.counts.get("status", {})),
            scores.get(r.number, {}),
        )
        for r in runs
    ]


def prune(store: HistoryStore, before: date) -> tuple[int, int]:
    """Delete the runs started before ``before`` and every finding only they held.
    Returns (runs deleted, findings deleted). One transaction."""
    cutoff = before.isoformat()
    with store.transaction() as conn:
        doomed = [
            int(r[0]) for r in conn.execute(select(t.runs.c.id).where(t.runs.c.started_at < cutoff))
        ]
        if not doomed:
            return 0, 0
        kept_first = {
            int(series): int(first)
            for series, first in conn.execute(
                select(t.runs.c.series_id, func.min(t.runs.c.id))
                .where(t.runs.c.started_at >= cutoff)
                .group_by(t.runs.c.series_id)
            )
        }
        # Spans wholly in the deleted runs go; spans reaching past them now start at
        # the first kept run of their series.
        old = select(t.runs.c.id).where(t.runs.c.started_at < cutoff)
        conn.execute(delete(t.spans).where(t.spans.c.last_run.in_(old)))
        for series_id, first in kept_first.items():
            conn.execute(
                update(t.spans)
                .where(t.spans.c.first_run.in_(old.where(t.runs.c.series_id == series_id)))
                .values(first_run=first)
            )
        conn.execute(delete(t.scores).where(t.scores.c.run_id.in_(doomed)))
        gone = conn.execute(
            delete(t.findings).where(
                ~select(t.spans.c.id).where(t.spans.c.finding_id == t.findings.c.id).exists()
            )
        ).rowcount
        conn.execute(delete(t.runs).where(t.runs.c.id.in_(doomed)))
        return len(doomed), int(gone or 0)
