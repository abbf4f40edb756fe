"""The report's trend read from a constructed history: mean time to fix, open
findings, the period, and a scan as the latest run (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from govscan.errors import UsageError
from govscan.history.location import resolve
from govscan.history.record import FindingState, FrameworkRow, RunRecord
from govscan.history.store import HistoryStore, open_store
from govscan.history.trenddata import CurrentRun, series_trend
from govscan.results.trend import FixTime, TrendPoint

SEV = {"A": "high", "B": "high", "C": "low", "D": "high", "E": "medium", "F": "medium", "G": "low"}

# Day by day, each finding's status ("-": not found). B turns critical on day 1.
STORY = {
    "A": "ffp--",
    "B": "ff---",
    "C": "-fep-",
    "D": "fffff",
    "E": "pppff",
    "F": "f-fff",
}


def _day(n: int) -> str:
    return f"2026-01-{n + 1:02d}T06:00:00Z"


def _record(n: int, failing: int) -> RunRecord:
    return RunRecord(
        run_id=f"run-{n}",
        series_key="s1",
        series_label="repo:/s1",
        started_at=_day(n),
        finished_at=_day(n),
        as_of=None,
        govscan_version="0.1.0",
        policy="baseline",
        policy_hash="sha256:p",
        controls_hash="sha256:c",
        fingerprints="persistent",
        bundle_digest=None,
        key_id=None,
        exit_code=1,
        counts={"status": {"fail": failing}, "failing": {"high": failing}},
        targets="[]",
        scores=(FrameworkRow("iso27001-2022", 10, n + 5, 5 - n, 0, 10, 93),),
    )


def _state(fp: str, status: str, severity: str | None = None) -> FindingState:
    return FindingState(
        fp, f"ctl.{fp}", "aws.s3.bucket", f"bucket-{fp}", status, severity or SEV[fp]
    )


@pytest.fixture
def store(history_url: str) -> Iterator[HistoryStore]:
    s = open_store(resolve(history_url))
    codes = {"f": "fail", "p": "pass", "e": "error"}
    for day in range(5):
        states = [
            _state(fp, codes[story[day]], "critical" if fp == "B" and day else None)
            for fp, story in STORY.items()
            if story[day] != "-"
        ]
        s.append(_record(day, sum(st.status == "fail" for st in states)), states)
    yield s
    s.close()


def test_mean_time_to_fix_and_the_oldest_open_findings(store: HistoryStore) -> None:
    trend = series_trend(store, "s1", "repo:/s1", None)
    # A: fail day 0-1, pass day 2. B: fail 0-1 (critical from day 1), gone on day 2.
    # C: an error ends its stretch without a fix. F: gone on day 1 (a fix), back failing.
    assert trend.fix_times == (
        FixTime("critical", 1, 2.0),
        FixTime("high", 1, 2.0),
        FixTime("medium", 1, 1.0),
    )
    assert [(o.control_id, o.since) for o in trend.oldest_open] == [
        ("ctl.D", _day(0)),
        ("ctl.F", _day(2)),
        ("ctl.E", _day(3)),
    ]
    assert trend.open_total == 3
    assert [p.started_at for p in trend.points] == [_day(n) for n in range(5)]
    assert trend.points[2].failing == (("high", 2),)
    assert trend.points[4].scores == (("iso27001-2022", 0.9),)


def test_the_period_limits_points_and_fixes_not_open_findings(store: HistoryStore) -> None:
    trend = series_trend(store, "s1", "repo:/s1", "2026-01-03")
    assert [p.started_at for p in trend.points] == [_day(2), _day(3), _day(4)]
    # F's fix on day 1 lies before the period; D has been open since day 0.
    assert trend.fix_times == (FixTime("critical", 1, 2.0), FixTime("high", 1, 2.0))
    assert trend.oldest_open[0].since == _day(0)
    assert trend.since == "2026-01-03"


def test_a_scan_is_the_latest_run(store: HistoryStore) -> None:
    states = {
        "D": _state("D", "pass"),
        "E": _state("E", "fail", "critical"),
        "G": _state("G", "fail"),
    }
    point = TrendPoint(_day(5), (("critical", 1), ("low", 1)), ())
    trend = series_trend(store, "s1", "repo:/s1", None, CurrentRun(_day(5), point, states))
    # D passes after 5 days; F (failing since day 2) is gone after 3.
    assert {f.severity: (f.fixed, f.mean_days) for f in trend.fix_times} == {
        "critical": (1, 2.0),
        "high": (2, 3.5),
        "medium": (2, 2.0),
    }
    assert [(o.control_id, o.severity, o.since) for o in trend.oldest_open] == [
        ("ctl.E", "critical", _day(3)),
        ("ctl.G", "low", _day(5)),
    ]
    assert trend.points[-1] == point and len(trend.points) == 6


def test_a_first_run_has_a_trend_of_itself(store: HistoryStore) -> None:
    point = TrendPoint(_day(0), (), ())
    states = {"X": FindingState("X", "ctl.X", "t", "r", "fail", "low")}
    trend = series_trend(store, "new", "repo:/new", None, CurrentRun(_day(0), point, states))
    assert trend.points == (point,) and trend.fix_times == ()
    assert trend.open_total == 1 and trend.oldest_open[0].since == _day(0)


def test_a_series_the_history_does_not_hold_is_named(store: HistoryStore) -> None:
    with pytest.raises(UsageError, match=r"no runs over this bundle's targets \(repo:/x\)"):
        series_trend(store, "x", "repo:/x", None)
