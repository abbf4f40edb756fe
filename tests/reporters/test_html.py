"""The HTML report without a browser: escaping, CSP hashes, determinism, languages."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import replace

from govscan.model import ResourceRef, Result, Severity, Status
from govscan.reporters.html import HtmlReporter
from govscan.reporters.interface import ReportOptions

from .sample_scan import XSS, sample_scan

IMG = "<img src=x onerror=alert(1)>"


def render(lang: str = "en", scan=None) -> str:  # type: ignore[no-untyped-def]
    return HtmlReporter().render(scan or sample_scan(), ReportOptions(lang=lang)).decode()


def with_img_resource():  # type: ignore[no-untyped-def]
    scan = sample_scan()
    bad = Result(
        "aws.s3.bucket-public-access-blocked",
        "S3",
        Severity.CRITICAL,
        Status.FAIL,
        ResourceRef("aws.s3.bucket", "arn:aws:s3:::" + IMG, IMG, "aws", "1", "eu"),
        {"dsgvo": ("Art. 32(1)(b)",)},
        message=IMG,
    )
    return replace(scan, results=(*scan.results, bad))


def test_scan_strings_never_appear_unescaped() -> None:
    html = render(scan=with_img_resource())
    assert IMG not in html
    assert XSS not in html
    assert "<script>alert" not in html


def test_csp_hashes_match_the_inline_blocks() -> None:
    html = render()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1, "exactly one executable script"

    def h(text: str) -> str:
        return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert f"style-src '{h(style)}'" in csp
    assert f"script-src '{h(scripts[0])}'" in csp


def test_embedded_data_is_valid_json_with_every_result() -> None:
    scan = with_img_resource()
    html = render(scan=scan)
    raw = re.search(
        r'<script type="application/json" id="govscan-data">(.*?)</script>', html, re.S
    ).group(1)
    data = json.loads(raw)
    assert len(data["rows"]) == len(scan.results)
    assert any(r["name"] == IMG for r in data["rows"])


def test_same_input_same_bytes_and_self_contained() -> None:
    assert render() == render()
    html = render()
    assert not re.search(r'(src|href)="https?://', html), "no external resources"


def test_sections_frameworks_and_german_labels() -> None:
    en = render("en")
    for anchor in ("summary", "frameworks", "findings", "details", "errors", "run"):
        assert f'id="{anchor}"' in en
    for key in ("iso27001-2022", "nist-800-53-r5", "nist-csf-2.0", "dsgvo", "bsi-c5-2020"):
        assert f"({key})" in en
    assert "manual evidence needed" in en
    de = render("de")
    assert '<html lang="de">' in de
    assert "Zusammenfassung" in de and "manueller Nachweis erforderlich" in de
