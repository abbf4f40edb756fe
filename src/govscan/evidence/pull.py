"""``govscan evidence pull``: a pushed bundle back onto disk, verified before it lands.

The objects come from storage someone else may write to, so they are hostile:
only the plain file names the manifest lists are fetched, each no larger than the
manifest says, into a staging directory beside the target (``evidence/outdir.py``).
The bundle is verified there; only a bundle that verifies is moved into place, and
only into a new or empty directory (a pull never replaces anything).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govscan.errors import EvidenceError, StorageError, UsageError
from govscan.evidence.manifest import MANIFEST, MANIFEST_LIMIT, SIGNATURE, listed_files
from govscan.evidence.outdir import claim_output_dir
from govscan.evidence.remote import S3Location, call, remote_error
from govscan.evidence.safeio import open_new
from govscan.evidence.verify import SIGNATURE_LIMIT, VerifyReport, verify_bundle

FILE_LIMIT = 64 * 1024**3
"""Cap for a file whose manifest entry gives no size."""
_CHUNK = 1 << 20


@dataclass(frozen=True)
class PullReport:
    url: str
    target: Path
    run_id: str
    versions: tuple[tuple[str, str], ...]
    """``(file name, version id)`` of every object fetched."""
    outcome: VerifyReport

    def lines(self) -> list[str]:
        return [
            f"pulled {len(self.versions)} object(s) of run {self.run_id} from {self.url} "
            f"into {self.target}",
            f"signature: {self.outcome.signature}",
            f"OK: {self.outcome.checked} file(s) listed in {MANIFEST} verified",
        ]


def pull_bundle(
    client: Any, where: S3Location, target: Path, public_key_pem: bytes | None = None
) -> PullReport:
    """Fetch the bundle at ``where`` into the new directory ``target`` and verify it."""
    _refuse_existing(target)
    with claim_output_dir(target) as claim:
        if claim.previous:  # something arrived since the check above
            _refuse_existing(target)
        staging = claim.staging
        raw, versions = _fetch(client, where, MANIFEST, staging, MANIFEST_LIMIT)
        if not versions:
            raise EvidenceError(f"{where.url}: no {MANIFEST} there; no govscan bundle to pull")
        doc = _manifest(raw, where)
        listed, invalid = listed_files(doc)
        if invalid:
            raise EvidenceError(
                f"{where.url}: its manifest lists {invalid[0]!r}, which is not a plain file "
                f"name; nothing was written to {target}"
            )
        for name in sorted(listed):
            size = listed[name][1]
            limit = size if size is not None and size >= 0 else FILE_LIMIT
            _, got = _fetch(client, where, name, staging, limit)
            versions += got
        _, got = _fetch(client, where, SIGNATURE, staging, SIGNATURE_LIMIT)
        versions += got
        outcome = verify_bundle(staging, public_key_pem)
        if not outcome.ok:
            raise EvidenceError(_refusal(where, target, outcome))
        claim.commit()
    run = doc.get("run")
    run_id = run.get("id") if isinstance(run, dict) else None
    shown = run_id[:64] if isinstance(run_id, str) else "?"
    return PullReport(where.url, target, shown, versions, outcome)


def _refuse_existing(target: Path) -> None:
    try:
        with os.scandir(target) as it:
            empty = next(it, None) is None
    except FileNotFoundError:
        return
    except NotADirectoryError:
        empty = False
    except OSError as exc:
        raise UsageError(f"{target}: cannot read it: {exc.strerror}") from None
    if not empty:
        raise UsageError(
            f"{target}: refusing to write there: a pull writes only into a new or empty "
            "directory; choose another one"
        )


def _fetch(
    client: Any,
    where: S3Location,
    name: str,
    staging: Path,
    limit: int,
) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    """Write the object ``name`` into ``staging``, at most ``limit`` bytes plus one (so
    an oversized object shows as changed, never fills the disk); a missing object is
    left for verification to report. Returns the manifest's bytes (only those are kept)
    and the version fetched."""
    answer = call(client, where, "GetObject", absent=True, Bucket=where.bucket, Key=where.key(name))
    if answer is None:
        return b"", ()
    body = answer["Body"]
    kept = bytearray()
    try:
        with open_new(staging / name) as out:
            left = limit + 1
            while left > 0:
                chunk = _read(body, min(_CHUNK, left), where)
                if not chunk:
                    break
                out.write(chunk)
                left -= len(chunk)
                if name == MANIFEST:
                    kept += chunk
    except OSError as exc:
        raise StorageError.writing(staging / name, exc) from None
    finally:
        body.close()
    if name == MANIFEST and len(kept) > limit:
        raise EvidenceError(f"{where.show(name)}: larger than any govscan manifest; not pulled")
    return bytes(kept), ((name, str(answer.get("VersionId") or "")),)


def _read(body: Any, size: int, where: S3Location) -> bytes:
    from botocore.exceptions import BotoCoreError

    try:
        data: bytes = body.read(size)
    except (BotoCoreError, OSError) as exc:
        raise remote_error(exc, where, "GetObject") from None
    return data


def _manifest(raw: bytes, where: S3Location) -> dict[str, Any]:
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        doc = None
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        raise EvidenceError(f"{where.show(MANIFEST)}: not a valid govscan manifest")
    return doc


def _refusal(where: S3Location, target: Path, outcome: VerifyReport) -> str:
    return f"{where.url} does not verify ({problems(outcome)}); it was not written to {target}"


def problems(outcome: VerifyReport) -> str:
    """The first difference a verification found, and how many more."""
    found = [ln for ln in outcome.lines()[:-1] if not ln.startswith(("signature:", "note:"))]
    if outcome.signature_ok is False:
        found.append(f"signature: {outcome.signature}")
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return f"{found[0]}{more}" if found else "unknown problem"
