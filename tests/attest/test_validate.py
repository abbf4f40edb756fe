"""Attestation files: every problem at its file:line, hostile files refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from govscan.attest.load import load_attestations
from govscan.errors import UsageError, ValidationError

from .helpers import attestation_dir, attestation_text

ZERO = "0" * 64


def _problems(root: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load_attestations(root)
    return [str(p).replace(str(root) + os.sep, "") for p in caught.value.problems]


def test_a_valid_attestation_loads(tmp_path: Path) -> None:
    (att,) = load_attestations(attestation_dir(tmp_path))
    assert att.id == "policies"
    assert att.requirements == {"iso27001-2022": ("A.5.1",)}
    assert att.method == "examine"
    assert att.links == ("https://intranet.example.com/isms/policy",)
    assert [f.path for f in att.files] == ["evidence/policy.txt"]
    assert str(att.valid_until) == "2027-01-14"


def test_unknown_requirement_and_framework_are_located(tmp_path: Path) -> None:
    attestation_dir(tmp_path, requirements="{iso27001-2022: [A.5.1, A.5.99], nist-9: [x]}")
    assert _problems(tmp_path) == [
        "policies.yaml:3:39: requirement 'A.5.99' is not in the iso27001-2022 catalog; "
        "did you mean 'A.5.9'?",
        "policies.yaml:3:48: unknown framework key 'nist-9'",
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"reviewed": "2026-02-30"}, "policies.yaml:10:11: 'reviewed' must be a date (YYYY-MM-DD)"),
        ({"valid_until": "soon"}, "policies.yaml:11:14: 'valid_until' must be a date"),
        (
            {"valid_until": "2025-01-01"},
            "policies.yaml:11:14: 'valid_until' is before 'reviewed'",
        ),
        ({"valid_until": "2026-01-15T10:00:00"}, "policies.yaml:11:14: 'valid_until' must be"),
        ({"method": "guess"}, "policies.yaml:12:9: bad method 'guess'"),
        ({"owner": "''"}, "policies.yaml:5:8: 'owner' must not be empty"),
        ({"id": "Bad Id"}, "policies.yaml:1:5: 'id' must be lower-case letters"),
    ],
)
def test_bad_fields_are_located(tmp_path: Path, fields: dict[str, str], expected: str) -> None:
    attestation_dir(tmp_path, **fields)
    problems = _problems(tmp_path)
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../outside.txt", "must not leave the attestations directory ('..')"),
        ("evidence/../../outside.txt", "must not leave the attestations directory ('..')"),
        ("/etc/passwd", "must be relative to the attestations directory"),
        ("evidence\\\\x.txt", "must use '/' separators"),
    ],
)
def test_evidence_paths_that_leave_the_directory_are_refused(
    tmp_path: Path, path: str, reason: str
) -> None:
    root = tmp_path / "att"
    attestation_dir(root, evidence=f"\n  - file: '{path}'\n    sha256: '{ZERO}'")
    (problem,) = _problems(root)
    assert problem.startswith("policies.yaml:7:11: evidence file")
    assert problem.endswith(reason)


def test_a_symlink_leading_outside_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("token")
    root = tmp_path / "att"
    attestation_dir(root, evidence=f"\n  - file: evidence/link.txt\n    sha256: '{ZERO}'")
    (root / "evidence" / "link.txt").symlink_to(secret)
    assert _problems(root) == [
        "policies.yaml:7:11: evidence file 'evidence/link.txt' is a symbolic link that "
        "leads outside the attestations directory"
    ]


def test_an_attestation_file_that_is_a_symlink_outside_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(attestation_text())
    root = tmp_path / "att"
    root.mkdir()
    (root / "x.yaml").symlink_to(outside)
    (problem,) = _problems(root)
    assert problem.startswith("x.yaml:1:1: a symbolic link that leads outside")


def test_a_huge_attestation_file_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "att"
    root.mkdir()
    with (root / "big.yaml").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (problem,) = _problems(root)
    assert problem.startswith("big.yaml:1:1: larger than")


def test_evidence_entries_need_exactly_one_form(tmp_path: Path) -> None:
    link = "https://x.example/a"
    attestation_dir(
        tmp_path,
        evidence=f"\n  - file: a.txt\n  - link: {link}\n    sha256: '{ZERO}'"
        f"\n  - {{link: {link}, file: b.txt, sha256: '{ZERO}'}}\n  - {{}}\n  - link: ftp://x",
    )
    problems = _problems(tmp_path)
    assert problems == [
        "policies.yaml:7:5: an evidence 'file' needs its 'sha256'",
        "policies.yaml:9:13: 'sha256' belongs to a 'file', not a 'link'",
        "policies.yaml:10:5: an evidence entry is either a 'link' or a 'file', not both",
        "policies.yaml:11:5: an evidence entry needs a 'link' or a 'file'",
        "policies.yaml:12:11: 'link' must be an http or https URL, got 'ftp://x'",
    ]


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    attestation_dir(tmp_path)
    (tmp_path / "second.yaml").write_text(attestation_text(), encoding="utf-8")
    (problem,) = _problems(tmp_path)
    assert problem.startswith("second.yaml:1:5: id 'policies' is also used by")


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a directory"):
        load_attestations(tmp_path / "nope")
