"""What a scan does with a history: open it first, append the run last.

SQLAlchemy and Alembic are imported only when a history is used: every other scan
starts without them."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from govscan.model import ScanResult

if TYPE_CHECKING:
    from govscan.history.store import HistoryStore
    from govscan.results.trend import TrendData

log = logging.getLogger(__name__)


def open_history(value: str) -> HistoryStore:
    """The history ``--history VALUE`` names, schema up to date (StorageError if not)."""
    from govscan.history.location import resolve
    from govscan.history.store import open_store

    return open_store(resolve(value))


def append_scan(history: HistoryStore, scan: ScanResult, exit_code: int, bundle: Path) -> str:
    """Append the run written to ``bundle``; returns the line the CLI shows."""
    from govscan.history.record import finding_states, run_record

    number = history.append(run_record(scan, exit_code, bundle), list(finding_states(scan)))
    return f"history: recorded as run {number} in {history.location.shown}"


def scan_trend(history: HistoryStore | None, scan: ScanResult) -> TrendData | None:
    """The trend the scan's report shows, with the scan as the latest run; None
    without a history, or when it cannot be read (the report then has no trend
    section, and appending will say what is wrong)."""
    if history is None:
        return None
    from govscan.errors import StorageError
    from govscan.history.trenddata import trend_for_scan

    try:
        return trend_for_scan(history, scan)
    except StorageError as exc:
        log.warning("no trend in the report: %s", exc)
        return None
