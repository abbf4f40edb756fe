"""``manifest.json``: the SHA-256 of every file in a bundle plus the run's identity.

Shape (contract ``govscan/manifest/v1``)::

    {"schema": "govscan/manifest/v1",
     "govscan_version": "...",
     "run": {"id", "started_at", "finished_at", "policy", "controls_hash",
             "policy_hash", "as_of", "targets": [...], "identities": [...]},
     "files": [{"path", "sha256", "size"}, ...]}      sorted by path

Every file below the bundle directory is listed except the manifest itself
and its signature.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from govscan.model import ScanResult
from govscan.serialize import dumps, run_to_dict

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig.json"
SCHEMA = "govscan/manifest/v1"
_NOT_LISTED = frozenset({MANIFEST, SIGNATURE})


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def bundle_files(root: Path) -> list[Path]:
    """Every file of the bundle except the manifest and its signature, sorted."""
    return sorted(
        (
            p
            for p in root.rglob("*")
            if p.is_file() and p.relative_to(root).as_posix() not in _NOT_LISTED
        ),
        key=lambda p: p.relative_to(root).as_posix(),
    )


def build_manifest(scan: ScanResult, root: Path) -> dict[str, Any]:
    run = run_to_dict(scan.run)
    return {
        "schema": SCHEMA,
        "govscan_version": scan.run.govscan_version,
        "run": {
            "id": run["id"],
            "started_at": run["started_at"],
            "finished_at": run["finished_at"],
            "policy": run["policy"],
            "controls_hash": run["controls_hash"],
            "policy_hash": run["policy_hash"],
            "as_of": run["as_of"],
            "targets": run["targets"],
            "identities": sorted({f"{t.collector}:{t.identity}" for t in scan.run.targets}),
        },
        "files": [
            {
                "path": p.relative_to(root).as_posix(),
                "sha256": sha256_file(p),
                "size": p.stat().st_size,
            }
            for p in bundle_files(root)
        ],
    }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The exact bytes written as ``manifest.json`` (and hashed by the signature)."""
    return dumps(manifest).encode("utf-8")
