"""What ``govscan test`` does between its arguments and its exit code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from govscan.controltest.junit import junit_xml
from govscan.controltest.loader import load_suite
from govscan.controltest.model import TestReport
from govscan.controltest.runner import run_cases
from govscan.errors import ExitCode, GovscanError, Problem, StorageError

_RULE = "-" * 72


def run_tests(paths: Sequence[Path]) -> tuple[TestReport, list[Problem]]:
    """Load and run every test under ``paths``; problems mean nothing was run."""
    from govscan.catalog.policies import load_policy

    suite, problems = load_suite(paths)
    if problems:
        return TestReport(()), problems
    # Controls are judged with the shipped defaults of every parameter.
    policy = load_policy("baseline")
    outcomes = run_cases(suite.cases, suite.controls, policy)
    tested = {c.control_id for c in suite.cases}
    untested = tuple(f"{c.id} ({c.source})" for c in suite.selected if c.id not in tested)
    return TestReport(tuple(outcomes), untested), []


def run_cli(
    paths: Sequence[Path],
    junit: Path | None,
    require_tests: bool,
    echo: Callable[[str], None],
    *,
    verbose: bool = False,
) -> int:
    """``govscan test``: one line per failing case (every case with ``verbose``), a
    summary, and the exit code: 2 for invalid controls or tests (nothing run),
    1 when a case failed or, with ``require_tests``, a control has no test, else 0."""
    try:
        report, problems = run_tests(paths)
    except GovscanError as exc:
        echo(f"error: {exc.message}")
        return int(exc.exit_code)
    if problems:
        for p in sorted(problems, key=lambda p: (p.path, p.line, p.col)):
            echo(str(p))
        echo(f"{len(problems)} problem(s); no test was run")
        return int(ExitCode.USAGE)
    for o in report.outcomes:
        if not o.passed:
            echo(f"FAIL {o.case.control_id}: {o.case.name} ({o.case.source}): {o.detail}")
        elif verbose:
            echo(f"PASS {o.case.control_id}: {o.case.name}")
    if require_tests:
        for control in report.untested:
            echo(f"UNTESTED {control}: no test case")
    if junit is not None:
        try:
            junit.write_bytes(junit_xml(report.outcomes))
        except OSError as exc:
            err = StorageError.writing(junit, exc)
            echo(f"error: {err.message}")
            return int(err.exit_code)
    total = len(report.outcomes)
    failed = len(report.failed)
    echo(_RULE)
    echo(f"PASS: {total - failed}/{total}")
    if failed:
        echo(f"FAIL: {failed}/{total}")
    if report.untested:
        echo(f"controls without tests: {len(report.untested)}")
    if failed or (require_tests and report.untested):
        return int(ExitCode.FAILURES)
    return int(ExitCode.OK)
