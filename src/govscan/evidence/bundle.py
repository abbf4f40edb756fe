"""Write an evidence bundle, and read one back to re-render its reports.

Layout of a bundle (contract)::

    results.json          the results (govscan/results/v1)
    resources.jsonl.gz    what was collected, one resource per line (redacted)
    controls.json         the controls as evaluated (for re-rendering)
    api-calls.json        the API call log
    <reports>             report.html, results.sarif, junit.xml, ...
    manifest.json         SHA-256 of every file above + run metadata
    manifest.sig.json     optional DSSE envelope (Ed25519) over the manifest

The resource stream is written by the scan itself (``ResourceWriter``) while
collectors run; everything else is written here once the scan is finished.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from govscan.errors import EvidenceError, StorageError, UsageError
from govscan.evidence.files import API_CALLS, CONTROLS, RESOURCES, RESULTS, data_files
from govscan.evidence.manifest import MANIFEST, SIGNATURE, build_manifest, manifest_bytes
from govscan.model import ScanResult
from govscan.reporters.interface import ReportOptions

log = logging.getLogger(__name__)

__all__ = [
    "API_CALLS",
    "CONTROLS",
    "RESOURCES",
    "RESULTS",
    "load_scan",
    "render_formats",
    "render_into",
    "write_bundle",
    "write_step_summary",
]

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def _previous_files(out_dir: Path) -> set[str]:
    """Files a previous bundle in this directory listed (unreadable manifest: none)."""
    try:
        doc = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {str(f["path"]) for f in doc["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _remove_stale(out_dir: Path, stale: set[str]) -> None:
    """Remove files of an earlier bundle that this run did not write again.

    Only files the earlier manifest listed are touched, and only inside the
    bundle directory, so a user's own files are never deleted.
    """
    root = out_dir.resolve()
    for rel in sorted(stale):
        target = (out_dir / rel).resolve()
        if root in target.parents and target.is_file():
            log.debug("removing %s left over from an earlier bundle", rel)
            target.unlink()


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise StorageError.writing(path, exc) from None


def render_into(
    scan: ScanResult, out_dir: Path, formats: Sequence[str], options: ReportOptions
) -> list[Path]:
    from govscan.reporters.registry import get_reporter

    written: list[Path] = []
    for fmt in formats:
        reporter = get_reporter(fmt)
        path = out_dir / reporter.filename
        try:
            with path.open("wb") as fh:
                reporter.write(scan, options, fh)
        except OSError as exc:
            raise StorageError.writing(path, exc) from None
        written.append(path)
    return written


def write_step_summary(
    scan: ScanResult, options: ReportOptions, environ: Mapping[str, str] | None = None
) -> Path | None:
    """Append the Markdown summary to ``$GITHUB_STEP_SUMMARY`` when it is set.

    A CI summary is a convenience: failing to write it is logged, never fatal.
    """
    env = os.environ if environ is None else environ
    target = env.get(STEP_SUMMARY_ENV, "")
    if not target:
        return None
    from govscan.reporters.markdown import MarkdownReporter

    path = Path(target)
    try:
        with path.open("ab") as fh:
            MarkdownReporter().write(scan, options, fh)
    except OSError as exc:
        log.warning("cannot write the job summary to %s: %s", path, exc.strerror)
        return None
    return path


def write_bundle(
    scan: ScanResult,
    out_dir: Path,
    formats: Sequence[str],
    options: ReportOptions,
    *,
    sign_key_pem: bytes | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """Write results, controls, call log and reports, then the manifest and signature.

    Returns the manifest's path. ``environ`` defaults to the process
    environment and is only read for ``GITHUB_STEP_SUMMARY``.
    """
    signer = None
    if sign_key_pem is not None:
        from govscan.evidence.signing import load_private_key

        # A bad key is a usage error: fail before anything is written.
        signer = load_private_key(sign_key_pem)
    previous = _previous_files(out_dir)
    written = {RESOURCES} if (out_dir / RESOURCES).is_file() else set()
    for name, data in data_files(scan).items():
        _write_bytes(out_dir / name, data)
        written.add(name)
    ordered = ["json", *[f for f in formats if f != "json"]]
    for path in render_into(scan, out_dir, ordered, options):
        written.add(path.name)
    _remove_stale(out_dir, previous - written)
    signature = out_dir / SIGNATURE
    if signature.exists():
        signature.unlink()
    manifest = build_manifest(scan, out_dir)
    raw = manifest_bytes(manifest)
    _write_bytes(out_dir / MANIFEST, raw)
    if signer is not None:
        from govscan.evidence.signing import sign_manifest_with

        _write_bytes(signature, sign_manifest_with(signer, raw))
    write_step_summary(scan, options, environ)
    return out_dir / MANIFEST


SPOOL_ABOVE_BYTES = 16 * 1024 * 1024
"""results.json larger than this (about 25,000 results) is read into a result spool."""


def load_scan(bundle: Path, spool_above: int = SPOOL_ABOVE_BYTES) -> ScanResult:
    """Rebuild the ScanResult of a bundle, exactly as it was rendered at scan time.

    The results of a large bundle go into a result spool line by line, so
    re-rendering it needs no more memory than the scan did; a small one is read
    into memory, which is faster."""
    from dataclasses import replace

    from govscan.engine.scan import MemoryResults
    from govscan.engine.spool import ResultSpool
    from govscan.serialize import ResultDecoder, scan_from_dict

    if not bundle.is_dir():
        raise EvidenceError(f"{bundle}: no such bundle directory")
    path = bundle / RESULTS
    large = path.is_file() and path.stat().st_size > spool_above
    spool: ResultSpool | MemoryResults = ResultSpool() if large else MemoryResults()
    decode = ResultDecoder()
    try:
        doc = _read_results(path, lambda text: spool.add(decode(text)))
        controls_path = bundle / CONTROLS
        controls = (
            json.loads(controls_path.read_text(encoding="utf-8")) if controls_path.exists() else []
        )
        calls_path = bundle / API_CALLS
        calls = json.loads(calls_path.read_text(encoding="utf-8")) if calls_path.exists() else []
    except FileNotFoundError as exc:
        raise EvidenceError(
            f"{bundle}: not a govscan bundle ({Path(str(exc.filename)).name} is missing)"
        ) from None
    except (OSError, ValueError) as exc:
        raise EvidenceError(f"{bundle}: unreadable bundle: {exc}") from None
    except (KeyError, TypeError) as exc:
        raise EvidenceError(f"{path}: malformed result: {type(exc).__name__}: {exc}") from None
    if not isinstance(doc, dict) or doc.get("schema") != "govscan/results/v1":
        schema = doc.get("schema") if isinstance(doc, dict) else None
        raise EvidenceError(f"{path}: unknown schema {schema!r}")
    try:
        scan = scan_from_dict(doc, controls, calls)
        for r in scan.results:  # a results.json laid out differently was read whole
            spool.add(r)
    except (KeyError, ValueError, TypeError) as exc:
        raise EvidenceError(
            f"{bundle}: malformed bundle data: {type(exc).__name__}: {exc}"
        ) from None
    return replace(scan, results=spool.seal())


_RESULTS_OPEN = '  "results": [\n'


def _read_results(path: Path, add: Callable[[str], Any]) -> Any:
    """results.json as govscan writes it (one result per line inside ``"results"``):
    each result line goes to ``add`` and the rest is parsed as the document, with
    ``"results"`` empty. Another layout is simply parsed whole."""
    skeleton: list[str] = []
    inside = False
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not inside:
                if line == _RESULTS_OPEN:
                    inside = True
                    skeleton.append('  "results": ')
                else:
                    skeleton.append(line)
                continue
            text = line.strip()
            if text in ("]", "],"):
                inside = False
                skeleton.append("[]" + text[1:] + "\n")
            elif text:
                add(text[:-1] if text.endswith(",") else text)
    return json.loads("".join(skeleton))


def render_formats(
    bundle: Path, formats: Sequence[str], options: ReportOptions, out_dir: Path | None = None
) -> list[Path]:
    """``govscan report``: re-render reports from a bundle without scanning.

    Rendering into the bundle itself replaces files the manifest lists; with
    the same options the bytes are identical, so the bundle still verifies.
    """
    scan = load_scan(bundle)
    target = out_dir or bundle
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {target}: {exc.strerror}") from None
    return render_into(scan, target, formats, options)
