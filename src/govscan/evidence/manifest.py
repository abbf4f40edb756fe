"""``manifest.json``: the SHA-256 of every file in a bundle plus the run's identity.

Shape (contract ``govscan/manifest/v1``)::

    {"schema": "govscan/manifest/v1",
     "govscan_version": "...",
     "run": {"id", "started_at", "finished_at", "policy", "controls_hash",
             "policy_hash", "as_of", "targets": [...], "identities": [...]},
     "files": [{"path", "sha256", "size"}, ...]}      sorted by path

A bundle is flat: every entry is a regular file named by a plain name. Every
file is listed except the manifest itself and its signature; the marker file
``.govscan-bundle`` is listed like the others.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from govscan.errors import EvidenceError
from govscan.evidence.safeio import NotRegular, TooLarge, open_regular, read_regular
from govscan.model import ScanResult
from govscan.serialize import dumps, run_to_dict

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig.json"
SCHEMA = "govscan/manifest/v1"
MARKER = ".govscan-bundle"
MARKER_BYTES = b"govscan/bundle/v1\n"
"""The marker's content: which tool and layout wrote the directory."""
NOT_LISTED = frozenset({MANIFEST, SIGNATURE})
MANIFEST_LIMIT = 16 * 1024 * 1024
"""A govscan manifest lists a dozen files; anything this large is not one."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def plain_name(name: str) -> bool:
    """A name directly inside the bundle: no separator, no ``..``, no NUL."""
    return (
        bool(name)
        and name not in (".", "..")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
    )


def bundle_files(root: Path) -> list[Path]:
    """The regular files of a bundle directory we wrote, except manifest and signature."""
    with os.scandir(root) as it:
        names = [e.name for e in it if e.is_file(follow_symlinks=False)]
    return [root / n for n in sorted(names) if n not in NOT_LISTED]


def read_manifest(root: Path) -> tuple[bytes, dict[str, Any]]:
    """The manifest's exact bytes and its document; any problem is one ``EvidenceError``."""
    path = root / MANIFEST
    if not root.is_dir():
        raise EvidenceError(f"{root}: no such bundle directory")
    try:
        raw = read_regular(path, MANIFEST_LIMIT)
    except FileNotFoundError:
        raise EvidenceError(f"{root}: no {MANIFEST}; not a govscan evidence bundle") from None
    except (NotRegular, TooLarge) as exc:
        raise EvidenceError(f"{path}: not a govscan manifest ({exc.strerror or exc})") from None
    except OSError as exc:
        # O_NOFOLLOW on a symbolic link fails with ELOOP
        why = "a symbolic link" if path.is_symlink() else exc.strerror
        raise EvidenceError(f"{path}: not a govscan manifest ({why})") from None
    try:
        doc = json.loads(raw)
    except RecursionError:
        raise EvidenceError(f"{path}: not a valid govscan manifest (nested too deeply)") from None
    except ValueError:
        doc = None
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        raise EvidenceError(f"{path}: not a valid govscan manifest")
    return raw, doc


def listed_files(doc: dict[str, Any]) -> tuple[dict[str, tuple[str, int | None]], list[str]]:
    """``(name -> (sha256, size), invalid entries)`` of a manifest's ``files``.

    Only plain names count; a path with a separator, ``..``, the manifest or
    signature themselves, or a name listed twice is invalid.
    """
    listed: dict[str, tuple[str, int | None]] = {}
    invalid: list[str] = []
    for entry in doc["files"]:
        try:
            rel, digest = entry["path"], entry["sha256"]
            size = entry.get("size")
        except (KeyError, TypeError, AttributeError):
            invalid.append(repr(entry)[:200])
            continue
        if not isinstance(rel, str) or not isinstance(digest, str):
            invalid.append(repr(entry)[:200])
        elif not plain_name(rel) or rel in NOT_LISTED or rel in listed:
            invalid.append(rel)
        else:
            listed[rel] = (digest, size if isinstance(size, int) else None)
    return listed, invalid


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
        }
        | ({"personal_data": run["personal_data"]} if "personal_data" in run else {})
        | _shard(scan),
        "files": [
            {"path": p.name, "sha256": sha256_file(p), "size": p.stat().st_size}
            for p in bundle_files(root)
        ],
    }


def _shard(scan: ScanResult) -> dict[str, Any]:
    """A shard's place in its plan; a merged bundle's shards, by their manifests' digests."""
    shard = scan.run.shard
    if shard is None:
        return {}
    doc: dict[str, Any] = {
        "plan_digest": shard.plan_digest,
        "index": shard.index,
        "count": shard.count,
    }
    if shard.merged:
        doc["merged"] = [{"index": i, "manifest": d} for i, d in enumerate(shard.merged, 1)]
    return {"shard": doc}


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The exact bytes written as ``manifest.json`` (and hashed by the signature)."""
    return dumps(manifest).encode("utf-8")
