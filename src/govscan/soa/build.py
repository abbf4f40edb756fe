"""One Statement of Applicability from a bundle: the digest of its manifest.

The rows themselves are built by :func:`govscan.results.soa_rows.build_soa`,
below the reports, so the PDF report prints the very rows ``govscan soa``
writes; they are re-exported here for the SoA's writers.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from govscan.errors import EvidenceError
from govscan.evidence.manifest import MANIFEST
from govscan.evidence.safeio import read_regular
from govscan.results.soa_rows import ANNEX_A_ONLY as ANNEX_A_ONLY
from govscan.results.soa_rows import Soa as Soa
from govscan.results.soa_rows import SoaRow as SoaRow
from govscan.results.soa_rows import SoaRun as SoaRun
from govscan.results.soa_rows import build_soa as build_soa


def manifest_digest(bundle: Path) -> str:
    try:
        return hashlib.sha256(read_regular(bundle / MANIFEST, 64 * 1024 * 1024)).hexdigest()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise EvidenceError(f"{bundle / MANIFEST}: unreadable: {exc.strerror or exc}") from None
