"""Per-result baseline states and the exit code counting only what is new."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from govscan.errors import ExitCode
from govscan.history.baseline import baseline_from_scan
from govscan.history.baseline_scan import apply_baseline, use_of
from govscan.model import CollectionError, ScanResult, Severity, Status
from govscan.results.baseline import BaselineView
from govscan.runner import exit_code_for

from .baseline_support import cloud_result, code_result, run

A = code_result("aws.ebs.volume-encrypted", ".: aws_ebs_volume.a")
ERR = code_result(
    "residency.aws.ebs-volume-region",
    ".: aws_ebs_volume.a",
    status=Status.ERROR,
    message="could not collect aws.ec2.volume: AccessDenied",
)
TODAY = date(2026, 3, 1)


def _judged(scan: ScanResult, *known: object, expires: date | None = None) -> ScanResult:
    b = baseline_from_scan(run(*known), expires=expires)  # type: ignore[arg-type]
    return replace(scan, run=replace(scan.run, baseline=use_of(b, "b.json", TODAY)))


def test_states_new_unchanged_updated_absent() -> None:
    rerated = replace(A, severity=Severity.CRITICAL)
    gone = code_result("aws.ebs.volume-encrypted", ".: aws_ebs_volume.gone")
    now_error = replace(gone, status=Status.ERROR)
    fresh = code_result("aws.ebs.volume-encrypted", ".: aws_ebs_volume.new")
    scan = _judged(run(rerated, fresh, ERR), A, ERR, gone)
    view = BaselineView(scan.run.baseline)  # type: ignore[arg-type]
    assert view.state(rerated) == "updated" and view.known(rerated)
    assert view.state(fresh) == "new" and not view.known(fresh)
    assert view.state(ERR) == "unchanged" and view.known(ERR)
    assert view.state(now_error) == "updated" and not view.known(now_error)
    assert view.state(replace(A, status=Status.PASS)) == "absent"
    assert [m.fingerprint for m in view.absent(scan.results)] == [gone.fingerprint]


def test_exit_codes_count_only_new_findings() -> None:
    assert exit_code_for(run(A, ERR), Severity.INFO) is ExitCode.INCOMPLETE
    assert exit_code_for(_judged(run(A, ERR), A, ERR), Severity.INFO) is ExitCode.OK
    assert exit_code_for(_judged(run(A, ERR), A), Severity.INFO) is ExitCode.INCOMPLETE
    assert exit_code_for(_judged(run(A, ERR), ERR), Severity.INFO) is ExitCode.FAILURES
    other = replace(ERR, message="could not collect aws.ec2.volume: Throttling")
    assert exit_code_for(_judged(run(A, other), A, ERR), Severity.INFO) is ExitCode.INCOMPLETE
    assert exit_code_for(_judged(run(A), A), Severity.INFO) is ExitCode.OK


def test_expired_entries_count_again() -> None:
    expired = _judged(run(A), A, expires=date(2026, 2, 28))
    assert exit_code_for(expired, Severity.INFO) is ExitCode.FAILURES
    assert expired.run.baseline is not None
    assert "1 expired entry counts again" in expired.run.baseline.notes[0]
    valid = _judged(run(A), A, expires=TODAY)
    assert exit_code_for(valid, Severity.INFO) is ExitCode.OK


def test_a_collection_error_counts_unless_a_known_error_carries_it() -> None:
    e = CollectionError("aws", "AccessDenied", ("aws.ec2.volume",), "123", "eu-central-1")
    known = replace(_judged(run(A, ERR), A, ERR), errors=(e,))
    assert exit_code_for(known, Severity.INFO) is ExitCode.OK
    other = CollectionError("aws", "Unreachable", ("aws.s3.bucket",), "123", "eu-central-1")
    unknown = replace(_judged(run(A, ERR), A, ERR), errors=(e, other))
    assert exit_code_for(unknown, Severity.INFO) is ExitCode.INCOMPLETE


def test_per_run_fingerprints_are_said_on_both_sides(tmp_path: Path) -> None:
    user = cloud_result("aws.iam.user-mfa", "arn:aws:iam::123456789012:user/u-1", "cd" * 16)
    from govscan.history.baseline import write_baseline

    path = tmp_path / "b.json"
    write_baseline(path, baseline_from_scan(run(user, fingerprints="per-run")))
    scan = apply_baseline(run(user, fingerprints="per-run"), str(path), None, TODAY)
    assert scan.run.baseline is not None
    notes = " ".join(scan.run.baseline.notes)
    assert "made from a run with per-run fingerprints; its 1 cloud entries match no later" in notes
    assert "this run's cloud fingerprints are per-run" in notes
    code_only = apply_baseline(run(A, fingerprints="per-run"), str(path), None, TODAY)
    assert code_only.run.baseline is not None
    assert not any("this run's" in n for n in code_only.run.baseline.notes)
