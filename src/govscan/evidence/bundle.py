"""Write an evidence bundle, and read one back to re-render its reports.

Layout of a bundle (contract)::

    results.json          the results (govscan/results/v1)
    resources.jsonl.gz    what was collected, one resource per line (redacted)
    controls.json         the controls as evaluated (for re-rendering)
    api-calls.json        the API call log
    trend.json            only with a history: the trend the HTML report shows
    <reports>             report.html, results.sarif, junit.xml, ...
    .govscan-bundle       marker: govscan wrote this directory (listed in the manifest)
    manifest.json         SHA-256 of every file above + run metadata
    manifest.sig.json     optional DSSE envelope (Ed25519) over the manifest

The resource stream is written by the scan itself (``ResourceWriter``) while
collectors run; the data files, manifest and signature are written here once
the scan is finished, the reports by the caller's ``reports`` step (the bundle
never renders a report: :mod:`govscan.render` does), all of it into a fresh
staging directory that replaces the old bundle only when complete
(:mod:`govscan.evidence.outdir`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import ijson  # type: ignore[import-untyped]

from govscan.errors import EvidenceError
from govscan.evidence.files import (
    API_CALLS,
    CONTROLS,
    RESOURCES,
    RESULTS,
    data_files,
    write_results,
)
from govscan.evidence.manifest import (
    MANIFEST,
    MARKER,
    MARKER_BYTES,
    SIGNATURE,
    build_manifest,
    manifest_bytes,
)
from govscan.evidence.safeio import open_new, open_regular, read_regular, write_new
from govscan.model import ScanResult
from govscan.results.memory import MemoryResults
from govscan.results.spool import ResultSpool
from govscan.serialize import ResultDecoder, scan_from_dict

__all__ = [
    "API_CALLS",
    "CONTROLS",
    "RESOURCES",
    "RESULTS",
    "load_scan",
    "write_bundle",
]


def write_bundle(
    scan: ScanResult,
    out_dir: Path,
    reports: Callable[[Path, str], object],
    *,
    sign_key_pem: bytes | None = None,
) -> Path:
    """Write marker, results, controls and call log, let ``reports`` add its files,
    then write manifest and signature.

    ``out_dir`` is a directory govscan has just made and holds at most the
    resource stream (a claimed output directory's staging directory, see
    :mod:`govscan.evidence.outdir`): every file is created new, never through
    a link and never over another file. ``reports(out_dir, results_sha256)``
    writes the reports, each a new file; it gets the digest of the results.json
    just written, which reports cite. Returns the manifest's path.
    """
    signer = None
    if sign_key_pem is not None:
        from govscan.evidence.signing import load_private_key  # cryptography: only to sign

        # A bad key is a usage error: fail before anything is written.
        signer = load_private_key(sign_key_pem)
    write_new(out_dir / MARKER, MARKER_BYTES)
    with open_new(out_dir / RESULTS) as fh:
        results_sha256 = write_results(scan, fh)
    for name, data in data_files(scan).items():
        write_new(out_dir / name, data)
    reports(out_dir, results_sha256)
    raw = manifest_bytes(build_manifest(scan, out_dir))
    write_new(out_dir / MANIFEST, raw)
    if signer is not None:
        from govscan.evidence.signing import sign_manifest_with

        write_new(out_dir / SIGNATURE, sign_manifest_with(signer, raw))
    return out_dir / MANIFEST


SPOOL_ABOVE_BYTES = 16 * 1024 * 1024
"""results.json larger than this (about 25,000 results) is read into a result spool."""


def load_scan(bundle: Path, spool_above: int = SPOOL_ABOVE_BYTES) -> ScanResult:
    """Rebuild the ScanResult of a bundle, exactly as it was rendered at scan time.

    The results of a large bundle go into a result spool one at a time, so
    re-rendering it needs no more memory than the scan did; a small one is read
    into memory, which is faster. results.json is read with a streaming JSON
    parser, whatever its layout: no result is held twice."""
    if not bundle.is_dir():
        raise EvidenceError(f"{bundle}: no such bundle directory")
    path = bundle / RESULTS
    large = path.is_file() and not path.is_symlink() and path.stat().st_size > spool_above
    spool: ResultSpool | MemoryResults = ResultSpool() if large else MemoryResults()
    decode = ResultDecoder()
    current = path
    try:
        doc = _read_results(path, lambda item: spool.add(decode.from_dict(item)))
        current = bundle / CONTROLS
        controls = _read_optional_json(current)
        current = bundle / API_CALLS
        calls = _read_optional_json(current)
    except FileNotFoundError as exc:
        raise EvidenceError(
            f"{bundle}: not a govscan bundle ({Path(str(exc.filename)).name} is missing)"
        ) from None
    except RecursionError:
        why = "JSON nested too deeply"
        raise EvidenceError(f"{bundle}: unreadable bundle: {current.name}: {why}") from None
    except (OSError, ValueError, ijson.JSONError) as exc:
        why = _why(current, exc)
        raise EvidenceError(f"{bundle}: unreadable bundle: {current.name}: {why}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise EvidenceError(f"{path}: malformed result: {type(exc).__name__}: {exc}") from None
    if not isinstance(doc, dict) or doc.get("schema") != "govscan/results/v1":
        schema = doc.get("schema") if isinstance(doc, dict) else None
        raise EvidenceError(f"{path}: unknown schema {schema!r}")
    try:
        scan = scan_from_dict(doc, controls, calls)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise EvidenceError(
            f"{bundle}: malformed bundle data: {type(exc).__name__}: {exc}"
        ) from None
    except RecursionError:
        raise EvidenceError(f"{bundle}: malformed bundle data: nested too deeply") from None
    return replace(scan, results=spool.seal())


_SIDE_FILE_LIMIT = 1 << 30
"""controls.json and api-calls.json are read whole; a file beyond this is not govscan's."""


