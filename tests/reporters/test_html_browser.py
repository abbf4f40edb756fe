"""The HTML report in headless Chromium: no console errors, filters, pagination, no XSS.

Needs Debian's chromium (``.ci/install-browser`` installs it; ``.ci/run`` calls that).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from govscan.model import ResourceRef, Result, Severity, Status
from govscan.reporters.html import HtmlReporter
from govscan.reporters.interface import ReportOptions

from .sample_scan import sample_scan

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Chromium not found: run .ci/install-browser "
        "(apt-get install chromium) to enable the browser test",
    ),
]
IMG = "<img src=x onerror=alert(1)>"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def big_scan(n: int):  # type: ignore[no-untyped-def]
    scan = sample_scan()
    extra = [
        Result(
            "aws.ebs.volume-encrypted",
            "EBS",
            Severity.HIGH,
            Status.FAIL if i % 3 == 0 else Status.PASS,
            ResourceRef(
                "aws.ec2.volume",
                f"arn:aws:ec2:eu-central-1:1:volume/vol-{i:05d}",
                f"vol-{i:05d}",
                "aws",
                "111122223333",
                "eu-central-1" if i % 2 else "us-east-1",
            ),
            {"nist-800-53-r5": ("SC-28",)},
            message=f"volume {i}",
        )
        for i in range(n)
    ]
    xss = Result(
        "aws.s3.bucket-public-access-blocked",
        "S3",
        Severity.CRITICAL,
        Status.FAIL,
        ResourceRef("aws.s3.bucket", "arn:aws:s3:::evil", IMG, "aws", "1", "eu"),
        {"dsgvo": ("Art. 32(1)(b)",)},
        message=IMG,
    )
    return replace(scan, results=(*scan.results, *extra, xss))


@pytest.fixture
def page(tmp_path: Path):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page()
        pg.errors = []  # type: ignore[attr-defined]
        pg.dialogs = []  # type: ignore[attr-defined]
        pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        yield pg
        browser.close()


def test_report_in_chromium(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = tmp_path / "report.html"
    html.write_bytes(HtmlReporter().render(big_scan(50_000), ReportOptions()))
    page.goto(html.as_uri())
    page.wait_for_selector("#findings-body tr")
    assert page.errors == [], page.errors
    rows = page.locator("#findings-body tr")
    assert rows.count() == 100, "paginated"
    info = page.text_content("#page-info")
    assert "50" in info
    page.select_option("#f-status", "fail")
    statuses = page.locator("#findings-body tr td:first-child").all_text_contents()
    assert statuses and set(statuses) == {"fail"}
    page.select_option("#f-status", "")
    page.select_option("#f-region", "us-east-1")
    regions = page.locator("#findings-body tr td:nth-child(5)").all_text_contents()
    assert regions and all("us-east-1" in r for r in regions)
    page.select_option("#f-region", "")
    page.fill("#f-text", "vol-00042")
    assert page.locator("#findings-body tr").count() == 1
    page.fill("#f-text", "onerror")
    assert page.locator("#findings-body tr").count() == 1
    assert IMG in page.text_content("#findings-body"), "shown as text"
    assert page.locator("#findings-body img").count() == 0
    page.click("#next") if not page.is_disabled("#next") else None
    assert page.dialogs == []
    assert page.errors == []
    artifacts = Path(os.environ.get("GOVSCAN_TEST_ARTIFACTS", "tests/artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    page.fill("#f-text", "")
    page.screenshot(path=str(artifacts / "report.png"), full_page=False)
