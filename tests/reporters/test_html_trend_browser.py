"""The trend section in headless Chromium: drawn, no console error, hostile labels
shown as text (needs Debian's chromium, like test_html_browser)."""

from __future__ import annotations

from pathlib import Path

from govscan.reporters.html import HtmlReporter
from govscan.reporters.interface import ReportOptions

from .sample_scan import sample_scan
from .test_html_browser import page, pytestmark  # noqa: F401  (fixture and markers)
from .test_html_trend import EVIL, trend


def test_the_trend_section_renders_in_chromium(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    html = tmp_path / "report.html"
    html.write_bytes(HtmlReporter().render(sample_scan(), ReportOptions(trend=trend())))
    page.goto(html.as_uri())
    page.wait_for_selector("#trend svg")
    assert page.errors == [], page.errors
    assert page.dialogs == []
    charts = page.locator("#trend svg")
    assert charts.count() == 3
    for i in range(3):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 40
    # The score line is drawn: a polyline with a visible length.
    length = page.evaluate("document.querySelector('#trend polyline').getTotalLength()")
    assert length > 100
    assert page.locator("#trend script").count() == 0
    labels = page.locator("#trend svg text").all_text_contents()
    assert EVIL in labels, "the hostile framework key is text"
    assert EVIL in page.text_content("#trend-oldest")
    assert page.locator('nav a[href="#trend"]').count() == 1
    page.click('nav a[href="#trend"]')
    assert page.errors == []
