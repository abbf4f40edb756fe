"""Attestation files for tests, written into a temporary attestations directory."""

from __future__ import annotations

import hashlib
from pathlib import Path

POLICY_TEXT = b"Information security policy, approved by the management board.\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attestation_text(
    *,
    id: str = "policies",
    requirements: str = "{iso27001-2022: [A.5.1]}",
    owner: str = "CISO",
    reviewed: str = "2026-01-15",
    valid_until: str = "2027-01-14",
    evidence: str | None = None,
    method: str = "",
) -> str:
    if evidence is None:
        evidence = (
            "\n  - link: https://intranet.example.com/isms/policy"
            f"\n  - file: evidence/policy.txt\n    sha256: {sha256(POLICY_TEXT)}"
        )
    return (
        f"id: {id}\n"
        "title: Information security policy in force\n"
        f"requirements: {requirements}\n"
        "statement: The policy is approved, published and acknowledged by staff.\n"
        f"owner: {owner}\n"
        f"evidence:{evidence}\n"
        f"reviewed: {reviewed}\n"
        f"valid_until: {valid_until}\n" + (f"method: {method}\n" if method else "")
    )


def attestation_dir(root: Path, **fields: str) -> Path:
    """An attestations directory with one attestation and its evidence file."""
    (root / "evidence").mkdir(parents=True, exist_ok=True)
    (root / "evidence" / "policy.txt").write_bytes(POLICY_TEXT)
    (root / "policies.yaml").write_text(attestation_text(**fields), encoding="utf-8")
    return root
