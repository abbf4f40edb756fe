"""Attestations judged on the scan date: valid, expired, evidence changed or missing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from govscan.attest.evaluate import attestations_bytes, judge, to_result
from govscan.attest.load import load_attestations
from govscan.model import Severity, Status, is_attestation
from govscan.typespecs import ATTESTATION_TYPE

from .helpers import POLICY_TEXT, attestation_dir, sha256


def _judged(root: Path, as_of: date = date(2026, 6, 1)):  # type: ignore[no-untyped-def]
    (att,) = load_attestations(root)
    return judge(att, as_of)


def test_valid_attestation_passes_as_one_result(tmp_path: Path) -> None:
    result = to_result(_judged(attestation_dir(tmp_path)))
    assert result.status is Status.PASS
    assert result.control_id == "attestation.policies"
    assert is_attestation(result.control_id)
    assert result.resource.type == ATTESTATION_TYPE
    assert result.severity is Severity.MEDIUM
    assert result.frameworks == {"iso27001-2022": ("A.5.1",)}
    assert result.message == (
        "reviewed 2026-01-15, valid until 2027-01-14; attested by CISO (examine)"
    )
    assert result.evidence == "attestations.json#policies"
    assert result.fingerprint


def test_valid_on_its_last_day_expired_the_day_after(tmp_path: Path) -> None:
    root = attestation_dir(tmp_path)
    assert _judged(root, date(2027, 1, 14)).status is Status.PASS
    expired = _judged(root, date(2027, 1, 15))
    assert expired.status is Status.FAIL
    assert expired.message == "expired on 2027-01-14; attested by CISO (examine)"


def test_changed_evidence_file_fails_and_says_which(tmp_path: Path) -> None:
    root = attestation_dir(tmp_path)
    (root / "evidence" / "policy.txt").write_bytes(POLICY_TEXT + b"edited\n")
    judged = _judged(root)
    assert judged.status is Status.FAIL
    assert judged.message.startswith("evidence file 'evidence/policy.txt' changed (SHA-256 ")
    (check,) = judged.files
    assert check.declared == sha256(POLICY_TEXT)
    assert check.found == sha256(POLICY_TEXT + b"edited\n")


def test_missing_evidence_file_and_expiry_are_both_named(tmp_path: Path) -> None:
    root = attestation_dir(tmp_path)
    (root / "evidence" / "policy.txt").unlink()
    judged = _judged(root, date(2030, 1, 1))
    assert judged.status is Status.FAIL
    assert judged.message == (
        "expired on 2027-01-14; evidence file 'evidence/policy.txt' is missing; "
        "attested by CISO (examine)"
    )


def test_evidence_replaced_by_an_outside_link_after_validation_fails(tmp_path: Path) -> None:
    root = attestation_dir(tmp_path / "att")
    (att,) = load_attestations(root)
    outside = tmp_path / "outside.txt"
    outside.write_bytes(POLICY_TEXT)
    (root / "evidence" / "policy.txt").unlink()
    (root / "evidence" / "policy.txt").symlink_to(outside)
    judged = judge(att, date(2026, 6, 1))
    assert judged.status is Status.FAIL
    assert "symbolic link that leads outside" in judged.message


def test_attestations_json_lists_paths_and_hashes(tmp_path: Path) -> None:
    doc = json.loads(attestations_bytes([_judged(attestation_dir(tmp_path), date(2026, 6, 1))]))
    assert doc["schema"] == "govscan/attestations/v1"
    (entry,) = doc["attestations"]
    assert entry["control_id"] == "attestation.policies"
    assert entry["status"] == "pass"
    assert entry["method"] == "examine"
    assert entry["links"] == ["https://intranet.example.com/isms/policy"]
    assert entry["files"] == [
        {
            "path": "evidence/policy.txt",
            "sha256": sha256(POLICY_TEXT),
            "sha256_found": sha256(POLICY_TEXT),
            "problem": "",
        }
    ]


def test_a_huge_or_special_evidence_file_is_not_read(tmp_path: Path) -> None:
    import os

    root = attestation_dir(tmp_path)
    (att,) = load_attestations(root)
    target = root / "evidence" / "policy.txt"
    with target.open("wb") as fh:
        fh.truncate(65 * 1024 * 1024)
    judged = judge(att, date(2026, 6, 1))
    assert judged.status is Status.FAIL
    assert "evidence file 'evidence/policy.txt' cannot be read: larger than the 64 MiB" in (
        judged.message
    )
    target.unlink()
    os.mkfifo(target)
    judged = judge(att, date(2026, 6, 1))
    assert "cannot be read: a FIFO, not a regular file" in judged.message
