"""``govscan evidence push``: a verified bundle into S3 under Object Lock (compliance mode).

Rules (docs/evidence.md, "Retention"):

* Only a bundle that verifies is pushed, and only the files its manifest lists,
  then the signature, then the manifest itself: a prefix that holds a manifest
  holds the whole bundle.
* A bundle that kept personal data (``--no-redact``) is refused unless the user
  says otherwise: write-once storage cannot honour a request for erasure.
* The bucket must have Object Lock enabled; each object is written with
  ``COMPLIANCE`` retention and the manifest's SHA-256 as its checksum, so S3
  refuses content that differs from the manifest, and each stored version is
  read back (checksum, size, lock) before the push counts as done.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from govscan.errors import EvidenceError, StorageError, UsageError
from govscan.evidence.manifest import (
    MANIFEST,
    SIGNATURE,
    listed_files,
    read_manifest,
)
from govscan.evidence.pull import problems
from govscan.evidence.remote import S3Location, call
from govscan.evidence.safeio import open_regular, read_regular
from govscan.evidence.verify import SIGNATURE_LIMIT, verify_bundle

LOCK_MODE = "COMPLIANCE"
MAX_RETAIN_DAYS = 36500
PSEUDONYMISED = "pseudonymised"


@dataclass(frozen=True)
class LocalFile:
    name: str
    sha256: str
    """Hex SHA-256 the object must have."""
    data: bytes | None = None
    """The content for manifest and signature (read once, pushed as read)."""


@dataclass(frozen=True)
class LocalBundle:
    """A bundle checked for pushing: verified, and its personal data accounted for."""

    root: Path
    run_id: str
    digest: str
    """``sha256:`` of manifest.json, as the history records bundles."""
    files: tuple[LocalFile, ...]
    """In upload order: listed files by name, signature, manifest last."""


@dataclass(frozen=True)
class PushedObject:
    name: str
    key: str
    version_id: str
    sha256: str
    size: int


@dataclass(frozen=True)
class PushReport:
    url: str
    run_id: str
    bundle_digest: str
    pushed_at: datetime
    retain_until: datetime
    objects: tuple[PushedObject, ...]

    def lines(self) -> list[str]:
        until = _iso(self.retain_until)
        out = [
            f"pushed {len(self.objects)} object(s) of run {self.run_id} to {self.url} "
            f"({LOCK_MODE} retention until {until}; checksums verified)"
        ]
        out += [f"  {o.name}  version {o.version_id}" for o in self.objects]
        return out


def prepare_push(
    root: Path, public_key_pem: bytes | None, *, allow_personal_data: bool
) -> LocalBundle:
    """Check the bundle on disk: it must verify, and keep no personal data unless allowed."""
    outcome = verify_bundle(root, public_key_pem)
    if not outcome.ok:
        raise EvidenceError(
            f"{root} does not verify ({problems(outcome)}); not pushed. "
            f"See govscan evidence verify {root}"
        )
    raw, doc = read_manifest(root)
    run = doc["run"] if isinstance(doc.get("run"), dict) else {}
    _check_personal_data(root, run.get("personal_data"), allow_personal_data)
    run_id = run.get("id")
    if not isinstance(run_id, str) or not run_id or len(run_id) > 64:
        raise EvidenceError(f"{root / MANIFEST}: the manifest names no run id")
    listed, _ = listed_files(doc)
    files = [LocalFile(name, listed[name][0]) for name in sorted(listed)]
    if (root / SIGNATURE).exists():
        try:
            sig = read_regular(root / SIGNATURE, SIGNATURE_LIMIT)
        except OSError as exc:
            raise EvidenceError(f"{root / SIGNATURE}: {exc.strerror or exc}") from None
        files.append(LocalFile(SIGNATURE, hashlib.sha256(sig).hexdigest(), sig))
    digest = hashlib.sha256(raw).hexdigest()
    files.append(LocalFile(MANIFEST, digest, raw))
    return LocalBundle(root, run_id, f"sha256:{digest}", tuple(files))


def _check_personal_data(root: Path, recorded: object, allowed: bool) -> None:
    if recorded == PSEUDONYMISED or allowed:
        return
    why = (
        "it was written with --no-redact and holds personal data"
        if recorded == "kept"
        else "it does not record whether personal data was pseudonymised "
        "(written by an older govscan)"
    )
    raise UsageError(
        f"{root}: not pushed: {why}; write-once storage cannot honour a request for "
        "erasure until the retention ends. Push it anyway with --allow-personal-data"
    )


def check_bucket(client: Any, where: S3Location) -> None:
    """The bucket has Object Lock enabled and the prefix holds no bundle yet."""
    answer = call(
        client,
        where,
        "GetObjectLockConfiguration",
        unset="ObjectLockConfigurationNotFoundError",
        Bucket=where.bucket,
    )
    config = (answer or {}).get("ObjectLockConfiguration") or {}
    if config.get("ObjectLockEnabled") != "Enabled":
        raise UsageError(
            f"s3://{where.bucket}: Object Lock is not enabled on this bucket; evidence is "
            "pushed only to write-once storage (create the bucket with Object Lock enabled)"
        )
    found = call(
        client, where, "HeadObject", absent=True, Bucket=where.bucket, Key=where.key(MANIFEST)
    )
    if found is not None:
        raise UsageError(
            f"{where.url} already holds a bundle ({MANIFEST}); push each bundle to a "
            "prefix of its own, e.g. one named after its run"
        )


def retain_until(days: int, now: datetime | None = None) -> datetime:
    if not 1 <= days <= MAX_RETAIN_DAYS:
        raise UsageError(f"--retain-days must be between 1 and {MAX_RETAIN_DAYS}")
    start = (now or datetime.now(UTC)).replace(microsecond=0)
    return start + timedelta(days=days)


def push_bundle(
    client: Any, bundle: LocalBundle, where: S3Location, days: int, now: datetime | None = None
) -> PushReport:
    """Upload every file, then read each stored version back; any difference is an error."""
    pushed_at = (now or datetime.now(UTC)).replace(microsecond=0)
    until = retain_until(days, pushed_at)
    objects = tuple(_push_one(client, bundle.root, f, where, until) for f in bundle.files)
    return PushReport(where.url, bundle.run_id, bundle.digest, pushed_at, until, objects)


def _push_one(
    client: Any, root: Path, file: LocalFile, where: S3Location, until: datetime
) -> PushedObject:
    key = where.key(file.name)
    checksum = _b64(file.sha256)
    with _body(root, file) as (body, size):
        answer = call(
            client,
            where,
            "PutObject",
            Bucket=where.bucket,
            Key=key,
            Body=body,
            ContentLength=size,
            ChecksumAlgorithm="SHA256",
            ChecksumSHA256=checksum,
            ObjectLockMode=LOCK_MODE,
            ObjectLockRetainUntilDate=until,
        )
    version = str((answer or {}).get("VersionId") or "")
    if not version or version == "null":
        raise StorageError(
            f"s3://{where.bucket}/{key}: S3 returned no version id (is the bucket versioned?)"
        )
    head = call(
        client,
        where,
        "HeadObject",
        Bucket=where.bucket,
        Key=key,
        VersionId=version,
        ChecksumMode="ENABLED",
    )
    _check_stored(head or {}, f"s3://{where.bucket}/{key} (version {version})", file, size, until)
    return PushedObject(file.name, key, version, file.sha256, size)


@contextmanager
def _body(root: Path, file: LocalFile) -> Iterator[tuple[Any, int]]:
    """The upload body and its size: the bytes read for manifest and signature, else
    the file itself, opened without following a link."""
    if file.data is not None:
        yield file.data, len(file.data)
        return
    try:
        fh = open_regular(root / file.name)
    except OSError as exc:
        raise EvidenceError(f"{root / file.name}: {exc.strerror or exc}; not pushed") from None
    with fh:
        yield fh, os.fstat(fh.fileno()).st_size


def _check_stored(
    head: dict[str, Any], shown: str, file: LocalFile, size: int, until: datetime
) -> None:
    stored = head.get("ChecksumSHA256")
    if stored != _b64(file.sha256):
        got = _hex(stored) if isinstance(stored, str) else "none"
        raise StorageError(
            f"{shown}: the stored object's SHA-256 ({got[:16]}…) is not the manifest's "
            f"({file.sha256[:16]}…); the push is incomplete"
        )
    if head.get("ContentLength") != size:
        raise StorageError(f"{shown}: S3 holds {head.get('ContentLength')} bytes, not {size}")
    locked = head.get("ObjectLockRetainUntilDate")
    if head.get("ObjectLockMode") != LOCK_MODE or not isinstance(locked, datetime):
        raise StorageError(
            f"{shown}: S3 does not report {LOCK_MODE} retention for it (reading it needs "
            "s3:GetObjectRetention); the push is not verified"
        )
    if locked.astimezone(UTC).replace(microsecond=0) < until:
        raise StorageError(f"{shown}: retained only until {_iso(locked)}, not {_iso(until)}")


def _b64(hex_digest: str) -> str:
    try:
        return base64.b64encode(bytes.fromhex(hex_digest)).decode("ascii")
    except ValueError:
        raise EvidenceError(f"the manifest's SHA-256 {hex_digest[:80]!r} is not hex") from None


def _hex(b64: str) -> str:
    try:
        return base64.b64decode(b64, validate=True).hex()
    except (binascii.Error, ValueError):
        return "unreadable"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
