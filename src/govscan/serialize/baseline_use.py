"""JSON form of the baseline a run was judged against (results.json ``run.baseline``).

Optional: a run without a baseline writes no key, so results.json stays exactly
as before; a bundle re-rendered later shows the same baseline states."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from govscan.runinfo import BaselineMark, BaselineUse


def baseline_use_to_dict(use: BaselineUse) -> dict[str, Any]:
    return {
        "source": use.source,
        "digest": use.digest,
        "notes": list(use.notes),
        "marks": [_mark_to_dict(m) for m in use.marks],
    }


def _mark_to_dict(m: BaselineMark) -> dict[str, Any]:
    out: dict[str, Any] = {
        "fingerprint": m.fingerprint,
        "control_id": m.control_id,
        "status": m.status,
        "severity": m.severity,
    }
    if m.message_hash:
        out["message_hash"] = m.message_hash
    if m.path:
        out["path"] = m.path
    if m.expires is not None:
        out["expires"] = m.expires.isoformat()
    if m.expired:
        out["expired"] = True
    return out


def baseline_use_from_dict(doc: Mapping[str, Any]) -> BaselineUse:
    return BaselineUse(
        source=str(doc["source"]),
        digest=str(doc["digest"]),
        marks=tuple(_mark_from_dict(m) for m in doc.get("marks", ())),
        notes=tuple(str(n) for n in doc.get("notes", ())),
    )


def _mark_from_dict(doc: Mapping[str, Any]) -> BaselineMark:
    expires = doc.get("expires")
    return BaselineMark(
        fingerprint=str(doc["fingerprint"]),
        control_id=str(doc["control_id"]),
        status=str(doc["status"]),
        severity=str(doc["severity"]),
        message_hash=str(doc.get("message_hash", "")),
        path=str(doc.get("path", "")),
        expires=date.fromisoformat(expires) if expires else None,
        expired=doc.get("expired") is True,
    )
