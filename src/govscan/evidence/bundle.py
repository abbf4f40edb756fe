"""Write an evidence bundle, and read one back to re-render its reports.

Layout of a bundle (contract)::

    results.json          the results (govscan/results/v1)
    resources.jsonl.gz    what was collected, one resource per line (redacted)
    controls.json         the controls as evaluated (for re-rendering)
    api-calls.json        the API call log
    <reports>             report.html, results.sarif, junit.xml, ...
    .govscan-bundle       marker: govscan wrote this directory (listed in the manifest)
    manifest.json         SHA-256 of every file above + run metadata
    manifest.sig.json     optional DSSE envelope (Ed25519) over the manifest

The resource stream is written by the scan itself (``ResourceWriter``) while
collectors run; everything else is written here once the scan is finished,
all of it into a fresh staging directory that replaces the old bundle only
when complete (:mod:`govscan.evidence.outdir`).
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from govscan.errors import EvidenceError, StorageError
from govscan.evidence.files import API_CALLS, CONTROLS, RESOURCES, RESULTS, data_files
from govscan.evidence.manifest import (
    MANIFEST,
    MARKER,
    MARKER_BYTES,
    SIGNATURE,
    build_manifest,
    manifest_bytes,
)
from govscan.evidence.safeio import open_new, open_regular, read_regular, replace_file, write_new
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


def render_into(
    scan: ScanResult,
    out_dir: Path,
    formats: Sequence[str],
    options: ReportOptions,
    *,
    fresh: bool = True,
) -> list[Path]:
    """Write each format's report into ``out_dir``.

    ``fresh``: ``out_dir`` is a directory govscan just made, so every file is
    new (created with ``O_EXCL | O_NOFOLLOW``). Otherwise each report replaces
    its name by a rename, so a symbolic link planted there is replaced, never
    written through.
    """
    from govscan.reporters.registry import get_reporter

    written: list[Path] = []
    for fmt in formats:
        reporter = get_reporter(fmt)
        path = out_dir / reporter.filename

        def write(fh: IO[bytes], reporter: Any = reporter) -> None:
            reporter.write(scan, options, fh)

        try:
            if fresh:
                with open_new(path) as fh:
                    write(fh)
            else:
                replace_file(path, write)
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
    """Write marker, results, controls, call log and reports, then manifest and signature.

    ``out_dir`` is a directory govscan has just made and holds at most the
    resource stream (a claimed output directory's staging directory, see
    :mod:`govscan.evidence.outdir`): every file is created new, never through
    a link and never over another file. Returns the manifest's path.
    ``environ`` defaults to the process environment and is only read for
    ``GITHUB_STEP_SUMMARY``.
    """
    signer = None
    if sign_key_pem is not None:
        from govscan.evidence.signing import load_private_key

        # A bad key is a usage error: fail before anything is written.
        signer = load_private_key(sign_key_pem)
    write_new(out_dir / MARKER, MARKER_BYTES)
    for name, data in data_files(scan).items():
        write_new(out_dir / name, data)
    ordered = ["json", *[f for f in formats if f != "json"]]
    render_into(scan, out_dir, ordered, options)
    raw = manifest_bytes(build_manifest(scan, out_dir))
    write_new(out_dir / MANIFEST, raw)
    if signer is not None:
        from govscan.evidence.signing import sign_manifest_with

        write_new(out_dir / SIGNATURE, sign_manifest_with(signer, raw))
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
    large = path.is_file() and not path.is_symlink() and path.stat().st_size > spool_above
    spool: ResultSpool | MemoryResults = ResultSpool() if large else MemoryResults()
    decode = ResultDecoder()
    current = path
    try:
        doc = _read_results(path, lambda text: spool.add(decode(text)))
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
    except (OSError, ValueError) as exc:
        why = _why(current, exc)
        raise EvidenceError(f"{bundle}: unreadable bundle: {current.name}: {why}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise EvidenceError(f"{path}: malformed result: {type(exc).__name__}: {exc}") from None
    if not isinstance(doc, dict) or doc.get("schema") != "govscan/results/v1":
        schema = doc.get("schema") if isinstance(doc, dict) else None
        raise EvidenceError(f"{path}: unknown schema {schema!r}")
    try:
        scan = scan_from_dict(doc, controls, calls)
        for r in scan.results:  # a results.json laid out differently was read whole
            spool.add(r)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise EvidenceError(
            f"{bundle}: malformed bundle data: {type(exc).__name__}: {exc}"
        ) from None
    except RecursionError:
        raise EvidenceError(f"{bundle}: malformed bundle data: nested too deeply") from None
    return replace(scan, results=spool.seal())


_RESULTS_OPEN = '  "results": [\n'
_SIDE_FILE_LIMIT = 1 << 30
"""controls.json and api-calls.json are read whole; a file beyond this is not govscan's."""


def _why(path: Path, exc: Exception) -> str:
    """An OSError or JSON error in words, without repeating the path."""
    if isinstance(exc, OSError):
        if path.is_symlink():
            return "a symbolic link (never followed)"
        return str(exc.strerror or exc)
    return str(exc)


def _read_optional_json(path: Path) -> Any:
    """A JSON side file of the bundle, ``[]`` when absent; never read through a link."""
    try:
        return json.loads(read_regular(path, _SIDE_FILE_LIMIT))
    except FileNotFoundError:
        return []


def _read_results(path: Path, add: Callable[[str], Any]) -> Any:
    """results.json as govscan writes it (one result per line inside ``"results"``):
    each result line goes to ``add`` and the rest is parsed as the document, with
    ``"results"`` empty. Another layout is simply parsed whole."""
    skeleton: list[str] = []
    inside = False
    with io.TextIOWrapper(open_regular(path), encoding="utf-8") as fh:
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
    bundle: Path,
    formats: Sequence[str],
    options: ReportOptions,
    out_dir: Path | None = None,
    *,
    sign_key_pem: bytes | None = None,
) -> list[Path]:
    """``govscan report``: re-render reports from a bundle without scanning.

    ``out_dir`` ``None`` (or the bundle itself) adds the reports to the bundle
    and rewrites its manifest; see :mod:`govscan.evidence.rerender`.
    """
    from govscan.evidence.rerender import render_elsewhere, render_in_place

    if out_dir is None or _same_dir(out_dir, bundle):
        return render_in_place(bundle, formats, options, sign_key_pem=sign_key_pem)
    return render_elsewhere(bundle, formats, options, out_dir)


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
