"""The trend a report shows: scores and failing findings run by run, mean time to
fix, the oldest open findings; and its JSON form, ``trend.json`` in a bundle.

The history computes it; the bundle keeps it, so a report re-rendered from the
bundle shows exactly the trend it showed when the scan wrote it. A bundle is
input like any other: :func:`trend_from_json` accepts only what govscan writes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from govscan.serialize import dumps

TREND_SCHEMA = "govscan/trend/v1"
OLDEST_LIMIT = 10
"""Open findings listed, oldest first."""


@dataclass(frozen=True)
class TrendPoint:
    started_at: str
    """When the run started (ISO 8601, UTC)."""
    failing: tuple[tuple[str, int], ...]
    """Failing results per severity."""
    scores: tuple[tuple[str, float], ...]
    """Framework -> passed among assessed requirements (0..1)."""


@dataclass(frozen=True)
class FixTime:
    severity: str
    fixed: int
    """Failing findings fixed in the period."""
    mean_days: float
    """Mean days from the run a finding started failing to the run it was fixed in."""


@dataclass(frozen=True)
class OpenFinding:
    control_id: str
    resource_type: str
    resource_id: str
    severity: str
    since: str
    """Start of the first run of its current failing stretch."""


@dataclass(frozen=True)
class TrendData:
    series: str
    """The targets the runs covered (the history's series label)."""
    since: str | None
    """Start of the period shown; None: every run of the series."""
    points: tuple[TrendPoint, ...]
    fix_times: tuple[FixTime, ...]
    oldest_open: tuple[OpenFinding, ...]
    open_total: int


def trend_to_json(trend: TrendData) -> bytes:
    doc = {
        "schema": TREND_SCHEMA,
        "series": trend.series,
        "since": trend.since,
        "points": [
            {"started_at": p.started_at, "failing": dict(p.failing), "scores": dict(p.scores)}
            for p in trend.points
        ],
        "mean_time_to_fix": [
            {"severity": f.severity, "fixed": f.fixed, "mean_days": f.mean_days}
            for f in trend.fix_times
        ],
        "oldest_open": [
            {
                "control_id": o.control_id,
                "resource_type": o.resource_type,
                "resource_id": o.resource_id,
                "severity": o.severity,
                "since": o.since,
            }
            for o in trend.oldest_open
        ],
        "open": trend.open_total,
    }
    return dumps(doc).encode("utf-8")


def trend_from_json(data: bytes) -> TrendData:
    """The trend of a trend.json; ValueError naming what is wrong otherwise."""
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, RecursionError):
        raise ValueError("not UTF-8 JSON") from None
    doc = _obj(doc, "document")
    if doc.get("schema") != TREND_SCHEMA:
        raise ValueError(f"unknown schema {doc.get('schema')!r}")
    since = doc.get("since")
    return TrendData(
        series=_str(doc.get("series"), "series"),
        since=None if since is None else _str(since, "since"),
        points=tuple(_point(p) for p in _list(doc.get("points"), "points")),
        fix_times=tuple(
            FixTime(
                _str(f.get("severity"), "severity"),
                _count(f.get("fixed"), "fixed"),
                _number(f.get("mean_days"), "mean_days", 1e6),
            )
            for f in map(_entry, _list(doc.get("mean_time_to_fix"), "mean_time_to_fix"))
        ),
        oldest_open=tuple(
            OpenFinding(
                *(
                    _str(o.get(k), k)
                    for k in ("control_id", "resource_type", "resource_id", "severity", "since")
                )
            )
            for o in map(_entry, _list(doc.get("oldest_open"), "oldest_open"))
        ),
        open_total=_count(doc.get("open"), "open"),
    )


def _point(value: Any) -> TrendPoint:
    p = _entry(value)
    failing = _obj(p.get("failing"), "failing")
    scores = _obj(p.get("scores"), "scores")
    return TrendPoint(
        _str(p.get("started_at"), "started_at"),
        tuple((_str(k, "severity"), _count(v, "failing")) for k, v in failing.items()),
        tuple((_str(k, "framework"), _number(v, "score", 1.0)) for k, v in scores.items()),
    )


def _entry(value: Any) -> dict[str, Any]:
    return _obj(value, "entry")


def _obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what}: expected an object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{what}: expected a list")
    return value


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) > 4096:
        raise ValueError(f"{what}: expected a string")
    return value


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 53:
        raise ValueError(f"{what}: expected a count")
    return value


def _number(value: Any, what: str, top: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what}: expected a number")
    if not math.isfinite(value) or not 0 <= value <= top:
        raise ValueError(f"{what}: {value!r} is out of range")
    return float(value)
