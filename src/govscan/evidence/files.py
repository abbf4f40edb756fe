"""The names and exact bytes of the data files in an evidence bundle.

One definition serves the bundle writer and the reports that cite these files
by hash (OSCAL back-matter), so a cited hash always matches the file written.
"""

from __future__ import annotations

import hashlib
import weakref

from govscan.model import ScanResult
from govscan.serialize import api_call_to_dict, control_to_dict, dumps, scan_to_dict

RESULTS = "results.json"
RESOURCES = "resources.jsonl.gz"
CONTROLS = "controls.json"
API_CALLS = "api-calls.json"


_memo: dict[int, tuple[weakref.ref[ScanResult], bytes]] = {}


def results_bytes(scan: ScanResult) -> bytes:
    """results.json of a scan; remembered per ScanResult object, because the bundle, the
    JSON report and the OSCAL back-matter all need the same bytes."""
    hit = _memo.get(id(scan))
    if hit is not None and hit[0]() is scan:
        return hit[1]
    data = dumps(scan_to_dict(scan)).encode("utf-8")
    _memo.clear()
    _memo[id(scan)] = (weakref.ref(scan), data)
    return data


def controls_bytes(scan: ScanResult) -> bytes:
    return dumps([control_to_dict(c) for c in scan.controls]).encode("utf-8")


def api_calls_bytes(scan: ScanResult) -> bytes:
    return dumps([api_call_to_dict(a) for a in scan.api_calls]).encode("utf-8")


def data_files(scan: ScanResult) -> dict[str, bytes]:
    """The bundle files derived from the ScanResult alone (not the resource stream)."""
    return {
        RESULTS: results_bytes(scan),
        CONTROLS: controls_bytes(scan),
        API_CALLS: api_calls_bytes(scan),
    }


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
