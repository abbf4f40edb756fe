"""``attestations.json`` of a bundle, read as hostile input.

Only what the Statement of Applicability shows (``govscan soa`` and the PDF
report) is taken: bounded in size, each field type-checked, strings cut to a
sane length.  A malformed file is
one ``EvidenceError`` naming it, never a traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from govscan.errors import EvidenceError
from govscan.evidence.files import ATTESTATIONS
from govscan.evidence.safeio import read_regular
from govscan.results.soa_rows import AttestationRecord, EvidenceRef

_LIMIT = 16 * 1024 * 1024
"""govscan writes a few hundred bytes per attestation: this is far beyond any real file."""
_TEXT = 2000
_SHA256 = re.compile(r"[0-9a-f]{64}")


def read_attestations(bundle: Path) -> dict[str, AttestationRecord]:
    """control id -> record; empty when the bundle has no attestations.json."""
    path = bundle / ATTESTATIONS
    try:
        doc = json.loads(read_regular(path, _LIMIT))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError) as exc:
        why = getattr(exc, "strerror", None) or type(exc).__name__
        raise EvidenceError(f"{path}: unreadable: {why}") from None
    if not isinstance(doc, dict) or doc.get("schema") != "govscan/attestations/v1":
        raise EvidenceError(f"{path}: not a govscan attestations file")
    entries = doc.get("attestations")
    if not isinstance(entries, list):
        raise EvidenceError(f"{path}: 'attestations' is not a list")
    out: dict[str, AttestationRecord] = {}
    for i, entry in enumerate(entries):
        record = _record(entry)
        if record is None:
            raise EvidenceError(f"{path}: attestation {i + 1} is malformed")
        out[record.control_id] = record
    return out


def _text(value: Any) -> str | None:
    return value[:_TEXT] if isinstance(value, str) else None


def _record(entry: Any) -> AttestationRecord | None:
    if not isinstance(entry, dict):
        return None
    fields = {k: _text(entry.get(k)) for k in ("id", "control_id", "owner", "reviewed")}
    if any(v is None for v in fields.values()):
        return None
    reqs = entry.get("requirements", {})
    files = entry.get("files", [])
    links = entry.get("links", [])
    if not (isinstance(reqs, dict) and isinstance(files, list) and isinstance(links, list)):
        return None
    requirements: dict[str, tuple[str, ...]] = {}
    for key, ids in reqs.items():
        if not isinstance(ids, list) or not all(isinstance(r, str) for r in ids):
            return None
        requirements[str(key)[:_TEXT]] = tuple(r[:_TEXT] for r in ids)
    refs = []
    for f in files:
        p = _text(f.get("path")) if isinstance(f, dict) else None
        if p is None:
            return None
        sha = f.get("sha256")
        refs.append(EvidenceRef(p, sha if isinstance(sha, str) and _SHA256.fullmatch(sha) else ""))
    return AttestationRecord(
        id=fields["id"] or "",
        control_id=fields["control_id"] or "",
        owner=fields["owner"] or "",
        reviewed=fields["reviewed"] or "",
        valid_until=_text(entry.get("valid_until")) or "",
        status=_text(entry.get("status")) or "",
        requirements=requirements,
        files=tuple(refs),
        links=tuple(t for t in (_text(x) for x in links) if t is not None),
    )
