"""The trend a report shows, read from the history: one series, one period.

Scores and failing counts come from the runs and scores tables; mean time to fix
and the open findings from the spans. A failing stretch of a finding is one or
more consecutive ``fail`` spans (a changed severity opens a new span, not a new
stretch). It is **fixed** in the next run of its series when that run judged the
finding ``pass`` or no longer found it; an ``error`` (could not see), a waiver or
``not_applicable`` ends the stretch without counting as a fix.

For a scan being written, the scan itself is the last run: the trend is read
before the run is appended, since the report is part of the bundle the run
records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, or_, select

from govscan.errors import UsageError
from govscan.history import tables as t
from govscan.history.record import FindingState, finding_states, run_record, series_of
from govscan.history.store import HistoryStore
from govscan.model import ScanResult
from govscan.results.trend import OLDEST_LIMIT, FixTime, OpenFinding, TrendData, TrendPoint

_SEVERITIES = ("critical", "high", "medium", "low", "info")


class _Span(NamedTuple):
    """One span as read (a tuple: tens of thousands are read per trend)."""

    finding: int
    status: str
    severity: str
    first: int
    last: int


@dataclass(frozen=True)
class CurrentRun:
    """A run not yet in the history: its start, its point, its findings' states."""

    started_at: str
    point: TrendPoint
    states: Mapping[str, FindingState]


def trend_for_scan(store: HistoryStore, scan: ScanResult, since: str | None = None) -> TrendData:
    """The trend of ``scan``'s series with ``scan`` as its latest run."""
    key, label = series_of(scan.run.targets)
    record = run_record(scan, 0, None)
    current = CurrentRun(
        record.started_at,
        TrendPoint(
            record.started_at,
            _failing(record.counts.get("failing", {})),
            tuple(sorted((s.framework, round(s.ratio, 4)) for s in record.scores)),
        ),
        {s.fingerprint: s for s in finding_states(scan)},
    )
    return series_trend(store, key, label, since, current)


def trend_from_store(store: HistoryStore, scan: ScanResult, since: str | None) -> TrendData:
    """The trend of ``scan``'s series as the history holds it (a periodic report)."""
    key, label = series_of(scan.run.targets)
    return series_trend(store, key, label, since)


def series_trend(
    store: HistoryStore,
    key: str,
    label: str,
    since: str | None,
    current: CurrentRun | None = None,
) -> TrendData:
    """The trend of one series since ``since`` (ISO date or time; None: every run),
    with ``current`` as its latest run when given. One transaction."""
    with store.transaction() as conn:
        found = conn.execute(select(t.series.c.id).where(t.series.c.key == key)).scalar()
        if found is None and current is None:
            raise UsageError(
                f"history {store.location.shown}: no runs over this bundle's targets ({label})"
            )
        return _trend(conn, None if found is None else int(found), label, since, current)


def _trend(
    conn: Connection,
    series_id: int | None,
    label: str,
    since: str | None,
    current: CurrentRun | None,
) -> TrendData:
    runs: list[tuple[int, str, str]] = []
    if series_id is not None:
        runs = [
            (int(pk), str(started), str(counts))
            for pk, started, counts in conn.execute(
                select(t.runs.c.id, t.runs.c.started_at, t.runs.c.counts)
                .where(t.runs.c.series_id == series_id)
                .order_by(t.runs.c.id)
            )
        ]
    shown = [r for r in runs if since is None or r[1] >= since]
    scores = _scores(conn, series_id, shown[0][0]) if shown else {}
    points = [
        TrendPoint(started, _failing(json.loads(counts).get("failing", {})), scores.get(pk, ()))
        for pk, started, counts in shown
    ]
    if current is not None:
        points.append(current.point)
    spans = _spans(conn, series_id, runs, since)
    started = {pk: s for pk, s, _ in runs}
    walk = _Walk([pk for pk, _, _ in runs], started, since, current)
    for finding, group in _by_finding(spans):
        walk.finding(finding, group)
    open_rows = walk.open_findings(conn, current)
    return TrendData(
        series=label,
        since=since,
        points=tuple(points),
        fix_times=walk.fix_times(),
        oldest_open=tuple(open_rows[:OLDEST_LIMIT]),
        open_total=len(open_rows),
    )


