"""The exit code a scan's results call for (precedence in ``govscan.errors``)."""

from __future__ import annotations

from govscan.errors import ExitCode
from govscan.model import ScanResult, Severity, Status
from govscan.results.baseline import exit_code_against, view_of


def exit_code_for(
    scan: ScanResult, fail_on: Severity | None, strict_unknown: bool = False
) -> ExitCode:
    """Precedence: incomplete (3) over failures (1) over clean (0).

    An ``error`` only because a value is unknown before apply leaves the code read
    completely (only what apply decides is open), so it makes the run incomplete
    only with ``strict_unknown``; data that could not be collected always does.
    A run judged against a baseline counts only what the baseline does not know."""
    view = view_of(scan)
    if view is not None:
        return exit_code_against(scan, view, fail_on, strict_unknown)
    counts = scan.results.counts()
    errors = sum(n for (status, _), n in counts.items() if status is Status.ERROR)
    if errors and not strict_unknown:
        errors -= scan.results.undetermined_count()
    if scan.errors or errors > 0:
        return ExitCode.INCOMPLETE
    if fail_on is not None and any(
        status is Status.FAIL and severity >= fail_on for status, severity in counts
    ):
        return ExitCode.FAILURES
    return ExitCode.OK
