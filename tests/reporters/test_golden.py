"""Every format against its golden file, and the purity every reporter promises."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from govscan.model import ScanResult
from govscan.reporters.interface import ReportOptions
from govscan.reporters.registry import available_formats, get_reporter
from govscan.serialize import (
    api_call_to_dict,
    control_to_dict,
    scan_from_dict,
    scan_to_dict,
)

from .sample_scan import sample_scan
from .support import assert_golden

FORMATS = ("sarif", "junit", "oscal", "csv", "md", "html")

CASES = [
    ("sarif", ReportOptions(), "results.sarif"),
    ("sarif", ReportOptions(sarif_include_passes=True), "results-with-passes.sarif"),
    ("junit", ReportOptions(), "junit.xml"),
    ("oscal", ReportOptions(), "oscal-assessment-results.json"),
    ("csv", ReportOptions(), "results.csv"),
    ("md", ReportOptions(), "summary.md"),
    ("md", ReportOptions(lang="de"), "summary.de.md"),
    ("html", ReportOptions(), "report.html"),
    ("html", ReportOptions(lang="de"), "report.de.html"),
]


@pytest.mark.parametrize(("fmt", "options", "golden"), CASES, ids=[c[2] for c in CASES])
def test_matches_golden(fmt: str, options: ReportOptions, golden: str) -> None:
    assert_golden(golden, get_reporter(fmt).render(sample_scan(), options))


@pytest.mark.parametrize("fmt", FORMATS)
def test_registered_with_the_documented_file_name(fmt: str) -> None:
    names = {
        "sarif": "results.sarif",
        "junit": "junit.xml",
        "oscal": "oscal-assessment-results.json",
        "csv": "results.csv",
        "md": "summary.md",
        "html": "report.html",
    }
    assert fmt in available_formats()
    reporter = get_reporter(fmt)
    assert reporter.format == fmt
    assert reporter.filename == names[fmt]


def _round_trip(scan: ScanResult) -> ScanResult:
    return scan_from_dict(
        scan_to_dict(scan),
        [control_to_dict(c) for c in scan.controls],
        [api_call_to_dict(a) for a in scan.api_calls],
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_bytes_after_a_serialisation_round_trip(fmt: str) -> None:
    # What `govscan report` relies on: a bundle re-renders byte for byte.
    scan = sample_scan()
    options = ReportOptions(sarif_include_passes=True)
    assert get_reporter(fmt).render(_round_trip(scan), options) == get_reporter(fmt).render(
        scan, options
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_does_not_depend_on_result_order(fmt: str) -> None:
    scan = sample_scan()
    shuffled = replace(
        scan,
        results=tuple(reversed(scan.results)),
        controls=tuple(reversed(scan.controls)),
        errors=tuple(reversed(scan.errors)),
    )
    options = ReportOptions(sarif_include_passes=True)
    got = get_reporter(fmt).render(shuffled, options)
    want = get_reporter(fmt).render(scan, options)
    if fmt == "oscal":
        # The back-matter cites results.json by hash, and that file keeps scan order.
        got_doc, want_doc = json.loads(got), json.loads(want)
        for doc in (got_doc, want_doc):
            del doc["assessment-results"]["back-matter"]
        assert got_doc == want_doc
    else:
        assert got == want


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_scan_renders(fmt: str) -> None:
    scan = replace(sample_scan(), results=(), errors=(), controls=(), api_calls=())
    assert get_reporter(fmt).render(scan, ReportOptions())


def test_a_reporter_must_render_or_write() -> None:
    from govscan.reporters.interface import Reporter

    with pytest.raises(TypeError, match="render\\(\\) or write\\(\\)"):

        class Nothing(Reporter):
            format = "nothing"
            filename = "nothing.txt"


def test_a_render_only_reporter_can_still_be_written() -> None:
    import io

    from govscan.reporters.interface import Reporter

    class Plain(Reporter):
        format = "plain"
        filename = "plain.txt"

        def render(self, scan: ScanResult, options: ReportOptions) -> bytes:
            return f"{len(scan.results)} results".encode()

    buf = io.BytesIO()
    Plain().write(sample_scan(), ReportOptions(), buf)
    assert buf.getvalue() == f"{len(sample_scan().results)} results".encode()