def _why(path: Path, exc: Exception) -> str:
    """An OSError or JSON error in words, without repeating the path."""
    if isinstance(exc, OSError):
        if path.is_symlink():
            return "a symbolic link (never followed)"
        return str(exc.strerror or exc)
    # The streaming parser quotes the input under its message: keep the message.
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _read_optional_json(path: Path) -> Any:
    """A JSON side file of the bundle, ``[]`` when absent; never read through a link."""
    try:
        return json.loads(read_regular(path, _SIDE_FILE_LIMIT))
    except FileNotFoundError:
        return []


_MAX_DEPTH = 500
"""Nesting govscan never writes (as deep as the standard parser goes, about): a value
built deeper would only fail later, in code that recurses over it."""


def _read_results(path: Path, add: Callable[[Any], object]) -> Any:
    """results.json parsed as a stream: each item of the top-level ``"results"``
    array goes to ``add`` as soon as it is read, and the rest is returned as the
    document with ``"results"`` empty. A top-level value that is not an object is
    returned whole (and refused by the caller)."""
    with open_regular(path) as fh:
        events = ijson.basic_parse(fh, use_float=True)
        event, value = next(events)
        if event != "start_map":
            return _finish(_value(event, value, events), events)
        doc: dict[str, Any] = {}
        key: str = ""
        for event, value in events:
            if event == "end_map":
                break
            if event == "map_key":
                key = value
            elif key == "results" and event == "start_array":
                for item in _items(events):
                    add(item)
                doc[key] = []
            else:
                doc[key] = _value(event, value, events)
        return _finish(doc, events)


def _finish(doc: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """``doc``, once the parser has confirmed nothing but whitespace follows it."""
    for _ in events:
        pass
    return doc


def _items(events: Iterator[tuple[str, Any]]) -> Iterator[Any]:
    """The values of an array whose ``start_array`` was just read, one at a time."""
    for event, value in events:
        if event == "end_array":
            return
        yield _value(event, value, events)


def _value(event: str, value: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """One JSON value, starting with the event just read."""
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1 if event in ("start_map", "start_array") else 0
    while depth:
        event, value = next(events)
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > _MAX_DEPTH:
                raise RecursionError("JSON nested too deeply")
        elif event in ("end_map", "end_array"):
            depth -= 1
    return builder.value
