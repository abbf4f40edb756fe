"""A bundle built for the Statement of Applicability: each status rule once."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from govscan.evidence.bundle import write_bundle
from govscan.model import ResourceRef, Result, ScanResult, Severity, Status
from govscan.runinfo import RunInfo

EVIDENCE_BYTES = b"incident response plan, signed\n"
EVIDENCE_SHA = hashlib.sha256(EVIDENCE_BYTES).hexdigest()
HOSTILE_OWNER = '=HYPERLINK("http://127.0.0.1/x","click")'


def _result(control: str, status: Status, reqs: tuple[str, ...], n: int = 0) -> Result:
    return Result(
        control_id=control,
        title=f"title of {control}",
        severity=Severity.MEDIUM,
        status=status,
        resource=ResourceRef("aws.s3.bucket", f"arn:aws:s3:::b{n}-{control}", f"b{n}"),
        frameworks={"iso27001-2022": reqs, "bsi-c5-2020": ("OPS-01",)},
        message="m",
    )


RESULTS = [
    _result("t.ok", Status.PASS, ("A.5.1",)),
    _result("t.waived", Status.WAIVED, ("A.5.1",)),
    _result("t.mixed", Status.PASS, ("A.5.2",), 1),
    _result("t.mixed", Status.FAIL, ("A.5.2",), 2),
    _result("t.bad", Status.FAIL, ("A.5.3",)),
    _result("attestation.ir-plan", Status.PASS, ("A.5.24",)),
    _result("attestation.old", Status.FAIL, ("A.5.10",)),
    _result("t.ok2", Status.PASS, ("A.5.10",)),
    _result("t.na", Status.PASS, ("A.5.6",)),
    _result("t.err", Status.ERROR, ("A.5.7",)),
    _result("t.none", Status.NOT_APPLICABLE, ("A.5.8",)),
    _result("t.half", Status.PASS, ("A.5.9",), 1),
    _result("t.half", Status.ERROR, ("A.5.9",), 2),
]

ATTESTATIONS = {
    "schema": "govscan/attestations/v1",
    "attestations": [
        {
            "id": "ir-plan",
            "control_id": "attestation.ir-plan",
            "title": "Incident response plan",
            "requirements": {"iso27001-2022": ["A.5.24"]},
            "owner": "CISO",
            "reviewed": "2026-03-01",
            "valid_until": "2027-03-01",
            "status": "pass",
            "links": [],
            "files": [
                {"path": "ir/plan.pdf", "sha256": EVIDENCE_SHA, "sha256_found": EVIDENCE_SHA}
            ],
        },
        {
            "id": "old",
            "control_id": "attestation.old",
            "title": "Old",
            "requirements": {"iso27001-2022": ["A.5.10"]},
            "owner": HOSTILE_OWNER,
            "reviewed": "2024-01-01",
            "valid_until": "2025-01-01",
            "status": "fail",
            "links": [],
            "files": [],
        },
    ],
}

NOT_APPLICABLE = {"iso27001-2022": {"A.5.6": "-no special interest groups; @small brewery"}}


def make_bundle(root: Path, attestations: bytes | None = None) -> Path:
    run = RunInfo(
        id="run-soa-1",
        started_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
        finished_at=datetime(2026, 6, 1, 8, 5, tzinfo=UTC),
        govscan_version="0.0.test",
        policy="soa-test",
        not_applicable=NOT_APPLICABLE,
    )
    data = attestations if attestations is not None else json.dumps(ATTESTATIONS).encode()
    root.mkdir()
    write_bundle(
        ScanResult(run=run, results=RESULTS),
        root,
        lambda d, _digest: (d / "attestations.json").write_bytes(data),
    )
    return root


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return make_bundle(tmp_path / "bundle")
