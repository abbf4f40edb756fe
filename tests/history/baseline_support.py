"""Small hand-made runs for the baseline and diff tests: no clock, no randomness."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from govscan.fingerprint import code_fingerprint
from govscan.model import (
    Location,
    ResourceRef,
    Result,
    RunInfo,
    ScanResult,
    Severity,
    Status,
)

FRAMEWORKS = {"iso27001-2022": ("A.8.24",)}


def code_result(
    control: str,
    address: str,
    path: str = "main.tf",
    status: Status = Status.FAIL,
    severity: Severity = Severity.HIGH,
    message: str = "",
) -> Result:
    ref = ResourceRef("aws.ec2.volume", address, address, location=Location(path, 3))
    return Result(
        control,
        control,
        severity,
        status,
        ref,
        FRAMEWORKS,
        message=message or f"{address} fails {control}",
        fingerprint=code_fingerprint(control, path, address),
    )


def cloud_result(control: str, arn: str, fingerprint: str, status: Status = Status.FAIL) -> Result:
    ref = ResourceRef("aws.iam.user", arn, arn, account="123456789012")
    return Result(control, control, Severity.MEDIUM, status, ref, {}, fingerprint=fingerprint)


def run(*results: Result, fingerprints: str = "persistent", run_id: str = "run-1") -> ScanResult:
    info = RunInfo(
        run_id,
        datetime(2026, 3, 1, 10, tzinfo=UTC),
        datetime(2026, 3, 1, 10, 5, tzinfo=UTC),
        "0.1.0",
        "baseline",
        fingerprints=fingerprints,
    )
    return ScanResult(run=info, results=results)


def write_bundle(scan: ScanResult, out: Path) -> Path:
    from govscan.render import write_scan_bundle
    from govscan.reporters.interface import ReportOptions

    out.mkdir(parents=True)
    write_scan_bundle(scan, out, ["json"], ReportOptions())
    return out
