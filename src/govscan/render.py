"""Reports rendered into a bundle or beside it: the wiring between the evidence
writer and the reporters, so that neither imports the other's job.

A scan's bundle is written by :func:`write_scan_bundle` (data files by
:mod:`govscan.evidence.bundle`, reports here, manifest last); ``govscan report``
re-renders a bundle's reports through :func:`render_formats`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO

from govscan.errors import EvidenceError, StorageError, UsageError
from govscan.evidence.attestations import read_attestations
from govscan.evidence.bundle import load_scan, write_bundle
from govscan.evidence.files import TREND
from govscan.evidence.rerender import add_to_bundle
from govscan.evidence.safeio import open_new, read_regular, replace_file
from govscan.model import ScanResult
from govscan.reporters.interface import Reporter, ReportOptions
from govscan.reporters.markdown import MarkdownReporter
from govscan.reporters.registry import get_reporter
from govscan.results.trend import TrendData, trend_from_json, trend_to_json

log = logging.getLogger(__name__)

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"

# results.json is a report format too, but in a bundle the evidence writer owns it.
_RESULTS_FORMAT = "json"


def write_scan_bundle(
    scan: ScanResult,
    out_dir: Path,
    formats: Sequence[str],
    options: ReportOptions,
    *,
    sign_key_pem: bytes | None = None,
    environ: Mapping[str, str] | None = None,
    trend: TrendData | None = None,
) -> Path:
    """The whole bundle of a finished scan in ``out_dir`` (a directory govscan just
    made), then the CI job summary. Returns the manifest's path.

    The reports get results.json's digest from the writer that wrote it, so the
    OSCAL back-matter cites exactly the file in the bundle. A ``trend`` (from the
    history) is kept as trend.json, so the report re-renders without the history."""
    wanted = [f for f in formats if f != _RESULTS_FORMAT]
    if trend is not None:
        options = replace(options, trend=trend)

    def reports(directory: Path, results_sha256: str) -> None:
        if trend is not None:
            _write_new(directory / TREND, trend_to_json(trend))
        opts = replace(options, results_sha256=results_sha256)
        render_into(scan, directory, wanted, _with_attestations(directory, opts, wanted))

    manifest = write_bundle(scan, out_dir, reports, sign_key_pem=sign_key_pem)
    write_step_summary(scan, options, environ)
    return manifest


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
    written: list[Path] = []
    for fmt in formats:
        reporter = get_reporter(fmt)
        path = out_dir / reporter.filename

        def write(fh: IO[bytes], reporter: Reporter = reporter) -> None:
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
    path = Path(target)
    try:
        with path.open("ab") as fh:
            MarkdownReporter().write(scan, options, fh)
    except OSError as exc:
        log.warning("cannot write the job summary to %s: %s", path, exc.strerror)
        return None
    return path


def render_formats(
    bundle: Path,
    formats: Sequence[str],
    options: ReportOptions,
    out_dir: Path | None = None,
    *,
    sign_key_pem: bytes | None = None,
    history_trend: Callable[[ScanResult], TrendData] | None = None,
) -> list[Path]:
    """``govscan report``: re-render reports from a bundle without scanning.

    ``out_dir`` ``None`` (or the bundle itself) adds the reports to the bundle
    and rewrites its manifest (see :func:`govscan.evidence.rerender.add_to_bundle`).
    The trend is the bundle's trend.json, unless ``history_trend`` reads one from a
    history for the bundle's scan (a periodic report); written into the bundle
    with the HTML report, that trend replaces its trend.json.
    """
    if out_dir is None or _same_dir(out_dir, bundle):
        return render_in_place(
            bundle, formats, options, sign_key_pem=sign_key_pem, history_trend=history_trend
        )
    return render_elsewhere(bundle, formats, options, out_dir, history_trend)


def load_trend(bundle: Path) -> TrendData | None:
    """The bundle's trend.json, None when it has none."""
    try:
        return trend_from_json(read_regular(bundle / TREND, _TREND_LIMIT))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise EvidenceError(
            f"{bundle}: unreadable bundle: {TREND}: {exc.strerror or exc}"
        ) from None
    except ValueError as exc:
        raise EvidenceError(f"{bundle}: unreadable bundle: {TREND}: {exc}") from None


_TREND_LIMIT = 64 << 20
"""A year of daily runs is well below a megabyte; more is not govscan's."""


def _with_trend(
    scan: ScanResult,
    bundle: Path,
    options: ReportOptions,
    history_trend: Callable[[ScanResult], TrendData] | None,
    formats: Sequence[str],
) -> ReportOptions:
    """Only the HTML report shows a trend: other formats never read trend.json."""
    if "html" not in formats:
        return options
    trend = history_trend(scan) if history_trend is not None else load_trend(bundle)
    return replace(options, trend=trend)


def _with_attestations(
    bundle: Path, options: ReportOptions, formats: Sequence[str]
) -> ReportOptions:
    """Only the PDF report's Statement of Applicability shows attestation records
    (owner, review, evidence files): other formats never read attestations.json."""
    if "pdf" not in formats:
        return options
    return replace(options, attestations=tuple(read_attestations(bundle).values()))


def _write_new(path: Path, data: bytes) -> None:
    try:
        with open_new(path) as fh:
            fh.write(data)
    except OSError as exc:
        raise StorageError.writing(path, exc) from None


def render_elsewhere(
    bundle: Path,
    formats: Sequence[str],
    options: ReportOptions,
    out_dir: Path,
    history_trend: Callable[[ScanResult], TrendData] | None = None,
) -> list[Path]:
    real_bundle, real_out = bundle.resolve(), out_dir.resolve()
    if real_bundle in real_out.parents:
        raise UsageError(
            f"{out_dir}: inside the bundle {bundle}; a bundle holds no directories, "
            "so choose an --output-dir outside it"
        )
    if out_dir.is_symlink():
        raise UsageError(f"{out_dir}: is a symbolic link; choose a real directory")
    scan = load_scan(bundle)
    options = _with_trend(scan, bundle, options, history_trend, formats)
    options = _with_attestations(bundle, options, formats)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {out_dir}: {exc.strerror}") from None
    return render_into(scan, out_dir, formats, options, fresh=False)


def render_in_place(
    bundle: Path,
    formats: Sequence[str],
    options: ReportOptions,
    *,
    sign_key_pem: bytes | None = None,
    history_trend: Callable[[ScanResult], TrendData] | None = None,
) -> list[Path]:
    """Add ``formats`` to the bundle and rewrite its manifest (and signature)."""
    # The HTML report with a history's trend brings its trend.json along, so the
    # bundle still re-renders it byte for byte.
    new_trend = history_trend is not None and "html" in formats

    def write(source: Path, staging: Path) -> None:
        scan = load_scan(source)
        opts = _with_trend(scan, source, options, history_trend, formats)
        opts = _with_attestations(source, opts, formats)
        if new_trend and opts.trend is not None:
            _write_new(staging / TREND, trend_to_json(opts.trend))
        render_into(scan, staging, formats, opts)

    names = [get_reporter(f).filename for f in formats] + ([TREND] if new_trend else [])
    target = add_to_bundle(bundle, names, write, sign_key_pem=sign_key_pem)
    return [target / n for n in names]


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
