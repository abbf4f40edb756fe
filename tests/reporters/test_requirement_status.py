"""Every view reads one requirement status: attested and not-applicable
requirements are never shown as needing manual evidence."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from govscan.catalog.frameworks import load_frameworks
from govscan.model import ResourceRef, Result, ScanResult, Severity, Status
from govscan.reporters.html import HtmlReporter
from govscan.reporters.interface import ReportOptions
from govscan.reporters.oscal import OscalReporter
from govscan.reporters.oscal_parts import dangling_references
from govscan.reporters.pdf_document import page_html

from .sample_scan import sample_scan
from .support import OSCAL_SCHEMA, schema_errors

DECLARED = {
    "iso27001-2022": {"A.7.1": "No premises of our own.", "A.8.24": "Out of scope."},
    "nist-800-53-r5": {"PE-3": "No data centre of our own.", "SC-28": "Out of scope here."},
}


def _scan(status: Status = Status.PASS) -> ScanResult:
    scan = sample_scan()
    att = Result(
        "attestation.isms-policy",
        "Information security policy",
        Severity.MEDIUM,
        status,
        ResourceRef("govscan.attestation", "attestation:isms-policy", "ISMS policy", "govscan"),
        {"iso27001-2022": ("A.5.1",)},
        message="attested by CISO (examine)",
    )
    run = replace(scan.run)
    # The run records the policy's declarations; set here the way it carries them.
    object.__setattr__(run, "not_applicable", DECLARED)
    return replace(scan, run=run, results=(*scan.results, att))


def _html_status(html: str, rid: str) -> str:
    m = re.search(
        rf"<td>{re.escape(rid)} — [^<]*</td>\s*<td[^>]*>[^<]*</td>\s*"
        r'<td><span class="badge s-([a-z_]+)">',
        html,
    )
    assert m, f"no row for {rid}"
    return m.group(1)


def test_html_status_column_knows_attested_and_not_applicable() -> None:
    html = HtmlReporter().render(_scan(), ReportOptions()).decode()
    assert _html_status(html, "A.5.1") == "pass"
    assert _html_status(html, "A.7.1") == "not_applicable"
    # A control maps to A.8.24, but the declaration wins.
    assert _html_status(html, "A.8.24") == "not_applicable"
    assert _html_status(html, "A.5.2") == "manual"


def test_html_attested_failure_fails_the_requirement() -> None:
    html = HtmlReporter().render(_scan(Status.FAIL), ReportOptions()).decode()
    assert _html_status(html, "A.5.1") == "fail"


def test_html_score_counts_attested_requirements_and_names_them() -> None:
    html = HtmlReporter().render(_scan(), ReportOptions()).decode()
    # The sample judges A.8.24 (declared away here) and A.8.20 automatically.
    assert re.search(r"iso27001-2022</text>.*?\(\d+/\d+, attested 1\)</text>", html)


def test_pdf_lists_attested_and_not_applicable_requirements_with_the_reason() -> None:
    page = page_html(_scan(), "en", load_frameworks(), results_sha256="0" * 64)
    iso = page.split("(iso27001-2022)</h3>", 1)[1].split("</table>", 1)[0]
    assert "<b>A.5.1</b>" in iso and "attestation.isms-policy" in iso
    assert "<b>A.7.1</b>" in iso and "No premises of our own." in iso
    assert '<td class="st-manual">' not in iso


def _oscal(scan: ScanResult) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(OscalReporter().render(scan, ReportOptions()))
    return doc


def test_oscal_not_applicable_requirements_are_findings_with_the_justification() -> None:
    doc = _oscal(_scan())
    assert schema_errors(OSCAL_SCHEMA, doc) == []
    assert dangling_references(doc) == []
    findings = {
        f["target"]["target-id"]: f for f in doc["assessment-results"]["results"][0]["findings"]
    }
    for target, why in (
        ("pe-3_smt", "No data centre of our own."),
        ("sc-28_smt", DECLARED["nist-800-53-r5"]["SC-28"]),
    ):
        t = findings[target]["target"]
        assert t["implementation-status"] == {"state": "not-applicable", "remarks": why}
        # Out of scope is never reported as met.
        assert t["status"]["state"] == "not-satisfied"
        assert t["status"]["reason"] == "other"
    # Declared without results: no observation to relate; with results: they stay related.
    assert "related-observations" not in findings["pe-3_smt"]
    assert findings["sc-28_smt"]["related-observations"]
    assert "implementation-status" not in findings["ac-3_smt"]["target"]
    reviewed = doc["assessment-results"]["results"][0]["reviewed-controls"]
    ids = [c["control-id"] for c in reviewed["control-selections"][0]["include-controls"]]
    assert "pe-3" in ids


def test_oscal_not_applicable_findings_load_in_compliance_trestle(tmp_path: Path) -> None:
    from trestle.oscal.assessment_results import AssessmentResults

    path = tmp_path / "oscal-assessment-results.json"
    path.write_bytes(OscalReporter().render(_scan(), ReportOptions()))
    loaded = AssessmentResults.oscal_read(path)
    assert loaded is not None
    findings = loaded.results[0].findings or []
    na = [f for f in findings if f.target.implementation_status is not None]
    assert sorted(f.target.target_id for f in na) == ["pe-3_smt", "sc-28_smt"]


def test_markdown_framework_table_counts_attested_and_not_applicable() -> None:
    from govscan.reporters.markdown import MarkdownReporter

    text = MarkdownReporter().render(_scan(), ReportOptions()).decode()
    # A.5.1 attested; A.7.1 and A.8.24 declared (A.8.24 taken from automated);
    # the score counts the attested pass beside the sample's automated one (not passed).
    row = next(ln for ln in text.splitlines() if ln.startswith("| `iso27001-2022`"))
    assert row == "| `iso27001-2022` | 50 % (1/2, attested 1) | 1 | 1 | 2 | 119 |"


def test_history_records_the_same_framework_score_as_the_reports() -> None:
    from govscan.history.record import _scores

    rows = {row.framework: row for row in _scores(_scan())}
    iso = rows["iso27001-2022"]
    # As in the Markdown table: A.5.1 attested and passed, one automated requirement
    # not passed, and the two declared requirements covered but not assessed.
    assert (iso.passed, iso.failed + iso.errors, iso.assessed, iso.covered) == (1, 1, 2, 4)
