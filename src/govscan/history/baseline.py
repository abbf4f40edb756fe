"""Baseline files: findings accepted as known (``govscan/baseline/v1``).

A baseline is a reviewed file kept in the repository, not a sealed artifact:
people edit reasons, owners and expiry dates by hand, so it carries no
signature. Its identity is the RFC 8785 content hash of the document, which the
run records. A baseline read from disk is hostile input: its size is capped,
its structure checked against the JSON Schema, and a bad file is one line
naming the file (exit code 2).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from govscan.canonical import content_hash
from govscan.errors import UsageError
from govscan.fingerprint import code_fingerprint
from govscan.model import Result, ScanResult
from govscan.results.baseline import FINDINGS, message_hash
from govscan.serialize import dumps

SCHEMA_ID = "govscan/baseline/v1"
DEFAULT_NAME = ".govscan-baseline.json"
MAX_BYTES = 256 * 1024 * 1024
"""A baseline of two million entries stays below this; anything larger is not one."""


@dataclass(frozen=True)
class BaselineEntry:
    fingerprint: str
    control_id: str
    resource_id: str
    status: str
    """``fail`` or ``error``: what the finding was when it was accepted."""
    severity: str = ""
    path: str = ""
    """The defining file of a finding in code; empty for a cloud resource."""
    message_hash: str = ""
    """For an ``error``: the digest of its message (a different error is new)."""
    reason: str = ""
    owner: str = ""
    expires: date | None = None


@dataclass(frozen=True)
class Baseline:
    entries: tuple[BaselineEntry, ...]
    created_at: str = ""
    run_id: str = ""
    policy: str = ""
    fingerprints: str = ""
    """The source run's fingerprint mode: ``per-run`` cloud entries match no later scan."""

    def by_fingerprint(self) -> dict[str, BaselineEntry]:
        return {e.fingerprint: e for e in self.entries}

    def cloud_entries(self) -> int:
        return sum(1 for e in self.entries if not e.path and not _scope_like(e))


def _scope_like(e: BaselineEntry) -> bool:
    # A scope that could not be collected has a code-form fingerprint (no key).
    return code_fingerprint(e.control_id, "", e.resource_id) == e.fingerprint


# --- reading ------------------------------------------------------------------------------


def load_baseline(path: Path) -> Baseline:
    """The baseline in ``path``; UsageError (exit 2) naming the file when it is bad."""
    from govscan.evidence.safeio import read_regular

    try:
        raw = read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such baseline file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    try:
        doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a baseline: not UTF-8 text") from None
    except RecursionError:
        raise UsageError(f"{path}: not a baseline: JSON nested too deeply") from None
    except ValueError as exc:
        raise UsageError(f"{path}: not a baseline: {exc}") from None
    return baseline_from_document(doc, str(path))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def baseline_from_document(doc: Any, name: str) -> Baseline:
    """A parsed baseline document, checked against its schema and for duplicates."""
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA_ID:
        found = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise UsageError(f"{name}: not a baseline (schema {found!r}, expected {SCHEMA_ID!r})")
    _check_schema(doc, name)
    entries = []
    seen: set[str] = set()
    for i, e in enumerate(doc["entries"]):
        if e["fingerprint"] in seen:
            raise UsageError(f"{name}: entries[{i}]: fingerprint {e['fingerprint']} listed twice")
        seen.add(e["fingerprint"])
        try:
            expires = date.fromisoformat(e["expires"]) if "expires" in e else None
        except ValueError:
            raise UsageError(
                f"{name}: entries[{i}].expires: not a date: {e['expires']!r}"
            ) from None
        entries.append(
            BaselineEntry(
                e["fingerprint"],
                e["control_id"],
                e["resource_id"],
                e["status"],
                e.get("severity", ""),
                e.get("path", ""),
                e.get("message_hash", ""),
                e.get("reason", ""),
                e.get("owner", ""),
                expires,
            )
        )
    source = doc.get("source", {})
    return Baseline(
        tuple(entries),
        doc.get("created_at", ""),
        source.get("run_id", ""),
        source.get("policy", ""),
        source.get("fingerprints", ""),
    )


def _check_schema(doc: Mapping[str, Any], name: str) -> None:
    from govscan.jsondoc import check_document

    check_document(doc, "baseline.schema.json", name)


# --- writing ------------------------------------------------------------------------------


