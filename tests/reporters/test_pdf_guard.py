"""The PDF report's guards that need no ``pdftotext``: the URL fetcher, the
missing-WeasyPrint error, lazy import, and escaping in the printed page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from govscan.catalog.frameworks import load_frameworks
from govscan.cli import cli
from govscan.reporters import pdf
from govscan.reporters.pdf_document import _css_string, labels, page_html, template_dir
from tests.reporters.sample_scan import XSS, sample_scan

TREE = Path(__file__).parent / "pdf_tree"


def test_missing_weasyprint_stops_before_scanning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pdf, "_weasyprint", lambda: None)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["scan", "--repo", str(TREE), "--format", "html,pdf", "--output-dir", str(out)]
    )
    assert result.exit_code == 2
    assert pdf.MISSING in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1
    assert not out.exists()


def test_version_does_not_import_weasyprint() -> None:
    code = (
        "import sys\n"
        "from govscan.cli import main\n"
        "sys.argv = ['govscan', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'weasyprint' not in sys.modules, 'imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "govscan" in done.stdout


def test_page_escapes_scan_data() -> None:
    page = page_html(sample_scan(), "en", load_frameworks(), results_sha256="0" * 64)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert XSS not in page


def test_failing_findings_beyond_the_limit_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    from govscan.reporters import pdf_document

    scan = sample_scan()
    high = sum(1 for r in scan.results if r.status.value == "fail" and r.severity.value == "high")
    monkeypatch.setattr(pdf_document, "FINDINGS_LIMIT", 0)
    page = page_html(scan, "en", load_frameworks(), results_sha256="")
    assert f"+{high} further failing findings" in page
    assert "aws.ebs.volume-encrypted</td>" not in page


def test_german_labels_cover_the_english_ones() -> None:
    assert set(labels("de")) >= set(labels("en"))
    assert labels("../../etc") == labels("en")


def test_css_string_cannot_end_the_rule() -> None:
    assert _css_string("Seite") == '"Seite"'
    escaped = _css_string('a"; } body { display: none')
    assert '"' not in escaped[1:-1] and "}" not in escaped and ";" not in escaped


weasyprint = pytest.importorskip("weasyprint", reason="needs WeasyPrint (govscan[pdf])")


@pytest.fixture
def fetcher() -> object:
    return pdf._fetcher_class(weasyprint)(allowed_protocols=("data",))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://127.0.0.1:9/font.woff2",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "file://127.0.0.1/etc/passwd",
        "ftp://127.0.0.1/x",
    ],
)
def test_fetcher_refuses(fetcher: object, url: str) -> None:
    with pytest.raises(ValueError, match="fetches nothing"):
        fetcher.fetch(url)  # type: ignore[attr-defined]


def test_fetcher_refuses_a_path_leading_out_of_the_templates(fetcher: object) -> None:
    outside = (template_dir() / ".." / ".." / "README.md").resolve()
    url = template_dir().as_uri() + "/../../" + outside.name
    with pytest.raises(ValueError, match="fetches nothing"):
        fetcher.fetch(url)  # type: ignore[attr-defined]


def test_fetcher_serves_data_and_own_files(fetcher: object) -> None:
    got = fetcher.fetch("data:text/plain;base64,aGk=")  # type: ignore[attr-defined]
    assert got.read() == b"hi"
    own = fetcher.fetch((template_dir() / "print.css").as_uri())  # type: ignore[attr-defined]
    assert b"@page" in own.read()
