"""A run's results against its baseline: which findings are known, which are new.

With a baseline only findings not in it count toward the exit code: a known
failure does not make exit code 1, a known ``error`` (same fingerprint, same
message) does not make exit code 3. An expired entry accepts nothing any more.
The states are SARIF's ``baselineState`` (new, unchanged, updated, absent);
every report that separates new from known asks :class:`BaselineView`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from typing import Literal

from govscan.errors import ExitCode
from govscan.model import Result, ScanResult, Severity, Status
from govscan.runinfo import BaselineMark, BaselineUse

State = Literal["new", "unchanged", "updated", "absent"]

FINDINGS = frozenset({Status.FAIL, Status.ERROR})
"""The statuses a baseline holds (a waived failure is accepted by its waiver, which expires)."""


def message_hash(text: str) -> str:
    """The digest a baseline keeps of an ``error``'s message (never the text)."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class BaselineView:
    """Answers, per result, whether the baseline knew it."""

    def __init__(self, use: BaselineUse) -> None:
        self.use = use
        self._marks = {m.fingerprint: m for m in use.marks}

    def mark(self, r: Result) -> BaselineMark | None:
        return self._marks.get(r.fingerprint) if r.fingerprint else None

    def known(self, r: Result) -> bool:
        """A finding the baseline accepts: same fingerprint and status, an entry
        that has not expired, and for an ``error`` the same message."""
        m = self.mark(r)
        if m is None or m.expired or r.status not in FINDINGS or m.status != r.status.value:
            return False
        return (
            r.status is not Status.ERROR
            or not m.message_hash
            or (m.message_hash == message_hash(r.message))
        )

    def state(self, r: Result) -> State | None:
        """SARIF ``baselineState``; None for a pass the baseline never held."""
        m = self.mark(r)
        if r.status not in FINDINGS:
            return "absent" if m is not None else None
        if m is None or m.expired:
            return "new"
        if self.known(r) and m.severity in ("", r.severity.value):
            return "unchanged"
        return "updated"

    def absent(self, results: Iterable[Result]) -> list[BaselineMark]:
        """Entries no finding of this run carries any more (fixed, or gone)."""
        seen = {r.fingerprint for r in results if r.status in FINDINGS and r.fingerprint}
        return sorted(
            (m for m in self.use.marks if m.fingerprint not in seen),
            key=lambda m: (m.control_id, m.path, m.fingerprint),
        )


def view_of(scan: ScanResult) -> BaselineView | None:
    """The baseline view of a run judged against a baseline, else None."""
    return BaselineView(scan.run.baseline) if scan.run.baseline is not None else None


def exit_code_against(
    scan: ScanResult, view: BaselineView, fail_on: Severity | None, strict_unknown: bool
) -> ExitCode:
    """The exit code counting only what the baseline does not know.

    A collection error counts unless a known ``error`` result carries its message:
    one that left no result (nothing needed its data) cannot be in a baseline."""
    failing = False
    incomplete = False
    known_errors: list[str] = []
    for r in scan.results.select(FINDINGS):
        if view.known(r):
            if r.status is Status.ERROR:
                known_errors.append(r.message)
            continue
        if r.status is Status.ERROR and (strict_unknown or not r.undetermined):
            incomplete = True
        elif r.status is Status.FAIL and fail_on is not None and r.severity >= fail_on:
            failing = True
    if any(not any(e.message in m for m in known_errors) for e in scan.errors):
        incomplete = True
    if incomplete:
        return ExitCode.INCOMPLETE
    return ExitCode.FAILURES if failing else ExitCode.OK


def known_text(view: BaselineView | None, r: Result) -> str:
    """How a report labels a known finding; empty for a new one (or no baseline)."""
    if view is None or not view.known(r):
        return ""
    return f"known {r.status.value} (baseline {view.use.source})"


def known_skipped(scan: ScanResult, view: BaselineView | None) -> dict[str, Counter[Status]]:
    """Results per control and status, known findings counted as skipped (``waived``):
    a test report shows them without failing on them."""
    if view is None:
        return scan.results.counts_by_control()
    out: dict[str, Counter[Status]] = {}
    for r in scan.results:
        status = Status.WAIVED if view.known(r) else r.status
        out.setdefault(r.control_id, Counter())[status] += 1
    return out


def known_counts(scan: ScanResult, view: BaselineView | None) -> Counter[Status]:
    """Known findings per status (nothing without a baseline)."""
    if view is None:
        return Counter()
    return Counter(r.status for r in scan.results.select(FINDINGS) if view.known(r))
