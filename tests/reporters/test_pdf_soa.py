"""The PDF report's Statement of Applicability is the SoA ``govscan soa`` writes:
the same rows from the same function, in the page the PDF prints (no WeasyPrint
needed; tests/reporters/test_pdf.py reads the printed PDF)."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest

from govscan.catalog.frameworks import load_frameworks
from govscan.errors import EvidenceError
from govscan.model import ResourceRef, Result, ScanResult, Severity, Status
from govscan.render import _with_attestations
from govscan.reporters.interface import ReportOptions
from govscan.reporters.pdf_document import labels, page_html
from govscan.reporters.pdf_soa import SOA_FRAMEWORKS, status_label
from govscan.results.soa import Implementation
from govscan.results.soa_rows import AttestationRecord, EvidenceRef, build_soa
from govscan.soa.table import HEADINGS, STATUS_LABELS

from .sample_scan import sample_scan

JUSTIFICATION = "No premises of our own."
OWNER = "<b>CISO</b> & team"
SHA = "ab" * 32
RECORD = AttestationRecord(
    id="isms-policy",
    control_id="attestation.isms-policy",
    owner=OWNER,
    reviewed="2025-02-01",
    valid_until="2026-02-01",
    status="pass",
    requirements={"iso27001-2022": ("A.5.1",)},
    files=(EvidenceRef("evidence/policy.pdf", SHA),),
    links=(),
)


def _scan() -> ScanResult:
    scan = sample_scan()
    att = Result(
        "attestation.isms-policy",
        "Information security policy",
        Severity.MEDIUM,
        Status.PASS,
        ResourceRef("govscan.attestation", "attestation:isms-policy", "ISMS policy", "govscan"),
        {"iso27001-2022": ("A.5.1",)},
        message="attested by CISO (examine)",
    )
    run = replace(scan.run)
    object.__setattr__(run, "not_applicable", {"iso27001-2022": {"A.7.1": JUSTIFICATION}})
    return replace(scan, run=run, results=(*scan.results, att))


def _page(scan: ScanResult, lang: str = "en") -> str:
    page = page_html(scan, lang, load_frameworks(), results_sha256="0" * 64, attestations=[RECORD])
    return page.split('<section class="chapter" id="soa">', 1)[1].split("</section>", 1)[0]


def _tables(soa: str) -> dict[str, dict[str, str]]:
    """Framework key -> requirement id -> implementation status, as printed."""
    out: dict[str, dict[str, str]] = {}
    for key, body in re.findall(r'<h3 id="soa-\d+">[^<]*\(([^)]+)\)</h3>(.*?)</table>', soa, re.S):
        rows = re.findall(r'<tr><td><b>([^<]+)</b>.*?<span class="impl-([a-z_]+)">', body, re.S)
        out[key] = dict(rows)
    return out


def test_the_pdf_prints_every_row_of_the_soa_with_its_status() -> None:
    scan = _scan()
    printed = _tables(_page(scan))
    # The sample maps results to ISO 27001, BSI C5, NIST 800-53 and DSGVO: only the
    # first two have a Statement of Applicability.
    assert list(printed) == list(SOA_FRAMEWORKS)
    catalogs = load_frameworks()
    for key in SOA_FRAMEWORKS:
        soa = build_soa(scan, catalogs[key], {RECORD.control_id: RECORD}, "")
        assert printed[key] == {r.id: r.status.value for r in soa.rows}
    iso = printed["iso27001-2022"]
    assert len(iso) == 93 and all(rid.startswith("A.") for rid in iso)
    assert iso["A.5.1"] == Implementation.IMPLEMENTED  # attested
    assert iso["A.7.1"] == Implementation.NOT_APPLICABLE  # declared
    assert iso["A.8.24"] == Implementation.PARTIAL  # one volume encrypted, one not
    assert iso["A.5.2"] == Implementation.NOT_ASSESSED


def test_a_row_carries_justification_evidence_owner_and_review() -> None:
    soa = _page(_scan())
    a71 = soa.split("<b>A.7.1</b>", 1)[1].split("</tr>", 1)[0]
    assert f"no<div>{JUSTIFICATION}</div>" in a71
    a51 = soa.split("<b>A.5.1</b>", 1)[1].split("</tr>", 1)[0]
    assert "attestation.isms-policy" in a51
    assert f"evidence/policy.pdf ({SHA})" in a51
    # Attested text is hostile input: escaped, never markup.
    assert html.escape(OWNER, quote=False) in a51 and OWNER not in a51
    assert "2025-02-01" in a51


def test_controls_that_judged_nothing_are_counted_not_listed() -> None:
    scan = _scan()
    idle = Result(
        "aws.kms.key-rotation",
        "KMS keys rotate",
        Severity.MEDIUM,
        Status.NOT_APPLICABLE,
        ResourceRef("aws.kms.key", "-", "-", "aws"),
        {"iso27001-2022": ("A.8.24",)},
        message="no resource of type aws.kms.key",
    )
    soa = _page(replace(scan, results=(*scan.results, idle)))
    a824 = soa.split("<b>A.8.24</b>", 1)[1].split("</tr>", 1)[0]
    assert "<div>aws.ebs.volume-encrypted</div>" in a824
    assert "aws.kms.key-rotation" not in a824
    assert "+1 not applicable" in a824
    assert "fail 1, pass 1, not applicable 1" in a824


def test_german_labels() -> None:
    soa = _page(_scan(), "de")
    assert "<h2>Erklärung zur Anwendbarkeit</h2>" in soa
    assert "<th>Umsetzungsstatus</th>" in soa
    a71 = soa.split("<b>A.7.1</b>", 1)[1].split("</tr>", 1)[0]
    assert "nein<div>" in a71 and ">nicht anwendbar</span>" in a71


def test_a_run_without_iso_or_c5_results_says_so() -> None:
    scan = sample_scan()
    kept = [r for r in scan.results if not {"iso27001-2022", "bsi-c5-2020"} & set(r.frameworks)]
    soa = _page(replace(scan, results=tuple(kept), controls=()))
    assert _tables(soa) == {}
    assert labels("en")["soa_none"] in soa


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_pdf_labels_are_the_soa_labels(lang: str) -> None:
    """Two label sets (the SoA's writers and the report i18n) that must not drift."""
    t = labels(lang)
    for status in Implementation:
        assert status_label(t, status) == STATUS_LABELS[lang][status]
    requirement, title, applicable, _, status_heading, *_ = HEADINGS[lang]
    assert (t["soa_requirement"], t["soa_title"], t["soa_applicable"], t["soa_status"]) == (
        requirement,
        title,
        applicable,
        status_heading,
    )
    assert (t["soa_yes"], t["soa_no"]) == {"en": ("yes", "no"), "de": ("ja", "nein")}[lang]


def test_attestations_are_read_for_the_pdf_only(tmp_path: Path) -> None:
    (tmp_path / "attestations.json").write_text("{not json", encoding="utf-8")
    options = ReportOptions()
    assert _with_attestations(tmp_path, options, ["html", "sarif"]) is options
    with pytest.raises(EvidenceError, match=r"attestations\.json: unreadable"):
        _with_attestations(tmp_path, options, ["pdf"])
