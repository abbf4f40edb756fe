"""``govscan evidence verify``: is the bundle exactly what was written, and signed by whom?

A tampered bundle is an answer, not an exception: :func:`verify_bundle`
returns every difference it finds.  Only a directory without a readable
manifest raises :class:`~govscan.errors.EvidenceError`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from govscan.errors import EvidenceError
from govscan.evidence.manifest import MANIFEST, SCHEMA, SIGNATURE, bundle_files, sha256_file


@dataclass(frozen=True)
class FileChange:
    """A listed file whose content differs from the manifest."""

    path: str
    expected_sha256: str
    actual_sha256: str
    expected_size: int | None
    actual_size: int

    def __str__(self) -> str:
        size = (
            f"size {self.expected_size} -> {self.actual_size} bytes"
            if self.expected_size is not None and self.expected_size != self.actual_size
            else f"size {self.actual_size} bytes unchanged"
        )
        return (
            f"{self.path} ({size}; sha256 {self.expected_sha256[:16]}… -> "
            f"{self.actual_sha256[:16]}…)"
        )


@dataclass(frozen=True)
class VerifyReport:
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    """Files present in the bundle but not in the manifest."""
    missing: tuple[str, ...] = ()
    signature: str = "not checked"
    signature_ok: bool | None = None
    """``None`` when no public key was given (the signature is then not judged)."""
    checked: int = 0
    notes: tuple[str, ...] = ()
    changes: tuple[FileChange, ...] = field(default=())
    """Details of every changed file, in the order of ``changed``."""
    invalid: tuple[str, ...] = ()
    """Manifest entries that point outside the bundle or are malformed."""

    @property
    def files_ok(self) -> bool:
        return not (self.changed or self.added or self.missing or self.invalid)

    @property
    def ok(self) -> bool:
        return self.files_ok and self.signature_ok is not False

    def lines(self) -> list[str]:
        out = [f"changed: {c}" for c in self.changes] or [f"changed: {p}" for p in self.changed]
        out += [f"added: {p} (not in the manifest)" for p in self.added]
        out += [f"missing: {p} (listed in the manifest)" for p in self.missing]
        out += [f"invalid manifest entry: {p}" for p in self.invalid]
        out.append(f"signature: {self.signature}")
        out += list(self.notes)
        verdict = "OK" if self.ok else "FAILED"
        out.append(f"{verdict}: {self.checked} file(s) listed in {MANIFEST}")
        return out


def _read_manifest(root: Path) -> tuple[bytes, dict[str, Any]]:
    path = root / MANIFEST
    if not root.is_dir():
        raise EvidenceError(f"{root}: no such bundle directory")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EvidenceError(f"{root}: no {MANIFEST}; not a govscan evidence bundle") from None
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        doc = json.loads(raw)
    except ValueError:
        doc = None
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        raise EvidenceError(f"{path}: not a valid govscan manifest")
    return raw, doc


def _safe(rel: str) -> bool:
    p = PurePosixPath(rel)
    return bool(rel) and not p.is_absolute() and ".." not in p.parts and "\\" not in rel


def verify_bundle(root: Path, public_key_pem: bytes | None = None) -> VerifyReport:
    """Compare every file with the manifest and check the signature when a key is given."""
    raw, manifest = _read_manifest(root)
    notes: list[str] = []
    if manifest.get("schema") != SCHEMA:
        notes.append(f"note: manifest schema is {manifest.get('schema')!r}, expected {SCHEMA!r}")
    listed: dict[str, tuple[str, int | None]] = {}
    invalid: list[str] = []
    for entry in manifest["files"]:
        try:
            rel, digest = str(entry["path"]), str(entry["sha256"])
            size = entry.get("size")
        except (KeyError, TypeError):
            invalid.append(repr(entry))
            continue
        if not _safe(rel) or rel in (MANIFEST, SIGNATURE):
            invalid.append(rel)
            continue
        listed[rel] = (digest, size if isinstance(size, int) else None)
    present = {p.relative_to(root).as_posix(): p for p in bundle_files(root)}
    changes: list[FileChange] = []
    for rel in sorted(set(listed) & set(present)):
        digest, size = listed[rel]
        actual = sha256_file(present[rel])
        if actual != digest:
            changes.append(FileChange(rel, digest, actual, size, present[rel].stat().st_size))
    missing = tuple(sorted(set(listed) - set(present)))
    added = tuple(sorted(set(present) - set(listed)))
    sig_path = root / SIGNATURE
    sig_ok: bool | None
    if public_key_pem is None:
        signature = (
            "present, not checked (give --public-key to check it)"
            if sig_path.exists()
            else "none (unsigned bundle)"
        )
        sig_ok = None
    elif not sig_path.exists():
        signature, sig_ok = f"missing: the bundle has no {SIGNATURE}", False
    else:
        from govscan.evidence.signing import verify_envelope

        sig_ok, signature = verify_envelope(sig_path.read_bytes(), raw, public_key_pem)
    return VerifyReport(
        changed=tuple(c.path for c in changes),
        added=added,
        missing=missing,
        signature=signature,
        signature_ok=sig_ok,
        checked=len(listed),
        notes=tuple(notes),
        changes=tuple(changes),
        invalid=tuple(invalid),
    )
