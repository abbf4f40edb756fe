"""Attestations judged on the scan date: one result each, and the bundle's record.

An attestation passes while the scan date is on or before ``valid_until`` and
every evidence file still has the SHA-256 the attestation declares. Evidence
files are not copied into the bundle (its files are a flat set of plain names);
``attestations.json`` records each file's relative path and hashes instead, and
the manifest and signature cover it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from govscan.attest.model import Attestation, EvidenceFile
from govscan.attest.validate import unsafe_path
from govscan.fileread import UnreadableFile, read_in_tree
from govscan.fingerprint import code_fingerprint
from govscan.model import ResourceRef, Result, Severity, Status
from govscan.serialize import dumps
from govscan.typespecs import ATTESTATION_TYPE

ATTESTATIONS_SCHEMA = "govscan/attestations/v1"
MAX_EVIDENCE_FILE_SIZE = 64 * 1024 * 1024
"""Evidence files are documents (PDFs, exports); this bounds what one may cost."""


@dataclass(frozen=True)
class FileCheck:
    path: str
    declared: str
    found: str
    """The SHA-256 read now; empty when the file could not be read."""
    problem: str
    """Why the file does not back the attestation; empty when it does."""


@dataclass(frozen=True)
class Judged:
    attestation: Attestation
    status: Status
    message: str
    files: tuple[FileCheck, ...]


def check_file(root: Path, ev: EvidenceFile) -> FileCheck:
    reason = unsafe_path(root, ev.path)
    if reason:
        return FileCheck(ev.path, ev.sha256, "", f"evidence file '{ev.path}' {reason}")
    try:
        data = read_in_tree(root, root / ev.path, MAX_EVIDENCE_FILE_SIZE)
    except UnreadableFile as exc:
        why = "is missing" if "No such file" in exc.reason else f"cannot be read: {exc.reason}"
        return FileCheck(ev.path, ev.sha256, "", f"evidence file '{ev.path}' {why}")
    found = hashlib.sha256(data).hexdigest()
    if found != ev.sha256:
        return FileCheck(
            ev.path,
            ev.sha256,
            found,
            f"evidence file '{ev.path}' changed "
            f"(SHA-256 {found[:12]}…, attested {ev.sha256[:12]}…)",
        )
    return FileCheck(ev.path, ev.sha256, found, "")


def judge(att: Attestation, as_of: date) -> Judged:
    files = tuple(check_file(att.root, f) for f in att.files)
    reasons = [f.problem for f in files if f.problem]
    if as_of > att.valid_until:
        reasons.insert(0, f"expired on {att.valid_until.isoformat()}")
    # Every message ends with who attests and how: the OSCAL report reads the method
    # from there (results carry no attestation fields of their own).
    by = f"attested by {att.owner} ({att.method})"
    if reasons:
        return Judged(att, Status.FAIL, "; ".join(reasons) + f"; {by}", files)
    message = (
        f"reviewed {att.reviewed.isoformat()}, valid until {att.valid_until.isoformat()}; {by}"
    )
    return Judged(att, Status.PASS, message, files)


def to_result(j: Judged) -> Result:
    att = j.attestation
    control_id = f"attestation.{att.id}"
    ref = ResourceRef(
        type=ATTESTATION_TYPE, id=f"attestation:{att.id}", name=att.title, provider="govscan"
    )
    return Result(
        control_id=control_id,
        title=att.title,
        severity=Severity.MEDIUM,
        status=j.status,
        resource=ref,
        frameworks=dict(att.requirements),
        message=j.message,
        evidence=f"attestations.json#{att.id}",
        fingerprint=code_fingerprint(control_id, Path(att.source).name, ref.id),
    )


def judge_all(attestations: Iterable[Attestation], as_of: date) -> list[Judged]:
    return [judge(a, as_of) for a in attestations]


def attestations_document(judged: Sequence[Judged]) -> dict[str, Any]:
    """The content of attestations.json: what each attestation claimed and what was found."""
    return {
        "schema": ATTESTATIONS_SCHEMA,
        "attestations": [_entry(j) for j in sorted(judged, key=lambda j: j.attestation.id)],
    }


def _entry(j: Judged) -> dict[str, Any]:
    att = j.attestation
    return {
        "id": att.id,
        "control_id": f"attestation.{att.id}",
        "title": att.title,
        "source": Path(att.source).name,
        "requirements": {k: list(v) for k, v in sorted(att.requirements.items())},
        "statement": att.statement,
        "owner": att.owner,
        "method": att.method,
        "reviewed": att.reviewed.isoformat(),
        "valid_until": att.valid_until.isoformat(),
        "status": j.status.value,
        "message": j.message,
        "links": list(att.links),
        "files": [
            {"path": f.path, "sha256": f.declared, "sha256_found": f.found, "problem": f.problem}
            for f in j.files
        ],
    }


def attestations_bytes(judged: Sequence[Judged]) -> bytes:
    return dumps(attestations_document(judged)).encode("utf-8")
