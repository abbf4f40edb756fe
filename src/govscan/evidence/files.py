"""The names and exact bytes of the data files in an evidence bundle.

One definition serves the bundle writer and the reports that cite these files
by hash (OSCAL back-matter), so a cited hash always matches the file written.
``results.json`` is streamed, never built whole: a large scan's results stay on
disk until they are written.
"""

from __future__ import annotations

import hashlib
import io
from typing import IO

from govscan.model import ScanResult
from govscan.serialize import (
    RESULTS_SCHEMA_ID,
    Encoded,
    ResultEncoder,
    api_call_to_dict,
    control_to_dict,
    dumps,
    error_to_dict,
    run_to_dict,
    write_json,
)

RESULTS = "results.json"
RESOURCES = "resources.jsonl.gz"
CONTROLS = "controls.json"
API_CALLS = "api-calls.json"
TREND = "trend.json"
"""The history's trend the reports showed (only with a history; govscan.results.trend)."""
ATTESTATIONS = "attestations.json"
"""What each attestation claimed and each evidence file's path and SHA-256 (only with
``--attestations``; govscan.attest): evidence files are referenced by hash, not copied."""


def write_results(scan: ScanResult, fp: IO[bytes]) -> str:
    """results.json (contract ``govscan/results/v1``), written piece by piece.

    Returns the hex SHA-256 of what was written: the bundle writer hands it to
    the reports that cite results.json, so they do not serialise it again."""
    tee = _Tee(fp)
    _write_results(scan, tee)  # type: ignore[arg-type]  # only write() is used
    return tee.hash.hexdigest()


def _write_results(scan: ScanResult, fp: IO[bytes]) -> None:
    lines = scan.results.encoded()
    if lines is None:
        lines = map(ResultEncoder(), scan.results)
    write_json(
        fp,
        {
            "schema": RESULTS_SCHEMA_ID,
            "run": run_to_dict(scan.run),
            "summary": scan.summary,
            "results": Encoded(lines),
            "errors": [error_to_dict(e) for e in scan.errors],
        },
    )


def results_bytes(scan: ScanResult) -> bytes:
    """results.json of a scan as bytes (small scans and tests; the bundle streams it)."""
    buf = io.BytesIO()
    write_results(scan, buf)
    return buf.getvalue()


class _Tee:
    """Passes writes on to a file (if any) and keeps the SHA-256 of all of them."""

    def __init__(self, fp: IO[bytes] | None = None) -> None:
        self.hash = hashlib.sha256()
        self._fp = fp

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return self._fp.write(data) if self._fp is not None else len(data)


def results_sha256(scan: ScanResult) -> str:
    """Hex SHA-256 of results.json, by serialising it without keeping it (for a
    report rendered without the digest of a results.json already written)."""
    return write_results(scan, _Tee())  # type: ignore[arg-type]  # only write() is used


def controls_bytes(scan: ScanResult) -> bytes:
    return dumps([control_to_dict(c) for c in scan.controls]).encode("utf-8")


def api_calls_bytes(scan: ScanResult) -> bytes:
    return dumps([api_call_to_dict(a) for a in scan.api_calls]).encode("utf-8")


def data_files(scan: ScanResult) -> dict[str, bytes]:
    """The small bundle files derived from the ScanResult (results.json is streamed)."""
    return {CONTROLS: controls_bytes(scan), API_CALLS: api_calls_bytes(scan)}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
