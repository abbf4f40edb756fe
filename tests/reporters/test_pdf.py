"""The PDF report, read back with ``pdftotext``: a scan of a tiny tree under a
policy declaring a requirement not applicable and with one attestation, its
re-rendering from the bundle, the Statement of Applicability, German labels and
a hostile resource name."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from govscan.cli import cli

pytest.importorskip("weasyprint", reason="the pdf format needs WeasyPrint (govscan[pdf])")
if shutil.which("pdftotext") is None:
    pytest.skip(
        "pdftotext (Debian poppler-utils, .ci/install-poppler) is needed to read the PDF",
        allow_module_level=True,
    )

TREE = Path(__file__).parent / "pdf_tree"
AUDIT = Path(__file__).parent / "pdf_audit"
JUSTIFICATION = "No premises of our own; the cloud provider monitors its data centres."
HOSTILE = '<img src="http://127.0.0.1:9/x"><style>*{display:none}</style>'


def _text(pdf: Path, *, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _flat(text: str) -> str:
    """Without whitespace: table cells wrap long names over several lines."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("pdf")
    shutil.copytree(TREE, work / "tree")
    out = work / "bundle"
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            "--repo",
            str(work / "tree"),
            "--policy",
            str(AUDIT / "policy.yaml"),
            "--attestations",
            str(AUDIT / "attestations"),
            "--format",
            "pdf",
            "--output-dir",
            str(out),
        ],
    )
    assert result.exit_code == 1, result.output  # the tree has failures
    assert (out / "report.pdf").is_file()
    return out