def _failing(counts: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    return tuple((s, int(counts[s])) for s in _SEVERITIES if counts.get(s))


def _scores(
    conn: Connection, series_id: int | None, first: int
) -> dict[int, tuple[tuple[str, float], ...]]:
    out: dict[int, list[tuple[str, float]]] = {}
    query = (
        select(t.scores.c.run_id, t.scores.c.framework, t.scores.c.ratio)
        .join(t.runs, t.runs.c.id == t.scores.c.run_id)
        .where(and_(t.runs.c.series_id == series_id, t.scores.c.run_id >= first))
        .order_by(t.scores.c.run_id, t.scores.c.framework)
    )
    for pk, framework, ratio in conn.execute(query):
        out.setdefault(int(pk), []).append((str(framework), round(float(ratio), 4)))
    return {k: tuple(v) for k, v in out.items()}


def _spans(
    conn: Connection, series_id: int | None, runs: Sequence[tuple[int, str, str]], since: str | None
) -> list[_Span]:
    """The spans that can matter: those ending at or after the last run before the
    period (a stretch ending there is fixed inside it), and every ``fail`` span (an
    open stretch may have begun long before the period)."""
    if series_id is None or not runs:
        return []
    before = [pk for pk, started, _ in runs if since is not None and started < since]
    floor = before[-1] if before else runs[0][0]
    query = (
        select(
            t.spans.c.finding_id,
            t.spans.c.status,
            t.spans.c.severity,
            t.spans.c.first_run,
            t.spans.c.last_run,
        )
        .join(t.findings, t.findings.c.id == t.spans.c.finding_id)
        .where(
            and_(
                t.findings.c.series_id == series_id,
                or_(t.spans.c.last_run >= floor, t.spans.c.status == "fail"),
            )
        )
        .order_by(t.spans.c.finding_id, t.spans.c.first_run)
    )
    return [_Span._make(row) for row in conn.execute(query)]


def _by_finding(spans: Iterable[_Span]) -> Iterable[tuple[int, list[_Span]]]:
    group: list[_Span] = []
    for span in spans:
        if group and span.finding != group[0].finding:
            yield group[0].finding, group
            group = []
        group.append(span)
    if group:
        yield group[0].finding, group


class _Walk:
    """Follows each finding's spans: the stretches fixed in the period, and those
    still open at the latest run."""

    def __init__(
        self,
        run_ids: Sequence[int],
        started: Mapping[int, str],
        since: str | None,
        current: CurrentRun | None,
    ) -> None:
        self.next_run = dict(pairwise(run_ids))
        self.latest = run_ids[-1] if run_ids else None
        self.started = started
        self.since = since
        self.current = current
        self.fixed: dict[str, list[float]] = {}
        self.open: dict[int, tuple[str, str]] = {}
        """Finding id -> (start of its open stretch, severity)."""

    def finding(self, finding: int, spans: Sequence[_Span]) -> None:
        start: int | None = None
        last = 0
        severity = ""
        for span in spans:
            contiguous = start is not None and self.next_run.get(last) == span.first
            if span.status == "fail":
                if start is not None and not contiguous:
                    self._fixed(start, self.next_run[last], severity)
                if start is None or not contiguous:
                    start = span.first
                last, severity = span.last, span.severity
                continue
            if start is not None:
                if span.status == "pass" or not contiguous:
                    self._fixed(start, self.next_run[last], severity)
                start = None
        if start is None:
            return
        if last != self.latest:
            self._fixed(start, self.next_run[last], severity)
        else:
            self.open[finding] = (self.started[start], severity)

    def _fixed(self, start: int, fixed_in: int | None, severity: str) -> None:
        self._record(self.started[start], self.started[fixed_in] if fixed_in else None, severity)

    def _record(self, start: str, fixed_at: str | None, severity: str) -> None:
        if fixed_at is None or (self.since is not None and fixed_at < self.since):
            return
        days = (_when(fixed_at) - _when(start)).total_seconds() / 86400
        self.fixed.setdefault(severity, []).append(max(0.0, days))

    def fix_times(self) -> tuple[FixTime, ...]:
        return tuple(
            FixTime(s, len(self.fixed[s]), round(sum(self.fixed[s]) / len(self.fixed[s]), 2))
            for s in _SEVERITIES
            if self.fixed.get(s)
        )

    def open_findings(self, conn: Connection, current: CurrentRun | None) -> list[OpenFinding]:
        """Open at the latest run, oldest first. With a scan being written, a stretch
        open at the history's latest run is still open only if the scan failed it."""
        rows: list[OpenFinding] = []
        details = _details(conn, self.open)
        for fid, (since, severity) in self.open.items():
            fp, control, rtype, rid = details[fid]
            if current is None:
                rows.append(OpenFinding(control, rtype, rid, severity, since))
                continue
            state = current.states.get(fp)
            if state is None or state.status == "pass":
                self._record(since, current.started_at, severity)
            elif state.status == "fail":
                rows.append(OpenFinding(control, rtype, rid, state.severity, since))
        if current is not None:
            seen = {details[fid][0] for fid in self.open}
            rows.extend(
                OpenFinding(
                    s.control_id, s.resource_type, s.resource_id, s.severity, current.started_at
                )
                for fp, s in current.states.items()
                if s.status == "fail" and fp not in seen
            )
        rows.sort(key=lambda o: (o.since, o.control_id, o.resource_id))
        return rows


def _details(conn: Connection, ids: Iterable[int]) -> dict[int, tuple[str, str, str, str]]:
    wanted = sorted(ids)
    out: dict[int, tuple[str, str, str, str]] = {}
    for i in range(0, len(wanted), 500):
        query = select(
            t.findings.c.id,
            t.findings.c.fingerprint,
            t.findings.c.control_id,
            t.findings.c.resource_type,
            t.findings.c.resource_id,
        ).where(t.findings.c.id.in_(wanted[i : i + 500]))
        for fid, fp, control, rtype, rid in conn.execute(query):
            out[int(fid)] = (str(fp), str(control), str(rtype), str(rid))
    return out


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
