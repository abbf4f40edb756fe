"""History benchmark: a year of daily runs, appended and read back.

python bench/history.py [--runs 365] [--findings 10000] [--churn 0.01]
                        [--backend sqlite,postgresql]

Each run records every finding (status and severity by fingerprint); from one
run to the next a ``--churn`` share of them changes: about 40 % of the changes
fix a failing finding, 40 % make a passing one fail, 10 % retire a finding and
10 % add a new one (failing). Prints one JSON line per backend: append time per
run (median, p95, max), ``history trend``, the report's trend (every run, the
last 90 days, and with a scan as the latest run), ``diff`` of the last two runs
and of the first and last, and the database size (on PostgreSQL also after
``VACUUM FULL``). PostgreSQL runs on a throwaway server on 127.0.0.1
(tests/history/pgserver.py); without PostgreSQL's binaries it is skipped.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.history.pgserver import fresh_database, pg_bin, postgres_server

from govscan.history.location import resolve
from govscan.history.query import trend
from govscan.history.record import FindingState, FrameworkRow, RunRecord
from govscan.history.store import HistoryStore, open_store
from govscan.history.trenddata import CurrentRun, series_trend
from govscan.results.trend import TrendPoint

SEVERITIES = ("critical", "high", "medium", "low", "info")
FRAMEWORKS = ("bsi-c5-2020", "dsgvo", "iso27001-2022", "nist-800-53-r5", "nist-csf-2.0")
START = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)


class Estate:
    """The findings of one series and how they change from day to day."""

    def __init__(self, findings: int, churn: float, seed: int = 14) -> None:
        self.rng = random.Random(seed)
        self.churn = churn
        self.next_id = 0
        self.states: dict[str, FindingState] = {}
        for _ in range(findings):
            self._add("fail" if self.rng.random() < 0.3 else "pass")

    def _add(self, status: str) -> None:
        n = self.next_id
        self.next_id += 1
        fp = f"{n:064x}"
        self.states[fp] = FindingState(
            fp,
            f"aws.control-{n % 120:03d}",
            "aws.s3.bucket",
            f"arn:aws:s3:::bucket-{n}",
            status,
            SEVERITIES[n % 5],
        )

    def step(self) -> None:
        changes = max(1, round(len(self.states) * self.churn))
        keys = list(self.states)
        for _ in range(changes):
            roll = self.rng.random()
            if roll < 0.1:
                self._add("fail")
                continue
            fp = self.rng.choice(keys)
            if fp not in self.states:
                continue
            if roll < 0.2:
                del self.states[fp]
                continue
            s = self.states[fp]
            status = "pass" if s.status == "fail" else "fail"
            self.states[fp] = FindingState(
                fp, s.control_id, s.resource_type, s.resource_id, status, s.severity
            )

    def failing(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.states.values():
            if s.status == "fail":
                out[s.severity] = out.get(s.severity, 0) + 1
        return out


def record(day: int, estate: Estate) -> RunRecord:
    started = (START + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")
    failing = estate.failing()
    fails = sum(failing.values())
    total = len(estate.states)
    passed = 93 - min(93, fails * 93 // max(total, 1))
    return RunRecord(
        run_id=f"run-{day:04d}",
        series_key="bench",
        series_label="aws:123456789012",
        started_at=started,
        finished_at=started,
        as_of=None,
        govscan_version="bench",
        policy="baseline",
        policy_hash="sha256:p",
        controls_hash="sha256:c",
        fingerprints="persistent",
        bundle_digest="sha256:" + "0" * 64,
        key_id=None,
        exit_code=1,
        counts={"status": {"fail": fails, "pass": total - fails}, "failing": failing},
        targets="[]",
        scores=tuple(FrameworkRow(fw, 93, passed, 93 - passed, 0, 93, 120) for fw in FRAMEWORKS),
    )


def timed(fn: Callable[[], Any], repeat: int = 3) -> float:
    """The best of ``repeat`` runs, in seconds (the machine is shared)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return round(best, 3)