def _rerender(bundle: Path, out: Path, *extra: str) -> Path:
    result = CliRunner().invoke(
        cli, ["report", str(bundle), "--format", "pdf", "--output-dir", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    return out / "report.pdf"


def test_cover_contents_frameworks_and_findings(bundle: Path) -> None:
    text = _text(bundle / "report.pdf", layout=True)
    cover = text.split("\f")[0]
    assert "Compliance report for the audit" in cover
    assert "Scope and run" in cover
    # A long temporary path wraps inside its cell: compare without the layout's spaces.
    assert re.search(r"Targetsrepo:\S*/tree(?:Policy|$)", re.sub(r"\s+", "", cover))
    assert "pdf-audit" in cover
    run_id = re.search(r"Run id\s+(\S+)", cover)
    assert run_id is not None and len(run_id.group(1)) > 8
    assert re.search(r"results\.json SHA-256\s+[0-9a-f]{20}", cover)
    contents = text.split("\f")[1]
    # Each entry ends in the page it points to.
    assert re.search(r"Executive summary \.+ ?\d+", contents)
    assert re.search(r"ISO/IEC 27001:2022 \(iso27001-2022\)\s*\.+ ?\d+", contents)
    assert re.search(r"Statement of Applicability \.+ ?\d+", contents)
    assert "\nISO/IEC 27001:2022 (iso27001-2022)\n" in text  # the section heading
    failing = text.split("\nFailing findings by severity\n")[-1].split("\nStatement of")[0]
    assert re.search(r"\nhigh \(\d+\)\n", failing)
    assert re.search(r"aws\.ebs\.volume-encrypted\s+\.: aws_ebs_volume\.plain", failing)
    assert "aws_ebs_volume.sealed" not in failing


def _soa(text: str, heading: str) -> str:
    """The Statement of Applicability chapter, flattened."""
    return _flat(text.split(f"\n{heading}\n")[-1])


def _row(soa: str, rid: str, next_id: str) -> str:
    """One row's first cells in reading order: title, applicable, status (pdftotext
    reads a column that is mostly empty, like evidence, after the table)."""
    return soa.split(rid, 1)[1].split(next_id, 1)[0]


def _row_lines(layout: str, rid: str, next_id: str) -> str:
    """One row of the SoA as laid out: its lines, every column side by side."""
    soa = layout.split("\nStatement of Applicability\n")[-1]
    return soa.split(f"\n{rid} ", 1)[1].split(f"\n{next_id} ", 1)[0]


def test_statement_of_applicability(bundle: Path) -> None:
    text = _text(bundle / "report.pdf")
    soa = _soa(text, "Statement of Applicability")
    assert _flat("ISO/IEC 27001:2022 (iso27001-2022)") in soa
    # pdftotext drops a hyphen that ends a line.
    assert re.search(r"BSIC5:2020.*\(bsi-?c5-2020\)", soa)
    # The attested requirement: the attestation passes, a repository check fails.
    row = _row(soa, "A.5.24", "A.5.25")
    assert "yespartiallyimplemented" in row
    lines = _row_lines(_text(bundle / "report.pdf", layout=True), "A.5.24", "A.5.25")
    for cell in ("repo.security-policy-present", "attestation.ir-plan", "evidence/ir-plan.txt"):
        assert cell in lines  # the evidence column
    assert "Head of" in lines and "2026-02-10" in lines  # owner and last review
    row = _row(soa, "A.7.4", "A.7.5")
    assert _flat(f"no{JUSTIFICATION}notapplicable") in row
    assert "noassessed" not in _row(soa, "A.5.1", "A.5.2")
    assert "yesnotassessed" in _row(soa, "A.5.1", "A.5.2")


def test_soa_header_repeats_on_every_page(bundle: Path) -> None:
    pages = _text(bundle / "report.pdf", layout=True).split("\f")
    first = next(i for i, p in enumerate(pages) if "\nStatement of Applicability\n" in p)
    rows = [p for p in pages[first:] if re.search(r"\n\s*A\.\d+\.\d+\s", p)]
    assert len(rows) > 2  # 93 Annex A controls do not fit one page
    for page in rows:
        assert re.search(r"\n\s*Requirement\s+Title\s+Applicable\s+Implementation\s+Evidence", page)
        assert re.search(r"Page \d+ of \d+", page)


def test_page_numbers(bundle: Path) -> None:
    pages = _text(bundle / "report.pdf").split("\f")
    pages = [p for p in pages if p.strip()]
    total = len(pages)
    assert total > 3
    assert f"Page 2 of {total}" in pages[1]
    assert f"Page {total} of {total}" in pages[-1]
    assert "Page 1 of" not in pages[0]  # the cover has no footer


def test_german(bundle: Path, tmp_path: Path) -> None:
    text = _text(_rerender(bundle, tmp_path, "--lang", "de"), layout=True)
    for heading in (
        "Compliance-Bericht für die Prüfung",
        "Umfang und Lauf",
        "Inhaltsverzeichnis",
        "Zusammenfassung",
        "Abweichungen nach Schweregrad",
        "Erklärung zur Anwendbarkeit",
    ):
        assert heading in text
    assert re.search(r"Seite 2 von \d+", text)
    assert "Executive summary" not in text
    assert re.search(r"\n\s*Anforderung\s+Titel\s+Anwendbar\s+Umsetzungsstatus\s+Nachweise", text)
    soa = _soa(_text(tmp_path / "report.pdf"), "Erklärung zur Anwendbarkeit")
    assert "jateilweiseumgesetzt" in _row(soa, "A.5.24", "A.5.25")
    assert _flat(f"nein{JUSTIFICATION}nichtanwendbar") in _row(soa, "A.7.4", "A.7.5")


def test_hostile_name_is_text(bundle: Path) -> None:
    text = _flat(_text(bundle / "report.pdf"))
    assert _flat(HOSTILE) in text
    # Had the style applied, nothing after the cover would be visible.
    assert "Statementof" in text


def test_report_rerenders_the_same_bytes(bundle: Path, tmp_path: Path) -> None:
    again = _rerender(bundle, tmp_path)
    assert again.read_bytes() == (bundle / "report.pdf").read_bytes()


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) absent")
def test_dates_are_the_runs(bundle: Path) -> None:
    info = subprocess.run(
        ["pdfinfo", "-isodates", str(bundle / "report.pdf")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    results = (bundle / "results.json").read_text(encoding="utf-8")
    finished = re.search(r'"finished_at":\s*"([0-9-]+T[0-9:]+)', results)
    assert finished is not None
    assert re.search(rf"CreationDate:\s+{finished.group(1)}", info)
    assert re.search(rf"ModDate:\s+{finished.group(1)}", info)
