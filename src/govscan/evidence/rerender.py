"""Add files to a finished bundle, keeping it verifiable (``govscan report`` into
the bundle, see :mod:`govscan.render`).

The bundle is rebuilt like a scan's: its files are linked into a staging
directory, the reports rendered there, the manifest rewritten (and signed
again when a key is given) and the result swapped in, so ``evidence verify``
still holds and a failure leaves the bundle as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from pathlib import Path

from govscan.errors import EvidenceError, StorageError, UsageError
from govscan.evidence.manifest import (
    MANIFEST,
    MARKER,
    NOT_LISTED,
    SIGNATURE,
    listed_files,
    manifest_bytes,
    plain_name,
    read_manifest,
    sha256_file,
)
from govscan.evidence.safeio import open_new, open_regular


def add_to_bundle(
    bundle: Path,
    names: Collection[str],
    write: Callable[[Path, Path], object],
    *,
    sign_key_pem: bytes | None = None,
) -> Path:
    """Add (or replace) the files ``names`` in a bundle, keeping it verifiable.

    ``write(bundle, staging)`` creates exactly those files in ``staging``; the
    bundle's other files are linked beside them, the manifest rewritten (and
    signed with ``sign_key_pem``) and the result swapped in. Any command that
    renders something from a bundle into it goes through here. Returns the
    bundle's absolute path.
    """
    from govscan.evidence.outdir import claim_output_dir
    from govscan.evidence.verify import verify_bundle

    bad = [n for n in names if not plain_name(n) or n in NOT_LISTED or n == MARKER]
    if bad:
        raise UsageError(f"{bad[0]!r} cannot be a file of a bundle")
    signer = None
    if sign_key_pem is not None:
        from govscan.evidence.signing import load_private_key

        signer = load_private_key(sign_key_pem)
    new = set(names)
    with claim_output_dir(bundle, require_bundle=True) as out:
        # Rewriting the manifest of a changed bundle would bless the change.
        check = verify_bundle(out.target)
        if not check.files_ok:
            first = next(ln for ln in check.lines() if not ln.startswith(("signature", "note")))
            raise EvidenceError(
                f"{bundle}: does not verify ({first}); its manifest is not rewritten, "
                "write the reports elsewhere with --output-dir"
            )
        raw, doc = read_manifest(out.target)
        listed, _ = listed_files(doc)
        for name in listed:
            if name not in new:
                _link_or_copy(out.target / name, out.staging / name)
        write(out.target, out.staging)
        entries = {str(e["path"]): e for e in doc["files"] if e["path"] not in new}
        for name in new:
            path = out.staging / name
            entries[name] = {"path": name, "sha256": sha256_file(path), "size": path.stat().st_size}
        new_raw = manifest_bytes({**doc, "files": [entries[n] for n in sorted(entries)]})
        _write(out.staging / MANIFEST, new_raw)
        if signer is not None:
            from govscan.evidence.signing import sign_manifest_with

            _write(out.staging / SIGNATURE, sign_manifest_with(signer, new_raw))
        elif out.previous is not None and SIGNATURE in out.previous:
            if new_raw != raw:
                raise UsageError(
                    f"{bundle}: the bundle is signed and the new files change its manifest; "
                    "give --sign-key to sign it again, or write them elsewhere with --output-dir"
                )
            _link_or_copy(out.target / SIGNATURE, out.staging / SIGNATURE)
        out.commit()
    return out.target


def _write(path: Path, data: bytes) -> None:
    with open_new(path) as fh:
        fh.write(data)


def _link_or_copy(src: Path, dst: Path) -> None:
    """``dst`` gets ``src``'s content: a hard link (no copy of a large resource stream)
    where the file system allows, else a copy; a link at ``src`` is never followed."""
    try:
        os.link(src, dst, follow_symlinks=False)
        return
    except OSError:
        pass
    try:
        with open_regular(src) as fin, open_new(dst) as fout:
            for chunk in iter(lambda: fin.read(1 << 20), b""):
                fout.write(chunk)
    except OSError as exc:
        raise StorageError.writing(dst, exc) from None


__all__ = ["add_to_bundle"]