def baseline_document(b: Baseline) -> dict[str, Any]:
    entries = []
    for e in sorted(b.entries, key=lambda e: (e.control_id, e.path, e.resource_id, e.fingerprint)):
        item: dict[str, Any] = {
            "fingerprint": e.fingerprint,
            "control_id": e.control_id,
            "resource_id": e.resource_id,
            "status": e.status,
        }
        optional = {
            "severity": e.severity,
            "path": e.path,
            "message_hash": e.message_hash,
            "reason": e.reason,
            "owner": e.owner,
        }
        item.update({k: v for k, v in optional.items() if v})
        if e.expires is not None:
            item["expires"] = e.expires.isoformat()
        entries.append(item)
    source = {"run_id": b.run_id, "policy": b.policy, "fingerprints": b.fingerprints}
    return {"schema": SCHEMA_ID, "created_at": b.created_at, "source": source, "entries": entries}


def baseline_digest(b: Baseline) -> str:
    """The baseline's identity: RFC 8785 content hash of its document."""
    return content_hash(baseline_document(b))


def write_baseline(path: Path, b: Baseline) -> None:
    from govscan.evidence.safeio import replace_file

    data = dumps(baseline_document(b)).encode("utf-8", "surrogatepass")
    replace_file(path, lambda fh: fh.write(data))


# --- making and changing ------------------------------------------------------------------


def entries_of(results: Iterable[Result]) -> list[BaselineEntry]:
    """One entry per fingerprint of the failing and erroneous results."""
    out: dict[str, BaselineEntry] = {}
    for r in results:
        if r.status not in FINDINGS or not r.fingerprint or r.fingerprint in out:
            continue
        path = r.resource.location.path if r.resource.location is not None else ""
        digest = message_hash(r.message) if r.status.value == "error" else ""
        out[r.fingerprint] = BaselineEntry(
            r.fingerprint,
            r.control_id,
            r.resource.id,
            r.status.value,
            r.severity.value,
            path,
            digest,
        )
    return list(out.values())


def baseline_from_scan(
    scan: ScanResult, reason: str = "", owner: str = "", expires: date | None = None
) -> Baseline:
    entries = [
        replace(e, reason=reason, owner=owner, expires=expires) for e in entries_of(scan.results)
    ]
    return Baseline(
        tuple(entries),
        datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        scan.run.id,
        scan.run.policy,
        scan.run.fingerprints or "per-run",
    )


def updated(old: Baseline, scan: ScanResult) -> tuple[Baseline, int, int]:
    """``old`` brought up to ``scan``: fixed entries dropped, new findings added, each
    kept entry's reason, owner and expiry kept. Returns (baseline, added, dropped)."""
    fresh = baseline_from_scan(scan)
    known = old.by_fingerprint()
    entries = []
    for e in fresh.entries:
        before = known.get(e.fingerprint)
        if before is not None:
            e = replace(e, reason=before.reason, owner=before.owner, expires=before.expires)
        entries.append(e)
    now = {e.fingerprint for e in entries}
    dropped = sum(1 for e in old.entries if e.fingerprint not in now)
    added = sum(1 for e in entries if e.fingerprint not in known)
    return replace(fresh, entries=tuple(entries)), added, dropped


def merged(a: Baseline, b: Baseline) -> tuple[Baseline, list[str]]:
    """Both baselines' entries; where both hold a fingerprint with different reasons
    or owners both are kept (joined by " | ") and the earlier expiry wins.
    Returns the merge and one line per conflict."""
    out = a.by_fingerprint()
    conflicts: list[str] = []
    for e in b.entries:
        mine = out.get(e.fingerprint)
        if mine is None:
            out[e.fingerprint] = e
            continue
        texts = {}
        for field in ("reason", "owner"):
            x, y = getattr(mine, field), getattr(e, field)
            texts[field] = f"{x} | {y}" if x and y and x != y else (x or y)
            if x and y and x != y:
                conflicts.append(f"{e.fingerprint} ({e.control_id}): {field}s differ, both kept")
        joined = replace(mine, reason=texts["reason"], owner=texts["owner"])
        dates = [d for d in (mine.expires, e.expires) if d is not None]
        out[e.fingerprint] = replace(joined, expires=min(dates) if dates else None)
    modes = {m for m in (a.fingerprints, b.fingerprints) if m}
    mode = "per-run" if "per-run" in modes else (modes.pop() if modes else "")
    stamp = max(a.created_at, b.created_at)
    return Baseline(tuple(out.values()), stamp, "", "", mode), conflicts
