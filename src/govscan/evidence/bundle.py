"""Write an evidence bundle, and read one back to re-render its reports.

Layout of a bundle (contract)::

    results.json          the results (govscan/results/v1)
    resources.jsonl.gz    what was collected, one resource per line
    controls.json         the controls as evaluated (for re-rendering)
    api-calls.json        the API call log
    <reports>             report.html, results.sarif, junit.xml, ...
    manifest.json         SHA-256 of every file above + run metadata
    manifest.sig.json     optional DSSE envelope (Ed25519) over the manifest
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

from govscan.errors import EvidenceError, UsageError
from govscan.evidence.manifest import MANIFEST, SIGNATURE, build_manifest
from govscan.model import ScanResult
from govscan.reporters.interface import ReportOptions
from govscan.serialize import api_call_to_dict, control_to_dict, dumps, scan_from_dict

log = logging.getLogger(__name__)

RESULTS = "results.json"
RESOURCES = "resources.jsonl.gz"
CONTROLS = "controls.json"
API_CALLS = "api-calls.json"


def clear_previous(out_dir: Path) -> None:
    """Remove the files a previous bundle in this directory listed, and nothing else."""
    manifest = out_dir / MANIFEST
    if not manifest.is_file():
        return
    try:
        listed = [f["path"] for f in json.loads(manifest.read_text())["files"]]
    except (ValueError, KeyError, TypeError):
        return
    for rel in [*listed, MANIFEST, SIGNATURE]:
        target = (out_dir / rel).resolve()
        if out_dir.resolve() in target.parents and target.is_file():
            target.unlink()


def _write(path: Path, data: bytes, written: list[Path]) -> None:
    path.write_bytes(data)
    written.append(path)


def render_into(
    scan: ScanResult, out_dir: Path, formats: Sequence[str], options: ReportOptions
) -> list[Path]:
    from govscan.reporters.registry import get_reporter

    written: list[Path] = []
    for fmt in formats:
        reporter = get_reporter(fmt)
        _write(out_dir / reporter.filename, reporter.render(scan, options), written)
    return written


def write_bundle(
    scan: ScanResult,
    out_dir: Path,
    formats: Sequence[str],
    options: ReportOptions,
    *,
    sign_key_pem: bytes | None = None,
) -> Path:
    """Write results, controls, call log and reports, then the manifest and signature."""
    written: list[Path] = []
    _write(out_dir / CONTROLS, dumps([control_to_dict(c) for c in scan.controls]).encode(), written)
    _write(
        out_dir / API_CALLS, dumps([api_call_to_dict(a) for a in scan.api_calls]).encode(), written
    )
    render_into(scan, out_dir, ["json", *[f for f in formats if f != "json"]], options)
    manifest = build_manifest(scan, out_dir)
    manifest_bytes = dumps(manifest).encode("utf-8")
    (out_dir / MANIFEST).write_bytes(manifest_bytes)
    if sign_key_pem is not None:
        from govscan.evidence.signing import sign_manifest

        (out_dir / SIGNATURE).write_bytes(sign_manifest(manifest, manifest_bytes, sign_key_pem))
    return out_dir / MANIFEST


def load_scan(bundle: Path) -> ScanResult:
    """Rebuild the ScanResult of a bundle, exactly as it was rendered at scan time."""
    try:
        doc = json.loads((bundle / RESULTS).read_text(encoding="utf-8"))
        controls = json.loads((bundle / CONTROLS).read_text(encoding="utf-8"))
        calls_path = bundle / API_CALLS
        calls = json.loads(calls_path.read_text(encoding="utf-8")) if calls_path.exists() else []
    except FileNotFoundError as exc:
        raise EvidenceError(
            f"{bundle}: not a govscan bundle ({Path(exc.filename).name} is missing)"
        ) from None
    except ValueError as exc:
        raise EvidenceError(f"{bundle}: unreadable bundle: {exc}") from None
    if doc.get("schema") != "govscan/results/v1":
        raise EvidenceError(f"{bundle / RESULTS}: unknown schema {doc.get('schema')!r}")
    return scan_from_dict(doc, controls, calls)


def render_formats(
    bundle: Path, formats: Sequence[str], options: ReportOptions, out_dir: Path | None = None
) -> list[Path]:
    """``govscan report``: re-render reports from a bundle without scanning."""
    scan = load_scan(bundle)
    target = out_dir or bundle
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {target}: {exc.strerror}") from None
    return render_into(scan, target, formats, options)
