"""``govscan evidence verify``: is the bundle exactly what was written, and signed by whom?

A tampered bundle is an answer, not an exception: :func:`verify_bundle`
returns every difference it finds.  Only a directory without a readable
manifest raises :class:`~govscan.errors.EvidenceError`, with one line (a
manifest that is a link, a FIFO, too large or nested too deeply included).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from govscan.errors import EvidenceError
from govscan.evidence.manifest import (
    MANIFEST,
    SCHEMA,
    SIGNATURE,
    listed_files,
    read_manifest,
    sha256_file,
)
from govscan.evidence.safeio import kind_of, read_regular

SIGNATURE_LIMIT = 1024 * 1024
"""A DSSE envelope over a manifest is a few kilobytes; larger is not one."""


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
    foreign: tuple[str, ...] = ()
    """Entries that are not regular files (symbolic links, directories, FIFOs), with their kind."""

    @property
    def files_ok(self) -> bool:
        return not (self.changed or self.added or self.missing or self.invalid or self.foreign)

    @property
    def ok(self) -> bool:
        return self.files_ok and self.signature_ok is not False

    def lines(self) -> list[str]:
        out = [f"changed: {c}" for c in self.changes] or [f"changed: {p}" for p in self.changed]
        out += [f"added: {p} (not in the manifest)" for p in self.added]
        out += [f"added: {p}; not a regular file" for p in self.foreign]
        out += [f"missing: {p} (listed in the manifest)" for p in self.missing]
        out += [f"invalid manifest entry: {p}" for p in self.invalid]
        out.append(f"signature: {self.signature}")
        out += list(self.notes)
        verdict = "OK" if self.ok else "FAILED"
        out.append(f"{verdict}: {self.checked} file(s) listed in {MANIFEST}")
        return out


def _entries(root: Path) -> tuple[set[str], list[str]]:
    """Regular files by name, and every other entry (never followed) as "name (kind)"."""
    regular: set[str] = set()
    other: list[str] = []
    try:
        with os.scandir(root) as it:
            for entry in it:
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISREG(mode):
                    regular.add(entry.name)
                elif entry.name != MANIFEST:
                    other.append(f"{entry.name} ({kind_of(mode)})")
    except OSError as exc:
        raise EvidenceError(f"{root}: cannot list the bundle: {exc.strerror}") from None
    regular.discard(MANIFEST)
    return regular, sorted(other)


def _signature(
    root: Path, present: bool, raw: bytes, public_key_pem: bytes | None
) -> tuple[str, bool | None]:
    sig_path = root / SIGNATURE
    if not present:
        if public_key_pem is None:
            return "none (unsigned bundle)", None
        return f"missing: the bundle has no {SIGNATURE} (as a regular file)", False
    try:
        envelope = read_regular(sig_path, SIGNATURE_LIMIT)
    except OSError as exc:
        return f"unreadable {SIGNATURE}: {exc.strerror or exc}", False
    if public_key_pem is None:
        # Who signed needs a key; whether this is an envelope about this manifest does not.
        problem = _envelope_problem(envelope, raw)
        if problem is not None:
            return f"{SIGNATURE}: {problem}", False
        return "present, not checked (give --public-key to check it)", None
    from govscan.evidence.signing import verify_envelope

    try:
        ok, reason = verify_envelope(envelope, raw, public_key_pem)
        return reason, ok
    except RecursionError:
        return "signature envelope is malformed (nested too deeply)", False


def _envelope_problem(envelope: bytes, raw: bytes) -> str | None:
    """What makes ``envelope`` not a DSSE envelope over a statement about ``raw``, if anything."""
    try:
        env = json.loads(envelope)
        payload = base64.b64decode(env["payload"], validate=True)
        sigs = env["signatures"]
        if not isinstance(env["payloadType"], str) or not isinstance(sigs, list) or not sigs:
            return "signature envelope is malformed"
        if not all(isinstance(x, dict) and isinstance(x.get("sig"), str) for x in sigs):
            return "signature envelope is malformed"
        digest = json.loads(payload)["subject"][0]["digest"]["sha256"]
    except RecursionError:
        return "signature envelope is malformed (nested too deeply)"
    except (ValueError, KeyError, IndexError, TypeError, binascii.Error):
        return "signature envelope is malformed"
    if digest != hashlib.sha256(raw).hexdigest():
        return "signs another manifest.json than this one"
    return None


def verify_bundle(root: Path, public_key_pem: bytes | None = None) -> VerifyReport:
    """Compare every entry with the manifest and check the signature when a key is given.

    Nothing is followed: a symbolic link, directory or FIFO in the bundle is
    reported as an added entry, and a listed name that is not a regular file
    as missing.
    """
    raw, manifest = read_manifest(root)
    notes: list[str] = []
    if manifest.get("schema") != SCHEMA:
        schema = repr(manifest.get("schema"))[:80]
        notes.append(f"note: manifest schema is {schema}, expected {SCHEMA!r}")
    listed, invalid = listed_files(manifest)
    regular, foreign = _entries(root)
    changes: list[FileChange] = []
    for rel in sorted(set(listed) & regular):
        digest, size = listed[rel]
        try:
            actual = sha256_file(root / rel)
            actual_size = os.lstat(root / rel).st_size
        except OSError as exc:
            foreign.append(f"{rel} (unreadable: {exc.strerror or exc})")
            continue
        if actual != digest:
            changes.append(FileChange(rel, digest, actual, size, actual_size))
    missing = tuple(sorted(set(listed) - regular))
    added = tuple(sorted(regular - set(listed) - {SIGNATURE}))
    signature, sig_ok = _signature(root, SIGNATURE in regular, raw, public_key_pem)
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
        foreign=tuple(foreign),
    )
