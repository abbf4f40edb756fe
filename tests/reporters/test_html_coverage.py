"""The HTML framework section counts the four coverage states."""

from __future__ import annotations

import re
from dataclasses import replace

from govscan.model import ResourceRef, Result, ScanResult, Severity, Status
from govscan.reporters.html import HtmlReporter
from govscan.reporters.interface import ReportOptions

from .sample_scan import sample_scan


def render(scan: ScanResult, lang: str = "en") -> str:
    return HtmlReporter().render(scan, ReportOptions(lang=lang)).decode()


def coverage_of(html: str, rid: str) -> str:
    """The coverage cell of a requirement's row."""
    m = re.search(rf"<td>{re.escape(rid)} — [^<]*</td>\s*<td class=\"c-([a-z_]+)\">", html)
    assert m, f"no row for {rid}"
    return m.group(1)


def with_attestation(scan: ScanResult) -> ScanResult:
    att = Result(
        "attestation.isms-policy",
        "Information security policy",
        Severity.MEDIUM,
        Status.PASS,
        ResourceRef("govscan.attestation", "attestation:isms-policy", "ISMS policy", "govscan"),
        # A.5.1 nothing else answers; A.8.24 a control in the sample maps to.
        {"iso27001-2022": ("A.5.1", "A.8.24")},
        message="attested by CISO",
    )
    return replace(scan, results=(*scan.results, att))


def test_states_and_summary_without_attestations() -> None:
    html = render(sample_scan())
    assert coverage_of(html, "A.8.24") == "automated"
    assert coverage_of(html, "A.5.1") == "gap"
    assert "Coverage: automated 2, attested 0, not applicable 0, gap 121 of 123" in html


def test_attestation_results_make_a_requirement_attested() -> None:
    html = render(with_attestation(sample_scan()))
    assert coverage_of(html, "A.5.1") == "attested"
    # Automated wins where a control maps too.
    assert coverage_of(html, "A.8.24") == "automated"
    assert "Coverage: automated 2, attested 1, not applicable 0, gap 120 of 123" in html


def test_declared_not_applicable_is_shown_as_such() -> None:
    scan = sample_scan()
    run = replace(scan.run)
    # The run records the policy's declarations; set here the way it carries them.
    object.__setattr__(
        run, "not_applicable", {"iso27001-2022": {"A.7.1": "no premises", "A.8.24": "x"}}
    )
    html = render(replace(scan, run=run))
    assert coverage_of(html, "A.7.1") == "not_applicable"
    # Declared out of scope: never counted as automated, even with a control mapped.
    assert coverage_of(html, "A.8.24") == "not_applicable"
    assert "Coverage: automated 1, attested 0, not applicable 2, gap 120 of 123" in html


def test_german_labels() -> None:
    html = render(with_attestation(sample_scan()), "de")
    assert "Abdeckung: automatisiert 2, attestiert 1, nicht anwendbar 0, Lücke 120 von 123" in html