def bench(
    url: str, size: Callable[[HistoryStore], int], args: argparse.Namespace
) -> dict[str, Any]:
    store = open_store(resolve(url))
    estate = Estate(args.findings, args.churn)
    appends: list[float] = []
    try:
        for day in range(args.runs):
            if day:
                estate.step()
            run = record(day, estate)
            states = list(estate.states.values())
            t0 = time.perf_counter()
            store.append(run, states)
            appends.append(time.perf_counter() - t0)
        last = (START + timedelta(days=args.runs - 1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        since90 = (START + timedelta(days=args.runs - 90)).strftime("%Y-%m-%dT%H:%M:%S")
        estate.step()
        nxt = record(args.runs, estate)
        current = CurrentRun(
            nxt.started_at,
            TrendPoint(nxt.started_at, tuple(estate.failing().items()), ()),
            dict(estate.states),
        )
        label = "aws:123456789012"
        full = series_trend(store, "bench", label, None)
        out = {
            "runs": args.runs,
            "findings": args.findings,
            "churn": args.churn,
            "append_median_s": round(statistics.median(appends), 3),
            "append_p95_s": round(sorted(appends)[int(0.95 * (len(appends) - 1))], 3),
            "append_max_s": round(max(appends), 3),
            "history_trend_s": timed(lambda: trend(store)),
            "report_trend_all_s": timed(lambda: series_trend(store, "bench", label, None)),
            "report_trend_90d_s": timed(lambda: series_trend(store, "bench", label, since90)),
            "report_trend_scan_s": timed(
                lambda: series_trend(store, "bench", label, None, current)
            ),
            "diff_last_two_s": timed(lambda: _diff(store, f"run:{args.runs - 1}", "run:latest")),
            "diff_first_last_s": timed(lambda: _diff(store, "run:1", "run:latest")),
            "fixed_in_year": sum(f.fixed for f in full.fix_times),
            "open": full.open_total,
            "last_run": last,
            "db_mb": round(size(store) / 1e6, 1),
            "spans": _count(store, "spans"),
        }
        if store.engine.dialect.name == "postgresql":
            # Extending a span rewrites its row: PostgreSQL keeps the old versions
            # until a vacuum. What the data itself takes:
            with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM FULL")
            out["db_mb_after_vacuum_full"] = round(size(store) / 1e6, 1)
    finally:
        store.close()
    return out


def _diff(store: HistoryStore, old: str, new: str) -> Any:
    try:
        from govscan.history.diff import compare, history_side
    except ImportError:  # a build without govscan diff
        return None
    return compare(history_side(store, old), history_side(store, new))


def _count(store: HistoryStore, table: str) -> int:
    from sqlalchemy import func, select

    from govscan.history import tables

    with store.transaction() as conn:
        return int(
            conn.execute(select(func.count()).select_from(tables.metadata.tables[table])).scalar()
            or 0
        )


@contextmanager
def backend(name: str) -> Iterator[tuple[str, Callable[[HistoryStore], int]] | None]:
    if name == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "history.sqlite3"
            yield str(path), lambda _store: path.stat().st_size
        return
    if pg_bin() is None:
        yield None
        return
    with postgres_server() as server:
        url = fresh_database(server, "bench")

        def size(store: HistoryStore) -> int:
            from sqlalchemy import text

            with store.transaction() as conn:
                return int(
                    conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0
                )

        yield url, size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=365)
    ap.add_argument("--findings", type=int, default=10_000)
    ap.add_argument("--churn", type=float, default=0.01)
    ap.add_argument("--backend", default="sqlite,postgresql")
    args = ap.parse_args()
    for name in args.backend.split(","):
        with backend(name) as found:
            if found is None:
                print(json.dumps({"backend": name, "skipped": "PostgreSQL is not installed"}))
                continue
            url, size = found
            print(json.dumps({"backend": name, **bench(url, size, args)}), flush=True)


if __name__ == "__main__":
    main()
