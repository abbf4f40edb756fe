"""``govscan evidence verify``: is the bundle exactly what was written, and signed by whom?"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from govscan.errors import EvidenceError
from govscan.evidence.manifest import MANIFEST, SIGNATURE, bundle_files, sha256_file
from govscan.evidence.signing import verify_envelope


@dataclass(frozen=True)
class VerifyReport:
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    signature: str = "not checked"
    signature_ok: bool | None = None
    """None when no public key was given."""
    checked: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        files_ok = not (self.changed or self.added or self.missing)
        return files_ok and self.signature_ok is not False

    def lines(self) -> list[str]:
        out = [f"changed: {p}" for p in self.changed]
        out += [f"added: {p} (not in the manifest)" for p in self.added]
        out += [f"missing: {p}" for p in self.missing]
        out.append(f"signature: {self.signature}")
        out += list(self.notes)
        verdict = "OK" if self.ok else "FAILED"
        out.append(f"{verdict}: {self.checked} file(s) checked")
        return out


def verify_bundle(root: Path, public_key_pem: bytes | None = None) -> VerifyReport:
    manifest_path = root / MANIFEST
    try:
        manifest_bytes = manifest_path.read_bytes()
        manifest = json.loads(manifest_bytes)
        listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    except FileNotFoundError:
        raise EvidenceError(f"{root}: no {MANIFEST}; not a govscan evidence bundle") from None
    except (ValueError, KeyError, TypeError):
        raise EvidenceError(f"{manifest_path}: not a valid govscan manifest") from None
    present = {p.relative_to(root).as_posix(): p for p in bundle_files(root)}
    changed = tuple(
        sorted(
            name
            for name, digest in listed.items()
            if name in present and sha256_file(present[name]) != digest
        )
    )
    missing = tuple(sorted(set(listed) - set(present)))
    added = tuple(sorted(set(present) - set(listed)))
    sig_path = root / SIGNATURE
    if public_key_pem is None:
        signature = (
            "present, not checked (give --public-key)"
            if sig_path.exists()
            else "none (unsigned bundle)"
        )
        sig_ok = None
    elif not sig_path.exists():
        signature, sig_ok = f"missing: no {SIGNATURE}", False
    else:
        sig_ok, signature = verify_envelope(sig_path.read_bytes(), manifest_bytes, public_key_pem)
    return VerifyReport(changed, added, missing, signature, sig_ok, checked=len(listed))
