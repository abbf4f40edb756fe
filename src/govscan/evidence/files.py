"""The names and exact bytes of the data files in an evidence bundle.

One definition serves the bundle writer and the reports that cite these files
by hash (OSCAL back-matter), so a cited hash always matches the file written.
``results.json`` is streamed, never built whole: a large scan's results stay on
disk until they are written.
"""

from __future__ import annotations

import hashlib
import io
import weakref
from typing import IO

from govscan.model import ScanResult
from govscan.serialize import (
    RESULTS_SCHEMA_ID,
    Encoded,
    api_call_to_dict,
    control_to_dict,
    dumps,
    encode_compact,
    error_to_dict,
    result_to_dict,
    run_to_dict,
    write_json,
)

RESULTS = "results.json"
RESOURCES = "resources.jsonl.gz"
CONTROLS = "controls.json"
API_CALLS = "api-calls.json"


def write_results(scan: ScanResult, fp: IO[bytes]) -> None:
    """results.json (contract ``govscan/results/v1``), written piece by piece."""
    lines = scan.results.encoded()
    if lines is None:
        lines = (encode_compact(result_to_dict(r)) for r in scan.results)
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


class _Digest:
    """A write-only file that keeps only the SHA-256 of what it was given."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return len(data)


_digests: dict[int, tuple[weakref.ref[ScanResult], str]] = {}


def results_sha256(scan: ScanResult) -> str:
    """Hex SHA-256 of results.json; remembered per ScanResult, because the bundle
    manifest and the OSCAL back-matter both cite it."""
    hit = _digests.get(id(scan))
    if hit is not None and hit[0]() is scan:
        return hit[1]
    sink = _Digest()
    write_results(scan, sink)  # type: ignore[arg-type]  # only write() is used
    digest = sink.hash.hexdigest()
    _digests.clear()
    _digests[id(scan)] = (weakref.ref(scan), digest)
    return digest


def controls_bytes(scan: ScanResult) -> bytes:
    return dumps([control_to_dict(c) for c in scan.controls]).encode("utf-8")


def api_calls_bytes(scan: ScanResult) -> bytes:
    return dumps([api_call_to_dict(a) for a in scan.api_calls]).encode("utf-8")


def data_files(scan: ScanResult) -> dict[str, bytes]:
    """The small bundle files derived from the ScanResult (results.json is streamed)."""
    return {CONTROLS: controls_bytes(scan), API_CALLS: api_calls_bytes(scan)}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
